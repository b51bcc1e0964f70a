from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def test_matrix_gate_and_governance():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/compliance.py").run()
    assert not at.exception
    matrix = next(df.value for df in at.dataframe if "Mission-grade" in df.value.columns)
    assert len(matrix) == 14 and set(matrix["Mission-grade"]) == {"Yes", "No"}
    row = matrix[matrix["Vendor"] == "Harbor Data Works"].iloc[-1]
    assert row["Fee at risk (%)"].startswith("✗") and row["Uptime (%)"].startswith("✓")
    assert any("meets the rule" in s.value for s in at.success)
    at.toggle[0].set_value(True).run()
    at.switch_page("app_pages/evaluate.py").run()
    assert any("Mission\\-grade SLA" in w.value for w in at.warning)


def test_each_bid_that_is_not_mission_grade_says_what_it_fails_on():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/compliance.py").run()
    matrix = next(df.value for df in at.dataframe if "Mission-grade" in df.value.columns)
    for _, row in matrix.iterrows():
        failing = [c for c in matrix.columns[4:] if not str(row[c]).startswith("✓")]
        assert (row["Fails on"] == "—") == (row["Mission-grade"] == "Yes")
        assert row["Fails on"] == (", ".join(c.split(" (")[0] for c in failing) or "—")
    harbor = matrix[matrix["Vendor"] == "Harbor Data Works"].iloc[-1]
    assert "Fee at risk" in harbor["Fails on"] and "Uptime" not in harbor["Fails on"]
