"""A user's tour in Chromium: upload, change a weight, switch method, every page, report, link."""

from __future__ import annotations

import re

from openpyxl import load_workbook

from tests.e2e.conftest import shot, wait_idle
from tests.helpers import basic

PAGES = ("Strategy", "Import", "Evaluate", "Panel", "Robustness", "Scenarios", "Compliance",
         "Report & share", "Monitor")


def go(page, title: str) -> None:  # type: ignore[no-untyped-def]
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    wait_idle(page)


def no_exception(page) -> None:  # type: ignore[no-untyped-def]
    assert page.locator('[data-testid="stException"]').count() == 0, page.url


def edit_points(page, row: int, value: str) -> None:  # type: ignore[no-untyped-def]
    """Type into the Points column (the editor's last) of a row of the weights editor (in the
    folded 'Weights' panel above the ranking: opened first)."""
    panel = page.locator(".st-key-ev_weights_panel").first
    if panel.locator('[data-testid="stDataFrame"]').count() == 0 or not panel.locator(
            '[data-testid="stDataFrame"]').first.is_visible():
        panel.locator("summary").click()  # opening it reruns the page, which draws the editor
        wait_idle(page)
    grid = panel.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    page.wait_for_timeout(500)  # the grid draws after the script run ends
    box = grid.bounding_box()
    x, y = box["x"] + box["width"] - 40, box["y"] + 35 * (row + 1) + 17
    active = "document.activeElement?.className ?? ''"
    for _ in range(5):
        page.mouse.click(x, y)  # select the cell (a click may open its editor at once)
        page.wait_for_timeout(200)
        if any(k in page.evaluate(active) for k in ("glide-cell", "gdg-input")):
            break
    if "gdg-input" not in page.evaluate(active):
        page.keyboard.press("Enter")  # open the editor
    page.wait_for_selector("input.gdg-input, textarea.gdg-input", timeout=5000)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(value)
    page.wait_for_timeout(300)  # let the editor take the text before committing it
    page.keyboard.press("Enter")
    wait_idle(page)



def save(page, name: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    go(page, "Report & share")
    if page.get_by_label("Evaluation name", exact=True).count():
        page.get_by_label("Evaluation name", exact=True).fill(name)
    page.get_by_label("Reason for this version", exact=True).fill(reason)
    page.get_by_role("button", name="Save", exact=True).click()
    wait_idle(page)
    page.get_by_text("Saved as evaluation").wait_for()


def test_tour_of_every_page(browser, servers, tmp_path):
    app = servers[0]
    workbook = tmp_path / "panel-bids.xlsx"
    workbook.write_bytes(basic())
    context = browser.new_context(viewport={"width": 1400, "height": 1500}, accept_downloads=True)
    page = context.new_page()
    page.goto(app.url + "/")
    wait_idle(page)
    save(page, "State tax system modernization", "Evaluation opened")
    for title in PAGES:  # the bundled sample, page by page (the README's screenshots)
        go(page, title)
        no_exception(page)
        shot(page, "sample-" + title.lower().replace(" & ", "-"))

    go(page, "Import")
    page.set_input_files('input[type="file"]', str(workbook))
    wait_idle(page)
    page.get_by_text("passed every check").wait_for()
    shot(page, "import")

    go(page, "Evaluate")
    page.get_by_text("Highest ranked in All bids: Charlie").wait_for()
    edit_points(page, 2, "200")  # Price (third criterion) now dominates the weights
    page.get_by_text(re.compile(r"Price 74\.1%")).wait_for()
    page.get_by_text("Highest ranked in All bids: Bravo").wait_for()
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Scoring method").click()
    page.get_by_role("option", name="VIKOR (compromise ranking, v = 0.5)", exact=True).click()
    wait_idle(page)
    page.get_by_text("Method: VIKOR").wait_for()
    shot(page, "evaluate")

    for title in PAGES:
        go(page, title)
        no_exception(page)
        shot(page, "upload-" + title.lower().replace(" & ", "-"))

    go(page, "Report & share")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the evaluation report (.xlsx)").click()
    saved = tmp_path / "report.xlsx"
    info.value.save_as(saved)
    report = load_workbook(saved)
    assert report.sheetnames[0] == "Summary"
    summary = [c for row in report["Summary"].iter_rows(values_only=True) for c in row if c]
    assert "VIKOR (compromise ranking, v = 0.5)" in summary

    save(page, "Tour", "Revised bids, price weighted up")
    link = re.sub(r"\s+", "", page.locator('[data-testid="stCode"]').filter(
        has_text="evaluation=").first.inner_text())
    fresh = browser.new_context(viewport={"width": 1400, "height": 1200}).new_page()
    fresh.goto(link)
    wait_idle(fresh)
    fresh.get_by_text("Method: VIKOR").wait_for()
    fresh.get_by_text("Highest ranked in All bids").wait_for()
    assert fresh.get_by_text(re.compile(r"Price 74\.1%")).count() == 1
    context.close()
