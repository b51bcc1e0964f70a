"""The Excel evaluation report: a document a contracting officer can file as the record.

Sheets: Summary, Scores, Findings, Record checks, Robustness, Scenarios, Compliance, Audit log,
Inputs, Evaluation.
Every figure comes from one :class:`~scoring.results.Results` (the same the pages and the
command line read), and the Evaluation sheet holds that evaluation's JSON, so the report can
be reproduced. Every sheet is marked as source selection information. No cell written from
user input can run as a formula: text starting with = + - @, tab or CR is stored exactly as
written in a text cell with Excel's quote prefix.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule, DataBarRule, FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from scoring.compliance import ELEMENTS
from scoring.evaluation import WEIGHT_MODE_LABELS
from scoring.mcda import METHOD_LABELS, PRICE_FORMULA_LABELS, Ranking
from scoring.model import lot_name
from scoring.panel import merge_scores
from scoring.record import describe as describe_checks
from scoring.results import Results
from scoring.settings import SPECS
from scoring.strategy import QUESTIONS, Summary, as_percent, percent, shown, stability_sentence
from scoring.weights import describe_outside, outside_ranges, split

MARKING = "SOURCE SELECTION INFORMATION — SEE FAR 2.101 AND 3.104"
ADVISORY = ("This report is advisory. The tool scores and explains bids; it does not select the "
            "winner. The source selection authority decides, on the evaluation record.")
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
HEAD_FILL = PatternFill("solid", fgColor="1F3864")
HEAD_FONT = Font(bold=True, color="FFFFFF")
MARK_FONT = Font(bold=True, color="9C0006")
MARK_FILL = PatternFill("solid", fgColor="FFE7E6")
GOOD_FILL = PatternFill("solid", fgColor="E3F1EA")
BAD_FILL = PatternFill("solid", fgColor="FBE3D6")
PACKAGES = ("source-selection-workbench", "streamlit", "scikit-criteria", "pandas", "numpy",
            "scipy", "openpyxl", "python-calamine")


WRAP_AT = 30  # text longer than this wraps within its column
BASE_PT = 11  # the workbook's font size (Calibri 11)
MIN_PRINT_PT = 8  # no sheet prints smaller
# column-width units across a landscape Letter page (0.4 in margins) at 100 %: LibreOffice
# prints 90 units of Calibri 11 on one page with 0.75 in margins and spills 100 onto a second
PRINTABLE_UNITS = 96
NARROWEST = 12  # a text column wraps rather than go narrower than this


def print_scale(width_units: float) -> int:
    """The print scale (%) that fits ``width_units`` on one page wide, but never below the scale
    at which text prints at MIN_PRINT_PT (wider content is laid out to stay within that)."""
    floor = math.ceil(100 * MIN_PRINT_PT / BASE_PT)
    return max(floor, min(100, int(100 * PRINTABLE_UNITS / max(width_units, 1))))


# the widest a sheet may be (column-width units) and still print one page wide at MIN_PRINT_PT
WIDEST = PRINTABLE_UNITS * 100 / print_scale(math.inf)


def _cell_width(value: Any) -> int:
    """The column width a cell asks for: its text (numbers as the report shows them) up to
    WRAP_AT, with a margin."""
    text = "" if value is None else f"{value:,.4f}" if isinstance(value, float) else str(value)
    return min(WRAP_AT, len(text)) + 2


def _heading_word(name: Any) -> str:
    """A heading wraps at its spaces: its longest word sets the least width of its column."""
    return max(str(name).split() or [""], key=len)


def _column_width(name: Any, values: Sequence[Any]) -> int:
    """The width a column takes once laid out (as Sheet.table and finish lay it out): its
    heading's longest word and its values, text columns no wider than NARROWEST if need be."""
    word = _heading_word(name)
    width = max(8, _cell_width(word), *(_cell_width(v) for v in values))
    text = any(isinstance(v, str) and len(v) > NARROWEST for v in values)
    return min(width, max(NARROWEST, len(word) + 2)) if text else width


def _column_parts(frame: pd.DataFrame) -> list[list[Any]]:
    """The frame's columns in parts that each fit one printed page at the smallest print size,
    each part after the first repeating the first column (usually the vendor)."""
    limit = WIDEST
    columns = list(frame.columns)
    widths = {c: _column_width(c, frame[c].tolist()) for c in columns}
    widths[columns[0]] = max(widths[columns[0]], 24) if columns else 0
    if len(columns) < 3 or sum(widths.values()) <= limit:
        return [columns]
    parts: list[list[Any]] = [[columns[0]]]
    used = widths[columns[0]]
    for c in columns[1:]:
        if used + widths[c] > limit and len(parts[-1]) > 1:
            parts.append([columns[0]])
            used = widths[columns[0]]
        parts[-1].append(c)
        used += widths[c]
    return parts


def safe(value: Any) -> Any:
    """A value any cell may hold: a control character (which no cell may hold) is shown as
    \ufffd, the replacement character. Text that could start a formula is kept exactly as
    written; the report stores it as a text cell with Excel's quote prefix (see _neutralise)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


@dataclass(frozen=True)
class ReportContext:
    """What the report records besides the figures: the saved version, the audit log, the input."""

    version_label: str = "not saved"
    audit: Sequence[Mapping[str, Any]] | None = ()  # None: not at hand (a report from a file)
    audit_chain: str = ""  # the audit log's check when written (its hash chain's head)
    workbook_bytes: bytes | None = None
    weights_lock: tuple[tuple[str, bool], ...] = ()  # the lock and each change after it (in red)


RANKS_SHOWN = 10  # acceptability columns in the report (the command line gives every rank)


def _neutralise(wb: Workbook) -> None:
    """Last line of defence: no text anywhere in the report (headers, titles, labels included)
    may run as a formula, whatever wrote it."""
    for ws in wb.worksheets:
        for cell in list(ws._cells.values()):  # the cells written (iter_rows would fill the gaps)
            value = cell.value
            if cell.data_type == "f" or (isinstance(value, str) and value.startswith(DANGEROUS)):
                # a text cell, never a formula, holding exactly the text (a bidder's name is the
                # same in the report as in the bid), with the quote prefix Excel itself sets on
                # text typed with a leading apostrophe: edited in Excel, it stays text
                cell.value = safe(str(value))
                cell.data_type = "s"
                cell.quotePrefix = True


def versions() -> list[tuple[str, str]]:
    out = []
    for name in PACKAGES:
        try:
            out.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            out.append((name, "not installed"))
    return out


class Sheet:
    """Writes rows into a worksheet under the marking, with styled headers and widths."""

    def __init__(self, wb: Workbook, title: str, first: bool = False, marking: str = MARKING) -> None:
        self.ws: Worksheet = wb.active if first else wb.create_sheet()  # type: ignore[assignment]
        self.ws.title = title
        self.row = 1
        self.ws.cell(row=1, column=1, value=marking).font = MARK_FONT
        self.ws.cell(row=1, column=1).fill = MARK_FILL
        self.ws.oddHeader.center.text = marking
        self.ws.oddFooter.center.text = marking + " — page &P of &N"
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.paperSize = self.ws.PAPERSIZE_LETTER
        self.ws.page_margins.left = self.ws.page_margins.right = 0.4
        self.text_columns: set[int] = set()  # columns holding text that may wrap narrower
        self.ws.print_options.gridLines = False
        self.row = 3
        self.widths: dict[int, int] = {}
        self.text_rows: list[int] = []  # rows of running text (not table cells)
        self.title_rows: set[int] = set()  # headings: they run on to the right, never wrap
        self.header_row = 0  # a sheet of one table repeats its header row on every page
        self.tables = 0

    def title(self, text: str, size: int = 14) -> None:
        self.ws.cell(row=self.row, column=1, value=safe(text)).font = Font(bold=True, size=size)
        self.title_rows.add(self.row)
        self.row += 1

    def text(self, text: str, italic: bool = False, alert: bool = False) -> None:
        cell = self.ws.cell(row=self.row, column=1, value=safe(text))
        cell.font = Font(italic=italic, bold=alert, color="9C0006" if alert else None)
        self.text_rows.append(self.row)  # laid out across the sheet's width by finish()
        self.row += 1

    def pairs(self, rows: Sequence[tuple[str, Any]]) -> None:
        for key, value in rows:
            self.ws.cell(row=self.row, column=1, value=safe(key)).font = Font(bold=True)
            self.ws.cell(row=self.row, column=2, value=safe(value))
            self._width(1, key)
            self._width(2, value)
            self.row += 1
        self.row += 1

    def table(self, frame: pd.DataFrame, formats: Mapping[str, str] | None = None,
              freeze: bool = False, wrap: Sequence[str] = ()) -> tuple[int, int]:
        """Write a table; returns (header row, last row). Columns in ``wrap`` (long text) wrap
        within their width instead of running on. A table too wide for one printed page at
        the smallest print size is split into parts of columns, each repeating the first."""
        formats = formats or {}
        parts = _column_parts(frame)
        if len(parts) > 1:
            for n, columns in enumerate(parts):
                if n:
                    self.text(f"(continued from the table above: {columns[1]} onwards)", italic=True)
                result = self.table(frame[columns], formats, freeze and not n, wrap)
            return result
        top = self.row
        if not self.header_row:
            self.header_row = top
        self.tables += 1
        for c, name in enumerate(frame.columns, start=1):
            cell = self.ws.cell(row=top, column=c, value=safe(str(name)))
            cell.fill, cell.font = HEAD_FILL, HEAD_FONT
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            self._width(c, _heading_word(name))
        for r, values in enumerate(frame.itertuples(index=False), start=top + 1):
            for c, (name, value) in enumerate(zip(frame.columns, values, strict=True), start=1):
                if isinstance(value, float) and pd.isna(value):
                    value = None
                cell = self.ws.cell(row=r, column=c, value=safe(value))
                if name in formats:
                    cell.number_format = formats[name]
                cell.alignment = Alignment(  # every cell of a row starts at its top; text a
                    # space in from the left, so a number right-aligned before it never touches it
                    wrap_text=name in wrap or (isinstance(value, str) and len(value) > WRAP_AT),
                    vertical="top", indent=1 if isinstance(value, str) and c > 1 else 0)
                if isinstance(value, str) and len(value) > NARROWEST:
                    self.text_columns.add(c)
                self._width(c, value)
        if freeze and top == 3:
            self.ws.freeze_panes = self.ws.cell(row=top + 1, column=1)
        self.row = top + len(frame) + 2
        return top, top + len(frame)

    def _width(self, col: int, value: Any) -> None:
        self.widths[col] = max(self.widths.get(col, 8), _cell_width(value))

    def finish(self) -> None:
        """Column widths, and the print set-up: landscape, the table header repeated on each
        page, one page wide at no less than MIN_PRINT_PT (the scale the widths allow)."""
        self.widths[1] = max(self.widths.get(1, 10), 24)
        self._narrow()
        for col, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = width
        self._lay_out_text()
        self._row_heights()
        if self.header_row and self.tables == 1:
            self.ws.print_title_rows = f"{self.header_row}:{self.header_row}"
        self.ws.page_setup.scale = print_scale(self.print_width())

    def print_width(self) -> float:
        """The sheet's used width in Excel's column units."""
        return float(sum(self.widths.values()))

    def _row_heights(self) -> None:
        """Rows with wrapped cells get the height their longest cell needs (an office suite
        opening the file keeps the stored height, so text would otherwise print over the next
        row)."""
        merged = {r.min_row: r for r in self.ws.merged_cells.ranges}
        for row in self.ws.iter_rows(min_row=3):
            lines = 1
            for cell in row:
                if not (cell.alignment and cell.alignment.wrap_text) or cell.value is None:
                    continue
                span = merged.get(cell.row)
                columns = (range(span.min_col, span.max_col + 1)
                           if span is not None and span.min_col == cell.column else [cell.column])
                # characters a line holds: Calibri's average glyph is narrower than the digit
                # the column width counts
                width = int((sum(self.widths.get(c, 8) for c in columns) - 1) * 1.15)
                need = sum(max(1, -(-len(part) // max(1, width)))
                           for part in str(cell.value).split("\n"))
                if cell.row == self.header_row or cell.fill == HEAD_FILL:
                    need = max(1, -(-len(str(cell.value)) // max(1, width)))
                lines = max(lines, need)
            if lines > 1:
                self.ws.row_dimensions[row[0].row].height = 14.5 * lines

    def _lay_out_text(self) -> None:
        """Running text longer than the first column wraps across the sheet's columns (never
        past them: text running on to the right would widen the printed page)."""
        across = max(self.widths) if self.widths else 1
        for row in self.text_rows:
            cell = self.ws.cell(row=row, column=1)
            text = str(cell.value or "")
            if len(text) <= self.widths.get(1, 24):
                continue
            if across > 1:
                self.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=across)
            cell.alignment = Alignment(wrap_text=True, vertical="top")  # its height: _row_heights

    def _narrow(self) -> None:
        """Wider than a page at the smallest print size: the text columns give up width (down to
        NARROWEST) and wrap, numbers keep theirs."""
        excess = self.print_width() - WIDEST
        text = {c: w for c, w in self.widths.items() if c in self.text_columns and w > NARROWEST}
        if excess <= 0 or not text:
            return
        room = sum(w - NARROWEST for w in text.values())
        share = min(1.0, excess / room)
        for c, w in text.items():
            self.widths[c] = max(NARROWEST, math.floor(w - (w - NARROWEST) * share))
        for row in self.ws.iter_rows(min_row=3):
            for cell in row:
                if (cell.column in text and isinstance(cell.value, str)
                        and cell.row not in self.title_rows and cell.row not in self.text_rows):
                    cell.alignment = Alignment(wrap_text=True, vertical=cell.alignment.vertical
                                               or "top", indent=cell.alignment.indent)


def _ranking_frame(ranking: Ranking, currency: str) -> pd.DataFrame:
    rows = []
    for lot in ranking.lots:
        for b in ranking.in_lot(lot):
            rows.append({"Lot": lot_name(lot),
                         "Rank": b.rank, "Vendor": b.vendor, f"Price ({currency})": b.price,
                         "Score": b.score, "Eligible": "Yes" if b.eligible else "No",
                         "Failed gates": ", ".join(b.failed_gates)})
    return pd.DataFrame(rows)


VFM_BASIS = ("Traditional delivery: the agency's own cost and financing, plus competitive "
             "neutrality ({neutrality:,.0f}), keeping every risk. The model: its price, the risks "
             "it keeps (public: all, shared: half), and the risks it transfers priced at their "
             "expected cost plus a {premium:g}% premium. Each year each risk happens with its "
             "chance and costs a triangular draw between its low and high cost; {draws:,} "
             "simulated terms, seed {seed}.")


def strategy_line(found: Summary) -> str:
    """The model chosen and how it ranks, in one line (the report's and document's)."""
    f = found.fit
    best = found.ranking[0]
    line = (f"{found.model}: fit {shown(f.score):.2f} of 5, ranked {f.rank} of "
            f"{len(found.ranking)}, first in {percent(f.first_share)}% of weight draws")
    if best.model != found.model:
        line += f"; the best fit is {best.model} ({shown(best.score):.2f})"
    if found.flags:
        line += f"; {len(found.flags)} risk allocation{'s' if len(found.flags) > 1 else ''} to " \
                "reconsider"
    return line


def build_report(results: Results, ctx: ReportContext | None = None) -> bytes:
    """The evaluation report of ``results`` as .xlsx bytes."""
    ctx = ctx or ReportContext()
    ranking = results.ranking
    bidset = results.bidset
    currency = bidset.settings.currency
    wb = Workbook()
    _summary(Sheet(wb, "Summary", first=True), results, ranking, ctx, currency)
    if results.strategy is not None:
        _strategy(Sheet(wb, "Delivery strategy"), results.strategy, currency)
    _scores(Sheet(wb, "Scores"), results, ranking)
    _findings(Sheet(wb, "Findings"), results)
    _narratives(Sheet(wb, "Narratives"), results)
    _rationales(Sheet(wb, "Rationales"), results)
    _record_checks(Sheet(wb, "Record checks"), results)
    _robustness(Sheet(wb, "Robustness"), results)
    _scenarios(Sheet(wb, "Scenarios"), results, currency)
    _compliance(Sheet(wb, "Compliance"), results)
    _audit(Sheet(wb, "Audit log"), ctx)
    _inputs(Sheet(wb, "Inputs"), ctx)
    _evaluation(Sheet(wb, "Evaluation"), results)
    _neutralise(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _summary(s: Sheet, results: Results, ranking: Ranking, ctx: ReportContext, currency: str) -> None:
    bidset = results.bidset
    s.title("Source selection evaluation report", 16)
    s.text(ADVISORY, italic=True)
    s.row += 1
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    s.pairs([
        ("Generated", now),
        ("Workbook SHA-256", bidset.sha256),
        ("Saved version", ctx.version_label),
        ("Audit log", ctx.audit_chain or "not saved, or written from a settings file"),
        ("Method", METHOD_LABELS[ranking.method]),
        ("Price formula", PRICE_FORMULA_LABELS[ranking.price_formula]
         + (f" (floor {ranking.price_floor:,.0f}, ceiling {ranking.price_ceiling:,.0f})"
            if ranking.price_formula == "linear" else "")),
        ("Weights set by", WEIGHT_MODE_LABELS[results.evaluation.weight_input.mode]
         + (", by factor" if bidset.factors else "")),
        ("Mission-grade SLA gate", "applied" if ranking.sla_gate else "not applied"),
        ("Consensus", f"{results.evaluation.consensus}; {results.evaluation.panel.describe()}"),
        ("Currency", currency),
        *([("Delivery model", strategy_line(results.strategy))] if results.strategy else []),
    ])
    if ctx.weights_lock:
        s.title("Weights locked", 12)
        for line, alert in ctx.weights_lock:
            s.text(line, alert=alert)
        s.row += 1
    s.title("Criteria, weights and normalisation", 12)
    s.text("Weights set by " + results.evaluation.weight_input.describe(bidset.groups,
                                                                        bidset.factor_names) + ".")
    points = results.evaluation.scoring.points
    factor, within = split(bidset.groups, points) if bidset.factors else ({}, {})
    s.table(pd.DataFrame([
        {"Criterion": c.name, "Group": c.group, "Points": points.get(c.name),
         **({"Factor weight": factor.get(c.group, 0.0) / 100,
             "Within the factor": within[c.name] / 100} if bidset.factors else {}),
         "Weight": ranking.weights[c.name],
         **({"Published range": f"{c.weight_range[0]:g}-{c.weight_range[1]:g} %"
             if c.weight_range else ""} if any(x.weight_range for x in bidset.criteria) else {}),
         "Direction": "higher is better" if c.direction == "max" else "lower is better",
         "Pass/fail threshold": c.min_acceptable, "Normalisation": ranking.normalisation[c.name]}
        for c in bidset.criteria]), {"Weight": "0.0%", "Factor weight": "0.0%",
                                     "Within the factor": "0.0%"})
    outside = outside_ranges({c.name: c.weight_range for c in bidset.criteria}, ranking.weights)
    if outside:
        s.text(f"Outside the published weight ranges: {describe_outside(outside)}.", alert=True)
        s.row += 1
    s.title("Ranking per lot", 12)
    top, last = s.table(_ranking_frame(ranking, currency),
                        {f"Price ({currency})": "#,##0", "Score": "0.0000"})
    s.ws.conditional_formatting.add(f"B{top + 1}:B{last}", CellIsRule(
        operator="equal", formula=["1"], fill=GOOD_FILL, font=Font(bold=True)))
    if ranking.lower_is_better:
        s.text("VIKOR score is Q: lower is better.", italic=True)
    s.title("Settings in use (where each comes from)", 12)
    s.table(pd.DataFrame([
        {"Setting": SPECS[key].label, "Key": key, "Value": SPECS[key].show(value, currency),
         "Source": source} for key, value, source in results.settings_in_use()]))
    s.title("Software", 12)
    s.pairs(versions())
    s.finish()


def _strategy(s: Sheet, found: Summary, currency: str) -> None:
    """How the programme is bought: the models' fit, the allocation of its risks, and value for
    money against traditional delivery."""
    a = found.assessment
    s.title("Delivery strategy: how to buy")
    s.text(strategy_line(found) + ".")
    s.row += 1
    s.title("Delivery-model fit", 12)
    rows = pd.DataFrame(found.fit_rows())  # the model first: column A is text on this sheet
    rows["First in weight draws"] /= 100
    s.table(rows[["Model", "Rank", "Fit (0-5)", "Fits on", "Fits less on",
                  "First in weight draws"]],
            {"Fit (0-5)": "0.00", "First in weight draws": "0%"}, wrap=("Fits on", "Fits less on"))
    s.text(stability_sentence(found))
    s.text("Each model's fit on a question is 5 at the answer it suits best, falling to 0 four "
           "points away (25 years for the partnership's length); the models are ranked by "
           "scikit-criteria's weighted sum of those fits. \"First in\" is the share of 5,000 "
           "weight draws (Dirichlet around the weights) in which the model ranks first.",
           italic=True)
    s.row += 1
    s.title("The programme's answers", 12)
    w = a.weight_map
    total = sum(w.values())
    s.table(pd.DataFrame([{"Question": label, "Answer": a.answer_map[q],
                           "Weight": w[q] / total if total else 0.0} for q, label in QUESTIONS]),
            {"Weight": "0.0%"}, wrap=("Question",))
    s.title(f"Risk allocation under {found.model.lower()}", 12)
    s.table(pd.DataFrame([{"Risk": r.risk, "Owner": r.owner, "Usual owner": r.usual or
                           "(the programme's own risk)", "Reconsider": r.flag}
                          for r in found.allocation]), wrap=("Reconsider",))
    s.title(f"Value for money over {a.years} years ({currency})", 12)
    s.table(pd.DataFrame([{"Option": name, "Mean": x["mean"], "P50": x["p50"], "P90": x["p90"]}
                          for name, x in found.options]),
            {"Mean": "#,##0", "P50": "#,##0", "P90": "#,##0"})
    s.text(found.verdict(currency), alert=False)
    s.text(VFM_BASIS.format(premium=as_percent(a.risk_premium), draws=a.draws, seed=a.seed,
                            neutrality=a.neutrality), italic=True)
    s.finish()


def _scores(s: Sheet, results: Results, ranking: Ranking) -> None:
    bidset = results.bidset
    s.title("Scores: raw values and normalised values used by the method")
    scored = [c.name for c in bidset.criteria]
    norm = {(b.vendor, b.lot): b.normalised for b in ranking.bids}
    # two tables, raw then normalised, each one page wide
    s.table(pd.DataFrame([{"Vendor": b.vendor, "Lot": b.lot,
                           **{c.name: c.show(b.value(c)) if c.ratings else b.value(c)
                              for c in bidset.criteria}} for b in bidset.bids]),
            {"Price": "#,##0"}, freeze=True)
    s.title("Normalised values (0 to 1, 1 best) the method combines", 12)
    s.table(pd.DataFrame([{"Vendor": b.vendor, "Lot": b.lot,
                           **{c.name: norm.get((b.vendor, b.lot), {}).get(c.name)
                              for c in bidset.criteria}} for b in bidset.bids]),
            dict.fromkeys(scored, "0.000"))
    cells = results.cells
    s.title(f"Panel consensus ({results.evaluation.consensus} of the evaluators' scores, unless "
            "moderated)", 12)
    if not cells:
        s.text("There are no panel scores.", italic=True)
    else:
        evaluators = sorted({e for c in cells for e in c.scores}, key=str.casefold)
        top, last = s.table(pd.DataFrame([
            {"Vendor": c.vendor, "Lot": c.lot, "Criterion": c.criterion,
             **{e: c.scores.get(e) for e in evaluators}, "Range": c.range,
             "Consensus": c.score, "Flagged": "Yes" if c.flagged else "No",
             "Moderated": "Yes" if c.moderated else "No", "Chair's rationale": c.rationale}
            for c in cells]))
        col = get_column_letter(3 + len(evaluators) + 3)
        s.ws.conditional_formatting.add(f"{col}{top + 1}:{col}{last}", CellIsRule(
            operator="equal", formula=['"Yes"'], fill=BAD_FILL))
    s.finish()


def _findings(s: Sheet, results: Results) -> None:
    """The findings (strengths, weaknesses, deficiencies, risks) behind the ratings, with their
    proposal references: the Findings sheet's, then those entered in the app. One table a
    sheet, so that its header repeats on every printed page."""
    bidset = results.bidset
    s.title("Findings: the strengths, weaknesses, deficiencies and risks behind the ratings")
    if bidset.findings:
        s.table(pd.DataFrame([
            {"Vendor": f.vendor, "Lot": lot_name(f.lot), "Criterion": f.criterion,
             "Kind": bidset.kind_label(f.kind), "Finding": f.text, "Reference": f.reference,
             "Evaluator": f.evaluator or "panel (consensus)",
             "Recorded": f.recorded}
            for f in bidset.findings]), wrap=("Finding",))
    else:
        s.text("No findings are recorded (the workbook has no Findings sheet entries and none "
               "were entered in the app).", italic=True)
    s.finish()


def _narratives(s: Sheet, results: Results) -> None:
    """The chair's consensus narrative and moderation rationale per cell that has either."""
    written = [c for c in results.cells if c.narrative or c.moderated]
    s.title("Consensus narratives: the chair's account of each agreed score")
    if written:
        s.table(pd.DataFrame([
            {"Vendor": c.vendor, "Lot": lot_name(c.lot), "Criterion": c.criterion,
             "Consensus": c.score, "Moderated": "Yes" if c.moderated else "No",
             "Consensus narrative": c.narrative or "", "Moderation rationale": c.rationale}
            for c in written]), wrap=("Consensus narrative", "Moderation rationale"))
    else:
        s.text("The chair has written no consensus narrative and moderated no cell.", italic=True)
    s.finish()


def _rationales(s: Sheet, results: Results) -> None:
    """Each evaluator's score with its rationale and where it was entered."""
    bidset, ev = results.workbook, results.evaluation
    scores = merge_scores(bidset, bidset.panel_scores, ev.panel.scores)
    rated = {c.name: c for c in bidset.criteria if c.ratings}
    s.title("Evaluators' scores and rationales")
    if scores:
        s.table(pd.DataFrame([
            {"Evaluator": p.evaluator, "Vendor": p.vendor, "Lot": lot_name(p.lot),
             "Criterion": p.criterion,
             "Score": rated[p.criterion].show(p.score) if p.criterion in rated else p.score,
             "Rationale": p.rationale,
             "Entered": f"Scores sheet row {p.row}" if p.row else "in the app"}
            for p in scores]), wrap=("Rationale",))
    else:
        s.text("There are no panel scores.", italic=True)
    s.finish()


def _record_checks(s: Sheet, results: Results) -> None:
    found = results.record
    s.title("Record checks: what the written record still lacks before it is filed")
    s.text(describe_checks(found), italic=True)
    s.row += 1
    if found:
        s.table(pd.DataFrame([
            {"Check": k.title, "Bid / criterion": k.subject or "(the panel)", "Where": k.where,
             "What was found": k.message, "What to do": k.fix} for k in found]),
            wrap=("What was found", "What to do"))
    s.finish()


def _robustness(s: Sheet, results: Results) -> None:
    r = results.evaluation.robustness
    found = results.robustness()
    acc, models = found.acceptability, found.models
    s.title(f"Rank acceptability ({r.draws:,} weight draws {r.describe()}, seed {r.seed})")
    for check in found.ranges:
        s.text(f"{lot_name(check.lot)}: {check.describe()}", alert=not check.holds)
    most = max((len(a.vendors) for a in acc), default=1)
    width = min(most, RANKS_SHOWN)  # a lot of 500 bids would need 500 columns
    rows = []
    for a in acc:
        for i, v in enumerate(a.vendors):
            row: dict[str, Any] = {"Lot": a.lot, "Vendor": v}
            for k in range(width):
                row[f"P(rank {k + 1})"] = float(a.matrix[i, k]) if k < len(a.vendors) else None
            if most > width:
                row[f"P(rank {width + 1} or lower)"] = float(a.matrix[i, width:].sum())
            rows.append(row)
    formats = {f"P(rank {k + 1})": "0.0%" for k in range(width)} | {
        f"P(rank {width + 1} or lower)": "0.0%"}
    top, last = s.table(pd.DataFrame(rows), formats)
    if rows:  # the probability of ranking first as a bar in each cell (0 to 100 %)
        s.ws.conditional_formatting.add(f"C{top + 1}:C{last}", DataBarRule(
            start_type="num", start_value=0, end_type="num", end_value=1, color="0072B2"))
    s.title("The evaluators' disagreement: chance of ranking first", 12)
    if found.by_scores:
        s.table(pd.DataFrame([
            {"Lot": lot, "Vendor": v, "Weights uncertain": w, "Evaluators' scores uncertain": sc,
             "Both": both} for lot, v, w, sc, both in found.first_chances()]),
            {"Weights uncertain": "0.0%", "Evaluators' scores uncertain": "0.0%", "Both": "0.0%"})
        s.text("Evaluators' scores: each draw is the panel drawn again (its evaluators chosen "
               f"with replacement), each cell the {results.evaluation.consensus} of the scores of "
               "those drawn who scored it; a moderated cell keeps the chair's value, and the bids "
               "that pass the gates stay the ones that compete. Both: the scores and the weights "
               "drawn together. A lot no cell of which two evaluators scored has no figure for "
               "the scores.", italic=True)
    else:
        s.text("No cell has scores from two evaluators or more: only the weights are uncertain.",
               italic=True)
    s.title("Weight ranges in which the current winner stays first", 12)
    stated = ({c: float(w) for c, w in zip(models[0].criteria, models[0].stated, strict=True)}
              if models else {})
    s.table(pd.DataFrame([{"Lot": lot, "Criterion": c, "Lowest weight": lo,
                           "Stated weight": stated.get(c), "Highest weight": hi}
                          for lot, rows_ in found.stability.items() for c, (lo, hi) in rows_.items()]),
            {"Lowest weight": "0.0%", "Stated weight": "0.0%", "Highest weight": "0.0%"})
    s.title("Rank reversal when one bid is withdrawn", 12)
    swaps = [{"Lot": r.lot, "Bid withdrawn": r.removed, "Now ahead": b, "Was ahead": a}
             for r in found.reversals for a, b in r.swapped]
    if swaps:
        s.table(pd.DataFrame(swaps))
    else:
        s.text("No pair of bids changes order when any one bid is withdrawn.", italic=True)
    s.finish()


def _scenarios(s: Sheet, results: Results, currency: str) -> None:
    """Figures side by side (a row per figure, a column per scenario, as on the Scenarios page),
    the settings behind them, the notes, a chart of total cost and who is awarded what."""
    from scoring.scenarios import EXCEL_FORMATS, FIGURES, figure_label

    s.title("Award scenarios")
    found = results.scenarios
    if not found.scenarios:
        s.text(found.unavailable, italic=True)
        s.finish()
        return
    scenarios = found.scenarios
    dist = found.distributions or {}
    figures = [(figure_label(label, kind, currency), kind, lambda sc, k=key: getattr(sc.figures, k))
               for key, label, kind in FIGURES]
    figures += [(f"Simulated cost, median ({currency})", "money", lambda sc: dist[sc.name].p50),
                (f"Simulated cost, P90 ({currency})", "money", lambda sc: dist[sc.name].p90)]
    top = s.row
    for c, name in enumerate(["Figure", *(sc.name.capitalize() for sc in scenarios)], start=1):
        cell = s.ws.cell(row=top, column=c, value=safe(name))
        cell.fill, cell.font = HEAD_FILL, HEAD_FONT
        cell.alignment = Alignment(horizontal="left" if c == 1 else "right")
        s._width(c, name)
    for r, (label, kind, value) in enumerate(figures, start=top + 1):
        s.ws.cell(row=r, column=1, value=safe(label))
        s._width(1, label)
        for c, sc in enumerate(scenarios, start=2):
            shown = value(sc) if sc.figures is not None else None
            cell = s.ws.cell(row=r, column=c, value=safe(shown) if shown is not None else "not available")
            cell.number_format = EXCEL_FORMATS[kind]
            cell.alignment = Alignment(horizontal="right")
            s._width(c, "not available" if shown is None else f"{shown:,.3f}")
    s.row = top + len(figures) + 2
    sim = results.evaluation.simulation
    s.text(f"Simulated costs: {sim.draws:,} contract terms (seed {sim.seed}); each vendor may "
           "fail in any year with its annual probability, costing the switching cost of all it "
           "holds.", italic=True)
    for sc in scenarios:
        if sc.note:
            s.text(f"{sc.name.capitalize()}: {sc.note}.", italic=True)
    s.row += 1
    s.title("Settings behind these figures", 12)
    what_ifs = dict(results.evaluation.what_ifs)
    settings = results.bidset.settings
    s.table(pd.DataFrame([
        {"Setting": spec.label, "Value": spec.show(getattr(settings, key), currency),
         "Source": "what-if" if key in what_ifs else "workbook"}
        for key, spec in SPECS.items() if spec.what_if]))
    total_row = top + 1 + [k for k, _, _ in FIGURES].index("total_cost")
    chart = BarChart()
    chart.title = f"Total cost over the term ({currency})"
    chart.y_axis.numFmt = "#,##0"
    chart.legend = None
    chart.add_data(Reference(s.ws, min_col=2, max_col=1 + len(scenarios), min_row=total_row),
                   from_rows=True, titles_from_data=False)
    chart.set_categories(Reference(s.ws, min_col=2, max_col=1 + len(scenarios), min_row=top))
    chart.y_axis.scaling.min = 0  # bars from zero: their lengths compare
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.height, chart.width = 7, 14
    s.ws.row_breaks.append(Break(id=s.row - 1))  # the chart starts a printed page, never split
    s.ws.add_chart(chart, f"A{s.row}")
    s.row += 16
    s.title("Who is awarded what", 12)
    s.table(pd.DataFrame([{"Scenario": sc.name.capitalize(), "Component": a.component, "Vendor": a.vendor,
                           "Bid": "bundle" if a.lot == "ALL" else "lot bid"}
                          for sc in scenarios for a in sc.awards]))
    s.finish()


def _compliance(s: Sheet, results: Results) -> None:
    bidset = results.bidset
    s.title("SLA mission-grade matrix")
    half = (len(ELEMENTS) + 1) // 2  # two tables, each one page wide
    for part, elements in enumerate((ELEMENTS[:half], ELEMENTS[half:])):
        keys = {e.key for e in elements}
        rows = []
        for r in results.sla:
            row: dict[str, Any] = {"Vendor": r.vendor, "Lot": r.lot}
            for (key, value, status), e in zip(r.cells, ELEMENTS, strict=True):
                if key not in keys:
                    continue
                shown = "missing" if value is None else ("yes" if value is True else "no"
                                                         if value is False else f"{value:g}")
                row[e.label] = f"{status}: {shown}"
            row["Mission-grade"] = "Yes" if r.mission_grade else "No"
            rows.append(row)
        if part:
            s.title("SLA mission-grade matrix (continued)", 12)
        top, last = s.table(pd.DataFrame(rows), freeze=not part)
        end = get_column_letter(2 + len(elements))
        area = f"C{top + 1}:{end}{last}"
        first = f"C{top + 1}"
        s.ws.conditional_formatting.add(area, FormulaRule(formula=[f'LEFT({first},4)="pass"'],
                                                          fill=GOOD_FILL))
        s.ws.conditional_formatting.add(area, FormulaRule(
            formula=[f'OR(LEFT({first},4)="fail",LEFT({first},7)="missing")'], fill=BAD_FILL))
    gate = "applied" if results.evaluation.scoring.sla_gate else "not applied"
    s.text(f"Mission-grade SLA gate: {gate}.", italic=True)
    s.row += 1
    s.title("Governance", 12)
    s.table(pd.DataFrame([{"Award": a.award, f"Total award ({bidset.settings.currency})": a.total,
                           "Mission-outcome OKRs": a.check.mission_okrs,
                           "Flagged": "Yes" if a.check.flagged else "No",
                           "Finding": a.check.message} for a in results.awards],
                         columns=["Award", f"Total award ({bidset.settings.currency})",
                                  "Mission-outcome OKRs", "Flagged", "Finding"]),
            {f"Total award ({bidset.settings.currency})": "#,##0"})
    s.table(pd.DataFrame([{"OKR": o.okr, "Mission outcome": "Yes" if o.mission_outcome else "No",
                           "Metric": o.metric, "Target": o.target} for o in bidset.okrs],
                         columns=["OKR", "Mission outcome", "Metric", "Target"]))
    s.finish()


def _audit(s: Sheet, ctx: ReportContext) -> None:
    s.title("Audit log (append-only)")
    if ctx.audit is None:
        s.text("Written from a settings file: the audit log is kept in the app's database (see "
               "Report & share there, or the report the app writes).", italic=True)
    elif not ctx.audit:
        s.text("This evaluation was not saved: there is no audit log yet.", italic=True)
    else:
        s.table(pd.DataFrame(list(ctx.audit)), freeze=True, wrap=("What happened", "Why"))
    s.finish()


def _inputs(s: Sheet, ctx: ReportContext) -> None:
    s.title("Inputs: the workbook's sheets as read")
    if ctx.workbook_bytes is None:
        s.text("The original workbook was not supplied.", italic=True)
        s.finish()
        return
    frames = pd.read_excel(io.BytesIO(ctx.workbook_bytes), sheet_name=None, header=None,
                           engine="calamine", dtype=object, keep_default_na=False, na_values=[])
    for name, frame in frames.items():
        if name.strip().casefold() == "instructions":
            continue
        s.title(f"Sheet {name}", 12)
        frame = frame.dropna(how="all")
        s.table(frame.rename(columns=lambda c: f"Column {get_column_letter(int(c) + 1)}"))
    s.finish()


def _evaluation(s: Sheet, results: Results) -> None:
    s.title("The evaluation behind every figure (JSON)")
    s.text("Save the lines below as a .json file and run: python -m scoring report WORKBOOK "
           "OUT.xlsx --settings FILE.json (the workbook is the Inputs sheet's file, SHA-256 "
           "on the Summary sheet).", italic=True)
    for line in results.evaluation.to_json().splitlines():
        s.text(line)  # a line longer than the column wraps within it, never past the page
    s.widths[1] = 90
    s.finish()
