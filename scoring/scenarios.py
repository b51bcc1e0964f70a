"""Award scenarios: monolithic, modular, optimized and user-edited awards.

Every figure follows the definitions in the README ("Scenario figures"). The optimized award
is an exact mixed-integer program solved with HiGHS (``scipy.optimize.milp``); a seeded,
vectorised Monte Carlo of vendor failures gives each scenario's cost distribution.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from scoring.mcda import Ranking
from scoring.model import BidSet, Settings, fold
from scoring.ties import award_key

SCENARIO_NAMES = ("monolithic", "modular", "optimized")

# Every figure of a scenario as people read it: (attribute, label, kind); one list for the
# page, the command line and the Excel report.
FIGURES: tuple[tuple[str, str, str], ...] = (
    ("total_price", "Total of awarded prices", "money"),
    ("integration", "Integration overhead", "money"),
    ("coordination", "Vendor coordination", "money"),
    ("expected_replacement_cost", "Expected replacement cost", "money"),
    ("total_cost", "Total cost", "money"),
    ("vendors", "Vendors", "int"),
    ("hhi", "HHI (price concentration)", "int"),
    ("top_vendor_share", "Largest vendor's share of price", "pct"),
    ("spof_exposure", "Single point of failure (share of criticality)", "pct"),
    ("replaceability", "Replaceability (0-1, higher is better)", "ratio"),
    ("score", "Quality of awarded bids (criticality-weighted score)", "ratio"),
)
EXCEL_FORMATS = {"money": "#,##0", "int": "#,##0", "pct": "0.0%", "ratio": "0.000"}


def figure_label(label: str, kind: str, currency: str) -> str:
    return f"{label} ({currency})" if kind == "money" else label


def format_figure(value: float, kind: str) -> str:
    return {"money": f"{value:,.0f}", "int": f"{value:,.0f}", "pct": f"{value:.1%}",
            "ratio": f"{value:.3f}"}[kind]
HHI_MODERATE, HHI_HIGH = 1_000.0, 1_800.0
DENSE_SHARE_LIMIT = 50_000  # vendors x bids up to which the share cap is one dense row a vendor
MILP_SECONDS = 30.0  # the optimized award's solver stops here: no optimum is shown unproven
MC_BLOCK = 4_000_000  # random numbers drawn at once by the Monte Carlo (32 MB)


class ScenarioError(ValueError):
    """Scenarios cannot be built for this workbook (e.g. it has no Components sheet)."""


@dataclass(frozen=True)
class Award:
    component: str
    vendor: str
    lot: str  # the component, or "ALL" for a bundle bid
    price: float  # the awarded bid's price (a bundle's full price on each of its rows)
    score: float  # the bid's rank score in its lot (1 - Q for VIKOR)


@dataclass(frozen=True)
class Figures:
    total_price: float
    integration: float
    coordination: float
    expected_replacement_cost: float
    total_cost: float
    hhi: float
    top_vendor_share: float
    spof_exposure: float
    replaceability: float
    score: float
    vendors: int
    vendor_price_share: Mapping[str, float] = field(default_factory=dict)
    vendor_criticality_share: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    name: str
    awards: tuple[Award, ...] = ()
    figures: Figures | None = None
    note: str = ""  # why the scenario is unavailable, or a remark

    @property
    def available(self) -> bool:
        return self.figures is not None

    def to_record(self) -> dict[str, Any]:
        """The command line's JSON entry for this scenario (a documented contract)."""
        f = self.figures
        keys = ("total_price", "total_cost", "hhi", "top_vendor_share", "spof_exposure",
                "replaceability", "expected_replacement_cost", "score", "integration",
                "coordination", "vendors")
        record: dict[str, Any] = {
            "name": self.name,
            "available": self.available,
            "awards": [{"component": a.component, "vendor": a.vendor, "lot": a.lot}
                       for a in self.awards],
        }
        record.update({k: (getattr(f, k) if f is not None else None) for k in keys})
        record["within_caps"] = None if f is None else not self.note.startswith("Breaks the caps")
        if self.note:
            record["note"] = self.note
        return record


@dataclass(frozen=True)
class Candidate:
    """An eligible bid that can be awarded: a lot bid for one component, or a bundle."""

    vendor: str
    lot: str
    price: float
    score: float
    rank: int
    bundle: bool


class Context:
    """What every scenario computation needs, derived once from a BidSet and a Ranking."""

    def __init__(self, bidset: BidSet, ranking: Ranking, settings: Settings | None = None) -> None:
        if not bidset.components:
            raise ScenarioError(
                "Scenarios need a Components sheet listing the parts of the procurement "
                "(component, criticality, switching_cost). Add one; the template shows how"
            )
        self.bidset = bidset
        self.settings = settings or bidset.settings
        self.components = [c.name for c in bidset.components]
        self.criticality = {c.name: float(c.criticality) for c in bidset.components}
        self.switching = {c.name: float(c.switching_cost) for c in bidset.components}
        self.total_criticality = sum(self.criticality.values())
        default_p = self.settings.vendor_failure_prob
        stated = {fold(v.name): v.annual_failure_prob for v in bidset.vendors}
        self.failure_prob: dict[str, float] = {}
        for vendor in bidset.vendor_names:
            p = stated.get(fold(vendor))
            self.failure_prob[vendor] = default_p if p is None else p
        vikor = ranking.method == "vikor"
        self.candidates: list[Candidate] = []
        for b in ranking.bids:
            if not b.eligible or b.score is None or b.rank is None:
                continue
            if b.lot != "ALL" and b.lot not in self.criticality:
                continue
            score = 1.0 - b.score if vikor else b.score
            self.candidates.append(
                Candidate(b.vendor, b.lot, b.price, score, b.rank, bundle=b.lot == "ALL"))

    def term_failure(self, vendor: str) -> float:
        """Probability that ``vendor`` fails at least once over the contract term."""
        return 1.0 - (1.0 - self.failure_prob[vendor]) ** self.settings.contract_years

    def awards_for(self, chosen: Sequence[Candidate]) -> tuple[Award, ...]:
        if len(chosen) == 1 and chosen[0].bundle:
            k = chosen[0]
            return tuple(Award(c, k.vendor, "ALL", k.price, k.score) for c in self.components)
        by_lot = {c.lot: c for c in chosen}
        return tuple(
            Award(c, by_lot[c].vendor, c, by_lot[c].price, by_lot[c].score) for c in self.components
        )

    def figures(self, awards: Sequence[Award]) -> Figures:
        """Every figure of an award that gives each component exactly once."""
        s = self.settings
        bids: dict[tuple[str, str], Award] = {}
        for a in awards:
            bids.setdefault((a.vendor, a.lot), a)  # a bundle counts once
        total_price = sum(a.price for a in bids.values())
        lot_price = sum(a.price for a in bids.values() if a.lot != "ALL")
        vendors = sorted({a.vendor for a in awards})
        price_by_vendor = {v: sum(a.price for a in bids.values() if a.vendor == v) for v in vendors}
        crit_by_vendor = {v: sum(self.criticality[a.component] for a in awards if a.vendor == v)
                          for v in vendors}
        switch_by_vendor = {v: sum(self.switching[a.component] for a in awards if a.vendor == v)
                            for v in vendors}
        integration = s.integration_overhead_pct / 100.0 * lot_price
        coordination = s.coordination_cost_per_vendor * (len(vendors) - 1)
        replacement = sum(self.term_failure(v) * switch_by_vendor[v] for v in vendors)
        price_share = {v: price_by_vendor[v] / total_price for v in vendors}
        crit_share = {v: crit_by_vendor[v] / self.total_criticality for v in vendors}
        score = sum(self.criticality[a.component] * a.score for a in awards) / self.total_criticality
        return Figures(
            total_price=total_price,
            integration=integration,
            coordination=coordination,
            expected_replacement_cost=replacement,
            total_cost=total_price + integration + coordination + replacement,
            hhi=sum((100.0 * x) ** 2 for x in price_share.values()),
            top_vendor_share=max(price_share.values()),
            spof_exposure=max(crit_share.values()),
            replaceability=1.0 - sum(x * x for x in crit_share.values()),
            score=score,
            vendors=len(vendors),
            vendor_price_share=price_share,
            vendor_criticality_share=crit_share,
        )

    def scenario(self, name: str, chosen: Sequence[Candidate], note: str = "") -> Scenario:
        awards = self.awards_for(chosen)
        return Scenario(name, awards, self.figures(awards), note)


def _best(candidates: Sequence[Candidate]) -> Candidate | None:
    """The best-ranked candidate; ties broken by lower price, then vendor name (``award_key``)."""
    if not candidates:
        return None
    return min(candidates, key=lambda c: award_key(c.rank, c.price, c.vendor))


def monolithic(ctx: Context) -> Scenario:
    best = _best([c for c in ctx.candidates if c.bundle])
    if best is None:
        return Scenario("monolithic", note="No eligible bundle bid (lot ALL), so no single "
                        "vendor can be awarded everything")
    return ctx.scenario("monolithic", [best])


def modular(ctx: Context) -> Scenario:
    chosen = []
    for component in ctx.components:
        best = _best([c for c in ctx.candidates if c.lot == component])
        if best is None:
            return Scenario("modular", note=f"No eligible bid for {component}, so the "
                            "components cannot all be awarded separately")
        chosen.append(best)
    return ctx.scenario("modular", chosen)


def custom(ctx: Context, choice: Mapping[str, str], name: str = "edited") -> Scenario:
    """A user-edited award: component -> vendor (lot bids), or every component -> one bundle vendor."""
    missing = [c for c in ctx.components if not choice.get(c)]
    if missing:
        return Scenario(name, note=f"Choose a vendor for {', '.join(missing)}")
    vendors = {fold(choice[c]) for c in ctx.components}
    lot_bids = {(fold(c.vendor), c.lot): c for c in ctx.candidates if not c.bundle}
    chosen, problems = [], []
    for component in ctx.components:
        found = lot_bids.get((fold(choice[component]), component))
        if found is None:
            problems.append(f"{choice[component]} has no eligible bid for {component}")
        else:
            chosen.append(found)
    if problems and len(vendors) == 1:
        bundle = next((c for c in ctx.candidates if c.bundle and fold(c.vendor) in vendors), None)
        if bundle is not None:
            return ctx.scenario(name, [bundle], "awarded as that vendor's bundle bid")
    if problems:
        return Scenario(name, note="; ".join(problems))
    return ctx.scenario(name, chosen)


# -- the optimizer --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Model:
    c: np.ndarray
    a: Any  # a scipy sparse matrix
    lower: np.ndarray
    upper: np.ndarray
    candidates: list[Candidate]
    continuous: int = 0  # trailing variables that are amounts (0 to any), not yes/no choices


def _build(ctx: Context, *, component_cap: bool, share_cap: bool) -> _Model:
    from scipy.sparse import coo_matrix

    s = ctx.settings
    cands = ctx.candidates
    vendors = sorted({c.vendor for c in cands})
    vidx = {v: i for i, v in enumerate(vendors)}
    n_b, n_v = len(cands), len(vendors)
    m_idx = n_b + n_v  # modular-mode indicator
    n = n_b + n_v + 1
    ncomp = len(ctx.components)
    cost = np.zeros(n)
    for i, k in enumerate(cands):
        held = ctx.components if k.bundle else [k.lot]
        integration = 0.0 if k.bundle else s.integration_overhead_pct / 100.0 * k.price
        cost[i] = k.price + integration + ctx.term_failure(k.vendor) * sum(
            ctx.switching[c] for c in held)
    cost[n_b:n_b + n_v] = s.coordination_cost_per_vendor
    # The constraint matrix is sparse (each bid is in a few rows): kept as (row, column, value)
    # triples, it needs memory in proportion to the bids, not to bids squared.
    r_idx: list[int] = []
    c_idx: list[int] = []
    vals: list[float] = []
    lo: list[float] = []
    hi: list[float] = []

    def add(entries: Mapping[int, float], low: float, high: float) -> None:
        row = len(lo)
        for col, value in entries.items():
            if value != 0.0:
                r_idx.append(row)
                c_idx.append(col)
                vals.append(value)
        lo.append(low)
        hi.append(high)

    by_lot: dict[str, list[int]] = {}
    by_vendor: dict[str, list[int]] = {}
    for i, k in enumerate(cands):
        by_vendor.setdefault(k.vendor, []).append(i)
        by_lot.setdefault(k.lot, []).append(i)
    # one bundle, or the modular mode
    add({**{i: 1.0 for i, k in enumerate(cands) if k.bundle}, m_idx: 1.0}, 1.0, 1.0)
    for component in ctx.components:  # in modular mode, one lot bid per component
        add({**{i: 1.0 for i in by_lot.get(component, [])}, m_idx: -1.0}, 0.0, 0.0)
    for i, k in enumerate(cands):  # vendor-use indicators
        add({i: 1.0, n_b + vidx[k.vendor]: -1.0}, -np.inf, 0.0)
    if component_cap and s.max_components_per_vendor is not None:
        for v in vendors:
            add({i: float(ncomp) if cands[i].bundle else 1.0 for i in by_vendor[v]},
                -np.inf, float(s.max_components_per_vendor))
    if share_cap and s.max_vendor_share_pct is not None:
        share = s.max_vendor_share_pct / 100.0
        if len(vendors) * n_b <= DENSE_SHARE_LIMIT:
            for v in vendors:  # each vendor's price against the total's share: one row each
                own = set(by_vendor[v])
                add({i: -share * k.price + k.price if i in own else -share * k.price
                     for i, k in enumerate(cands)}, -np.inf, 0.0)
        else:
            # Many vendors and bids: the total price becomes a variable of its own, so that each
            # vendor's row holds only its own bids (the same awards are feasible; the dense rows
            # would make the solver's root node take minutes).
            n += 1
            cost = np.append(cost, 0.0)
            total = n - 1
            add({**{i: k.price for i, k in enumerate(cands)}, total: -1.0}, 0.0, 0.0)
            for v in vendors:
                add({**{i: cands[i].price for i in by_vendor[v]}, total: -share}, -np.inf, 0.0)
    a = coo_matrix((vals, (r_idx, c_idx)), shape=(len(lo), n)).tocsr()
    return _Model(cost, a, np.array(lo), np.array(hi), cands, n - (n_b + n_v + 1))


def _solve(model: _Model) -> list[Candidate] | None:
    from scipy.optimize import Bounds, LinearConstraint, milp

    n = len(model.c)
    if not model.candidates:
        return None
    result = milp(
        model.c,
        constraints=LinearConstraint(model.a, model.lower, model.upper),
        integrality=np.r_[np.ones(n - model.continuous), np.zeros(model.continuous)],
        bounds=Bounds(np.zeros(n), np.r_[np.ones(n - model.continuous),
                                         np.full(model.continuous, np.inf)]),
        options={"mip_rel_gap": 0.0, "presolve": True, "time_limit": MILP_SECONDS},
    )
    if result.status == 1:  # a limit reached: no proven optimum (nor proven infeasibility)
        raise _SolverLimit
    if result.status != 0 or result.x is None:
        return None
    x = np.round(result.x[: len(model.candidates)]).astype(bool)
    return [k for k, chosen in zip(model.candidates, x, strict=True) if chosen]


def optimized(ctx: Context) -> Scenario:
    try:
        chosen = None if _share_impossible(ctx) else _solve(
            _build(ctx, component_cap=True, share_cap=True))
        if chosen:
            return ctx.scenario("optimized", chosen)
        return Scenario("optimized", note=explain_infeasible(ctx))
    except _SolverLimit:
        return Scenario("optimized", note=(
            f"The optimized award could not be proven within {MILP_SECONDS:g} s for this many bids "
            "and caps, so none is shown (the other scenarios stand). Relax the caps on a vendor's "
            "components or share, or evaluate fewer bids"))


class _SolverLimit(Exception):
    """The solver stopped at its time limit without proving an optimum or infeasibility."""


def _share_impossible(ctx: Context) -> bool:
    """Whether counting alone shows the cap on a vendor's share cannot be met: an award of N
    vendors gives one of them at least 1/N of the price, and a bundle gives one vendor all of it.
    (The solver takes minutes to prove this for many bids in few lots.)"""
    p = ctx.settings.max_vendor_share_pct
    if p is None or p >= 100:
        return False
    lot_vendors = {k.vendor for k in ctx.candidates if not k.bundle}
    most = min(len(ctx.components), len(lot_vendors))
    return most * p / 100.0 < 1.0


def explain_infeasible(ctx: Context) -> str:
    """Say in plain words which requirement makes every award impossible."""
    s = ctx.settings
    if _solve(_build(ctx, component_cap=False, share_cap=False)) is None:
        empty = [c for c in ctx.components if not any(k.lot == c for k in ctx.candidates)]
        return ("No award is possible: " + (", ".join(empty) or "some components")
                + " has no eligible bid, and there is no eligible bundle bid")
    k = s.max_components_per_vendor
    p = s.max_vendor_share_pct
    comp_ok = _solve(_build(ctx, component_cap=True, share_cap=False)) is not None
    share_ok = not _share_impossible(ctx) and _solve(
        _build(ctx, component_cap=False, share_cap=True)) is not None
    if not comp_ok:
        return (f"The cap of {k} component(s) per vendor cannot be met: there are not enough "
                "vendors with eligible bids to spread the components. Raise the cap on "
                "components per vendor, or admit more bids")
    if not share_ok:
        return (f"The cap of {p:g} % of the total price per vendor cannot be met: in every "
                "award some vendor's bids exceed it. Raise the cap on a vendor's share")
    return (f"The two caps together ({k} component(s) per vendor and {p:g} % of the price per "
            "vendor) cannot both be met by any award. Relax one of them")


def compare(
    bidset: BidSet,
    ranking: Ranking,
    settings: Settings | None = None,
    edited: Mapping[str, str] | None = None,
    solved: Scenario | None = None,
) -> list[Scenario]:
    """Monolithic, modular and optimized awards (and an edited one when given); ``solved`` is
    the optimized award already found for the same ranking and settings (not solved again)."""
    ctx = Context(bidset, ranking, settings)
    out = [_flag_caps(ctx, monolithic(ctx)), _flag_caps(ctx, modular(ctx)),
           optimized(ctx) if solved is None else solved]
    if edited is not None:
        out.append(_flag_caps(ctx, custom(ctx, edited)))
    return out


def cap_breaches(ctx: Context, scenario: Scenario) -> list[str]:
    """The Settings caps an award breaks (only the optimized award must respect them)."""
    s, f = ctx.settings, scenario.figures
    if f is None:
        return []
    out = []
    held: dict[str, int] = {}
    for a in scenario.awards:
        held[a.vendor] = held.get(a.vendor, 0) + 1
    if s.max_components_per_vendor is not None and max(held.values()) > s.max_components_per_vendor:
        out.append(f"a vendor holds {max(held.values())} components (cap "
                   f"{s.max_components_per_vendor})")
    if s.max_vendor_share_pct is not None and f.top_vendor_share > s.max_vendor_share_pct / 100 + 1e-12:
        out.append(f"a vendor has {f.top_vendor_share:.0%} of the price (cap "
                   f"{s.max_vendor_share_pct:g} %)")
    return out


def _flag_caps(ctx: Context, scenario: Scenario) -> Scenario:
    breaches = cap_breaches(ctx, scenario)
    if not breaches:
        return scenario
    return replace(scenario, note="Breaks the caps in use: " + "; ".join(breaches)
                   + ". Shown for comparison: the caps bind only the optimized award")


# -- Monte Carlo of vendor failures -----------------------------------------------------------


@dataclass(frozen=True)
class CostDistribution:
    mean: float
    p50: float
    p90: float
    p10: float
    samples: np.ndarray  # total cost of each simulated term

    def to_record(self) -> dict[str, float]:
        return {"mean": self.mean, "p10": self.p10, "p50": self.p50, "p90": self.p90}


def simulate(
    ctx: Context,
    scenarios: Sequence[Scenario],
    *,
    draws: int = 100_000,
    seed: int = 0,
) -> dict[str, CostDistribution]:
    """Each scenario's total cost over simulated contract terms.

    Each vendor fails in each year with its annual probability; a vendor that fails during
    the term costs the switching cost of everything it holds (the same failure draws are
    used for every scenario, so differences between scenarios are not sampling noise).
    The mean converges to total_cost.
    """
    available = [s for s in scenarios if s.figures is not None]
    if not available:
        return {}
    vendors = sorted({a.vendor for s in available for a in s.awards})
    years = ctx.settings.contract_years
    p_term = np.array([ctx.term_failure(v) for v in vendors])
    rng = np.random.default_rng(seed)
    if float(years).is_integer():
        # Year by year: a vendor fails during the term when it fails in at least one year. The
        # years are drawn in blocks (one array each): the same random numbers, in the same order,
        # as one draw a year, with memory bounded by MC_BLOCK.
        annual = np.array([ctx.failure_prob[v] for v in vendors])
        failed = np.zeros((draws, len(vendors)), dtype=bool)
        per_block = MC_BLOCK // max(1, draws * len(vendors))
        done = 0
        while per_block and done < int(years):
            n = min(per_block, int(years) - done)
            failed |= (rng.random((n, draws, len(vendors))) < annual).any(axis=0)
            done += n
        for _ in range(done, int(years)):  # a year's draws exceed a block: rows at a time
            _draw_rows(rng, failed, annual, combine=True)
    else:
        failed = np.zeros((draws, len(vendors)), dtype=bool)
        _draw_rows(rng, failed, p_term, combine=False)
    out: dict[str, CostDistribution] = {}
    index = {v: i for i, v in enumerate(vendors)}
    for s in available:
        f = s.figures
        assert f is not None
        exposure = np.zeros(len(vendors))
        for a in s.awards:
            exposure[index[a.vendor]] += ctx.switching[a.component]
        held = np.flatnonzero(exposure)  # only the vendors this scenario awards can cost it
        fixed = f.total_price + f.integration + f.coordination
        samples = np.full(draws, fixed)
        step = max(1, MC_BLOCK // max(1, len(held)))  # bounded memory however many vendors
        for start in range(0, draws, step):
            part = failed[start:start + step, held]
            samples[start:start + step] += part.astype(np.float64) @ exposure[held]
        p10, p50, p90 = np.percentile(samples, [10, 50, 90])
        out[s.name] = CostDistribution(float(samples.mean()), float(p50), float(p90), float(p10),
                                       samples)
    return out


def _draw_rows(rng: np.random.Generator, failed: np.ndarray, p: np.ndarray, *, combine: bool) -> None:
    """One year's (or the term's) failures, ``MC_BLOCK`` random numbers at a time: the same
    numbers, in the same order, as one ``rng.random(failed.shape)``."""
    step = max(1, MC_BLOCK // max(1, failed.shape[1]))
    for start in range(0, failed.shape[0], step):
        rows = failed[start:start + step]
        drawn = rng.random(rows.shape) < p
        if combine:
            rows |= drawn
        else:
            rows[...] = drawn


def hhi_band(hhi: float) -> str:
    if hhi > HHI_HIGH:
        return "highly concentrated"
    if hhi >= HHI_MODERATE:
        return "moderately concentrated"
    return "unconcentrated"

