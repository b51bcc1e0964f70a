"""Evaluator statistics for the chair: how each evaluator scores against the panel, and how far
the panel agrees on each criterion.

Per evaluator (over the cells of the panel's consensus, ``panel.Cell``):

- **offset**: the mean of their score minus the cell's median, as a share of the criterion's
  scale, over the cells at least three evaluators scored, and its z-score (the same figures as
  the record check ``evaluator_offset``);
- **flagged share**: of the cells they scored, the share whose spread is flagged;
- **halo**: the mean Pearson correlation, over pairs of criteria, of their scores on the bids
  they scored on both (three bids at least a pair). An evaluator whose scores move together on
  every criterion of a bid (r near 1) may be rating the bid, not each criterion. It is shown
  beside the panel's median of the evaluators' halo figures.

Per criterion: **Krippendorff's alpha**, interval level (the ``krippendorff`` package), with
the bids as units and the evaluators as coders; 1 is perfect agreement, 0 agreement no better
than chance, and below 0 systematic disagreement. Krippendorff suggests relying on data with
alpha of at least 0.8, and tentative conclusions from 0.667.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from scoring.model import BidSet, fold
from scoring.panel import Cell
from scoring.record import evaluator_offsets, scale_ranges


@dataclass(frozen=True)
class EvaluatorStats:
    evaluator: str
    cells: int  # cells they scored
    offset: float | None  # mean (score - cell median) / scale, cells with 3+ scores
    z: float | None  # that mean's z-score
    flagged_share: float  # of their cells, the share flagged for spread
    halo: float | None  # mean correlation between criteria of their scores, bid by bid


@dataclass(frozen=True)
class Agreement:
    criterion: str
    alpha: float | None  # Krippendorff's alpha, interval; None when it is not defined
    units: int  # bids scored by two evaluators or more
    coders: int  # evaluators who scored the criterion
    why_none: str = ""  # when alpha is None: why


def halo(scores: Sequence[tuple[str, str, float]], *, min_bids: int = 3) -> float | None:
    """The mean Pearson correlation between criteria of ``scores`` ((bid, criterion, score)
    each), over the pairs of criteria scored on ``min_bids`` bids or more that vary on both;
    None when no pair qualifies."""
    by_criterion: dict[str, dict[str, float]] = {}
    for bid, criterion, score in scores:
        by_criterion.setdefault(criterion, {})[bid] = float(score)
    rs = []
    for a, b in combinations(sorted(by_criterion), 2):
        common = sorted(set(by_criterion[a]) & set(by_criterion[b]))
        if len(common) < min_bids:
            continue
        x = np.array([by_criterion[a][k] for k in common])
        y = np.array([by_criterion[b][k] for k in common])
        if np.ptp(x) == 0 or np.ptp(y) == 0:
            continue  # a criterion scored the same on every bid correlates with nothing
        rs.append(float(np.corrcoef(x, y)[0, 1]))
    return float(np.mean(rs)) if rs else None


def evaluator_stats(bidset: BidSet, cells: Sequence[Cell]) -> list[EvaluatorStats]:
    """Per evaluator, alphabetically (names compared as the reader compares them)."""
    offsets = {fold(o.evaluator): o for o in evaluator_offsets(cells, scale_ranges(bidset))}
    shown: dict[str, str] = {}
    scored: dict[str, list[Cell]] = {}
    for c in cells:
        for who in c.scores:
            shown.setdefault(fold(who), who)
            scored.setdefault(fold(who), []).append(c)
    out = []
    for key, mine in scored.items():
        off = offsets.get(key)
        points = [(f"{c.vendor}\x00{c.lot}", c.criterion, score) for c in mine
                  for who, score in c.scores.items() if fold(who) == key]
        out.append(EvaluatorStats(
            shown[key], len(mine), off.mean_offset if off else None, off.z if off else None,
            sum(c.flagged for c in mine) / len(mine), halo(points)))
    return sorted(out, key=lambda s: s.evaluator.casefold())


def panel_halo(cells: Sequence[Cell]) -> float | None:
    """The median of the evaluators' halo figures (None when no evaluator has one)."""
    rs = []
    by_evaluator: dict[str, list[tuple[str, str, float]]] = {}
    for c in cells:
        for who, score in c.scores.items():
            by_evaluator.setdefault(fold(who), []).append((f"{c.vendor}\x00{c.lot}", c.criterion,
                                                           score))
    for points in by_evaluator.values():
        r = halo(points)
        if r is not None:
            rs.append(r)
    return float(np.median(rs)) if rs else None


def agreement(bidset: BidSet, cells: Sequence[Cell]) -> list[Agreement]:
    """Krippendorff's alpha (interval) per criterion the panel scored, in criteria order."""
    import krippendorff

    out = []
    for criterion in [c.name for c in bidset.criteria if not c.is_price]:
        mine = [c for c in cells if c.criterion == criterion]
        if not mine:
            continue
        coders = sorted({fold(who) for c in mine for who in c.scores})
        data = np.full((len(coders), len(mine)), np.nan)
        for j, c in enumerate(mine):
            for who, score in c.scores.items():
                data[coders.index(fold(who)), j] = score
        pairable = np.sum(~np.isnan(data), axis=0) >= 2
        units = int(pairable.sum())
        if units < 2 or len(coders) < 2:
            out.append(Agreement(criterion, None, units, len(coders),
                                 "fewer than two bids have two evaluators' scores"))
            continue
        paired = data[:, pairable]
        values = paired[~np.isnan(paired)]
        if np.ptp(values) == 0:
            out.append(Agreement(criterion, None, units, len(coders),
                                 "every score is the same (agreement is complete, but alpha is "
                                 "not defined)"))
            continue
        alpha = float(krippendorff.alpha(reliability_data=paired, level_of_measurement="interval"))
        out.append(Agreement(criterion, alpha if math.isfinite(alpha) else None, units,
                             len(coders), "" if math.isfinite(alpha) else "not defined"))
    return out
