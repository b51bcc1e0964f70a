"""Evaluators submit their scores, which locks them; the chair may reopen them (append-only).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from scoring.migrations.triggers import append_only

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), nullable=False),
        sa.Column("evaluator", sa.String(320), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("by", sa.String(320), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.CheckConstraint("action in ('submitted', 'reopened')", name="submissions_action"),
        sa.CheckConstraint("length(trim(reason)) > 0", name="submissions_reason"),
    )
    op.create_index("submissions_evaluation", "submissions", ["evaluation_id", "id"])
    append_only("submissions")


def downgrade() -> None:
    raise NotImplementedError("panel records are never dropped")
