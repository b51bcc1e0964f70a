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


def test_uniform_weights_and_lots(page):
    labelled(page.radio, "Weights drawn").set_value("uniform").run()
    assert not page.exception
    for lot in ("Application", "Security", "ALL"):
        labelled(page.radio, "Lot").set_value(lot).run()
        assert not page.exception
    assert any("unchanged" in s.value for s in page.success) or page.dataframe


def test_sweep_criterion_can_be_changed(page):
    labelled(page.selectbox, "Criterion to sweep").set_value(4).run()
    assert not page.exception
