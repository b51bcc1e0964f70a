"""The Monitor page in Chromium: the bundled sample's performance workbook, the figures the
monitor computes, the review pack and the ratings as downloads, a bad book refused."""

from __future__ import annotations

import io

import docx
from openpyxl import load_workbook

from scoring.monitor import fee_at_risk, review
from scoring.performance import read_performance
from scoring.performance_template import build_performance, sample_rows
from scoring.workbook import read_path
from tests.e2e.conftest import ROOT, shot, wait_idle
from tests.e2e.test_tour import go, no_exception


def test_the_monitor_page_in_a_browser(browser, servers, tmp_path):
    bidset = read_path(str(ROOT / "data" / "sample_evaluation.xlsx")).bidset
    book = read_performance((ROOT / "data" / "sample_performance.xlsx").read_bytes(), bidset).book
    due = sum(m.credit for m in fee_at_risk(book))
    page = browser.new_context(viewport={"width": 1400, "height": 1500},
                               accept_downloads=True).new_page()
    page.goto(servers[0].url + "/")
    wait_idle(page)
    go(page, "Monitor")
    no_exception(page)
    page.get_by_text(f"{due:,.0f}", exact=True).wait_for()  # the credits due to date
    shot(page, "monitor-fee")

    with page.expect_download() as info:
        page.get_by_role("button", name="Review pack for 2026-12 (.xlsx)").click()
    info.value.save_as(tmp_path / "pack.xlsx")
    summary = {r[0]: r[1] for r in load_workbook(tmp_path / "pack.xlsx")["Summary"].iter_rows(
        values_only=True) if r[0]}
    assert summary["Credits to date (USD)"] == f"{review(book, '2026-12').credits_to_date:,.2f}"
    with page.expect_download() as info:
        page.get_by_role("button", name="Review pack for 2026-12 (.docx)").click()
    info.value.save_as(tmp_path / "pack.docx")
    text = " ".join(p.text for p in docx.Document(tmp_path / "pack.docx").paragraphs)
    assert "Decisions to take" in text

    for tab in ("KPIs and trends", "Registers"):
        page.get_by_role("tab", name=tab).click()
        wait_idle(page)
        no_exception(page)
        shot(page, "monitor-" + tab.split()[0].lower())
    page.get_by_role("tab", name="Annual ratings").click()
    wait_idle(page)
    for area in page.get_by_label("Narrative (required)").all():
        area.fill("Delivered the year's releases; two outages in Q3.")
        area.press("Control+Enter")
        wait_idle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Annual ratings 2026 (.docx)").click()
    info.value.save_as(tmp_path / "ratings.docx")
    headings = [p.text for p in docx.Document(tmp_path / "ratings.docx").paragraphs
                if p.style.name.startswith("Heading")]
    assert any(h.startswith("Bastion Security Group: ") for h in headings)

    rows = sample_rows()
    rows["actuals"] = [("2026-01", "Northwind Digital", "", "uptime_pct", 99.9), *rows["actuals"][1:]]
    bad = tmp_path / "bad-performance.xlsx"
    buf = io.BytesIO()
    build_performance(**rows).save(buf)
    bad.write_bytes(buf.getvalue())
    page.set_input_files('input[type="file"]', str(bad))
    wait_idle(page)
    page.get_by_text("has 1 problem").wait_for()
    body = page.locator('[data-testid="stApp"]').inner_text()
    assert "Actuals!C2" in body and "Northwind Digital holds 2: Application, Analytics" in body
    no_exception(page)
    shot(page, "monitor-refused")
