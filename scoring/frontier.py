"""The best-value award frontier: the awards, under the caps and gates, that no other award beats
on both total cost and quality.

Cost is the scenarios' total cost and quality their criticality-weighted score of the awarded
bids (README, "Scenario figures"). Each point is exact: the optimizer's mixed-integer program
(``scoring.scenarios``) solved for the least cost at a quality of at least a level (the
epsilon-constraint method), quality breaking ties in cost, so that no point is dominated. With
a number of points, the levels are spread evenly between the least-cost award's quality and the
highest quality any award reaches; without one, the frontier is enumerated whole, each next
point the least-cost award of higher quality than the last.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from scoring.scenarios import (
    MILP_SECONDS,
    Candidate,
    Context,
    Scenario,
    _build,
    _Model,
    _share_impossible,
    _solve,
    _SolverLimit,
)

# How much higher the next point's quality must be (quality runs from 0 to 1): well above the
# solver's feasibility tolerance (1e-7), so that a point is never found twice; two awards whose
# qualities differ by less are one point of the frontier.
QUALITY_STEP = 1e-5
TIE_BREAK = 0.005  # currency a whole quality point range is worth when breaking a tie in cost


class FrontierError(ValueError):
    """No award meets the caps and options: the frontier is empty."""


@dataclass(frozen=True)
class Options:
    """What the frontier's awards must also meet (None: not asked)."""

    budget: float | None = None  # the total cost at most
    min_vendors: int | None = None  # at least this many vendors
    min_component_quality: float | None = None  # every awarded bid's score at least this
    quality_price: float | None = None  # value for money: currency per quality point (0.01)


@dataclass(frozen=True)
class Frontier:
    points: tuple[Scenario, ...]  # by increasing cost (and quality)
    value_for_money: Scenario | None = None  # maximises 100 x quality x price - cost
    unavailable: str = ""  # why there is no frontier (no award meets the caps and options, ...)

    def to_record(self) -> dict[str, object]:
        return {"points": [p.to_record() for p in self.points],
                "value_for_money": None if self.value_for_money is None
                else self.value_for_money.to_record()}


def _quality(ctx: Context, k: Candidate) -> float:
    """A candidate's share of the award's quality: its score times the criticality it covers."""
    held = ctx.total_criticality if k.bundle else ctx.criticality[k.lot]
    return k.score * held / ctx.total_criticality


def _with_rows(model: _Model, rows: Sequence[tuple[np.ndarray, float, float]]) -> _Model:
    from scipy.sparse import csr_matrix, vstack

    if not rows:
        return model
    extra = csr_matrix(np.vstack([r for r, _, _ in rows]))
    return replace(model, a=vstack([model.a, extra]).tocsr(),
                   lower=np.r_[model.lower, [lo for _, lo, _ in rows]],
                   upper=np.r_[model.upper, [hi for _, _, hi in rows]])


class _Problem:
    """The optimizer's program with the frontier's rows: quality, budget, vendors."""

    def __init__(self, ctx: Context, options: Options) -> None:
        if options.min_component_quality is not None:
            ctx = _filtered(ctx, options.min_component_quality)
        self.ctx = ctx
        base = _build(ctx, component_cap=True, share_cap=True)
        n, n_b = len(base.c), len(base.candidates)
        vendors = sorted({k.vendor for k in base.candidates})
        self.quality = np.zeros(n)
        self.quality[:n_b] = [_quality(ctx, k) for k in base.candidates]
        self.cost = base.c.copy()
        # total cost = the program's cost less one vendor's coordination (README: vendors - 1)
        self.offset = -ctx.settings.coordination_cost_per_vendor
        rows = []
        if options.budget is not None:
            rows.append((self.cost, -np.inf, options.budget - self.offset))
        if options.min_vendors is not None:
            used = np.zeros(n)
            used[n_b:n_b + len(vendors)] = 1.0
            rows.append((used, float(options.min_vendors), np.inf))
            for j, v in enumerate(vendors):  # a vendor counts only when awarded something
                row = np.zeros(n)
                row[n_b + j] = 1.0
                for i, k in enumerate(base.candidates):
                    if k.vendor == v:
                        row[i] = -1.0
                rows.append((row, -np.inf, 0.0))
        self.model = _with_rows(base, rows)
        self.impossible = not base.candidates or _share_impossible(ctx)

    def solve(self, objective: np.ndarray, *, quality_at_least: float | None = None
              ) -> list[Candidate] | None:
        if self.impossible:
            return None
        rows = []
        if quality_at_least is not None:
            rows.append((self.quality, quality_at_least, np.inf))
        return _solve(replace(_with_rows(self.model, rows), c=objective))

    def value(self, chosen: Sequence[Candidate]) -> tuple[float, float]:
        """(the program's cost, quality) of an award found: its bids' costs and each vendor's
        coordination."""
        x = {id(k) for k in chosen}
        on = np.array([id(k) in x for k in self.model.candidates], dtype=float)
        n_b = len(self.model.candidates)
        coordination = self.ctx.settings.coordination_cost_per_vendor * len(
            {k.vendor for k in chosen})
        return float(self.cost[:n_b] @ on) + coordination, float(self.quality[:n_b] @ on)

    def least_cost(self, quality_at_least: float | None = None) -> list[Candidate] | None:
        """The least-cost award (of at least that quality), of the highest quality at its cost:
        one solve, quality breaking ties in cost (worth less than a cent over its whole range,
        so it never buys quality with money), so that no award dominates the one found."""
        return self.solve(self.cost - TIE_BREAK * self.quality, quality_at_least=quality_at_least)


def _filtered(ctx: Context, minimum: float) -> Context:
    """The context with only the candidates scoring at least ``minimum``."""
    out = copy.copy(ctx)
    out.candidates = [k for k in ctx.candidates if k.score >= minimum - 1e-12]
    return out


def frontier(ctx: Context, points: int | None = 20, options: Options | None = None) -> Frontier:
    """The best-value frontier: up to ``points`` awards spread over the quality range (every
    award of the frontier when ``points`` is None), each one no other award beats on both cost
    and quality; and the value-for-money award when a price of a quality point is given.
    Raises FrontierError when no award meets the caps and options."""
    try:
        return _frontier(ctx, points, options or Options())
    except _SolverLimit as exc:
        raise FrontierError(f"A point of the frontier could not be proven within "
                            f"{MILP_SECONDS:g} s for this many bids and caps. Relax the caps, or "
                            "ask for fewer points") from exc


def _frontier(ctx: Context, points: int | None, options: Options) -> Frontier:
    problem = _Problem(ctx, options)
    # the least-cost award, made the best quality at its cost; and the best quality there is
    cheapest = problem.least_cost()
    if cheapest is None:
        if options == Options():  # the caps alone: say which, as the optimized award does
            from scoring.scenarios import explain_infeasible

            raise FrontierError(explain_infeasible(ctx))
        raise FrontierError("No award meets the caps, gates and frontier options together: "
                            "relax a cap, the budget, the number of vendors or the minimum "
                            "score of each awarded bid")
    low = cheapest
    top_quality = problem.value(problem.solve(-problem.quality) or low)[1]
    found: list[list[Candidate]] = [low]
    next_at = problem.least_cost

    if points is None:
        while problem.value(found[-1])[1] < top_quality - QUALITY_STEP:
            last = problem.value(found[-1])[1]
            chosen = next_at(last + QUALITY_STEP)
            if chosen is None or problem.value(chosen)[1] <= last:
                break  # nothing of higher quality (or the solver's tolerance): the end
            found.append(chosen)
    else:
        q0 = problem.value(low)[1]
        for k in range(1, max(points, 2)):
            level = q0 + (top_quality - q0) * k / (max(points, 2) - 1)
            if level <= problem.value(found[-1])[1] + QUALITY_STEP / 2:
                continue  # the last point already reaches this level
            chosen = next_at(level - QUALITY_STEP / 10)  # reach the top level despite rounding
            if chosen is not None:
                found.append(chosen)
    # each level is above the quality of the point before it: every award found is new
    unique = sorted(found, key=problem.value)
    # The tie-break in cost is finer than the solver's tolerance for awards whose qualities
    # differ by less than about 0.0002: a point another found point dominates is dropped.
    values = [problem.value(c) for c in unique]
    unique = [c for c, (cost, q) in zip(unique, values, strict=True) if not any(
        oc <= cost + 1e-9 * max(1.0, abs(cost)) and oq > q + 1e-12 for oc, oq in values)]
    scenarios = tuple(problem.ctx.scenario(f"frontier {i}", chosen, "a best-value award")
                      for i, chosen in enumerate(unique, 1))
    vfm = None
    if options.quality_price is not None:
        chosen = problem.solve(problem.cost - 100.0 * options.quality_price * problem.quality)
        if chosen is not None:
            vfm = problem.ctx.scenario(
                "value for money", chosen, f"the award that maximises quality points x "
                f"{options.quality_price:,.0f} less total cost")
    return Frontier(scenarios, vfm)
