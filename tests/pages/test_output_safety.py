"""Vendor names that look like markup or formulas are shown as text on every page."""

import io

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, charts
from tests.helpers import BIDS, basic

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example","x")'
PAGES = ["import_bids", "evaluate", "panel", "robustness", "scenarios", "compliance", "report"]


def hostile_workbook() -> bytes:
    bids = [list(BIDS[0]), [SCRIPT, "", 100, 4, 3], ["Bravo **bold** [x](http://e)", "", 90, 3, 4],
            ["FORMULA", "", 95, 5, 5]]
    wb = load_workbook(io.BytesIO(basic(Bids=bids)))
    cell = wb["Bids"]["A4"]
    cell.value, cell.data_type = FORMULA, "s"  # text, as a vendor typed it
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/import_bids.py").run()
    at.file_uploader[0].upload("hostile.xlsx", hostile_workbook(), XLSX).run()
    assert any("passed every check" in s.value for s in at.success)
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_hostile_names_as_text(app, page):
    app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception
    markdown = " ".join(str(m.value) for m in app.markdown)
    assert "<script>" not in markdown  # only ever escaped (\<script\>) where Markdown renders
    assert "**bold**" not in markdown and "](http://e)" not in markdown
    if page == "evaluate":  # charts carry names as data values, which Vega draws as text
        import pyarrow as pa

        drawn = {str(v) for chart in charts(app) if chart.proto.data.data
                 for column in pa.ipc.open_stream(chart.proto.data.data).read_all().columns
                 for v in column.to_pylist()}
        assert SCRIPT in drawn
    if page in ("evaluate", "robustness"):  # the winner is named in Markdown: escaped, no link
        assert '**\\=HYPERLINK\\("http\\:\u2060//evil\\.example","x"\\)**' in markdown
    if page in ("import_bids", "evaluate", "compliance"):  # tables show the names as plain data
        cells = {str(v) for df in app.dataframe for v in df.value.to_numpy().ravel()}
        assert SCRIPT in cells and "Bravo **bold** [x](http://e)" in cells


def test_no_page_allows_raw_html():
    for path in list((ROOT / "app_pages").glob("*.py")) + list((ROOT / "ui").glob("*.py")):
        assert "unsafe_allow_html" not in path.read_text(), path.name
