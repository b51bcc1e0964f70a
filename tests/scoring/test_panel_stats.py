"""Evaluator statistics and inter-rater agreement, against hand-computed and published values."""

import math

import numpy as np
import pytest

from scoring.model import BidSet, Criterion
from scoring.panel import Cell
from scoring.panel_stats import agreement, evaluator_stats, halo

NAN = math.nan
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the example of four
# observers and twelve units with missing values: interval alpha 0.849 (nominal 0.743).
KRIPPENDORFF_2011 = [[1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
                     [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
                     [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
                     [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN]]


def _bidset(criteria: list[str]) -> BidSet:
    return BidSet(criteria=tuple(Criterion(n, 1.0, "max", scale_min=0, scale_max=5)
                                 for n in criteria), bids=())


def _cells(data, criterion: str = "Technical") -> list[Cell]:  # type: ignore[no-untyped-def]
    """One cell per unit (column), each observer (row) named A, B, C, D."""
    out = []
    for j in range(len(data[0])):
        scores = {"ABCD"[i]: float(row[j]) for i, row in enumerate(data) if not math.isnan(row[j])}
        out.append(Cell(f"Bid {j}", "", criterion, float(np.median(list(scores.values()))), scores))
    return out


def test_agreement_is_krippendorff_s_alpha_on_the_published_example():
    (found,) = agreement(_bidset(["Technical"]), _cells(KRIPPENDORFF_2011))
    assert found.alpha == pytest.approx(0.849, abs=5e-4)
    assert (found.units, found.coders) == (11, 4)  # unit 12 has one value: not pairable


def test_agreement_says_why_when_alpha_is_not_defined():
    same = [[3, 3, 3], [3, 3, 3]]
    (found,) = agreement(_bidset(["Technical"]), _cells(same))
    assert found.alpha is None and "every score is the same" in found.why_none
    alone = [[3, 4, 2]]
    (found,) = agreement(_bidset(["Technical"]), _cells(alone))
    assert found.alpha is None and "two evaluators" in found.why_none


def test_perfect_agreement_and_systematic_disagreement():
    (agree,) = agreement(_bidset(["Technical"]), _cells([[1, 3, 5], [1, 3, 5]]))
    assert agree.alpha == pytest.approx(1.0)
    (against,) = agreement(_bidset(["Technical"]), _cells([[1, 3, 5], [5, 3, 1]]))
    assert against.alpha < 0


def test_halo_is_the_mean_correlation_between_criteria_by_hand():
    # criterion X: 1 2 3; Y: 2 4 6 (r = 1); Z: 3 1 2 (r with X = -0.5, with Y = -0.5)
    points = [(b, c, v) for c, values in (("X", (1, 2, 3)), ("Y", (2, 4, 6)), ("Z", (3, 1, 2)))
              for b, v in zip(("p", "q", "r"), values, strict=True)]
    assert halo(points) == pytest.approx((1.0 - 0.5 - 0.5) / 3)
    assert halo(points[:6]) == pytest.approx(1.0)  # X and Y only
    assert halo([("p", "X", 1), ("q", "X", 2), ("p", "Y", 1), ("q", "Y", 2)]) is None  # 2 bids


def test_each_evaluator_s_cells_flags_offset_and_halo():
    bs = _bidset(["Technical", "Staffing"])
    cells = []
    for j, (a, b, c) in enumerate(((1, 2, 3), (3, 4, 4), (5, 4, 5))):
        for criterion, bump in (("Technical", 0), ("Staffing", 0)):
            scores = {"Ann": a + bump, "Bob": b, "Cy": c}
            spread = max(scores.values()) - min(scores.values())
            cells.append(Cell(f"Bid {j}", "", criterion, float(np.median(list(scores.values()))),
                              scores, spread, 100 * spread / 5, spread >= 1.5))
    stats = {s.evaluator: s for s in evaluator_stats(bs, cells)}
    ann = stats["Ann"]
    assert ann.cells == 6 and ann.flagged_share == pytest.approx(2 / 6)
    # Ann's offsets from the medians (2, 4, 5), as a share of the 0-5 scale: -1, -1, 0
    assert ann.offset == pytest.approx(-2 / 3 / 5)
    assert stats["Cy"].flagged_share == pytest.approx(2 / 6)
    assert ann.halo == pytest.approx(1.0)  # her two criteria move together, bid by bid
