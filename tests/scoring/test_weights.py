import numpy as np
import pytest

from scoring.weights import (
    INCONSISTENT,
    ahp,
    combine,
    group_judgements,
    levels,
    nearest_saaty,
    normalise_points,
    range_draws,
    rank_order_centroid,
    roc_from_ranks,
    saaty_problem,
    split,
    swing,
)


def test_roc_four_criteria_published_values():
    w = rank_order_centroid(["a", "b", "c", "d"])
    assert [round(w[k], 4) for k in "abcd"] == [0.5208, 0.2708, 0.1458, 0.0625]
    assert sum(w.values()) == pytest.approx(1.0)


def test_roc_ties_share_the_mean_of_their_positions():
    w = roc_from_ranks({"a": 1, "b": 2, "c": 2, "d": 3})
    full = rank_order_centroid(["a", "b", "c", "d"])
    assert w["b"] == w["c"] == pytest.approx((full["b"] + full["c"]) / 2)
    assert sum(w.values()) == pytest.approx(1.0)


def test_roc_rejects_repeats_and_bad_ranks():
    with pytest.raises(ValueError):
        rank_order_centroid(["a", "a"])
    with pytest.raises(ValueError):
        roc_from_ranks({"a": 0})


def test_normalise_points():
    assert normalise_points({"a": 30, "b": 10}) == {"a": 0.75, "b": 0.25}
    with pytest.raises(ValueError):
        normalise_points({"a": 0, "b": 0})
    with pytest.raises(ValueError):
        normalise_points({"a": -1, "b": 2})


# -- AHP ------------------------------------------------------------------------------------------

# Saaty, T. L. (2008), "Decision making with the analytic hierarchy process", Int. J. Services
# Sciences 1(1), pp. 83-98: the relative consumption of drinks in the United States. The paper
# gives the eigenvector below and a consistency ratio of 0.022.
DRINKS = ("coffee", "wine", "tea", "beer", "sodas", "milk", "water")
DRINKS_MATRIX = [[1, 9, 5, 2, 1, 1, 1 / 2], [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
                 [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9], [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
                 [1, 9, 4, 2, 1, 2, 1 / 2], [1, 9, 3, 1, 1 / 2, 1, 1 / 3], [2, 9, 9, 3, 2, 3, 1]]
DRINKS_WEIGHTS = {"coffee": 0.177, "wine": 0.019, "tea": 0.042, "beer": 0.116, "sodas": 0.190,
                  "milk": 0.129, "water": 0.327}


def _upper(items, rows):  # type: ignore[no-untyped-def]
    return {(a, b): rows[i][j] for i, a in enumerate(items) for j, b in enumerate(items) if j > i}


def test_ahp_matches_saatys_published_drinks_example_to_three_decimals():
    r = ahp(DRINKS, _upper(DRINKS, DRINKS_MATRIX))
    assert {k: round(v, 3) for k, v in r.weights.items()} == DRINKS_WEIGHTS
    assert round(r.consistency_ratio, 3) == 0.022
    assert r.consistent


def test_ahp_a_consistent_matrix_gives_its_ratios_and_cr_zero():
    w = {"a": 0.5, "b": 0.3, "c": 0.2}
    r = ahp(tuple(w), {(a, b): w[a] / w[b] for a, b in (("a", "b"), ("a", "c"), ("b", "c"))})
    assert r.weights == pytest.approx(w)
    assert r.consistency_ratio == pytest.approx(0.0, abs=1e-9)


def test_ahp_names_the_judgement_that_breaks_consistency():
    # consistent with 4 : 2 : 1 : 2 but for a against c, judged 1/3 where the others say 4
    w = {"a": 4, "b": 2, "c": 1, "d": 2}
    judged = {(x, y): w[x] / w[y] for i, x in enumerate(w) for y in list(w)[i + 1:]}
    judged["a", "c"] = 1 / 3
    r = ahp(tuple(w), judged)
    assert r.consistency_ratio >= INCONSISTENT and not r.consistent
    assert r.worst is not None and r.worst[:2] == ("a", "c") and r.worst[3] == pytest.approx(4)
    # three items: each judgement is off its weights' ratio by the same factor, none stands out
    cycle = ahp(("a", "b", "c"), {("a", "b"): 3, ("b", "c"): 3, ("a", "c"): 1 / 5})
    assert not cycle.consistent and cycle.worst is None


def test_group_ahp_is_the_geometric_mean_of_the_members_judgements():
    items = ("a", "b")
    g = group_judgements(items, {"x": {("a", "b"): 4}, "y": {("b", "a"): 1}, "z": {("a", "b"): 1 / 4}})
    assert g[("a", "b")] == pytest.approx((4 * 1 * 0.25) ** (1 / 3))
    assert ahp(items, g).weights == pytest.approx({"a": 0.5, "b": 0.5})


def test_saaty_scale_and_nearest_judgement():
    assert saaty_problem(3) is None and saaty_problem(1 / 7) is None
    assert saaty_problem(10) and saaty_problem(2.5) and saaty_problem(0)
    assert nearest_saaty(2.9) == "3" and nearest_saaty(0.21) == "1/5" and nearest_saaty(2.5) == "3"
    assert nearest_saaty(40) == "9" and nearest_saaty(1.1) == "1"


# -- swing and the hierarchy ----------------------------------------------------------------------

def test_swing_normalises_ratings_against_the_top_swing():
    assert swing({"a": 100, "b": 50, "c": 50}) == pytest.approx({"a": 0.5, "b": 0.25, "c": 0.25})
    with pytest.raises(ValueError, match="100"):
        swing({"a": 80, "b": 50})
    with pytest.raises(ValueError):
        swing({"a": 100, "b": 120})


def test_combine_multiplies_factor_and_local_weights_and_split_inverts_it():
    groups = {"approach": "Technical", "staffing": "Technical", "plan": "Management", "Price": "Price"}
    w = combine(groups, {"Technical": 50, "Management": 20, "Price": 30},
                {"approach": 3, "staffing": 1, "plan": 7, "Price": 1})
    assert w == pytest.approx({"approach": 37.5, "staffing": 12.5, "plan": 20.0, "Price": 30.0})
    factors, within = split(groups, w)
    assert factors == pytest.approx({"Technical": 50, "Management": 20, "Price": 30})
    assert within == pytest.approx({"approach": 75, "staffing": 25, "plan": 100, "Price": 100})
    assert [lv.title for lv in levels(groups, ["Technical", "Management", "Price"])] == [
        "Factors", "Criteria of Technical", "Criteria of Management", "Criteria of Price"]


# -- weights drawn inside published ranges --------------------------------------------------------

def test_range_draws_stay_inside_the_ranges_and_sum_to_one():
    low, high = np.array([0.3, 0.2, 0.1, 0.15]), np.array([0.4, 0.3, 0.2, 0.15])
    d = range_draws(low, high, 5000, np.random.default_rng(1))
    assert d.shape == (5000, 4)
    assert np.allclose(d.sum(axis=1), 1.0)
    assert (d >= low - 1e-12).all() and (d <= high + 1e-12).all()
    assert np.allclose(d[:, 3], 0.15, rtol=0, atol=1e-12)  # a one-point range keeps its weight


def test_range_draws_are_uniform_over_the_ranges():
    """Against rejection sampling from the uniform simplex (exactly uniform): the same
    marginal distributions (two-sample Kolmogorov-Smirnov)."""
    from scipy.stats import ks_2samp

    low, high = np.array([0.2, 0.1, 0.0]), np.array([0.6, 0.5, 0.4])
    rng = np.random.default_rng(7)
    exact = rng.dirichlet(np.ones(3), size=200_000)
    exact = exact[((exact >= low) & (exact <= high)).all(axis=1)][:4000]
    drawn = range_draws(low, high, 4000, np.random.default_rng(8))
    for j in range(3):
        assert ks_2samp(exact[:, j], drawn[:, j]).pvalue > 0.001


def test_range_draws_refuse_ranges_no_weighting_fits():
    with pytest.raises(ValueError, match="no weighting"):
        range_draws(np.array([0.6, 0.5]), np.array([0.7, 0.6]), 10, np.random.default_rng(0))
