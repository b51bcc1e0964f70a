"""Read a performance workbook (contract v1) into a ``monitor.PerformanceBook``.

The same guard and the same located, plain-language errors as the bid workbook: every problem
at once, each with its sheet, row and column and what to do; a book with problems is not used.
The book is read against the evaluation it monitors: every vendor and component it names must
be an awarded bid of that evaluation's workbook (the vendor's bid for the component, or its
bundle bid), and every KPI it reports on must be one of the contract's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from scoring.model import BUNDLE_LOT, BidSet, Location, Problem, fold
from scoring.monitor import (
    DIRECTIONS,
    KPI,
    STATUSES,
    Actual,
    Incident,
    Invoice,
    PerformanceBook,
    Risk,
    Service,
    TechDebt,
    awarded_services,
    bid_kpis,
    merge_kpis,
)
from scoring.workbook import Sheet, _Reader, cell_text, closest, in_place, norm_header, open_book

SEVERITIES = ("critical", "high", "medium", "low")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?$")
_DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


@dataclass(frozen=True)
class PerformanceRead:
    book: PerformanceBook | None
    problems: tuple[Problem, ...] = ()
    notes: tuple[Problem, ...] = ()
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return self.book is not None


class _PerformanceReader:
    """The sheets of one performance book, each read with the bid workbook's reader."""

    def __init__(self, reader: _Reader, bidset: BidSet) -> None:
        self.r = reader
        self.bidset = bidset
        self.vendors = {fold(b.vendor): b.vendor for b in bidset.bids}
        self.lots: dict[str, list[str]] = {}  # folded vendor -> the lots it bid on
        for b in bidset.bids:
            self.lots.setdefault(fold(b.vendor), []).append(b.lot)
        self.components = [c.name for c in bidset.components] or [""]
        self.failed: set[str] = set()  # KPIs whose own row was refused (folded names)

    # -- cells -------------------------------------------------------------------------------
    def month(self, sheet: Sheet, row: int, values: list[Any], key: str = "month") -> str | None:
        raw = sheet.get(values, key)
        if isinstance(raw, (dt.date, dt.datetime)):
            return f"{raw.year:04d}-{raw.month:02d}"
        text = cell_text(raw)
        m = _MONTH.match(text)
        if m and 1 <= int(m.group(2)) <= 12:
            if text.count("-") == 2:  # a full date: it must be one
                try:
                    dt.date(*map(int, text.split("-")))
                except ValueError:
                    m = None
            if m:
                return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
        self.r.problem(sheet.loc(row, key), f"the month is {f'{text!r}' if text else 'blank'}",
                       "Write the month as 2026-01 (or enter a date in it)")
        return None

    def day(self, sheet: Sheet, row: int, values: list[Any], key: str, *,
            required: bool = True) -> str | None:
        raw = sheet.get(values, key)
        if isinstance(raw, (dt.date, dt.datetime)):
            return f"{raw.year:04d}-{raw.month:02d}-{raw.day:02d}"
        text = cell_text(raw)
        if not text and not required:
            return ""
        if _DAY.match(text):
            try:
                return dt.date(*map(int, text.split("-"))).isoformat()
            except ValueError:
                pass
        self.r.problem(sheet.loc(row, key), f"{key} is {f'{text!r}' if text else 'blank'}",
                       "Enter a date (or write it as 2026-01-31)")
        return None

    def vendor(self, sheet: Sheet, row: int, values: list[Any]) -> str | None:
        name = cell_text(sheet.get(values, "vendor"))
        found = self.vendors.get(fold(name))
        if found is None:
            guess = closest(name, list(self.vendors.values())) if name else None
            self.r.problem(sheet.loc(row, "vendor"),
                           f"'{name}' has no bid in the evaluation" if name else "the vendor is blank",
                           f"Did you mean '{guess}'? " if guess else
                           "Name a vendor of the evaluation's workbook, as its Bids sheet does")
        return found

    def component(self, sheet: Sheet, row: int, values: list[Any], vendor: str,
                  *, blank_ok: bool = False) -> str | None:
        """The component a row names: one the vendor bid on (or covers with a bundle bid);
        blank for the vendor's only component (or, with ``blank_ok``, for all of them)."""
        name = cell_text(sheet.get(values, "component"))
        lots = self.lots[fold(vendor)]
        covered = self.components if BUNDLE_LOT in lots else [x for x in lots if x != BUNDLE_LOT]
        if not name:
            if len(covered) == 1 or blank_ok:
                return covered[0] if len(covered) == 1 else ""
            self.r.problem(sheet.loc(row, "component"), f"the component is blank, and {vendor} "
                           f"holds {len(covered)}: {', '.join(covered)}", "Name the component")
            return None
        match = next((c for c in covered if fold(c) == fold(name)), None)
        if match is None:
            guess = closest(name, covered)
            self.r.problem(sheet.loc(row, "component"), f"{vendor} has no bid for '{name}'",
                           f"Did you mean '{guess}'?" if guess else
                           f"Name one of the components {vendor} bid on: {', '.join(covered)}")
        return match

    def choice(self, sheet: Sheet, row: int, values: list[Any], key: str, options: tuple[str, ...],
               default: str | None = None) -> str | None:
        text = cell_text(sheet.get(values, key)).casefold()
        if not text and default is not None:
            return default
        if text in options:
            return text
        self.r.problem(sheet.loc(row, key), f"{key} is {f'{text!r}' if text else 'blank'}",
                       f"Write one of {', '.join(options)}")
        return None

    def whole(self, sheet: Sheet, row: int, values: list[Any], key: str, low: int, high: int,
              what: str) -> int | None:
        value = self.r.number(sheet, row, values, key, what=what, required=True, minimum=low,
                              maximum=high, fix=f"A whole number from {low} to {high}")
        if value is None:
            return None
        if not float(value).is_integer():
            self.r.problem(sheet.loc(row, key), f"{what} is {value:g}", f"A whole number from {low} "
                           f"to {high}")
            return None
        return int(value)

    # -- sheets ------------------------------------------------------------------------------
    def kpis(self) -> list[KPI]:
        sheet = self.r.sheet("kpis", ("kpi", "vendor", "target"), optional=True)
        if sheet is None:
            return []
        out: list[KPI] = []
        seen: dict[tuple[str, str, str], int] = {}
        for row, values in sheet.rows():
            name = cell_text(sheet.get(values, "kpi"))
            if not name:
                self.r.problem(sheet.loc(row, "kpi"), "this row has no KPI name",
                               "Name the KPI, or clear the row")
                continue
            vendor = self.vendor(sheet, row, values)
            target = self.r.number(sheet, row, values, "target", what=f"target of '{name}'",
                                   required=True)
            direction = self.choice(sheet, row, values, "direction", DIRECTIONS, "max")
            weight = self.r.number(sheet, row, values, "weight pct",
                                   what=f"weight_pct of '{name}'", minimum=0, maximum=1000,
                                   fix="The KPI's share of the fee-at-risk pool, in percent")
            critical = self.r.yes_no(sheet, row, values, "critical", f"critical of '{name}'")
            if vendor is None or target is None or direction is None:
                self.failed.add(fold(name))  # its Actuals rows get no second message
                continue
            component = self.component(sheet, row, values, vendor, blank_ok=True)
            if component is None:
                self.failed.add(fold(name))
                continue
            held = self.held(vendor) if not component else [component]
            for c in held:
                key = (fold(name), fold(vendor), fold(c))
                if key in seen:
                    self.r.problem(sheet.loc(row, "kpi"), f"'{name}' for {vendor}"
                                   f"{f' ({c})' if c else ''} is listed twice (first on row "
                                   f"{seen[key]})", "Keep one row per KPI, vendor and component")
                    continue
                seen[key] = row
                out.append(KPI(name, vendor, c, target, direction,
                               cell_text(sheet.get(values, "unit")),
                               100.0 if weight is None else weight, bool(critical),
                               f"KPIs row {row}"))
        return out

    def held(self, vendor: str) -> list[str]:
        """The components a vendor is monitored on: those its bids cover."""
        lots = self.lots[fold(vendor)]
        return self.components if BUNDLE_LOT in lots else [x for x in lots if x != BUNDLE_LOT]

    def actuals(self, known: set[tuple[str, str, str]]) -> tuple[list[Actual], set[tuple[str, str]]]:
        sheet = self.r.sheet("actuals", ("month", "vendor", "kpi", "value"), optional=False)
        if sheet is None:
            return [], set()
        out: list[Actual] = []
        pairs: set[tuple[str, str]] = set()
        seen: dict[tuple[str, str, str, str], int] = {}
        for row, values in sheet.rows():
            month = self.month(sheet, row, values)
            vendor = self.vendor(sheet, row, values)
            name = cell_text(sheet.get(values, "kpi"))
            value = self.r.number(sheet, row, values, "value", what=f"value of '{name}'",
                                  required=True)
            if vendor is None or month is None:
                continue
            component = self.component(sheet, row, values, vendor)
            if component is None or value is None:
                continue
            if (fold(name), fold(vendor), fold(component)) not in known:
                if fold(name) in self.failed:
                    continue  # its KPIs row was refused, with its message
                names = sorted({k for k, v, c in known if v == fold(vendor)})
                guess = closest(name, names) if name else None
                self.r.problem(sheet.loc(row, "kpi"),
                               (f"'{name}' is not a KPI of the contract of {vendor}" if name else
                                f"the KPI is blank ({vendor})")
                               + (f" for {component}" if component else ""),
                               f"Did you mean '{guess}'? Or add it to the KPIs sheet" if guess else
                               "Add it to the KPIs sheet (kpi, vendor, component, target)")
                continue
            key = (month, fold(vendor), fold(component), fold(name))
            if key in seen:
                self.r.problem(sheet.loc(row, "value"), f"{name} of {vendor} for {month} is "
                               f"reported twice (first on row {seen[key]})",
                               "Keep one row per month, vendor, component and KPI")
                continue
            seen[key] = row
            pairs.add((vendor, component))
            out.append(Actual(month, vendor, component, name, value, row))
        return out, pairs

    def invoices(self, services: dict[tuple[str, str], Service]) -> list[Invoice]:
        sheet = self.r.sheet("invoices", ("month", "vendor", "amount"), optional=True)
        if sheet is None:
            return []
        out: list[Invoice] = []
        seen: dict[tuple[str, str, str], int] = {}
        for row, values in sheet.rows():
            month = self.month(sheet, row, values)
            vendor = self.vendor(sheet, row, values)
            amount = self.r.number(sheet, row, values, "amount", what="the invoice amount",
                                   required=True, minimum=0, fix="The amount invoiced, 0 or more")
            if vendor is None or month is None or amount is None:
                continue
            component = self.component(sheet, row, values, vendor, blank_ok=True)
            if component is None:
                continue
            held = [s for (v, _), s in services.items() if v == fold(vendor)]
            if not component and len({s.fee_at_risk_pct for s in held}) > 1:
                self.r.problem(sheet.loc(row, "component"), f"{vendor}'s bids put different "
                               "shares of their fee at risk ("
                               + ", ".join(f"{s.component}: {s.fee_at_risk_pct:g} %" for s in held)
                               + ")", "Invoice each component on its own row")
                continue
            key = (month, fold(vendor), fold(component))
            whole = (month, fold(vendor), "")
            parts = [r for (m, v, c), r in seen.items() if m == month and v == fold(vendor) and c]
            clash = seen.get(key) or (seen.get(whole) if component else (parts[0] if parts else None))
            if clash is not None:
                self.r.problem(sheet.loc(row, "amount"), f"{vendor} is invoiced twice for {month}"
                               f"{f' ({component})' if component else ''} (first on row {clash})",
                               "Add the amounts into one row, or invoice each component on its "
                               "own row and none for the whole vendor")
                continue
            seen[key] = row
            out.append(Invoice(month, vendor, component, amount, row))
        return out

    def incidents(self) -> list[Incident]:
        sheet = self.r.sheet("incidents", ("date", "vendor", "severity", "description"),
                             optional=True)
        if sheet is None:
            return []
        out = []
        for row, values in sheet.rows():
            day = self.day(sheet, row, values, "date")
            vendor = self.vendor(sheet, row, values)
            severity = self.choice(sheet, row, values, "severity", SEVERITIES)
            resolved = self.day(sheet, row, values, "resolved", required=False)
            if None in (day, vendor, severity, resolved):
                continue
            assert vendor is not None and day is not None and severity is not None
            if resolved and resolved < day:
                self.r.problem(sheet.loc(row, "resolved"), f"resolved on {resolved}, before the "
                               f"incident of {day}", "Check the dates")
                continue
            component = self.component(sheet, row, values, vendor, blank_ok=True)
            if component is None:
                continue
            out.append(Incident(day, vendor, component, severity,
                                cell_text(sheet.get(values, "description")), resolved or ""))
        return out

    def risks(self) -> list[Risk]:
        sheet = self.r.sheet("risks", ("risk", "owner", "likelihood", "impact", "status", "updated"),
                             optional=True)
        if sheet is None:
            return []
        out = []
        for row, values in sheet.rows():
            name = cell_text(sheet.get(values, "risk"))
            owner = cell_text(sheet.get(values, "owner"))
            if not name or not owner:
                key = "risk" if not name else "owner"
                self.r.problem(sheet.loc(row, key), f"the {key} is blank",
                               "Every risk has a name and an owner")
                continue
            likelihood = self.whole(sheet, row, values, "likelihood", 1, 5, f"likelihood of '{name}'")
            impact = self.whole(sheet, row, values, "impact", 1, 5, f"impact of '{name}'")
            status = self.choice(sheet, row, values, "status", STATUSES)
            updated = self.day(sheet, row, values, "updated")
            if None in (likelihood, impact, status, updated):
                continue
            out.append(Risk(name, owner, likelihood, impact, status, updated,  # type: ignore[arg-type]
                            cell_text(sheet.get(values, "mitigation"))))
        return out

    def techdebt(self) -> list[TechDebt]:
        key = "tech debt" if "tech debt" in self.r.sheets else "techdebt"
        sheet = self.r.sheet(key, ("item", "annual carrying cost", "remediation cost",
                                   "cost if deferred"), optional=True)
        if sheet is None:
            return []
        out = []
        for row, values in sheet.rows():
            item = cell_text(sheet.get(values, "item"))
            figures = [self.r.number(sheet, row, values, col, what=f"{col} of '{item}'",
                                     required=True, minimum=0, fix="An amount, 0 or more")
                       for col in ("annual carrying cost", "remediation cost", "cost if deferred")]
            if not item:
                self.r.problem(sheet.loc(row, "item"), "this row has no item",
                               "Name the item, or clear the row")
                continue
            if any(f is None for f in figures):
                continue
            carrying, remediation, deferred = figures
            out.append(TechDebt(item, cell_text(sheet.get(values, "system")), carrying,  # type: ignore[arg-type]
                                remediation, deferred))  # type: ignore[arg-type]
        return out

    def settings(self) -> tuple[int, float]:
        sheet = self.r.sheet("settings", ("key", "value"), optional=True)
        cadence, escalation = 31, 1.0
        if sheet is None:
            return cadence, escalation
        seen: dict[str, int] = {}
        for row, values in sheet.rows():
            key = norm_header(cell_text(sheet.get(values, "key"))).replace(" ", "_")
            if key in seen:
                self.r.problem(sheet.loc(row, "key"), f"{key} is set twice (first on row "
                               f"{seen[key]})", "Keep one row per setting")
                continue
            seen[key] = row
            if key == "review_cadence_days":
                found = self.whole(sheet, row, values, "value", 1, 366, "review_cadence_days")
                cadence = cadence if found is None else found
            elif key == "escalation":
                value = self.r.number(sheet, row, values, "value", what="escalation", required=True,
                                      minimum=1, maximum=10, fix="A repeat miss's credit multiplier, "
                                      "1 (none) to 10")
                escalation = escalation if value is None else value
            elif key:
                self.r.problem(sheet.loc(row, "key"), f"'{cell_text(sheet.get(values, 'key'))}' "
                               "is not a setting of the performance workbook",
                               "Use review_cadence_days or escalation")
        return cadence, escalation


def read_performance(data: bytes, bidset: BidSet) -> PerformanceRead:
    """Validate a performance workbook against the evaluation's bid workbook ``bidset``."""
    digest = hashlib.sha256(data).hexdigest()
    opened = open_book(data)
    if len(opened) != 2 or not isinstance(opened[0], _Reader):
        return PerformanceRead(None, opened, sha256=digest)  # type: ignore[arg-type]
    reader, info = opened
    p = _PerformanceReader(reader, bidset)
    sheet_kpis = p.kpis()
    # the services: every component the vendors named anywhere hold (their bids)
    named = {(k.vendor, k.component) for k in sheet_kpis}
    candidates = {(b.vendor, c) for b in bidset.bids for c in p.held(b.vendor)}
    bid_based, obligations = bid_kpis(bidset, list(awarded_services(bidset, candidates).values()))
    known = {(fold(k.name), fold(k.vendor), fold(k.component)) for k in merge_kpis(bid_based, sheet_kpis)}
    actuals, pairs = p.actuals(known)
    order = {fold(c): i for i, c in enumerate(p.components)}
    services = awarded_services(bidset, sorted(pairs | named, key=lambda vc: (
        order.get(fold(vc[1]), len(order)), fold(vc[0]))))
    invoices = p.invoices(services)
    incidents = p.incidents()
    risks = p.risks()
    techdebt = p.techdebt()
    cadence, escalation = p.settings()
    invoiced = reader.sheets.get("invoices")
    for inv in invoices:
        where = invoiced.loc(inv.row, "component" if inv.component else "vendor") if invoiced \
            else Location("Invoices", inv.row)
        if reader.problems:  # a row refused above may be the one that reports it: said once
            break
        if not any(v == fold(inv.vendor) and (not inv.component or c == fold(inv.component))
                   for v, c in services):
            reader.problem(where, f"{inv.vendor} is invoiced"
                           + (f" for {inv.component}" if inv.component else "")
                           + " but no KPI of it is reported in Actuals",
                           "Report its KPIs in Actuals, or invoice the component they are on")
    notes = in_place(info, reader.notes)
    if reader.problems:
        return PerformanceRead(None, in_place(info, reader.problems), notes, digest)
    chosen = tuple(services.values())
    monitored = {(fold(s.vendor), fold(s.component)) for s in chosen}
    kpis = tuple(k for k in merge_kpis(bid_based, sheet_kpis)
                 if (fold(k.vendor), fold(k.component)) in monitored)
    book = PerformanceBook(
        services=chosen, kpis=kpis, actuals=tuple(actuals), invoices=tuple(invoices),
        incidents=tuple(incidents), risks=tuple(risks), techdebt=tuple(techdebt),
        obligations=tuple(o for o in obligations if (fold(o[0]), fold(o[1])) in monitored),
        review_days=cadence, escalation=escalation, currency=bidset.settings.currency,
        sha256=digest)
    return PerformanceRead(book, (), notes, digest)

