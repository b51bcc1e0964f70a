"""Read and validate a bid workbook (contract v1, documented in the README).

``read_workbook(bytes)`` returns a :class:`ReadResult`: either a validated
:class:`~scoring.model.BidSet`, or every problem found, each located as Excel
shows it (``Bids!D7``) with what to do. Nothing is half-loaded: one problem
means no BidSet.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from scoring.lookalike import skeleton
from scoring.model import (
    BUNDLE_LOT,
    FINDING_KINDS,
    OKR,
    SINGLE_LOT,
    SLA_NUMERIC,
    SLA_YES_NO,
    Bid,
    BidSet,
    Component,
    Criterion,
    Factor,
    Finding,
    Location,
    PanelScore,
    Problem,
    Settings,
    SLATerms,
    VendorInfo,
    fold,
    header_key,
)
from scoring.panel import apply as apply_consensus
from scoring.panel import consensus
from scoring.settings import SPECS, Kind
from scoring.strategy_sheet import read_strategy
from scoring.xlsx_guard import MAX_CELL_TEXT, WorkbookRefused, XlsxInfo, inspect_xlsx

HEADER_SCAN_ROWS = 10
_CONTRACT_SHEETS = {"criteria": "Criteria", "bids": "Bids", "components": "Components",
                    "vendors": "Vendors", "scores": "Scores", "findings": "Findings",
                    "ratings": "Ratings", "finding kinds": "Finding kinds",
                    "okrs": "OKRs", "settings": "Settings", "groups": "Groups",
                    "strategy": "Strategy"}
_SETTING_BY_HEADER = {header_key(key): spec for key, spec in SPECS.items()}
SETTING_KEYS = frozenset(_SETTING_BY_HEADER)

NUMBER_FIX = (
    "Type a plain number such as 1234.5 or $1,234.50 "
    "(a point for decimals, commas only between groups of three digits)"
)
_NUMBER_TEXT = re.compile(
    r"^(?P<sign>[+-])?\s*[$€£]?\s*(?P<sign2>[+-])?\s*"
    r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?P<frac>\.[0-9]+)?$"
)
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
_DIRECTIONS = {"max": "max", "benefit": "max", "min": "min", "cost": "min"}


def norm_header(text: Any) -> str:
    """Header/sheet matching key: case-insensitive, trimmed, space, _ and - alike."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return header_key(text)


def closest(name: str, choices: list[str]) -> str | None:
    """The choice a misspelt ``name`` most likely meant (None when none is close)."""
    import difflib

    if not choices:
        return None
    by_fold = {fold(c): c for c in choices}
    found = difflib.get_close_matches(fold(name), list(by_fold), n=1, cutoff=0.75)
    return by_fold[found[0]] if found else None


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


class FigureOutOfRange(ValueError):
    """A number, but too large or too small in size to be a figure of a bid."""


MAX_MAGNITUDE = 1e15  # larger figures are typing errors, beyond Excel's 15 digits
MIN_MAGNITUDE = 1e-9  # so are smaller ones other than 0


def parse_number(value: Any) -> float:
    """A numeric cell, or text holding a plain number; ValueError with a reason otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"{'TRUE' if value else 'FALSE'} is a yes/no value, not a number")
    if isinstance(value, (dt.datetime, dt.date, dt.time, pd.Timestamp)):
        raise ValueError("is a date or time, not a number")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip()
        m = _NUMBER_TEXT.match(text)
        if not m or (m.group("int") is None and m.group("frac") is None) or (
            m.group("sign") and m.group("sign2")
        ):
            if "%" in text:
                raise ValueError(f"'{text}' has a percent sign; write the number alone (12 for 12 %)")
            if re.fullmatch(r"[$€£]?\s*[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?|[0-9]+,[0-9]{1,2}", text):
                raise ValueError(
                    f"'{text}' looks like a European number format; write it as "
                    "1234.50 (a point for decimals)"
                )
            suffix = re.fullmatch(r"[$€£]?\s*([0-9]+(?:\.[0-9]+)?)\s*(k|m|mn|mm|bn|b)", text,
                                  re.IGNORECASE)
            if suffix:
                scale = {"k": 1e3, "m": 1e6, "mn": 1e6, "mm": 1e6, "bn": 1e9, "b": 1e9}
                meant = float(suffix.group(1)) * scale[suffix.group(2).lower()]
                raise ValueError(f"'{text}' is not a number; write the figure in full "
                                 f"({meant:,.0f} for {text})")
            raise ValueError(f"'{text}' is not a number")
        digits = (m.group("int") or "").replace(",", "") + (m.group("frac") or "")
        number = float(digits)
        if "-" in ((m.group("sign") or "") + (m.group("sign2") or "")):
            number = -number
    if math.isnan(number):
        raise ValueError("is not a finite number")
    if abs(number) > MAX_MAGNITUDE:
        raise FigureOutOfRange("too large: no figure in a bid workbook may exceed 10^15 in size "
                               "(Excel keeps 15 digits, and the scoring would overflow)")
    if number and abs(number) < MIN_MAGNITUDE:
        raise FigureOutOfRange("too small: a figure other than 0 must be at least 10^-9 in size "
                               "(smaller ones are typing errors and break the scoring)")
    return number


def parse_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    text = str(value).strip().casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"'{value}' is not yes or no")


# Characters that show nothing (or nothing on their own): Unicode format characters (zero-width,
# text-direction, tags), fillers and blanks that render empty, variation selectors and the
# combining grapheme joiner, and control characters other than tab and line breaks.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
    "\U0001d173-\U0001d17a\U000e0000-\U000e007f\U000e0100-\U000e01ef"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]"
)
LINE_BREAKS = re.compile("[\t\n\r\x85\u2028\u2029]+")  # a name is one line: they become spaces
# What one evaluation may hold: far above a real procurement, and where every figure (the MILP of
# the optimized award, the failure simulation, rank reversal) still takes seconds, not minutes.
MAX_BIDS = 2_000
MAX_BIDS_PER_LOT = 1_000
MAX_COMPONENTS = 500


def parse_number_or_none(value: Any) -> float | None:
    """The number a cell holds, or None when it holds none (text, blank, a refused format)."""
    try:
        return parse_number(value)
    except (ValueError, TypeError):
        return None


def cell_text(value: Any) -> str:
    """A cell as trimmed, one-line text, without invisible characters (see INVISIBLE)."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = INVISIBLE.sub("", unicodedata.normalize("NFC", str(value)))
    return LINE_BREAKS.sub(" ", text).strip()


_SLA_NUMERIC_KEYS = tuple((name, norm_header(name)) for name in SLA_NUMERIC)
_SLA_YES_NO_KEYS = tuple((name, norm_header(name)) for name in SLA_YES_NO)


@dataclass
class Sheet:
    """One sheet's grid with its header row located."""

    name: str
    grid: list[list[Any]]
    header_index: int = -1  # 0-based row of the header
    columns: dict[str, int] = field(default_factory=dict)  # normalised header -> 0-based col
    repeated: dict[str, int] = field(default_factory=dict)  # header seen again -> 0-based col

    def locate_header(self, required: tuple[str, ...]) -> tuple[str, ...]:
        """Find the header row; return the required columns still missing (empty when found)."""
        best_missing: tuple[str, ...] = required
        best_row = 0
        for r, row in enumerate(self.grid[:HEADER_SCAN_ROWS]):
            present = {norm_header(v) for v in row}
            missing = tuple(c for c in required if c not in present)
            if not missing:
                best_row, best_missing = r, ()
                break
            if len(missing) < len(best_missing):
                best_row, best_missing = r, missing
        self.header_index = best_row
        self.columns = {}
        self.repeated = {}
        if self.grid:
            for c, v in enumerate(self.grid[best_row]):
                key = norm_header(v)
                if key and key not in self.columns:
                    self.columns[key] = c
                elif key:
                    self.repeated.setdefault(key, c)
        return best_missing

    def use_columns_ab(self) -> None:
        """Treat columns A and B as key and value from row 1 (a Settings sheet with no header)."""
        self.header_index = -1
        self.columns = {"key": 0, "value": 1}
        self.repeated = {}

    @property
    def header_row(self) -> int:
        return self.header_index + 1

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(excel_row, values) of every non-blank row below the header."""
        for r in range(self.header_index + 1, len(self.grid)):
            values = self.grid[r]
            if not all(is_blank(v) for v in values):
                yield r + 1, values

    def heading(self, key: str) -> str:
        """A column's heading as the workbook spells it."""
        c = self.columns.get(key)
        row = self.grid[self.header_index] if self.grid and self.header_index >= 0 else []
        return cell_text(row[c]) if c is not None and c < len(row) else key

    def get(self, values: list[Any], key: str) -> Any:
        c = self.columns.get(key)
        return None if c is None or c >= len(values) else values[c]

    def loc(self, row: int | None, key: str | None = None) -> Location:
        col = None if key is None or key not in self.columns else self.columns[key] + 1
        return Location(self.name, row, col)


@dataclass(frozen=True)
class ReadResult:
    bidset: BidSet | None
    problems: tuple[Problem, ...] = ()
    notes: tuple[Problem, ...] = ()
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return self.bidset is not None


class _Reader:
    def __init__(self, grids: dict[str, list[list[Any]]], info: XlsxInfo) -> None:
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []
        self.info = info
        self.sheets: dict[str, Sheet] = {}
        self._bad: dict[str, set[tuple[int, int]]] = {}
        self.attempted: set[tuple[str, str]] = set()  # (vendor, lot) of every row in Bids
        self.unknown_scale: set[str] = set()  # criteria naming a rating scale the sheet lacks
        self.criterion_rows: dict[str, tuple[Sheet, int]] = {}  # criterion -> where it is listed
        self.group_rows: dict[str, int] = {}  # folded group -> its Groups row
        for name, grid in grids.items():
            key = norm_header(name)
            if key in self.sheets:
                if key in _CONTRACT_SHEETS:
                    self.problem(Location("Workbook"),
                                 f"sheets '{self.sheets[key].name}' and '{name}' both read as the "
                                 f"{_CONTRACT_SHEETS[key]} sheet",
                                 "Rename or delete one of them, so that it is clear which one counts")
                continue
            self.sheets[key] = Sheet(str(name), grid)

    # -- helpers -----------------------------------------------------------
    def problem(self, where: Location, message: str, fix: str = "") -> None:
        self.problems.append(Problem(where, message, fix))

    def note(self, where: Location, message: str) -> None:
        self.notes.append(Problem(where, message))

    def sheet(self, name: str, required: tuple[str, ...], *, optional: bool) -> Sheet | None:
        sheet = self.sheets.get(name)
        title = {"okrs": "OKRs", "finding kinds": "Finding kinds", "kpis": "KPIs",
                 "techdebt": "TechDebt", "tech debt": "TechDebt"}.get(name, name.capitalize())
        if sheet is None:
            if not optional:
                self.problem(
                    Location(title),
                    f"the workbook has no '{title}' sheet",
                    f"Add a sheet named {title}, with columns {', '.join(required)} (see the template)",
                )
            return None
        info = self.info.sheet(sheet.name)
        if info is not None and info.hidden:
            self.note(Location(sheet.name), "this sheet is hidden in Excel; it was read like any other")
        missing = sheet.locate_header(required)
        if missing and name == "settings" and any(
            norm_header(row[0]) in SETTING_KEYS for row in sheet.grid[:HEADER_SCAN_ROWS] if row
        ):
            sheet.use_columns_ab()
            missing = ()
        if missing:
            names = ", ".join(f"'{m}'" for m in missing)
            extra = [k for k in sheet.columns if k not in required]
            guesses = [f"'{sheet.heading(g)}' for '{m}'" for m in missing
                       if (g := closest(m, extra)) is not None]
            self.problem(
                Location(sheet.name, sheet.header_row),
                f"the header row (searched in rows 1-{HEADER_SCAN_ROWS}) lacks column {names}"
                + (f"; did you mean {', '.join(guesses)}?" if guesses else ""),
                f"Add a column headed {names} to the header row"
                + (" (or correct the heading's spelling)" if guesses else ""),
            )
            return None
        self._report_cell_issues(sheet)
        self.check_repeated(sheet, required)
        return sheet

    def check_repeated(self, sheet: Sheet, keys: tuple[str, ...] | list[str]) -> None:
        """A column the reader uses must appear once in the header row."""
        for key in keys:
            if key in sheet.repeated:
                self.problem(
                    Location(sheet.name, sheet.header_row, sheet.repeated[key] + 1),
                    f"column '{key}' appears twice in the header row",
                    "Keep one column with this header (rename or delete the other)",
                )

    def _report_cell_issues(self, sheet: Sheet) -> None:
        used = set(sheet.columns.values())
        for r, row in enumerate(sheet.grid):
            for c, value in enumerate(row):
                if not isinstance(value, str) or c not in used:
                    continue
                if INVISIBLE.search(value):
                    self.note(Location(sheet.name, r + 1, c + 1),
                              "invisible characters (zero-width, text-direction, filler or control "
                              "characters) were removed from this cell")
        info = self.info.sheet(sheet.name)
        if info is None:
            return
        for row in info.hidden_rows:
            if row > sheet.header_row:
                self.note(Location(sheet.name, row), "this row is hidden in Excel; it was read "
                          "like any other row")
        used_cols = set(sheet.columns.values())
        for row, col in info.formula_without_value:
            if row > sheet.header_row and (col - 1) in used_cols:
                self.problem(
                    Location(sheet.name, row, col),
                    "this formula cell has no saved value",
                    "Open the file in Excel and save it (Excel stores the computed value), or type the value",
                )
        for row, col, text in info.error_cells:
            if row > sheet.header_row and (col - 1) in used_cols:
                self.problem(
                    Location(sheet.name, row, col),
                    f"this cell holds the Excel error {text}",
                    "Fix the formula or type the value",
                )
        for row, col, why in info.bad_values:
            if row > sheet.header_row and (col - 1) in used_cols:
                self.problem(Location(sheet.name, row, col), why,
                             "Type the value again in Excel and save the workbook")
        for row, col, chars in info.long_text:  # measured in the file: the parser cuts it short
            if row > sheet.header_row and (col - 1) in used_cols:
                self.problem(Location(sheet.name, row, col),
                             f"this cell holds {chars:,} characters, more than Excel's limit of "
                             f"{MAX_CELL_TEXT:,}", "Shorten the text")
        self._bad.setdefault(sheet.name, set()).update(
            {(r, c) for r, c in info.formula_without_value}
            | {(r, c) for r, c, _ in info.error_cells}
            | {(r, c) for r, c, _ in info.bad_values}
            | {(r, c) for r, c, _ in info.long_text}
        )

    def _flagged(self, sheet: Sheet, row: int, key: str) -> bool:
        """True for a cell already reported as a formula without value or an error value."""
        if key not in sheet.columns:
            return False
        return (row, sheet.columns[key] + 1) in self._bad.get(sheet.name, set())

    def score(self, sheet: Sheet, row: int, values: list[Any], key: str, crit: Criterion, *,
              what: str, required: bool = False, fix: str = "") -> float | None:
        """A score cell: a number, or on a criterion rated in words one of its scale's labels
        (the published value it stands for)."""
        raw = sheet.get(values, key)
        if fold(crit.name) in self.unknown_scale and isinstance(raw, str) and \
                parse_number_or_none(raw) is None:
            return None  # its scale was refused with its own message: one mistake, one message
        if crit.ratings and isinstance(raw, str) and not is_blank(raw) and \
                parse_number_or_none(raw) is None and not self._flagged(sheet, row, key):
            text = cell_text(raw)
            value = next((v for label, v in crit.ratings if fold(label) == fold(text)), None)
            if value is None:
                labels = [label for label, _ in crit.ratings]
                guess = closest(text, labels)
                self.problem(sheet.loc(row, key),
                             f"{what}: '{text}' is not a rating of scale '{crit.rating_scale}'"
                             + (f"; did you mean '{guess}'?" if guess else ""),
                             "Use one of: " + ", ".join(f"{lb} ({v:g})" for lb, v in crit.ratings))
            return value
        return self.number(sheet, row, values, key, what=what, required=required,
                           fix=fix or NUMBER_FIX)

    def number(
        self,
        sheet: Sheet,
        row: int,
        values: list[Any],
        key: str,
        *,
        what: str,
        required: bool = False,
        minimum: float | None = None,
        strict_min: bool = False,
        maximum: float | None = None,
        fix: str = "",
        fraction: bool = False,
    ) -> float | None:
        """A number cell; ``fraction``: a probability from 0 to 1 (a percent sign gets a hint
        for that, not the usual 'write 12 for 12 %')."""
        raw = sheet.get(values, key)
        if self._flagged(sheet, row, key):
            return None
        if is_blank(raw):
            if required:
                self.problem(sheet.loc(row, key), f"{what} is blank", fix or NUMBER_FIX)
            return None
        try:
            value = parse_number(raw)
        except FigureOutOfRange as exc:
            self.problem(sheet.loc(row, key), f"{what} is {cell_text(raw)[:40]}, {exc}",
                         "Check the figure (a misplaced exponent or unit?) and type it again")
            return None
        except ValueError as exc:
            reason = str(exc)
            if fraction and "percent sign" in reason:
                self.problem(sheet.loc(row, key), f"{what}: '{cell_text(raw)}' has a percent sign, "
                             "but this is a probability from 0 to 1",
                             "Write it as a fraction: 0.02 for 2 %")
                return None
            text = reason if reason.startswith("'") else f"{cell_text(raw)!r} {reason}"
            self.problem(sheet.loc(row, key), f"{what}: {text}", NUMBER_FIX)
            return None
        if minimum is not None and (value < minimum or (strict_min and value <= minimum)):
            bound = f"above {minimum:g}" if strict_min else f"at least {minimum:g}"
            self.problem(sheet.loc(row, key), f"{what} is {value:g}; it must be {bound}", fix)
            return None
        if maximum is not None and value > maximum:
            self.problem(
                sheet.loc(row, key), f"{what} is {value:g}; it must be at most {maximum:g}", fix
            )
            return None
        return value

    def yes_no(self, sheet: Sheet, row: int, values: list[Any], key: str, what: str) -> bool | None:
        raw = sheet.get(values, key)
        if is_blank(raw) or self._flagged(sheet, row, key):
            return None
        try:
            return parse_yes_no(raw)
        except ValueError:
            self.problem(
                sheet.loc(row, key),
                f"{what}: '{cell_text(raw)}' is not yes or no",
                "Write yes or no (also accepted: true/false, y/n, 1/0)",
            )
            return None

    # -- sheets ------------------------------------------------------------
    def ratings(self) -> dict[str, tuple[str, tuple[tuple[str, float], ...]]]:
        """The Ratings sheet: scales of ratings in words, each label with its published value
        (folded scale name -> (its name, ((label, value), ...) best first))."""
        sheet = self.sheet("ratings", ("scale", "label", "value"), optional=True)
        if sheet is None:
            return {}
        scales: dict[str, tuple[str, list[tuple[str, float]]]] = {}
        seen: dict[tuple[str, str], int] = {}
        for row, values in sheet.rows():
            scale, label = cell_text(sheet.get(values, "scale")), cell_text(sheet.get(values, "label"))
            for key, text in (("scale", scale), ("label", label)):
                if not text:
                    self.problem(sheet.loc(row, key), f"{key} is blank",
                                 f"Fill in the {key}, or clear the row")
            value = self.number(sheet, row, values, "value", what=f"value of rating '{label}'",
                                required=True, fix="Give the number the rating stands for")
            if not (scale and label) or value is None:
                continue
            key = (fold(scale), fold(label))
            if key in seen:
                self.problem(sheet.loc(row, "label"), f"rating '{label}' is listed twice in scale "
                             f"'{scale}' (first on row {seen[key]})", "Keep one row per label")
                continue
            seen[key] = row
            if parse_number_or_none(label) is not None:
                self.problem(sheet.loc(row, "label"), f"rating label '{label}' is a number",
                             "Name the rating in words (its number goes in the value column)")
                continue
            scales.setdefault(fold(scale), (scale, []))[1].append((label, value))
        return {k: (name, tuple(sorted(items, key=lambda lv: -lv[1])))
                for k, (name, items) in scales.items()}

    def finding_labels(self) -> dict[str, str]:
        """The Finding kinds sheet: the agency's own label for a kind of finding (kind -> label);
        kinds it leaves out keep their own name."""
        sheet = self.sheet("finding kinds", ("kind", "label"), optional=True)
        if sheet is None:
            return {}
        kinds = {norm_header(k): k for k in FINDING_KINDS}
        labels: dict[str, str] = {}
        taken: dict[str, tuple[str, int]] = {}  # label (folded) -> (kind, row)
        for row, values in sheet.rows():
            kind_text = cell_text(sheet.get(values, "kind"))
            label = cell_text(sheet.get(values, "label"))
            if not kind_text:
                self.problem(sheet.loc(row, "kind"), "kind is blank",
                             "Fill in the kind, or clear the row")
                continue
            kind = kinds.get(norm_header(kind_text))
            if kind is None:
                guess = closest(kind_text, list(FINDING_KINDS))
                self.problem(sheet.loc(row, "kind"), f"'{kind_text}' is not a kind of finding"
                             + (f"; did you mean '{guess}'?" if guess else ""),
                             "Use one of: " + ", ".join(FINDING_KINDS))
                continue
            if not label:
                self.problem(sheet.loc(row, "label"), f"the label of '{kind}' is blank",
                             "Write the name your agency uses for it, or clear the row")
                continue
            if kind in labels:
                self.problem(sheet.loc(row, "kind"), f"'{kind}' is listed twice",
                             "Keep one row per kind")
                continue
            other = kinds.get(norm_header(label))
            clash = taken.get(norm_header(label))
            if (other is not None and other != kind) or clash is not None:
                named = other if clash is None else clash[0]
                self.problem(sheet.loc(row, "label"),
                             f"the label '{label}' would also name '{named}'",
                             "Give each kind a label no other kind has (or is)")
                continue
            labels[kind] = label
            taken[norm_header(label)] = (kind, row)
        return labels

    def criteria(self, scales: dict[str, tuple[str, tuple[tuple[str, float], ...]]] | None = None
                 ) -> list[Criterion]:
        sheet = self.sheet("criteria", ("criterion", "weight", "direction"), optional=False)
        if sheet is None:
            return []
        scales = scales or {}
        out: list[Criterion] = []
        seen: dict[str, int] = {}
        for row, values in sheet.rows():
            name = cell_text(sheet.get(values, "criterion"))
            if self._flagged(sheet, row, "criterion"):
                continue
            if not name:
                self.problem(
                    sheet.loc(row, "criterion"),
                    "this row has no criterion name",
                    "Name the criterion, or clear the row",
                )
                continue
            key = norm_header(name)
            if key in seen:
                self.problem(
                    sheet.loc(row, "criterion"),
                    f"criterion '{name}' is listed twice (first on row {seen[key]})",
                    "Give each criterion one row with a unique name",
                )
                continue
            seen[key] = row
            if key in ("vendor", "lot"):
                self.problem(
                    sheet.loc(row, "criterion"),
                    f"'{name}' cannot be a criterion name: Bids uses that column",
                    "Rename the criterion",
                )
                continue
            weight = self.number(
                sheet, row, values, "weight", what=f"weight of '{name}'", required=True,
                minimum=0, fix="Weights are relative points, 0 or more",
            )
            direction_raw = cell_text(sheet.get(values, "direction")).casefold()
            direction = _DIRECTIONS.get(direction_raw)
            if direction is None:
                shown = f"'{direction_raw}'" if direction_raw else "blank"
                self.problem(
                    sheet.loc(row, "direction"),
                    f"direction of '{name}' is {shown}",
                    "Write max (more is better) or min (less is better); benefit/cost also work",
                )
            smin = self.number(sheet, row, values, "scale min", what=f"scale_min of '{name}'")
            smax = self.number(sheet, row, values, "scale max", what=f"scale_max of '{name}'")
            if (smin is None) != (smax is None) and not self._flagged_any(
                sheet, row, ("scale min", "scale max")
            ):
                self.problem(
                    sheet.loc(row, "scale min" if smin is None else "scale max"),
                    f"'{name}' has only one end of its scale",
                    "Give both scale_min and scale_max, or neither",
                )
                smin = smax = None
            if smin is not None and smax is not None and smax <= smin:
                self.problem(
                    sheet.loc(row, "scale max"),
                    f"scale of '{name}' runs from {smin:g} to {smax:g}",
                    "scale_max must be greater than scale_min",
                )
                smin = smax = None  # checked once here, not again in every bid
            scale_name = cell_text(sheet.get(values, "rating scale"))
            ratings: tuple[tuple[str, float], ...] = ()
            if scale_name:
                found = scales.get(fold(scale_name))
                if found is None:
                    names = [n for n, _ in scales.values()]
                    guess = closest(scale_name, names)
                    self.problem(sheet.loc(row, "rating scale"),
                                 f"'{scale_name}' is not a scale in the Ratings sheet"
                                 + (f"; did you mean '{guess}'?" if guess else ""),
                                 "Name a scale of the Ratings sheet (columns scale, label, value), "
                                 "or clear the cell to score this criterion in numbers")
                    self.unknown_scale.add(fold(name))  # its labels get no second message
                elif key == "price":
                    self.problem(sheet.loc(row, "rating scale"), "price is not rated in words",
                                 "Clear the rating_scale of the price criterion")
                else:
                    scale_name, ratings = found
                    values_ = [v for _, v in ratings]
                    if smin is None and smax is None and len(set(values_)) > 1:
                        smin, smax = min(values_), max(values_)  # the scale the ratings span
                    elif smin is not None and smax is not None and not all(
                            smin <= v <= smax for v in values_):
                        self.problem(sheet.loc(row, "rating scale"),
                                     f"scale '{scale_name}' has values outside '{name}''s "
                                     f"scale {smin:g}-{smax:g}",
                                     "Widen scale_min/scale_max, or clear them to take the ratings'")
            gate = self.number(sheet, row, values, "min acceptable", what=f"min_acceptable of '{name}'")
            published = self.weight_range(sheet, row, values, name)
            self.criterion_rows[name] = (sheet, row)
            if direction and key == "price" and direction != "min":
                self.problem(
                    sheet.loc(row, "direction"),
                    "the price criterion must have direction min (a lower price is better)",
                    "Set its direction to min",
                )
                continue
            # A criterion with a bad weight or direction is still kept (weight 0, max) so that
            # its Bids column is checked too: every problem is listed at once, and the
            # problems already recorded stop the workbook from loading.
            out.append(
                Criterion(
                    name=name,
                    weight=weight if weight is not None else 0.0,
                    direction=direction or "max",
                    group=cell_text(sheet.get(values, "group")),
                    scale_min=smin if key != "price" else None,
                    scale_max=smax if key != "price" else None,
                    min_acceptable=gate,
                    description=cell_text(sheet.get(values, "description")),
                    rating_scale=scale_name if ratings else "",
                    ratings=ratings,
                    weight_range=published,
                )
            )
        if not seen:
            self.problem(
                Location(sheet.name, sheet.header_row + 1),
                "the Criteria sheet lists no criteria",
                "Add one row per criterion below the header",
            )
        elif out and not self.problems and all(c.weight == 0 for c in out):
            self.problem(
                sheet.loc(None, "weight"),
                "every weight is 0",
                "Give at least one criterion a weight above 0",
            )
        return out

    def weight_range(self, sheet: Sheet, row: int, values: list[Any], name: str
                     ) -> tuple[float, float] | None:
        """A criterion's published weight range (weight_min, weight_max: % of all the weight)."""
        low = self.number(sheet, row, values, "weight min", what=f"weight_min of '{name}'",
                          minimum=0, maximum=100, fix="Give the range in percent, 0 to 100")
        high = self.number(sheet, row, values, "weight max", what=f"weight_max of '{name}'",
                           minimum=0, maximum=100, fix="Give the range in percent, 0 to 100")
        if low is None and high is None:
            return None
        if (low is None) != (high is None):
            if all(is_blank(sheet.get(values, k)) == (v is None)  # not a cell already refused
                   for k, v in (("weight min", low), ("weight max", high))):
                self.problem(sheet.loc(row, "weight min" if low is None else "weight max"),
                             f"'{name}' has only one end of its published weight range",
                             "Give both weight_min and weight_max (in percent), or neither")
            return None
        assert low is not None and high is not None
        if high < low:
            self.problem(sheet.loc(row, "weight max"),
                         f"the published weight range of '{name}' runs from {low:g} % down to "
                         f"{high:g} %", "weight_max must be at least weight_min")
            return None
        return (low, high)

    def factors(self, criteria: list[Criterion]) -> list[Factor]:
        """The Groups sheet: each factor's weight, every criterion in one of them; the criteria's
        weights become weights within their factor, and their weight in the ranking the product.
        Without the sheet, groups are labels and the criteria's weights are used as they are."""
        sheet = self.sheet("groups", ("group", "weight"), optional=True)
        if sheet is None:
            return []
        out: dict[str, Factor] = {}
        for row, values in sheet.rows():
            name = cell_text(sheet.get(values, "group"))
            if not name:
                self.problem(sheet.loc(row, "group"), "this row has no group name",
                             "Name the group (a factor), or clear the row")
                continue
            if fold(name) in out:
                self.problem(sheet.loc(row, "group"), f"group '{name}' is listed twice",
                             "Give each group one row")
                continue
            weight = self.number(sheet, row, values, "weight", what=f"weight of group '{name}'",
                                 required=True, minimum=0, fix="Weights are relative points, 0 or more")
            out[fold(name)] = Factor(name, 0.0 if weight is None else weight,
                                     cell_text(sheet.get(values, "description")))
            self.group_rows[fold(name)] = row
        if not out:  # no rows (as the template has it): the criteria are weighted directly
            return []
        used = set()
        for c in criteria:
            where = self.criterion_rows.get(c.name)
            if where is None:
                continue
            csheet, crow = where
            if not c.group:
                self.problem(csheet.loc(crow, "group"), f"'{c.name}' is in no group, and the "
                             "workbook weights by groups (it has a Groups sheet)",
                             "Put the criterion in one of the Groups sheet's groups")
            elif fold(c.group) not in out:
                guess = closest(c.group, [f.name for f in out.values()])
                self.problem(csheet.loc(crow, "group"), f"'{c.group}' is not a group of the "
                             "Groups sheet" + (f"; did you mean '{guess}'?" if guess else ""),
                             "Name a group listed in the Groups sheet, or add it there")
            else:
                used.add(fold(c.group))
        for key, factor in out.items():
            if key not in used and not self.problems:
                self.problem(sheet.loc(self.group_rows[key], "group"),
                             f"group '{factor.name}' has no criterion",
                             "Put criteria in it (Criteria sheet, column group), or clear the row")
        if not self.problems and all(f.weight == 0 for f in out.values()):
            self.problem(sheet.loc(None, "weight"), "every group's weight is 0",
                         "Give at least one group a weight above 0")
        for key, factor in out.items():
            members = [c for c in criteria if fold(c.group) == key]
            if not self.problems and factor.weight > 0 and members and all(
                    c.weight == 0 for c in members):
                self.problem(sheet.loc(self.group_rows[key], "weight"),
                             f"group '{factor.name}' weighs {factor.weight:g} but every criterion "
                             "in it has weight 0", "Give a criterion of the group a weight, or "
                             "the group weight 0")
        return list(out.values())

    def _flagged_any(self, sheet: Sheet, row: int, keys: tuple[str, ...]) -> bool:
        return any(self._flagged(sheet, row, k) for k in keys)

    def components(self) -> list[Component] | None:
        sheet = self.sheet("components", ("component",), optional=True)
        if sheet is None:
            return None if "components" not in self.sheets else []
        out: list[Component] = []
        seen: dict[str, int] = {}
        for row, values in sheet.rows():
            name = cell_text(sheet.get(values, "component"))
            if not name:
                self.problem(sheet.loc(row, "component"), "this row has no component name",
                             "Name the component, or clear the row")
                continue
            if fold(name) == fold(BUNDLE_LOT):
                self.problem(sheet.loc(row, "component"),
                             f"'{BUNDLE_LOT}' is reserved for bundle bids",
                             "Give the component another name")
                continue
            if fold(name) in seen:
                self.problem(sheet.loc(row, "component"),
                             f"component '{name}' is listed twice (first on row {seen[fold(name)]})",
                             "List each component once")
                continue
            seen[fold(name)] = row
            crit = self.number(sheet, row, values, "criticality", what=f"criticality of '{name}'",
                               minimum=1, maximum=5, fix="Criticality runs from 1 (low) to 5 (critical)")
            cost = self.number(sheet, row, values, "switching cost",
                               what=f"switching_cost of '{name}'", minimum=0)
            months = self.number(sheet, row, values, "switching months",
                                 what=f"switching_months of '{name}'", minimum=0)
            out.append(Component(name, 3.0 if crit is None else crit, cost or 0.0, months))
            if len(out) == MAX_COMPONENTS + 1:
                self.problem(sheet.loc(row, "component"),
                             f"this is component {len(out):,}: a workbook describes at most "
                             f"{MAX_COMPONENTS:,} components",
                             "Group components into fewer, larger ones, or evaluate the "
                             "procurement in parts")
        return out

    def vendors(self) -> list[VendorInfo]:
        sheet = self.sheet("vendors", ("vendor",), optional=True)
        if sheet is None:
            return []
        out: list[VendorInfo] = []
        seen: set[str] = set()
        for row, values in sheet.rows():
            name = cell_text(sheet.get(values, "vendor"))
            if not name:
                self.problem(sheet.loc(row, "vendor"), "this row has no vendor name",
                             "Name the vendor, or clear the row")
                continue
            if fold(name) in seen:
                self.problem(sheet.loc(row, "vendor"), f"vendor '{name}' is listed twice",
                             "List each vendor once")
                continue
            seen.add(fold(name))
            prob = self.number(sheet, row, values, "annual failure prob",
                               what=f"annual_failure_prob of '{name}'", minimum=0, maximum=1,
                               fix="A probability per year between 0 and 1 (0.02 = 2 %)",
                               fraction=True)
            out.append(VendorInfo(name, prob))
        return out

    def okrs(self) -> list[OKR]:
        sheet = self.sheet("okrs", ("okr",), optional=True)
        if sheet is None:
            return []
        out: list[OKR] = []
        for row, values in sheet.rows():
            name = cell_text(sheet.get(values, "okr"))
            if not name:
                self.problem(sheet.loc(row, "okr"), "this row has no OKR text",
                             "Write the objective, or clear the row")
                continue
            mission = self.yes_no(sheet, row, values, "mission outcome", "mission_outcome")
            out.append(OKR(name, bool(mission), cell_text(sheet.get(values, "metric")),
                           cell_text(sheet.get(values, "target"))))
        return out

    def settings(self) -> Settings:
        """The Settings sheet, each value checked against its specification (scoring.settings)."""
        sheet = self.sheet("settings", ("key", "value"), optional=True)
        if sheet is None:
            return Settings()
        values_by_key: dict[str, Any] = {}
        rows: dict[str, int] = {}
        for row, values in sheet.rows():
            key = norm_header(sheet.get(values, "key"))
            if not key:
                continue
            if key in rows:
                self.problem(sheet.loc(row, "key"), f"setting '{key}' is given twice "
                             f"(first on row {rows[key]})", "Keep one row per setting")
                continue
            rows[key] = row
            spec = _SETTING_BY_HEADER.get(key)
            if spec is None:
                self.note(sheet.loc(row, "key"), f"setting '{cell_text(sheet.get(values, 'key'))}'"
                          " is not one this version uses; it was ignored")
                continue
            raw = sheet.get(values, "value")
            if is_blank(raw) or self._flagged(sheet, row, "value"):
                continue
            if spec.kind == Kind.CHOICE:
                value: Any = norm_header(raw).replace(" ", "_")
            elif spec.kind == Kind.TEXT:
                value = cell_text(raw)
            else:
                value = self.number(sheet, row, values, "value", what=f"setting {spec.key}",
                                    fraction=spec.unit == "per year")
                if value is None:
                    continue
            why = spec.problem(value)
            if why is not None:
                shown = cell_text(raw) if spec.kind == Kind.CHOICE else (
                    f"{value:g}" if isinstance(value, float) else value)
                self.problem(sheet.loc(row, "value"), f"setting {spec.key} is {shown!r}; it {why}"
                             if spec.kind in (Kind.CHOICE, Kind.TEXT)
                             else f"setting {spec.key} is {shown}; it {why}",
                             spec.fix())
                continue
            values_by_key[spec.key] = spec.coerce(value)
        settings = Settings(**values_by_key)
        for key, message, fix in settings.problems():
            self.problem(sheet.loc(rows.get(header_key(key)), "value"), message, fix)
        return settings

    def bids(
        self,
        criteria: list[Criterion],
        components: list[Component] | None,
        panel_keys: set[tuple[str, str]],
    ) -> list[Bid]:
        sheet = self.sheet("bids", ("vendor", "price"), optional=False)
        if sheet is None:
            return []
        scored = [c for c in criteria if not c.is_price]
        scored_keys = [(c, norm_header(c.name)) for c in scored]
        self.check_repeated(sheet, ["lot", *(k for _, k in scored_keys),
                                    *(k for _, k in _SLA_NUMERIC_KEYS + _SLA_YES_NO_KEYS)])
        missing_cols = [c for c in scored if norm_header(c.name) not in sheet.columns]
        known = {"vendor", "lot", "price", *(k for _, k in scored_keys),
                 *(k for _, k in _SLA_NUMERIC_KEYS + _SLA_YES_NO_KEYS)}
        spare = [k for k in sheet.columns if k not in known]
        for c in missing_cols:
            if not any(crit == fold(c.name) for _, crit in panel_keys):
                guess = closest(norm_header(c.name), spare)
                self.problem(
                    Location(sheet.name, sheet.header_row,
                             None if guess is None else sheet.columns[guess] + 1),
                    f"the header row has no column for criterion '{c.name}'"
                    + (f"; did you mean '{sheet.heading(guess)}'?" if guess else ""),
                    (f"Head the column '{c.name}', as the criterion is named in Criteria" if guess
                     else f"Add a column headed '{c.name}' with each bid's score"),
                )
        component_names = {fold(c.name): c.name for c in components or []}
        lot_spelling: dict[str, str] = {}
        out: list[Bid] = []
        seen: dict[tuple[str, str], int] = {}
        spelling: dict[str, str] = {}
        looks: dict[str, tuple[str, int]] = {}
        squashed: dict[str, tuple[str, int]] = {}
        rows = list(sheet.rows())
        any_lot = any(not is_blank(sheet.get(v, "lot")) for _, v in rows)
        for row, values in rows:
            vendor = cell_text(sheet.get(values, "vendor"))
            if self._flagged(sheet, row, "vendor"):
                continue
            if not vendor:
                self.problem(sheet.loc(row, "vendor"), "this bid has no vendor name",
                             "Name the vendor, or clear the row")
                continue
            vendor = spelling.setdefault(fold(vendor), vendor)  # one vendor, one spelling
            twin = looks.setdefault(skeleton(vendor), (vendor, row))
            near = squashed.setdefault(re.sub(r"[\W_]+", "", skeleton(vendor)), (vendor, row))
            if twin[0] != vendor:
                self.note(sheet.loc(row, "vendor"),
                          f"vendor '{vendor}' looks like '{twin[0]}' (row {twin[1]}) but is "
                          "spelled with different characters; check they are not the same company")
            elif near[0] != vendor:
                self.note(sheet.loc(row, "vendor"),
                          f"vendor '{vendor}' differs from '{near[0]}' (row {near[1]}) only in "
                          "spaces or punctuation; check they are not the same company")
            self.attempted.add((fold(vendor), fold(cell_text(sheet.get(values, "lot")))))
            lot = self._lot(sheet, row, values, any_lot, components, component_names, lot_spelling)
            price = self.number(
                sheet, row, values, "price", what=f"price of {vendor}", required=True,
                minimum=0, strict_min=True,
                fix="Enter the total evaluated price over the contract term, above 0",
            )
            scores: dict[str, float] = {}
            for c, key in scored_keys:
                if key not in sheet.columns:
                    continue
                covered = (fold(vendor), fold(c.name)) in panel_keys
                value = self.score(sheet, row, values, key, c, what=f"{vendor}'s '{c.name}' score",
                                   required=not covered,
                                   fix="Enter the score (or supply it in the Scores sheet)")
                if value is None:
                    continue
                if self._score_out_of_range(sheet, row, key, c, value, vendor):
                    continue
                scores[c.name] = value
            sla = self._sla(sheet, row, values)
            if lot is None:
                continue
            dup = (fold(vendor), fold(lot))
            if dup in seen:
                where = f"lot {lot}" if lot else "this evaluation"
                self.problem(sheet.loc(row, "vendor"),
                             f"{vendor} already has a bid in {where} (row {seen[dup]})",
                             "A vendor may bid once per lot; remove or merge the duplicate")
                continue
            seen[dup] = row
            if price is None:
                continue
            out.append(Bid(vendor=vendor, lot=lot, price=price, scores=scores, sla=sla, row=row))
        self._check_size(sheet, out)
        if not rows:
            self.problem(Location(sheet.name, sheet.header_row + 1), "the Bids sheet has no bids",
                         "Add one row per bid below the header")
        return out

    def _check_size(self, sheet: Sheet, bids: list[Bid]) -> None:
        """One message for a workbook over the size one evaluation may hold, at the first bid past
        the limit."""
        if len(bids) > MAX_BIDS:
            self.problem(sheet.loc(bids[MAX_BIDS].row, "vendor"),
                         f"this is bid {MAX_BIDS + 1:,}: a workbook holds at most {MAX_BIDS:,} bids",
                         "Evaluate the procurement in parts (one workbook per group of lots), or "
                         "leave out bids already excluded")
            return
        per_lot: dict[str, int] = {}
        for bid in bids:
            per_lot[bid.lot] = per_lot.get(bid.lot, 0) + 1
            if per_lot[bid.lot] == MAX_BIDS_PER_LOT + 1:
                where = f"lot {bid.lot}" if bid.lot else "the evaluation"
                self.problem(sheet.loc(bid.row, "vendor"),
                             f"this is bid {MAX_BIDS_PER_LOT + 1:,} in {where}: one lot holds at "
                             f"most {MAX_BIDS_PER_LOT:,} bids",
                             "Split the lot, or leave out bids already excluded")
                return

    def _score_out_of_range(
        self, sheet: Sheet, row: int, key: str, c: Criterion, value: float, vendor: str
    ) -> bool:
        why = c.score_problem(value)
        if why is not None:
            fix = (f"Enter a score from {c.scale_min:g} to {c.scale_max:g}, the scale set in Criteria"
                   if c.has_scale else "Give the criterion scale_min and scale_max in Criteria")
            self.problem(sheet.loc(row, key), f"{vendor}'s '{c.name}' score {why}", fix)
        return why is not None

    def _lot(
        self,
        sheet: Sheet,
        row: int,
        values: list[Any],
        any_lot: bool,
        components: list[Component] | None,
        component_names: dict[str, str],
        lot_spelling: dict[str, str],
    ) -> str | None:
        raw = cell_text(sheet.get(values, "lot"))
        if not raw:
            if any_lot:
                self.problem(sheet.loc(row, "lot"), "lot is blank while other bids name their lot",
                             f"Write the component this bid covers, or {BUNDLE_LOT} for a bundle")
                return None
            return SINGLE_LOT
        if fold(raw) == fold(BUNDLE_LOT):
            return BUNDLE_LOT
        if components is not None:
            if fold(raw) not in component_names:
                known = ", ".join(component_names.values()) or "none listed"
                guess = closest(raw, list(component_names.values()))
                self.problem(sheet.loc(row, "lot"), f"lot '{raw}' is not in the Components sheet"
                             + (f"; did you mean '{guess}'?" if guess else ""),
                             f"Use a component listed there ({known}) or {BUNDLE_LOT}")
                return None
            return component_names[fold(raw)]
        return lot_spelling.setdefault(fold(raw), raw)

    def _sla(self, sheet: Sheet, row: int, values: list[Any]) -> SLATerms:
        terms: dict[str, Any] = {}
        for name, key in _SLA_NUMERIC_KEYS:
            if key in sheet.columns:
                terms[name] = self.number(sheet, row, values, key, what=name, minimum=0)
        for name, key in _SLA_YES_NO_KEYS:
            if key in sheet.columns:
                terms[name] = self.yes_no(sheet, row, values, key, name)
        return SLATerms(**terms)

    def panel(self, criteria: list[Criterion]) -> list[PanelScore]:
        sheet = self.sheet("scores", ("evaluator", "vendor", "criterion", "score"), optional=True)
        if sheet is None:
            return []
        by_name = {fold(c.name): c for c in criteria}
        by_header = {norm_header(c.name): c for c in criteria}
        out: list[PanelScore] = []
        seen: dict[tuple[str, str, str, str], int] = {}
        for row, values in sheet.rows():
            evaluator = cell_text(sheet.get(values, "evaluator"))
            vendor = cell_text(sheet.get(values, "vendor"))
            cname = cell_text(sheet.get(values, "criterion"))
            lot = cell_text(sheet.get(values, "lot"))
            for key, text in (("evaluator", evaluator), ("vendor", vendor), ("criterion", cname)):
                if not text:
                    self.problem(sheet.loc(row, key), f"{key} is blank",
                                 f"Fill in the {key}, or clear the row")
            if not (evaluator and vendor and cname):
                continue
            crit = by_name.get(fold(cname)) or by_header.get(norm_header(cname))
            if crit is None or crit.is_price:
                scored = [c.name for c in criteria if not c.is_price]
                guess = None if crit is not None else closest(cname, scored)
                self.problem(sheet.loc(row, "criterion"),
                             f"'{cname}' is not a scored criterion in the Criteria sheet"
                             + (f"; did you mean '{guess}'?" if guess else ""),
                             "Use a criterion name from the Criteria sheet (not price)")
                continue
            score = self.score(sheet, row, values, "score", crit,
                               what=f"{evaluator}'s '{crit.name}' score for {vendor}",
                               required=True)
            if score is None:
                continue
            # The same rules as a score in Bids: the panel's median replaces that value.
            if self._score_out_of_range(sheet, row, "score", crit, score, f"{evaluator}: {vendor}"):
                continue
            key = (fold(evaluator), fold(vendor), fold(lot), fold(crit.name))
            if key in seen:
                self.problem(sheet.loc(row, "score"),
                             f"{evaluator} already scored {vendor} on '{crit.name}' (row {seen[key]})",
                             "Keep one score per evaluator, bid and criterion")
                continue
            seen[key] = row
            out.append(PanelScore(evaluator, vendor, lot, crit.name, score,
                                  cell_text(sheet.get(values, "rationale")), row))
        return out


def _findings(reader: _Reader, criteria: list[Criterion], bids: list[Bid],
              labels: dict[str, str] | None = None) -> list[Finding]:
    """The Findings sheet: each row one strength, weakness, deficiency or risk of one bid on one
    criterion, with its text and the proposal reference it rests on (a kind by its own name or
    by its label in the Finding kinds sheet)."""
    raw = reader.sheets.get("findings")
    if raw is not None and not any(norm_header(v) in ("kind", "text") for row in
                                   raw.grid[:HEADER_SCAN_ROWS] for v in row if v is not None):
        # a sheet of the workbook's own named Findings (notes, say), not the contract's: kept
        # out, and said so, as workbooks written before the sheet existed may have one
        reader.note(Location(raw.name), "this sheet has no 'kind' or 'text' column, so it was "
                    "not read as findings (the Findings sheet's columns: evaluator, vendor, lot, "
                    "criterion, kind, text, reference)")
        return []
    sheet = reader.sheet("findings", ("vendor", "criterion", "kind", "text"), optional=True)
    if sheet is None:
        return []
    by_name = {fold(c.name): c for c in criteria}
    by_header = {norm_header(c.name): c for c in criteria}
    by_vendor: dict[str, list[Bid]] = {}
    for b in bids:
        by_vendor.setdefault(fold(b.vendor), []).append(b)
    labels = labels or {}
    kinds = {norm_header(k): k for k in FINDING_KINDS}
    kinds.update({norm_header(label): k for k, label in labels.items()})
    names = [labels.get(k, k) for k in FINDING_KINDS]
    out: list[Finding] = []
    for row, values in sheet.rows():
        vendor = cell_text(sheet.get(values, "vendor"))
        cname = cell_text(sheet.get(values, "criterion"))
        kind_text = cell_text(sheet.get(values, "kind"))
        text = cell_text(sheet.get(values, "text"))
        lot = cell_text(sheet.get(values, "lot"))
        blank = [k for k, v in (("vendor", vendor), ("criterion", cname), ("kind", kind_text),
                                ("text", text)) if not v]
        for key in blank:
            reader.problem(sheet.loc(row, key), f"{key} is blank",
                           f"Fill in the {key}, or clear the row")
        if blank:
            continue
        crit = by_name.get(fold(cname)) or by_header.get(norm_header(cname))
        if crit is None:
            guess = closest(cname, [c.name for c in criteria])
            reader.problem(sheet.loc(row, "criterion"),
                           f"'{cname}' is not a criterion in the Criteria sheet"
                           + (f"; did you mean '{guess}'?" if guess else ""),
                           "Use a criterion name from the Criteria sheet")
            continue
        kind = kinds.get(norm_header(kind_text))
        if kind is None:
            guess = closest(kind_text, names)
            reader.problem(sheet.loc(row, "kind"),
                           f"'{kind_text}' is not a kind of finding"
                           + (f"; did you mean '{guess}'?" if guess else ""),
                           "Use one of: " + ", ".join(names))
            continue
        found = by_vendor.get(fold(vendor), [])
        if lot:
            found = [b for b in found if fold(b.lot) == fold(lot)]
        if len(found) != 1:
            tried = ((fold(vendor), fold(lot)) in reader.attempted if lot
                     else not found and any(v == fold(vendor) for v, _ in reader.attempted))
            if tried:
                continue  # the bid was refused with its own message: one mistake, one message
            if found:
                reader.problem(sheet.loc(row, "lot"), f"{vendor} bid on several lots; this "
                               "finding names none", "Fill in the lot column")
            else:
                reader.problem(sheet.loc(row, "vendor"),
                               f"{vendor} has no bid{f' in lot {lot}' if lot else ''} in the "
                               "Bids sheet", "Use the vendor (and lot) exactly as in Bids")
            continue
        out.append(Finding(found[0].vendor, found[0].lot, crit.name, kind, text,
                           cell_text(sheet.get(values, "reference")),
                           cell_text(sheet.get(values, "evaluator")), row))
    return out


def _apply_consensus(
    reader: _Reader, bids: list[Bid], panel: list[PanelScore], criteria: list[Criterion]
) -> list[Bid]:
    """Fill each bid's scores with the panel's median where the Scores sheet covers them.

    Scores naming no bid, or an ambiguous one, are reported; the median itself is the panel
    module's consensus, the same the Panel page and the ``panel`` command show.
    """
    if not panel:
        return bids
    by_vendor: dict[str, list[Bid]] = {}
    for b in bids:
        by_vendor.setdefault(fold(b.vendor), []).append(b)
    vendors_named = {vendor for vendor, _ in reader.attempted}
    for p in panel:
        candidates = by_vendor.get(fold(p.vendor), [])
        if p.lot:
            candidates = [b for b in candidates if fold(b.lot) == fold(p.lot)]
        where = Location("Scores", p.row)
        if not candidates:
            tried = ((fold(p.vendor), fold(p.lot)) in reader.attempted if p.lot else
                     fold(p.vendor) not in by_vendor and fold(p.vendor) in vendors_named)
            if tried:
                continue  # the bid was refused with its own message: one mistake, one message
            lot = f" in lot {p.lot}" if p.lot else ""
            reader.problem(where, f"{p.vendor} has no bid{lot} in the Bids sheet",
                           "Use the vendor (and lot) exactly as in Bids")
            continue
        if len(candidates) > 1:
            reader.problem(where, f"{p.vendor} bid on several lots; this score names none",
                           "Fill in the lot column")
    draft = BidSet(criteria=tuple(criteria), bids=tuple(bids))
    out = list(apply_consensus(draft, consensus(draft, panel)).bids)
    covered = {(fold(p.vendor), fold(p.criterion)) for p in panel}
    for b in out:
        for c in criteria:
            if (fold(b.vendor), fold(c.name)) in covered and c.name not in b.scores:
                reader.problem(Location("Bids", b.row),
                               f"{b.vendor} has no '{c.name}' score in Bids or Scores",
                               "Enter the score in Bids or in the Scores sheet")
    return out


def _cell(value: Any) -> Any:
    """A cell as pandas' calamine reader gives it: whole floats as int, dates as datetimes."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def read_grids(data: bytes) -> dict[str, list[list[Any]]]:
    """Every worksheet's cells, row by row from A1 (blank rows and columns kept, empty cells as
    ""), read with python-calamine directly: the cells pandas' ``read_excel(engine="calamine",
    header=None, dtype=object)`` gives, without building a frame per sheet (a quarter of a
    workbook's read). No text is taken for a missing value: "NA" may be a lot, "None" a
    criterion."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {sheet.name: [[_cell(v) for v in row]
                         for row in book.get_sheet_by_name(sheet.name).to_python(
                             skip_empty_area=False)]
            for sheet in book.sheets_metadata if sheet.typ == SheetTypeEnum.WorkSheet}


def open_book(data: bytes) -> tuple[_Reader, XlsxInfo] | tuple[Problem, ...]:
    """A workbook's bytes through the guard and the parser: a reader of its sheets (its notes
    taken), or the problems that stop it being read (refused, or damaged inside)."""
    info: XlsxInfo | None = None
    try:
        info = inspect_xlsx(data)
        grids = read_grids(data)
    except WorkbookRefused as exc:
        return (Problem(Location(exc.sheet or "Workbook"), str(exc)),)
    except Exception:  # a parser failure on a file that passed the guard: damaged inside
        damaged = [Problem(Location(s.name, row, col), why,
                           "Type the value again in Excel and save the workbook")
                   for s in (info.sheets if info else ()) for row, col, why in s.bad_values]
        return tuple(damaged) or (
            Problem(Location("Workbook"), "The workbook could not be read: it is damaged",
                    "Open it in Excel, save it as an Excel Workbook (.xlsx) and upload that file"),)
    reader = _Reader(grids, info)
    for text in info.notes:
        reader.note(Location("Workbook"), text)
    return reader, info


def in_place(info: XlsxInfo, problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """Problems in the workbook's order: by sheet (as in the workbook), row, column."""
    order = {norm_header(s.name): i for i, s in enumerate(info.sheets)}

    def place(p: Problem) -> tuple[int, int, int]:
        sheet = -1 if p.location.sheet == "Workbook" else order.get(norm_header(p.location.sheet),
                                                                     len(order))
        return sheet, p.location.row or 0, p.location.col or 0

    return tuple(sorted(problems, key=place))


def read_workbook(data: bytes) -> ReadResult:
    """Validate a bid workbook's bytes into a BidSet, or list every problem found."""
    digest = hashlib.sha256(data).hexdigest()
    opened = open_book(data)
    if len(opened) != 2 or not isinstance(opened[0], _Reader):
        return ReadResult(None, opened, sha256=digest)  # type: ignore[arg-type]
    reader, info = opened
    criteria = reader.criteria(reader.ratings())
    factors = reader.factors(criteria)
    criteria = _weighted(reader, criteria, factors)
    settings = reader.settings()
    components = reader.components()
    vendors = reader.vendors()
    okrs = reader.okrs()
    panel = reader.panel(criteria)
    panel_keys = {(fold(p.vendor), fold(p.criterion)) for p in panel}
    bids = reader.bids(criteria, components, panel_keys)
    bids = _apply_consensus(reader, bids, panel, criteria)
    labels = reader.finding_labels()
    findings = _findings(reader, criteria, bids, labels)
    strategy = read_strategy(reader)
    notes = in_place(info, reader.notes)
    if reader.problems:
        return ReadResult(None, in_place(info, reader.problems), notes, digest)
    bidset = BidSet(
        criteria=tuple(criteria),
        bids=tuple(bids),
        settings=settings,
        components=tuple(components or ()),
        vendors=tuple(vendors),
        panel_scores=tuple(panel),
        okrs=tuple(okrs),
        findings=tuple(findings),
        sha256=digest,
        notes=notes,
        finding_labels=tuple((k, labels[k]) for k in FINDING_KINDS if k in labels),
        factors=tuple(factors),
        strategy=strategy,
    )
    return ReadResult(bidset, (), notes, digest)


def _weighted(reader: _Reader, criteria: list[Criterion], factors: list[Factor]) -> list[Criterion]:
    """The criteria with their weight in the ranking: with factors, the factor's weight times
    the weight within the factor (``local_weight`` keeps the one typed); then the published
    ranges checked against the weights: each range must hold its criterion's weight (so the
    ranges together always hold a weighting, the one stated)."""
    if reader.problems:
        return criteria
    if factors:
        by = {fold(f.name): f for f in factors}
        within = {fold(f.name): [c.weight for c in criteria if fold(c.group) == fold(f.name)]
                  for f in factors}

        def product(c: Criterion) -> float:  # a factor's one criterion keeps its points exactly
            f, local = by[fold(c.group)], within[fold(c.group)]
            return f.weight * c.weight / sum(local) if sum(local) > 0 else 0.0  # a factor at 0

        criteria = [replace(c, group=by[fold(c.group)].name, weight=product(c),
                            local_weight=c.weight) for c in criteria]
    ranged = [c for c in criteria if c.weight_range is not None]
    total = sum(c.weight for c in criteria)
    for c in ranged:
        assert c.weight_range is not None
        low, high = c.weight_range
        share = 100.0 * c.weight / total if total > 0 else 0.0
        if not low - 1e-9 <= share <= high + 1e-9:
            sheet, row = reader.criterion_rows[c.name]
            reader.problem(sheet.loc(row, "weight"), f"'{c.name}' weighs {share:.4g} % of all the "
                           f"weight, outside its published range {low:g}-{high:g} %",
                           "Change the weight or the range: the weight used must lie inside the "
                           "range published")
    return criteria


def read_path(path: str) -> ReadResult:
    with open(path, "rb") as fh:
        return read_workbook(fh.read())
