"""Hostile workbooks are refused with bounded memory: the reader never unpacks what it refuses.

Peak Python memory is traced (``tracemalloc``) while each file of a generated corpus is read;
every one must come back as located problems, nothing loaded, well under the bound. The Excel
parser's own (Rust) allocations are not traced: that is why everything over a limit is refused
from the zip directory and a bounded scan of the XML, before the parser sees the file."""

from __future__ import annotations

import io
import struct
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
    return {
        "300 MB of XML in a 300 KB file": buf.getvalue(),
        "64 MB part whose sizes say 1 KB": lying_sizes(hidden, sheet, 1_000),
        "billion laughs": rewrite_part(basic(), sheet, lambda _: laughs),
        "25,000 rows": rewrite_part(basic(), sheet, lambda _: _sheet_of(25_000)),
        "16,384 columns": rewrite_part(basic(), sheet, lambda _: _sheet_of(3, cols=3).replace(
            b'ref="A1:C3"', b'ref="A1:XFD3"')),
        # openpyxl truncates long text on save, so the cell is written into the XML directly
        "a cell of 1,000,000 characters": rewrite_part(
            basic(), "xl/worksheets/sheet2.xml",
            lambda x: x.replace(b"<t>Alpha</t>", b"<t>" + b"A" * 1_000_000 + b"</t>")),
    }


@pytest.fixture(scope="module")
def hostile() -> dict[str, bytes]:
    return corpus()


@pytest.mark.parametrize("case", [
    "300 MB of XML in a 300 KB file", "64 MB part whose sizes say 1 KB", "billion laughs",
    "25,000 rows", "16,384 columns", "a cell of 1,000,000 characters",
])
def test_refused_with_bounded_memory(hostile, case):
    data = hostile[case]
    tracemalloc.start()
    try:
        result = read_workbook(data)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    assert result.bidset is None and result.problems, case
    assert all(str(p.location) and p.message for p in result.problems), case
    if case in ("25,000 rows", "16,384 columns"):
        assert str(result.problems[0].location) == "Criteria", "located at the sheet at fault"
    FIGURES.append(f"hostile workbook '{case}' ({len(data) / 1024:,.0f} KB): refused, peak traced "
                   f"memory {peak:.1f} MiB; says: {str(result.problems[0])[:90]}")
    assert peak < BOUND_MIB, (case, peak)
