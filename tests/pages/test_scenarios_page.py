"""AppTest of the Scenarios page: comparison, what-ifs, hand-edited award."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, charts
from tests.helpers import basic, edit_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CAP_N, CAP_SHARE = "ev_wi_max_components_per_vendor", "ev_wi_max_vendor_share_pct"


@pytest.fixture
def page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/scenarios.py").run()
    assert not at.exception
    return at


def comparison(at: AppTest):
    return next(t.value for t in at.table if "Figure" in t.value.columns).set_index("Figure")


def test_comparison_of_the_three_awards(page):
    table = comparison(page)
    assert list(table.columns) == ["Monolithic", "Modular", "Optimized"]  # no award edited yet
    assert table.loc["Total cost (USD)", "Monolithic"] == "6,124,472"
    assert table.loc["HHI (price concentration)", "Monolithic"] == "10,000"
    assert table.loc["Replaceability (0-1, higher is better)", "Monolithic"] == "0.000"
    assert len(charts(page)) >= 3


def test_removing_the_caps_lets_the_optimizer_go_cheaper(page):
    before = comparison(page).loc["Total cost (USD)", "Optimized"]
    page.number_input(key=CAP_N).set_value(None).run()
    page.number_input(key=CAP_SHARE).set_value(None).run()
    after = comparison(page).loc["Total cost (USD)"]
    assert after["Optimized"] != before
    as_number = {k: float(v.replace(",", "")) for k, v in after.items()}
    assert as_number["Optimized"] <= min(as_number["Monolithic"], as_number["Modular"])


def test_impossible_cap_is_explained(page):
    page.number_input(key=CAP_N).set_value(1).run()
    page.number_input(key=CAP_SHARE).set_value(10.0).run()
    assert not page.exception
    assert any("Optimized" in w.value and "cannot" in w.value for w in page.warning)


def test_hand_edited_award(page):
    edit_rows(page, "award", {0: {"Vendor": "Harbor Data Works"}})
    page.run()
    table = comparison(page)
    assert table.loc["Total of awarded prices (USD)", "Edited"] == "5,855,000"
    edit_rows(page, "award", {0: {"Vendor": "Ironclad Cyber"}})
    page.run()
    assert any("Ironclad Cyber has no eligible bid for Infrastructure" in w.value for w in page.warning)


def test_workbook_without_components_gets_a_note():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/import_bids.py").run()
    at.file_uploader[0].upload("single.xlsx", basic(), XLSX).run()
    at.switch_page("app_pages/scenarios.py").run()
    assert not at.exception
    assert any("Components" in i.value for i in at.info)


def test_scenarios_in_one_concentration_band_are_told_apart_by_their_hhi():
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/scenarios.py").run()
    table = at.table[0].value
    row = table[table["Figure"] == "Concentration"].iloc[0]
    hhi = table[table["Figure"] == "HHI (price concentration)"].iloc[0]
    mono = int(hhi["Monolithic"].replace(",", ""))
    for name in ("Modular", "Optimized"):
        own = int(hhi[name].replace(",", ""))
        assert row[name] == (f"highly concentrated, HHI {own:,} "
                             f"(−{mono - own:,} vs monolithic)"), name
    assert row["Monolithic"] == f"highly concentrated, HHI {mono:,}"
    assert any("The contract term changes only the failure exposure" in c.value for c in at.caption)


def test_the_frontier_and_a_point_taken_as_the_edited_award(page):
    from scoring.evaluation import FrontierOptions

    at = page
    assert "Best-value frontier" in [h.value for h in at.subheader]
    picks = next(s for s in at.selectbox if s.label == "Award")
    assert len(picks.options) >= 2
    picks.select_index(len(picks.options) - 1)  # the highest quality
    next(b for b in at.button if b.label == "Use it as the edited award").click().run()
    assert not at.exception
    ev = at.session_state["evaluation"]
    award = dict(ev.edited_award)
    table = comparison(at)
    edited = table["Edited"]  # the same figures as the frontier point it was taken from
    front = next(df.value for df in at.dataframe if "Who" in df.value.columns)
    top = front.iloc[len(picks.options) - 1]
    assert top["Who"] == ", ".join(f"{c}: {v}" for c, v in award.items())
    assert edited["Total cost (USD)"] == f"{top['Total cost']:,.0f}"
    # the options are part of the evaluation in use
    form = {w.label: w for w in at.number_input}
    form["At least … vendors"].set_value(4)
    form["Points"].set_value(5)
    next(b for b in at.button if b.label == "Draw the frontier").click().run()
    assert at.session_state["evaluation"].frontier == FrontierOptions(points=5, min_vendors=4)
    front = next(df.value for df in at.dataframe if "Who" in df.value.columns)
    assert (front["Vendors"] >= 4).all() and len(front) <= 5


def test_a_bundle_point_the_edited_award_cannot_reproduce_is_not_taken():
    from tests.helpers import workbook_bytes
    from tests.pages.test_app import upload

    data = workbook_bytes({
        "Criteria": [["criterion", "weight", "direction", "scale_min", "scale_max"],
                     ["Quality", 60, "max", 0, 5], ["Price", 40, "min", None, None]],
        "Bids": [["vendor", "lot", "price", "Quality"], ["Vee", "A", 100, 2], ["Vee", "B", 100, 2],
                 ["Vee", "ALL", 150, 5], ["Wex", "A", 120, 3], ["Wex", "B", 90, 3]],
        "Components": [["component", "criticality", "switching_cost"], ["A", 3, 0], ["B", 3, 0]]})
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    upload(at, "bundle.xlsx", data)
    at.switch_page("app_pages/scenarios.py").run()
    front = next(df.value for df in at.dataframe if "Who" in df.value.columns)
    assert "Vee: bundle bid" in front["Who"].tolist()
    picks = next(s for s in at.selectbox if s.label == "Award")
    picks.select_index(front["Who"].tolist().index("Vee: bundle bid"))
    next(b for b in at.button if b.label == "Use it as the edited award").click().run()
    assert any("cannot be taken as the edited award" in w.value for w in at.warning)
    assert at.session_state["evaluation"].edited_award is None
