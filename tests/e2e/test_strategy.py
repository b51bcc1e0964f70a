"""The Strategy page in Chromium: the sample's assessment, an answer typed in moving the
ranking, the three tabs drawn, and the bid template for the chosen model downloaded."""

from __future__ import annotations

from scoring.workbook import read_workbook
from tests.e2e.conftest import shot, wait_idle
from tests.e2e.test_tour import go, no_exception


def test_the_strategy_page_in_a_browser(browser, servers, tmp_path):
    page = browser.new_context(viewport={"width": 1400, "height": 1400},
                               accept_downloads=True).new_page()
    page.goto(servers[0].url + "/")
    wait_idle(page)
    go(page, "Strategy")
    no_exception(page)
    page.get_by_text("Modular contracts fits best").wait_for()
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 1
    shot(page, "strategy-fit")

    # a programme short of skills and of contract-management capacity: managed services
    for label, value in (("Answer: Capability gap", "5"), ("Answer: Governance capacity", "1"),
                         ("Answer: Risk transfer", "4")):
        box = page.get_by_label(label)
        box.fill(value)
        box.press("Enter")
        wait_idle(page)
    page.get_by_text("Managed services fits best").wait_for()
    no_exception(page)

    page.get_by_role("tab", name="Risk allocation").click()
    wait_idle(page)
    page.get_by_text("Each risk with its owner under").wait_for()
    page.locator('[data-testid="stDataFrame"] >> visible=true').first.wait_for()
    shot(page, "strategy-risks")
    page.get_by_role("tab", name="Value for money").click()
    wait_idle(page)
    page.get_by_text("simulated terms").first.wait_for()
    no_exception(page)
    shot(page, "strategy-vfm")

    with page.expect_download() as info:
        page.get_by_role("button", name="Bid workbook template for modular contracts").click()
    info.value.save_as(tmp_path / "template.xlsx")
    bidset = read_workbook((tmp_path / "template.xlsx").read_bytes()).bidset
    assert bidset is not None and bidset.strategy is not None
    assert {"Interface conformance", "Replaceability"} <= {c.name for c in bidset.criteria}
