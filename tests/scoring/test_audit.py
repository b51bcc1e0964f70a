from scoring.audit import audit_rows, readable
from scoring.store import AuditEntry


def test_audited_values_read_as_a_person_would():
    assert readable('[["Technical", 0.5], ["Price", 0.5]]') == "Technical 50.0%, Price 50.0%"
    assert readable('{"Technical": 0.25, "Price": 0.75}') == "Technical 25.0%, Price 75.0%"
    assert readable('{"Price": 30.0, "Technical": 70.0}') == "Price 30 (30.0%), Technical 70 (70.0%)"
    assert readable("topsis") == "TOPSIS (closeness to the ideal)"
    assert readable("null") == "(not set)" and readable("true") == "on"
    assert readable("1000000.0", "price_floor") == "1,000,000"
    assert readable('{"draws": 100000, "seed": 0}', "simulation") == "draws 100000, seed 0"
    assert readable('{"Analytics": "Meridian", "Security": "Bastion"}', "edited_award") == (
        "Analytics: Meridian; Security: Bastion")


def test_rows_label_the_action_and_leave_no_version_blank_as_none():
    entry = AuditEntry(1, 2, None, "2026-12-01T10:00:00.000000Z", "bob", "score", "A / - / Tech",
                       None, "4", "clarified")
    (row,) = audit_rows([entry])
    assert row["Version"] == "" and row["What"] == "Score: A / - / Tech" and row["When (UTC)"] == (
        "2026-12-01 10:00:00")


def test_the_report_s_audit_log_reads_as_sentences_in_the_agency_s_time_zone(monkeypatch):
    from types import SimpleNamespace

    from scoring.audit import audit_sentences

    def entry(**kw):  # type: ignore[no-untyped-def]
        base = dict(at="2026-12-01T16:30:05.123456Z", actor="Ann", version=2, action="setting",
                    item="method", old_value="topsis", new_value="vikor", reason="panel asked")
        return SimpleNamespace(**{**base, **kw})

    monkeypatch.setenv("SSW_TIMEZONE", "America/New_York")
    rows = audit_sentences([
        entry(),
        entry(item="weights", old_value=None, new_value='{"Technical": 60.0, "Price": 40.0}'),
        entry(action="moderation", item="Harbor Data Works / Technical approach", old_value=None,
              new_value="3", reason="failover untested")])
    assert rows[0]["When"] == "1 December 2026, 11:30 EST"  # local time with its zone, no microseconds
    assert rows[0]["What happened"] == ("Ann changed the scoring method from TOPSIS (closeness to "
                                        "the ideal) to VIKOR (compromise ranking, v = 0.5) "
                                        "(version 2), because: panel asked.")
    assert rows[1]["What happened"].startswith("Ann set the weights to Technical 60 (60.0%), "
                                               "Price 40 (40.0%)")
    assert rows[2]["What happened"].startswith("Ann moderated Harbor Data Works / Technical approach to 3")
    monkeypatch.delenv("SSW_TIMEZONE")
    assert audit_sentences([entry()])[0]["When"] == "1 December 2026, 16:30 UTC"


def test_findings_narratives_and_withdrawals_read_as_sentences():
    from types import SimpleNamespace

    from scoring.audit import audit_sentences
    from scoring.ledger import finding_value

    def entry(**kw):  # type: ignore[no-untyped-def]
        base = dict(at="2026-12-01T16:30:05.123456Z", actor="Bob", version=None,
                    item="Acme / - / Technical", old_value=None, reason="")
        return SimpleNamespace(**{**base, **kw})

    said = [r["What happened"] for r in audit_sentences([
        entry(action="finding", new_value=finding_value("significant strength", "Vol. I, p. 2", 6),
              reason="Named migration lead"),
        entry(action="finding", new_value=finding_value("risk", "", 7), reason="Tight window"),
        entry(action="finding", old_value="#7", new_value="withdrawn", reason="duplicate"),
        entry(action="narrative", actor="Ann", new_value=None, reason="Agreed 3 on the plan"),
        entry(action="moderation", actor="Ann", new_value="withdrawn", reason="meeting"),
        entry(action="submission", item="Bob", new_value="submitted",
              reason="submitted for consensus"),
        entry(action="submission", actor="Ann", item="Bob", old_value="submitted",
              new_value="reopened", reason="a late clarification"),
        entry(action="declaration", item="Bob", new_value="conflict", reason="shares in Acme"),
        entry(action="declaration", actor="Ann", item="Bob", old_value="conflict",
              new_value="recuse", reason="holds shares in a bidder")],
        zone=None)]
    assert said == [
        "Bob recorded a significant strength #6 on Acme / - / Technical: \u201cNamed migration "
        "lead\u201d (proposal reference Vol. I, p. 2).",
        "Bob recorded a risk #7 on Acme / - / Technical: \u201cTight window\u201d.",
        "Bob withdrew their finding #7 on Acme / - / Technical, because: duplicate.",
        "Ann wrote the consensus narrative for Acme / - / Technical: \u201cAgreed 3 on the "
        "plan\u201d.",
        "Ann withdrew the moderation of Acme / - / Technical, because: meeting.",
        "Bob submitted their scores, which locks them, because: submitted for consensus.",
        "Ann reopened Bob's submitted scores, because: a late clarification.",
        "Bob declared a conflict of interest: \u201cshares in Acme\u201d.",
        "Ann recused Bob for a declared conflict of interest, because: holds shares in a "
        "bidder."]


def test_assignments_the_due_date_the_lock_and_the_unsealing_read_as_sentences():
    from types import SimpleNamespace

    from scoring.audit import audit_sentences
    from scoring.ledger import assignment_value

    def entry(**kw):  # type: ignore[no-untyped-def]
        base = dict(at="2026-12-01T16:30:05.123456Z", actor="Ann", version=None, old_value="no")
        return SimpleNamespace(**{**base, **kw})

    said = [r["What happened"] for r in audit_sentences([
        entry(action="assignment", item="Bob", old_value=None,
              new_value=assignment_value('["Technical"]', '["Cloud", ""]'), reason="specialist"),
        entry(action="panel", item="scoring_due", old_value="", new_value="2026-12-12",
              reason="meeting on the 14th"),
        entry(action="panel", item="consensus_locked", new_value="yes", reason="meeting closed"),
        entry(action="panel", item="prices_unsealed", new_value="yes", reason="report signed")],
        zone=None)]
    assert said == [
        "Ann assigned Bob to score Technical · Cloud, All bids, because: specialist.",
        "Ann set the date scoring is due to 2026-12-12, because: meeting on the 14th.",
        "Ann locked the technical consensus, because: meeting closed.",
        "Ann unsealed the prices, because: report signed."]
