"""Hostile workbooks are refused with bounded memory: the reader never unpacks what it refuses.

Peak Python memory is traced (``tracemalloc``) while each file of a generated corpus is read;
every one must come back as located problems, nothing loaded, well under the bound. The Excel
parser's own (Rust) allocations are not traced: that is why everything over a limit is refused
from the zip directory and a bounded scan of the XML, before the parser sees the file."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile

import pytest

from scoring.workbook import read_workbook
from tests.conftest import FIGURES
from tests.helpers import basic, rewrite_part

BOUND_MIB = 48


def lying_sizes(data: bytes, part: str, declared: int) -> bytes:
    """Rewrite the zip so ``part`` claims to unpack to ``declared`` bytes (local header and central
    directory both), whatever it really holds: a bomb that hides from a directory check."""
    out = bytearray(data)
    name = part.encode()
    pos = 0
    while (pos := out.find(b"PK\x03\x04", pos)) != -1:
        n_len, x_len = struct.unpack_from("<HH", out, pos + 26)
        if out[pos + 30: pos + 30 + n_len] == name:
            struct.pack_into("<I", out, pos + 22, declared)
        pos += 30 + n_len + x_len
    pos = 0
    while (pos := out.find(b"PK\x01\x02", pos)) != -1:
        n_len = struct.unpack_from("<H", out, pos + 28)[0]
        if out[pos + 46: pos + 46 + n_len] == name:
            struct.pack_into("<I", out, pos + 24, declared)
        pos += 46
    return bytes(out)


def _sheet_of(rows: int, cols: int = 2) -> bytes:
    cells = "".join(f'<c r="A{r}" t="inlineStr"><is><t>v</t></is></c>' for r in range(1, 2))
    body = "".join(f'<row r="{r}">{cells.replace("A1", f"A{r}")}</row>' for r in range(1, rows + 1))
    return (f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="A1:{chr(64 + cols)}{rows}"/><sheetData>{body}</sheetData></worksheet>'
            ).encode()


def _bomb_part(mib: int) -> bytes:
    return b"<worksheet>" + b" " * (mib << 20) + b"</worksheet>"


def edit_zip(data: bytes, changes: dict[str, bytes]) -> bytes:
    """Copy an .xlsx, replacing or adding the given parts."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename not in changes:
                dst.writestr(info.filename, src.read(info.filename))
        for name, body in changes.items():
            dst.writestr(name, body)
    return out.getvalue()


NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _cells(body: bytes) -> bytes:
    return NS + b"<sheetData>" + body + b"</sheetData></worksheet>"


def corpus() -> dict[str, bytes]:
    sheet = "xl/worksheets/sheet1.xml"
    hidden = rewrite_part(basic(), sheet, lambda _: _bomb_part(64))
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 9))
              + b']><worksheet>&lol8;</worksheet>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        zf.writestr("xl/worksheets/sheet9.xml", _bomb_part(300))
    # One 30,000-character shared string placed in 4,000 cells: 14 KB that would become 120
    # million characters of cell text.
    shared = edit_zip(basic(), {
        "xl/sharedStrings.xml": b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006'
                                b'/main" count="1" uniqueCount="1"><si><t>' + b"A" * 30_000
                                + b"</t></si></sst>",
        sheet: _cells(b"".join(b'<row r="%d">' % r + b"".join(
            b'<c r="%s%d" t="s"><v>0</v></c>' % (col, r) for col in (b"A", b"B", b"C", b"D"))
            + b"</row>" for r in range(1, 1001)))})
    rels = zipfile.ZipFile(io.BytesIO(basic())).read("xl/_rels/workbook.xml.rels")
    renamed = edit_zip(basic(), {  # the Criteria sheet stored as sheet1.dat, holding a DTD
        "xl/_rels/workbook.xml.rels": rels.replace(b"sheet1.xml", b"sheet1.dat"),
        "xl/worksheets/sheet1.dat": laughs})
    return {
        "300 MB of XML in a 300 KB file": buf.getvalue(),
        "64 MB part whose sizes say 1 KB": lying_sizes(hidden, sheet, 1_000),
        "billion laughs": rewrite_part(basic(), sheet, lambda _: laughs),
        "billion laughs in a sheet named .dat": renamed,
        "25,000 rows": rewrite_part(basic(), sheet, lambda _: _sheet_of(25_000)),
        "row 1,048,576 written first": rewrite_part(basic(), sheet, lambda _: _cells(
            b'<row r="1048576"><c r="A1048576"><v>1</v></c></row><row r="1"><c r="A1"><v>1</v></c></row>')),
        "a cell addressed far below its row": rewrite_part(basic(), sheet, lambda _: _cells(
            b"<row r='2'><c r='B99999999999'><v>1</v></c></row>")),
        "a cell in column XFD": rewrite_part(basic(), sheet, lambda _: _cells(
            b'<row r="1"><c r="XFD1"><v>1</v></c></row>')),
        "20,000 unclosed cells": rewrite_part(basic(), sheet, lambda _: _cells(
            b'<row r="1">' + b'<c r="A1"><v>1</v>' * 20_000)),
        "one 30,000-character shared string in 4,000 cells": shared,
        # openpyxl truncates long text on save, so the cell is written into the XML directly
        "a cell of 1,000,000 characters": rewrite_part(
            basic(), "xl/worksheets/sheet2.xml",
            lambda x: x.replace(b"<t>Alpha</t>", b"<t>" + b"A" * 1_000_000 + b"</t>")),
    }


def read_measured(data: bytes):  # type: ignore[no-untyped-def]
    """(the read's result, its peak traced memory in MiB, its seconds)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = read_workbook(data)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return result, peak, time.perf_counter() - started


@pytest.fixture(scope="module")
def hostile() -> dict[str, bytes]:
    return corpus()


@pytest.mark.parametrize("case", list(corpus()))
def test_refused_with_bounded_memory(hostile, case):
    data = hostile[case]
    result, peak, seconds = read_measured(data)
    assert result.bidset is None and result.problems, case
    assert all(str(p.location) and p.message for p in result.problems), case
    if case in ("25,000 rows", "row 1,048,576 written first", "a cell addressed far below its row",
                "a cell in column XFD", "20,000 unclosed cells"):
        assert str(result.problems[0].location) == "Criteria", "located at the sheet at fault"
    FIGURES.append(f"hostile workbook '{case}' ({len(data) / 1024:,.0f} KB): refused in "
                   f"{seconds:.2f} s, peak traced memory {peak:.1f} MiB; says: "
                   f"{str(result.problems[0])[:90]}")
    assert peak < BOUND_MIB, (case, peak)


def _sheets_on_one_part(count: int) -> bytes:
    data = basic()
    src = zipfile.ZipFile(io.BytesIO(data))
    workbook = src.read("xl/workbook.xml")
    extra = b"".join(b'<sheet name="S%d" sheetId="%d" r:id="rId1"/>' % (i, i + 100) for i in range(count))
    return edit_zip(data, {"xl/workbook.xml": workbook.replace(b"</sheets>", extra + b"</sheets>")})


def _appended() -> bytes:
    return basic() + basic()  # a second workbook after the first: a zip reader reads the second


def more_corpus() -> dict[str, bytes]:
    sheet = "xl/worksheets/sheet1.xml"
    long_text = b"".join(b'<row r="%d"><c r="A%d" t="str"><f>REPT("A",30000)</f><v>' % (r, r)
                         + b"A" * 30_000 + b"</v></c></row>" for r in range(1, 3001))
    attributes = b'<row r="1"><c r="A1" ' + b" ".join(b'a%d="1"' % i for i in range(1_500_000)) + b'/></row>'
    styles = zipfile.ZipFile(io.BytesIO(basic())).read("xl/styles.xml")
    return {
        "8,000 sheets naming one part": _sheets_on_one_part(8_000),
        "90 million characters of formula text results": rewrite_part(
            basic(), sheet, lambda _: _cells(long_text)),
        "a cell with 1,500,000 attributes": rewrite_part(basic(), sheet, lambda _: _cells(attributes)),
        "a DTD in styles.xml after 100 spaces": rewrite_part(
            basic(), "xl/styles.xml", lambda _: b" " * 100 + b'<!DOCTYPE x [<!ENTITY a "b">]>' + styles),
        "the same cell twice": rewrite_part(basic(), sheet, lambda _: _cells(
            b'<row r="1"><c r="A1"><v>1</v></c><c r="A1"><v>2</v></c></row>')),
        "a number written 100_000": rewrite_part(basic(), sheet, lambda x: x.replace(
            b"<v>50</v>", b"<v>100_000</v>", 1)),
        "a second workbook appended to the first": _appended(),
        "a shared text entry inside another (read as 1,000,000 characters in 2,000 cells)":
            _nested_shared_entry(),
        "styles.xml in UTF-16 with no byte-order mark, holding a DTD": rewrite_part(
            basic(), "xl/styles.xml",
            lambda _: (b'<!DOCTYPE x [<!ENTITY a "b">]>' + styles).decode().encode("utf-16-le")),
    }


def _nested_shared_entry() -> bytes:
    """Readers number a nested <si> differently: the guard would count the outer entry as
    empty while the parser copies the inner million characters into every cell."""
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sst = (b"<sst " + ns + b"><si><si><t>" + b"A" * 1_000_000 + b"</t></si></si>"
           b"<si><t>x</t></si></sst>")
    rows = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d" t="s"><v>0</v></c>' % (c, r)
                                                  for c in (b"A", b"B", b"C", b"D"))
                    + b"</row>" for r in range(1, 501))
    return edit_zip(basic(), {"xl/sharedStrings.xml": sst, "xl/worksheets/sheet1.xml": _cells(rows)})


@pytest.mark.parametrize("case", list(more_corpus()))
def test_more_hostile_files_are_refused_with_bounded_memory(case):
    data = more_corpus()[case]
    result, peak, seconds = read_measured(data)
    assert result.bidset is None and result.problems, case
    if case == "a number written 100_000":
        assert str(result.problems[0].location).startswith("Criteria!"), "located at the cell"
    FIGURES.append(f"hostile workbook '{case}' ({len(data) / 1024:,.0f} KB): refused in "
                   f"{seconds:.2f} s, peak traced memory {peak:.1f} MiB; says: "
                   f"{str(result.problems[0])[:90]}")
    assert peak < BOUND_MIB, (case, peak)
    assert seconds < 30, (case, seconds)  # refused, not parsed for minutes


RSS_SCRIPT = """
import sys
from scoring.workbook import read_workbook

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) // 1024  # MiB
data = open(sys.argv[1], "rb").read()
read_workbook(open(sys.argv[2], "rb").read())  # warm: imports and parser set up
open("/proc/self/clear_refs", "w").write("5")  # the peak (VmHWM) starts again from here
before = status("VmRSS")
result = read_workbook(data)
print(status("VmHWM") - before, bool(result.problems))
"""


def test_resident_memory_stays_bounded_too(tmp_path):
    """tracemalloc sees Python's allocations only; the process's peak resident memory counts the
    spreadsheet parser's too. Each new hostile file is read in a fresh process."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    (tmp_path / "warm.xlsx").write_bytes(basic())
    for case, data in more_corpus().items():
        path = tmp_path / "case.xlsx"
        path.write_bytes(data)
        out = subprocess.run([sys.executable, "-c", RSS_SCRIPT, str(path), str(tmp_path / "warm.xlsx")],
                             capture_output=True, text=True, cwd=ROOT, check=True, timeout=120)
        grown, refused = out.stdout.split()
        assert refused == "True", case
        FIGURES.append(f"hostile workbook '{case}': peak resident memory grew {grown} MiB")
        assert int(grown) < BOUND_MIB, (case, grown)
