"""After the award: the contract's KPIs, the fee at risk, trends and anomalies, and the registers.

The performance workbook (``scoring.performance`` reads it) says, month by month, what each
awarded vendor delivered (Actuals), what it invoiced (Invoices), what went wrong (Incidents),
and keeps the risk and tech-debt registers. The contract's KPIs come from the awarded bids'
own SLA terms (the uptime each bid committed to, the share of its fee it put at risk) and from
the KPIs sheet, which may add KPIs or restate one. Everything here is pure: the Monitor page,
its exports and ``python -m scoring monitor`` compute the same figures from the same book.

The fee-at-risk model (the common contract form):

* each month, a vendor's **at-risk amount** is its bid's ``fee_at_risk_pct`` of that month's
  invoice;
* each KPI takes an **allocation** of that pool (``weight_pct``); allocations may add up to
  more than 100 % across a vendor's KPIs;
* a KPI missed in the month earns the agency a **credit** of its allocation of the at-risk
  amount; with ``escalation`` above 1, a KPI missed again the month after earns its allocation
  times escalation for each consecutive miss before it (a second miss in a row × e, a third
  × e², ...);
* the month's **credit** is the sum, **capped at the at-risk amount**, and never negative.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from scoring.model import BUNDLE_LOT, BidSet, fold

DIRECTIONS = ("max", "min")  # max: at least the target is met; min: at most the target
UPTIME = "uptime_pct"  # the bid's committed uptime: a KPI of every awarded bid that states one
STATUSES = ("open", "mitigating", "closed")


@dataclass(frozen=True)
class KPI:
    """What a vendor is held to: ``target`` in ``direction``, with its share of the vendor's
    fee-at-risk pool (``weight_pct``, percent) and whether missing it is critical."""

    name: str
    vendor: str
    component: str  # the component it holds the vendor to (the reader expands a blank one)
    target: float
    direction: str = "max"
    unit: str = ""
    weight_pct: float = 0.0
    critical: bool = False
    source: str = "KPIs sheet"  # or the bid it comes from

    def met(self, value: float) -> bool:
        return value >= self.target if self.direction == "max" else value <= self.target

    def better(self, a: float, b: float) -> bool:
        """Whether ``a`` is better than ``b`` for this KPI."""
        return a > b if self.direction == "max" else a < b



@dataclass(frozen=True)
class Actual:
    month: str  # YYYY-MM
    vendor: str
    component: str
    kpi: str
    value: float
    row: int = 0


@dataclass(frozen=True)
class Invoice:
    month: str
    vendor: str
    component: str  # "" for the vendor's whole invoice
    amount: float
    row: int = 0


@dataclass(frozen=True)
class Incident:
    date: str  # YYYY-MM-DD
    vendor: str
    component: str
    severity: str  # critical, high, medium or low
    description: str
    resolved: str = ""  # the date it was resolved ("" while open)

    @property
    def month(self) -> str:
        return self.date[:7]


@dataclass(frozen=True)
class Risk:
    risk: str
    owner: str
    likelihood: int  # 1-5
    impact: int  # 1-5
    status: str
    updated: str  # YYYY-MM-DD
    mitigation: str = ""

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


@dataclass(frozen=True)
class TechDebt:
    item: str
    system: str
    carrying_cost: float  # a year
    remediation_cost: float
    deferral_cost: float  # what a year's deferral adds

    @property
    def cost_of_deferral(self) -> float:
        """What deferring it a year costs: the year's carrying cost and what deferral adds."""
        return self.carrying_cost + self.deferral_cost


@dataclass(frozen=True)
class Service:
    """An awarded bid the book monitors: a vendor on a component (or its bundle)."""

    vendor: str
    component: str
    fee_at_risk_pct: float
    lot: str  # the bid's lot: the component, or the bundle


@dataclass(frozen=True)
class PerformanceBook:
    services: tuple[Service, ...]
    kpis: tuple[KPI, ...]
    actuals: tuple[Actual, ...] = ()
    invoices: tuple[Invoice, ...] = ()
    incidents: tuple[Incident, ...] = ()
    risks: tuple[Risk, ...] = ()
    techdebt: tuple[TechDebt, ...] = ()
    obligations: tuple[tuple[str, str, str, str], ...] = ()  # vendor, component, term, as bid
    review_days: int = 31  # a register entry older than this at the month's end is stale
    escalation: float = 1.0  # a repeat miss's credit multiplier (1: none)
    currency: str = "USD"
    sha256: str = ""

    @property
    def months(self) -> tuple[str, ...]:
        return tuple(sorted({a.month for a in self.actuals} | {i.month for i in self.invoices}))

    @property
    def vendors(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.vendor for s in self.services))


# -- the contract's KPIs from the award --------------------------------------------------------

def awarded_services(bidset: BidSet, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Service]:
    """The bids of the (vendor, component) pairs a performance book names: the vendor's bid for
    the component, else its bundle bid. Pairs without a bid are left out (the reader says so)."""
    bids = {(fold(b.vendor), fold(b.lot)): b for b in bidset.bids}
    out = {}
    for vendor, component in pairs:
        bid = bids.get((fold(vendor), fold(component))) or bids.get((fold(vendor), fold(BUNDLE_LOT)))
        if bid is not None:
            out[fold(vendor), fold(component)] = Service(bid.vendor, component,
                                                         float(bid.sla.fee_at_risk_pct or 0.0),
                                                         bid.lot)
    return out


Obligation = tuple[str, str, str, str]  # vendor, component, SLA term, the commitment as bid


def bid_kpis(bidset: BidSet, services: Sequence[Service]) -> tuple[list[KPI], list[Obligation]]:
    """Each awarded bid's commitments: its uptime as a KPI (all of its fee-at-risk pool, until
    the KPIs sheet says otherwise), and the rest of its SLA terms as obligations."""
    bids = {(fold(b.vendor), fold(b.lot)): b for b in bidset.bids}
    kpis: list[KPI] = []
    obligations: list[Obligation] = []
    for s in services:
        sla = bids[fold(s.vendor), fold(s.lot)].sla
        where = f"{s.vendor}'s bid ({s.lot})"
        if sla.uptime_pct is not None:
            kpis.append(KPI(UPTIME, s.vendor, s.component, float(sla.uptime_pct), "max", "%",
                            100.0, True, where))
        for term, value in (("model_update_notice_days", sla.model_update_notice_days),
                            ("version_pinning_days", sla.version_pinning_days)):
            if value is not None:
                obligations.append((s.vendor, s.component, term, f"at least {value:g} days"))
        for term in ("observability_rights", "rollback_triggers", "financial_remedy",
                     "data_portability", "canary_releases"):
            value = getattr(sla, term)
            if value is not None:
                obligations.append((s.vendor, s.component, term, "yes" if value else "no"))
    return kpis, obligations


def merge_kpis(from_bids: Sequence[KPI], sheet: Sequence[KPI]) -> tuple[KPI, ...]:
    """The contract's KPIs: the KPIs sheet's, each replacing a bid's KPI of the same name, vendor
    and component; the bids' others kept."""
    stated = {(fold(k.name), fold(k.vendor), fold(k.component)) for k in sheet}
    kept = [k for k in from_bids if (fold(k.name), fold(k.vendor), fold(k.component)) not in stated]
    return (*kept, *sheet)


# -- the fee at risk --------------------------------------------------------------------------

@dataclass(frozen=True)
class KPICredit:
    kpi: str
    component: str
    value: float
    target: float
    allocation_pct: float
    repeat: int  # consecutive misses up to this month (1: the first)
    credit: float  # before the cap


@dataclass(frozen=True)
class MonthCredit:
    month: str
    vendor: str
    component: str
    invoice: float
    fee_at_risk_pct: float
    at_risk: float
    misses: tuple[KPICredit, ...]
    unreported: tuple[str, ...]  # KPIs that apply but have no actual this month

    @property
    def claimed(self) -> float:
        return sum(m.credit for m in self.misses)

    @property
    def credit(self) -> float:
        """The credit due: the KPIs' credits, capped at the at-risk amount, never negative."""
        return max(0.0, min(self.claimed, self.at_risk))

    @property
    def capped(self) -> bool:
        return self.claimed > self.at_risk


def fee_at_risk(book: PerformanceBook) -> list[MonthCredit]:
    """Every invoice's at-risk amount and the credit its month's misses earn (see the module's
    model), in month order. An invoice names a component, or none for all the vendor holds;
    its KPIs are the vendor's on those components."""
    services = {(fold(s.vendor), fold(s.component)): s for s in book.services}
    held: dict[str, list[Service]] = {}
    for s in book.services:
        held.setdefault(fold(s.vendor), []).append(s)
    values = {(a.month, fold(a.vendor), fold(a.component), fold(a.kpi)): a.value
              for a in book.actuals}
    streak: dict[tuple[str, str, str], int] = {}  # (vendor, component, kpi) -> misses in a row
    out = []
    for month in book.months:
        for inv in sorted((i for i in book.invoices if i.month == month),
                          key=lambda i: (fold(i.vendor), fold(i.component))):
            service = services.get((fold(inv.vendor), fold(inv.component))) or held[fold(inv.vendor)][0]
            at_risk = service.fee_at_risk_pct / 100.0 * inv.amount
            misses, unreported = [], []
            for k in book.kpis:
                if fold(k.vendor) != fold(inv.vendor) or (
                        inv.component and fold(k.component) != fold(inv.component)):
                    continue
                value = values.get((month, fold(k.vendor), fold(k.component), fold(k.name)))
                key = (fold(k.vendor), fold(k.component), fold(k.name))
                if value is None:
                    unreported.append(k.name)
                    continue
                if k.met(value):
                    streak[key] = 0
                    continue
                streak[key] = streak.get(key, 0) + 1
                if k.weight_pct <= 0:  # a KPI with no share of the pool (an OKR): no credit
                    continue
                credit = k.weight_pct / 100.0 * at_risk * book.escalation ** (streak[key] - 1)
                misses.append(KPICredit(k.name, k.component, value, k.target, k.weight_pct,
                                        streak[key], max(0.0, credit)))
            out.append(MonthCredit(month, inv.vendor, inv.component, inv.amount,
                                   service.fee_at_risk_pct, at_risk, tuple(misses),
                                   tuple(unreported)))
    return out


# -- trends and anomalies ---------------------------------------------------------------------

@dataclass(frozen=True)
class Flag:
    kind: str  # breach, declining, unusual, tighten
    month: str
    text: str


@dataclass(frozen=True)
class Series:
    kpi: KPI
    points: tuple[tuple[str, float], ...]  # (month, value), in month order
    flags: tuple[Flag, ...] = field(default_factory=tuple)


TIGHTEN_MONTHS = 12  # met every month for a year: a candidate to tighten at renewal
DECLINES = 3  # this many consecutive declines are flagged
FENCE = 1.5  # Tukey's fences: outside Q1 - 1.5 IQR .. Q3 + 1.5 IQR is unusual
MIN_FOR_RANGE = 6  # points a series needs before "unusual" means anything


def trends(book: PerformanceBook) -> list[Series]:
    """Per KPI and component, the monthly series and its flags: each breach of the target,
    three consecutive declines, a value outside the series' usual range (Tukey's fences on
    the whole series, from six points), and a target met every month of the last twelve (a
    candidate to tighten at renewal)."""
    out = []
    for k in book.kpis:
        found = sorted((a for a in book.actuals if fold(a.kpi) == fold(k.name)
                        and fold(a.vendor) == fold(k.vendor)
                        and fold(a.component) == fold(k.component)), key=lambda a: a.month)
        if found:
            points = tuple((a.month, a.value) for a in found)
            out.append(Series(k, points, tuple(_flags(k, points))))
    return out


def _flags(k: KPI, points: Sequence[tuple[str, float]]) -> list[Flag]:
    flags = []
    unit = f" {k.unit}" if k.unit and k.unit != "%" else k.unit
    for month, value in points:
        if not k.met(value):
            flags.append(Flag("breach", month, f"{value:g}{unit} against a target of "
                                               f"{'at least' if k.direction == 'max' else 'at most'} "
                                               f"{k.target:g}{unit}"))
    run = 0
    for (_, before), (month, value) in itertools.pairwise(points):
        run = run + 1 if k.better(before, value) else 0
        if run == DECLINES:
            flags.append(Flag("declining", month, f"{DECLINES} consecutive declines, to {value:g}{unit}"))
    values = [v for _, v in points]
    if len(values) >= MIN_FOR_RANGE:
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
        low, high = q1 - FENCE * (q3 - q1), q3 + FENCE * (q3 - q1)
        for month, value in points:
            if not low <= value <= high:
                flags.append(Flag("unusual", month, f"{value:g}{unit} is outside the series' usual "
                                                    f"range ({low:g} to {high:g})"))
    last = points[-TIGHTEN_MONTHS:]
    if len(last) == TIGHTEN_MONTHS and all(k.met(v) for _, v in last):
        flags.append(Flag("tighten", last[-1][0], f"met every month of the last {TIGHTEN_MONTHS}: "
                                                  "a candidate to tighten at renewal"))
    return sorted(flags, key=lambda f: f.month)


# -- the registers ----------------------------------------------------------------------------

def stale_risks(book: PerformanceBook, month: str) -> list[Risk]:
    """Open risks not updated within the review cadence before the end of ``month``."""
    import datetime as dt

    year, mon = map(int, month.split("-"))
    end = dt.date(year + (mon == 12), mon % 12 + 1, 1) - dt.timedelta(days=1)
    return [r for r in book.risks if r.status != "closed"
            and (end - dt.date.fromisoformat(r.updated)).days > book.review_days]


def heat_map(risks: Iterable[Risk]) -> dict[tuple[int, int], list[str]]:
    """(likelihood, impact) -> the open risks there."""
    out: dict[tuple[int, int], list[str]] = {}
    for r in risks:
        if r.status != "closed":
            out.setdefault((r.likelihood, r.impact), []).append(r.risk)
    return out


def debt_by_deferral(book: PerformanceBook) -> list[TechDebt]:
    """The tech-debt register, the costliest to defer first."""
    return sorted(book.techdebt, key=lambda d: (-d.cost_of_deferral, d.item.casefold()))
