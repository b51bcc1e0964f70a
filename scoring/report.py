"""The Excel evaluation report: a document a contracting officer can file as the record.

Sheets: Summary, Scores, Robustness, Scenarios, Compliance, Audit log, Inputs. Every sheet is
marked as source selection information. No cell written from user input can run as a
formula: text starting with = + - @, tab or CR is prefixed with an apostrophe.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scoring.compliance import ELEMENTS, governance, sla_matrix
from scoring.mcda import METHOD_LABELS, PRICE_FORMULA_LABELS, Ranking, rank
from scoring.model import BidSet, lot_name
from scoring.panel import consensus

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


def safe(value: Any) -> Any:
    """A value that Excel shows as written: text that could start a formula becomes text."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


@dataclass(frozen=True)
class ReportContext:
    """What the report records besides the bids: the choices, the version, the audit log."""

    method: str | None = None
    price_formula: str | None = None
    weights: Mapping[str, float] | None = None
    price_floor: float | None = None
    price_ceiling: float | None = None
    sla_gate: bool = False
    version_label: str = "not saved"
    audit: Sequence[Mapping[str, Any]] = ()
    workbook_bytes: bytes | None = None
    draws: int = 10_000
    seed: int = 0


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

    def __init__(self, wb: Workbook, title: str, first: bool = False) -> None:
        self.ws: Worksheet = wb.active if first else wb.create_sheet()  # type: ignore[assignment]
        self.ws.title = title
        self.row = 1
        self.ws.cell(row=1, column=1, value=MARKING).font = MARK_FONT
        self.ws.cell(row=1, column=1).fill = MARK_FILL
        self.ws.oddHeader.center.text = MARKING
        self.ws.oddFooter.center.text = MARKING + " — page &P of &N"
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.print_options.gridLines = False
        self.row = 3
        self.widths: dict[int, int] = {}

    def title(self, text: str, size: int = 14) -> None:
        self.ws.cell(row=self.row, column=1, value=text).font = Font(bold=True, size=size)
        self.row += 1

    def text(self, text: str, italic: bool = False) -> None:
        cell = self.ws.cell(row=self.row, column=1, value=safe(text))
        cell.font = Font(italic=italic)
        self.row += 1

    def pairs(self, rows: Sequence[tuple[str, Any]]) -> None:
        for key, value in rows:
            self.ws.cell(row=self.row, column=1, value=key).font = Font(bold=True)
            self.ws.cell(row=self.row, column=2, value=safe(value))
            self._width(1, key)
            self._width(2, value)
            self.row += 1
        self.row += 1

    def table(self, frame: pd.DataFrame, formats: Mapping[str, str] | None = None,
              freeze: bool = False) -> tuple[int, int]:
        """Write a table; returns (header row, last row)."""
        formats = formats or {}
        top = self.row
        for c, name in enumerate(frame.columns, start=1):
            cell = self.ws.cell(row=top, column=c, value=str(name))
            cell.fill, cell.font = HEAD_FILL, HEAD_FONT
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            self._width(c, str(name))
        for r, values in enumerate(frame.itertuples(index=False), start=top + 1):
            for c, (name, value) in enumerate(zip(frame.columns, values, strict=True), start=1):
                if isinstance(value, float) and pd.isna(value):
                    value = None
                cell = self.ws.cell(row=r, column=c, value=safe(value))
                if name in formats:
                    cell.number_format = formats[name]
                self._width(c, value if not isinstance(value, float) else f"{value:,.4f}")
        if freeze and top == 3:
            self.ws.freeze_panes = self.ws.cell(row=top + 1, column=1)
        self.row = top + len(frame) + 2
        return top, top + len(frame)

    def _width(self, col: int, value: Any) -> None:
        length = len(str(value)) if value is not None else 0
        self.widths[col] = max(self.widths.get(col, 8), min(68, length + 2))

    def finish(self) -> None:
        for col, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = width
        self.ws.column_dimensions["A"].width = max(self.widths.get(1, 10), 24)


def _ranking_frame(ranking: Ranking, currency: str) -> pd.DataFrame:
    rows = []
    for lot in ranking.lots:
        for b in ranking.in_lot(lot):
            rows.append({"Lot": lot_name(lot),
                         "Rank": b.rank, "Vendor": b.vendor, f"Price ({currency})": b.price,
                         "Score": b.score, "Eligible": "Yes" if b.eligible else "No",
                         "Failed gates": ", ".join(b.failed_gates)})
    return pd.DataFrame(rows)


def build_report(bidset: BidSet, ctx: ReportContext | None = None) -> bytes:
    """The evaluation report as .xlsx bytes."""
    ctx = ctx or ReportContext()
    options = dict(method=ctx.method, price_formula=ctx.price_formula, weights=ctx.weights,
                   price_floor=ctx.price_floor, price_ceiling=ctx.price_ceiling,
                   sla_gate=ctx.sla_gate)
    ranking = rank(bidset, **options)
    currency = bidset.settings.currency
    wb = Workbook()
    _summary(Sheet(wb, "Summary", first=True), bidset, ranking, ctx, currency)
    _scores(Sheet(wb, "Scores"), bidset, ranking)
    _robustness(Sheet(wb, "Robustness"), bidset, options, ctx)
    _scenarios(Sheet(wb, "Scenarios"), bidset, ranking, currency)
    _compliance(Sheet(wb, "Compliance"), bidset, ranking)
    _audit(Sheet(wb, "Audit log"), ctx)
    _inputs(Sheet(wb, "Inputs"), ctx)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _summary(s: Sheet, bidset: BidSet, ranking: Ranking, ctx: ReportContext, currency: str) -> None:
    s.title("Source selection evaluation report", 16)
    s.text(ADVISORY, italic=True)
    s.row += 1
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    s.pairs([
        ("Generated", now),
        ("Workbook SHA-256", bidset.sha256),
        ("Saved version", ctx.version_label),
        ("Method", METHOD_LABELS[ranking.method]),
        ("Price formula", PRICE_FORMULA_LABELS[ranking.price_formula]
         + (f" (floor {ranking.price_floor:,.0f}, ceiling {ranking.price_ceiling:,.0f})"
            if ranking.price_formula == "linear" else "")),
        ("Mission-grade SLA gate", "applied" if ranking.sla_gate else "not applied"),
        ("Currency", currency),
    ])
    s.title("Criteria, weights and normalisation", 12)
    s.table(pd.DataFrame([
        {"Criterion": c.name, "Group": c.group, "Weight": ranking.weights[c.name],
         "Direction": "higher is better" if c.direction == "max" else "lower is better",
         "Pass/fail threshold": c.min_acceptable, "Normalisation": ranking.normalisation[c.name]}
        for c in bidset.criteria]), {"Weight": "0.0%"})
    s.title("Ranking per lot", 12)
    top, last = s.table(_ranking_frame(ranking, currency),
                        {f"Price ({currency})": "#,##0", "Score": "0.0000"})
    s.ws.conditional_formatting.add(f"B{top + 1}:B{last}", CellIsRule(
        operator="equal", formula=["1"], fill=GOOD_FILL, font=Font(bold=True)))
    if ranking.lower_is_better:
        s.text("VIKOR score is Q: lower is better.", italic=True)
    s.title("Software", 12)
    s.pairs(versions())
    s.finish()


def _scores(s: Sheet, bidset: BidSet, ranking: Ranking) -> None:
    s.title("Scores: raw values and normalised values used by the method")
    scored = [c.name for c in bidset.criteria]
    norm = {(b.vendor, b.lot): b.normalised for b in ranking.bids}
    rows = []
    for b in bidset.bids:
        row: dict[str, Any] = {"Vendor": b.vendor, "Lot": b.lot}
        for name in scored:
            crit = next(c for c in bidset.criteria if c.name == name)
            row[name] = b.value(crit)
            row[f"{name} (normalised)"] = norm.get((b.vendor, b.lot), {}).get(name)
        rows.append(row)
    s.table(pd.DataFrame(rows), {f"{n} (normalised)": "0.000" for n in scored} | {"Price": "#,##0"},
            freeze=True)
    cells = consensus(bidset, bidset.panel_scores)
    s.title("Panel consensus (median of the evaluators' scores)", 12)
    if not cells:
        s.text("The workbook has no panel scores.", italic=True)
    else:
        evaluators = sorted({e for c in cells for e in c.scores}, key=str.casefold)
        top, last = s.table(pd.DataFrame([
            {"Vendor": c.vendor, "Lot": c.lot, "Criterion": c.criterion,
             **{e: c.scores.get(e) for e in evaluators}, "Range": c.range,
             "Consensus": c.score, "Flagged": "Yes" if c.flagged else "No"} for c in cells]))
        col = get_column_letter(3 + len(evaluators) + 3)
        s.ws.conditional_formatting.add(f"{col}{top + 1}:{col}{last}", CellIsRule(
            operator="equal", formula=['"Yes"'], fill=BAD_FILL))
    s.finish()


def _robustness(s: Sheet, bidset: BidSet, options: dict, ctx: ReportContext) -> None:  # type: ignore[type-arg]
    from scoring.sensitivity import acceptability, lot_models, rank_reversal, stability_table

    models = lot_models(bidset, **options)
    acc = acceptability(models, draws=ctx.draws, seed=ctx.seed)
    s.title(f"Rank acceptability ({ctx.draws:,} weight draws around the weights, seed {ctx.seed})")
    width = max((len(a.vendors) for a in acc), default=1)
    rows = [{"Lot": a.lot, "Vendor": v, **{f"P(rank {k + 1})": (float(a.matrix[i, k])
                                                                   if k < len(a.vendors) else None)
                                           for k in range(width)}}
            for a in acc for i, v in enumerate(a.vendors)]
    top, last = s.table(pd.DataFrame(rows), {f"P(rank {k + 1})": "0.0%" for k in range(width)})
    if rows:
        chart = BarChart()
        chart.type = "bar"
        chart.title = "Probability of ranking first"
        chart.y_axis.title = "probability"
        chart.y_axis.numFmt = "0%"
        chart.add_data(Reference(s.ws, min_col=3, min_row=top, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(s.ws, min_col=2, min_row=top + 1, max_row=last))
        chart.height, chart.width = max(6, 0.5 * len(rows)), 14
        s.ws.add_chart(chart, f"{get_column_letter(width + 4)}{top}")
    s.title("Weight ranges in which the current winner stays first", 12)
    stab = stability_table(models)
    stated = ({c: float(w) for c, w in zip(models[0].criteria, models[0].stated, strict=True)}
              if models else {})
    s.table(pd.DataFrame([{"Lot": lot, "Criterion": c, "Lowest weight": lo,
                           "Stated weight": stated.get(c), "Highest weight": hi}
                          for lot, rows_ in stab.items() for c, (lo, hi) in rows_.items()]),
            {"Lowest weight": "0.0%", "Stated weight": "0.0%", "Highest weight": "0.0%"})
    s.title("Rank reversal when one bid is withdrawn", 12)
    swaps = [{"Lot": r.lot, "Bid withdrawn": r.removed, "Now ahead": b, "Was ahead": a}
             for r in rank_reversal(bidset, **options) for a, b in r.swapped]
    if swaps:
        s.table(pd.DataFrame(swaps))
    else:
        s.text("No pair of bids changes order when any one bid is withdrawn.", italic=True)
    s.finish()


def _scenarios(s: Sheet, bidset: BidSet, ranking: Ranking, currency: str) -> None:
    from scoring.scenarios import EXCEL_FORMATS, FIGURES, ScenarioError, compare, figure_label

    s.title("Award scenarios")
    try:
        scenarios = compare(bidset, ranking)
    except ScenarioError as exc:
        s.text(str(exc), italic=True)
        s.finish()
        return
    rows = []
    for sc in scenarios:
        row: dict[str, Any] = {"Scenario": sc.name.capitalize()}
        for key, label, kind in FIGURES:
            row[figure_label(label, kind, currency)] = getattr(sc.figures, key) if sc.figures else None
        row["Note"] = sc.note
        rows.append(row)
    formats = {figure_label(label, kind, currency): EXCEL_FORMATS[kind]
               for _, label, kind in FIGURES}
    top, last = s.table(pd.DataFrame(rows), formats)
    chart = BarChart()
    chart.title = f"Total cost over the term ({currency})"
    chart.y_axis.numFmt = "#,##0"
    chart.add_data(Reference(s.ws, min_col=6, min_row=top, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(s.ws, min_col=1, min_row=top + 1, max_row=last))
    chart.height, chart.width = 7, 14
    s.ws.add_chart(chart, f"A{last + 2}")
    s.row = last + 18
    s.title("Who is awarded what", 12)
    s.table(pd.DataFrame([{"Scenario": sc.name.capitalize(), "Component": a.component, "Vendor": a.vendor,
                           "Bid": "bundle" if a.lot == "ALL" else "lot bid"}
                          for sc in scenarios for a in sc.awards]))
    s.finish()


def _compliance(s: Sheet, bidset: BidSet, ranking: Ranking) -> None:
    s.title("SLA mission-grade matrix")
    rows = []
    for r in sla_matrix(bidset):
        row: dict[str, Any] = {"Vendor": r.vendor, "Lot": r.lot}
        for (_, value, status), e in zip(r.cells, ELEMENTS, strict=True):
            shown = "missing" if value is None else ("yes" if value is True else "no"
                                                     if value is False else f"{value:g}")
            row[e.label] = f"{status}: {shown}"
        row["Mission-grade"] = "Yes" if r.mission_grade else "No"
        rows.append(row)
    top, last = s.table(pd.DataFrame(rows), freeze=True)
    end = get_column_letter(2 + len(ELEMENTS) + 1)
    area = f"C{top + 1}:{end}{last}"
    first = f"C{top + 1}"
    s.ws.conditional_formatting.add(area, FormulaRule(formula=[f'LEFT({first},4)="pass"'],
                                                      fill=GOOD_FILL))
    s.ws.conditional_formatting.add(area, FormulaRule(
        formula=[f'OR(LEFT({first},4)="fail",LEFT({first},7)="missing")'], fill=BAD_FILL))
    s.title("Governance", 12)
    winners = [w for lot in ranking.lots if (w := ranking.winner(lot)) is not None]
    total = sum(w.price for w in winners if w.lot != "ALL") or sum(w.price for w in winners)
    check = governance(total, bidset.okrs, bidset.settings.okr_threshold)
    s.text(f"Highest-ranked award, total {total:,.0f}: {check.message}.")
    s.table(pd.DataFrame([{"OKR": o.okr, "Mission outcome": "Yes" if o.mission_outcome else "No",
                           "Metric": o.metric, "Target": o.target} for o in bidset.okrs],
                         columns=["OKR", "Mission outcome", "Metric", "Target"]))
    s.finish()


def _audit(s: Sheet, ctx: ReportContext) -> None:
    s.title("Audit log (append-only)")
    if not ctx.audit:
        s.text("This evaluation was not saved: there is no audit log yet.", italic=True)
    else:
        s.table(pd.DataFrame(list(ctx.audit)), freeze=True)
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
