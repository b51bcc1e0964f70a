"""Initial schema: evaluations, snapshots, versions, audit log; append-only triggers.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from scoring.migrations.triggers import append_only

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY = ("snapshots", "versions", "audit_log")


def upgrade() -> None:
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "snapshots",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "versions",
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("snapshot_sha256", sa.String(64), sa.ForeignKey("snapshots.sha256"),
                  nullable=False),
        sa.Column("settings", sa.Text, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.CheckConstraint("length(trim(reason)) > 0", name="versions_reason_required"),
        sa.CheckConstraint("number >= 1", name="versions_number_positive"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=True),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("item", sa.String(300), nullable=False),
        sa.Column("old_value", sa.Text, nullable=True),
        sa.Column("new_value", sa.Text, nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.CheckConstraint("length(trim(reason)) > 0", name="audit_reason_required"),
    )
    op.create_index("audit_log_evaluation", "audit_log", ["evaluation_id", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION ssw_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only: rows are never updated or deleted', "
            "TG_TABLE_NAME; END $$"
        )
    append_only(*APPEND_ONLY)


def downgrade() -> None:
    raise NotImplementedError("the audit trail is never dropped")
