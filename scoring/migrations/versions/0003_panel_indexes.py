"""Panel entries are read by sequence per evaluation: index them (evaluation, sequence number).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("panel_scores_evaluation", "panel_scores", ["evaluation_id", "id"])
    op.create_index("moderations_evaluation", "moderations", ["evaluation_id", "id"])


def downgrade() -> None:
    op.drop_index("moderations_evaluation", "moderations")
    op.drop_index("panel_scores_evaluation", "panel_scores")
