"""The monthly review pack (Excel and Word) and the annual ratings document: the same figures
as the monitor's, the decisions the month calls for, and a narrative required per vendor."""

import io

import docx
import pytest
from openpyxl import load_workbook

from scoring.monitor import fee_at_risk, ratings, review
from scoring.performance import read_performance
from scoring.review_pack import (
    MARKING,
    NarrativeMissing,
    ratings_document,
    review_document,
    review_workbook,
)
from scoring.workbook import read_path
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def book():  # type: ignore[no-untyped-def]
    bidset = read_path(str(ROOT / "data" / "sample_evaluation.xlsx")).bidset
    return read_performance((ROOT / "data" / "sample_performance.xlsx").read_bytes(), bidset).book


def test_the_month_s_review_holds_its_figures_and_decisions(book):
    r = review(book, "2026-09")
    assert r.credits_to_date == pytest.approx(sum(m.credit for m in fee_at_risk(book)
                                                  if m.month <= "2026-09"))
    missed = {(k.vendor, k.name) for k, _, met in r.status if met is False}
    assert missed == {("Cascade Cloud Services", "uptime_pct"),
                      ("Cascade Cloud Services", "incident_response_minutes"),
                      ("Northwind Digital", "median_days_to_refund")}  # the OKR: 12 days, target 10
    assert any("Cascade Cloud Services' credits for 2026-09 reached the whole amount at risk" in d
               for d in r.decisions)
    assert any(d.startswith("Cascade Cloud Services missed the critical KPI uptime_pct")
               for d in r.decisions)
    assert [x.risk for x in r.stale] == ["Cloud region concentration",
                                         "Budget cut in the next appropriation"]


def test_the_excel_and_word_packs_agree(book):
    wb = load_workbook(io.BytesIO(review_workbook(book, "2026-09", "Tax system")))
    assert wb.sheetnames == ["Summary", "KPI status", "Credits", "Flags", "Incidents",
                             "Top risks", "Tech debt", "OKR progress", "Ratings"]
    rows = list(wb["Ratings"].iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "Vendor")
    assert "UK Procurement Act rating" in header and "CPARS suggested" in header
    assert wb["Summary"]["A1"].value == MARKING
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if r[0]}
    r = review(book, "2026-09")
    assert summary["Credits to date (USD)"] == f"{r.credits_to_date:,.2f}"
    text = " ".join(p.text for p in docx.Document(io.BytesIO(review_document(book, "2026-09")))
                    .paragraphs)
    assert f"to date {r.credits_to_date:,.2f} USD" in text
    for decision in r.decisions:
        assert decision in text


def test_the_ratings_need_a_narrative_for_every_vendor(book):
    with pytest.raises(NarrativeMissing, match="Bastion Security Group"):
        ratings_document(book, "2026", {"Cascade Cloud Services": "x", "Northwind Digital": "y"})
    found = {v.vendor: v.cpars for v in ratings(book, "2026")}
    narratives = {v: f"{v} delivered." for v in found}
    text = [p.text for p in docx.Document(io.BytesIO(ratings_document(
        book, "2026", narratives, {"Northwind Digital": "Marginal"}))).paragraphs]
    assert f"Cascade Cloud Services: {found['Cascade Cloud Services']}" in text
    assert "Northwind Digital: Marginal" in text
    assert f"Suggested from the KPIs: {found['Northwind Digital']}; the assessing official rates " \
           "Marginal." in text
    assert "Bastion Security Group delivered." in text
