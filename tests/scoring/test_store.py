"""Store tests on SQLite, and on PostgreSQL when TEST_DATABASE_URL names one."""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from scoring.evaluation import Evaluation, RobustnessOptions, Scoring
from scoring.store import StaleVersion, Store, StoreError, utc_now
from tests.conftest import ROOT

WORKBOOK = b"workbook-bytes"

PG_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'evaluations.db'}"
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL store tests skipped (SQLite ran)")
    return PG_URL


@pytest.fixture
def store(url) -> Store:
    return Store(url)


def ev(method: str = "topsis", weights: dict | None = None, workbook: bytes = WORKBOOK,  # type: ignore[type-arg]
       **parts) -> Evaluation:  # type: ignore[no-untyped-def]
    """An evaluation of ``workbook`` (the store checks that a version's settings name its snapshot)."""
    return Evaluation(hashlib.sha256(workbook).hexdigest(),
                      Scoring(method=method, weights=tuple((weights or {"Price": 30.0}).items())),
                      **parts)


def new_eval(store: Store, evaluation: Evaluation | None = None):  # type: ignore[no-untyped-def]
    return store.create(f"Eval {uuid.uuid4().hex[:8]}", WORKBOOK, "bids.xlsx",
                        evaluation or ev(), author="ann", reason="opened")


def test_create_save_load_and_audit(store):
    v1 = new_eval(store, ev("topsis", {"Price": 30.0}))
    v2 = store.save(v1.evaluation_id, 1, ev("wsm", {"Price": 50.0}), author="bob",
                    reason="price matters more")
    assert (v2.number, v2.author, v2.snapshot_sha256) == (2, "bob", v1.snapshot_sha256)
    assert store.version(v1.evaluation_id, 1).evaluation == ev("topsis", {"Price": 30.0})
    assert store.latest(v1.evaluation_id).evaluation.scoring.method == "wsm"
    assert store.version(v1.evaluation_id, 2).settings["weights"] == {"Price": 50.0}
    assert store.snapshot(v1.snapshot_sha256) == WORKBOOK
    entries = store.audit(v1.evaluation_id)
    changes = [(e.actor, e.item, e.old_value, e.new_value) for e in entries if e.version == 2]
    assert ("bob", "method", "topsis", "wsm") in changes
    assert ("bob", "weights", '{"Price": 30.0}', '{"Price": 50.0}') in changes
    assert all(e.reason for e in entries)
    assert any(e.id == v1.evaluation_id and e.latest_version == 2 for e in store.evaluations())


def test_a_revised_bid_book_is_an_explicit_audited_choice(store):
    v1 = new_eval(store)
    revised = ev(workbook=b"second workbook")
    with pytest.raises(StoreError, match="revised bid book"):
        store.save(v1.evaluation_id, 1, revised, author="ann", reason="revised bids",
                   workbook=b"second workbook", filename="bids-v2.xlsx")
    with pytest.raises(StoreError, match="not the one given"):
        store.save(v1.evaluation_id, 1, ev(), author="ann", reason="wrong bytes",
                   workbook=b"second workbook", replace_workbook=True)
    v2 = store.save(v1.evaluation_id, 1, revised, author="ann", reason="revised bids",
                    workbook=b"second workbook", filename="bids-v2.xlsx", replace_workbook=True)
    assert v2.snapshot_sha256 != v1.snapshot_sha256
    assert store.snapshot(v2.snapshot_sha256) == b"second workbook"
    entry = next(e for e in store.audit(v1.evaluation_id) if e.action == "workbook" and e.version == 2)
    assert (entry.item, entry.old_value, entry.new_value) == (
        "revised bid book", v1.snapshot_sha256, v2.snapshot_sha256)


def test_reason_and_author_are_required(store):
    with pytest.raises(StoreError, match="reason"):
        store.create("x", b"a", "a.xlsx", ev(workbook=b"a"), author="ann", reason="  ")
    v1 = new_eval(store)
    with pytest.raises(StoreError, match="author"):
        store.save(v1.evaluation_id, 1, ev(), author="", reason="why")


def test_stale_save_is_refused_with_who_and_when(store):
    v1 = new_eval(store)
    store.save(v1.evaluation_id, 1, ev("wsm"), author="bob", reason="first edit")
    with pytest.raises(StaleVersion) as exc:
        store.save(v1.evaluation_id, 1, ev("vikor"), author="cy", reason="late edit")
    assert exc.value.changed_by == "bob" and exc.value.current == 2
    assert "changed by bob" in str(exc.value) and "Reload" in str(exc.value)
    assert [v.settings["method"] for v in store.versions(v1.evaluation_id)] == ["topsis", "wsm"]


@pytest.mark.parametrize("table", ["audit_log", "versions", "snapshots"])
def test_database_refuses_update_and_delete(store, table):
    new_eval(store)
    for statement in (f"UPDATE {table} SET created_at = 'x'" if table != "audit_log"
                      else "UPDATE audit_log SET actor = 'x'", f"DELETE FROM {table}"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))


def _writer(url: str, evaluation_id: int, tag: str, saves: int, out) -> None:  # type: ignore[no-untyped-def]
    store = Store(url, upgrade=False)
    done = 0
    while done < saves:
        latest = store.latest(evaluation_id)
        try:
            v = store.save(evaluation_id, latest.number, ev(robustness=RobustnessOptions(seed=done)),
                           author=tag, reason=f"save {done}")
        except StaleVersion:
            continue
        out.append((v.number, tag, done))
        done += 1


def _check_no_lost_update(store: Store, evaluation_id: int, acknowledged) -> None:  # type: ignore[no-untyped-def]
    saved = store.versions(evaluation_id)
    assert [v.number for v in saved] == list(range(1, len(saved) + 1))
    by_number = {v.number: v for v in saved}
    for number, tag, n in acknowledged:
        assert by_number[number].evaluation.robustness.seed == n
        assert by_number[number].author == tag
    assert len(saved) == 1 + len(acknowledged)


def test_concurrent_threads_lose_nothing(store, url):
    eid = new_eval(store).evaluation_id
    acknowledged: list = []
    all_at_once(lambda i: _writer(url, eid, f"t{i}", 8, acknowledged), 6)
    assert len(acknowledged) == 48
    _check_no_lost_update(store, eid, acknowledged)


def _process_writer(url: str, evaluation_id: int, tag: str, saves: int, queue) -> None:  # type: ignore[no-untyped-def]
    out: list = []
    _writer(url, evaluation_id, tag, saves, out)
    queue.put(out)


def test_concurrent_processes_lose_nothing(store, url):
    eid = new_eval(store).evaluation_id
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_process_writer, args=(url, eid, f"p{i}", 6, queue)) for i in range(3)]
    for p in procs:
        p.start()
    acknowledged = [item for _ in procs for item in queue.get(timeout=180)]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert len(acknowledged) == 18
    _check_no_lost_update(store, eid, acknowledged)


KILL_SCRIPT = """
import hashlib, sys
from scoring.evaluation import Evaluation, RobustnessOptions, Scoring
from scoring.store import Store
store = Store(sys.argv[1], upgrade=False)
eid = int(sys.argv[2])
n = store.latest(eid).number
while True:
    data = ("payload %d" % n).encode() * 2000
    ev = Evaluation(hashlib.sha256(data).hexdigest(), Scoring(),
                    robustness=RobustnessOptions(seed=n + 1))
    v = store.save(eid, n, ev, author="loop", reason="save in a loop",
                   workbook=data, filename="w.xlsx", replace_workbook=True)
    n = v.number
    print("ACK", n, flush=True)
"""


def test_killing_the_writer_mid_save_loses_no_acknowledged_save(store, url):
    eid = new_eval(store).evaluation_id
    for attempt in range(3):
        proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, url, str(eid)], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True)
        acked = []
        deadline = time.monotonic() + 60
        while len(acked) < 5 + 3 * attempt and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.startswith("ACK"):
                acked.append(int(line.split()[1]))
        proc.send_signal(signal.SIGKILL)  # in the middle of the next save
        proc.wait(timeout=30)
        assert acked, "the writer never acknowledged a save"
        saved = {v.number: v for v in store.versions(eid)}
        for number in acked:
            assert saved[number].evaluation.robustness.seed == number
            assert store.snapshot(saved[number].snapshot_sha256) is not None
        assert sorted(saved) == list(range(1, max(saved) + 1))
    if store.dialect == "sqlite":
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    latest = store.latest(eid)
    after = store.save(eid, latest.number, latest.evaluation, author="ann", reason="still works")
    assert after.number == latest.number + 1


def test_unreachable_database_is_a_plain_error(tmp_path):
    with pytest.raises(StoreError, match="cannot be reached"):
        Store("postgresql+psycopg://nobody@127.0.0.1:9/none")


def test_members_roles_and_visibility(store):
    v = new_eval(store)
    eid = v.evaluation_id
    assert store.role(eid, "ann") == "chair"  # the creator chairs the panel
    store.set_member(eid, "bob@agency.gov", "evaluator", by="ann", reason="panel appointed")
    store.set_member(eid, "cy@agency.gov", "viewer", by="ann", reason="legal counsel")
    assert store.members(eid) == {"ann": "chair", "bob@agency.gov": "evaluator",
                                  "cy@agency.gov": "viewer"}
    assert eid in {e.id for e in store.evaluations_for("bob@agency.gov")}
    assert eid not in {e.id for e in store.evaluations_for("eve@elsewhere.org")}
    store.set_member(eid, "cy@agency.gov", None, by="ann", reason="left the panel")
    assert "cy@agency.gov" not in store.members(eid)
    with pytest.raises(StoreError):
        store.set_member(eid, "dan", "owner", by="ann", reason="x")
    assert any(e.action == "member" and e.item == "cy@agency.gov" and e.new_value is None
               for e in store.audit(eid))


def test_panel_switches_scores_and_moderations(store):
    eid = new_eval(store).evaluation_id
    assert store.flags(eid)["consensus_open"] == "no"
    store.set_flag(eid, "consensus_open", "yes", by="ann", reason="all scores in")
    assert store.flags(eid)["consensus_open"] == "yes"
    store.record_scores(eid, "bob", [("Acme", "", "Technical", 3.0, "weak staffing")])
    store.record_scores(eid, "bob", [("Acme", "", "Technical", 4.0, "clarification received")])
    latest = store.scores(eid)
    assert [(s.score, s.rationale) for s in latest] == [(4.0, "clarification received")]
    with pytest.raises(StoreError, match="rationale"):
        store.record_scores(eid, "bob", [("Acme", "", "Technical", 2.0, " ")])
    store.moderate(eid, "Acme", "", "Technical", 3.5, chair="ann", rationale="consensus meeting")
    assert [m.value for m in store.moderations(eid)] == [3.5]
    store.moderate(eid, "Acme", "", "Technical", None, chair="ann", rationale="withdrawn")
    assert store.moderations(eid) == []  # withdrawn: no moderation in force
    actions = [(e.action, e.old_value, e.new_value) for e in store.audit(eid)]
    assert ("score", "3", "4") in actions and ("moderation", None, "3.5") in actions
    assert ("panel", "no", "yes") in actions
    for table in ("panel_scores", "moderations"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(f"DELETE FROM {table}"))


def test_findings_and_consensus_narratives_are_append_only_entries(store):
    eid = new_eval(store).evaluation_id
    first = store.record_finding(eid, "bob", "Acme", "", "Technical", "strength",
                                 "Named migration lead", "Vol. I, 2.4, p. 22")
    store.record_finding(eid, "cy", "Acme", "", "Technical", "risk", "Tight cut-over window")
    with pytest.raises(StoreError, match="kind|one of"):
        store.record_finding(eid, "bob", "Acme", "", "Technical", "opinion", "x")
    with pytest.raises(StoreError, match="finding is required"):
        store.record_finding(eid, "bob", "Acme", "", "Technical", "strength", "  ")
    with pytest.raises(StoreError, match="only they may"):
        store.withdraw_finding(eid, first, evaluator="cy", reason="not mine")
    store.withdraw_finding(eid, first, evaluator="bob", reason="restated below")
    with pytest.raises(StoreError, match="already withdrawn"):
        store.withdraw_finding(eid, first, evaluator="bob", reason="again")
    store.narrate(eid, "Acme", "", "Technical", "First draft", chair="ann")
    store.narrate(eid, "Acme", "", "Technical", "Agreed 3: the plan is sound, the window tight",
                  chair="ann")
    record = store.panel_record(eid)
    assert [(f.evaluator, f.kind, f.text, f.reference) for f in record.findings] == [
        ("cy", "risk", "Tight cut-over window", "")]
    assert [n.text for n in record.narratives] == ["Agreed 3: the plan is sound, the window tight"]
    assert record.through[2] > first and record.through[3] > 0
    actions = [(e.action, e.old_value, e.new_value, e.reason) for e in store.audit(eid)]
    assert ("finding", f"#{first}", "withdrawn", "restated below") in actions
    assert ("narrative", None, None, "First draft") in actions
    assert store.verify(eid).intact
    for table in ("panel_findings", "narratives"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(f"UPDATE {table} SET text = 'x'"))
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(f"DELETE FROM {table}"))


def test_submitted_scores_are_locked_until_the_chair_reopens_them(store):
    eid = new_eval(store).evaluation_id
    store.record_scores(eid, "bob", [("Acme", "", "Technical", 3.0, "first look")])
    store.submit(eid, "bob")
    assert set(store.submitted(eid)) == {"bob"}
    with pytest.raises(StoreError, match="submitted and locked"):
        store.record_scores(eid, "bob", [("Acme", "", "Technical", 5.0, "second thoughts")])
    with pytest.raises(StoreError, match="submitted and locked"):
        store.record_finding(eid, "bob", "Acme", "", "Technical", "strength", "late")
    with pytest.raises(StoreError, match="submitted and locked"):
        store.submit(eid, "bob")
    store.record_scores(eid, "cy", [("Acme", "", "Technical", 4.0, "not submitted: open")])
    with pytest.raises(StoreError, match="reason is required"):
        store.reopen(eid, "bob", chair="ann", reason=" ")
    store.reopen(eid, "bob", chair="ann", reason="clarification from the bidder")
    assert store.submitted(eid) == {}
    store.record_scores(eid, "bob", [("Acme", "", "Technical", 4.0, "after the clarification")])
    with pytest.raises(StoreError, match="not submitted"):
        store.reopen(eid, "bob", chair="ann", reason="again")
    actions = [(e.actor, e.action, e.item, e.old_value, e.new_value) for e in store.audit(eid)]
    assert ("bob", "submission", "bob", None, "submitted") in actions
    assert ("ann", "submission", "bob", "submitted", "reopened") in actions
    assert store.verify(eid).intact
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("DELETE FROM submissions"))


def test_declarations_and_the_chair_s_decisions_are_kept(store):
    eid = new_eval(store).evaluation_id
    assert store.declared(eid) == {}
    with pytest.raises(StoreError, match="description is required"):
        store.declare(eid, "bob", conflict=True, statement="text", detail=" ")
    store.declare(eid, "bob", conflict=True, statement="text", detail="shares in Acme")
    assert store.declared(eid) == {"bob": "conflict"}
    with pytest.raises(StoreError, match="no conflict of interest awaiting"):
        store.decide_conflict(eid, "cy", recuse=True, chair="ann", reason="x")
    store.decide_conflict(eid, "bob", recuse=True, chair="ann", reason="holds shares in a bidder")
    assert store.declared(eid) == {"bob": "recuse"}
    rows = store.declaration_rows(eid)
    assert [(r["answer"], r["by"]) for r in rows] == [("conflict", "bob"), ("recuse", "ann")]
    assert store.verify(eid).intact
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("DELETE FROM declarations"))


def test_an_evaluator_scores_only_the_cells_assigned_to_them(store):
    eid = new_eval(store).evaluation_id
    store.record_scores(eid, "bob", [("Acme", "Cloud", "Staffing", 3.0, "before any assignment")])
    with pytest.raises(StoreError, match="reason is required"):
        store.assign(eid, "bob", ["Technical"], ["Cloud"], chair="ann", reason=" ")
    store.assign(eid, "bob", ["Technical"], ["Cloud"], chair="ann", reason="cloud specialist")
    assert store.assignments(eid)["bob"].criteria == ("Technical",)
    store.record_scores(eid, "bob", [("Acme", "cloud", "technical", 4.0, "names compare folded")])
    for cell in (("Acme", "Cloud", "Staffing"), ("Acme", "Data", "Technical")):
        with pytest.raises(StoreError, match="not among the cells assigned to bob"):
            store.record_scores(eid, "bob", [(*cell, 2.0, "outside the assignment")])
        with pytest.raises(StoreError, match="not among the cells assigned to bob"):
            store.record_finding(eid, "bob", *cell, "weakness", "outside the assignment")
    store.record_scores(eid, "cy", [("Acme", "Data", "Staffing", 2.0, "cy has no assignment")])
    store.assign(eid, "bob", [], [], chair="ann", reason="every cell after all")
    store.record_scores(eid, "bob", [("Acme", "Data", "Staffing", 2.0, "now his to score")])
    actions = [(e.action, e.item, e.new_value) for e in store.audit(eid) if e.action == "assignment"]
    assert actions == [("assignment", "bob", '{"criteria": ["Technical"], "lots": ["Cloud"]}'),
                       ("assignment", "bob", '{"criteria": [], "lots": []}')]
    assert store.verify(eid).intact
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("UPDATE assignments SET criteria = '[]'"))


def test_a_version_freezes_the_findings_and_narratives_it_was_saved_with(store):
    eid = new_eval(store).evaluation_id
    entry = store.record_finding(eid, "bob", "Acme", "", "Technical", "weakness", "No exit plan")
    store.narrate(eid, "Acme", "", "Technical", "Agreed 2", chair="ann")
    frozen = ev(panel=store.panel_record(eid))
    store.save(eid, 1, frozen, author="ann", reason="findings in")
    store.withdraw_finding(eid, entry, evaluator="bob", reason="exit plan found in annex")
    store.narrate(eid, "Acme", "", "Technical", "Agreed 3", chair="ann")
    again = store.version(eid, 2).evaluation
    assert again == frozen
    assert [f.text for f in again.panel.findings] == ["No exit plan"]
    assert [n.text for n in again.panel.narratives] == ["Agreed 2"]
    live = store.panel_record(eid)
    assert live.findings == () and not live.same_entries(again.panel)


def test_a_version_freezes_the_panel_record_it_was_saved_with(store):
    v1 = new_eval(store)
    eid = v1.evaluation_id
    store.record_scores(eid, "bob", [("Acme", "", "Technical", 3.0, "first look")])
    frozen = ev(panel=store.panel_record(eid))
    v2 = store.save(eid, 1, frozen, author="ann", reason="panel in")
    store.record_scores(eid, "bob", [("Acme", "", "Technical", 1.0, "changed my mind")])
    store.moderate(eid, "Acme", "", "Technical", 2.0, chair="ann", rationale="meeting")
    again = store.version(eid, 2).evaluation
    assert again == frozen and [s.score for s in again.panel.scores] == [3.0]
    live = store.panel_record(eid)
    assert [s.score for s in live.scores] == [1.0] and not live.same_entries(again.panel)
    assert live.through[0] > again.panel.through[0]
    assert any(e.item == "panel" and e.version == 2 for e in store.audit(eid))
    assert v2.evaluation.panel.through == again.panel.through


def test_versions_saved_by_an_earlier_release_are_read_with_their_panel_as_it_stood(store):
    v1 = new_eval(store)
    eid = v1.evaluation_id
    store.record_scores(eid, "bob", [("Acme", "", "Technical", 3.0, "before the save")])
    time.sleep(0.01)
    legacy = {"method": "wsm", "price_formula": "lowest_ratio", "price_ceiling": None,
              "price_floor": None, "weights": {"Technical": 0.5, "Price": 0.5}}
    with store.engine.begin() as conn:  # as the earlier release wrote it (keys sorted)
        conn.execute(text("INSERT INTO versions (evaluation_id, number, snapshot_sha256, settings, "
                          "author, created_at, reason) VALUES (:e, 2, :s, :j, 'old', :at, 'old')"),
                     {"e": eid, "s": v1.snapshot_sha256, "j": json.dumps(legacy, sort_keys=True),
                      "at": utc_now()})
    time.sleep(0.01)
    store.record_scores(eid, "bob", [("Acme", "", "Technical", 1.0, "after the save")])
    old = store.version(eid, 2).evaluation
    assert old.scoring.method == "wsm" and [s.score for s in old.panel.scores] == [3.0]
    store.save(eid, 2, old, author="ann", reason="same figures")
    changed = {e.item for e in store.audit(eid) if e.version == 3}
    assert "weights" not in changed and "method" not in changed  # nothing moved


def test_a_version_saved_without_changes_is_still_in_the_audit_log(store):
    v1 = new_eval(store)
    store.save(v1.evaluation_id, 1, ev(), author="ann", reason="confirmed as is")
    (entry,) = [e for e in store.audit(v1.evaluation_id) if e.version == 2]
    assert (entry.action, entry.item, entry.reason) == ("version", "stored", "confirmed as is")
    assert len(entry.new_value) == 64 and store.verify(v1.evaluation_id).intact


def all_at_once(work, n: int) -> None:  # type: ignore[no-untyped-def]
    """``work(i)`` for i in range(n), each in its own thread, all started before any is awaited."""
    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)


def test_concurrent_first_saves_of_one_workbook_and_switch_changes_all_succeed(store):
    errors: list[BaseException] = []

    def first_save(i: int) -> None:
        try:
            store.create(f"Same workbook {i}", WORKBOOK, "bids.xlsx", ev(), author=f"u{i}",
                         reason="opened at once")
        except BaseException as exc:  # noqa: BLE001 (collected and reported)
            errors.append(exc)

    all_at_once(first_save, 20)
    assert errors == []
    eid = new_eval(store).evaluation_id

    def switch(i: int) -> None:
        try:
            store.set_flag(eid, "consensus_open", "yes" if i % 2 else "no", by="ann", reason=f"flip {i}")
            store.set_member(eid, f"member{i}@agency.gov", "viewer", by="ann", reason="added")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    all_at_once(switch, 20)
    assert errors == []
    flips = [e for e in store.audit(eid) if e.action == "panel"]
    assert len(flips) == 20
    assert all(a.new_value == b.old_value for a, b in zip(flips, flips[1:], strict=False))  # no race
    assert len(store.members(eid)) == 21


def test_the_last_chair_cannot_be_removed(store):
    eid = new_eval(store).evaluation_id
    with pytest.raises(StoreError, match="only chair"):
        store.set_member(eid, "ann", None, by="ann", reason="leaving")
    with pytest.raises(StoreError, match="only chair"):
        store.set_member(eid, "ann", "viewer", by="ann", reason="stepping down")
    store.set_member(eid, "bob", "chair", by="ann", reason="co-chair")
    store.set_member(eid, "ann", None, by="bob", reason="handed over")
    assert store.members(eid) == {"bob": "chair"}


def test_a_locked_technical_consensus_holds_through_every_write_and_save(store):
    from scoring.panel import Consensus

    v1 = new_eval(store)
    eid = v1.evaluation_id
    store.record_scores(eid, "bob", [("Acme", "", "Technical", 3.0, "first look")])
    frozen = ev(panel=store.panel_record(eid))
    store.save(eid, 1, frozen, author="ann", reason="scores in")
    store.record_scores(eid, "bob", [("Acme", "", "Technical", 4.0, "second look")])
    with pytest.raises(StoreError, match="open consensus before locking it"):
        store.set_flag(eid, "consensus_locked", "yes", by="ann", reason="too early")
    store.set_flag(eid, "consensus_open", "yes", by="ann", reason="meeting")
    store.set_flag(eid, "consensus_locked", "yes", by="ann", reason="meeting closed")
    live = ev(panel=store.panel_record(eid))
    for write in (
            lambda: store.record_scores(eid, "bob", [("Acme", "", "Technical", 5.0, "late")]),
            lambda: store.record_finding(eid, "bob", "Acme", "", "Technical", "risk", "late"),
            lambda: store.moderate(eid, "Acme", "", "Technical", 2.0, chair="ann", rationale="x"),
            lambda: store.narrate(eid, "Acme", "", "Technical", "late", chair="ann"),
            lambda: store.assign(eid, "bob", [], [], chair="ann", reason="late"),
            lambda: store.set_flag(eid, "consensus_open", "no", by="ann", reason="reopen"),
            # a version may not go back to an older panel record, change the consensus method,
            # or bring in another workbook
            lambda: store.save(eid, 2, ev(), author="ann", reason="version 1's panel record"),
            lambda: store.save(eid, 2, live.replace(consensus=Consensus.MEAN), author="ann",
                               reason="mean now"),
            lambda: store.save(eid, 2, ev(workbook=b"revised", panel=live.panel), author="ann",
                               reason="revised bid book", workbook=b"revised",
                               replace_workbook=True)):
        with pytest.raises(StoreError, match="technical consensus is locked"):
            write()
    store.save(eid, 2, frozen, author="ann", reason="as version 2")  # the latest's record: fine
    store.save(eid, 3, live, author="ann", reason="the locked consensus")  # the live one: fine
    with pytest.raises(StoreError, match="one of yes, no"):
        store.set_flag(eid, "consensus_locked", "maybe", by="ann", reason="typo")
    store.set_flag(eid, "price_envelope", "sealed", by="ann", reason="two envelopes")
    with pytest.raises(StoreError, match="stays sealed"):
        store.set_flag(eid, "price_envelope", "open", by="ann", reason="undo")
    store.set_flag(eid, "consensus_locked", "no", by="ann", reason="locked by mistake")
    store.record_scores(eid, "bob", [("Acme", "", "Technical", 4.5, "after the unlock")])
    assert store.verify(eid).intact


def test_an_assignment_holds_whatever_the_case_of_the_evaluator_s_name(store):
    eid = new_eval(store).evaluation_id
    store.assign(eid, "Eve@Agency.gov", ["Technical"], [], chair="ann", reason="technical")
    assert store.assignments(eid)["eve@agency.gov"].evaluator == "Eve@Agency.gov"
    with pytest.raises(StoreError, match="not among the cells assigned"):
        store.record_scores(eid, "eve@agency.gov", [("Acme", "", "Staffing", 2.0, "not hers")])
    store.record_scores(eid, "eve@agency.gov", [("Acme", "", "Technical", 2.0, "hers")])


def test_locked_weights_need_a_reason_to_change_and_the_record_says_so(store):
    from scoring.audit import audit_sentences
    from scoring.weight_lock import statement

    v1 = new_eval(store, ev(weights={"Price": 30.0, "Technical": 70.0}))
    eid = v1.evaluation_id
    with pytest.raises(StoreError, match="lock_weights"):
        store.set_flag(eid, "weights_locked", "yes", by="ann", reason="sideways")
    with pytest.raises(StaleVersion):  # the chair saw version 0's weights: not the latest
        store.lock_weights(eid, by="ann", reason="before bids open", version=0)
    store.lock_weights(eid, by="ann", reason="before bids open", version=1)
    with pytest.raises(StoreError, match="already locked"):
        store.lock_weights(eid, by="ann", reason="again")
    lock = store.weights_lock(eid)
    assert lock is not None and lock.version == 1 and lock.scores == 0 and lock.prices == "open"
    assert lock.weights == pytest.approx({"Price": 0.3, "Technical": 0.7})
    # a version that keeps the weights needs no reason; one that changes them does
    store.save(eid, 1, ev("wsm", weights={"Price": 3.0, "Technical": 7.0}), author="ann",
               reason="WSM")  # the same weights, in other points
    changed = ev("wsm", weights={"Price": 40.0, "Technical": 60.0})
    with pytest.raises(StoreError, match="needs the reason for the change"):
        store.save(eid, 2, changed, author="ann", reason="price up")
    store.save(eid, 2, changed, author="ann", reason="price up",
               weights_reason="the market review of 3 December")
    lock = store.weights_lock(eid)
    assert lock is not None and len(lock.changes) == 1
    (change,) = lock.changes
    assert change.version == 3 and change.reason == "the market review of 3 December"
    assert change.before == pytest.approx({"Price": 0.3, "Technical": 0.7})
    assert change.after == pytest.approx({"Price": 0.4, "Technical": 0.6})
    lines = statement(lock, changed.scoring.normalised_weights())
    assert "before any panel score was entered in the app" in lines[0][0] and not lines[0][1]
    assert lines[1][0].startswith("Changed after the lock by ann") and lines[1][1]
    assert "Price 30.0% to 40.0%" in lines[1][0] and "the market review" in lines[1][0]
    assert lines[2] == ("The weights in use differ from those locked: Price locked at 30.0%, now "
                        "40.0%, Technical locked at 70.0%, now 60.0%.", True)
    assert statement(lock, {"Price": 0.3, "Technical": 0.7})[2] == (
        "The weights in use are the ones locked.", False)
    said = [s["What happened"] for s in audit_sentences(store.audit(eid))]
    assert any(s.startswith("ann locked the weights (version 1), because: before bids open")
               for s in said)
    assert "The weights locked: Price 30.0%, Technical 70.0%, before any panel score was entered in " \
        "the app, with the prices open to the chair (no sealed envelope) (version 1)." in said
    assert any("changed the weights after they were locked, from Price 30.0%, Technical 70.0% "
               "to Price 40.0%, Technical 60.0%" in s for s in said)
    assert store.verify(eid).intact
    # a lock after scores, in a sealed envelope, says so
    other = new_eval(store).evaluation_id
    store.record_scores(other, "bob", [("Acme", "", "Technical", 3.0, "first look")])
    store.set_flag(other, "price_envelope", "sealed", by="ann", reason="two envelopes")
    store.lock_weights(other, by="ann", reason="late")
    assert store.weights_lock(other).before_opening() == (  # type: ignore[union-attr]
        "after 1 panel score had been entered in the app, with the prices still sealed")


def test_performance_workbooks_are_stored_numbered_with_the_evaluation(store):
    from scoring.audit import audit_sentences

    eid = new_eval(store).evaluation_id
    assert store.performance_books(eid) == []
    with pytest.raises(StoreError, match="reason"):
        store.save_performance(eid, b"book one", "perf.xlsx", by="ann", reason=" ")
    assert store.save_performance(eid, b"book one", "perf.xlsx", by="ann", reason="January") == 1
    assert store.save_performance(eid, b"book two", "perf-feb.xlsx", by="ann", reason="February") == 2
    books = store.performance_books(eid)
    assert [(b["number"], b["filename"], b["reason"]) for b in books] == [
        (1, "perf.xlsx", "January"), (2, "perf-feb.xlsx", "February")]
    assert store.snapshot(books[1]["snapshot_sha256"]) == b"book two"
    said = [s["What happened"] for s in audit_sentences(store.audit(eid))]
    assert any(s.startswith("ann stored the performance workbook perf-feb.xlsx") for s in said)
    assert store.verify(eid).intact
    with pytest.raises(StoreError, match="no evaluation"):
        store.save_performance(999_999, b"x", "x.xlsx", by="ann", reason="nowhere")
