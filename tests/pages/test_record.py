"""One evaluation record: what is shown, saved, shared, reported and reproduced agree.

Each test here reproduces a way two surfaces used to disagree about the same evaluation.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from urllib.parse import parse_qs, urlparse

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from scoring.report import ReportContext, build_report
from scoring.results import Results
from scoring.store import Store
from tests.conftest import ROOT
from tests.helpers import basic, edit_rows, save_version

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CAP_N, YEARS, PROB = ("ev_wi_max_components_per_vendor", "ev_wi_contract_years",
                      "ev_wi_vendor_failure_prob")


def start() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    assert not at.exception
    return at


def go(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def labelled(widgets, label):  # type: ignore[no-untyped-def]
    return next(w for w in widgets if w.label == label)


def comparison(at: AppTest):  # type: ignore[no-untyped-def]
    return next(t.value for t in at.table if "Figure" in t.value.columns).set_index("Figure")


def ranking(at: AppTest):  # type: ignore[no-untyped-def]
    return next(df.value for df in at.dataframe if "Rank" in df.value.columns)


save = save_version


def report_of(at: AppTest) -> object:
    """The report the Report & share page's button writes for this session's evaluation."""
    wb = at.session_state["workbook"]
    results = Results(wb.bidset, at.session_state["evaluation"])
    return load_workbook(io.BytesIO(build_report(results, ReportContext(workbook_bytes=wb.data))))


def plain(text: str) -> str:
    """Text as shown, without the Markdown escapes of user text."""
    return re.sub(r"\\(.)", r"\1", text)


def captions(at: AppTest) -> str:
    return plain(" ".join(c.value for c in at.caption))


def rows(sheet) -> list[list[object]]:  # type: ignore[no-untyped-def]
    return [[c for c in r] for r in sheet.iter_rows(values_only=True)]


def scenario_table(wb) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    """The report's scenario figures: figure -> scenario -> value."""
    scen = rows(wb["Scenarios"])
    top = next(i for i, r in enumerate(scen) if r[0] == "Figure")
    names = [n for n in scen[top][1:] if n]
    out = {}
    for r in scen[top + 1:]:
        if not r[0]:
            break
        out[r[0]] = dict(zip(names, r[1:], strict=False))
    return out


def settings_table(wb) -> dict[str, tuple[object, object]]:  # type: ignore[no-untyped-def]
    """The report's 'Settings behind these figures': label -> (value, source)."""
    scen = rows(wb["Scenarios"])
    top = next(i for i, r in enumerate(scen) if r[:3] == ["Setting", "Value", "Source"])
    out = {}
    for r in scen[top + 1:]:
        if not r[0]:
            break
        out[r[0]] = (r[1], r[2])
    return out


def what_ifs(at: AppTest) -> AppTest:
    """On Scenarios: a cap of 1 component per vendor, a 10-year term, failure probability 0.2."""
    go(at, "scenarios")
    at.number_input(key=CAP_N).set_value(1).run()
    at.number_input(key=YEARS).set_value(10.0).run()
    at.number_input(key=PROB).set_value(0.2).run()
    assert not at.exception
    return at


def test_what_ifs_reach_compliance_and_the_report():
    at = what_ifs(start())
    table = comparison(at)
    total_price = table.loc["Total of awarded prices (USD)", "Optimized"]
    total_cost = table.loc["Total cost (USD)", "Optimized"]
    assert (total_price, total_cost) != ("5,455,000", "6,335,592")  # the workbook's own caps
    go(at, "compliance")
    optimized = next(s.value for s in [*at.success, *at.warning] if "Optimized award" in s.value)
    assert f"total award of {total_price}" in optimized
    wb = report_of(at)
    figures = scenario_table(wb)
    assert f"{figures['Total of awarded prices (USD)']['Optimized']:,.0f}" == total_price
    assert f"{figures['Total cost (USD)']['Optimized']:,.0f}" == total_cost
    used = settings_table(wb)
    assert used["Cap: components per vendor"] == ("1 component", "what-if")
    assert used["Contract term"] == ("10 years", "what-if")
    governance = rows(wb["Compliance"])
    assert any(r[0] == "Optimized award" and f"{r[1]:,.0f}" == total_price for r in governance)


def test_a_saved_versions_report_shows_its_own_caps():
    at = start()
    go(at, "scenarios")
    at.number_input(key=CAP_N).set_value(3).run()
    save(at, "cap of three", name="Caps")
    ev = at.session_state["saved_version"].version.evaluation
    assert dict(ev.what_ifs) == {"max_components_per_vendor": 3}
    assert settings_table(report_of(at))["Cap: components per vendor"] == ("3 components", "what-if")


def test_a_hand_edited_award_reaches_the_report_and_the_saved_version():
    at = start()
    go(at, "scenarios")
    edit_rows(at, "award", {0: {"Vendor": "Harbor Data Works"}})
    at.run()
    edited_total = comparison(at).loc["Total of awarded prices (USD)", "Edited"]
    edited = scenario_table(report_of(at))["Total of awarded prices (USD)"]["Edited"]
    assert f"{edited:,.0f}" == edited_total == "5,855,000"
    save(at, "edited award", name="Edited award")
    award = dict(at.session_state["saved_version"].version.evaluation.edited_award)
    assert award["Infrastructure"] == "Harbor Data Works"


def _cli(tmp_path, at: AppTest, *args: str) -> dict:  # type: ignore[type-arg]
    """The command line on the reproduce download of the version in use."""
    db = Store(os.environ["SSW_DATABASE_URL"])
    from ui.persistence import reproduce_bundle

    ref = at.session_state["saved_version"]
    import zipfile

    with zipfile.ZipFile(io.BytesIO(reproduce_bundle(db, ref))) as zf:
        zf.extractall(tmp_path)
        stem = zf.namelist()[0].rsplit(".", 1)[0]
    out = subprocess.run([sys.executable, "-m", "scoring", *args, str(tmp_path / f"{stem}.xlsx"),
                          "--settings", str(tmp_path / f"{stem}.json"), "--format", "json"],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout)


def test_a_saved_version_does_not_move_when_the_panel_scores_on(tmp_path):
    at = start()
    labelled(at.selectbox, "Scoring method").select("wsm").run()
    save(at, "first", name="Frozen")
    save(at, "second")  # version 2
    ref = at.session_state["saved_version"]
    assert ref.version.number == 2
    go(at, "evaluate")
    labelled(at.radio, "Lot").set_value("ALL").run()
    before = ranking(at)
    db = Store(os.environ["SSW_DATABASE_URL"])
    db.record_scores(ref.evaluation_id, "Dana Evaluator",
                     [("Summit Integrators", "ALL", "Technical approach", 1.0, "thin plan"),
                      ("Summit Integrators", "ALL", "Past performance", 1.0, "late deliveries")])
    at.run()
    after = ranking(at)
    assert after.equals(before)  # the figures are version 2's
    caption = captions(at)
    assert "panel entries changed since version 2" in caption
    assert "unsaved changes" not in caption
    assert any("Panel entries changed since version 2" in w.value for w in at.warning)
    cli = [b for b in _cli(tmp_path, at, "rank")["bids"] if b["lot"] == "ALL"]
    assert [b["score"] for b in cli] == list(before["Score"])  # the reproduce download agrees

    link = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    link.query_params["evaluation"], link.query_params["version"] = str(ref.evaluation_id), "2"
    link.query_params["lot"] = "ALL"
    link.run()
    assert ranking(link).equals(before)  # and so does the share link

    next(b for b in at.button if b.label == "Take in the latest panel entries").click().run()
    taken = ranking(at)
    assert not taken.equals(before)
    assert "unsaved changes (panel record)" in captions(at)
    save(at, "panel scores in")
    frozen = at.session_state["saved_version"].version.evaluation.panel
    assert len(frozen.scores) == 2 and frozen.through[0] > 0
    cli = [b for b in _cli(tmp_path / "v3", at, "rank")["bids"] if b["lot"] == "ALL"]
    go(at, "evaluate")
    assert [b["score"] for b in cli] == list(ranking(at)["Score"]) == list(taken["Score"])


def test_a_new_upload_or_the_sample_starts_a_new_unsaved_evaluation():
    at = start()
    save(at, "what-ifs kept", name="Sample what-ifs")
    first = at.session_state["saved_version"].evaluation_id
    go(at, "import_bids")
    at.file_uploader[0].upload("other.xlsx", basic(), XLSX).run()
    sidebar = " ".join(c.value for c in at.sidebar.caption)
    assert "not saved" in sidebar and "Sample what-ifs" not in " ".join(m.value for m in at.sidebar.markdown)
    go(at, "report")
    assert not any(m.value.startswith("**Save version") for m in at.markdown)
    assert any("does not continue evaluation" in i.value for i in at.info)
    choice = labelled(at.radio, "Save as")
    assert choice.value == "new" and "revised bid book" in " ".join(choice.options)
    save(at, "another procurement", name="Other")
    assert at.session_state["saved_version"].evaluation_id != first
    go(at, "import_bids")
    next(b for b in at.button if b.label == "Open the bundled sample").click().run()
    assert at.session_state["saved_version"] is None if "saved_version" in at.session_state else True
    assert "not saved" in " ".join(c.value for c in at.sidebar.caption)


def test_the_save_choice_shows_the_earlier_evaluations_name_as_text():
    """Radio options render Markdown; the name (by default the upload's file name) is escaped."""
    at = start()
    save(at, "named by its file", name="Bid [see pricing](https:evil.example) <img src=x>")
    go(at, "import_bids")
    at.file_uploader[0].upload("other.xlsx", basic(), XLSX).run()
    go(at, "report")
    option = next(o for o in labelled(at.radio, "Save as").options if "revised" in o)
    assert r"\[see pricing\]\(https" in option and r"\<img" in option, option


def test_a_revised_bid_book_is_saved_into_the_evaluation_only_by_choice():
    at = start()
    save(at, "original bids", name="Revised later")
    eid = at.session_state["saved_version"].evaluation_id
    old_sha = at.session_state["saved_version"].version.snapshot_sha256
    go(at, "import_bids")
    at.file_uploader[0].upload("revised.xlsx", basic(), XLSX).run()
    go(at, "report")
    labelled(at.radio, "Save as").set_value("revised")  # in the form: sent with the submit
    labelled(at.text_area, "Reason for this version").set_value("bidders revised their prices")
    next(b for b in at.button if b.label == "Save").click().run()
    ref = at.session_state["saved_version"]
    assert (ref.evaluation_id, ref.version.number) == (eid, 2)
    audit = Store(os.environ["SSW_DATABASE_URL"]).audit(eid)
    entry = next(e for e in audit if e.item == "revised bid book")
    assert entry.old_value == old_sha and entry.new_value == ref.version.snapshot_sha256


@pytest.mark.parametrize("years", [0.5, 40])
def test_a_term_the_reader_accepts_renders_the_scenarios_page(years):
    at = start()
    go(at, "import_bids")
    components = [["component", "criticality", "switching_cost"], ["Only", 3, 1000]]
    bids = [["vendor", "lot", "price", "Technical", "Management"], ["Alpha", "Only", 100_000, 4, 3],
            ["Bravo", "Only", 80_000, 3, 4]]
    data = basic(Bids=bids, Components=components,
                 Settings=[["key", "value"], ["contract_years", years]])
    at.file_uploader[0].upload("term.xlsx", data, XLSX).run()
    go(at, "scenarios")
    assert at.number_input(key=YEARS).value == years


def test_the_lot_and_the_points_travel_in_a_share_link():
    at = start()
    points = {0: {"Points": 20.2}, 1: {"Points": 12.3}, 2: {"Points": 20.2}, 3: {"Points": 8.1},
              4: {"Points": 31.2}}
    edit_rows(at, "points", points)
    at.run()
    labelled(at.radio, "Lot").set_value("Security").run()
    go(at, "robustness")
    save(at, "odd points", name="Points")
    link = next(c.value for c in at.code if "evaluation=" in c.value)
    query = {k: v[0] for k, v in parse_qs(urlparse(link).query).items()}
    assert query["lot"] == "Security"  # the lot last shown, not the first
    other = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in query.items():
        other.query_params[key] = value
    other.run()
    assert labelled(other.radio, "Lot").value == "Security"
    editor = next(df.value for df in other.dataframe if "Points" in df.value.columns) \
        if any("Points" in df.value.columns for df in other.dataframe) else None
    shown = other.session_state["evaluation"].scoring.points
    assert list(shown.values()) == [20.2, 12.3, 20.2, 8.1, 31.2]  # the same points, not rounded
    assert editor is None or list(editor["Points"]) == [20.2, 12.3, 20.2, 8.1, 31.2]


def test_a_refused_input_does_not_follow_into_a_new_evaluation():
    at = start()
    labelled(at.selectbox, "Scoring method").select("wsm").run()
    labelled(at.selectbox, "Price formula").select("linear").run()
    at.number_input(key="ev_floor").set_value(500_000).run()
    at.number_input(key="ev_ceiling").set_value(100_000).run()
    assert any("must be above the price floor" in e.value for e in at.error)
    go(at, "import_bids")
    next(b for b in at.button if b.label == "Open the bundled sample").click().run()
    go(at, "evaluate")
    assert not at.error and labelled(at.selectbox, "Price formula").value == "lowest_ratio"
    assert ranking(at) is not None


def test_an_older_version_reopened_and_saved_becomes_the_next_version():
    at = start()
    save(at, "first", name="Restore")
    go(at, "evaluate")
    labelled(at.selectbox, "Scoring method").select("vikor").run()
    save(at, "second")
    eid = at.session_state["saved_version"].evaluation_id
    go(at, "report")
    labelled(at.selectbox, "Evaluation").set_value(
        next(o for o in labelled(at.selectbox, "Evaluation").options if "Restore" in o)).run()
    labelled(at.number_input, "Version").set_value(1).run()
    next(b for b in at.button if b.label == "Open this version").click().run()
    save(at, "back to TOPSIS, as in version 1")
    ref = at.session_state["saved_version"]
    assert (ref.evaluation_id, ref.version.number) == (eid, 3)
    assert ref.version.evaluation.scoring.method == "topsis"


def test_a_version_whose_snapshot_fails_todays_checks_is_refused_with_a_message():
    from scoring.evaluation import Evaluation, Scoring

    data = basic(Settings=[["key", "value"], ["contract_years", 80]])  # beyond today's 50
    import hashlib

    db = Store(os.environ["SSW_DATABASE_URL"])
    v = db.create("Old bounds", data, "old.xlsx",
                  Evaluation(hashlib.sha256(data).hexdigest(), Scoring(weights=(("Technical", 1.0),))),
                  author="ann", reason="saved by an earlier release")
    at = start()
    go(at, "report")
    labelled(at.selectbox, "Evaluation").set_value(
        next(o for o in labelled(at.selectbox, "Evaluation").options if o.startswith(f"#{v.evaluation_id} "))
    ).run()
    next(b for b in at.button if b.label == "Open this version").click().run()
    assert not at.exception
    assert any("Cannot open it" in e.value and "contract_years" in e.value for e in at.error)


def test_robustness_says_when_the_top_is_tied():
    at = start()
    go(at, "import_bids")
    bids = [["vendor", "lot", "price", "Technical", "Management"], ["Alpha", "", 100_000, 4, 3],
            ["Beta", "", 100_000, 4, 3], ["Gamma", "", 120_000, 3, 3]]
    at.file_uploader[0].upload("tie.xlsx", basic(Bids=bids), XLSX).run()
    go(at, "robustness")
    text = plain(" ".join(m.value for m in at.markdown))
    assert "**Alpha** and **Beta** are tied for first" in text


def test_the_import_page_says_where_the_evaluation_departs_from_the_workbook():
    at = start()
    labelled(at.selectbox, "Scoring method").select("vikor").run()
    go(at, "import_bids")
    assert [s.value for s in at.subheader][0] == "Workbook in use"
    assert "departs from them in: scoring method" in captions(at)


def test_a_revised_bid_book_does_not_count_panel_entries_on_bids_it_no_longer_has():
    at = start()
    save(at, "panel starts", name="Orphans")
    eid = at.session_state["saved_version"].evaluation_id
    db = Store(os.environ["SSW_DATABASE_URL"])
    db.record_scores(eid, "dana", [("Cascade Cloud Services", "Infrastructure", "Technical approach",
                                    2.0, "weak plan")])
    go(at, "import_bids")
    at.file_uploader[0].upload("revised.xlsx", basic(), XLSX).run()
    go(at, "report")
    assert "1 of the panel's entries on evaluation" in captions(at)
    labelled(at.radio, "Save as").set_value("revised")
    labelled(at.text_area, "Reason for this version").set_value("new bid book")
    next(b for b in at.button if b.label == "Save").click().run()
    assert at.session_state["saved_version"].evaluation_id == eid
    go(at, "evaluate")
    assert "panel scores changed" not in captions(at)  # Cascade has no bid in the new workbook
    audit = db.audit(eid)
    assert any(e.action == "workbook" and e.item == "revised bid book" for e in audit)
