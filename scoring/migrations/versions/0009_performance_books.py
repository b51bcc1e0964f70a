"""Performance workbooks stored with the evaluation they monitor (append-only: numbered, the
latest in force; the bytes in the content-addressed snapshots).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from scoring.migrations.triggers import append_only

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "performance_books",
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("snapshot_sha256", sa.String(64), sa.ForeignKey("snapshots.sha256"), nullable=False),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("by", sa.String(320), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.CheckConstraint("length(trim(reason)) > 0", name="performance_books_reason"),
    )
    append_only("performance_books")


def downgrade() -> None:
    raise NotImplementedError("records are never dropped")
