"""The chair assigns evaluators to criteria and lots (append-only: the latest entry holds).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from scoring.migrations.triggers import append_only

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), nullable=False),
        sa.Column("evaluator", sa.String(320), nullable=False),
        sa.Column("criteria", sa.Text, nullable=False),
        sa.Column("lots", sa.Text, nullable=False),
        sa.Column("by", sa.String(320), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.CheckConstraint("length(trim(reason)) > 0", name="assignments_reason"),
    )
    op.create_index("assignments_evaluation", "assignments", ["evaluation_id", "id"])
    append_only("assignments")


def downgrade() -> None:
    raise NotImplementedError("panel records are never dropped")
