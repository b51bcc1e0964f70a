"""Ways of turning a panel's preferences into criterion weights that sum to 1."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


def normalise_points(points: Mapping[str, float]) -> dict[str, float]:
    """Direct points (any non-negative numbers, at least one positive) -> weights summing to 1."""
    if any(v < 0 for v in points.values()):
        raise ValueError("weights cannot be negative")
    total = float(sum(points.values()))
    if total <= 0:
        raise ValueError("give at least one criterion a weight above 0")
    return {name: float(v) / total for name, v in points.items()}


def rank_order_centroid(ordering: Sequence[str | Sequence[str]]) -> dict[str, float]:
    """Rank-order centroid weights from an ordering, most important first.

    With n criteria, the one ranked i gets (1/n) * sum_{k=i..n} 1/k. An element of
    ``ordering`` may be a group of equally ranked criteria; they share the mean of
    the centroid weights of the positions they occupy.
    """
    groups = [[g] if isinstance(g, str) else list(g) for g in ordering]
    names = [n for g in groups for n in g]
    if len(set(names)) != len(names):
        raise ValueError("each criterion may appear once in the ordering")
    n = len(names)
    if n == 0:
        return {}
    centroid = [sum(1.0 / k for k in range(i, n + 1)) / n for i in range(1, n + 1)]
    out: dict[str, float] = {}
    pos = 0
    for group in groups:
        share = sum(centroid[pos : pos + len(group)]) / len(group)
        for name in group:
            out[name] = share
        pos += len(group)
    return out


def roc_from_ranks(ranks: Mapping[str, int]) -> dict[str, float]:
    """ROC weights from a rank per criterion (1 = most important; equal ranks tie)."""
    if any(r < 1 for r in ranks.values()):
        raise ValueError("ranks start at 1")
    ordered: dict[int, list[str]] = {}
    for name, r in ranks.items():
        ordered.setdefault(int(r), []).append(name)
    return rank_order_centroid([ordered[r] for r in sorted(ordered)])


# -- the factor hierarchy ---------------------------------------------------------------------

FACTORS = "factors"  # the level of the factors' own weights (the others are named by factor)
CRITERIA = "criteria"  # the level of the criteria, in a flat evaluation


@dataclass(frozen=True)
class Level:
    """One set of items weighted against each other: the factors, the criteria of one factor,
    or (flat) every criterion. ``factor`` is the factor whose criteria these are ("" else)."""

    kind: str  # FACTORS or CRITERIA
    factor: str
    items: tuple[str, ...]

    @property
    def title(self) -> str:
        if self.kind == FACTORS:
            return "Factors"
        return f"Criteria of {self.factor}" if self.factor else "Criteria"

    @property
    def subject(self) -> str:
        """The level within a sentence ("the criteria of IT Security"), names as written."""
        if self.kind == FACTORS:
            return "the factors"
        return f"the criteria of {self.factor}" if self.factor else "the criteria"


def levels(groups: Mapping[str, str], factors: Sequence[str]) -> list[Level]:
    """The levels weights are set on: ``groups`` is criterion -> factor (in criteria order) and
    ``factors`` the factors in order; no factors, one flat level of every criterion."""
    if not factors:
        return [Level(CRITERIA, "", tuple(groups))]
    out = [Level(FACTORS, "", tuple(factors))]
    for f in factors:
        out.append(Level(CRITERIA, f, tuple(c for c, g in groups.items() if g == f)))
    return out


def combine(groups: Mapping[str, str], factor_weights: Mapping[str, float],
            local: Mapping[str, float]) -> dict[str, float]:
    """Each criterion's weight in the ranking: its factor's weight times its weight within the
    factor, both normalised, as points summing to 100 (criteria order)."""
    factor = normalise_points(factor_weights)
    within: dict[str, float] = {}
    for f in factor:
        members = {c: local[c] for c, g in groups.items() if g == f}
        total = sum(members.values())
        if total <= 0 and factor[f] > 0:
            raise ValueError(f"every criterion of {f} has weight 0 while the factor weighs "
                             f"{factor[f]:.1%}: give a criterion of it a weight, or the factor 0")
        for c, v in members.items():
            within[c] = v / total if total > 0 else 1.0 / len(members)
    return {c: 100.0 * factor[g] * within[c] for c, g in groups.items()}


def split(groups: Mapping[str, str], weights: Mapping[str, float]) -> tuple[dict[str, float],
                                                                           dict[str, float]]:
    """The inverse of ``combine``: factor weights (the sums of their criteria's weights) and each
    criterion's share of its factor, both in percent (a factor at 0: equal shares)."""
    total = sum(weights.values()) or 1.0
    factor: dict[str, float] = {}
    for c, g in groups.items():
        factor[g] = factor.get(g, 0.0) + weights[c]
    within = {}
    for c, g in groups.items():
        size = sum(1 for x in groups.values() if x == g)
        within[c] = 100.0 * weights[c] / factor[g] if factor[g] > 0 else 100.0 / size
    return {g: 100.0 * v / total for g, v in factor.items()}, within


def outside_ranges(ranges: Mapping[str, tuple[float, float] | None], weights: Mapping[str, float]
                   ) -> list[tuple[str, float, float, float]]:
    """Criteria whose weight (``weights``: fractions) lies outside its published range (percent):
    (criterion, weight %, range from, range to)."""
    out = []
    for name, published in ranges.items():
        if published is None:
            continue
        share = 100.0 * weights.get(name, 0.0)
        if not published[0] - 1e-9 <= share <= published[1] + 1e-9:
            out.append((name, share, *published))
    return out


def describe_outside(found: Sequence[tuple[str, float, float, float]]) -> str:
    return "; ".join(f"{name} weighs {share:.1f} %, outside its published range "
                     f"{low:g}-{high:g} %" for name, share, low, high in found)


# -- swing weighting ----------------------------------------------------------------------------

def swing(ratings: Mapping[str, float]) -> dict[str, float]:
    """Swing weights: each item's swing from its worst to its best level rated 0-100 against the
    most valued swing, which is rated 100; the weights are the ratings normalised."""
    values = list(ratings.values())
    if any(not 0 <= v <= 100 for v in values):
        raise ValueError("swing ratings run from 0 to 100")
    if values and max(values) != 100:
        raise ValueError("rate the most valued swing 100 and the others against it")
    return normalise_points(ratings)


# -- AHP ------------------------------------------------------------------------------------------

SAATY = (1, 2, 3, 4, 5, 6, 7, 8, 9)
SAATY_WORDS = {1: "equal", 2: "equal to moderate", 3: "moderate", 4: "moderate to strong",
               5: "strong", 6: "strong to very strong", 7: "very strong",
               8: "very to extreme", 9: "extreme"}
# Saaty's random consistency index by matrix size (Saaty 1980; the values most tools use)
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45,
                10: 1.49, 11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59}
INCONSISTENT = 0.10  # a consistency ratio from here is flagged


@dataclass(frozen=True)
class Judgement:
    """How many times more important ``a`` is than ``b`` (Saaty 1-9, or its reciprocal), in one
    member's judgement: between two factors (``kind`` FACTORS) or two criteria (CRITERIA; with
    factors, two criteria of the same factor)."""

    kind: str
    member: str
    a: str
    b: str
    value: float


@dataclass(frozen=True)
class AHPResult:
    weights: dict[str, float]  # principal eigenvector, summing to 1
    lambda_max: float
    consistency_index: float
    consistency_ratio: float  # 0 for two items or fewer (always consistent)
    worst: tuple[str, str, float, float] | None  # (a, b, judged, what the others imply)

    @property
    def consistent(self) -> bool:
        return self.consistency_ratio < INCONSISTENT


def saaty_problem(value: float) -> str | None:
    """Why ``value`` is not a judgement on Saaty's scale (1-9 or 1/9-1), or None."""
    if not math.isfinite(value) or value <= 0:
        return "a judgement is a number from 1/9 to 9"
    near = value if value >= 1 else 1 / value
    if not any(abs(near - s) < 1e-6 for s in SAATY):
        return f"{value:g} is not on Saaty's scale: use 1-9 or 1/2-1/9"
    return None


def matrix(items: Sequence[str], judgements: Mapping[tuple[str, str], float]) -> np.ndarray:
    """The reciprocal pairwise matrix of ``items``; each unordered pair judged once."""
    index = {name: i for i, name in enumerate(items)}
    n = len(items)
    out = np.ones((n, n))
    for (a, b), value in judgements.items():
        i, j = index[a], index[b]
        out[i, j], out[j, i] = value, 1.0 / value
    return out


def missing_pairs(items: Sequence[str], judgements: Mapping[tuple[str, str], float]
                  ) -> list[tuple[str, str]]:
    judged = {frozenset(p) for p in judgements}
    return [(a, b) for i, a in enumerate(items) for b in items[i + 1:]
            if frozenset((a, b)) not in judged]


def ahp(items: Sequence[str], judgements: Mapping[tuple[str, str], float]) -> AHPResult:
    """AHP weights by the principal right eigenvector of the pairwise matrix, with Saaty's
    consistency ratio CR = ((lambda_max - n) / (n - 1)) / RI(n) and the judgement that departs
    most from the ratio of the weights it compares, with the ratio the other judgements imply
    for it (the geometric mean of a_ik * a_kj over the other items k)."""
    a = matrix(items, judgements)
    n = len(items)
    if n == 1:
        return AHPResult({items[0]: 1.0}, 1.0, 0.0, 0.0, None)
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    w = np.abs(vectors[:, k].real)
    w = w / w.sum()
    lam = float(values[k].real)
    ci = max(0.0, (lam - n) / (n - 1))
    ri = RANDOM_INDEX.get(n, 1.59)
    cr = ci / ri if ri > 0 else 0.0
    worst = None
    if n > 2:  # the judgement furthest from its weights' ratio, when one stands out (of three
        # items' judgements none does: the eigenvector is off each by the same factor)
        pairs = sorted(((abs(math.log(a[i, j] * w[j] / w[i])), i, j)
                        for i in range(n) for j in range(i + 1, n)), reverse=True)
        (top, i, j), second = pairs[0], pairs[1][0]
        if top > 1e-9 and top - second > 1e-6 * top:
            others = [k for k in range(n) if k not in (i, j)]  # what the other judgements say
            implied = math.exp(sum(math.log(a[i, k] * a[k, j]) for k in others) / len(others))
            worst = (items[i], items[j], float(a[i, j]), implied)
    return AHPResult({name: float(x) for name, x in zip(items, w, strict=True)}, lam, ci, cr, worst)


def group_judgements(items: Sequence[str], by_member: Mapping[str, Mapping[tuple[str, str], float]]
                     ) -> dict[tuple[str, str], float]:
    """The panel's judgements: per pair, the geometric mean of the members' judgements
    (aggregation of individual judgements, which keeps the matrix reciprocal)."""
    out: dict[tuple[str, str], float] = {}
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            logs = []
            for judged in by_member.values():
                if (a, b) in judged:
                    logs.append(math.log(judged[a, b]))
                elif (b, a) in judged:
                    logs.append(-math.log(judged[b, a]))
            if logs:
                out[a, b] = math.exp(sum(logs) / len(logs))
    return out


def nearest_saaty(value: float) -> str:
    """A ratio as the nearest judgement on Saaty's scale (nearest as ratios: by the log), in
    words ("3", "1/5"); beyond the scale, its end."""
    near = min(SAATY, key=lambda s: abs(math.log(s) - abs(math.log(value))))
    return str(near) if value >= 1 or near == 1 else f"1/{near}"


# -- weights drawn inside published ranges --------------------------------------------------------

class RangeSampler:
    """Weight vectors (rows summing to 1) uniform over {w : low <= w <= high, sum w = 1}, by
    hit-and-run (Smith 1984): ``chains`` chains from one interior point, a burn-in of 50 m steps
    and m steps between kept draws (m = the criteria free to move). A criterion whose range is
    one point keeps that weight. Successive ``draw`` calls continue the same chains."""

    def __init__(self, low: np.ndarray, high: np.ndarray, rng: np.random.Generator, *,
                 chains: int = 64) -> None:
        self.low, self.high, self.rng, self.chains = low, high, rng, chains
        self.free = high - low > 1e-12
        slack = 1.0 - low.sum()
        width = (high - low)[self.free]
        if slack < -1e-9 or slack > width.sum() + 1e-9:
            raise ValueError("no weighting lies inside these ranges (their minimums add up to "
                             "more than 100 % or their maximums to less)")
        self.start = low.copy()
        self.m = int(self.free.sum())
        if self.m:
            self.start[self.free] = low[self.free] + width * (slack / width.sum())
        self.w = np.tile(self.start[self.free], (chains, 1))
        self.lo, self.hi = low[self.free], high[self.free]
        if self.m > 1:
            self._steps(50 * self.m)

    def _steps(self, k: int) -> None:
        """``k`` hit-and-run steps of every chain: each a random direction within the plane of
        weights summing to 1 (its length does not matter: the chord is the same line), the
        chord of the box along it, a point drawn uniformly on the chord."""
        lo, hi, w = self.lo, self.hi, self.w
        directions = self.rng.standard_normal((k, self.chains, self.m))
        directions -= directions.mean(axis=2, keepdims=True)  # a zero component: probability 0
        where = self.rng.random((k, self.chains))
        for d, u in zip(directions, where, strict=True):
            with np.errstate(divide="ignore", invalid="ignore"):
                t1, t2 = (lo - w) / d, (hi - w) / d
            tmin = np.minimum(np.minimum(t1, t2).max(axis=1), 0.0)
            tmax = np.maximum(np.maximum(t1, t2).min(axis=1), 0.0)
            w += (tmin + (tmax - tmin) * u)[:, None] * d
            np.clip(w, lo, hi, out=w)

    def draw(self, n: int) -> np.ndarray:
        if self.m <= 1:  # nothing can move: the one weighting there is
            return np.tile(self.start / self.start.sum(), (n, 1))
        out = np.empty((n, len(self.low)))
        out[:, ~self.free] = self.low[~self.free]
        kept = 0
        while kept < n:
            self._steps(self.m)
            take = min(self.chains, n - kept)
            out[kept:kept + take, self.free] = self.w[:take]
            kept += take
        out /= out.sum(axis=1, keepdims=True)  # clipping's rounding: rows sum to 1 exactly
        return out


def range_draws(low: np.ndarray, high: np.ndarray, n: int, rng: np.random.Generator, *,
                chains: int = 64) -> np.ndarray:
    """``n`` weight vectors drawn uniformly inside the ranges (``RangeSampler``)."""
    return RangeSampler(low, high, rng, chains=chains).draw(n)
