import io

import pytest
from openpyxl import load_workbook

from scoring.evaluation import Evaluation, RobustnessOptions, Scoring
from scoring.report import MARKING, ReportContext, build_report, safe
from scoring.results import Results
from scoring.workbook import read_workbook
from tests.helpers import BIDS, basic


def as_text(data: bytes, sheet: str, ref: str) -> bytes:
    """openpyxl writes text starting with = as a formula: store that cell as plain text."""
    wb = load_workbook(io.BytesIO(data))
    cell = wb[sheet][ref]
    cell.value, cell.data_type = str(cell.value), "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def open_report(data: bytes):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(data))


def report(bs, *, draws: int, workbook: bytes | None = None, **choices) -> bytes:  # type: ignore[no-untyped-def]
    ev = Evaluation.of(bs, Scoring.of(bs, **choices), robustness=RobustnessOptions(draws=draws))
    return build_report(Results(bs, ev), ReportContext(workbook_bytes=workbook))


def test_report_has_every_sheet_marked_and_the_ranking(sample_bytes):
    bs = read_workbook(sample_bytes).bidset
    wb = open_report(report(bs, method="wsm", workbook=sample_bytes, draws=500))
    assert wb.sheetnames == ["Summary", "Delivery strategy", "Scores", "Findings", "Narratives",
                             "Rationales", "Record checks", "Robustness", "Scenarios", "Compliance",
                             "Audit log", "Inputs", "Evaluation"]
    for ws in wb:
        assert ws["A1"].value == MARKING and MARKING in ws.oddHeader.center.text
    summary = [[c for c in row if c is not None] for row in wb["Summary"].iter_rows(values_only=True)]
    flat = [v for row in summary for v in row]
    assert bs.sha256 in flat and "Weighted sum (WSM)" in flat
    assert any("does not select the winner" in str(v) for v in flat)
    infra = [r for r in summary if "Cascade Cloud Services" in r and "Infrastructure" in r]
    assert infra[0][:3] == ["Infrastructure", 1, "Cascade Cloud Services"]
    assert any(v == "streamlit" for v in flat)  # package versions recorded
    bars = [r for rules in wb["Robustness"].conditional_formatting for r in rules.rules]
    assert any(r.type == "dataBar" for r in bars), "data bars of the win probabilities"
    assert wb["Scenarios"]._charts, "a native Excel chart of total cost"
    header = next(r for r in wb["Scenarios"].iter_rows(values_only=True) if r[0] == "Figure")
    assert header[1:4] == ("Monolithic", "Modular", "Optimized")


def text_cells(wb):  # type: ignore[no-untyped-def]
    """Every text cell's value, asserting on the way that no cell of the report is a formula."""
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    yield cell.value


def test_no_formula_ever_comes_from_input():
    hostile = '=HYPERLINK("http://evil.example","click")'
    bids = [list(BIDS[0]), [hostile, "", 100, 4, 3], ["+cmd", "", 90, 3, 4], ["@SUM(A1)", "", 95, 4, 4],
            ["-2+3", "", 99, 3, 3]]
    data = as_text(basic(Bids=bids), "Bids", "A2")
    bs = read_workbook(data).bidset
    wb = open_report(report(bs, workbook=data, draws=200))
    # the name exactly as the bidder wrote it, in a text cell with Excel's quote prefix: never
    # a formula, and never an apostrophe added to the value
    found = [c for ws in wb for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert found and all(c.value.startswith("=HYPERLINK") for c in found)
    assert all(c.data_type == "s" and c.quotePrefix for c in found)
    assert safe("\tx") == "\tx" and safe("ok") == "ok" and safe(5) == 5
    import zipfile

    with zipfile.ZipFile(io.BytesIO(report(bs, workbook=data, draws=200))) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any(b"<f>" in x or b"<f " in x for x in sheets)


def test_single_lot_workbook_without_components_still_reports():
    data = basic()
    wb = open_report(report(read_workbook(data).bidset, draws=100))
    texts = [c for row in wb["Scenarios"].iter_rows(values_only=True) for c in row if c]
    assert any("Components sheet" in str(t) for t in texts)


def test_criterion_and_evaluator_names_never_become_formulas_in_headers():
    crit = "=cmd|'/C calc'!A0"
    who = '=HYPERLINK("http://evil.example","x")'
    criteria = [["criterion", "weight", "direction", "scale_min", "scale_max"], [crit, 50, "max", 0, 5],
                ["Price", 50, "min", None, None]]
    bids = [["vendor", "lot", "price", crit], ["Alpha", "", 100, 4], ["Bravo", "", 90, 3]]
    scores = [["evaluator", "vendor", "criterion", "score", "rationale"], [who, "Alpha", crit, 3, "ok"],
              ["Ann", "Alpha", crit, 5, "good"]]
    data = basic(Criteria=criteria, Bids=bids, Scores=scores)
    for sheet, ref in (("Criteria", "A2"), ("Bids", "D1"), ("Scores", "A2"), ("Scores", "C2"),
                       ("Scores", "C3")):
        data = as_text(data, sheet, ref)
    bs = read_workbook(data).bidset
    assert bs is not None and bs.criteria[0].name == crit
    wb = open_report(report(bs, workbook=data, draws=100))
    headers = []
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@")):
                    assert c.data_type == "s" and c.quotePrefix, (ws.title, c.coordinate)
                    headers.append(c.value)
    assert any("cmd|" in h for h in headers) and any("HYPERLINK" in h for h in headers)


def test_control_characters_in_any_input_never_stop_the_report(tmp_path):
    """A cell no report may hold (Excel's _x0001_ escape in a sheet the app does not use, or a
    reason pasted with a vertical tab) is shown as the replacement character, not a failure."""
    from scoring.audit import audit_rows
    from scoring.store import Store
    from tests.helpers import rewrite_part

    data = rewrite_part(basic(Notes=[["note"], ["PLACEHOLDER"]]), "xl/worksheets/sheet3.xml",
                        lambda b: b.replace(b"PLACEHOLDER", b"_x0001_ bell"))
    bs = read_workbook(data).bidset
    assert bs is not None
    store = Store(f"sqlite:///{tmp_path / 'r.db'}")
    v = store.create("Ctl\x07", data, "s.xlsx", Evaluation.of(bs), author="chair",
                     reason="pasted from a PDF\x0b page 2")
    assert v.reason == "pasted from a PDF  page 2", "the record keeps no control character"
    rows = audit_rows(store.audit(v.evaluation_id))
    wb = open_report(build_report(Results(bs, Evaluation.of(bs)),
                                  ReportContext(audit=rows, workbook_bytes=data)))
    texts = [c for ws in wb for row in ws.iter_rows(values_only=True) for c in row
             if isinstance(c, str)]
    assert "\ufffd bell" in texts
    assert safe("a\x00b") == "a\ufffdb"


def test_report_carries_findings_rationales_and_the_record_checks(sample_bytes):
    bs = read_workbook(sample_bytes).bidset
    wb = open_report(report(bs, draws=200))
    findings = [r for r in wb["Findings"].iter_rows(values_only=True)]
    deficiency = next(r for r in findings if r[3] == "deficiency")
    assert deficiency[:3] == ("Summit Integrators", "Application", "Exit and portability")
    assert deficiency[5] == "Vol. II, section 6 (absent)" and deficiency[6] == "C. Okafor"
    assert sum(1 for r in findings if r[3] in ("strength", "significant strength", "weakness",
                                               "significant weakness", "deficiency", "risk")) == 13
    rationales = [r for r in wb["Rationales"].iter_rows(values_only=True)]
    rationale = [r for r in rationales if r[0] == "A. Rivera" and r[5] == "Staffing plan is thin"]
    assert rationale and rationale[0][6].startswith("Scores sheet row")
    checks = [r for r in wb["Record checks"].iter_rows(values_only=True)]
    flat = [str(v) for r in checks for v in r if v is not None]
    assert any(v.startswith("3 open points") for v in flat)
    row = next(r for r in checks if r[0] == "Deficiency on a bid that is still ranked")
    assert row[1] == "Summit Integrators (Application) / Exit and portability"
    assert row[2] == "Findings!9:9"


def test_the_robustness_sheet_draws_the_evaluators_disagreement(sample_bytes):
    bs = read_workbook(sample_bytes).bidset
    rows = list(open_report(report(bs, draws=300))["Robustness"].iter_rows(values_only=True))
    header = next(r for r in rows if r[:3] == ("Lot", "Vendor", "Weights uncertain"))
    assert header[3:5] == ("Evaluators' scores uncertain", "Both")


def test_the_long_tables_repeat_their_header_row_on_every_printed_page(sample_bytes):
    bs = read_workbook(sample_bytes).bidset
    wb = open_report(report(bs, draws=200))
    for name, first in (("Findings", "Vendor"), ("Rationales", "Evaluator"),
                        ("Record checks", "Check")):
        ws = wb[name]
        header = next(r for r in range(1, 12) if ws.cell(r, 1).value == first)
        assert ws.print_title_rows == f"${header}:${header}", name


def _line_heights(pdf) -> list[float]:  # type: ignore[no-untyped-def]
    """Per printed page, the smallest text line height (pdftotext's word boxes: about 1.3 x the
    font size)."""
    import re
    import subprocess

    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    out = []
    for page in html.split("<page ")[1:]:
        heights = [float(b) - float(a) for a, b in
                   re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', page)]
        out.append(min(heights) if heights else float("inf"))
    return out


@pytest.mark.slow
def test_every_sheet_prints_one_page_wide_at_8_points_or_more(sample_bytes, tmp_path):
    """Printed with LibreOffice: every page's text is at least 8 pt; and forced to one page wide
    (LibreOffice shrinks a sheet that does not fit), it still is, so no sheet needs a second
    page across. Each sheet repeats the marking on every page."""
    import shutil

    from tests.scoring.test_documents import pdf_pages, to_pdf

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    bs = read_workbook(sample_bytes).bidset
    data = report(bs, workbook=sample_bytes, draws=300)
    path = tmp_path / "report.xlsx"
    path.write_bytes(data)
    forced = load_workbook(io.BytesIO(data))
    for ws in forced:
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    (tmp_path / "forced").mkdir()
    forced.save(tmp_path / "forced" / "report.xlsx")
    points = 8 * 1.3 * 0.98  # 8 pt, as pdftotext's line boxes measure it
    printed = to_pdf(path)
    heights = _line_heights(printed)
    assert 8 <= len(heights) <= 50
    assert min(heights) >= points, [round(h / 1.3, 1) for h in heights]
    fitted = _line_heights(to_pdf(tmp_path / "forced" / "report.xlsx"))
    assert min(fitted) >= points, [round(h / 1.3, 1) for h in fitted]
    for number, page in enumerate(pdf_pages(printed), start=1):
        assert MARKING.upper() in " ".join(page.split()).upper(), number


def test_the_weights_lock_and_a_change_after_it_stand_out_in_the_report_and_decision_document(
        sample_bytes):
    import docx

    from scoring.documents import DocumentContext, decision_document
    from scoring.report import ReportContext

    bidset = read_workbook(sample_bytes).bidset
    results = Results(bidset, Evaluation.of(bidset))
    lines = (("The weights were locked by ann on 2026-12-01 10:00 UTC (version 1).", False),
             ("Changed after the lock by ann (version 3): Price 30.0% to 40.0%. Reason: review.", True))
    report = load_workbook(io.BytesIO(build_report(results, ReportContext(weights_lock=lines))))
    cells = {c.value: c for row in report["Summary"].iter_rows() for c in row if c.value}
    assert "Weights locked" in cells
    changed, locked = cells[lines[1][0]], cells[lines[0][0]]
    assert changed.font.bold and changed.font.color.rgb.endswith("9C0006")
    assert not locked.font.bold
    paragraphs = docx.Document(io.BytesIO(decision_document(
        results, DocumentContext(weights_lock=lines)))).paragraphs
    para = next(p for p in paragraphs if p.text == lines[1][0])
    assert para.runs[0].bold and str(para.runs[0].font.color.rgb) == "9C0006"
    assert any(p.text == lines[0][0] and not p.runs[0].bold for p in paragraphs)
    plain = load_workbook(io.BytesIO(build_report(results)))  # no lock given: no section
    assert "Weights locked" not in {c.value for row in plain["Summary"].iter_rows() for c in row}
