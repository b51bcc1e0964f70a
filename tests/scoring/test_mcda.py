import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.evaluation import Scoring
from scoring.mcda import ScoringError, rank
from scoring.model import Bid, BidSet, Criterion, Settings
from scoring.workbook import read_workbook
from tests.helpers import basic


def bidset_from(matrix, directions, weights, *, names=None, prices=None, lot="", **criterion_kw) -> BidSet:
    names = names or [f"c{j}" for j in range(len(directions))]
    criteria = tuple(Criterion(n, w, d, **criterion_kw.get(n, {}))
                     for n, w, d in zip(names, weights, directions, strict=True))
    bids = tuple(
        Bid(vendor=f"A{i + 1}", lot=lot, price=(prices[i] if prices else 1.0),
            scores={n: float(v) for n, v in zip(names, row, strict=True) if n.casefold() != "price"})
        for i, row in enumerate(matrix)
    )
    return BidSet(criteria=criteria, bids=bids, settings=Settings())


# Hwang & Yoon (1981), fighter aircraft selection: max speed, ferry range, max payload,
# purchasing cost (min), reliability, maneuverability.
AIRCRAFT = [
    [2.0, 1500, 20000, 5.5, 5, 9],
    [2.5, 2700, 18000, 6.5, 3, 5],
    [1.8, 2000, 21000, 4.5, 7, 7],
    [2.2, 1800, 20000, 5.0, 5, 5],
]
AIRCRAFT_W = [0.2, 0.1, 0.1, 0.1, 0.2, 0.3]
AIRCRAFT_DIR = ["max", "max", "max", "min", "max", "max"]
# Published relative closeness to the ideal solution, three decimals.
AIRCRAFT_CLOSENESS = [0.643, 0.268, 0.614, 0.312]


def test_topsis_reproduces_hwang_yoon_fighter_aircraft():
    bs = bidset_from(AIRCRAFT, AIRCRAFT_DIR, AIRCRAFT_W)
    ranking = rank(bs, Scoring.of(bs, method="topsis"))
    got = {b.vendor: b for b in ranking.bids}
    for i, expected in enumerate(AIRCRAFT_CLOSENESS):
        assert got[f"A{i + 1}"].score == pytest.approx(expected, abs=5e-4)
    assert [got[f"A{i}"].rank for i in (1, 2, 3, 4)] == [1, 4, 2, 3]


def test_wsm_hand_computed_with_gate_tie_and_lowest_ratio():
    bs = read_workbook(basic()).bidset
    ranking = rank(bs, Scoring.of(bs, method="wsm", price_formula="lowest_ratio"))
    got = {b.vendor: b for b in ranking.bids}
    # Alpha: .5*4/5 + .2*3/5 + .3*80000/100000 = .76; Bravo: .5*.6 + .2*.8 + .3*1 = .76
    # Charlie: .5*1 + .2*1 + .3*80000/120000 = .9; Delta fails the Technical gate (1 < 2).
    assert got["Alpha"].score == pytest.approx(0.76)
    assert got["Bravo"].score == pytest.approx(0.76)
    assert got["Charlie"].score == pytest.approx(0.9)
    assert [got[v].rank for v in ("Charlie", "Alpha", "Bravo")] == [1, 2, 2]
    delta = got["Delta"]
    assert (delta.eligible, delta.rank, delta.score) == (False, None, None)
    assert delta.failed_gates == ("Technical",)
    assert sum(got["Alpha"].contributions.values()) == pytest.approx(0.76)


def test_wsm_linear_price_formula_uses_preset_bounds():
    bs = read_workbook(basic()).bidset
    ranking = rank(bs, Scoring.of(bs, method="wsm", price_formula="linear", price_floor=50_000,
                                  price_ceiling=150_000))
    got = {b.vendor: b for b in ranking.bids}
    # Alpha price 100k -> .5; Bravo 80k -> .7; Charlie 120k -> .3
    assert got["Alpha"].score == pytest.approx(0.4 + 0.12 + 0.3 * 0.5)
    assert got["Bravo"].score == pytest.approx(0.3 + 0.16 + 0.3 * 0.7)
    assert got["Charlie"].score == pytest.approx(0.5 + 0.2 + 0.3 * 0.3)


def test_linear_without_bounds_is_refused():
    with pytest.raises(ScoringError, match="price floor"):
        bs = read_workbook(basic()).bidset
        rank(bs, Scoring.of(bs, method="wsm", price_formula="linear"))


def test_wpm_is_the_weighted_product_and_zero_gives_zero():
    bs = read_workbook(basic()).bidset
    got = {b.vendor: b for b in rank(bs, Scoring.of(bs, method="wpm")).bids}
    expected = 0.8**0.5 * 0.6**0.2 * 0.8**0.3
    assert got["Alpha"].score == pytest.approx(expected)
    zero = bidset_from([[0, 3], [4, 2]], ["max", "max"], [1, 1],
                       c0={"scale_min": 0, "scale_max": 5}, c1={"scale_min": 0, "scale_max": 5})
    scores = {b.vendor: b.score for b in rank(zero, Scoring.of(zero, method="wpm")).bids}
    assert scores["A1"] == 0 and scores["A2"] == pytest.approx(0.8**0.5 * 0.4**0.5)


def _vikor_reference(x: np.ndarray, w: np.ndarray, benefit: np.ndarray, v: float = 0.5) -> np.ndarray:
    best = np.where(benefit, x.max(0), x.min(0))
    worst = np.where(benefit, x.min(0), x.max(0))
    d = w * (best - x) / (best - worst)
    s, r = d.sum(1), d.max(1)
    return v * (s - s.min()) / (s.max() - s.min()) + (1 - v) * (r - r.min()) / (r.max() - r.min())


def test_vikor_matches_the_textbook_formula_and_ranks_by_q_ascending():
    x = np.array([[7, 9, 9, 8], [8, 7, 8, 7], [9, 6, 8, 9], [6, 7, 8, 6]], dtype=float)
    w = np.array([0.4, 0.3, 0.2, 0.1])
    directions = ["max", "max", "min", "max"]
    bs = bidset_from(x, directions, w)
    ranking = rank(bs, Scoring.of(bs, method="vikor"))
    expected = _vikor_reference(x, w, np.array([d == "max" for d in directions]))
    got = [b.score for b in sorted(ranking.bids, key=lambda b: b.vendor)]
    assert got == pytest.approx(expected.tolist())
    order = np.argsort(expected)
    assert [b.vendor for b in ranking.in_lot("")][0] == f"A{order[0] + 1}"
    assert ranking.lower_is_better


def test_a_sole_eligible_bid_gets_the_methods_best_score_and_ranks_first():
    from dataclasses import replace

    from scoring.model import Component
    from scoring.scenarios import Context

    bs = bidset_from([[4, 3], [1, 3]], ["max", "max"], [1, 1], lot="Hosting",
                     c0={"scale_min": 0, "scale_max": 5, "min_acceptable": 2})
    bs = replace(bs, components=(Component("Hosting", 3.0, 10_000.0, None),))
    for method in ("wsm", "wpm", "topsis", "vikor"):
        ranking = rank(bs, Scoring.of(bs, method=method))
        got = {b.vendor: b for b in ranking.bids}
        best = 0.0 if method == "vikor" else 1.0  # VIKOR: Q = 0 is the best
        assert (got["A1"].score, got["A1"].rank) == (best, 1), method
        assert got["A2"].rank is None
        # the scenarios count it as the best quality of its lot, not the worst
        assert [k.score for k in Context(bs, ranking).candidates] == [1.0], method


def test_a_criterion_every_bid_scores_0_does_not_decide_the_weighted_product():
    from scoring.sensitivity import acceptability, lot_models

    scale = {"scale_min": 0, "scale_max": 5}
    bs = bidset_from([[0, 4, 2], [0, 2, 3], [0, 3, 5]], ["max", "max", "max"], [1, 2, 1],
                     c0=scale, c1=scale, c2=scale)
    ranking = rank(bs, Scoring.of(bs, method="wpm"))
    got = {b.vendor: b for b in ranking.bids}
    without = bidset_from([[4, 2], [2, 3], [3, 5]], ["max", "max"], [2, 1], c0=scale, c1=scale)
    expected = {b.vendor: b for b in rank(without, Scoring.of(without, method="wpm")).bids}
    assert {v: b.rank for v, b in got.items()} == {v: b.rank for v, b in expected.items()}
    assert len({b.rank for b in got.values()}) == 3  # not every bid tied at 0
    assert [text for _, text in ranking.warnings] == [
        "All bids: every eligible bid scores 0 on 'c0', so the weighted product leaves it out "
        "(it cannot tell the bids apart; kept in, it would make every score 0 and tie them all)"]
    # rank acceptability draws the same rule: at the stated weights the winner is the same
    (model,) = lot_models(bs, Scoring.of(bs, method="wpm"))
    first = model.ranks(model.stated[None, :])[0]
    assert model.vendors[int(np.argmin(first))] == ranking.in_lot("")[0].vendor
    assert acceptability([model], draws=200, seed=1)
    # one bid at 0 on a criterion still scores 0: that criterion does tell the bids apart
    some = bidset_from([[0, 4], [1, 2]], ["max", "max"], [1, 1], c0=scale, c1=scale)
    assert rank(some, Scoring.of(some, method="wpm")).warnings == ()


def test_lots_compete_separately_and_bundles_among_themselves(sample_bytes):
    bs = read_workbook(sample_bytes).bidset
    ranking = rank(bs, Scoring.of(bs, method="wsm"))
    for lot in bs.lots:
        ranks = sorted(b.rank for b in ranking.in_lot(lot) if b.rank is not None)
        assert ranks[0] == 1
        assert {b.vendor for b in ranking.in_lot(lot)} == {b.vendor for b in bs.bids_in(lot)}
    bundles = ranking.in_lot("ALL")
    assert {b.vendor for b in bundles} == {"Keystone Systems", "Summit Integrators"}


def test_ranking_without_price_criterion_keeps_price_beside():
    bs = bidset_from([[4, 3], [3, 4]], ["max", "max"], [3, 1], prices=[100.0, 50.0],
                     c0={"scale_min": 0, "scale_max": 5}, c1={"scale_min": 0, "scale_max": 5})
    ranking = rank(bs, Scoring.of(bs, method="wsm"))
    got = {b.vendor: b for b in ranking.bids}
    assert got["A1"].rank == 1 and got["A2"].price == 50.0
    assert got["A2"].pareto and got["A1"].pareto  # cheaper vs better: both on the front


def test_weights_override_and_validation():
    bs = read_workbook(basic()).bidset
    ranking = rank(bs, Scoring.of(bs, method="wsm", weights={"Technical": 0, "Management": 1, "Price": 0}))
    got = {b.vendor: b for b in ranking.bids}
    assert ranking.weights["Management"] == 1.0
    assert got["Charlie"].score == pytest.approx(1.0) and got["Alpha"].score == pytest.approx(0.6)
    with pytest.raises(ScoringError):
        rank(bs, Scoring.of(bs, weights={"Technical": -1}))
    with pytest.raises(ValueError, match="no such criterion"):
        rank(bs, Scoring.of(bs, weights={"Nope": 1}))
    with pytest.raises(ScoringError, match="no such criterion"):
        rank(bs, Scoring(weights=(("Nope", 1.0),)))
    with pytest.raises(ScoringError):
        rank(bs, Scoring.of(bs, weights={"Technical": 0, "Management": 0, "Price": 0}))


def test_topsis_with_identical_bids_ties():
    bs = bidset_from([[3, 3], [3, 3]], ["max", "min"], [1, 1])
    assert [b.rank for b in rank(bs, Scoring.of(bs, method="topsis")).bids] == [1, 1]


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 7).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(st.floats(0.5, 100), min_size=3, max_size=3), min_size=n, max_size=n),
            st.lists(st.floats(0.01, 1), min_size=3, max_size=3),
        )
    )
)
def test_wsm_and_topsis_match_independent_numpy(problem):
    matrix, weights = problem
    x, w = np.array(matrix), np.array(weights) / sum(weights)
    directions = ["max", "min", "max"]
    bs = bidset_from(matrix, directions, weights)
    wsm = {b.vendor: b.score for b in rank(bs, Scoring.of(bs, method="wsm")).bids}
    norm = np.column_stack([x[:, 0] / x[:, 0].max(), x[:, 1].min() / x[:, 1], x[:, 2] / x[:, 2].max()])
    for i, expected in enumerate(norm @ w):
        assert wsm[f"A{i + 1}"] == pytest.approx(expected, rel=1e-9)
    topsis = {b.vendor: b.score for b in rank(bs, Scoring.of(bs, method="topsis")).bids}
    varying = np.ptp(x, axis=0) > 0
    if not varying.any():
        return
    xv, wv = x[:, varying], w[varying]
    v = xv / np.sqrt((xv**2).sum(0)) * (wv / wv.sum())
    benefit = np.array([d == "max" for d in directions])[varying]
    ideal, anti = np.where(benefit, v.max(0), v.min(0)), np.where(benefit, v.min(0), v.max(0))
    dp, dm = np.sqrt(((v - ideal) ** 2).sum(1)), np.sqrt(((v - anti) ** 2).sum(1))
    for i in range(len(x)):
        if dp[i] + dm[i] > 0:
            assert topsis[f"A{i + 1}"] == pytest.approx(dm[i] / (dp[i] + dm[i]), rel=1e-7, abs=1e-12)
    assert math.isfinite(sum(topsis.values()))


def test_records_follow_the_json_contract(sample_bytes):
    ranking = rank(read_workbook(sample_bytes).bidset)
    records = ranking.to_records()
    assert set(records[0]) == {"vendor", "lot", "price", "score", "rank", "eligible", "failed_gates"}
    ineligible = [r for r in records if not r["eligible"]]
    assert ineligible and all(r["rank"] is None and r["failed_gates"] for r in ineligible)
    assert "SHA-256" in ranking.describe()


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 5), st.floats(0, 5)), min_size=3, max_size=8),
    st.lists(st.floats(0.0, 15.0), min_size=8, max_size=8),  # log10 of prices, up to 10^15
    st.sampled_from(["wsm", "wpm", "topsis", "vikor"]),
    st.sampled_from(["lowest_ratio", "linear"]),
)
def test_a_dominated_bid_never_outranks_its_dominator(quality, log_prices, method, formula):
    """Dearer and no better on any criterion never ranks above, for every method and for prices
    anywhere in the range the reader accepts (1 to 10^15); and the ranking does not depend on the
    currency unit (prices x 1024, exact in binary floating point, give the very same scores)."""
    quality = [(round(a * 2) / 2, round(b * 2) / 2) for a, b in quality]
    prices = [round(10 ** p, 2) + 1 for p in log_prices[: len(quality)]]

    def ranking(unit: float) -> dict:
        scaled = [p * unit for p in prices]
        bs = bidset_from([(*q, p) for q, p in zip(quality, scaled, strict=True)],
                         ["max", "max", "min"], [40, 30, 30], names=["Tech", "Mgmt", "Price"],
                         prices=scaled, Tech={"scale_min": 0, "scale_max": 5},
                         Mgmt={"scale_min": 0, "scale_max": 5})
        options = ({"price_floor": min(scaled) / 2, "price_ceiling": max(scaled) * 2}
                   if formula == "linear" else {})
        choice = Scoring.of(bs, method=method, price_formula=formula, **options)
        return {b.vendor: b for b in rank(bs, choice).bids}

    ranked = ranking(1.0)
    assert all(math.isfinite(b.score) for b in ranked.values())
    assert {v: (b.rank, b.score) for v, b in ranking(1024.0).items()} == {
        v: (b.rank, b.score) for v, b in ranked.items()}
    for i, (qa, pa) in enumerate(zip(quality, prices, strict=True)):
        for j, (qb, pb) in enumerate(zip(quality, prices, strict=True)):
            if pa >= pb and qa[0] <= qb[0] and qa[1] <= qb[1] and (pa, qa) != (pb, qb):
                assert ranked[f"A{j + 1}"].rank <= ranked[f"A{i + 1}"].rank, (method, i, j)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 6), st.integers(0, 6)), max_size=30), st.booleans())
def test_fast_pareto_and_ranks_match_the_definitions(points, lower_is_better):
    from scoring.mcda import _pareto
    from scoring.ties import rank_list

    prices = [float(p) for p, _ in points]
    quality = [q / 2 for _, q in points]
    expected = [not any(p2 <= p and q2 >= q and (p2 < p or q2 > q)
                        for j, (p2, q2) in enumerate(zip(prices, quality, strict=True)) if j != i)
                for i, (p, q) in enumerate(zip(prices, quality, strict=True))]
    assert _pareto(prices, quality) == expected
    better = (lambda a, b: a < b) if lower_is_better else (lambda a, b: a > b)
    assert rank_list(quality, lower_is_better=lower_is_better) == [
        1 + sum(1 for other in quality if better(other, mine)) for mine in quality]


def test_figures_the_method_cannot_score_give_a_scoring_error_not_a_crash():
    bs = bidset_from([[0.0, 1.0], [0.0, 2.0]], ["min", "max"], [1, 1])  # 0 on a min criterion
    with pytest.raises(ScoringError, match="cannot be scored"):
        rank(bs, Scoring.of(bs, method="wsm"))
