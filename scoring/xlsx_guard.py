"""Checks a file is a safe, readable .xlsx before any parser touches it.

Everything here works from the zip directory and a bounded stream of each part:
zip bombs, entity-expansion XML, encrypted and legacy files are refused with one
plain message. It also reports what the value reader cannot see: formula cells
saved without a computed value, error cells (#DIV/0!), hidden sheets and the
1904 date system.
"""

from __future__ import annotations

import functools
import io
import logging
import os
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from posixpath import join, normpath

from defusedxml import ElementTree

MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED_MB = 100
MAX_RATIO = 1_000  # uncompressed / compressed, for any part over 1 MB
MAX_ROWS = 20_000  # per sheet
MAX_COLUMNS = 300
_CHUNK = 1 << 20
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    """What an upload may hold. Each can be set by an environment variable (a positive whole
    number), e.g. ``SSW_MAX_ROWS=5000``; a value that is not one is logged and ignored."""

    zip_entries: int = MAX_ENTRIES
    uncompressed_mb: int = MAX_UNCOMPRESSED_MB
    compression_ratio: int = MAX_RATIO
    rows: int = MAX_ROWS
    columns: int = MAX_COLUMNS

    @staticmethod
    def variable(name: str) -> str:
        return "SSW_MAX_" + name.upper()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Limits:
        env = os.environ if env is None else env
        return _limits_from(tuple((f.name, env.get(cls.variable(f.name))) for f in fields(cls)))


@functools.lru_cache(maxsize=16)
def _limits_from(settings: tuple[tuple[str, str | None], ...]) -> Limits:
    """Limits from (field, raw value) pairs; cached, so a bad value is logged once, not per upload."""
    values: dict[str, int] = {}
    for name, raw in settings:
        if raw is None:
            continue
        digits = re.sub(r"[\s,_]", "", raw)  # "20,000", "20_000" and "20 000" all mean 20000
        if re.fullmatch(r"[0-9]+", digits) and int(digits) > 0:
            values[name] = int(digits)
        else:
            log.warning("%s=%r is not a positive whole number; the default %s applies",
                        Limits.variable(name), raw, getattr(Limits, name))
    return Limits(**values)


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_TYPE_ERROR = re.compile(rb'\bt="e"')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]+)</(?:\w+:)?v>")
_INLINE = re.compile(rb"<(?:\w+:)?is\b")
_ANY_FORMULA_OR_ERROR = re.compile(rb'<(?:\w+:)?f[\s>/]|\bt="e"')
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="([0-9]+)"[^>]*?\bhidden="(?:1|true)"')
_ROW_REF = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="([0-9]+)"')
_LAST_COL = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref="[A-Z]+[0-9]+:([A-Z]+)[0-9]+"')
REPAIR = "Open it in Excel, save it as an Excel Workbook (.xlsx) and upload that file"


class WorkbookRefused(Exception):
    """The file is not a workbook this tool will open; the message says why and what to do.

    ``sheet`` names the sheet at fault when there is one (too many rows or columns)."""

    def __init__(self, message: str, sheet: str | None = None) -> None:
        super().__init__(message)
        self.sheet = sheet


@dataclass(frozen=True)
class SheetInfo:
    name: str
    part: str
    hidden: bool = False
    formula_without_value: tuple[tuple[int, int], ...] = ()  # (row, col), 1-based
    error_cells: tuple[tuple[int, int, str], ...] = ()  # (row, col, "#DIV/0!")
    hidden_rows: tuple[int, ...] = ()


@dataclass(frozen=True)
class XlsxInfo:
    sheets: tuple[SheetInfo, ...] = ()
    date1904: bool = False
    has_macros: bool = False
    notes: tuple[str, ...] = field(default=())

    def sheet(self, name: str) -> SheetInfo | None:
        return next((s for s in self.sheets if s.name == name), None)


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _refuse_non_zip(data: bytes) -> None:
    if not data:
        raise WorkbookRefused("The file is empty (0 bytes). Choose the filled-in bid workbook (.xlsx)")
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_MARK in data:
            raise WorkbookRefused(
                "The workbook is password-protected (encrypted), so it cannot be read. "
                "Remove the password in Excel (File > Info > Protect Workbook), save, and upload again"
            )
        raise WorkbookRefused(f"This is an old Excel 97-2003 (.xls) file. {REPAIR}")
    if not data.startswith(b"PK"):
        head = data[:4096]
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError:
            text = ""
        if text and ("," in text or ";" in text or "\t" in text):
            raise WorkbookRefused(
                f"This looks like a CSV or text file with an .xlsx name, not an Excel workbook. {REPAIR}"
            )
        raise WorkbookRefused(f"This file is not an Excel workbook (.xlsx). {REPAIR}")


def _check_directory(zf: zipfile.ZipFile, limits: Limits) -> list[zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > limits.zip_entries:
        raise WorkbookRefused(
            f"The file holds {len(infos):,} parts, more than the {limits.zip_entries:,} a workbook "
            "may have; it was refused as a possible zip bomb"
        )
    total = sum(i.file_size for i in infos)
    if total > limits.uncompressed_mb * 2**20:
        raise WorkbookRefused(
            f"The workbook would unpack to {total / 2**20:,.0f} MB, more than the "
            f"{limits.uncompressed_mb:,} MB limit; it was refused as a possible zip bomb"
        )
    for i in infos:
        if i.file_size > _CHUNK and i.file_size > limits.compression_ratio * max(i.compress_size, 1):
            raise WorkbookRefused(
                f"Part {i.filename} compresses more than {limits.compression_ratio:,}:1; "
                "the file was refused as a possible zip bomb"
            )
        if i.flag_bits & 0x1:
            raise WorkbookRefused(
                "The workbook is encrypted, so it cannot be read. Remove the password and save again"
            )
    return infos


def _read_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Read one part, never more than its declared size, refusing any DTD."""
    out = bytearray()
    tail = b""
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            out += chunk
            if len(out) > info.file_size:
                raise WorkbookRefused(
                    f"Part {info.filename} is larger than the zip directory says; the file is corrupt"
                )
            if _DTD.search(tail + chunk):
                raise WorkbookRefused(
                    f"Part {info.filename} declares a DTD or XML entities, which workbooks saved by "
                    "Excel never do; the file was refused for safety. Save it again from Excel"
                )
            tail = chunk[-16:]
    if out[:2] in (b"\xff\xfe", b"\xfe\xff") or out[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        # UTF-16 XML (Excel never writes it): look for a DTD in the decoded text too.
        text = bytes(out).decode("utf-16", errors="replace")
        if _DTD.search(text.encode("utf-8")):
            raise WorkbookRefused(
                f"Part {info.filename} declares a DTD or XML entities, which workbooks saved by "
                "Excel never do; the file was refused for safety. Save it again from Excel"
            )
    return bytes(out)


def _check_size(sheet: str, xml: bytes, limits: Limits) -> None:
    """Refuse a sheet with more rows or columns than a bid workbook needs (before parsing)."""
    rows = _ROW_REF.findall(xml)
    last_row = max((int(r) for r in rows[-1:]), default=0)
    if len(rows) > limits.rows or last_row > limits.rows:
        raise WorkbookRefused(
            f"Sheet {sheet} has {max(len(rows), last_row):,} rows, more than the {limits.rows:,} a bid "
            "workbook may have. Remove the unused rows (or split the evaluation) and upload again",
            sheet or None,
        )
    dim = _LAST_COL.search(xml[:4096])
    if dim and _col_number(dim.group(1)) > limits.columns:
        raise WorkbookRefused(
            f"Sheet {sheet} uses {_col_number(dim.group(1)):,} columns, more than the "
            f"{limits.columns:,} a bid workbook may have. Delete the unused columns and upload again",
            sheet or None,
        )


def _scan_cells(xml: bytes) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int, str], ...]]:
    if not _ANY_FORMULA_OR_ERROR.search(xml):
        return (), ()
    missing: list[tuple[int, int]] = []
    errors: list[tuple[int, int, str]] = []
    for m in _CELL.finditer(xml):
        attrs, inner = m.group(1), m.group(2) or b""
        ref = _REF.search(attrs)
        if not ref:
            continue
        where = (int(ref.group(2)), _col_number(ref.group(1)))
        value = _VALUE.search(inner)
        if _TYPE_ERROR.search(attrs):
            text = value.group(1).decode("utf-8", "replace") if value else "#ERROR"
            errors.append((*where, text))
        elif _FORMULA.search(inner) and not value and not _INLINE.search(inner):
            missing.append(where)
    return tuple(missing), tuple(errors)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def inspect_xlsx(data: bytes, limits: Limits | None = None) -> XlsxInfo:
    """Check ``data`` is a safe .xlsx and describe its sheets; raise WorkbookRefused otherwise.

    ``limits`` default to the environment's (see ``Limits``)."""
    limits = limits or Limits.from_env()
    _refuse_non_zip(data)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise WorkbookRefused(
            f"The file is damaged or incomplete (not a readable zip archive). {REPAIR}"
        ) from exc
    with zf:
        infos = _check_directory(zf, limits)
        names = {i.filename: i for i in infos}
        if "xl/workbook.xml" not in names:
            if "xl/workbook.bin" in names:
                raise WorkbookRefused(f"This is a binary Excel workbook (.xlsb). {REPAIR}")
            if "mimetype" in names or "content.xml" in names:
                raise WorkbookRefused(f"This is an OpenDocument spreadsheet (.ods). {REPAIR}")
            raise WorkbookRefused(f"This file is a zip archive but not an Excel workbook. {REPAIR}")
        parts: dict[str, bytes] = {}
        try:
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")) and not info.is_dir():
                    parts[info.filename] = _read_part(zf, info)
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
            raise WorkbookRefused(f"The file is damaged or incomplete. {REPAIR}") from exc
        return _describe(parts, limits, has_macros="xl/vbaProject.bin" in names)


def _describe(parts: dict[str, bytes], limits: Limits, *, has_macros: bool) -> XlsxInfo:
    try:
        wb = ElementTree.fromstring(parts["xl/workbook.xml"])
        rels_xml = parts.get("xl/_rels/workbook.xml.rels")
        rels = ElementTree.fromstring(rels_xml) if rels_xml else None
    except Exception as exc:  # defusedxml raises several types; all mean a damaged file
        raise WorkbookRefused(f"The workbook's structure is damaged. {REPAIR}") from exc
    targets: dict[str, str] = {}
    if rels is not None:
        for rel in rels:
            rid, target = rel.get("Id"), rel.get("Target", "")
            if rid:
                path = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
                targets[rid] = path
    date1904 = False
    sheets: list[SheetInfo] = []
    for el in wb.iter():
        tag = _local(el.tag)
        if tag == "workbookPr":
            date1904 = el.get("date1904", "0").lower() in ("1", "true")
        elif tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
            part = targets.get(rid, "")
            xml = parts.get(part, b"")
            _check_size(el.get("name", ""), xml, limits)
            missing, errors = _scan_cells(xml)
            hidden_rows = tuple(int(r) for r in _HIDDEN_ROW.findall(xml))
            sheets.append(
                SheetInfo(
                    name=el.get("name", ""),
                    part=part,
                    hidden=el.get("state", "visible") != "visible",
                    formula_without_value=missing,
                    error_cells=errors,
                    hidden_rows=hidden_rows,
                )
            )
    notes: tuple[str, ...] = ()
    if has_macros:
        notes += ("The workbook contains macros; they were not run (only cell values are read).",)
    if date1904:
        notes += ("The workbook uses Excel's 1904 date system; no date is used in scoring.",)
    return XlsxInfo(sheets=tuple(sheets), date1904=date1904, has_macros=has_macros, notes=notes)
