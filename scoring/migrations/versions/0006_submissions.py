"""Evaluators submit their scores, which locks them; the chair may reopen them (append-only).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

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
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE TRIGGER submissions_append_only BEFORE UPDATE OR DELETE ON submissions "
                   "FOR EACH ROW EXECUTE FUNCTION ssw_append_only()")
        op.execute("CREATE TRIGGER submissions_no_truncate BEFORE TRUNCATE ON submissions "
                   "FOR EACH STATEMENT EXECUTE FUNCTION ssw_append_only()")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER submissions_no_{verb.lower()} BEFORE {verb} ON submissions "
                       "BEGIN SELECT RAISE(ABORT, 'submissions is append-only: rows are never "
                       "updated or deleted'); END")


def downgrade() -> None:
    raise NotImplementedError("panel records are never dropped")
