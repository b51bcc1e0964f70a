"""How sure is a ranking? Rank acceptability (SMAA), weight stability, sweeps, rank reversal.

Every method's scores are written as functions of a whole matrix of weight vectors, so one
matrix product (two for TOPSIS) scores thousands of draws at once:

- WSM: ``W @ V.T`` with V the normalised values (they do not depend on the weights).
- WPM: ``exp(W @ log(V).T)``, a value of 0 giving 0.
- TOPSIS: with R the vector-normalised matrix, the distances to the ideal and anti-ideal are
  ``sqrt(W² @ D.T)`` for fixed D, because the ideal of ``w * R`` is ``w *`` the ideal of R.
- VIKOR: ``S = W @ N.T`` and ``R = max_j w_j N_ij`` with N the fixed distances to the best.

The results agree with scikit-criteria draw by draw (tests check it). Ties follow the one
tie rule of ``scoring.ties``, as in the ranking itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from scoring.evaluation import Scoring
from scoring.mcda import Ranking, ScoringError, normalise_matrix, rank
from scoring.model import BidSet, Criterion
from scoring.ties import competition_ranks
from scoring.weights import RangeSampler

CHUNK_ELEMENTS = 100_000  # draws x bids (x criteria for VIKOR) per chunk: cache-sized, bounded memory
SCORE_BLOCKS = 16  # ranking chunks scored by one matrix product
F32_CLOSE = 4 * float(np.finfo(np.float32).eps)  # neighbours this close are re-ranked exactly


@dataclass(frozen=True)
class LotModel:
    """The bids competing in one lot, with everything weight-independent precomputed."""

    lot: str
    vendors: tuple[str, ...]  # eligible bids, in their ranking order (winner first)
    criteria: tuple[str, ...]
    stated: np.ndarray  # stated weights, normalised to sum 1, over ``criteria``
    method: str
    values: np.ndarray  # normalised values (wsm, wpm) or the method's fixed matrix (topsis, vikor)
    extra: np.ndarray | None = None  # anti-ideal distances for TOPSIS

    @property
    def lower_is_better(self) -> bool:
        return self.method == "vikor"

    def scores(self, weights: np.ndarray) -> np.ndarray:
        """Scores (draws x bids) for a matrix of weight vectors (draws x criteria)."""
        w = np.atleast_2d(np.asarray(weights, dtype=float))
        m = len(self.vendors)
        if m == 1:  # a sole bid is the best of its lot (VIKOR: Q = 0)
            return np.full((w.shape[0], 1), 0.0 if self.method == "vikor" else 1.0)
        if self.method == "wsm":
            return w @ self.values.T
        if self.method == "wpm":
            positive = self.values > 0
            dead = ~positive.any(axis=0)  # every bid 0: left out of the product (mcda.wpm_dead)
            logs = np.where(positive, np.log(np.where(positive, self.values, 1.0)), 0.0)
            out = np.exp(w @ logs.T)
            zeroed = (w > 0).astype(float) @ (~positive & ~dead).astype(float).T > 0
            out[zeroed] = 0.0
            return out
        if self.method == "topsis":
            w2 = w * w
            d_best = np.sqrt(np.maximum(w2 @ self.values.T, 0.0))
            d_worst = np.sqrt(np.maximum(w2 @ self.extra.T, 0.0))  # type: ignore[union-attr]
            total = d_best + d_worst
            with np.errstate(invalid="ignore", divide="ignore"):
                return np.where(total > 0, d_worst / np.where(total > 0, total, 1.0), 1.0)
        # VIKOR
        s = w @ self.values.T
        r = np.max(w[:, None, :] * self.values[None, :, :], axis=2)
        return 0.5 * _unit(s) + 0.5 * _unit(r)

    def ranks(self, weights: np.ndarray) -> np.ndarray:
        """1-based competition ranks (draws x bids); equal scores share a rank."""
        return competition_ranks(self.scores(weights), lower_is_better=self.lower_is_better)


def _unit(x: np.ndarray) -> np.ndarray:
    """Scale each row to [0, 1] (0 where the row is constant), as VIKOR scales S and R."""
    lo = x.min(axis=1, keepdims=True)
    span = x.max(axis=1, keepdims=True) - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(span > 0, (x - lo) / np.where(span > 0, span, 1.0), 0.0)


def rank_counts(scores: np.ndarray, *, lower_is_better: bool = False) -> np.ndarray:
    """How often each bid (row) holds each rank (column) over the draws (rows of ``scores``).

    Fast path: sort a float32 copy. Where no two neighbours in a sorted row are within a few
    float32 steps, that order is also the exact float64 order and nothing is tied; the few
    other rows go through exact competition ranking in float64.
    """
    n, m = scores.shape
    key = scores.astype(np.float32)
    if not lower_is_better:
        np.negative(key, out=key)
    order = np.argsort(key, axis=1)
    ordered = np.sort(key, axis=1)  # a second (SIMD) sort beats gathering by ``order``
    gap = np.diff(ordered, axis=1)
    bound = np.abs(ordered[:, 1:])
    bound *= F32_CLOSE
    suspect = np.flatnonzero((gap <= bound).any(axis=1))
    position = np.arange(m)
    provisional = order[suspect]
    order *= m
    order += position
    counts = np.bincount(order.ravel(), minlength=m * m)
    if suspect.size:
        counts -= np.bincount((provisional * m + position).ravel(), minlength=m * m)
        exact = competition_ranks(scores[suspect], lower_is_better=lower_is_better) - 1
        counts += np.bincount((position * m + exact).ravel(), minlength=m * m)
    return counts.reshape(m, m)


def lot_models(bidset: BidSet, scoring: Scoring | None = None) -> list[LotModel]:
    """One model per lot, of its eligible bids in ranking order (scored as ``rank`` does)."""
    ranking = rank(bidset, scoring)
    method = ranking.method
    criteria = list(bidset.criteria)
    names = tuple(c.name for c in criteria)
    stated = np.array([ranking.weights[n] for n in names])
    by_key = {(b.vendor, b.lot): b for b in bidset.bids}
    models = []
    for lot in ranking.lots:
        eligible = [b for b in ranking.in_lot(lot) if b.eligible]
        if not eligible:
            continue
        bids = [by_key[(b.vendor, lot)] for b in eligible]
        values, extra = _fixed_matrices(method, bids, criteria, ranking)
        models.append(LotModel(lot, tuple(b.vendor for b in eligible), names, stated, method,
                               values, extra))
    return models


def _fixed_matrices(
    method: str, bids: Sequence, criteria: Sequence[Criterion], ranking  # type: ignore[type-arg]
) -> tuple[np.ndarray, np.ndarray | None]:
    raw = np.array([[b.value(c) for c in criteria] for b in bids], dtype=float)
    return _fixed_from_raw(method, raw, criteria, ranking.price_formula, ranking.price_floor,
                           ranking.price_ceiling)


def _fixed_from_raw(
    method: str, raw: np.ndarray, criteria: Sequence[Criterion], price_formula: str,
    price_floor: float | None, price_ceiling: float | None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """The weight-independent matrices of one lot's competing bids (rows of ``raw``)."""
    if method in ("wsm", "wpm"):
        return normalise_matrix(raw, criteria, price_formula=price_formula,
                                price_floor=price_floor, price_ceiling=price_ceiling), None
    benefit = np.array([c.direction == "max" for c in criteria])
    if method == "topsis":  # bids on the second axis from the end: one lot, or a stack of draws
        norms = np.sqrt((raw**2).sum(axis=-2, keepdims=True))
        r = np.divide(raw, norms, out=np.zeros_like(raw), where=norms > 0)
        best = np.where(benefit, r.max(axis=-2, keepdims=True), r.min(axis=-2, keepdims=True))
        worst = np.where(benefit, r.min(axis=-2, keepdims=True), r.max(axis=-2, keepdims=True))
        return (r - best) ** 2, (r - worst) ** 2
    best = np.where(benefit, raw.max(axis=-2, keepdims=True), raw.min(axis=-2, keepdims=True))
    worst = np.where(benefit, raw.min(axis=-2, keepdims=True), raw.max(axis=-2, keepdims=True))
    span = best - worst
    dist = np.divide(best - raw, span, out=np.zeros_like(raw), where=span != 0)
    return dist, None


# -- SMAA: rank acceptability ----------------------------------------------------------------


def weight_draws(
    stated: np.ndarray, n: int, rng: np.random.Generator, *, mode: str = "stated",
    concentration: float = 100.0, sampler: RangeSampler | None = None,
) -> np.ndarray:
    """Weight vectors: Dirichlet(K * w) around the stated weights (zeros stay 0), uniform, or
    uniform inside the published ranges (``sampler``, which continues its chains)."""
    k = len(stated)
    if mode == "uniform":
        return rng.dirichlet(np.ones(k), size=n)
    if mode == "ranges":
        if sampler is None:
            raise ScoringError("weights drawn inside the published ranges need the ranges")
        return sampler.draw(n)
    if mode != "stated":
        raise ScoringError("weights must be 'stated', 'uniform' or 'ranges'")
    if concentration <= 0:
        raise ScoringError("the concentration must be above 0")
    active = stated > 0
    out = np.zeros((n, k))
    out[:, active] = rng.dirichlet(concentration * stated[active], size=n)
    return out


def published_bounds(criteria: Sequence[Criterion]) -> tuple[np.ndarray, np.ndarray] | None:
    """The published weight ranges as fractions, over ``criteria``; one without a range keeps
    its published weight (the workbook's, whatever the weights in use), so the workbook's own
    weighting always lies inside. None when no criterion has a range."""
    if not any(c.weight_range for c in criteria):
        return None
    total = sum(c.weight for c in criteria) or 1.0
    low = np.array([c.weight_range[0] / 100 if c.weight_range else c.weight / total
                    for c in criteria])
    high = np.array([c.weight_range[1] / 100 if c.weight_range else c.weight / total
                     for c in criteria])
    return low, high


def _sampler(mode: str, bounds: tuple[np.ndarray, np.ndarray] | None,
             rng: np.random.Generator) -> RangeSampler | None:
    if mode != "ranges":
        return None
    if bounds is None:
        raise ScoringError("no criterion has a published weight range to draw the weights in")
    try:
        return RangeSampler(*bounds, rng)
    except ValueError as exc:
        raise ScoringError(str(exc)) from exc


def chunks(total: int, size: int) -> Iterator[int]:
    done = 0
    while done < total:
        step = min(size, total - done)
        yield step
        done += step


def chunk_size(models: Sequence[LotModel]) -> int:
    """Draws per chunk: small enough for the cache and for bounded memory."""
    biggest = max((len(m.vendors) * (len(m.criteria) if m.method == "vikor" else 1)
                   for m in models), default=1)
    return max(1, CHUNK_ELEMENTS // biggest)


def count_ranks(model: LotModel, weights: np.ndarray) -> np.ndarray:
    """Rank counts (bids x ranks) of one lot over given weight draws.

    Scores come from one matrix product per block of draws; ranking runs on cache-sized
    slices of it (sorting is what costs, and it is fastest on small arrays).
    """
    m = len(model.vendors)
    counts = np.zeros((m, m), dtype=np.int64)
    size = chunk_size([model])
    block = size * SCORE_BLOCKS
    for start in range(0, len(weights), block):
        scores = model.scores(weights[start:start + block])
        for s in range(0, len(scores), size):
            counts += rank_counts(scores[s:s + size], lower_is_better=model.lower_is_better)
    return counts


@dataclass(frozen=True)
class Acceptability:
    lot: str
    vendors: tuple[str, ...]
    matrix: np.ndarray  # bids x ranks: share of draws in which a bid holds each rank
    draws: int

    def win_probability(self) -> dict[str, float]:
        return {v: float(self.matrix[i, 0]) for i, v in enumerate(self.vendors)}


def acceptability(
    models: Sequence[LotModel],
    *,
    draws: int = 10_000,
    seed: int = 0,
    mode: str = "stated",
    concentration: float = 100.0,
    bounds: tuple[np.ndarray, np.ndarray] | None = None,
    progress: Callable[[float], None] | None = None,
) -> list[Acceptability]:
    """Rank acceptability of every lot's bids; all lots share the same weight draws
    (``bounds``: the published ranges, for ``mode`` ranges)."""
    if draws < 1:
        raise ScoringError("draws must be 1 or more")
    rng = np.random.default_rng(seed)
    if not models:
        return []
    stated = models[0].stated
    sampler = _sampler(mode, bounds, rng)
    counts = [np.zeros((len(m.vendors), len(m.vendors)), dtype=np.int64) for m in models]
    done = 0
    for step in chunks(draws, chunk_size(models) * SCORE_BLOCKS):
        w = weight_draws(stated, step, rng, mode=mode, concentration=concentration, sampler=sampler)
        for model, count in zip(models, counts, strict=True):
            count += count_ranks(model, w)
        done += step
        if progress is not None:
            progress(done / draws)
    return [Acceptability(m.lot, m.vendors, c / draws, draws) for m, c in zip(models, counts,
                                                                             strict=True)]


# -- the evaluators' disagreement: drawing the scores -----------------------------------------

UNCERTAINTIES = ("weights", "scores", "both")


@dataclass(frozen=True)
class CellGroup:
    """The movable cells of one lot scored by the same number of evaluators, stacked."""

    bids: np.ndarray  # each cell's row in the lot model (eligible bids in ranking order)
    criteria: np.ndarray  # each cell's column
    scores: np.ndarray  # cells x evaluators: each cell's scores, ascending
    evaluators: np.ndarray  # cells x evaluators: each score's evaluator (a panel index)


@dataclass(frozen=True)
class ScoreModel:
    """One lot's figures as the ranking used them, and the cells drawn from their evaluators."""

    raw: np.ndarray  # bids x criteria (the consensus in place), rows as the lot model's
    groups: tuple[CellGroup, ...]
    criteria: tuple[Criterion, ...]
    price_formula: str
    price_floor: float | None
    price_ceiling: float | None
    by_mean: bool  # consensus by the mean of the scores drawn (else their median)

    @property
    def movable(self) -> int:
        """How many of the lot's cells the evaluators' disagreement can move."""
        return sum(len(g.bids) for g in self.groups)


def score_models(bidset: BidSet, models: Sequence[LotModel], cells: Sequence[object],
                 consensus: str = "median", scoring: Scoring | None = None,
                 ranking: Ranking | None = None) -> tuple[list[ScoreModel], int]:
    """Per lot model, what drawing the scores moves: each panel cell scored by two evaluators or
    more and not moderated (a moderated value is the chair's recorded decision: it stays); and
    the number of evaluators on the panel. The bids that compete are those the ranking's gates
    let through: a drawn score does not gate a bid in or out."""
    ranking = ranking or rank(bidset, scoring)
    criteria = tuple(bidset.criteria)
    column = {c.name: j for j, c in enumerate(criteria)}
    by_key = {(b.vendor, b.lot): b for b in bidset.bids}
    panel = sorted({who for c in cells for who in c.scores})  # type: ignore[attr-defined]
    who_index = {who: i for i, who in enumerate(panel)}
    out = []
    for model in models:
        row = {v: i for i, v in enumerate(model.vendors)}
        raw = np.array([[by_key[(v, model.lot)].value(c) for c in criteria] for v in model.vendors],
                       dtype=float)
        by_size: dict[int, list[tuple[int, int, list[tuple[float, int]]]]] = {}
        for c in cells:
            if (c.lot != model.lot or c.vendor not in row or c.moderated  # type: ignore[attr-defined]
                    or len(c.scores) < 2 or c.criterion not in column):  # type: ignore[attr-defined]
                continue
            pairs = sorted((float(v), who_index[w]) for w, v in c.scores.items())  # type: ignore[attr-defined]
            by_size.setdefault(len(pairs), []).append(
                (row[c.vendor], column[c.criterion], pairs))  # type: ignore[attr-defined]
        groups = tuple(CellGroup(np.array([x[0] for x in found]), np.array([x[1] for x in found]),
                                 np.array([[p[0] for p in x[2]] for x in found]),
                                 np.array([[p[1] for p in x[2]] for x in found], dtype=np.int64))
                       for _, found in sorted(by_size.items()))
        out.append(ScoreModel(raw, groups, criteria, ranking.price_formula,
                              ranking.price_floor, ranking.price_ceiling, consensus == "mean"))
    return out, len(panel)


def draw_raw(model: ScoreModel, counts: np.ndarray) -> np.ndarray:
    """The lot's raw figures for each draw (draws x bids x criteria): every movable cell at the
    consensus of the panel drawn (``counts``: draws x evaluators, how often each is drawn, a
    bootstrap of the panel), its stated value where none of its evaluators was drawn."""
    d = counts.shape[0]
    raw = np.broadcast_to(model.raw, (d, *model.raw.shape)).copy()
    small = counts.astype(np.int16)  # an evaluator is drawn at most as often as the panel's size
    for g in model.groups:
        c = small[:, g.evaluators]  # draws x cells x evaluators (each cell's scores ascending)
        cum = np.cumsum(c, axis=2, dtype=np.int16)
        total = cum[..., -1]
        some = total > 0
        if model.by_mean:
            value = np.divide(np.einsum("dcn,cn->dc", c, g.scores), total,
                              out=np.zeros(total.shape), where=some)
        else:  # the median of the multiset: its ceil(T/2)-th and (T/2 + 1)-th values, averaged
            last = g.scores.shape[1] - 1
            lo = np.minimum((cum < ((total + 1) // 2)[..., None]).sum(axis=2, dtype=np.int16), last)
            hi = np.minimum((cum < (total // 2 + 1)[..., None]).sum(axis=2, dtype=np.int16), last)
            flat, base = g.scores.ravel(), (np.arange(len(g.bids)) * (last + 1))[None, :]
            value = (flat[base + lo] + flat[base + hi]) / 2
        raw[:, g.bids, g.criteria] = np.where(some, value, model.raw[g.bids, g.criteria])
    return raw


def batched_scores(method: str, w: np.ndarray, values: np.ndarray,
                   extra: np.ndarray | None) -> np.ndarray:
    """``LotModel.scores`` with a fixed matrix per draw (draws x bids x criteria)."""
    m = values.shape[1]
    if m == 1:
        return np.full((w.shape[0], 1), 0.0 if method == "vikor" else 1.0)
    if method == "wsm":
        return np.einsum("dk,dmk->dm", w, values)
    if method == "wpm":
        positive = values > 0
        dead = ~positive.any(axis=1)  # every bid 0 on it, in that draw: left out of the product
        logs = np.where(positive, np.log(np.where(positive, values, 1.0)), 0.0)
        out = np.exp(np.einsum("dk,dmk->dm", w, logs))
        zeroed = np.einsum("dk,dmk->dm", (w > 0).astype(float),
                           (~positive & ~dead[:, None, :]).astype(float)) > 0
        out[zeroed] = 0.0
        return out
    if method == "topsis":
        w2 = w * w
        d_best = np.sqrt(np.maximum(np.einsum("dk,dmk->dm", w2, values), 0.0))
        d_worst = np.sqrt(np.maximum(np.einsum("dk,dmk->dm", w2, extra), 0.0))
        total = d_best + d_worst
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, d_worst / np.where(total > 0, total, 1.0), 1.0)
    s = np.einsum("dk,dmk->dm", w, values)
    r = np.max(w[:, None, :] * values, axis=2)
    return 0.5 * _unit(s) + 0.5 * _unit(r)


def drawn_counts(model: LotModel, score: ScoreModel, w: np.ndarray, counts: np.ndarray
                 ) -> np.ndarray:
    """Rank counts of one lot over draws of the weights (``w``) and of the panel (``counts``)."""
    raw = draw_raw(score, counts)
    values, extra = _fixed_from_raw(model.method, raw, score.criteria, score.price_formula,
                                    score.price_floor, score.price_ceiling)
    scores = batched_scores(model.method, w, values, extra)
    return rank_counts(scores, lower_is_better=model.lower_is_better)


def score_acceptability(
    models: Sequence[LotModel],
    scores: Sequence[ScoreModel],
    evaluators: int,
    *,
    uncertainty: str = "scores",
    draws: int = 10_000,
    seed: int = 0,
    mode: str = "stated",
    concentration: float = 100.0,
    bounds: tuple[np.ndarray, np.ndarray] | None = None,
    progress: Callable[[float], None] | None = None,
) -> list[Acceptability]:
    """Rank acceptability of the lots whose cells the evaluators' disagreement can move, when
    their scores are uncertain: each draw is a bootstrap of the panel (its evaluators drawn with
    replacement, each cell at the consensus of those drawn who scored it), with the weights at
    their stated values (``scores``) or drawn as well (``both``: the very weight draws
    ``acceptability`` makes with the same seed, the panels from a stream of their own)."""
    if uncertainty not in ("scores", "both"):
        raise ScoringError("uncertainty must be 'scores' or 'both' here")
    if draws < 1:
        raise ScoringError("draws must be 1 or more")
    pairs = [(m, s) for m, s in zip(models, scores, strict=True) if s.movable]
    if not pairs or not evaluators:
        return []
    weights_rng = np.random.default_rng(seed)  # as acceptability draws them
    panel_rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    stated = models[0].stated
    sampler = _sampler(mode, bounds, weights_rng) if uncertainty == "both" else None
    counts = [np.zeros((len(m.vendors), len(m.vendors)), dtype=np.int64) for m, _ in pairs]
    biggest = max(len(m.vendors) * len(m.criteria) for m, _ in pairs)
    size = max(1, CHUNK_ELEMENTS * 4 // biggest)  # draws x bids x criteria per scoring slice
    equal = np.full(evaluators, 1.0 / evaluators)
    done = 0
    for step in chunks(draws, chunk_size(models) * SCORE_BLOCKS):  # acceptability's chunks
        w = (weight_draws(stated, step, weights_rng, mode=mode, concentration=concentration,
                          sampler=sampler)
             if uncertainty == "both" else np.broadcast_to(stated, (step, len(stated))))
        for start in range(0, step, size):
            part = np.asarray(w[start:start + size])
            panel = panel_rng.multinomial(evaluators, equal, size=len(part))
            for (model, score), count in zip(pairs, counts, strict=True):
                count += drawn_counts(model, score, part, panel)
            done += len(part)
            if progress is not None:
                progress(done / draws)
    return [Acceptability(m.lot, m.vendors, c / draws, draws)
            for (m, _), c in zip(pairs, counts, strict=True)]


# -- stability intervals and sweeps ---------------------------------------------------------


def along(stated: np.ndarray, j: int, t: np.ndarray) -> np.ndarray:
    """Weight vectors with criterion j at each t and the others rescaled in proportion."""
    t = np.atleast_1d(np.asarray(t, dtype=float))
    rest = stated.copy()
    rest[j] = 0.0
    total = rest.sum()
    if total > 0:
        rest = rest / total
    else:  # criterion j held all the weight: spread the rest evenly
        rest = np.ones_like(stated)
        rest[j] = 0.0
        rest /= max(rest.sum(), 1.0)
    e = np.zeros_like(stated)
    e[j] = 1.0
    return t[:, None] * e[None, :] + (1.0 - t[:, None]) * rest[None, :]


def _stays_first(model: LotModel, w: np.ndarray) -> np.ndarray:
    return model.ranks(w)[:, 0] == 1


def stability(model: LotModel, j: int, *, grid: int = 2001, tol: float = 1e-9) -> tuple[float, float]:
    """The interval of criterion j's weight in which the current winner stays first.

    WSM is exact (its scores are linear in the weight); WPM is exact in log space when no
    value is 0; other methods scan a fine grid outwards from the stated weight and bisect
    between the last grid point (or the stated weight) inside and the first outside, to ``tol``.
    """
    t0 = float(model.stated[j])
    if model.method == "wsm" or (model.method == "wpm" and np.all(model.values > 0)):
        vals = model.values if model.method == "wsm" else np.log(model.values)
        w0, w1 = along(model.stated, j, np.array([0.0, 1.0]))
        b, a = vals @ w0, vals @ w1  # score_i(t) = (1 - t) * b_i + t * a_i
        d0 = b[0] - b[1:]
        slope = (a[0] - a[1:]) - d0
        low, high = 0.0, 1.0
        for c, s in zip(d0, slope, strict=True):
            if abs(s) <= 1e-15:
                continue
            root = -c / s
            if s > 0:
                low = max(low, root)
            else:
                high = min(high, root)
        return (float(min(max(low, 0.0), t0)), float(max(min(high, 1.0), t0)))
    ts = np.linspace(0.0, 1.0, grid)
    ok = _stays_first(model, along(model.stated, j, ts))

    def refine(inside: float, outside: float) -> float:
        for _ in range(80):
            if abs(outside - inside) <= tol:
                break
            mid = 0.5 * (inside + outside)
            if _stays_first(model, along(model.stated, j, np.array([mid])))[0]:
                inside = mid
            else:
                outside = mid
        return inside

    def edge(steps: np.ndarray, end: float) -> float:
        """Walk the grid from the stated weight (where the winner is first by definition) to
        the first point where it is not, and bisect between that point and the last one in."""
        inside = t0
        for i in steps:
            if not ok[i]:
                return refine(inside, float(ts[i]))
            inside = float(ts[i])
        return end

    high = edge(np.flatnonzero(ts > t0), 1.0)
    low = edge(np.flatnonzero(ts < t0)[::-1], 0.0)
    return (float(min(low, t0)), float(max(high, t0)))


def stability_table(models: Sequence[LotModel]) -> dict[str, dict[str, tuple[float, float]]]:
    """Per lot (with 2+ competing bids) and criterion: the winner's stability interval."""
    out: dict[str, dict[str, tuple[float, float]]] = {}
    for model in models:
        if len(model.vendors) < 2:
            continue
        out[model.lot] = {name: stability(model, j) for j, name in enumerate(model.criteria)}
    return out


def sweep(model: LotModel, j: int, points: int = 101) -> tuple[np.ndarray, np.ndarray]:
    """Each bid's score as criterion j's weight goes from 0 to 1 (others in proportion)."""
    ts = np.linspace(0.0, 1.0, points)
    return ts, model.scores(along(model.stated, j, ts))


# -- rank reversal ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reversal:
    lot: str
    removed: str
    swapped: tuple[tuple[str, str], ...]  # (was ahead, now ahead)

    def to_record(self) -> dict[str, object]:
        return {"lot": self.lot, "removed": self.removed, "swapped": [list(p) for p in self.swapped]}


def rank_reversal(bidset: BidSet, scoring: Scoring | None = None) -> list[Reversal]:
    """Remove each bid in turn, re-rank its lot, and list the pairs of others that swap order.

    Each lot's competing bids are re-scored without each one in turn from the same
    weight-independent matrices the acceptability uses (numpy, O(n) a removal, O(n^2) a lot),
    and ranked by the one tie rule; a pair swaps when one was strictly ahead before and the other
    is strictly ahead after. Bids that fail a gate stay out, as in the ranking.
    """
    scoring = scoring or Scoring.of(bidset)
    full = rank(bidset, scoring)
    models = {m.lot: m for m in lot_models(bidset, scoring)}
    by_key = {(b.vendor, b.lot): b for b in bidset.bids}
    out: list[Reversal] = []
    for lot in full.lots:
        shown = full.in_lot(lot)
        model = models.get(lot)
        if model is None:  # no eligible bid: withdrawing an ineligible one changes nothing
            out.extend(Reversal(lot, b.vendor, ()) for b in shown)
            continue
        vendors = list(model.vendors)
        criteria = [bidset.criterion(name) for name in model.criteria]
        raw = np.array([[by_key[(v, lot)].value(c) for c in criteria] for v in vendors], dtype=float)
        before = np.array([next(b.rank for b in shown if b.vendor == v) for v in vendors])
        order = np.argsort(before, kind="stable")  # best first
        swaps: dict[str, tuple[tuple[str, str], ...]] = {}
        for k, removed in enumerate(vendors):
            keep = order[order != k]
            swaps[removed] = _swapped(model, raw, criteria, full, k, keep, before, vendors)
        out.extend(Reversal(lot, b.vendor, swaps.get(b.vendor, ())) for b in shown)
    return out


def _swapped(model: LotModel, raw: np.ndarray, criteria: Sequence[Criterion], full, k: int,  # type: ignore[no-untyped-def]
             keep: np.ndarray, before: np.ndarray, vendors: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """The pairs among ``keep`` (in their order before) that swap when bid ``k`` is withdrawn."""
    if len(keep) < 2:
        return ()
    rows = np.sort(keep)  # the remaining bids in their original positions
    values, extra = _fixed_from_raw(model.method, raw[rows], criteria, full.price_formula,
                                    full.price_floor, full.price_ceiling)
    rest = LotModel(model.lot, tuple(vendors[i] for i in rows), model.criteria, model.stated,
                    model.method, values, extra)
    after_rows = competition_ranks(rest.scores(model.stated), lower_is_better=model.lower_is_better)[0]
    after = dict(zip(rows.tolist(), after_rows.tolist(), strict=True))
    seq_after = np.array([after[i] for i in keep])  # in the order before, best first
    seq_before = before[keep]
    if np.all(np.diff(seq_after) >= 0):
        return ()  # nobody overtakes anybody: the usual case, found in O(n)
    out = []
    for x in range(len(keep) - 1):  # only for a withdrawal that reorders someone
        later = np.arange(x + 1, len(keep))
        hit = later[(seq_before[later] > seq_before[x]) & (seq_after[later] < seq_after[x])]
        out.extend((vendors[keep[x]], vendors[keep[j]]) for j in hit.tolist())
    return tuple(out)


# -- the published weight ranges --------------------------------------------------------------


@dataclass(frozen=True)
class RangeCheck:
    """Whether a lot's winner stays first everywhere inside the published weight ranges."""

    lot: str
    winner: str
    share: float  # share of the weightings drawn inside the ranges where it ranks first
    draws: int
    exact: bool | None  # WSM: first at every weighting inside them (a linear programme)
    counter: tuple[str, dict[str, float]] | None = None  # WSM: a bid that beats it, and where

    @property
    def holds(self) -> bool:
        """The winner is the same everywhere inside the ranges: exactly (WSM), or in every
        weighting drawn (the other methods)."""
        return self.exact if self.exact is not None else self.share >= 1.0

    def describe(self) -> str:
        """The answer in a sentence (the report's and the decision document's)."""
        how = ("exactly, by a linear programme over the ranges" if self.exact is not None else
               f"in every one of {self.draws:,} weightings drawn uniformly inside them")
        if self.holds:
            return (f"{self.winner} is first everywhere inside the published weight ranges "
                    f"({how}).")
        beaten = ""
        if self.counter is not None:
            other, where = self.counter
            beaten = (f" {other} beats it at " + ", ".join(f"{k} {v:.1%}" for k, v in where.items())
                      + ", inside the ranges;")
        return (f"{self.winner} is not first everywhere inside the published weight ranges:"
                f"{beaten} it is first in {self.share:.1%} of {self.draws:,} weightings drawn "
                "uniformly inside them.")


def range_checks(models: Sequence[LotModel], bounds: tuple[np.ndarray, np.ndarray],
                 inside: Sequence[Acceptability]) -> list[RangeCheck]:
    """Each lot's winner against the ranges: the share of ``inside`` (acceptability with the
    weights drawn inside the ranges) where it ranks first; under WSM, exactly, by minimising
    its lead over each other bid across the polytope of weightings the ranges allow."""
    from scipy.optimize import linprog

    by_lot = {a.lot: a for a in inside}
    low, high = bounds
    out = []
    for model in models:
        acc = by_lot[model.lot]
        exact: bool | None = None
        counter = None
        if model.method == "wsm" and len(model.vendors) > 1:
            exact = True
            for i in range(1, len(model.vendors)):
                lead = model.values[0] - model.values[i]  # its score minus the other's, per weight
                found = linprog(lead, A_eq=np.ones((1, len(lead))), b_eq=[1.0],
                                bounds=list(zip(low, high, strict=True)), method="highs")
                if found.status == 0 and found.fun < -1e-12:
                    exact = False
                    counter = (model.vendors[i], dict(zip(model.criteria, map(float, found.x),
                                                          strict=True)))
                    break
        out.append(RangeCheck(model.lot, model.vendors[0], float(acc.matrix[0, 0]), acc.draws,
                              exact, counter))
    return out
