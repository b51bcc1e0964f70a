import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.evaluation import Scoring
from scoring.mcda import ScoringError, rank
from scoring.model import Bid, BidSet, Criterion, Settings
from scoring.sensitivity import (
    acceptability,
    along,
    lot_models,
    rank_reversal,
    stability,
    stability_table,
    sweep,
    weight_draws,
)
from scoring.ties import competition_ranks
from scoring.workbook import read_workbook

METHODS = ("wsm", "wpm", "topsis", "vikor")


def random_bidset(rng: np.random.Generator, m: int, k: int) -> BidSet:
    directions = ["max" if rng.random() < 0.6 else "min" for _ in range(k)]
    criteria = [Criterion(f"c{j}", float(rng.uniform(0.1, 1)), d) for j, d in enumerate(directions)]
    criteria[0] = Criterion("c0", criteria[0].weight, "max", scale_min=0, scale_max=10)
    bids = tuple(
        Bid(f"B{i}", "", float(rng.uniform(50, 150)),
            {c.name: float(rng.uniform(0.5, 10)) for c in criteria})
        for i in range(m)
    )
    return BidSet(tuple(criteria), bids, Settings())


@pytest.mark.parametrize("method", METHODS)
def test_vectorised_ranks_equal_scikit_criteria_draw_by_draw(method):
    rng = np.random.default_rng(42)
    for _ in range(4):
        bs = random_bidset(rng, int(rng.integers(3, 8)), int(rng.integers(2, 6)))
        (model,) = lot_models(bs, Scoring.of(bs, method=method))
        draws = weight_draws(model.stated, 25, rng, mode="uniform")
        vector_ranks = model.ranks(draws)
        vector_scores = model.scores(draws)
        for d in range(len(draws)):
            weights = dict(zip(model.criteria, draws[d], strict=True))
            ranking = rank(bs, Scoring.of(bs, method=method, weights=weights))
            by_vendor = {b.vendor: b for b in ranking.bids}
            expected = [by_vendor[v].rank for v in model.vendors]
            assert vector_ranks[d].tolist() == expected
            assert vector_scores[d] == pytest.approx([by_vendor[v].score for v in model.vendors],
                                                     rel=1e-9, abs=1e-12)


def test_competition_ranks_share_ties():
    scores = np.array([[0.9, 0.5, 0.5 + 1e-17, 0.1], [0.1, 0.2, 0.3, 0.3]])
    assert competition_ranks(scores).tolist() == [[1, 2, 2, 4], [4, 3, 1, 1]]
    assert competition_ranks(scores, lower_is_better=True).tolist() == [[4, 2, 2, 1], [1, 2, 3, 3]]


def test_weight_draws_stated_and_uniform():
    rng = np.random.default_rng(0)
    stated = np.array([0.5, 0.3, 0.2, 0.0])
    w = weight_draws(stated, 20_000, rng, concentration=100)
    assert np.allclose(w.sum(axis=1), 1) and np.all(w[:, 3] == 0)
    assert w.mean(axis=0) == pytest.approx(stated, abs=5e-3)
    u = weight_draws(stated, 20_000, rng, mode="uniform")
    assert np.all(u[:, 3] > 0) and u.mean(axis=0) == pytest.approx([0.25] * 4, abs=5e-3)
    with pytest.raises(ScoringError):
        weight_draws(stated, 5, rng, mode="other")


def test_acceptability_is_a_doubly_stochastic_matrix_and_seeded(sample_bytes):
    bs = read_workbook(sample_bytes).bidset
    models = lot_models(bs, Scoring.of(bs, method="wsm"))
    a = acceptability(models, draws=3_000, seed=5)
    b = acceptability(models, draws=3_000, seed=5)
    for x, y in zip(a, b, strict=True):
        assert np.array_equal(x.matrix, y.matrix)
        assert np.allclose(x.matrix.sum(axis=1), 1) and np.allclose(x.matrix.sum(axis=0), 1)
    assert {x.lot for x in a} == set(bs.lots)
    security = next(x for x in a if x.lot == "Security")
    assert "Ironclad Cyber" not in security.vendors  # fails a gate: never ranked


def test_acceptability_chunks_give_the_same_answer(monkeypatch, sample_bytes):
    import scoring.sensitivity as sens

    bs = read_workbook(sample_bytes).bidset
    models = lot_models(bs, Scoring.of(bs, method="topsis"))
    whole = acceptability(models, draws=2_000, seed=1)
    monkeypatch.setattr(sens, "CHUNK_ELEMENTS", 50)
    calls = []
    chunked = acceptability(models, draws=2_000, seed=1, progress=calls.append)
    assert len(calls) > 5 and calls[-1] == 1.0
    # different chunking draws the same stream of weights in the same order
    for x, y in zip(whole, chunked, strict=True):
        assert np.allclose(x.matrix, y.matrix)


def _first_at(bs: BidSet, method: str, names, w) -> str:  # type: ignore[no-untyped-def]
    ranking = rank(bs, Scoring.of(bs, method=method, weights=dict(zip(names, w, strict=True))))
    return [b.vendor for b in ranking.in_lot("") if b.rank == 1]


@pytest.mark.parametrize("method", METHODS)
def test_stability_bounds_are_where_the_winner_changes(method):
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(6):
        bs = random_bidset(rng, 5, 4)
        (model,) = lot_models(bs, Scoring.of(bs, method=method))
        winner = model.vendors[0]
        for j in range(len(model.criteria)):
            low, high = stability(model, j)
            assert low <= model.stated[j] <= high
            for bound, outside in ((low, low - 2e-4), (high, high + 2e-4)):
                if 0 < bound < 1:
                    inside = bound + (2e-4 if bound == low else -2e-4)
                    w_in = along(model.stated, j, np.array([inside]))[0]
                    w_out = along(model.stated, j, np.array([outside]))[0]
                    assert winner in _first_at(bs, method, model.criteria, w_in)
                    assert winner not in _first_at(bs, method, model.criteria, w_out)
                    checked += 1
    assert checked > 0


def test_wsm_stability_is_exact_by_hand():
    # Two bids, two criteria on 0-10 scales: A = (10, 0), B = (0, 8); weights .6/.4.
    criteria = (Criterion("x", 0.6, "max", scale_min=0, scale_max=10),
                Criterion("y", 0.4, "max", scale_min=0, scale_max=10))
    bids = (Bid("A", "", 1.0, {"x": 10, "y": 0}), Bid("B", "", 1.0, {"x": 0, "y": 8}))
    bs = BidSet(criteria, bids, Settings())
    (model,) = lot_models(bs, Scoring.of(bs, method="wsm"))
    # A first while t >= 0.8 (1 - t): t >= 4/9 for x; y's weight up to 5/9.
    assert stability(model, 0) == pytest.approx((4 / 9, 1.0), abs=1e-12)
    assert stability(model, 1) == pytest.approx((0.0, 5 / 9), abs=1e-12)


def test_stability_table_skips_single_bid_lots(sample_bytes):
    bs = read_workbook(sample_bytes).bidset
    table = stability_table(lot_models(bs, Scoring.of(bs, method="wsm")))
    assert set(table) == set(bs.lots)
    assert set(table["Infrastructure"]) == {c.name for c in bs.criteria}


def test_sweep_matches_ranking_at_the_stated_weight(sample_bytes):
    bs = read_workbook(sample_bytes).bidset
    model = lot_models(bs, Scoring.of(bs, method="topsis"))[0]
    ts, scores = sweep(model, 4, points=11)
    assert scores.shape == (11, len(model.vendors))
    stated = model.scores(model.stated[None, :])[0]
    at = model.scores(along(model.stated, 4, np.array([model.stated[4]])))[0]
    assert np.allclose(stated, at)


def test_rank_reversal_with_relative_price_and_none_with_linear_bounds():
    criteria = (Criterion("Quality", 0.5, "max", scale_min=0, scale_max=1), Criterion("Price", 0.5, "min"))
    bids = (Bid("A", "", 100.0, {"Quality": 0.5}), Bid("B", "", 200.0, {"Quality": 0.9}),
            Bid("C", "", 50.0, {"Quality": 0.1}))
    bs = BidSet(criteria, bids, Settings())
    relative = Scoring.of(bs, method="wsm", price_formula="lowest_ratio")
    found = {r.removed: r.swapped for r in rank_reversal(bs, relative)}
    assert found["C"] == (("B", "A"),)
    assert found["A"] == () and found["B"] == ()
    linear = rank_reversal(bs, Scoring.of(bs, method="wsm", price_formula="linear", price_floor=0,
                                          price_ceiling=300))
    assert all(r.swapped == () for r in linear)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6))
def test_fixed_scales_and_linear_price_never_reverse(seed):
    rng = np.random.default_rng(seed)
    criteria = (Criterion("q1", float(rng.uniform(0.1, 1)), "max", scale_min=0, scale_max=5),
                Criterion("q2", float(rng.uniform(0.1, 1)), "min", scale_min=0, scale_max=5),
                Criterion("Price", float(rng.uniform(0.1, 1)), "min"))
    bids = tuple(Bid(f"V{i}", "", float(rng.uniform(10, 90)),
                     {"q1": float(rng.uniform(0, 5)), "q2": float(rng.uniform(0, 5))})
                 for i in range(int(rng.integers(3, 7))))
    bs = BidSet(criteria, bids, Settings())
    fixed = Scoring.of(bs, method="wsm", price_formula="linear", price_floor=0, price_ceiling=100)
    for r in rank_reversal(bs, fixed):
        assert r.swapped == ()


def test_rank_counts_fast_path_equals_exact_ranks_with_ties_and_near_ties():
    from scoring.sensitivity import rank_counts

    rng = np.random.default_rng(1)
    scores = rng.random((3000, 12))
    scores[:, 3] = scores[:, 5]  # exact ties
    scores[::7, 8] = scores[::7, 2] * (1 + 1e-12)  # ties at 9 significant digits
    scores[::5, 9] = np.nextafter(scores[::5, 1], 2)  # straddles a float32 rounding step
    for lower in (False, True):
        exact = competition_ranks(scores, lower_is_better=lower) - 1
        expected = np.zeros((12, 12), dtype=np.int64)
        np.add.at(expected, (np.broadcast_to(np.arange(12), exact.shape), exact), 1)
        assert np.array_equal(rank_counts(scores, lower_is_better=lower), expected)


def _reversal_by_definition(bs: BidSet, scoring: Scoring) -> dict[tuple[str, str], tuple]:
    """Rank reversal straight from its definition: re-rank the lot without each bid (rank)."""
    from dataclasses import replace

    full = rank(bs, scoring)
    out = {}
    for lot in full.lots:
        before = {b.vendor: b.rank for b in full.in_lot(lot)}
        for removed in full.in_lot(lot):
            rest = tuple(b for b in bs.bids if not (b.lot == lot and b.vendor == removed.vendor))
            after = {b.vendor: b.rank for b in rank(replace(bs, bids=rest), scoring).in_lot(lot)}
            names = [b.vendor for b in full.in_lot(lot) if b.vendor != removed.vendor]
            pairs = []
            for i, a in enumerate(names):
                for c in names[i + 1:]:
                    ra, rc, sa, sc = before[a], before[c], after.get(a), after.get(c)
                    if None in (ra, rc, sa, sc):
                        continue
                    if ra < rc and sa > sc:
                        pairs.append((a, c))
                    elif rc < ra and sc > sa:
                        pairs.append((c, a))
            out[(lot, removed.vendor)] = tuple(sorted(pairs))
    return out


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["wsm", "wpm", "topsis", "vikor"]),
       st.sampled_from(["lowest_ratio", "linear"]))
def test_fast_rank_reversal_matches_the_definition(seed, method, formula):
    rng = np.random.default_rng(seed)
    criteria = (Criterion("Quality", float(rng.integers(1, 5)), "max", scale_min=0, scale_max=10),
                Criterion("Speed", float(rng.integers(0, 5)), "max"),
                Criterion("Risk", float(rng.integers(1, 5)), "min", min_acceptable=8.0),
                Criterion("Price", float(rng.integers(1, 5)), "min"))
    bids = tuple(Bid(f"V{i}", f"L{i % 2}", float(rng.integers(50, 150)),
                     {"Quality": float(rng.integers(0, 11)), "Speed": float(rng.integers(1, 9)),
                      "Risk": float(rng.integers(1, 10))})
                 for i in range(int(rng.integers(2, 12))))
    bs = BidSet(criteria, bids, Settings())
    scoring = Scoring.of(bs, method=method, price_formula=formula, price_floor=40.0,
                         price_ceiling=160.0)
    fast = {(r.lot, r.removed): tuple(sorted(r.swapped)) for r in rank_reversal(bs, scoring)}
    assert fast == _reversal_by_definition(bs, scoring)


def test_a_stability_interval_never_reaches_past_the_true_boundary():
    # TOPSIS, two max criteria: C1 30.024, C2 69.976. A (10, 5), B (9, 5.23072752): A wins at the
    # stated weights but B is first with C1 at 0.3001, between the grid point 0.3 and the stated
    # weight 0.30024. A grid scan that counted 0.3 as "winner first" reported [0.3, 1.0].
    criteria = (Criterion("C1", 30.024, "max"), Criterion("C2", 69.976, "max"))
    bids = (Bid("A", "", 1.0, {"C1": 10, "C2": 5}), Bid("B", "", 1.0, {"C1": 9, "C2": 5.23072752}))
    bs = BidSet(criteria, bids, Settings())
    (model,) = lot_models(bs, Scoring.of(bs, method="topsis"))
    assert model.vendors[0] == "A"
    low, high = stability(model, 0)
    assert "B" in _first_at(bs, "topsis", model.criteria, along(model.stated, 0, np.array([0.3001]))[0])
    assert 0.3001 < low <= model.stated[0] and high == 1.0
    # the bound is the boundary to 1e-9: first just inside, not just outside
    inside, outside = along(model.stated, 0, np.array([low + 2e-9, low - 2e-9]))
    assert _first_at(bs, "topsis", model.criteria, inside) == ["A"]
    assert "A" not in _first_at(bs, "topsis", model.criteria, outside)


@pytest.mark.parametrize("method", ["topsis", "vikor"])
def test_stability_intervals_match_a_fine_scan(method):
    rng = np.random.default_rng(11)
    for _ in range(4):
        bs = random_bidset(rng, 4, 3)
        (model,) = lot_models(bs, Scoring.of(bs, method=method))
        for j in range(len(model.criteria)):
            low, high = stability(model, j)
            t0 = float(model.stated[j])
            ts = np.linspace(0.0, 1.0, 100_001)
            first = model.ranks(along(model.stated, j, ts))[:, 0] == 1
            # the run of the fine scan around the stated weight, as far as it is unbroken
            above, below = ts > t0, ts < t0
            out_above = np.flatnonzero(above & ~first)
            out_below = np.flatnonzero(below & ~first)
            fine_high = ts[out_above[0]] if len(out_above) else 1.0
            fine_low = ts[out_below[-1]] if len(out_below) else 0.0
            assert fine_low - 1e-9 <= low <= t0 <= high <= fine_high + 1e-9, (method, j)
            assert high - low >= (fine_high - fine_low) - 2 * 1e-5 - 2e-9


# -- the evaluators' disagreement -------------------------------------------------------------


def _slow_score_counts(bs, res, models, scores, panel_draws, method):  # type: ignore[no-untyped-def]
    """An independent loop: each draw's panel (evaluators with replacement), each movable cell at
    the median of the drawn evaluators' scores (statistics.median of the multiset), each lot
    scored by scikit-criteria (mcda._method_scores) and ranked by the one tie rule."""
    import statistics

    from scoring.mcda import _method_scores, normalise_matrix
    from scoring.ties import rank_list

    evaluators = sorted({w for c in res.cells for w in c.scores})
    out = []
    for model, score in zip(models, scores, strict=True):
        active = [j for j, w in enumerate(model.stated) if w > 0]
        crit = [score.criteria[j] for j in active]
        m = len(model.vendors)
        counts = np.zeros((m, m))
        for draw in panel_draws:
            raw = score.raw.copy()
            for c in res.cells:
                if (c.lot != model.lot or c.moderated or len(c.scores) < 2
                        or c.vendor not in model.vendors):  # a bid the gates keep out
                    continue
                i = model.vendors.index(c.vendor)
                j = [x.name for x in score.criteria].index(c.criterion)
                multiset = [v for who, v in c.scores.items()
                            for _ in range(int(draw[evaluators.index(who)]))]
                if multiset:
                    raw[i, j] = statistics.median(multiset)
            sub = raw[:, active]
            if m == 1:
                ranks = [1]
            else:
                norm = normalise_matrix(sub, crit, price_formula=score.price_formula)
                w = model.stated[active] / model.stated[active].sum()
                ranks = rank_list(_method_scores(method, sub, norm, crit, w).tolist(),
                                  lower_is_better=method == "vikor")
            for i, r in enumerate(ranks):
                counts[i, r - 1] += 1
        out.append(counts / len(panel_draws))
    return out


@pytest.mark.parametrize("method", ["wsm", "wpm", "topsis", "vikor"])
def test_score_acceptability_matches_an_independent_loop(sample_bytes, method):
    from scoring.evaluation import Evaluation
    from scoring.results import Results
    from scoring.sensitivity import score_acceptability, score_models

    bs = read_workbook(sample_bytes).bidset
    res = Results(bs, Evaluation.of(bs, Scoring.of(bs, method=method)))
    scored = res.bidset
    models = lot_models(scored, res.evaluation.scoring)
    scores, evaluators = score_models(scored, models, res.cells, "median", res.evaluation.scoring)
    # every cell of an eligible bid (28 cells, 26 of them on bids that pass the gates)
    assert evaluators == 3 and sum(s.movable for s in scores) == 26
    found = score_acceptability(models, scores, evaluators, uncertainty="scores", draws=300,
                                seed=7)
    # the panels come from a stream of their own (the weights keep acceptability's)
    panel_draws = np.random.default_rng(np.random.SeedSequence(7).spawn(1)[0]).multinomial(
        3, [1 / 3] * 3, size=300)
    expected = _slow_score_counts(bs, res, models, scores, panel_draws, method)
    for acc, slow in zip(found, expected, strict=True):
        np.testing.assert_allclose(acc.matrix, slow, atol=1e-12)
    # the disagreement matters: some lot's ranking moves in some draws (VIKOR's Q ranks the
    # sample's winners first throughout; its lower ranks move)
    assert any(not np.array_equal(acc.matrix, np.eye(len(acc.vendors))) for acc in found)


def test_a_panel_that_agrees_leaves_nothing_to_draw_and_both_extends_the_weight_draws(
        monkeypatch):
    import scoring.sensitivity as sensitivity
    from scoring.panel import Cell
    from scoring.sensitivity import acceptability, score_acceptability, score_models

    criteria = (Criterion("Price", 50, "min"), Criterion("Tech", 50, "max", scale_min=0,
                                                           scale_max=5))
    bids = (Bid("A", "", 100.0, {"Tech": 4.0}), Bid("B", "", 90.0, {"Tech": 3.0}))
    bs = BidSet(criteria=criteria, bids=bids)
    agreed = [Cell("A", "", "Tech", 4.0, {"x": 4.0, "y": 4.0}),
              Cell("B", "", "Tech", 3.0, {"x": 3.0, "y": 3.0})]
    models = lot_models(bs, Scoring.of(bs, method="wsm"))
    scores, n = score_models(bs, models, agreed, "median", Scoring.of(bs, method="wsm"))
    only = score_acceptability(models, scores, n, uncertainty="scores", draws=50)
    assert only[0].matrix[0, 0] == 1.0  # nothing moves: the stated winner every time
    # small chunks, so that the draws span many of them: both still draws acceptability's weights
    monkeypatch.setattr(sensitivity, "CHUNK_ELEMENTS", 64)
    both = score_acceptability(models, scores, n, uncertainty="both", draws=5000, seed=3)
    weights = acceptability(models, draws=5000, seed=3)
    # with scores that cannot move, drawing both is drawing the weights, draw for draw
    np.testing.assert_allclose(both[0].matrix, weights[0].matrix)
    # a lot no evaluator scored twice has no figure of its own for the scores
    lonely = [Cell("A", "", "Tech", 4.0, {"x": 4.0})]
    scores, n = score_models(bs, models, lonely, "median", Scoring.of(bs, method="wsm"))
    assert score_acceptability(models, scores, n, uncertainty="scores", draws=50) == []


# -- the published weight ranges --------------------------------------------------------------

def _ranged(bidset: BidSet, ranges: dict[str, tuple[float, float]]) -> BidSet:
    from dataclasses import replace

    return replace(bidset, criteria=tuple(replace(c, weight_range=ranges.get(c.name))
                                          for c in bidset.criteria))


@pytest.mark.parametrize("seed", range(6))
def test_the_exact_wsm_check_inside_the_ranges_agrees_with_dense_draws(seed):
    """The linear programme's yes or no against 50,000 weightings drawn inside the ranges: a
    'no' is backed by a weighting inside the ranges where another bid wins (checked by scoring
    it), and a 'yes' by no draw in which another bid ranks ahead."""
    from scoring.sensitivity import published_bounds, range_checks

    rng = np.random.default_rng(seed)
    bidset = random_bidset(rng, 4, 3)
    total = sum(c.weight for c in bidset.criteria)
    ranges = {}
    for c in bidset.criteria:
        share = 100 * c.weight / total
        ranges[c.name] = (max(0.0, share - rng.uniform(0, 25)), min(100.0, share + rng.uniform(0, 25)))
    bidset = _ranged(bidset, ranges)
    models = lot_models(bidset, Scoring.of(bidset, method="wsm"))
    bounds = published_bounds(bidset.criteria)
    assert bounds is not None
    inside = acceptability(models, draws=50_000, seed=seed, mode="ranges", bounds=bounds)
    (check,) = range_checks(models, bounds, inside)
    model = models[0]
    if check.exact:
        assert check.share == 1.0
    else:
        other, where = check.counter  # type: ignore[misc]
        w = np.array([where[c] for c in model.criteria])
        assert (bounds[0] - 1e-9 <= w).all() and (w <= bounds[1] + 1e-9).all()
        assert w.sum() == pytest.approx(1.0)
        scores = model.scores(w)[0]
        assert scores[model.vendors.index(other)] > scores[0]


def test_weights_drawn_in_ranges_keep_a_criterion_without_one_at_its_published_weight():
    """Whatever the weights in use: a criterion without a range keeps the workbook's weight."""
    from scoring.sensitivity import published_bounds

    bidset = _ranged(random_bidset(np.random.default_rng(3), 3, 3), {"c1": (0.0, 100.0)})
    published = lot_models(bidset)[0].stated
    moved = {c.name: 1.0 for c in bidset.criteria}  # weights in use far from the workbook's
    models = lot_models(bidset, Scoring.of(bidset, weights=moved))
    assert not np.allclose(models[0].stated, published)
    low, high = published_bounds(bidset.criteria)  # type: ignore[misc]
    assert low[0] == high[0] == pytest.approx(published[0]) and low[1] == 0 and high[1] == 1
    acc = acceptability(models, draws=200, mode="ranges", bounds=(low, high))
    assert acc[0].draws == 200
    with pytest.raises(ScoringError, match="published weight range"):
        acceptability(lot_models(random_bidset(np.random.default_rng(3), 3, 3)), draws=10,
                      mode="ranges")
