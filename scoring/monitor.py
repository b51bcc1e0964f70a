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
from typing import TYPE_CHECKING

from scoring.model import BUNDLE_LOT, BidSet, fold

if TYPE_CHECKING:
    from scoring.mcda import Ranking

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

    def through(self, month: str) -> PerformanceBook:
        """The book as it stood at the end of ``month``: its actuals, invoices and incidents up
        to then (the registers as they are). Every figure of a review month comes from this."""
        from dataclasses import replace

        return replace(self, actuals=tuple(a for a in self.actuals if a.month <= month),
                       invoices=tuple(i for i in self.invoices if i.month <= month),
                       incidents=tuple(i for i in self.incidents if i.month <= month))

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
        """The KPIs' credits came to more than the amount at risk (the cap applied)."""
        return self.claimed > self.at_risk

    @property
    def exhausted(self) -> bool:
        """The month's credit is the whole amount at risk."""
        return self.at_risk > 0 and self.credit >= self.at_risk * (1 - 1e-12)


def _previous(month: str) -> str:
    year, mon = map(int, month.split("-"))
    return f"{year - (mon == 1):04d}-{(mon - 2) % 12 + 1:02d}"


def misses_in_a_row(book: PerformanceBook) -> dict[tuple[str, str, str, str], int]:
    """(month, vendor, component, KPI) -> how many calendar months in a row, up to and including
    that month, the KPI was reported missed. A month with no figure reported, or missing from
    the book, ends the run (it is neither a miss nor a met month)."""
    kpis = {(fold(k.vendor), fold(k.component), fold(k.name)): k for k in book.kpis}
    missed = {}
    for a in book.actuals:
        k = kpis.get((fold(a.vendor), fold(a.component), fold(a.kpi)))
        if k is not None and not k.met(a.value):
            missed[a.month, fold(a.vendor), fold(a.component), fold(a.kpi)] = True
    out: dict[tuple[str, str, str, str], int] = {}
    for key in sorted(missed):
        month, *rest = key
        out[key] = out.get((_previous(month), *rest), 0) + 1
    return out


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
    runs = misses_in_a_row(book)
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
                key = (month, fold(k.vendor), fold(k.component), fold(k.name))
                value = values.get(key)
                if value is None:
                    unreported.append(k.name)
                    continue
                if k.met(value) or k.weight_pct <= 0:  # met, or no share of the pool (an OKR)
                    continue
                repeat = runs[key]
                credit = k.weight_pct / 100.0 * at_risk * book.escalation ** (repeat - 1)
                misses.append(KPICredit(k.name, k.component, value, k.target, k.weight_pct,
                                        repeat, max(0.0, credit)))
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
    order = {(fold(s.vendor), fold(s.component)): i for i, s in enumerate(book.services)}
    for k in sorted(book.kpis, key=lambda k: order.get((fold(k.vendor), fold(k.component)), 0)):
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


# -- annual ratings ---------------------------------------------------------------------------

# The UK Procurement Act 2023's KPI ratings (its statutory guidance's four levels) and the
# CPARS assessment levels (FAR 42.1503, Table 42-1). The thresholds turning a year's attainment
# into a level are this tool's stated model, a starting point the assessing official confirms
# or overrides with the narrative the ratings require.
UK_LEVELS = ("good", "approaching target", "requires improvement", "inadequate")
CPARS_LEVELS = ("Exceptional", "Very Good", "Satisfactory", "Marginal", "Unsatisfactory")
NOT_RATED = "not rated (nothing reported)"
UK_BANDS = (1.0, 0.90, 0.75)  # attainment from which: good, approaching target, requires improvement
CPARS_BANDS = (0.95, 0.85, 0.70)  # weighted attainment from which: Very Good, Satisfactory, Marginal


@dataclass(frozen=True)
class KPIRating:
    kpi: KPI
    months: int  # reported in the year
    met: int

    @property
    def attainment(self) -> float:
        return self.met / self.months if self.months else 0.0

    @property
    def uk(self) -> str:
        """good: met every month; approaching target: 90 % of months or more; requires
        improvement: 75 % or more; inadequate: less ("not reported" without a month)."""
        if not self.months:
            return NOT_RATED
        a = self.attainment
        return next((level for level, floor in zip(UK_LEVELS, UK_BANDS, strict=False) if a >= floor),
                    UK_LEVELS[-1])


@dataclass(frozen=True)
class VendorRating:
    vendor: str
    year: str
    kpis: tuple[KPIRating, ...]

    @property
    def attainment(self) -> float:
        """The KPIs' attainment weighted by their share of the fee-at-risk pool (each KPI alike
        when none has a share)."""
        rated = [k for k in self.kpis if k.months]
        weights = [k.kpi.weight_pct for k in rated]
        if not rated:
            return 0.0
        if sum(weights) <= 0:
            weights = [1.0] * len(rated)
        return sum(w * k.attainment for w, k in zip(weights, rated, strict=True)) / sum(weights)

    @property
    def cpars(self) -> str:
        """Exceptional: every KPI good; Very Good: weighted attainment 95 % or more and no
        critical KPI below approaching target; Satisfactory: 85 % or more; Marginal: 70 % or
        more; Unsatisfactory: less. A critical KPI rated inadequate caps the rating at
        Marginal."""
        rated = [k for k in self.kpis if k.months]
        if not rated:
            return NOT_RATED
        weighted = [k for k in rated if k.kpi.weight_pct > 0] or rated
        if all(k.uk == "good" for k in weighted):
            return CPARS_LEVELS[0]
        a = self.attainment
        critical = [k.uk for k in rated if k.kpi.critical]
        level = 1 if a >= CPARS_BANDS[0] else 2 if a >= CPARS_BANDS[1] else 3 if a >= CPARS_BANDS[2] else 4
        if level == 1 and any(u in ("requires improvement", "inadequate") for u in critical):
            level = 2
        if "inadequate" in critical:
            level = max(level, 3)
        return CPARS_LEVELS[level]


def ratings(book: PerformanceBook, year: str, through: str = "") -> list[VendorRating]:
    """Each vendor's year (up to the month ``through``, when given): every KPI's months reported
    and met (OKRs with no share of the pool are rated too, as the UK levels, and weigh nothing
    in the CPARS suggestion)."""
    out = []
    for vendor in book.vendors:
        rows = []
        for k in book.kpis:
            if fold(k.vendor) != fold(vendor):
                continue
            values = [a.value for a in book.actuals if a.month.startswith(year)
                      and (not through or a.month <= through)
                      and fold(a.vendor) == fold(k.vendor) and fold(a.component) == fold(k.component)
                      and fold(a.kpi) == fold(k.name)]
            rows.append(KPIRating(k, len(values), sum(k.met(v) for v in values)))
        out.append(VendorRating(vendor, year, tuple(rows)))
    return out


# -- the monthly review -----------------------------------------------------------------------

REVIEWERS = ("program", "security", "procurement", "legal", "business")  # the owners who review


def _of(name: str) -> str:
    """A possessive: "Acme's", "Cascade Cloud Services'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


@dataclass(frozen=True)
class Review:
    """One month's review: everything its pack holds, computed once from the book."""

    month: str
    status: tuple[tuple[KPI, float | None, bool | None], ...]  # each KPI's value and whether met
    credits: tuple[MonthCredit, ...]  # the month's
    credits_to_date: float
    flags: tuple[tuple[KPI, Flag], ...]  # the month's
    incidents: tuple[Incident, ...]  # the month's, and those still open
    top_risks: tuple[Risk, ...]
    stale: tuple[Risk, ...]
    debt: tuple[TechDebt, ...]
    decisions: tuple[str, ...]


def review(book: PerformanceBook, month: str, top: int = 5) -> Review:
    """The month's review pack: KPI status, credits, flags, incidents, the top risks, the tech
    debt, and the decisions the month calls for; the book as it stood at the month's end."""
    book = book.through(month)
    credits = fee_at_risk(book)
    values = {(fold(a.vendor), fold(a.component), fold(a.kpi)): a.value
              for a in book.actuals if a.month == month}
    order = {(fold(s.vendor), fold(s.component)): i for i, s in enumerate(book.services)}
    status = []
    for k in sorted(book.kpis, key=lambda k: order.get((fold(k.vendor), fold(k.component)), 0)):
        v = values.get((fold(k.vendor), fold(k.component), fold(k.name)))
        status.append((k, v, None if v is None else k.met(v)))
    flags = tuple((s.kpi, f) for s in trends(book) for f in s.flags if f.month == month)
    incidents = tuple(i for i in book.incidents if i.month == month or (
        not i.resolved and i.month <= month))
    open_risks = sorted((r for r in book.risks if r.status != "closed"),
                        key=lambda r: (-r.score, r.risk.casefold()))
    stale = tuple(stale_risks(book, month))
    this = tuple(m for m in credits if m.month == month)
    decisions: list[str] = []
    for k, v, met in status:
        if met is False and k.critical:
            decisions.append(f"{k.vendor} missed the critical KPI {k.name} ({v:g} against "
                             f"{k.target:g}): agree the remedy and the recovery plan (program, "
                             "procurement)")
        elif met is None and k.weight_pct > 0:
            decisions.append(f"{k.vendor} did not report {k.name} for {month}: ask for the figure "
                             "or apply the contract's rule for unreported KPIs (procurement, legal)")
    for m in this:
        if m.exhausted:
            decisions.append(f"{_of(m.vendor)} credits for {month} reached the whole amount at risk "
                             f"({m.at_risk:,.0f}): consider the contract's remedies beyond the "
                             "credits (procurement, legal)")
    for kpi, f in flags:
        if f.kind == "declining":
            decisions.append(f"{_of(kpi.vendor)} {kpi.name} has declined three months in a row: ask "
                             "for the cause (program)")
        elif f.kind == "tighten":
            decisions.append(f"{_of(kpi.vendor)} {kpi.name} has met its target every month for a "
                             "year: consider a tighter target at renewal (procurement, business)")
    for r in stale:
        decisions.append(f"The risk '{r.risk}' was last updated on {r.updated}: {r.owner} to "
                         "review it (program)")
    for i in incidents:
        if i.severity in ("critical", "high") and not i.resolved:
            decisions.append(f"The {i.severity} incident of {i.date} ({i.vendor}) is still open: "
                             "agree the resolution date (security, program)")
    return Review(month, tuple(status), this, sum(m.credit for m in credits if m.month <= month),
                  flags, incidents, tuple(open_risks[:top]), stale, tuple(debt_by_deferral(book)),
                  tuple(decisions))


# -- back to the scenarios --------------------------------------------------------------------

def failing(book: PerformanceBook, year: str | None = None,
            credits: Sequence[MonthCredit] | None = None) -> list[Service]:
    """The awarded bids that missed a critical KPI (as reported), or had a month's credit take
    the whole amount at risk (in ``year``, or ever); ``credits``: the book's, when at hand."""
    kpis = {(fold(k.vendor), fold(k.component), fold(k.name)): k for k in book.kpis}
    bad: set[tuple[str, str]] = set()
    for a in book.actuals:
        k = kpis.get((fold(a.vendor), fold(a.component), fold(a.kpi)))
        if k is not None and k.critical and not k.met(a.value) and (
                year is None or a.month.startswith(year)):
            bad.add((fold(a.vendor), fold(a.component)))
    for m in fee_at_risk(book) if credits is None else credits:
        if m.exhausted and (year is None or m.month.startswith(year)):
            held = [s for s in book.services if fold(s.vendor) == fold(m.vendor)
                    and (not m.component or fold(s.component) == fold(m.component))]
            bad.update((fold(s.vendor), fold(s.component)) for s in held)
    return [s for s in book.services if (fold(s.vendor), fold(s.component)) in bad]


def replacing(award: dict[str, str], ranking: Ranking, component: str, vendor: str
              ) -> tuple[dict[str, str], str] | str:
    """``award`` (component -> vendor) with ``vendor`` replaced on ``component`` by the
    best-ranked eligible bid of another vendor in that component's lot; or why there is none
    (no other eligible bid; or the award's other components held through a bundle bid, which
    a change on one component would break)."""
    other = next((b for b in ranking.in_lot(component)
                  if b.eligible and fold(b.vendor) != fold(vendor)), None)
    if other is None:
        return f"no other eligible bid for {component}"
    lot_bids = {(fold(b.vendor), fold(b.lot)) for b in ranking.bids}
    result = {**award, component: other.vendor}
    held = [c for c, v in result.items() if (fold(v), fold(c)) not in lot_bids]
    if held:
        return (f"the award in force holds {', '.join(held)} through a bundle bid, which has no "
                "bid for a single component: edit the award on the Scenarios page")
    return result, other.vendor
