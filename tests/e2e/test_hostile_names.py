"""In Chromium: vendor names that are markup stay text on every page and in chart tooltips."""

from __future__ import annotations

from tests.e2e.conftest import shot, wait_idle
from tests.helpers import BIDS, basic

MARKUP = '<img src=x onerror="window.__pwned=1">'
PAGES = ("Import", "Evaluate", "Panel", "Robustness", "Scenarios", "Compliance", "Report & share")


def go(page, title: str) -> None:  # type: ignore[no-untyped-def]
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    wait_idle(page)


def injected(page) -> bool:  # type: ignore[no-untyped-def]
    """Whether the markup ran or became an element anywhere in the page."""
    script = "() => window.__pwned === 1 || !!document.querySelector('img[src=x]')"
    return bool(page.evaluate(script))


def hover_until_tooltip(page, chart, text: str) -> str:  # type: ignore[no-untyped-def]
    """Move the mouse over a chart on a grid until Vega's tooltip shows ``text``."""
    box = chart.bounding_box()
    tooltip = page.locator("#vg-tooltip-element")
    for fy in (0.08, 0.16, 0.24, 0.32, 0.40):
        for fx in (0.40, 0.50, 0.60, 0.70):
            page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
            page.wait_for_timeout(120)
            if tooltip.count() and tooltip.is_visible() and text in tooltip.inner_text():
                return tooltip.inner_html()
    raise AssertionError(f"no tooltip showing {text!r}")


def open_with_first_vendor(browser, servers, tmp_path, vendor: str):  # type: ignore[no-untyped-def]
    """A new user's page with a workbook uploaded whose best bid is by ``vendor``."""
    workbook = tmp_path / "hostile.xlsx"
    workbook.write_bytes(basic(Bids=[list(BIDS[0]), [vendor, "", 100_000, 5, 5], *BIDS[2:]]))
    page = browser.new_context(viewport={"width": 1400, "height": 1300}).new_page()
    page.goto(servers[0].url + "/")
    wait_idle(page)
    go(page, "Import")
    page.set_input_files('input[type="file"]', str(workbook))
    wait_idle(page)
    page.get_by_text("passed every check").wait_for()
    return page


def test_markup_in_vendor_names_is_text_everywhere(browser, servers, tmp_path):
    page = open_with_first_vendor(browser, servers, tmp_path, MARKUP)  # the vendor ranks first

    go(page, "Evaluate")
    page.get_by_text(f"Highest ranked in All bids: {MARKUP}").wait_for()  # shown literally
    chart = page.locator('[data-testid="stVegaLiteChart"]').first  # contributions: one bar a vendor
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    html = hover_until_tooltip(page, chart, MARKUP)
    assert "<img" not in html and "&lt;img" in html  # escaped inside the tooltip's HTML
    shot(page, "hostile-tooltip")
    assert not injected(page)

    for title in PAGES:
        go(page, title)
        assert page.locator('[data-testid="stException"]').count() == 0, title
        assert not injected(page), title


LINKY = "Evil [click](http://evil.example/a) http://evil.example www.evil.example x@evil.example"


def test_names_with_links_or_urls_never_become_links_and_markup_currency_is_refused(
        browser, servers, tmp_path):
    page = open_with_first_vendor(browser, servers, tmp_path, LINKY)
    for title in PAGES:
        go(page, title)
        links = page.eval_on_selector_all('[data-testid="stMain"] a', "els => els.map(e => e.href)")
        assert not [h for h in links if "evil" in h], (title, links)
        images = page.eval_on_selector_all("img", "els => els.map(e => e.src)")
        assert not [s for s in images if "evil" in s], (title, images)
    beacon = tmp_path / "beacon.xlsx"
    beacon.write_bytes(basic(Settings=[["key", "value"],
                                       ["currency", "![x](http://evil.example/beacon.png)"]]))
    go(page, "Import")
    page.set_input_files('input[type="file"]', str(beacon))
    wait_idle(page)
    page.get_by_text("was not loaded").wait_for()
    assert page.get_by_text("setting currency").count() >= 1
    images = page.eval_on_selector_all("img", "els => els.map(e => e.src)")
    assert not [s for s in images if "evil" in s]
