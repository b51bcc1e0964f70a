"""The one tie rule: the ranking, rank acceptability, stability and scenarios all use it."""

import numpy as np

import scoring.mcda
import scoring.sensitivity
from scoring.evaluation import Scoring
from scoring.mcda import rank
from scoring.model import Bid, BidSet, Component, Criterion, Settings
from scoring.results import results
from scoring.sensitivity import lot_models, rank_counts
from scoring.ties import TIE_RTOL, competition_ranks, rank_list

CLOSE = [0.12345678949, 0.12345678951]  # 2e-11 apart, on either side of a 9-digit rounding step


def test_competition_ranks_share_ties():
    assert rank_list([0.9, 0.76, 0.76 + 2.8e-17, 0.1]) == [1, 2, 2, 4]
    assert rank_list([0.3, 0.1, 0.1], lower_is_better=True) == [3, 1, 1]
    assert rank_list(CLOSE) == [1, 1]
    assert rank_list([1.0, 1.0 - 0.5 * TIE_RTOL, 1.0 - 3 * TIE_RTOL]) == [1, 1, 3]


def test_ties_chain_through_neighbours():
    step = 0.9 * TIE_RTOL
    scores = [1.0, 1.0 - step, 1.0 - 2 * step, 1.0 - 3 * step]  # ends 2.7e-9 apart
    assert rank_list(scores) == [1, 1, 1, 1]


def test_rows_of_a_matrix_are_ranked_alike():
    scores = np.array([[0.9, 0.5, 0.5, 0.1], [0.1, 0.2, 0.3, 0.3], CLOSE + [0.0, 1.0]])
    assert competition_ranks(scores).tolist() == [[1, 2, 2, 4], [4, 3, 1, 1], [2, 2, 4, 1]]
    assert [rank_list(row) for row in scores] == competition_ranks(scores).tolist()


def test_every_module_uses_the_same_rule():
    assert scoring.mcda.rank_list is rank_list
    assert scoring.sensitivity.competition_ranks is competition_ranks


def _close_bids() -> BidSet:
    """Two bids whose WSM scores are exactly CLOSE (one criterion on a 0-1 scale)."""
    criteria = (Criterion("Quality", 1.0, "max", scale_min=0.0, scale_max=1.0),)
    bids = (Bid("A", "Only", 100.0, {"Quality": CLOSE[0]}),
            Bid("B", "Only", 100.0, {"Quality": CLOSE[1]}))
    return BidSet(criteria, bids, Settings(method="wsm"), components=(Component("Only"),))


def test_ranking_acceptability_and_scenarios_agree_on_a_near_tie():
    bs = _close_bids()
    ranking = rank(bs, Scoring.of(bs))
    assert sorted(b.score for b in ranking.bids) == CLOSE  # the method scores exactly these
    assert [b.rank for b in ranking.bids] == [1, 1]  # rounding to 9 digits would split them
    (model,) = lot_models(bs, Scoring.of(bs))
    counts = rank_counts(model.scores(np.full((50, 1), 1.0)))
    assert counts[:, 0].tolist() == [50, 50]  # both first in every draw
    modular = results(bs).scenarios.named("modular")
    assert modular is not None and modular.awards[0].vendor == "A"  # tie: price, then name
