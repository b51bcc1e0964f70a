"""Panel findings and consensus narratives entered on the Panel page (append-only).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from scoring.migrations.triggers import append_only

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

APPEND_ONLY = ("panel_findings", "narratives")


def upgrade() -> None:
    op.create_table(
        "panel_findings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), nullable=False),
        sa.Column("evaluator", sa.String(320), nullable=False),
        sa.Column("vendor", sa.String(300), nullable=False),
        sa.Column("lot", sa.String(300), nullable=False),
        sa.Column("criterion", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("reference", sa.Text, nullable=False),
        sa.Column("withdraws", sa.Integer, nullable=True),
        sa.Column("at", sa.String(40), nullable=False),
        sa.CheckConstraint("length(trim(text)) > 0", name="panel_findings_text"),
    )
    op.create_index("panel_findings_evaluation", "panel_findings", ["evaluation_id", "id"])
    op.create_table(
        "narratives",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), nullable=False),
        sa.Column("vendor", sa.String(300), nullable=False),
        sa.Column("lot", sa.String(300), nullable=False),
        sa.Column("criterion", sa.String(300), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("chair", sa.String(320), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.CheckConstraint("length(trim(text)) > 0", name="narratives_text"),
    )
    op.create_index("narratives_evaluation", "narratives", ["evaluation_id", "id"])
    append_only(*APPEND_ONLY)


def downgrade() -> None:
    raise NotImplementedError("panel records are never dropped")
