"""The decision document and the debriefing letters: reopened as Word files, and printed to PDF."""

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document

from scoring.documents import (
    DEBRIEF_MARKING,
    MARKING,
    DocumentContext,
    awarded,
    debrief_bundle,
    debrief_letter,
    decision_document,
    unsuccessful,
)
from scoring.evaluation import Evaluation, RobustnessOptions
from scoring.results import Results
from scoring.workbook import read_workbook
from tests.helpers import BIDS, basic

SECTIONS = ("1. Basis of the evaluation", "2. Evaluation by lot", "3. Award scenarios",
            "4. Record checks still open", "5. Trade-off analysis and decision", "6. Signature")


AWARD = {"Infrastructure": "Cascade Cloud Services", "Application": "Keystone Systems",
         "Analytics": "Meridian Analytics", "Security": "Bastion Security Group"}


def _results(data: bytes, **parts) -> Results:  # type: ignore[no-untyped-def]
    bs = read_workbook(data).bidset
    assert bs is not None
    return Results(bs, Evaluation.of(bs, robustness=RobustnessOptions(draws=500), **parts))


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_the_decision_document_has_every_section_the_marking_and_selects_no_one(sample_bytes):
    res = _results(sample_bytes)
    data = decision_document(res, DocumentContext("Tax system", "version 2", "1 December 2026"))
    doc = Document(io.BytesIO(data))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading 1")]
    assert headings == list(SECTIONS)
    for section in doc.sections:
        assert section.header.paragraphs[0].text == MARKING
        assert section.footer.paragraphs[0].text.startswith(MARKING)
    text = _text(data)
    assert "Evaluation: Tax system. Version: version 2. Prepared 1 December 2026." in text
    assert res.workbook.sha256 in text
    # per lot: the ratings, the findings with their references, the prices, the robustness
    assert "No transition-out plan submitted, which the RFP requires (section L.4.6) " \
           "[Vol. II, section 6 (absent)] (C. Okafor)" in text
    assert "USD 1,480,000" in text
    assert re.search(r"Cascade Cloud Services is first in \d+% of 500 plausible weightings", text)
    assert re.search(r"in \d+% of panels drawn again from the evaluators. own scores", text)
    assert "stays first unless the" in text
    assert "3 open points" in text  # the record checks still open
    assert "Source selection authority: ____" in text
    # it states the record; the authority decides
    assert "it does not select a source" in text
    assert not re.search(r"\b(selected|recommend\w*|we select|the tool selects)\b", text, re.I)


def test_no_debrief_is_drafted_until_the_award_is_stated_when_bundles_compete(sample_bytes):
    # lot bids and bundle bids compete for the components: the ranking alone names no award
    assert awarded(_results(sample_bytes)) is None and unsuccessful(_results(sample_bytes)) == []
    # one lot, no components: the lot's single highest-ranked bid is the one compared with
    res = _results(basic())
    assert unsuccessful(res) == [("Alpha", ""), ("Bravo", ""), ("Delta", "")]


def test_a_debrief_holds_the_bidder_s_own_record_and_nothing_of_any_other_bidder(sample_bytes):
    # the award chosen by hand: Keystone (ranked second) wins Application
    res = _results(sample_bytes, edited_award=AWARD)
    names = set(res.workbook.vendor_names)
    letters = unsuccessful(res)
    assert len(letters) == 10  # 14 bids, 4 awarded; both bundle bids are left out
    assert ("Northwind Digital", "Application") in letters  # ranked first, not awarded
    assert ("Keystone Systems", "Application") not in letters
    assert ("Keystone Systems", "ALL") in letters
    for vendor, lot in letters:
        data = debrief_letter(res, vendor, lot)
        text = _text(data)
        assert vendor in text
        assert not [n for n in names - {vendor} if n in text], (vendor, lot)
        others = [f.text for f in res.workbook.findings if (f.vendor, f.lot) != (vendor, lot)]
        assert not [t for t in others if t in text]
        if lot != "ALL":
            winner = awarded(res)[lot]
            assert f"USD {winner.price:,.0f}" in text  # the successful bid's price, unnamed
        else:
            assert "The components were awarded separately, for a total evaluated price" in text
        doc = Document(io.BytesIO(data))
        assert all(s.header.paragraphs[0].text == DEBRIEF_MARKING for s in doc.sections)
    deficiency = _text(debrief_letter(res, "Summit Integrators", "Application"))
    assert "[The contracting officer completes the reasons" in deficiency
    assert "No transition-out plan submitted" in deficiency and "(C. Okafor)" not in deficiency
    northwind = _text(debrief_letter(res, "Northwind Digital", "Application"))
    assert "the successful bid's better overall score" not in northwind  # it scored higher
    assert "USD 2,640,000" in northwind  # Keystone's price: the successful bid, unnamed
    with zipfile.ZipFile(io.BytesIO(debrief_bundle(res))) as z:
        assert len(z.namelist()) == len(letters)
        assert z.namelist()[0] == "01-debrief-summit-integrators-infrastructure.docx"


def test_names_that_look_like_formulas_are_written_as_the_bidder_wrote_them():
    hostile = '=HYPERLINK("http://x.test","Alpha")'
    bids = [list(BIDS[0]), [hostile, "", 100_000, 4, 3], *[list(r) for r in BIDS[2:]]]
    from tests.scoring.test_report import as_text

    res = _results(as_text(basic(Bids=bids), "Bids", "A2"))
    assert hostile in _text(decision_document(res))
    letters = [v for v, _ in unsuccessful(res)]
    assert hostile in letters
    assert hostile in _text(debrief_letter(res, hostile, ""))


def _soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("REQUIRE_OFFICE"):
        pytest.fail("LibreOffice is required here (REQUIRE_OFFICE is set) but not installed")
    return found


def to_pdf(path: Path) -> Path:
    """Print a document with LibreOffice headless, as a reader's office suite would."""
    soffice = _soffice()
    if soffice is None:
        pytest.skip("LibreOffice is not installed (Debian: libreoffice-writer-nogui)")
    profile = path.parent / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--norestore", "--convert-to", "pdf", "--outdir", str(path.parent), str(path)],
                   check=True, capture_output=True, timeout=240)
    out = path.with_suffix(".pdf")
    assert out.exists(), "LibreOffice wrote no PDF"
    return out


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each printed page."""
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    return [subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"],
                           check=True, capture_output=True, text=True).stdout
            for i in range(1, pages + 1)]


@pytest.mark.slow
def test_the_decision_document_prints_with_the_marking_on_every_page(sample_bytes, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    res = _results(sample_bytes)
    path = tmp_path / "decision.docx"
    path.write_bytes(decision_document(res))
    pages = pdf_pages(to_pdf(path))
    assert 3 <= len(pages) <= 12
    for number, page in enumerate(pages, start=1):
        flat = " ".join(page.split())
        assert flat.count(MARKING) >= 2, f"page {number} lacks the marking in its header and footer"
        assert f"page {number} of {len(pages)}" in flat
    assert "Signature" in pages[-1]
    letter = tmp_path / "debrief.docx"
    letter.write_bytes(debrief_letter(_results(sample_bytes, edited_award=AWARD),
                                      "Summit Integrators", "Application"))
    printed = pdf_pages(to_pdf(letter))
    assert all(DEBRIEF_MARKING in " ".join(p.split()) for p in printed)


def test_control_characters_in_free_text_never_stop_a_document(sample_bytes):
    res = _results(sample_bytes)
    data = decision_document(res, DocumentContext("Tender\x01A\x1b", "v\x0c1"))
    assert "Tender\ufffdA\ufffd" in _text(data)


def test_vikor_letters_say_lower_is_better():
    bs = read_workbook(basic()).bidset
    from scoring.evaluation import Scoring

    res = Results(bs, Evaluation.of(bs, Scoring.of(bs, method="vikor")))
    vendor, lot = unsuccessful(res)[0]
    assert "lower is better" in _text(debrief_letter(res, vendor, lot))
    assert "lower is better" in _text(decision_document(res))


def test_ratings_in_words_show_with_their_values_in_the_documents_and_the_report():
    from openpyxl import load_workbook

    from scoring.report import build_report
    from tests.scoring.test_workbook import RATED, RATINGS

    bids = [list(BIDS[0]), ["Alpha", "", 100_000, "Good", 3], ["Bravo", "", 80_000, "Outstanding", 4],
            ["Charlie", "", 120_000, "Acceptable", 5]]
    res = _results(basic(Criteria=RATED, Ratings=RATINGS, Bids=bids))
    text = _text(decision_document(res))
    assert "Good (4)" in text and "Outstanding (5)" in text
    assert "Outstanding 5, Good 4, Acceptable 3, Marginal 2, Unacceptable 0" in text  # the scale
    vendor, lot = next(x for x in unsuccessful(res) if x[0] == "Alpha")
    assert "Good (4)" in _text(debrief_letter(res, vendor, lot))
    wb = load_workbook(io.BytesIO(build_report(res)))
    assert "Good (4)" in [c for row in wb["Scores"].iter_rows(values_only=True) for c in row]


def test_findings_and_narratives_entered_in_the_app_reach_the_documents_and_the_report(
        sample_bytes):
    from scoring.evaluation import PanelRecord
    from scoring.model import Finding
    from scoring.panel import Narrative
    from scoring.report import build_report

    mine = Finding("Northwind Digital", "Application", "Technical approach", "weakness",
                   "Test automation covers a third of the screens", "Vol. II, p. 31", "B. Chen",
                   entry=41)
    theirs = Finding("Keystone Systems", "Application", "Technical approach", "strength",
                     "Automated regression suite for every release", "Vol. I, p. 12", "B. Chen",
                     entry=42)
    narrative = Narrative("Northwind Digital", "Application", "Technical approach",
                          "The panel agreed the plan meets the requirement with one weakness",
                          "chair")
    res = _results(sample_bytes, edited_award=AWARD,
                   panel=PanelRecord(findings=(mine, theirs), narratives=(narrative,)))
    ssdd = _text(decision_document(res))
    assert mine.text in ssdd and theirs.text in ssdd and narrative.text in ssdd
    letter = _text(debrief_letter(res, "Northwind Digital", "Application"))
    assert mine.text in letter and theirs.text not in letter
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(build_report(res)))
    rows = [r for r in wb["Findings"].iter_rows(values_only=True)]
    entered = next(r for r in rows if r[4] == mine.text)
    assert entered[7] == "Panel page, #41"
    assert any(narrative.text in r for r in wb["Narratives"].iter_rows(values_only=True))


def test_the_agency_s_labels_for_kinds_of_finding_are_used_in_every_output():
    from openpyxl import load_workbook

    from scoring.report import build_report

    head = ["evaluator", "vendor", "lot", "criterion", "kind", "text", "reference"]
    kinds = [["kind", "label"], ["deficiency", "Major non-compliance"]]
    findings = [head, ["R. Diaz", "Bravo", "", "Technical", "Major non-compliance",
                       "No exit plan", "Vol. II"]]
    res = _results(basic(Findings=findings, **{"Finding kinds": kinds}))
    assert "Major non-compliance" in _text(decision_document(res))
    rows = list(load_workbook(io.BytesIO(build_report(res)))["Findings"].iter_rows(values_only=True))
    assert next(r for r in rows if r[4] == "No exit plan")[3] == "Major non-compliance"
    # the record checks still know it for a deficiency
    assert any(k.kind == "deficiency_eligible" for k in res.record)
