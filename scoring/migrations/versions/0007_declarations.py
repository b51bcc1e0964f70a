"""Conflict-of-interest declarations: each member's, and the chair's decisions (append-only).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from scoring.migrations.triggers import append_only

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "declarations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), nullable=False),
        sa.Column("user_id", sa.String(320), nullable=False),
        sa.Column("answer", sa.String(20), nullable=False),
        sa.Column("statement", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("by", sa.String(320), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.CheckConstraint("answer in ('none', 'conflict', 'recuse', 'accept')",
                           name="declarations_answer"),
        sa.CheckConstraint("length(trim(statement)) > 0", name="declarations_statement"),
    )
    op.create_index("declarations_evaluation", "declarations", ["evaluation_id", "id"])
    append_only("declarations")


def downgrade() -> None:
    raise NotImplementedError("panel records are never dropped")
