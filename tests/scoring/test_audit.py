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
