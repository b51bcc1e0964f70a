"""AppTest of the Monitor page: the bundled sample opens with its performance workbook; a bad
book is refused with located problems; every chart is valid Vega-Lite."""

import pytest
from streamlit.testing.v1 import AppTest

from scoring.monitor import fee_at_risk
from scoring.performance import read_performance
from scoring.workbook import read_path
from tests.conftest import ROOT
from tests.pages.test_charts import check

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def monitor() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/monitor.py").run()
    assert not at.exception
    return at


def test_the_sample_opens_with_its_performance_workbook_and_the_cli_s_figures():
    at = monitor()
    assert any("sample_performance.xlsx · 12 months" in c.value.replace("\\", "")
               for c in at.caption)
    bidset = read_path(str(ROOT / "data" / "sample_evaluation.xlsx")).bidset
    book = read_performance((ROOT / "data" / "sample_performance.xlsx").read_bytes(), bidset).book
    due = sum(m.credit for m in fee_at_risk(book))
    metric = next(m for m in at.metric if m.label.startswith("Credits due to 2026-12"))
    assert metric.value == f"{due:,.0f}"
    table = next(df.value for df in at.dataframe if "Running total" in df.value.columns)
    assert table["Credit"].sum() == due and (table["Capped"] == "yes").sum() == 2
    flags = next(df.value for df in at.dataframe if "Flag" in df.value.columns)
    assert {"Missed the target", "Three declines in a row", "Outside the usual range",
            "Candidate to tighten"} <= set(flags["Flag"])
    assert any("4 open risks not updated within 31 days of the end of 2026-12" in w.value
               for w in at.warning)
    check(at, 3)  # running total, the KPI's series, the risk heat map


def test_a_bad_performance_workbook_is_refused_with_located_problems():
    import io

    from scoring.performance_template import build_performance, sample_rows

    rows = sample_rows()
    rows["actuals"] = [("2026-13", *rows["actuals"][0][1:]), *rows["actuals"][1:]]
    buf = io.BytesIO()
    build_performance(**rows).save(buf)
    at = monitor()
    at.file_uploader[0].upload("bad.xlsx", buf.getvalue(), XLSX).run()
    assert not at.exception
    assert any("has 1 problem" in e.value for e in at.error)
    table = next(t.value for t in at.table)
    assert [w.replace("\\", "") for w in table["Where"]] == ["Actuals!A2"]
    assert not any(m.label.startswith("Credits due") for m in at.metric)


def test_the_review_month_is_one_as_of_view_for_the_page_the_pack_and_the_command_line(capsys):
    import json

    from scoring.cli import main
    from scoring.monitor import review

    at = monitor()
    at.select_slider(key="perf_month").set_value("2026-06").run()
    assert not at.exception
    metric = next(m for m in at.metric if m.label.startswith("Credits due to 2026-06"))
    bidset = read_path(str(ROOT / "data" / "sample_evaluation.xlsx")).bidset
    book = read_performance((ROOT / "data" / "sample_performance.xlsx").read_bytes(), bidset).book
    june = review(book, "2026-06").credits_to_date
    assert metric.value == f"{june:,.0f}"
    assert main(["monitor", str(ROOT / "data" / "sample_evaluation.xlsx"),
                 str(ROOT / "data" / "sample_performance.xlsx"), "--month", "2026-06",
                 "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["credits_due"] == pytest.approx(june)
    assert all(f["month"] <= "2026-06" for f in doc["flags"])


def test_another_evaluation_starts_with_no_book():
    from tests.helpers import basic
    from tests.pages.test_app import upload

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    upload(at, "other.xlsx", basic())
    at.switch_page("app_pages/monitor.py").run()
    assert not at.exception
    assert any("Upload the performance workbook" in i.value for i in at.info)


def test_the_ratings_need_a_narrative_per_vendor_before_their_document():
    at = monitor()
    assert any("still without" in c.value for c in at.caption)
    assert not any(getattr(b.proto, "label", "").startswith("Annual ratings")
                   for b in at.get("download_button"))
    for area in at.text_area:
        if area.label == "Narrative (required)":
            area.input("Delivered the year's releases; two outages in Q3.")
    at.run()
    assert not at.exception
    assert any(b.proto.label == "Annual ratings 2026 (.docx)" for b in at.get("download_button"))
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"Review pack for 2026-12 (.xlsx)", "Review pack for 2026-12 (.docx)"} <= labels


def test_replacing_a_failing_vendor_opens_the_scenarios_with_that_award():
    at = monitor()
    button = next(b for b in at.button if b.label == "Replace Cascade Cloud Services on Infrastructure")
    button.click().run()
    assert not at.exception
    award = dict(at.session_state["evaluation"].edited_award)
    # the modular award with the infrastructure lot's best other bid in place of Cascade's
    assert award == {"Infrastructure": "Summit Integrators", "Application": "Northwind Digital",
                     "Analytics": "Meridian Analytics", "Security": "Bastion Security Group"}
    assert any("replaces **Cascade Cloud Services** on **Infrastructure** by **Summit Integrators**"
               in i.value for i in at.info)
    assert any("Edited" in str(df.value.to_dict()) for df in at.dataframe)


def test_the_chair_stores_the_book_with_the_saved_evaluation_and_it_reopens_with_it():
    from tests.pages.test_panel_page import labelled, saved_app

    at = saved_app("Monitored")
    ref = at.session_state["saved_version"]
    at.switch_page("app_pages/monitor.py").run()
    labelled(at.text_input, "Reason").set_value("December's figures")
    next(b for b in at.button if b.label == "Store").click().run()
    assert not at.exception
    assert any("as performance workbook 1 of 1" in c.value for c in at.caption)

    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    fresh.query_params["evaluation"], fresh.query_params["version"] = str(ref.evaluation_id), "1"
    fresh.run()
    fresh.switch_page("app_pages/monitor.py").run()
    assert not fresh.exception
    stored = next(c.value for c in fresh.caption if "as performance workbook 1 of 1" in c.value)
    assert "December's figures" in stored.replace("\\\\", "")
    assert not any(b.label == "Store" for b in fresh.button)


def test_a_book_monitoring_other_bids_than_the_stated_award_is_said():
    at = monitor()
    assert not any("monitors" in w.value for w in at.warning)  # no award stated
    ev = at.session_state["evaluation"]
    at.session_state["evaluation"] = ev.replace(edited_award=(
        ("Infrastructure", "Harbor Data Works"), ("Application", "Northwind Digital"),
        ("Analytics", "Northwind Digital"), ("Security", "Bastion Security Group")))
    at.run()
    warning = next(w.value for w in at.warning if "monitors" in w.value)
    assert "gives Harbor Data Works the Infrastructure component" in warning.replace("\\\\", "")
    assert "monitors Cascade Cloud Services on it" in warning.replace("\\\\", "")
