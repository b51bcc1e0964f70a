"""The audit log becomes a hash chain: each entry carries its hash and the previous entry's.

Existing entries are chained in the order they were written; every existing version gets the
"version stored" entry that records its stored evaluation's hash (new versions get it as they
are saved). The append-only trigger on the audit log is lifted for this one update, by the
owner that runs migrations, and put back.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

from scoring.ledger import entry_hash, text_hash

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SQLITE_NO_UPDATE = ("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT "
                    "RAISE(ABORT, 'audit_log is append-only: rows are never updated or deleted'); END")


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("prev_hash", sa.String(64), nullable=True))
    op.add_column("audit_log", sa.Column("hash", sa.String(64), nullable=True))
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
    audit = sa.table("audit_log", *(sa.column(c) for c in (
        "id", "evaluation_id", "version", "at", "actor", "action", "item", "old_value", "new_value",
        "reason", "prev_hash", "hash")))
    rows = bind.execute(sa.select(audit).order_by(audit.c.id)).mappings().all()
    last: dict[int, str] = {}
    for r in rows:
        prev = last.get(r["evaluation_id"], "")
        h = entry_hash(r, prev)
        bind.execute(sa.update(audit).where(audit.c.id == r["id"]).values(prev_hash=prev, hash=h))
        last[r["evaluation_id"]] = h
    if postgres:
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    else:
        op.execute(SQLITE_NO_UPDATE)
    stored = {(r["evaluation_id"], r["version"]) for r in rows
              if r["action"] == "version" and r["item"] == "stored"}
    versions = sa.table("versions", sa.column("evaluation_id"), sa.column("number"),
                        sa.column("settings"))
    at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    for v in bind.execute(sa.select(versions).order_by(versions.c.evaluation_id, versions.c.number)
                          ).mappings().all():
        if (v["evaluation_id"], v["number"]) in stored:
            continue
        entry = dict(evaluation_id=v["evaluation_id"], version=v["number"], at=at,
                     actor="schema upgrade", action="version", item="stored", old_value=None,
                     new_value=text_hash(v["settings"]),
                     reason="recorded when the audit log became a hash chain")
        prev = last.get(v["evaluation_id"], "")
        h = entry_hash(entry, prev)
        bind.execute(sa.insert(audit).values(**entry, prev_hash=prev, hash=h))
        last[v["evaluation_id"]] = h


def downgrade() -> None:
    raise NotImplementedError("the audit trail is never dropped")
