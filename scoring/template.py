"""Write the blank bid-workbook template and the bundled sample evaluation (openpyxl)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from scoring.model import FINDING_KINDS, METHODS, PRICE_FORMULAS, SLA_NUMERIC, SLA_YES_NO
from scoring.settings import SPECS
from scoring.strategy import (
    DEFAULT_RISKS,
    SUGGESTED_CRITERIA,
    SUGGESTED_SLA,
    Assessment,
    RiskLine,
)
from scoring.strategy_sheet import HEADERS as STRATEGY_HEADERS
from scoring.strategy_sheet import SHEET as STRATEGY_SHEET
from scoring.strategy_sheet import strategy_rows

HEADER_FILL = PatternFill("solid", fgColor="1F3864")
HEADER_FONT = Font(bold=True, color="FFFFFF")
EXAMPLE_FONT = Font(italic=True, color="595959")
MAX_ROWS = 500

Row = Sequence[Any]

CRITERIA_HEADERS = (
    "criterion", "weight", "direction", "group", "scale_min", "scale_max",
    "min_acceptable", "description", "rating_scale", "weight_min", "weight_max",
)
GROUP_HEADERS = ("group", "weight", "description")
RATING_HEADERS = ("scale", "label", "value")
ADJECTIVAL: tuple[tuple[str, str, float], ...] = (
    ("Adjectival", "Outstanding", 5), ("Adjectival", "Good", 4), ("Adjectival", "Acceptable", 3),
    ("Adjectival", "Marginal", 2), ("Adjectival", "Unacceptable", 0),
)
COMPONENT_HEADERS = ("component", "criticality", "switching_cost", "switching_months")
VENDOR_HEADERS = ("vendor", "annual_failure_prob")
SCORE_HEADERS = ("evaluator", "vendor", "lot", "criterion", "score", "rationale")
FINDING_HEADERS = ("evaluator", "vendor", "lot", "criterion", "kind", "text", "reference")
KIND_HEADERS = ("kind", "label")
OKR_HEADERS = ("okr", "mission_outcome", "metric", "target")
SETTINGS_HEADERS = ("key", "value", "meaning")

SETTINGS_HELP: tuple[tuple[str, Any, str], ...] = tuple(
    (key, str(spec.default) if isinstance(spec.default, str) else spec.default,
     f"{spec.label}: {spec.help} Allowed: {spec.range_text()}.")
    for key, spec in SPECS.items()
)  # one row per setting of the specification, with its default and allowed values

INSTRUCTIONS: tuple[tuple[str, str], ...] = (
    ("Source Selection Workbench — bid workbook (contract v1)", ""),
    ("", ""),
    ("Sheet", "What to put there"),
    ("Criteria (required)", "One row per evaluation criterion: name, weight (relative points, "
     "0 or more), direction (max = more is better, min = less is better), optional group, "
     "scoring scale (scale_min/scale_max), pass/fail threshold (min_acceptable) and description. "
     "A criterion named 'price' (direction min) puts price into the weighted analysis. "
     "weight_min and weight_max (optional, percent of all the weight) publish a range for the "
     "criterion's weight; the weight itself must lie inside it."),
    ("Groups (optional)", "Weights by factor: one row per group named in Criteria (group, "
     "weight, description). With rows here, every criterion must be in a group, its weight in "
     "Criteria is its weight within the group, and its weight in the ranking is the group's "
     "weight times that. Leave the sheet empty to weight the criteria directly."),
    ("Bids (required)", "One row per bid: vendor, lot (a component name, ALL for a bundle bid "
     "covering every component, or blank for a single-lot evaluation), price (total evaluated "
     "price over the contract term), one column per criterion headed with its exact name, and "
     "optional SLA terms (uptime_pct, fee_at_risk_pct, model_update_notice_days, "
     "version_pinning_days as numbers; observability_rights, rollback_triggers, financial_remedy, "
     "data_portability, canary_releases as yes/no)."),
    ("Components (optional)", "The parts of the procurement that can be awarded separately: "
     "component, criticality (1-5), switching_cost, switching_months. Enables scenarios."),
    ("Vendors (optional)", "vendor and annual_failure_prob (probability per year, 0-1)."),
    ("Scores (optional)", "Panel scoring in long format: evaluator, vendor, lot, criterion, score, "
     "rationale. The median of the evaluators' scores replaces the Bids value."),
    ("Findings (optional)", "The written record behind the scores: evaluator (blank for the "
     "panel's consensus finding), vendor, lot, criterion, kind (" + ", ".join(FINDING_KINDS)
     + "), text, and reference (the proposal volume, section and page it rests on)."),
    ("Finding kinds (optional)", "Your agency's own name for each kind of finding: kind (one "
     "of the six above), label (e.g. 'major strength'). The Findings sheet, the Panel page, the "
     "report and the documents then use the label; the record checks still treat a weakness, "
     "significant weakness, deficiency or risk as adverse. Kinds left out keep their name."),
    ("Ratings (optional)", "Scales of ratings in words: scale, label, value (the number the "
     "label stands for, published to bidders). A criterion names its scale in the Criteria "
     "sheet's rating_scale column; its scores in Bids and Scores may then be labels "
     "(Outstanding, Good...) or numbers."),
    ("OKRs (optional)", "okr, mission_outcome (yes/no), metric, target."),
    ("Settings (optional)", "key and value pairs; see the meaning column for each key."),
    ("Strategy (optional)", "How the programme is bought, so that the assessment travels with "
     "the evaluation: one row per item. The seven questions (value: the answer, 1-5, the "
     "partnership's length in years; weight: its relative points), delivery_model (blank: the "
     "best fit), traditional_cost, partnership_cost, competitive_neutrality and "
     "risk_premium_pct (value), and one row per risk: owner (public, private, shared or none; "
     "blank: the usual owner under the model), chance_pct a year, and its low, likely and high "
     "cost if it happens. Leave the sheet empty if the delivery model is not assessed."),
    ("", ""),
    ("Rules", ""),
    ("Names", "Sheet names and column headers ignore case, surrounding spaces, and treat space, "
     "_ and - alike. Title rows above the header row (within the first 10 rows) are ignored, "
     "and so are fully blank rows."),
    ("Numbers", "Numeric cells, or text such as 1234.5, $1,234,567.89, €950 or £1,200. "
     "European formats (1.234,50) and percent signs are refused rather than guessed."),
    ("Yes/no", "yes, no, true, false, y, n, 1 or 0."),
    ("Formulas", "Allowed, but save the file in Excel so the computed value is stored."),
    ("Examples", "Rows in grey italics are examples: overwrite or delete them."),
)


def _style_header(ws: Worksheet, row: int, width: int) -> None:
    for col in range(1, width + 1):
        cell = ws.cell(row=row, column=col)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(vertical="center")
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def _fit_columns(ws: Worksheet, minimum: int = 10, maximum: int = 60) -> None:
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), len(str(cell.value)))
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(minimum, min(maximum, width + 2))


def _table(
    wb: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Row],
    *,
    example: bool = False,
    title_row: str | None = None,
) -> Worksheet:
    ws = wb.create_sheet(title)
    start = 1
    if title_row:
        ws.cell(row=1, column=1, value=title_row).font = Font(bold=True, size=13)
        start = 3
    for col, name in enumerate(headers, start=1):
        ws.cell(row=start, column=col, value=name)
    _style_header(ws, start, len(headers))
    for r, row in enumerate(rows, start=start + 1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if example:
                cell.font = EXAMPLE_FONT
            if isinstance(value, float) and value >= 1000:
                cell.number_format = "#,##0"
    _fit_columns(ws)
    return ws


def _validation(ws: Worksheet, formula: str, columns: Sequence[int], first_row: int, prompt: str) -> None:
    dv = DataValidation(type="list", formula1=formula, allow_blank=True)
    dv.error = prompt
    dv.errorTitle = "Not an accepted value"
    dv.prompt = prompt
    dv.showErrorMessage = True
    ws.add_data_validation(dv)
    for col in columns:
        letter = get_column_letter(col)
        dv.add(f"{letter}{first_row}:{letter}{MAX_ROWS}")


def _instructions(wb: Workbook, rows: Sequence[tuple[str, str]] = INSTRUCTIONS) -> None:
    ws = wb.active
    assert ws is not None
    ws.title = "Instructions"
    for r, (a, b) in enumerate(rows, start=1):
        ws.cell(row=r, column=1, value=a or None)
        ws.cell(row=r, column=2, value=b or None)
        ws.cell(row=r, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=r, column=1).alignment = Alignment(vertical="top")
    ws["A1"].font = Font(bold=True, size=14)
    for r, (a, _) in enumerate(rows, start=1):
        if a in ("Sheet", "Rules"):
            ws.cell(row=r, column=1).font = Font(bold=True)
            ws.cell(row=r, column=2).font = Font(bold=True)
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 110


def build_workbook(
    criteria: Sequence[Row],
    bids: Sequence[Row],
    *,
    components: Sequence[Row] = (),
    vendors: Sequence[Row] = (),
    scores: Sequence[Row] = (),
    findings: Sequence[Row] = (),
    finding_labels: Sequence[tuple[str, str]] = (),
    ratings: Sequence[Row] = (),
    okrs: Sequence[Row] = (),
    settings: Sequence[tuple[str, Any]] = (),
    example: bool = False,
    bids_title: str | None = None,
    groups: Sequence[Row] | None = None,
    strategy: Assessment | None = None,
    instructions: Sequence[tuple[str, str]] = INSTRUCTIONS,
) -> Workbook:
    """A contract-v1 workbook; ``bids`` rows are vendor, lot, price, criteria..., SLA terms."""
    wb = Workbook()
    _instructions(wb, instructions)
    ws = _table(wb, "Criteria", CRITERIA_HEADERS, criteria, example=example)
    _validation(ws, '"max,min,benefit,cost"', [3], 2, "Choose max (more is better) or min")
    if groups is not None:
        _table(wb, "Groups", GROUP_HEADERS, groups, example=example)
    scored = [str(row[0]) for row in criteria if str(row[0]).strip().casefold() != "price"]
    bid_headers = ["vendor", "lot", "price", *scored, *SLA_NUMERIC, *SLA_YES_NO]
    ws = _table(wb, "Bids", bid_headers, bids, example=example, title_row=bids_title)
    first = 4 if bids_title else 2
    yes_no_cols = [bid_headers.index(name) + 1 for name in SLA_YES_NO]
    _validation(ws, '"yes,no"', yes_no_cols, first, "Choose yes or no")
    for row in ws.iter_rows(min_row=first, min_col=3, max_col=3):
        for cell in row:
            cell.number_format = "#,##0"
    ws = _table(wb, "Components", COMPONENT_HEADERS, components, example=example)
    _table(wb, "Vendors", VENDOR_HEADERS, vendors, example=example)
    _table(wb, "Scores", SCORE_HEADERS, scores, example=example)
    _table(wb, "Ratings", RATING_HEADERS, ratings, example=example)
    ws = _table(wb, "Findings", FINDING_HEADERS, findings, example=example)
    # the kinds by the labels of the Finding kinds sheet (each kind's own name to begin with)
    _validation(ws, f"'Finding kinds'!$B$2:$B${1 + len(FINDING_KINDS)}", [5], 2,
                "Choose the kind of finding (the labels of the Finding kinds sheet)")
    labels = dict(finding_labels)
    _table(wb, "Finding kinds", KIND_HEADERS, [(k, labels.get(k, k)) for k in FINDING_KINDS])
    ws = _table(wb, "OKRs", OKR_HEADERS, okrs, example=example)
    _validation(ws, '"yes,no"', [2], 2, "Choose yes or no")
    given = dict(settings)
    rows = [(key, given.get(key, default), meaning) for key, default, meaning in SETTINGS_HELP]
    ws = _table(wb, "Settings", SETTINGS_HEADERS, rows)
    keys = [key for key, _, _ in SETTINGS_HELP]
    for cell, options in ((f"B{keys.index('method') + 2}", METHODS),
                          (f"B{keys.index('price_formula') + 2}", PRICE_FORMULAS)):
        dv = DataValidation(type="list", formula1=f'"{",".join(options)}"', allow_blank=True)
        ws.add_data_validation(dv)
        dv.add(cell)
    ws = _table(wb, STRATEGY_SHEET, STRATEGY_HEADERS, strategy_rows(strategy) if strategy else ())
    _validation(ws, '"public,private,shared,none"', [4], 2,
                "Choose public, private, shared or none (blank: the usual owner under the model)")
    ws.column_dimensions["I"].width = 60
    return wb


TEMPLATE_CRITERIA: tuple[Row, ...] = (
    ("Technical approach", 35, "max", "Technical", 0, 5, 2, "Soundness of the proposed solution"),
    ("Management approach", 20, "max", "Management", 0, 5, None, "Staffing, schedule, governance",
     "Adjectival"),
    ("Past performance", 15, "max", "Past performance", 0, 5, 2, "Relevant contracts, references"),
    ("Price", 30, "min", "Price", None, None, None, "Total evaluated price over the term"),
)
TEMPLATE_BIDS: tuple[Row, ...] = (
    ("Example Vendor A", "Application", 1_250_000.0, 4, 3, 4,
     99.95, 12, 90, 365, "yes", "yes", "yes", "yes", "no"),
    ("Example Vendor B", "Application", 1_100_000.0, 3, 4, 3,
     99.9, 10, 60, 180, "yes", "no", "yes", "yes", "yes"),
)


def write_template(path: str | Path) -> Path:
    """Write the template (instructions, drop-downs, example rows) to ``path``."""
    out = Path(path)
    out.write_bytes(template_bytes())
    return out


def template_bytes(strategy: Assessment | None = None) -> bytes:
    """The template as .xlsx bytes; with a delivery-strategy assessment, written for the model
    it chooses (that model's suggested criteria and SLA terms) and carrying the assessment in
    its Strategy sheet."""
    criteria, bids = TEMPLATE_CRITERIA, TEMPLATE_BIDS
    instructions = INSTRUCTIONS
    if strategy is not None:
        model = strategy.chosen()
        extra = SUGGESTED_CRITERIA[model]
        criteria = (*TEMPLATE_CRITERIA[:3],
                    *((name, 10, "max", "Delivery model", 0, 5, None, what) for name, what in extra),
                    TEMPLATE_CRITERIA[3])
        sla = SUGGESTED_SLA[model]
        bids = tuple((*row[:6], *(3 + i % 2 for i in range(len(extra))), *sla) for row in bids)
        instructions = (*INSTRUCTIONS[:2], (
            "Delivery model", f"Written for {model.lower()}: the criteria "
            + " and ".join(name for name, _ in extra) + " are suggested for it, and the example "
            "bids show the SLA terms to ask for (uptime {:g} %, fee at risk {:g} %, {:g} days' "
            "notice of model updates, versions pinned {:g} days). The Strategy sheet holds the "
            "assessment behind the choice.".format(*sla[:4])), ("", ""), *INSTRUCTIONS[2:])
    wb = build_workbook(
        criteria,
        bids,
        instructions=instructions,
        strategy=strategy,
        components=(("Application", 5, 500_000.0, 9),),
        vendors=(("Example Vendor A", 0.02),),
        okrs=(("Cut case backlog by 40 %", "yes", "open cases", "under 6,000"),),
        ratings=ADJECTIVAL,
        groups=(),  # the sheet, empty: the criteria are weighted directly until it has rows
        findings=(("Evaluator 1", "Example Vendor A", "Application", "Technical approach",
                   "strength", "Automated regression suite covers every interface",
                   "Vol. II, section 3.2, p. 14"),),
        example=True,
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# -- the bundled sample: a state revenue agency's tax system modernization ----------------

SAMPLE_CRITERIA: tuple[Row, ...] = (
    ("Technical approach", 30, "max", "Technical", 0, 5, 2,
     "Architecture, modernization plan, fit to the agency's requirements"),
    ("Management approach", 15, "max", "Management", 0, 5, None,
     "Key personnel, schedule realism, governance and reporting"),
    ("Past performance", 15, "max", "Past performance", 0, 5, 2,
     "Relevance and quality of comparable public-sector contracts"),
    ("Exit and portability", 10, "max", "SLA", 0, 5, None,
     "Transition-out plan, data export formats, documentation escrow"),
    ("Price", 30, "min", "Price", None, None, None, "Total evaluated price over five years"),
)

_SLA_STRONG = (99.95, 12, 90, 365, "yes", "yes", "yes", "yes", "yes")
_SLA_GOOD = (99.9, 10, 60, 180, "yes", "yes", "yes", "yes", "no")
_SLA_WEAK = (99.5, 5, 30, 90, "yes", "no", "no", "yes", "no")
_SLA_UPTIME_ONLY = (99.9, 0, 14, 0, "no", "no", "no", "no", "no")

SAMPLE_BIDS: tuple[Row, ...] = (
    # vendor, lot, price, technical, management, past performance, exit, SLA terms
    ("Cascade Cloud Services", "Infrastructure", 1_480_000.0, 4.5, 4.0, 4.0, 4.0, *_SLA_STRONG),
    ("Harbor Data Works", "Infrastructure", 1_265_000.0, 3.5, 3.5, 3.0, 3.5, *_SLA_GOOD),
    ("Summit Integrators", "Infrastructure", 1_390_000.0, 4.0, 4.0, 4.5, 2.5, *_SLA_GOOD),
    ("Northwind Digital", "Application", 2_950_000.0, 4.5, 4.0, 4.0, 4.5, *_SLA_STRONG),
    ("Keystone Systems", "Application", 2_640_000.0, 4.0, 3.5, 4.5, 3.0, *_SLA_GOOD),
    ("Summit Integrators", "Application", 3_180_000.0, 4.5, 4.5, 4.0, 2.5, *_SLA_WEAK),
    ("Meridian Analytics", "Analytics", 880_000.0, 4.5, 3.5, 3.5, 4.5, *_SLA_STRONG),
    ("Northwind Digital", "Analytics", 1_020_000.0, 4.0, 4.0, 4.0, 4.0, *_SLA_GOOD),
    ("Harbor Data Works", "Analytics", 790_000.0, 3.0, 3.0, 3.5, 4.0, *_SLA_UPTIME_ONLY),
    ("Bastion Security Group", "Security", 760_000.0, 4.5, 4.0, 4.5, 4.0, *_SLA_STRONG),
    ("Ironclad Cyber", "Security", 590_000.0, 3.5, 3.0, 1.5, 3.0, *_SLA_WEAK),
    ("Cascade Cloud Services", "Security", 820_000.0, 4.0, 4.0, 3.5, 4.0, *_SLA_GOOD),
    ("Keystone Systems", "ALL", 5_690_000.0, 4.0, 3.5, 4.0, 2.5, *_SLA_GOOD),
    ("Summit Integrators", "ALL", 5_940_000.0, 4.0, 4.5, 4.5, 2.0, *_SLA_WEAK),
)

SAMPLE_COMPONENTS: tuple[Row, ...] = (
    ("Infrastructure", 4, 420_000.0, 9),
    ("Application", 5, 950_000.0, 12),
    ("Analytics", 3, 240_000.0, 6),
    ("Security", 5, 310_000.0, 6),
)

SAMPLE_VENDORS: tuple[Row, ...] = (
    ("Cascade Cloud Services", 0.015),
    ("Harbor Data Works", 0.05),
    ("Summit Integrators", 0.02),
    ("Northwind Digital", 0.025),
    ("Keystone Systems", 0.03),
    ("Meridian Analytics", 0.04),
    ("Bastion Security Group", 0.02),
    ("Ironclad Cyber", 0.06),
)

SAMPLE_OKRS: tuple[Row, ...] = (
    ("Taxpayers get refunds faster", "yes", "median days from filing to refund", "under 10"),
    ("Fewer returns need manual review", "yes", "share of returns auto-processed", "85 %"),
    ("Modern, supportable platform", "no", "legacy mainframe jobs retired", "100 %"),
)

EVALUATORS = ("A. Rivera", "B. Chen", "C. Okafor")


def _sample_scores() -> tuple[Row, ...]:
    """Three evaluators on two criteria; medians equal the Bids values, a few cells spread wide."""
    rows: list[Row] = []
    wide = {("Harbor Data Works", "Infrastructure"), ("Northwind Digital", "Analytics"),
            ("Summit Integrators", "ALL")}
    for vendor, lot, _price, tech, _mgmt, past, *_rest in SAMPLE_BIDS:
        for criterion, value in (("Technical approach", tech), ("Past performance", past)):
            spread = 1.5 if (vendor, lot) in wide and criterion == "Technical approach" else 0.5
            given = (max(0.0, value - spread), value, min(5.0, value + 0.5))
            for evaluator, score in zip(EVALUATORS, given, strict=True):
                note = "Meets the requirement" if score == value else (
                    "Strengths outweigh the risks" if score > value else "Staffing plan is thin")
                rows.append((evaluator, vendor, lot, criterion, score, note))
    return tuple(rows)


# evaluator (blank: the panel's), vendor, lot, criterion, kind, text, reference
_SAMPLE_FINDINGS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("A. Rivera", "Cascade Cloud Services", "Infrastructure", "Technical approach",
     "significant strength", "Active-active hosting in two regions with a tested 15-minute "
     "failover, beyond the 4-hour recovery the RFP requires", "Vol. I, section 2.4, p. 22"),
    ("B. Chen", "Cascade Cloud Services", "Infrastructure", "Exit and portability", "strength",
     "Exit plan commits to open export formats and a 90-day parallel run", "Vol. I, section 6.1, p. 48"),
    ("", "Harbor Data Works", "Infrastructure", "Technical approach", "weakness",
     "Capacity plan sized for current filing volumes only; no growth assumption stated",
     "Vol. I, section 2.2, p. 17"),
    ("C. Okafor", "Harbor Data Works", "Infrastructure", "Past performance", "risk",
     "Only one reference of comparable size, completed in 2019", "Vol. III, p. 4"),
    ("A. Rivera", "Summit Integrators", "Infrastructure", "Exit and portability",
     "significant weakness", "Data export only through the vendor's proprietary API, with "
     "no escrow of documentation", "Vol. I, section 6.3, p. 51"),
    ("B. Chen", "Northwind Digital", "Application", "Technical approach", "significant strength",
     "Rules engine lets tax policy staff change rules without code releases",
     "Vol. II, section 3.1, p. 9"),
    ("", "Keystone Systems", "Application", "Management approach", "weakness",
     "Key personnel commitment covers the first year only", "Vol. II, section 5.2, p. 33"),
    ("C. Okafor", "Summit Integrators", "Application", "Exit and portability", "deficiency",
     "No transition-out plan submitted, which the RFP requires (section L.4.6)",
     "Vol. II, section 6 (absent)"),
    ("A. Rivera", "Meridian Analytics", "Analytics", "Technical approach", "strength",
     "Reference architecture reuses the agency's existing data warehouse",
     "Vol. IV, section 2.1, p. 6"),
    ("B. Chen", "Harbor Data Works", "Analytics", "Technical approach", "weakness",
     "Dashboards are delivered as static reports, refreshed nightly", "Vol. IV, section 2.3, p. 11"),
    ("", "Bastion Security Group", "Security", "Past performance", "significant strength",
     "Three state revenue agencies as references, each rated exceptional", "Vol. V, p. 3"),
    ("C. Okafor", "Ironclad Cyber", "Security", "Past performance", "significant weakness",
     "Two of three references report missed incident-response times", "Vol. V, p. 7"),
    ("A. Rivera", "Keystone Systems", "ALL", "Exit and portability", "weakness",
     "Integrated stack makes replacing any one component a full re-procurement",
     "Vol. VI, section 4.2, p. 40"),
)


SAMPLE_SETTINGS: tuple[tuple[str, Any], ...] = (
    ("method", "topsis"),
    ("price_formula", "lowest_ratio"),
    ("contract_years", 5),
    ("vendor_failure_prob", 0.03),
    ("integration_overhead_pct", 6),
    ("coordination_cost_per_vendor", 120_000),
    ("max_components_per_vendor", 2),
    ("max_vendor_share_pct", 60),
    ("okr_threshold", 2_000_000),
    ("spread_watch_pct", 20),
    ("spread_flag_pct", 30),
    ("currency", "USD"),
)


# How the agency chose to buy: modular contracts, one per component (the lots of the sample),
# with the exit risk shared with the suppliers rather than kept, and a risk of its own.
SAMPLE_STRATEGY = Assessment(
    answers=(("capability_gap", 2), ("capital_available", 4), ("innovation_speed", 4),
             ("risk_transfer", 2), ("governance_capacity", 5), ("data_ownership", 5),
             ("partnership_years", 5)),
    weights=(("data_ownership", 2), ("governance_capacity", 1.5)),
    model="Modular contracts",
    risks=(*(replace(r, owner="shared") if r.name == "Exit and transition" else r
             for r in DEFAULT_RISKS),
           RiskLine("Tax law interpretation", "public", 0.2, 40_000, 120_000, 350_000)),
    traditional_cost=5_900_000.0,
    partnership_cost=5_450_000.0,
    neutrality=150_000.0,
)


def write_sample(path: str | Path) -> Path:
    """Write the bundled sample evaluation (the app's default data) to ``path``."""
    wb = build_workbook(
        SAMPLE_CRITERIA,
        SAMPLE_BIDS,
        components=SAMPLE_COMPONENTS,
        vendors=SAMPLE_VENDORS,
        okrs=SAMPLE_OKRS,
        scores=_sample_scores(),
        findings=_SAMPLE_FINDINGS,
        settings=SAMPLE_SETTINGS,
        strategy=SAMPLE_STRATEGY,
        bids_title="Bids received — RFP DOR-2026-114, Integrated Tax System Modernization",
    )
    out = Path(path)
    wb.save(out)
    return out
