"""The scikit-criteria seam: normalisation, methods, gates, ranks per lot.

``rank(bidset, scoring)`` scores every lot's eligible bids with the chosen method and
returns a :class:`Ranking`: tidy, immutable, and explicit about how each criterion
was normalised. Equal scores share a rank by the one tie rule (``scoring.ties``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from scoring.compliance import SLA_GATE, check_sla
from scoring.evaluation import Scoring
from scoring.model import METHODS, Bid, BidSet, Criterion, header_key, lot_name
from scoring.settings import METHOD_LABELS, PRICE_FORMULA_LABELS  # noqa: F401  (re-exported)
from scoring.ties import award_key, rank_list


class ScoringError(ValueError):
    """The requested scoring cannot be done (e.g. linear price formula without bounds)."""


@cache
def _skc() -> dict[str, Any]:
    """Import scikit-criteria once, lazily (it costs seconds)."""
    import skcriteria as skc
    from skcriteria.agg.simple import WeightedProductModel, WeightedSumModel
    from skcriteria.agg.topsis import TOPSIS
    from skcriteria.agg.vikor import VIKOR
    from skcriteria.pipelines import mkpipe
    from skcriteria.preprocessing.scalers import SumScaler, VectorScaler

    return {
        "mkdm": skc.mkdm,
        "wsm": WeightedSumModel(),
        "wpm": WeightedProductModel(),
        "topsis": mkpipe(VectorScaler(target="matrix"), SumScaler(target="weights"), TOPSIS()),
        "vikor": VIKOR(v=0.5, use_compromise_set=False),
    }


@dataclass(frozen=True)
class ScoredBid:
    vendor: str
    lot: str
    price: float
    eligible: bool
    failed_gates: tuple[str, ...]
    score: float | None
    rank: int | None
    normalised: Mapping[str, float] = field(default_factory=dict)  # values in [0, 1], 1 best
    contributions: Mapping[str, float] = field(default_factory=dict)  # weight x normalised
    quality: float | None = None  # weighted points on the non-price criteria
    pareto: bool = False  # not beaten on both price and quality by another eligible bid


@dataclass(frozen=True)
class Ranking:
    method: str
    price_formula: str
    weights: Mapping[str, float]
    bids: tuple[ScoredBid, ...]
    lots: tuple[str, ...]
    normalisation: Mapping[str, str]
    sha256: str = ""
    price_floor: float | None = None
    price_ceiling: float | None = None
    sla_gate: bool = False
    warnings: tuple[tuple[str, str], ...] = ()  # (lot, what a reader of its ranking must know)

    @property
    def lower_is_better(self) -> bool:
        return self.method == "vikor"

    def warnings_for(self, lot: str) -> list[str]:
        return [text for at, text in self.warnings if at == lot]

    def in_lot(self, lot: str) -> list[ScoredBid]:
        """A lot's bids, best first; ineligible bids last."""
        return sorted(
            (b for b in self.bids if b.lot == lot),
            key=lambda b: (b.rank is None, b.rank or 0, b.vendor.casefold()),
        )

    def winner(self, lot: str) -> ScoredBid | None:
        """The one bid ranked first (None for a tie at the top, or no eligible bid)."""
        first = [b for b in self.in_lot(lot) if b.rank == 1]
        return first[0] if len(first) == 1 else None

    def award_pick(self, lot: str) -> ScoredBid | None:
        """The bid an award of this lot takes: the best ranked, a tie at the top broken by the
        lower price, then the vendor's name (as every award scenario does)."""
        ranked = [b for b in self.in_lot(lot) if b.rank is not None]
        return min(ranked, key=lambda b: award_key(b.rank or 0, b.price, b.vendor), default=None)

    def describe(self) -> str:
        """One line saying what produced this ranking."""
        parts = [f"Method: {METHOD_LABELS[self.method]}"]
        if self.method in ("wsm", "wpm") and any(header_key(k) == "price" for k in self.weights):
            parts.append(f"price formula: {PRICE_FORMULA_LABELS[self.price_formula]}")
        parts.append(
            "normalisation: "
            + ("weighted points (fixed scales, price formula, relative to the best bid)"
               if self.method in ("wsm", "wpm")
               else "vector normalisation of raw values" if self.method == "topsis"
               else "distance from best to worst of raw values")
        )
        if self.sla_gate:
            parts.append("mission-grade SLA required")
        if self.sha256:
            parts.append(f"workbook SHA-256: {self.sha256}")
        return "; ".join(parts)

    def to_records(self) -> list[dict[str, Any]]:
        """The command line's JSON ``bids`` list (a documented contract)."""
        return [
            {
                "vendor": b.vendor,
                "lot": b.lot,
                "price": b.price,
                "score": b.score,
                "rank": b.rank,
                "eligible": b.eligible,
                "failed_gates": list(b.failed_gates),
            }
            for lot in self.lots
            for b in self.in_lot(lot)
        ]


def normalisation_notes(
    criteria: Sequence[Criterion], method: str, price_formula: str
) -> dict[str, str]:
    """How each criterion is normalised under ``method`` (shown with every ranking)."""
    notes: dict[str, str] = {}
    for c in criteria:
        if method == "topsis":
            notes[c.name] = f"x / sqrt(sum of x²) over competing bids ({c.direction})"
        elif method == "vikor":
            notes[c.name] = f"(best - x) / (best - worst) over competing bids ({c.direction})"
        elif c.is_price:
            notes[c.name] = (
                "lowest price / bid price"
                if price_formula == "lowest_ratio"
                else "(ceiling - price) / (ceiling - floor), clipped to 0-1"
            )
        elif c.has_scale:
            span = f"{c.scale_min:g}-{c.scale_max:g}"
            notes[c.name] = (
                f"fixed scale {span}: (x - min) / (max - min)"
                if c.direction == "max"
                else f"fixed scale {span}: (max - x) / (max - min)"
            )
        else:
            notes[c.name] = "x / highest competing x" if c.direction == "max" else (
                "lowest competing x / x"
            )
    return notes


def normalise(
    bids: Sequence[Bid],
    criteria: Sequence[Criterion],
    *,
    price_formula: str = "lowest_ratio",
    price_floor: float | None = None,
    price_ceiling: float | None = None,
) -> np.ndarray:
    """Normalised values in [0, 1] (1 best) of competing ``bids`` (rows) on ``criteria`` (columns)."""
    raw = np.array([[b.value(c) for c in criteria] for b in bids], dtype=float).reshape(
        len(bids), len(criteria))
    return normalise_matrix(raw, criteria, price_formula=price_formula, price_floor=price_floor,
                            price_ceiling=price_ceiling)


def normalise_matrix(
    raw: np.ndarray,
    criteria: Sequence[Criterion],
    *,
    price_formula: str = "lowest_ratio",
    price_floor: float | None = None,
    price_ceiling: float | None = None,
) -> np.ndarray:
    """``normalise`` on a matrix of raw values (bids x criteria), or on a stack of them (draws x
    bids x criteria: each draw's bids normalised among themselves): the one implementation."""
    out = np.zeros(raw.shape)
    for j, c in enumerate(criteria):
        x = raw[..., j]
        if c.is_price:
            if price_formula == "lowest_ratio":
                col = x.min(axis=-1, keepdims=True) / x
            else:
                if price_floor is None or price_ceiling is None or price_ceiling <= price_floor:
                    raise ScoringError(
                        "the linear price formula needs price_floor < price_ceiling"
                    )
                col = np.clip((price_ceiling - x) / (price_ceiling - price_floor), 0.0, 1.0)
        elif c.has_scale:
            lo, hi = float(c.scale_min), float(c.scale_max)  # type: ignore[arg-type]
            col = (x - lo) / (hi - lo)
            if c.direction == "min":
                col = 1.0 - col
            col = np.clip(col, 0.0, 1.0)
        elif c.direction == "max":
            best = x.max(axis=-1, keepdims=True)
            with np.errstate(divide="ignore", invalid="ignore"):
                col = np.where(best > 0, x / np.where(best > 0, best, 1.0), 0.0)
        else:
            with np.errstate(divide="ignore", invalid="ignore"):  # 0 here: the ranking refuses
                col = x.min(axis=-1, keepdims=True) / x
        out[..., j] = col
    return out


def _method_scores(
    method: str,
    raw: np.ndarray,
    norm: np.ndarray,
    criteria: Sequence[Criterion],
    weights: np.ndarray,
) -> np.ndarray:
    """Scores of competing bids (rows) through scikit-criteria, its advisory warnings muted.

    (TOPSIS warns about min criteria, which classic TOPSIS handles; VIKOR warns when a
    criterion is constant, which then rightly contributes nothing.)
    """
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", UserWarning)
        try:
            scores = _evaluate(method, raw, norm, criteria, weights)
        except ValueError as exc:  # scikit-criteria refusing the matrix (e.g. values below 0)
            raise ScoringError(f"these figures cannot be scored with {METHOD_LABELS[method]} "
                               f"({exc})") from exc
    if not np.all(np.isfinite(scores)):
        raise ScoringError(f"these figures cannot be scored with {METHOD_LABELS[method]}: some "
                           "scores come out undefined (check for values of 0 on a 'min' "
                           "criterion without a scale, or extreme values)")
    return scores


def _evaluate(
    method: str,
    raw: np.ndarray,
    norm: np.ndarray,
    criteria: Sequence[Criterion],
    weights: np.ndarray,
) -> np.ndarray:
    skc = _skc()
    n, k = raw.shape
    names = [c.name for c in criteria]
    if method == "wsm":
        dm = skc["mkdm"](norm, [max] * k, weights=weights, criteria=names)
        return np.asarray(skc["wsm"].evaluate(dm).e_.score, dtype=float)
    if method == "wpm":
        # A criterion every competing bid scores 0 on cannot tell them apart: it is left out of
        # the product (in it, it would make every score 0 and tie every bid). See wpm_dead.
        keep = ~wpm_dead(norm)
        if not keep.any():
            return np.zeros(n)
        names = [x for x, y in zip(names, keep, strict=True) if y]
        norm, weights = norm[:, keep], weights[keep]
        scores = np.zeros(n)
        positive = np.all(norm > 0, axis=1)
        if positive.any():
            dm = skc["mkdm"](norm[positive], [max] * int(keep.sum()), weights=weights,
                             criteria=names)
            scores[positive] = 10.0 ** np.asarray(skc["wpm"].evaluate(dm).e_.score, dtype=float)
        return scores
    objectives = [max if c.direction == "max" else min for c in criteria]
    if method == "topsis":
        varying = np.ptp(raw, axis=0) > 0
        if not varying.any():
            return np.ones(n)
        cols = np.flatnonzero(varying)
        dm = skc["mkdm"](
            raw[:, cols], [objectives[j] for j in cols], weights=weights[cols],
            criteria=[names[j] for j in cols],
        )
        return np.asarray(skc["topsis"].evaluate(dm).e_.similarity, dtype=float)
    if method == "vikor":
        dm = skc["mkdm"](raw, objectives, weights=weights, criteria=names)
        return np.asarray(skc["vikor"].evaluate(dm).e_.q_k, dtype=float)
    raise ScoringError(f"unknown method '{method}'; use one of {', '.join(METHODS)}")


def wpm_dead(norm: np.ndarray) -> np.ndarray:
    """The criteria (columns) on which every competing bid's normalised value is 0: the weighted
    product leaves them out, since they do not discriminate between the bids."""
    return np.all(norm <= 0, axis=0) if norm.shape[0] > 1 else np.zeros(norm.shape[1], dtype=bool)


def _pareto(prices: Sequence[float], quality: Sequence[float]) -> list[bool]:
    """Which bids no other bid beats on both price (lower) and quality (higher), in O(n log n):
    a sweep by price, cheapest first, keeping the best quality seen at any lower price."""
    order = sorted(range(len(prices)), key=lambda i: (prices[i], -quality[i]))
    front = [False] * len(prices)
    best_cheaper = -math.inf  # best quality among strictly cheaper bids
    k = 0
    while k < len(order):
        same = [order[k]]
        while k + len(same) < len(order) and prices[order[k + len(same)]] == prices[order[k]]:
            same.append(order[k + len(same)])
        top = quality[same[0]]  # best quality at this price (sorted by quality, descending)
        for i in same:
            front[i] = quality[i] == top and quality[i] > best_cheaper
        best_cheaper = max(best_cheaper, top)
        k += len(same)
    return front


def rank(bidset: BidSet, scoring: Scoring | None = None) -> Ranking:
    """Score and rank every lot's bids.

    ``scoring`` holds the method, price formula and bounds, weights (relative points, normalised
    to sum 1) and whether a mission-grade SLA is a gate; by default the workbook's own.
    """
    scoring = scoring or Scoring.of(bidset)
    method, price_formula = scoring.method, scoring.price_formula
    floor, ceiling, sla_gate = scoring.price_floor, scoring.price_ceiling, scoring.sla_gate
    criteria = list(bidset.criteria)
    raw_w = {c.name: float(c.weight) for c in criteria}
    unknown = set(scoring.points) - set(raw_w)
    if unknown:
        raise ScoringError(f"no such criterion: {', '.join(sorted(unknown))}")
    raw_w.update(scoring.points)
    if any(v < 0 or not math.isfinite(v) for v in raw_w.values()):
        raise ScoringError("weights must be finite and 0 or more")
    total = sum(raw_w.values())
    if total <= 0:
        raise ScoringError("give at least one criterion a weight above 0")
    w_all = {k: v / total for k, v in raw_w.items()}
    active = [c for c in criteria if w_all[c.name] > 0]
    w = np.array([w_all[c.name] for c in active])
    quality_crit = [c for c in active if not c.is_price]
    qw = np.array([w_all[c.name] for c in quality_crit])
    qw = qw / qw.sum() if qw.sum() > 0 else qw
    if price_formula == "linear" and not (
        floor is not None and ceiling is not None and math.isfinite(floor)
        and math.isfinite(ceiling) and 0 <= floor < ceiling
    ):
        raise ScoringError(
            "the linear price formula needs a price floor below a price ceiling, both finite "
            "numbers of 0 or more (Settings: price_floor, price_ceiling)"
        )

    scored: list[ScoredBid] = []
    notes: list[tuple[str, str]] = []
    for lot in bidset.lots:
        bids = bidset.bids_in(lot)
        gates = {id(b): tuple(c.name for c in criteria if c.fails_gate(b.value(c)))
                 + ((SLA_GATE,) if sla_gate and not check_sla(b).mission_grade else ())
                 for b in bids}
        competing = [b for b in bids if not gates[id(b)]]
        if competing:
            position = {id(b): i for i, b in enumerate(competing)}
            norm = normalise(competing, active, price_formula=price_formula,
                             price_floor=floor, price_ceiling=ceiling)
            qnorm = normalise(competing, quality_crit, price_formula=price_formula,
                              price_floor=floor, price_ceiling=ceiling)
            quality = qnorm @ qw if quality_crit else np.zeros(len(competing))
            if len(competing) == 1:  # a sole bid is the best of its lot (VIKOR: Q = 0)
                scores = np.zeros(1) if method == "vikor" else np.ones(1)
            else:
                if method == "wpm":
                    for j in np.flatnonzero(wpm_dead(norm)):
                        notes.append((lot,
                            f"{lot_name(lot)}: every eligible bid scores 0 on '{active[j].name}', "
                            "so the weighted product leaves it out (it cannot tell the bids apart; "
                            "kept in, it would make every score 0 and tie them all)"))
                raw = np.array([[b.value(c) for c in active] for b in competing], dtype=float)
                scores = _method_scores(method, raw, norm, active, w)
            ranks = rank_list(scores.tolist(), lower_is_better=method == "vikor")
            front = _pareto([b.price for b in competing], quality.tolist())
        for b in bids:
            if gates[id(b)]:
                scored.append(ScoredBid(b.vendor, lot, b.price, False, gates[id(b)], None, None))
                continue
            i = position[id(b)]
            values = {c.name: float(norm[i, j]) for j, c in enumerate(active)}
            scored.append(
                ScoredBid(
                    vendor=b.vendor,
                    lot=lot,
                    price=b.price,
                    eligible=True,
                    failed_gates=(),
                    score=float(scores[i]),
                    rank=ranks[i],
                    normalised=values,
                    contributions={k: v * w_all[k] for k, v in values.items()},
                    quality=float(quality[i]),
                    pareto=front[i],
                )
            )
    return Ranking(
        method=method,
        price_formula=price_formula,
        weights=w_all,
        bids=tuple(scored),
        lots=bidset.lots,
        normalisation=normalisation_notes(criteria, method, price_formula),
        sha256=bidset.sha256,
        price_floor=floor,
        price_ceiling=ceiling,
        sla_gate=sla_gate,
        warnings=tuple(notes),
    )
