import pytest

from scoring.weights import normalise_points, rank_order_centroid, roc_from_ranks


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
