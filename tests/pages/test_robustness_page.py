"""AppTest of the Robustness page."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, charts


@pytest.fixture
def page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/robustness.py").run()
    assert not at.exception
    return at


def labelled(widgets, label):
    return next(w for w in widgets if w.label == label)


def test_says_who_wins_how_often_and_what_flips_it(page):
    text = " ".join(m.value for m in page.markdown)
    assert "**Cascade Cloud Services** ranks first" in text
    assert "Price** rises above" in text
    assert len(charts(page)) == 4  # heatmap, win bars, stability ranges, sweep


def test_uses_the_method_chosen_on_evaluate():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    labelled(at.selectbox, "Scoring method").select("vikor").run()
    at.switch_page("app_pages/robustness.py").run()
    assert not at.exception
    assert "**Summit Integrators** ranks first" in " ".join(m.value for m in at.markdown)
    assert "VIKOR" in " ".join(c.value for c in at.caption)


def _headline(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "ranks first" in m.value)


def test_uniform_weights_and_lots(page):
    from scoring.evaluation import Evaluation
    from scoring.results import results
    from scoring.workbook import read_workbook

    bs = read_workbook((ROOT / "data" / "sample_evaluation.xlsx").read_bytes()).bidset
    expected = results(bs, Evaluation.of(bs)).ranking  # each lot's winner, as Evaluate shows it
    stated = {}
    for lot in ("Application", "Security", "ALL"):
        labelled(page.radio, "Lot").set_value(lot).run()
        assert not page.exception
        stated[lot] = _headline(page)
        assert stated[lot].startswith(f"**{expected.winner(lot).vendor}** ranks first"), lot
    labelled(page.radio, "Weights drawn").set_value("uniform").run()
    uniform = {}
    for lot in ("Application", "Security", "ALL"):
        labelled(page.radio, "Lot").set_value(lot).run()
        uniform[lot] = _headline(page)
    # drawing with no preference spreads the wins: a close lot's share falls, a lot one bid
    # dominates on every criterion stays at 100 %
    assert uniform["Application"] != stated["Application"] and uniform["ALL"] != stated["ALL"]
    assert "**100.0%**" in uniform["Security"]


def test_sweep_criterion_can_be_changed(page):
    labelled(page.selectbox, "Criterion to sweep").set_value(4).run()
    assert not page.exception


GATED_CRITERIA = [["criterion", "weight", "direction", "scale_min", "scale_max", "min_acceptable"],
                  ["Technical", 50, "max", 0, 5, 3], ["Price", 50, "min", None, None, None]]


@pytest.mark.parametrize("method", ["topsis", "wsm", "wpm", "vikor"])
def test_every_page_explains_lots_where_every_bid_fails_a_gate_in_words(method):
    from tests.helpers import workbook_bytes
    from tests.pages.test_app import upload

    bids = [["vendor", "lot", "price", "Technical"], ["A", "L1", 100, 4], ["B", "L1", 120, 3.5],
            ["C", "L2", 100, 1], ["D", "L2", 90, 2], ["E", "L3", 50, 5]]
    comps = [["component", "criticality", "switching_cost"], ["L1", 3, 1000], ["L2", 3, 1000],
             ["L3", 2, 10]]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    upload(at, "gated.xlsx", workbook_bytes({"Criteria": GATED_CRITERIA, "Bids": bids,
                                             "Components": comps}))
    at.switch_page("app_pages/evaluate.py").run()
    labelled(at.selectbox, "Scoring method").select(method).run()
    for name in ("evaluate", "robustness", "scenarios", "compliance", "panel", "report"):
        at.switch_page(f"app_pages/{name}.py").run()
        assert not at.exception, (name, at.exception)
    at.switch_page("app_pages/robustness.py").run()
    assert labelled(at.radio, "Lot").options == ["L1", "L3"]
    assert any("Not tested, as no bid in them passes every threshold: L2" in c.value
               for c in at.caption)
    labelled(at.radio, "Lot").set_value("L3").run()
    assert any("**E** is the only eligible bid in this lot" in i.value for i in at.info)
    # every bid of the evaluation failing: said in words, nothing drawn
    single = [["vendor", "lot", "price", "Technical"], ["C", "", 100, 1], ["D", "", 90, 2]]
    upload(at, "all-gated.xlsx", workbook_bytes({"Criteria": GATED_CRITERIA, "Bids": single}))
    for name in ("evaluate", "robustness", "compliance", "panel", "report"):
        at.switch_page(f"app_pages/{name}.py").run()
        assert not at.exception, (name, at.exception)
    at.switch_page("app_pages/robustness.py").run()
    assert any("No lot has an eligible bid" in i.value for i in at.info) and not charts(at)


def test_the_evaluators_disagreement_is_drawn_beside_the_weights():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("app_pages/robustness.py").run()
    assert not at.exception
    table = next(df.value for df in at.dataframe if "Evaluators' scores uncertain" in df.value.columns)
    assert list(table.columns) == ["Vendor", "Weights uncertain", "Evaluators' scores uncertain",
                                   "Both"]
    for column in table.columns[1:]:
        assert table[column].sum() >= 0.999  # someone is first in every draw (ties: more)
    # the figures of the evaluation in use (the sample's), computed apart from the page
    from scoring.evaluation import Evaluation
    from scoring.results import Results
    from scoring.workbook import read_workbook

    bs = read_workbook((ROOT / "data" / "sample_evaluation.xlsx").read_bytes()).bidset
    res = Results(bs, Evaluation.of(bs))
    first = res.ranking.lots[0]
    expected = [row for row in res.robustness().first_chances() if row[0] == first]
    assert table["Vendor"].tolist() == [r[1] for r in expected]
    assert table["Evaluators' scores uncertain"].tolist() == pytest.approx([r[3] for r in expected])
    assert table["Both"].tolist() == pytest.approx([r[4] for r in expected])


def test_published_ranges_answer_yes_or_no_and_can_be_drawn_in():
    from scoring.results import Results
    from scoring.workbook import read_workbook
    from tests.helpers import basic
    from tests.pages.test_app import upload
    from tests.scoring.test_workbook import RANGED

    data = basic(Criteria=RANGED)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    upload(at, "ranged.xlsx", data)
    at.switch_page("app_pages/evaluate.py").run()
    labelled(at.selectbox, "Scoring method").select("wsm").run()
    at.switch_page("app_pages/robustness.py").run()
    assert not at.exception
    (check,) = Results(read_workbook(data).bidset, at.session_state["evaluation"]).robustness().ranges
    verdict = " ".join(x.value for x in [*at.success, *at.warning] if "published weight ranges" in x.value)
    assert ("**yes**" if check.holds else "**no**") in verdict
    assert check.exact is not None and ("exact" in verdict or check.counter[0] in verdict)
    table = next(df.value for df in at.dataframe if "Published range" in df.value.columns)
    assert list(table["Criterion"]) == ["Technical", "Management", "Price"]
    assert list(table["Published range"]) == ["40.0-60.0 %", "10.0-30.0 %", "30.0-40.0 %"]
    intervals = Results(read_workbook(data).bidset, at.session_state["evaluation"]).robustness(
        ).stability[""]
    for (crit, (lo, hi)), inside, (low, high) in zip(intervals.items(), table["Published range inside it"],
                                                    [(40, 60), (10, 30), (30, 40)], strict=True):
        assert inside == ("yes" if 100 * lo <= low and high <= 100 * hi else "no"), crit
    radio = at.radio(key="ev_rob_mode")
    assert "Inside the published ranges" in radio.options
    radio.set_value("ranges").run()
    assert not at.exception
    assert at.session_state["evaluation"].robustness.weights == "ranges"
    assert "weight draws" in _headline(at)


def test_the_ranges_option_is_offered_only_with_published_ranges(page):
    assert "Inside the published ranges" not in page.radio(key="ev_rob_mode").options
