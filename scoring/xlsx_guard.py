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
import math
import os
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from posixpath import normpath
from xml.parsers import expat

MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED_MB = 100
MAX_RATIO = 1_000  # uncompressed / compressed, for any part over 1 MB
MAX_ROWS = 20_000  # per sheet
MAX_COLUMNS = 300
MAX_CELLS = 1_000_000  # filled cells in all sheets
MAX_CELL_TEXT = 32_767  # Excel's limit for a cell's text (the spreadsheet parser cuts it there)
MAX_TEXT_MB = 50  # text in all cells once shared strings are repeated into them (characters)
MAX_SHEETS = 64  # a bid workbook has about eight
MAX_ATTRIBUTES = 32  # on one XML element (Excel writes at most a handful)
_CHUNK = 1 << 20
_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")  # as XML writes a double
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
    cells: int = MAX_CELLS
    text_mb: int = MAX_TEXT_MB
    sheets: int = MAX_SHEETS

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
MAX_TAG = 8_192  # characters in one XML tag: Excel's are short; a longer one is built to cost memory
_LONG_TAG = re.compile(rb"<[^<>]{%d}" % MAX_TAG)
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
    bad_values: tuple[tuple[int, int, str], ...] = ()  # (row, col, what is wrong) in damaged cells
    long_text: tuple[tuple[int, int, int], ...] = ()  # (row, col, characters) over a cell's limit


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
                "This is a CSV or text file, not an Excel workbook. Open it in Excel, save it as "
                "an Excel Workbook (.xlsx), and upload that file (the template shows the sheets "
                "and columns it needs)"
            )
        raise WorkbookRefused(f"This file is not an Excel workbook (.xlsx). {REPAIR}")


def _refuse_prefixed_archive(data: bytes) -> None:
    """A zip reader reads the archive whose directory ends the file: a second workbook appended
    to a first one would be the one read while a person opening the file may see the first."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))  # end of central directory
    if end < 0 or end + 22 > len(data):
        return  # zipfile says what is wrong
    size = int.from_bytes(data[end + 12:end + 16], "little")
    offset = int.from_bytes(data[end + 16:end + 20], "little")
    if 0xFFFFFFFF in (size, offset):
        return  # ZIP64: the offsets are elsewhere; zipfile checks them
    if end - size - offset != 0:
        raise WorkbookRefused("The file holds data before its zip archive (for example two "
                              f"workbooks joined into one file). {REPAIR}")


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


def _chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A part's bytes in chunks, never more than its declared size (a part that lies about its
    size is refused); nothing of it is held beyond one chunk."""
    size = 0
    with zf.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            size += len(chunk)
            if size > info.file_size:
                raise WorkbookRefused(
                    f"Part {info.filename} is larger than the zip directory says; the file is corrupt"
                )
            yield chunk


def _check_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse a part that is XML with a DTD or entities, in UTF-16, or with a tag longer than
    any Excel writes; streamed, so a large part costs one chunk of memory."""
    kind = ""  # "xml" or "binary" once the first byte other than white space is seen
    tail = b""
    for n, chunk in enumerate(_chunks(zf, info)):
        if n == 0:
            if chunk[:2] in (b"\xff\xfe", b"\xfe\xff") or _utf16_without_mark(chunk, info):
                if _DTD.search(chunk.decode("utf-16", errors="replace").encode()):
                    raise WorkbookRefused(_dtd_message(info))
                raise WorkbookRefused(f"Part {info.filename} is written in UTF-16, which Excel "
                                      "never does; the file was changed by another program. Save "
                                      "it again from Excel")
            if chunk[:3] == b"\xef\xbb\xbf":
                chunk = chunk[3:]
        if not kind:
            start = chunk.lstrip(b" \t\r\n")
            if not start:
                continue  # only white space so far, however much of it
            kind = "xml" if start[:1] == b"<" else "binary"
        if kind == "binary":
            return  # a picture or other binary part: nothing of XML to check
        text = tail + chunk
        if _DTD.search(text):
            raise WorkbookRefused(_dtd_message(info))
        if _LONG_TAG.search(text):  # before any parser builds its attributes
            raise WorkbookRefused(
                f"Part {info.filename} has an XML tag longer than {MAX_TAG:,} characters, which "
                "Excel never writes; the file was refused for safety. Save it again from Excel")
        tail = text[-MAX_TAG:]  # a tag or declaration split between two chunks is still seen


_XML_NAMES = (".xml", ".rels", ".vml")


def _utf16_without_mark(chunk: bytes, info: zipfile.ZipInfo) -> bool:
    """An XML part in UTF-16 (or UTF-32) with no byte-order mark: zero bytes among its first
    characters, which text in UTF-8 never has."""
    if not info.filename.lower().endswith(_XML_NAMES):
        return False
    return b"\x00" in chunk[:64]


def _dtd_message(info: zipfile.ZipInfo) -> str:
    return (f"Part {info.filename} declares a DTD or XML entities, which workbooks saved by "
            "Excel never do; the file was refused for safety. Save it again from Excel")


SMALL_PART = 4 << 20  # the workbook part and its relationships: kilobytes in any real file


def _read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A part the guard reads whole (the workbook and its relationships)."""
    if info.file_size > SMALL_PART:
        raise WorkbookRefused(f"Part {info.filename} is {info.file_size / 2**20:,.0f} MB, far larger "
                              f"than Excel writes it. {REPAIR}")
    return b"".join(_chunks(zf, info))


class _Refuse(Exception):
    """Raised from inside the XML scanner; turned into WorkbookRefused with the sheet's name."""


def _no_dtd(*_: object) -> None:
    raise _Refuse("declares a DTD or XML entities, which workbooks saved by Excel never do; the "
                  "file was refused for safety. Save it again from Excel")


def _parse(xml: bytes | Iterator[bytes], what: str, sheet: str | None = None,
           **handlers: object) -> None:
    """Run expat over one part (its bytes, or its chunks as they are read) with the given
    handlers; a DTD or malformed XML refuses the file, naming ``what`` ("Sheet Bids")."""
    p = _parser()
    for name, handler in handlers.items():
        setattr(p, name, handler)
    try:
        if isinstance(xml, bytes):
            p.Parse(xml, True)
        else:
            for chunk in xml:
                p.Parse(chunk, False)
            p.Parse(b"", True)
    except _Refuse as exc:
        raise WorkbookRefused(f"{what} {exc}", sheet) from exc
    except expat.ExpatError as exc:
        raise WorkbookRefused(f"{what} is damaged (its XML is not well formed at line "
                              f"{exc.lineno}). {REPAIR}", sheet) from exc


def _parser() -> expat.XMLParserType:
    p = expat.ParserCreate()
    p.buffer_text = True
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.StartDoctypeDeclHandler = _no_dtd
    p.EntityDeclHandler = _no_dtd
    p.ExternalEntityRefHandler = _no_dtd  # type: ignore[assignment]
    return p


_TAGS: dict[str, str] = {}  # element name (maybe prefixed, "x:c") -> local name ("c")
_COLS: dict[str, int] = {}  # column letters -> number


def _local_name(name: str) -> str:
    local = name.rsplit(":", 1)[-1]
    if len(_TAGS) < 512:  # a hostile file may use endless names; remember only the first ones
        _TAGS[name] = local
    return local


@dataclass
class _Totals:
    """What all sheets add up to so far."""

    cells: int = 0  # cell elements
    area: int = 0  # cells the sheets span (rows x columns up to the last used): what readers allocate
    text: int = 0  # characters of cell text, shared strings counted once per cell using them


class _SheetScan:
    """One pass of a real XML parser (expat, linear time) over a worksheet, before any reader
    builds cells: exact row, column and cell counts from every cell's own address (not the
    sheet's declared dimension), error values, formulas without a saved value, hidden rows,
    damaged values, and the text the cells will hold once shared strings are filled in."""

    def __init__(self, sheet: str, limits: Limits, shared: list[int], totals: _Totals) -> None:
        self.sheet, self.limits, self.shared, self.totals = sheet, limits, shared, totals
        self.row = self.col = self.rows = 0
        self.row_element = 0  # the row number of the last <row>, as a reader counts them
        self.max_row = self.max_col = 0
        self.missing: list[tuple[int, int]] = []
        self.errors: list[tuple[int, int, str]] = []
        self.bad: list[tuple[int, int, str]] = []
        self.hidden: list[int] = []
        self.kind = ""
        self.formula = self.inline = False
        self.in_value = self.has_value = False
        self.in_inline = 0
        self.value: list[str] = []
        self.chars = 0  # the current cell's text, in characters (a reader may cut it short)
        self.long: list[tuple[int, int, int]] = []
        self.last = (0, 0)  # the last cell's (row, column)

    def refuse(self, what: str, fix: str) -> None:
        raise WorkbookRefused(f"Sheet {self.sheet} {what}. {fix}", self.sheet or None)

    def see(self, row: int, col: int) -> None:
        """A row or cell at this place: the sheet reaches at least this far."""
        if row > self.max_row:
            if row > self.limits.rows:
                self.refuse(f"has a row numbered {row:,}, beyond the {self.limits.rows:,} rows a "
                            "bid workbook may have",
                            "Remove the unused rows (or split the evaluation) and upload again")
            self.max_row = row
        if col > self.max_col:
            if col > self.limits.columns:
                self.refuse(f"uses {col:,} columns, more than the {self.limits.columns:,} a bid "
                            "workbook may have", "Delete the unused columns and upload again")
            self.max_col = col

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if len(attrs) > MAX_ATTRIBUTES:
            self.refuse(f"has an element with {len(attrs):,} attributes, which Excel never writes",
                        REPAIR)
        tag = _TAGS.get(name) or _local_name(name)
        if tag == "c":
            self.totals.cells += 1
            ref = attrs.get("r")
            if ref is None:
                self.col += 1
            else:
                cut = len(ref.rstrip("0123456789"))
                letters, digits = ref[:cut], ref[cut:]
                col = _COLS.get(letters)
                if col is None:
                    if not (0 < len(letters) <= 3 and letters.isascii() and letters.isalpha()
                            and letters.isupper()):
                        self.refuse(f"has a cell address '{ref[:20]}' that is not valid", REPAIR)
                    col = _COLS[letters] = _col_number(letters.encode())
                if not 0 < len(digits) <= 7:
                    self.refuse(f"has a cell address '{ref[:20]}' that is not valid", REPAIR)
                self.col, self.row = col, int(digits)
            if (self.row, self.col) <= self.last:  # Excel writes each cell once, in order
                self.refuse(f"has the cell {ref[:20] if ref else 'at ' + str(self.col)} more than once "
                            "or out of order, which Excel never writes (a reader would keep only "
                            "one of its values)", REPAIR)
            self.last = (self.row, self.col)
            self.see(self.row, self.col)
            self.kind, self.formula, self.inline = attrs.get("t", "n"), False, False
            self.has_value = False
            self.value = []
            self.chars = 0
        elif tag == "v":
            self.in_value = self.has_value = True
        elif tag == "row":
            self.rows += 1
            ref = attrs.get("r")
            number = (int(ref) if ref and ref.isascii() and ref.isdigit() and len(ref) <= 7
                      else self.row_element + 1)
            if number <= self.row_element:
                self.refuse(f"has row {number:,} more than once or out of order, which Excel never "
                            "writes", REPAIR)
            self.row_element = number
            self.row, self.col = self.row_element, 0
            if self.rows > self.limits.rows:
                self.refuse(f"has more than the {self.limits.rows:,} rows a bid workbook may have",
                            "Remove the unused rows (or split the evaluation) and upload again")
            self.see(self.row, 0)
            if attrs.get("hidden", "0").lower() in ("1", "true"):
                self.hidden.append(self.row)
        elif tag == "f":
            self.formula = True
        elif tag == "is":
            self.inline, self.in_inline = True, self.in_inline + 1

    def text(self, data: str) -> None:
        if self.in_value:
            self.spend(len(data))  # a formula's text result (t="str") is text like any other
            self.chars += len(data)
            if sum(map(len, self.value)) < 64:  # values are short; text comes by index
                self.value.append(data[:64])
        elif self.in_inline:
            self.spend(len(data))
            self.chars += len(data)

    def spend(self, chars: int) -> None:
        self.totals.text += chars
        if self.totals.text > self.limits.text_mb * 1_000_000:
            raise WorkbookRefused(
                f"The workbook's cells hold more than {self.limits.text_mb:,} million characters "
                "of text once its shared text is repeated into them; it was refused as a possible "
                "text bomb. Remove the unused text and upload again")

    def end(self, name: str) -> None:
        tag = _TAGS.get(name) or _local_name(name)
        if tag == "v":
            self.in_value = False
        elif tag == "is":
            self.in_inline -= 1
        elif tag == "c":
            self.finish_cell()

    def finish_cell(self) -> None:
        where = (self.row, self.col)
        value = "".join(self.value).strip()
        kind = self.kind
        if self.totals.cells > self.limits.cells:
            raise WorkbookRefused(
                f"The workbook has more than {self.limits.cells:,} cells, more than a bid "
                "workbook may have. Remove the unused cells (or split the evaluation) and upload "
                "again", self.sheet or None)
        if kind == "e":
            self.errors.append((*where, value or "#ERROR"))
        elif self.formula and not self.inline and (
                not self.has_value or (not value and kind not in ("str", "s"))):
            # no <v> at all, or an empty one where only text may be empty (a formula's "")
            self.missing.append(where)
        elif kind == "s" and value:
            if not (value.isascii() and value.isdigit() and len(value) <= 10) or int(value) >= len(
                    self.shared):
                self.bad.append((*where, f"this cell refers to shared text '{value[:20]}' that the "
                                         "file does not have (the file is damaged)"))
            else:
                self.spend(self.shared[int(value)])
                self.chars = self.shared[int(value)]
        elif kind == "n" and value:
            number = float(value) if _NUMBER.fullmatch(value) else float("nan")
            if not math.isfinite(number):
                self.bad.append((*where, f"this cell holds '{value[:20]}', which is not a number "
                                         "Excel writes (the file was changed outside Excel)"))

        if kind != "n" and self.chars > MAX_CELL_TEXT:
            self.long.append((*where, self.chars))

    def run(self, xml: bytes | Iterator[bytes]) -> SheetInfo:
        _parse(xml, f"Sheet {self.sheet}", self.sheet or None, StartElementHandler=self.start,
               EndElementHandler=self.end, CharacterDataHandler=self.text)
        self.totals.area += self.max_row * self.max_col
        if self.totals.area > self.limits.cells:
            raise WorkbookRefused(
                f"The workbook's sheets span more than {self.limits.cells:,} cells (rows x columns "
                f"up to the last cell used; Sheet {self.sheet} alone spans {self.max_row:,} x "
                f"{self.max_col:,}), more than a bid workbook may have. Delete unused rows, columns "
                "and far-away cells, and upload again", self.sheet or None)
        return SheetInfo(self.sheet, "", formula_without_value=tuple(self.missing),
                         error_cells=tuple(self.errors), hidden_rows=tuple(self.hidden),
                         bad_values=tuple(self.bad), long_text=tuple(self.long))


def _shared_lengths(xml: bytes | Iterator[bytes], limits: Limits) -> list[int]:
    """The length of each shared string (the text cells of type 's' point to); refused as soon
    as there are more of them, or more text, than a bid workbook can use."""
    lengths: list[int] = []
    depth = [0]  # inside an entry (<si>): 1
    level = [0]  # element nesting from the root (<sst>: 1)
    budget = [limits.text_mb * 1_000_000]

    def start(name: str, _: dict[str, str]) -> None:
        level[0] += 1
        if (_TAGS.get(name) or _local_name(name)) == "si":
            if depth[0] or level[0] != 2:
                # Excel writes each entry directly under <sst>; an entry anywhere else is
                # numbered differently by different readers, so the text a cell points to
                # could not be measured here.
                raise WorkbookRefused(
                    "The workbook's shared text part has an entry (<si>) inside another element, "
                    "which Excel never writes; the file was refused for safety. Save it again "
                    "from Excel")
            lengths.append(0)
            depth[0] += 1
            if len(lengths) > limits.cells:
                raise WorkbookRefused(
                    f"The workbook's shared text has more than {limits.cells:,} entries, more than "
                    "the cells a bid workbook may fill; it was refused as a possible text bomb")

    def end(name: str) -> None:
        level[0] -= 1
        if (_TAGS.get(name) or _local_name(name)) == "si":
            depth[0] -= 1

    def text(data: str) -> None:
        if depth[0] and lengths:
            lengths[-1] += len(data)
            budget[0] -= len(data)
            if budget[0] < 0:
                raise WorkbookRefused(
                    f"The workbook's shared text holds more than {limits.text_mb:,} million "
                    "characters; it was refused as a possible text bomb. Remove the unused text "
                    "and upload again")

    _parse(xml, "The shared text part", StartElementHandler=start, EndElementHandler=end,
           CharacterDataHandler=text)
    return lengths


def inspect_xlsx(data: bytes, limits: Limits | None = None) -> XlsxInfo:
    """Check ``data`` is a safe .xlsx and describe its sheets; raise WorkbookRefused otherwise.

    ``limits`` default to the environment's (see ``Limits``)."""
    limits = limits or Limits.from_env()
    _refuse_non_zip(data)
    _refuse_prefixed_archive(data)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise WorkbookRefused(
            f"The file is damaged or incomplete (not a readable zip archive). {REPAIR}"
        ) from exc
    with zf:
        infos = _check_directory(zf, limits)
        # Parts are looked up as the parser looks them up: without regard to case. Two parts
        # whose names differ only in case would let the part checked differ from the part read.
        names: dict[str, zipfile.ZipInfo] = {}
        for i in infos:
            if i.filename.casefold() in names:
                raise WorkbookRefused(f"The file holds two parts named {i.filename[:80]} (apart "
                                      f"from upper and lower case), which Excel never writes. {REPAIR}")
            names[i.filename.casefold()] = i
        if "xl/workbook.xml" not in names:
            if "xl/workbook.bin" in names:
                raise WorkbookRefused(f"This is a binary Excel workbook (.xlsb). {REPAIR}")
            if "mimetype" in names or "content.xml" in names:
                raise WorkbookRefused(f"This is an OpenDocument spreadsheet (.ods). {REPAIR}")
            raise WorkbookRefused(f"This file is a zip archive but not an Excel workbook. {REPAIR}")
        try:
            for info in infos:  # every part, whatever its name: a sheet may be called sheet1.dat
                if not info.is_dir():
                    _check_part(zf, info)
            return _describe(zf, names, limits, has_macros="xl/vbaproject.bin" in names)
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
            raise WorkbookRefused(f"The file is damaged or incomplete. {REPAIR}") from exc


def _raw_elements(xml: bytes, wanted: set[str], what: str) -> list[tuple[str, dict[str, str]]]:
    """(local name, attributes by their raw, prefixed names) of the wanted elements, read as the
    spreadsheet parser reads them: attribute names are matched literally (``r:id``)."""
    found: list[tuple[str, dict[str, str]]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        local = _TAGS.get(name) or _local_name(name)
        if local in wanted:
            found.append((local, attrs))

    _parse(xml, f"The {what} part", StartElementHandler=start)
    return found


def _sheet_path(target: str) -> str:
    """The zip entry a worksheet relationship names, exactly as the parser will open it; a target
    that only reaches its part through '..', '.', '//' or backslashes is refused, so that the
    part checked here is the part that is read."""
    path = target[1:] if target.startswith("/") else f"xl/{target}"
    if not target or "\\" in path or normpath(path) != path:
        raise WorkbookRefused(f"The workbook names a sheet by the unusual path '{target[:80]}', "
                              f"which Excel never writes. {REPAIR}")
    return path


def _describe(zf: zipfile.ZipFile, parts: dict[str, zipfile.ZipInfo], limits: Limits, *,
              has_macros: bool) -> XlsxInfo:
    # ``parts`` is keyed by case-folded name: every lookup below folds the name it looks for.
    # Sheets and shared strings are streamed through the XML scanner, never held whole.
    rels_info = parts.get("xl/_rels/workbook.xml.rels")
    rels = {a.get("Id", ""): a.get("Target", "")
            for _, a in _raw_elements(_read_small(zf, rels_info), {"Relationship"},
                                      "workbook's relationships")
            } if rels_info else {}
    shared_info = parts.get("xl/sharedstrings.xml")  # the parser always reads this one
    shared = _shared_lengths(_chunks(zf, shared_info), limits) if shared_info else []
    totals = _Totals()
    date1904 = False
    sheets: list[SheetInfo] = []
    elements = _raw_elements(_read_small(zf, parts["xl/workbook.xml"]), {"workbookPr", "sheet"},
                             "workbook")
    count = sum(1 for tag, _ in elements if tag == "sheet")
    if count > limits.sheets:
        raise WorkbookRefused(f"The workbook has {count:,} sheets, more than the {limits.sheets:,} a "
                              "bid workbook may have. Delete the sheets it does not need")
    used: dict[str, str] = {}
    for tag, attrs in elements:
        if tag == "workbookPr":
            date1904 = attrs.get("date1904", "0").lower() in ("1", "true")
            continue
        name = attrs.get("name", "")
        # The parser takes an 'id' attribute whatever its prefix (r:id, relationships:id, id),
        # the last one if there are several; several that differ are refused outright.
        ids = {v for k, v in attrs.items() if (_TAGS.get(k) or _local_name(k)) == "id"}
        if len(ids) > 1:
            raise WorkbookRefused(f"Sheet {name} is named by several different ids, which Excel "
                                  f"never writes. {REPAIR}", name or None)
        rid = next(iter(ids), "")
        if rid not in rels:
            raise WorkbookRefused(f"Sheet {name} has no part in the workbook. {REPAIR}", name or None)
        part = _sheet_path(rels[rid])
        if part.casefold() in used:
            raise WorkbookRefused(f"Sheets {used[part.casefold()]} and {name} are the same part of the "
                                  f"file, which Excel never writes. {REPAIR}", name or None)
        used[part.casefold()] = name
        info = parts.get(part.casefold())
        if info is None:
            raise WorkbookRefused(f"Sheet {name} has no part in the workbook ({part[:80]} is "
                                  f"missing). {REPAIR}", name or None)
        scanned = _SheetScan(name, limits, shared, totals).run(_chunks(zf, info))
        sheets.append(replace(scanned, part=part, hidden=attrs.get("state", "visible") != "visible"))
    notes: tuple[str, ...] = ()
    if has_macros:
        notes += ("The workbook contains macros; they were not run (only cell values are read).",)
    if any(p.startswith("xl/externallinks/") for p in parts):
        notes += ("The workbook links to other workbooks; they were not opened, and values saved "
                  "from them count as typed.",)
    if any(p.startswith(("xl/embeddings/", "xl/activex/")) for p in parts):
        notes += ("The workbook embeds objects (OLE or ActiveX); they were not opened.",)
    if date1904:
        notes += ("The workbook uses Excel's 1904 date system; no date is used in scoring.",)
    return XlsxInfo(sheets=tuple(sheets), date1904=date1904, has_macros=has_macros, notes=notes)
