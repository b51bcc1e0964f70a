"""The audit log is a hash chain and ``verify`` names what does not hold (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import os
import uuid

import pytest
from sqlalchemy import text

from scoring.evaluation import Evaluation, Scoring
from scoring.ledger import entry_hash
from scoring.store import Store

PG_URL = os.environ.get("TEST_DATABASE_URL")
WORKBOOK = b"ledger workbook"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> Store:
    if request.param == "sqlite":
        return Store(f"sqlite:///{tmp_path / 'ledger.db'}", audit_key=b"test key")
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL ledger tests skipped (SQLite ran)")
    return Store(PG_URL, audit_key=b"test key")


def ev(method: str = "topsis") -> Evaluation:
    return Evaluation(hashlib.sha256(WORKBOOK).hexdigest(), Scoring(method=method,
                                                                    weights=(("Price", 1.0),)))


def worked(store: Store) -> int:
    """An evaluation with everything an audit log records."""
    v = store.create(f"Ledger {uuid.uuid4().hex[:6]}", WORKBOOK, "w.xlsx", ev(), author="ann",
                     reason="opened")
    eid = v.evaluation_id
    store.save(eid, 1, ev("wsm"), author="ann", reason="weighted sum")
    store.record_scores(eid, "bob", [("Acme", "", "Technical", 3.0, "solid plan")])
    store.moderate(eid, "Acme", "", "Technical", 3.5, chair="ann", rationale="meeting")
    store.set_member(eid, "bob", "evaluator", by="ann", reason="panel")
    store.set_flag(eid, "consensus_open", "yes", by="ann", reason="scores in")
    return eid


def owner_sql(store: Store, *statements: str) -> None:
    """Change the record as the database's owner could, around the append-only triggers."""
    with store.engine.begin() as conn:
        postgres = conn.dialect.name == "postgresql"
        for table in ("audit_log", "versions", "panel_scores"):
            if postgres:
                conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
            else:
                for verb in ("update", "delete"):
                    conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{verb}"))
        for statement in statements:
            conn.execute(text(statement))
        if postgres:
            for table in ("audit_log", "versions", "panel_scores"):
                conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))


def test_a_record_written_by_the_app_is_intact(store):
    eid = worked(store)
    verdict = store.verify(eid)
    assert verdict.intact, verdict.describe()
    assert verdict.entries == len(store.audit(eid)) and len(verdict.head) == 64


@pytest.mark.parametrize(("change", "expected"), [
    ("UPDATE audit_log SET reason = 'rewritten' WHERE id = {last}", "content is not what was recorded"),
    ("UPDATE audit_log SET actor = 'mallory' WHERE id = {first}", "content is not what was recorded"),
    ("DELETE FROM audit_log WHERE id = {first}", "does not follow"),
    ("UPDATE versions SET settings = replace(settings, 'wsm', 'wpm') WHERE evaluation_id = {eid}",
     "stored evaluation"),
    ("INSERT INTO members (evaluation_id, user_id, role) VALUES ({eid}, 'outsider', 'chair')",
     "members and roles"),
    ("UPDATE panel_flags SET value = 'no' WHERE evaluation_id = {eid}", "panel switches"),
    ("INSERT INTO panel_flags (evaluation_id, name, value) VALUES ({eid}, 'prices_visible', 'yes')",
     "panel switches"),
    ("UPDATE panel_scores SET score = 5 WHERE evaluation_id = {eid}", "panel scores"),
    ("UPDATE evaluations SET name = 'Another name' WHERE id = {eid}", "name or creator"),
])
def test_every_change_made_outside_the_app_is_found(store, change, expected):
    eid = worked(store)
    with store.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(text(f"SELECT id FROM audit_log WHERE evaluation_id = {eid} "
                                               "ORDER BY id"))]
    owner_sql(store, change.format(eid=eid, first=ids[0], last=ids[-1]))
    verdict = store.verify(eid)
    assert not verdict.intact and expected in verdict.problem, verdict.describe()


def test_an_entry_forged_without_the_key_is_found(store):
    eid = worked(store)
    with store.engine.connect() as conn:
        prev = conn.execute(text(f"SELECT hash FROM audit_log WHERE evaluation_id = {eid} ORDER BY id "
                                 "DESC LIMIT 1")).scalar()
    forged = dict(evaluation_id=eid, version=None, at="2026-12-01T00:00:00.000000Z", actor="ann",
                  action="member", item="outsider", old_value=None, new_value="chair",
                  reason="looks legitimate")
    with store.engine.begin() as conn:  # the app's own login may INSERT: a well-formed entry
        conn.execute(text("INSERT INTO audit_log (evaluation_id, version, at, actor, action, item, "
                          "old_value, new_value, reason, prev_hash, hash) VALUES (:evaluation_id, "
                          ":version, :at, :actor, :action, :item, :old_value, :new_value, :reason, "
                          ":prev, :hash)"), {**forged, "prev": prev, "hash": entry_hash(forged, prev, b"")})
        conn.execute(text(f"INSERT INTO members (evaluation_id, user_id, role) VALUES ({eid}, "
                          "'outsider', 'chair')"))
    verdict = store.verify(eid)
    assert not verdict.intact and "content is not what was recorded" in verdict.problem
