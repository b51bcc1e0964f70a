"""Panel: members and roles, panel switches, evaluators' scores, chair's moderations.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from scoring.migrations.triggers import append_only

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APPEND_ONLY = ("panel_scores", "moderations")


def upgrade() -> None:
    op.create_table(
        "members",
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), primary_key=True),
        sa.Column("user_id", sa.String(320), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.CheckConstraint("role in ('chair', 'evaluator', 'viewer')", name="members_role"),
    )
    op.create_table(
        "panel_flags",
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), primary_key=True),
        sa.Column("name", sa.String(60), primary_key=True),
        sa.Column("value", sa.String(60), nullable=False),
    )
    op.create_table(
        "panel_scores",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), nullable=False),
        sa.Column("evaluator", sa.String(320), nullable=False),
        sa.Column("vendor", sa.String(300), nullable=False),
        sa.Column("lot", sa.String(300), nullable=False),
        sa.Column("criterion", sa.String(300), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("rationale", sa.Text, nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.CheckConstraint("length(trim(rationale)) > 0", name="panel_scores_rationale"),
    )
    op.create_table(
        "moderations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), nullable=False),
        sa.Column("vendor", sa.String(300), nullable=False),
        sa.Column("lot", sa.String(300), nullable=False),
        sa.Column("criterion", sa.String(300), nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("rationale", sa.Text, nullable=False),
        sa.Column("chair", sa.String(320), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.CheckConstraint("length(trim(rationale)) > 0", name="moderations_rationale"),
    )
    append_only(*APPEND_ONLY)


def downgrade() -> None:
    raise NotImplementedError("panel records are never dropped")
