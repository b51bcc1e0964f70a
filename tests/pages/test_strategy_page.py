"""AppTest of the Strategy page: the sample's assessment (its Strategy sheet) is shown with the
command line's figures; answers, the model, owners and costs change the evaluation in use (and
so the report); a workbook without the sheet starts one on request; refused input says why."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from scoring.cli import main
from scoring.strategy import percent, shown, summary
from scoring.workbook import read_path
from tests.conftest import ROOT
from tests.pages.test_charts import check

SAMPLE = ROOT / "data" / "sample_evaluation.xlsx"


def strategy() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/strategy.py").run()
    assert not at.exception
    return at


def evaluation(at: AppTest):
    return at.session_state["evaluation"]


def fit_table(at: AppTest):
    return next(df.value for df in at.dataframe if "First in weight draws" in df.value.columns)


def test_the_sample_s_assessment_is_shown_with_the_command_line_s_figures(capsys):
    at = strategy()
    assert any("from the workbook's Strategy sheet" in c.value for c in at.caption)
    table = fit_table(at)
    assert main(["strategy", str(SAMPLE), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert list(table["Model"]) == [r["model"] for r in doc["ranking"]]
    assert list(table["Fit (0-5)"]) == [shown(r["fit"]) for r in doc["ranking"]]  # as shown
    assert list(table["First in weight draws"]) == [percent(r["first_share"])
                                                    for r in doc["ranking"]]
    assert table.loc[table["Chosen"] == "✓", "Model"].tolist() == [doc["model"]]
    vfm = next(df.value for df in at.dataframe if "P90" in df.value.columns)
    assert vfm["Mean"].tolist() == pytest.approx([doc["value_for_money"]["traditional"]["mean"],
                                                  doc["value_for_money"]["model"]["mean"]])
    flagged = [a["risk"] for a in doc["allocation"] if a["flag"]]
    assert flagged == ["Exit and transition"]
    assert [w.value.split("**")[1] for w in at.warning] == flagged
    moved = next(m.value for m in at.markdown if "What would change the best fit" in m.value)
    assert "data ownership from 1.6 to 5; below 1.6, Data partnership fits best" in \
        moved.replace("\\", "")
    assert [(s["question"], s["low"], s["below"]) for s in doc["stability"]
            if s["below"] or s["above"]] == [("data_ownership", 1.6, "Data partnership")]
    check(at, 2)  # the fit bars, the value-for-money curves


def test_changes_on_the_page_are_the_evaluation_s_and_reach_the_report():
    import io

    from openpyxl import load_workbook

    from scoring.report import build_report
    from scoring.results import Results

    at = strategy()
    at.number_input(key="ev_strat_a_capability_gap").set_value(5.0).run()
    at.number_input(key="ev_strat_a_governance_capacity").set_value(1.0).run()
    at.number_input(key="ev_strat_a_risk_transfer").set_value(4.0).run()
    at.selectbox(key="ev_strat_model").set_value("Best fit").run()
    assert not at.exception
    ev = evaluation(at)
    assert ev.strategy is not None and ev.strategy.answer_map["capability_gap"] == 5
    assert fit_table(at)["Model"].iloc[0] == "Managed services"
    assert summary(ev.strategy).model == "Managed services"
    # under managed services the usual owners change, and so does the flagged exit risk
    bidset = read_path(str(SAMPLE)).bidset
    wb = load_workbook(io.BytesIO(build_report(Results(bidset, ev))))
    cells = [str(c.value) for row in wb["Delivery strategy"].iter_rows() for c in row if c.value]
    assert any(c.startswith("Managed services: fit") for c in cells)
    assert "delivery strategy" in ev.changes_from(type(ev).of(bidset))
    at.button[0].click().run()  # back to the workbook's assessment
    assert evaluation(at).strategy is None
    assert fit_table(at)["Model"].iloc[0] == "Modular contracts"


def risk_key(at: AppTest) -> str:
    from ui.strategy_views import RISK_EDITS

    edits = at.session_state[RISK_EDITS] if RISK_EDITS in at.session_state else 0  # noqa: SIM401
    return f"ev_strat_risks_{edits}"


def edit_risks(at: AppTest, edited: dict, added: list | None = None) -> None:
    """Seed edits into the risk table (AppTest cannot type into an editor), as a browser sends."""
    at.session_state[risk_key(at)] = {"edited_rows": edited, "added_rows": added or [],
                                      "deleted_rows": []}
    at.run()
    assert not at.exception


def test_an_owner_left_to_no_one_is_flagged_and_a_bad_cost_is_refused():
    at = strategy()
    assert evaluation(at).strategy is None  # drawing the table changes nothing
    edit_risks(at, {3: {"Owner": "none"}}, [{"Risk": "Vendor lock-in", "Owner": "private",
                                              "Chance a year (%)": 10, "Low": 1, "Likely": 2,
                                              "High": 3}])
    a = evaluation(at).strategy
    assert a is not None and a.risks[3].owner == "none" and a.risks[-1].name == "Vendor lock-in"
    flagged = [w.value for w in at.warning]
    assert any(w.startswith("**Demand** (none): no one owns it") for w in flagged)
    assert len(flagged) == 2  # the sample's exit risk, and now demand; the new risk is its own
    before = evaluation(at)
    edit_risks(at, {0: {"Low": 500_000.0}})  # above its likely cost
    assert evaluation(at) == before
    refused = "Not applied: Design: the costs must be 0 or more, low ≤ likely ≤ high"
    assert any(refused in e.value.replace("\\", "") for e in at.error)


def test_the_value_for_money_inputs_move_the_figures_the_report_shows():
    at = strategy()
    at.number_input(key="ev_strat_partnership_cost").set_value(9_000_000.0).run()
    assert not at.exception
    found = summary(evaluation(at).strategy)
    vfm = next(df.value for df in at.dataframe if "P90" in df.value.columns)
    assert vfm["Mean"].iloc[1] == pytest.approx(found.partnership["mean"])
    assert any(m.value.startswith("Traditional delivery is cheaper") for m in at.markdown)


def test_a_workbook_without_a_strategy_sheet_starts_one_on_request():
    from scoring.template import template_bytes

    at = strategy()
    at.switch_page("app_pages/import_bids.py").run()
    at.file_uploader[0].upload("t.xlsx", template_bytes(),
                               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                               ).run()
    at.switch_page("app_pages/strategy.py").run()
    assert not at.exception
    assert any("has no delivery-strategy assessment" in i.value for i in at.info)
    assert not at.dataframe
    at.button[0].click().run()
    assert evaluation(at).strategy is not None
    assert len(fit_table(at)) == 7


def test_a_saved_version_s_share_link_and_its_settings_file_reproduce_the_strategy(tmp_path,
                                                                                     capsys):
    import os

    from scoring.store import Store
    from tests.pages.test_report_page import save, share_link

    at = strategy()
    at.number_input(key="ev_strat_a_capability_gap").set_value(5.0).run()
    at.selectbox(key="ev_strat_model").set_value("Managed services").run()
    expected = fit_table(at)
    save(at, "Ann Chair", "delivery model agreed", name="Strategy agreed")
    query = share_link(at)
    b = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key in ("evaluation", "version"):
        b.query_params[key] = query[key]
    b.run()
    b.switch_page("app_pages/strategy.py").run()
    assert not b.exception
    assert fit_table(b).equals(expected)
    assert fit_table(b).loc[fit_table(b)["Chosen"] == "✓", "Model"].tolist() == ["Managed services"]
    ref = at.session_state["saved_version"]
    db = Store(os.environ["SSW_DATABASE_URL"])
    (tmp_path / "s.xlsx").write_bytes(db.snapshot(ref.version.snapshot_sha256))
    (tmp_path / "s.json").write_text(db.version(ref.evaluation_id, 1).evaluation.to_json())
    assert main(["strategy", str(tmp_path / "s.xlsx"), "--settings", str(tmp_path / "s.json"),
                 "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["model"] == "Managed services"
    assert [shown(r["fit"]) for r in doc["ranking"]] == list(expected["Fit (0-5)"])
    assert db.version(ref.evaluation_id, 1).evaluation.strategy == evaluation(at).strategy


def test_risk_names_from_the_workbook_are_shown_as_text():
    from scoring.strategy import RiskLine
    from scoring.strategy_sheet import HEADERS, strategy_rows
    from scoring.template import SAMPLE_STRATEGY
    from tests.helpers import basic

    hostile = SAMPLE_STRATEGY.replace(risks=(RiskLine("**bold** <script>x</script>", "none"),))
    data = basic(Strategy=[list(HEADERS), *strategy_rows(hostile)])
    at = strategy()
    at.switch_page("app_pages/import_bids.py").run()
    at.file_uploader[0].upload("h.xlsx", data, "application/vnd.openxmlformats-officedocument."
                               "spreadsheetml.sheet").run()
    at.switch_page("app_pages/strategy.py").run()
    assert not at.exception
    shown = " ".join(w.value for w in at.warning)
    assert "\\*\\*bold\\*\\*" in shown and "<script>" not in shown
