"""The audit log is a hash chain and ``verify`` names what does not hold (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import os
import uuid

import pytest
from sqlalchemy import text

from scoring.cli import main
from scoring.evaluation import Evaluation, Scoring
from scoring.ledger import Anchor, entry_hash
from scoring.store import Store

PG_URL = os.environ.get("TEST_DATABASE_URL")
WORKBOOK = b"ledger workbook"
OTHER = b"another procurement's workbook"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> Store:
    if request.param == "sqlite":
        return Store(f"sqlite:///{tmp_path / 'ledger.db'}", audit_key=b"test key")
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL ledger tests skipped (SQLite ran)")
    return Store(PG_URL, audit_key=b"test key")


def ev(method: str = "topsis", workbook: bytes = WORKBOOK) -> Evaluation:
    return Evaluation(hashlib.sha256(workbook).hexdigest(), Scoring(method=method,
                                                                    weights=(("Price", 1.0),)))


def worked(store: Store) -> int:
    """An evaluation with everything an audit log records."""
    v = store.create(f"Ledger {uuid.uuid4().hex[:6]}", WORKBOOK, "w.xlsx", ev(), author="ann",
                     reason="opened")
    eid = v.evaluation_id
    store.save(eid, 1, ev("wsm"), author="ann", reason="weighted sum")
    store.record_scores(eid, "bob", [("Acme", "", "Technical", 3.0, "solid plan"),
                                     ("Acme", "", "Staffing", 4.0, "named staff")])
    store.moderate(eid, "Acme", "", "Technical", 3.5, chair="ann", rationale="meeting")
    store.set_member(eid, "bob", "evaluator", by="ann", reason="panel")
    store.set_flag(eid, "consensus_open", "yes", by="ann", reason="scores in")
    first = store.record_finding(eid, "bob", "Acme", "", "Technical", "strength", "clear plan",
                                 "Vol. I p. 3")
    store.record_finding(eid, "bob", "Acme", "", "Staffing", "risk", "key staff shared", "p. 9")
    store.withdraw_finding(eid, first, evaluator="bob", reason="duplicate")
    store.narrate(eid, "Acme", "", "Technical", "Agreed 3.5 on the migration plan", chair="ann")
    store.submit(eid, "cy")
    store.submit(eid, "bob")
    store.reopen(eid, "bob", chair="ann", reason="a late clarification")
    store.declare(eid, "ann", conflict=False, statement="no conflict of interest")
    store.declare(eid, "bob", conflict=True, statement="no conflict of interest",
                  detail="advised Acme in 2024")
    store.decide_conflict(eid, "bob", recuse=False, chair="ann", reason="ended two years ago")
    store.assign(eid, "cy", ["Technical"], [], chair="ann", reason="technical only")
    store.save_performance(eid, b"performance, month one", "performance.xlsx", by="ann",
                           reason="January's figures")
    return eid


TABLES = ("audit_log", "versions", "panel_scores", "moderations", "evaluations", "panel_findings",
          "narratives", "submissions", "declarations", "assignments", "performance_books")


def owner_sql(store: Store, *statements: str) -> None:
    """Change the record as the database's owner could, around the append-only triggers."""
    with store.engine.begin() as conn:
        postgres = conn.dialect.name == "postgresql"
        for table in TABLES:
            if postgres:
                conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
            else:
                for verb in ("update", "delete"):
                    conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{verb}"))
        for statement in statements:
            conn.execute(text(statement))
        if postgres:
            for table in TABLES:
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
    ("UPDATE evaluations SET name = 'Another name' WHERE id = {eid}", "name, creator or date"),
    ("UPDATE evaluations SET created_at = '2020-01-01T00:00:00.000000Z' WHERE id = {eid}",
     "name, creator or date"),
    # the same rows in another order: each score is no longer the one its entry recorded
    ("UPDATE panel_scores SET criterion = CASE criterion WHEN 'Technical' THEN 'Staffing' "
     "ELSE 'Technical' END WHERE evaluation_id = {eid}", "panel scores"),
    ("UPDATE panel_scores SET at = '2020-01-01T00:00:00.000000Z' WHERE evaluation_id = {eid}",
     "panel scores"),
    # a change the old six-digit comparison could not see
    ("UPDATE panel_scores SET score = 3.0000004 WHERE evaluation_id = {eid} AND score = 3",
     "panel scores"),
    ("UPDATE moderations SET value = 3.5000001 WHERE evaluation_id = {eid}", "moderations"),
    ("UPDATE versions SET author = 'mallory' WHERE evaluation_id = {eid} AND number = 2",
     "author, date or reason"),
    ("UPDATE versions SET reason = 'another reason' WHERE evaluation_id = {eid} AND number = 1",
     "author, date or reason"),
    ("UPDATE versions SET created_at = '2020-01-01T00:00:00.000000Z' WHERE evaluation_id = {eid}",
     "author, date or reason"),
    # another evaluation's (genuine, stored) workbook put under this version
    ("UPDATE versions SET snapshot_sha256 = '{other}' WHERE evaluation_id = {eid} AND number = 2",
     "snapshot was repointed"),
    ("DELETE FROM versions WHERE evaluation_id = {eid} AND number = 2", "is not in the database"),
    # findings and consensus narratives: changed, removed, a withdrawal undone, one added
    ("UPDATE panel_findings SET kind = 'strength' WHERE evaluation_id = {eid} AND kind = 'risk'",
     "findings"),
    ("UPDATE panel_findings SET reference = 'p. 1' WHERE evaluation_id = {eid} AND kind = 'risk'",
     "findings"),
    ("DELETE FROM panel_findings WHERE evaluation_id = {eid} AND withdraws IS NOT NULL", "findings"),
    ("INSERT INTO panel_findings (evaluation_id, evaluator, vendor, lot, criterion, kind, text, "
     "reference, at) VALUES ({eid}, 'bob', 'Acme', '', 'Technical', 'deficiency', 'planted', '', "
     "'2026-12-01T00:00:00.000000Z')", "findings"),
    # the withdrawal repointed at another of the evaluator's findings
    ("UPDATE panel_findings SET withdraws = withdraws + 1 WHERE evaluation_id = {eid} "
     "AND withdraws IS NOT NULL", "findings"),
    # two findings renumbered (each keeps its content): the entry numbers are recorded
    ("UPDATE panel_findings SET id = id + 100000 WHERE evaluation_id = {eid} AND kind = 'risk'",
     "findings"),
    ("UPDATE narratives SET text = 'Agreed 5' WHERE evaluation_id = {eid}", "consensus narratives"),
    ("DELETE FROM narratives WHERE evaluation_id = {eid}", "consensus narratives"),
    # a submission undone (its reopening removed: the scores look locked), or its reason changed
    ("DELETE FROM submissions WHERE evaluation_id = {eid} AND action = 'reopened'", "submissions"),
    ("UPDATE submissions SET reason = 'no reason' WHERE evaluation_id = {eid} "
     "AND action = 'reopened'", "submissions"),
    # a declared conflict made to read as none, or the chair's decision removed
    ("UPDATE declarations SET answer = 'none' WHERE evaluation_id = {eid} AND answer = 'conflict'",
     "declarations"),
    ("DELETE FROM declarations WHERE evaluation_id = {eid} AND answer = 'accept'", "declarations"),
    # an assignment widened (the evaluator could then score cells the chair did not give them)
    ("UPDATE assignments SET criteria = '[]' WHERE evaluation_id = {eid}", "assignments"),
    ("DELETE FROM assignments WHERE evaluation_id = {eid}", "assignments"),
    # a performance workbook removed, or repointed at another stored workbook's bytes
    ("DELETE FROM performance_books WHERE evaluation_id = {eid}", "performance workbooks"),
    ("UPDATE performance_books SET snapshot_sha256 = '{other}' WHERE evaluation_id = {eid}",
     "performance workbooks"),
])
def test_every_change_made_outside_the_app_is_found(store, change, expected):
    other = store.create(f"Other {uuid.uuid4().hex[:6]}", OTHER, "o.xlsx", ev(workbook=OTHER),
                         author="zed", reason="another procurement").snapshot_sha256
    eid = worked(store)
    with store.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(text(f"SELECT id FROM audit_log WHERE evaluation_id = {eid} "
                                               "ORDER BY id"))]
    owner_sql(store, change.format(eid=eid, first=ids[0], last=ids[-1], other=other))
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


def test_an_anchor_finds_entries_removed_from_the_end_and_an_evaluation_removed_whole(store, capsys):
    eid = worked(store)
    earlier = Anchor.parse(store.verify(eid).anchor)
    store.record_scores(eid, "bob", [("Acme", "", "Technical", 2.0, "second look")])
    assert store.verify(eid, earlier).intact  # the chain grew past an earlier anchor: intact
    kept = store.verify(eid)
    anchor = Anchor.parse(kept.anchor)
    assert kept.anchor in kept.describe() and anchor.entries == earlier.entries + 1
    # the newest entry and the row it recorded go: the shorter chain is itself intact ...
    owner_sql(store, f"DELETE FROM audit_log WHERE evaluation_id = {eid} AND action = 'score' "
              "AND new_value = '2'",
              f"DELETE FROM panel_scores WHERE evaluation_id = {eid} AND score = 2")
    assert store.verify(eid).intact
    # ... and only the anchor kept elsewhere shows it
    verdict = store.verify(eid, anchor)
    assert not verdict.intact and "removed from its end" in verdict.problem, verdict.describe()

    tables = ("audit_log", "versions", "panel_scores", "moderations", "members", "panel_flags",
              "panel_findings", "narratives", "submissions", "declarations", "assignments",
              "performance_books")
    owner_sql(store, *(f"DELETE FROM {t} WHERE evaluation_id = {eid}" for t in tables),
              f"DELETE FROM evaluations WHERE id = {eid}")
    assert all(v.evaluation_id != eid for v in store.verify_all())
    gone = store.verify(eid, anchor)
    assert not gone.intact and "not in the database" in gone.problem and "removed" in gone.problem
    # the command line says so, and fails
    url = store.engine.url.render_as_string(hide_password=False)
    assert main(["verify", "--database", url, "--evaluation", str(eid), "--anchor", str(anchor)]) == 1
    assert f"evaluation #{eid}: BROKEN" in capsys.readouterr().err


def test_an_anchor_from_a_rewritten_chain_does_not_match(store):
    eid = worked(store)
    anchor = Anchor.parse(store.verify(eid).anchor)
    forged = Anchor(eid, anchor.entries, "0" * 32)
    verdict = store.verify(eid, forged)
    assert not verdict.intact and "not the one the anchor" in verdict.problem


@pytest.mark.parametrize("text", ["1:2", "a:2:" + "0" * 16, "1:2:abc", "0:3:" + "0" * 16, "1:2:" + "g" * 16])
def test_an_anchor_that_is_not_one_is_refused_in_words(text):
    with pytest.raises(ValueError, match="is not an anchor"):
        Anchor.parse(text)


def test_scores_are_audited_exactly(store):
    eid = worked(store)
    store.record_scores(eid, "bob", [("Acme", "", "Technical", 3.1234567891, "precise")])
    entry = store.audit(eid)[-1]
    assert float(entry.new_value) == 3.1234567891 and entry.old_value == "3"
    assert store.verify(eid).intact
