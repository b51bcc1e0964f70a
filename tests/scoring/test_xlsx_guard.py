import io
import re
import zipfile

import pytest

from scoring.workbook import read_workbook
from scoring.xlsx_guard import MAX_ENTRIES, WorkbookRefused, inspect_xlsx
from tests.helpers import basic, rewrite_part

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def refused(data: bytes, where: str = "Workbook") -> str:
    result = read_workbook(data)
    assert result.bidset is None
    assert len(result.problems) == 1, "a refused file gets one clear message"
    problem = result.problems[0]
    assert str(problem.location) == where
    return str(problem)


def zip_of(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in entries.items():
            zf.writestr(name, body)
    return buf.getvalue()


def test_empty_file():
    assert "empty" in refused(b"")


def test_csv_renamed_to_xlsx():
    assert "CSV" in refused(b"vendor,price\nAlpha,100\n")


def test_random_bytes():
    assert "not an Excel workbook" in refused(bytes(range(256)) * 4)


def test_old_xls():
    assert ".xls" in refused(OLE + b"\x00" * 600)


def test_encrypted_workbook():
    body = OLE + b"\x00" * 100 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 100
    assert "password-protected" in refused(body)


def test_truncated_zip():
    data = basic()
    assert "damaged" in refused(data[: len(data) // 2])


def test_zip_that_is_not_a_workbook():
    assert "not an Excel workbook" in refused(zip_of({"word/document.xml": b"<w/>"}))


def test_ods_and_xlsb():
    assert ".ods" in refused(zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                                     "content.xml": b"<x/>"}))
    assert ".xlsb" in refused(zip_of({"xl/workbook.bin": b"\x00"}))


def test_too_many_entries():
    entries = {f"xl/media/{i}.bin": b"" for i in range(MAX_ENTRIES + 1)}
    assert "zip bomb" in refused(zip_of(entries))


def test_too_large_uncompressed():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        with zf.open("xl/media/big.bin", "w", force_zip64=True) as fh:
            chunk = b"\x00" * (1 << 20)
            for _ in range(101):
                fh.write(chunk)
    assert "zip bomb" in refused(buf.getvalue())


def test_extreme_compression_ratio():
    entries = {"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet9.xml": b" " * (20 << 20)}
    assert "compresses more than" in refused(zip_of(entries))


def test_dtd_in_any_part_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><worksheet/>'
    data = rewrite_part(basic(), "xl/worksheets/sheet1.xml", lambda _: bomb)
    assert "DTD" in refused(data)
    data = rewrite_part(basic(), "docProps/core.xml", lambda x: b"<!DOCTYPE x>" + x)
    assert "DTD" in refused(data)


def test_inspect_reports_sheets_and_hidden_state():
    data = rewrite_part(basic(), "xl/workbook.xml",
                        lambda x: x.replace(b'sheetId="2" state="visible"', b'sheetId="2" state="hidden"'))
    info = inspect_xlsx(data)
    assert [s.name for s in info.sheets] == ["Criteria", "Bids"]
    assert info.sheet("Bids").hidden and not info.sheet("Criteria").hidden
    assert info.sheet("Bids").part == "xl/worksheets/sheet2.xml"
    result = read_workbook(data)
    assert result.ok and any("hidden" in str(n) for n in result.notes)


def test_macro_workbook_is_read_without_running_macros():
    buf = io.BytesIO()
    src = zipfile.ZipFile(io.BytesIO(basic()))
    with zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr("xl/vbaProject.bin", b"\x00macro")
    result = read_workbook(buf.getvalue())
    assert result.ok and any("macros" in str(n) for n in result.notes)


def test_guard_raises_on_bad_input_directly():
    with pytest.raises(WorkbookRefused):
        inspect_xlsx(b"nope")


def test_dtd_in_a_utf16_part_is_refused():
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'.encode("utf-16")
    data = rewrite_part(basic(), "docProps/core.xml", lambda _: xml)
    assert "DTD" in refused(data)


def test_too_many_rows_or_columns_are_refused():
    from tests.helpers import workbook_bytes

    rows = [["vendor", "price"]] + [[f"V{i}", 1] for i in range(20_001)]
    assert "rows" in refused(workbook_bytes({"Criteria": [["criterion"]], "Bids": rows}), "Bids")
    wide = [[f"c{i}" for i in range(301)]]
    assert "columns" in refused(workbook_bytes({"Criteria": wide}), "Criteria")


def test_limits_come_from_the_environment_and_bad_values_are_ignored(caplog):
    from scoring.xlsx_guard import Limits

    limits = Limits.from_env({"SSW_MAX_ROWS": "5,000", "SSW_MAX_COLUMNS": "abc",
                              "SSW_MAX_UNCOMPRESSED_MB": "-3", "SSW_MAX_ZIP_ENTRIES": " 50 ",
                              "SSW_MAX_COMPRESSION_RATIO": "\u0665"})  # an Arabic-Indic digit
    assert limits == Limits(rows=5_000, zip_entries=50)
    for name in ("SSW_MAX_COLUMNS", "SSW_MAX_UNCOMPRESSED_MB", "SSW_MAX_COMPRESSION_RATIO"):
        assert name in caplog.text
    assert "SSW_MAX_ROWS" not in caplog.text and "SSW_MAX_ZIP_ENTRIES" not in caplog.text
    assert Limits.from_env({"SSW_MAX_ROWS": "+7"}) == Limits()


def test_configured_limits_apply_to_uploads(monkeypatch):
    """A deployment that allows fewer rows refuses the bundled sample's Bids sheet."""
    data = basic()
    assert read_workbook(data).bidset is not None
    monkeypatch.setenv("SSW_MAX_ROWS", "3")
    message = refused(data, "Criteria")
    assert "more than the 3 rows a bid workbook may have" in message
    monkeypatch.setenv("SSW_MAX_ROWS", "20000")
    monkeypatch.setenv("SSW_MAX_ZIP_ENTRIES", "4")
    assert "more than the 4 a workbook may have" in refused(data)


def test_the_1904_date_system_is_noted():
    data = rewrite_part(basic(), "xl/workbook.xml",
                        lambda x: x.replace(b"<workbookPr", b'<workbookPr date1904="1"', 1))
    assert inspect_xlsx(data).date1904
    result = read_workbook(data)
    assert result.ok and any("1904 date system" in str(n) for n in result.notes)
    assert not any("1904" in str(n) for n in read_workbook(basic()).notes)


def test_cell_and_text_limits_apply(monkeypatch):
    monkeypatch.setenv("SSW_MAX_CELLS", "10")
    assert "The workbook has more than 10 cells" in refused(basic(), "Criteria")
    monkeypatch.delenv("SSW_MAX_CELLS")
    monkeypatch.setenv("SSW_MAX_TEXT_MB", "1")  # a million characters
    long_text = rewrite_part(basic(), "xl/worksheets/sheet2.xml", lambda x: x.replace(
        b"<t>Alpha</t>", b"<t>" + b"A" * 600_000 + b"</t>").replace(
        b"<t>Bravo</t>", b"<t>" + b"B" * 600_000 + b"</t>"))
    assert "more than 1 million characters" in refused(long_text)


def test_a_shared_text_reference_that_does_not_exist_is_located():
    sst = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Alpha</t>'
           b"</si></sst>")
    data = rewrite_part(basic(), "xl/worksheets/sheet2.xml", lambda x: x.replace(
        b'<c r="A2" t="inlineStr"><is><t>Alpha</t></is></c>', b'<c r="A2" t="s"><v>7</v></c>'))
    from tests.scoring.test_hostile_memory import edit_zip

    result = read_workbook(edit_zip(data, {"xl/sharedStrings.xml": sst}))
    assert any(str(p.location) == "Bids!A2" and "shared text '7'" in str(p) for p in result.problems)


def _wide_rows_sheet(last: str) -> bytes:
    return (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            b'<row r="1"><c r="A1"><v>1</v></c></row><row r="%s"><c r="%s"><v>1</v></c></row>'
            b"</sheetData></worksheet>" % (last.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ").encode(), last.encode()))


def test_the_sheet_checked_is_the_sheet_the_parser_reads():
    from tests.scoring.test_hostile_memory import edit_zip

    base = basic()
    src = zipfile.ZipFile(io.BytesIO(base))
    workbook, rels = src.read("xl/workbook.xml"), src.read("xl/_rels/workbook.xml.rels")
    big = _wide_rows_sheet("B30000")
    assert b'r:id="rId2"' in workbook
    data = edit_zip(base, {"xl/worksheets/sheet2.xml": big})
    assert "row numbered 30,000" in refused(data, "Bids")
    # Decoy 'id' attributes, before or after the real one, with or without a prefix: refused.
    for decoy in (b'id="rId1" r:id="rId2"', b'r:id="rId1" x:id="rId2"', b'r:id="rId1" id="rId2"'):
        two_ids = workbook.replace(b'r:id="rId2"', decoy).replace(
            b"<workbook ", b'<workbook xmlns:x="urn:x" ', 1)
        assert "several different ids" in refused(edit_zip(base, {"xl/workbook.xml": two_ids}), "Bids")
    # Another prefix bound to the relationships namespace is read like r:id.
    other = workbook.replace(b'r:id="rId2"', b'rel:id="rId2"').replace(
        b"<workbook ", b'<workbook xmlns:rel="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships" ', 1)
    assert "row numbered 30,000" in refused(edit_zip(base, {"xl/workbook.xml": other,
                                                            "xl/worksheets/sheet2.xml": big}), "Bids")
    # Parts whose names differ only in case are refused: the parser ignores case.
    twin = edit_zip(base, {"xl/worksheets/SHEET2.xml": big})
    assert "two parts named" in refused(twin)
    # A target that only reaches its part through '..' is refused outright.
    dotdot = rels.replace(b"/xl/worksheets/sheet2.xml", b"worksheets/../worksheets/sheet2.xml")
    assert "unusual path" in refused(edit_zip(base, {"xl/_rels/workbook.xml.rels": dotdot}))


def test_shared_text_is_measured_where_the_parser_reads_it():
    """The rels may name another shared-strings part; the parser reads xl/sharedStrings.xml."""
    from tests.scoring.test_hostile_memory import edit_zip

    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rels = zipfile.ZipFile(io.BytesIO(basic())).read("xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>", b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings" Target="strings2.xml"/></Relationships>')
    cells = b"".join(b'<row r="%d"><c r="H%d" t="s"><v>0</v></c></row>' % (r, r) for r in range(5, 305))
    data = edit_zip(basic(), {
        "xl/_rels/workbook.xml.rels": rels,
        "xl/strings2.xml": b"<sst " + ns + b"><si><t>ok</t></si></sst>",
        "xl/sharedStrings.xml": b"<sst " + ns + b"><si><t>" + b"A" * 1_000_000 + b"</t></si></sst>",
        "xl/worksheets/sheet1.xml": b"<worksheet " + ns + b"><sheetData>" + cells
                                    + b"</sheetData></worksheet>"})
    assert "million characters" in refused(data)


def test_the_cells_sheets_span_count_across_the_workbook(monkeypatch):
    from tests.scoring.test_hostile_memory import edit_zip

    far = _wide_rows_sheet("KN20000")  # two cells spanning 20,000 rows x 300 columns
    data = edit_zip(basic(), {"xl/worksheets/sheet1.xml": far})
    assert "span more than 1,000,000 cells" in refused(data, "Criteria")


SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">%s</sst>'


def test_shared_text_is_limited_in_entries_and_characters_even_unused(monkeypatch):
    from tests.scoring.test_hostile_memory import edit_zip

    many = edit_zip(basic(), {"xl/sharedStrings.xml": SST % (b"<si><t>x</t></si>" * 50)})
    monkeypatch.setenv("SSW_MAX_CELLS", "40")
    assert "shared text has more than 40 entries" in refused(many)
    monkeypatch.delenv("SSW_MAX_CELLS")
    monkeypatch.setenv("SSW_MAX_TEXT_MB", "1")
    big = edit_zip(basic(), {"xl/sharedStrings.xml": SST % (b"<si><t>" + b"x" * 1_200_000 + b"</t></si>")})
    assert "shared text holds more than 1 million characters" in refused(big)


def test_rows_without_a_number_follow_the_last_numbered_row():
    from tests.scoring.test_hostile_memory import _cells, edit_zip

    rows = b'<row r="19998"><c r="A19998"><v>1</v></c></row>' + b"<row><c><v>1</v></c></row>" * 5
    data = edit_zip(basic(), {"xl/worksheets/sheet1.xml": _cells(rows)})
    assert "row numbered 20,001" in refused(data, "Criteria")


def test_a_damaged_number_in_a_used_cell_is_located():
    data = rewrite_part(basic(), "xl/worksheets/sheet2.xml", lambda x: x.replace(
        b'<c r="C3" t="n"><v>80000</v></c>', b'<c r="C3" t="n"><v>NaN</v></c>'))
    problems = read_workbook(data).problems
    assert [str(p.location) for p in problems] == ["Bids!C3"] and "'NaN'" in str(problems[0])


def test_a_formula_that_returns_empty_text_has_a_saved_value():
    """LibreOffice and Excel save =IF(...,"",...) in the lot column as <v></v>: a value, not a
    formula left uncomputed."""
    # openpyxl writes the empty cell as <c .../> or, with lxml installed, <c ...></c>
    data = rewrite_part(basic(), "xl/worksheets/sheet2.xml", lambda x: re.sub(
        rb'<c r="B2" t="inlineStr"\s*(/>|></c>)', b'<c r="B2" t="str"><f>IF(1,"",1)</f><v></v></c>', x))
    assert b'IF(1,' in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet2.xml")
    assert read_workbook(data).ok


def test_external_links_and_embedded_objects_are_noted():
    from tests.scoring.test_hostile_memory import edit_zip

    data = edit_zip(basic(), {"xl/externalLinks/externalLink1.xml": b"<externalLink/>",
                              "xl/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0 object"})
    info = inspect_xlsx(data)
    assert any("links to other workbooks" in n for n in info.notes)
    assert any("embeds objects" in n for n in info.notes)
