"""The database schema, defined once: every table, constraint and index the store uses.

The Alembic migrations in ``scoring/migrations`` build exactly this schema from an empty
database (a test migrates one and compares it with these tables: no difference). A change to
the schema is a change here plus a new migration that makes it.
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

APPEND_ONLY = ("snapshots", "versions", "audit_log", "panel_scores", "moderations",
               "panel_findings", "narratives", "submissions", "declarations", "assignments",
               "performance_books")
"""Tables whose rows are never updated or deleted: database triggers refuse it."""

ROLES = ("chair", "evaluator", "viewer")

evaluations = Table(
    "evaluations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", String(40), nullable=False),
)
snapshots = Table(
    "snapshots", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("filename", String(300), nullable=False),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", String(40), nullable=False),
)
versions = Table(
    "versions", metadata,
    Column("evaluation_id", Integer, ForeignKey("evaluations.id"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("snapshot_sha256", String(64), ForeignKey("snapshots.sha256"), nullable=False),
    Column("settings", Text, nullable=False),  # the Evaluation's JSON
    Column("author", String(200), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("reason", Text, nullable=False),
    CheckConstraint("length(trim(reason)) > 0", name="versions_reason_required"),
    CheckConstraint("number >= 1", name="versions_number_positive"),
)
audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("evaluation_id", Integer, ForeignKey("evaluations.id"), nullable=False),
    Column("version", Integer, nullable=True),
    Column("at", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(60), nullable=False),
    Column("item", String(300), nullable=False),
    Column("old_value", Text, nullable=True),
    Column("new_value", Text, nullable=True),
    Column("reason", Text, nullable=False),
    Column("prev_hash", String(64), nullable=True),  # the entry before it in its evaluation
    Column("hash", String(64), nullable=True),  # over its content and prev_hash (scoring.ledger)
    CheckConstraint("length(trim(reason)) > 0", name="audit_reason_required"),
    Index("audit_log_evaluation", "evaluation_id", "id"),
)
members = Table(
    "members", metadata,
    Column("evaluation_id", Integer, ForeignKey("evaluations.id"), primary_key=True),
    Column("user_id", String(320), primary_key=True),
    Column("role", String(20), nullable=False),
    CheckConstraint("role in ('chair', 'evaluator', 'viewer')", name="members_role"),
)
panel_flags = Table(
    "panel_flags", metadata,
    Column("evaluation_id", Integer, ForeignKey("evaluations.id"), primary_key=True),
    Column("name", String(60), primary_key=True),
    Column("value", String(60), nullable=False),
)
panel_scores = Table(
    "panel_scores", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # the entry's sequence number
    Column("evaluation_id", Integer, ForeignKey("evaluations.id"), nullable=False),
    Column("evaluator", String(320), nullable=False),
    Column("vendor", String(300), nullable=False),
    Column("lot", String(300), nullable=False),
    Column("criterion", String(300), nullable=False),
    Column("score", Float, nullable=False),
    Column("rationale", Text, nullable=False),
    Column("at", String(40), nullable=False),
    CheckConstraint("length(trim(rationale)) > 0", name="panel_scores_rationale"),
    Index("panel_scores_evaluation", "evaluation_id", "id"),
)
moderations = Table(
    "moderations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # the entry's sequence number
    Column("evaluation_id", Integer, ForeignKey("evaluations.id"), nullable=False),
    Column("vendor", String(300), nullable=False),
    Column("lot", String(300), nullable=False),
    Column("criterion", String(300), nullable=False),
    Column("value", Float, nullable=True),
    Column("rationale", Text, nullable=False),
    Column("chair", String(320), nullable=False),
    Column("at", String(40), nullable=False),
    CheckConstraint("length(trim(rationale)) > 0", name="moderations_rationale"),
    Index("moderations_evaluation", "evaluation_id", "id"),
)
panel_findings = Table(
    "panel_findings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # the entry's sequence number
    Column("evaluation_id", Integer, ForeignKey("evaluations.id"), nullable=False),
    Column("evaluator", String(320), nullable=False),
    Column("vendor", String(300), nullable=False),
    Column("lot", String(300), nullable=False),
    Column("criterion", String(300), nullable=False),
    Column("kind", String(40), nullable=False),  # a finding kind, or "withdrawn"
    Column("text", Text, nullable=False),  # the finding; for a withdrawal, why it is withdrawn
    Column("reference", Text, nullable=False),  # proposal volume / section / page
    Column("withdraws", Integer, nullable=True),  # the entry a withdrawal takes back
    Column("at", String(40), nullable=False),
    CheckConstraint("length(trim(text)) > 0", name="panel_findings_text"),
    Index("panel_findings_evaluation", "evaluation_id", "id"),
)
narratives = Table(
    "narratives", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # the entry's sequence number
    Column("evaluation_id", Integer, ForeignKey("evaluations.id"), nullable=False),
    Column("vendor", String(300), nullable=False),
    Column("lot", String(300), nullable=False),
    Column("criterion", String(300), nullable=False),
    Column("text", Text, nullable=False),  # the chair's consensus narrative for the cell
    Column("chair", String(320), nullable=False),
    Column("at", String(40), nullable=False),
    CheckConstraint("length(trim(text)) > 0", name="narratives_text"),
    Index("narratives_evaluation", "evaluation_id", "id"),
)
submissions = Table(
    "submissions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # the entry's sequence number
    Column("evaluation_id", Integer, ForeignKey("evaluations.id"), nullable=False),
    Column("evaluator", String(320), nullable=False),
    Column("action", String(20), nullable=False),  # "submitted" or "reopened"
    Column("by", String(320), nullable=False),  # the evaluator, or the chair who reopened
    Column("reason", Text, nullable=False),
    Column("at", String(40), nullable=False),
    CheckConstraint("action in ('submitted', 'reopened')", name="submissions_action"),
    CheckConstraint("length(trim(reason)) > 0", name="submissions_reason"),
    Index("submissions_evaluation", "evaluation_id", "id"),
)
declarations = Table(
    "declarations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # the entry's sequence number
    Column("evaluation_id", Integer, ForeignKey("evaluations.id"), nullable=False),
    Column("user_id", String(320), nullable=False),  # the member the entry is about
    Column("answer", String(20), nullable=False),  # none, conflict (the member); recuse, accept (the chair)
    Column("statement", Text, nullable=False),  # the declaration's text, or the chair's reason
    Column("detail", Text, nullable=False),  # the conflict the member describes ('' otherwise)
    Column("by", String(320), nullable=False),
    Column("at", String(40), nullable=False),
    CheckConstraint("answer in ('none', 'conflict', 'recuse', 'accept')", name="declarations_answer"),
    CheckConstraint("length(trim(statement)) > 0", name="declarations_statement"),
    Index("declarations_evaluation", "evaluation_id", "id"),
)
assignments = Table(
    "assignments", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # the entry's sequence number
    Column("evaluation_id", Integer, ForeignKey("evaluations.id"), nullable=False),
    Column("evaluator", String(320), nullable=False),
    Column("criteria", Text, nullable=False),  # JSON list of criterion names ([]: every one)
    Column("lots", Text, nullable=False),  # JSON list of lots ([]: every one)
    Column("by", String(320), nullable=False),  # the chair
    Column("reason", Text, nullable=False),
    Column("at", String(40), nullable=False),
    CheckConstraint("length(trim(reason)) > 0", name="assignments_reason"),
    Index("assignments_evaluation", "evaluation_id", "id"),
)
performance_books = Table(  # the performance workbooks of an evaluation's contract, numbered
    "performance_books", metadata,
    Column("evaluation_id", Integer, ForeignKey("evaluations.id"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("snapshot_sha256", String(64), ForeignKey("snapshots.sha256"), nullable=False),
    Column("filename", String(300), nullable=False),
    Column("by", String(320), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", String(40), nullable=False),
    CheckConstraint("length(trim(reason)) > 0", name="performance_books_reason"),
)
