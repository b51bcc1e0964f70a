import itertools
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.evaluation import Scoring
from scoring.mcda import rank
from scoring.model import Bid, BidSet, Component, Criterion, Settings, VendorInfo
from scoring.scenarios import (
    Context,
    ScenarioError,
    compare,
    custom,
    modular,
    monolithic,
    optimized,
    simulate,
)
from scoring.workbook import read_workbook
from tests.helpers import basic, workbook_bytes

CRITERIA = (Criterion("Quality", 70, "max", scale_min=0, scale_max=5), Criterion("Price", 30, "min"))


def make_bidset(components, bids, **settings) -> BidSet:
    """components: [(name, criticality, switching_cost)]; bids: [(vendor, lot, price, quality)]."""
    return BidSet(
        criteria=CRITERIA,
        bids=tuple(Bid(v, lot, float(p), {"Quality": float(q)}) for v, lot, p, q in bids),
        components=tuple(Component(n, c, s) for n, c, s in components),
        settings=Settings(**settings),
    )


FOUR = [("A", 3, 100.0), ("B", 3, 100.0), ("C", 3, 100.0), ("D", 3, 100.0)]


def test_design_examples_monolithic_and_four_vendors():
    bids = [("V1", c, 100, 4) for c in "ABCD"] + [("V2", c, 120, 3) for c in "ABCD"]
    bids += [("Solo", "ALL", 350, 4), ("W", "A", 90, 5), ("X", "B", 90, 5), ("Y", "C", 90, 5),
             ("Z", "D", 90, 5)]
    bs = make_bidset(FOUR, bids)
    ctx = Context(bs, rank(bs, Scoring.of(bs, method="wsm")))
    mono = monolithic(ctx)
    assert mono.figures.hhi == 10_000 and mono.figures.replaceability == 0
    assert mono.figures.spof_exposure == 1 and mono.figures.top_vendor_share == 1
    assert [a.vendor for a in mono.awards] == ["Solo"] * 4
    mod = modular(ctx)
    assert [a.vendor for a in mod.awards] == ["W", "X", "Y", "Z"]
    assert mod.figures.replaceability == pytest.approx(0.75)
    assert mod.figures.hhi == pytest.approx(4 * 25**2)
    assert mod.figures.spof_exposure == pytest.approx(0.25)


def test_figures_follow_section_7_by_hand():
    comps = [("A", 5, 1000.0), ("B", 1, 200.0)]
    bids = [("P", "A", 600, 4), ("Q", "B", 400, 4), ("P", "ALL", 950, 3)]
    bs = make_bidset(comps, bids, integration_overhead_pct=10, coordination_cost_per_vendor=50,
                     contract_years=2, vendor_failure_prob=0.1)
    bs = BidSet(bs.criteria, bs.bids, bs.settings, bs.components, vendors=(VendorInfo("Q", 0.5),))
    ctx = Context(bs, rank(bs, Scoring.of(bs, method="wsm")))
    f = modular(ctx).figures
    assert f.total_price == 1000
    assert f.integration == pytest.approx(100)
    assert f.coordination == 50
    p_p, p_q = 1 - 0.9**2, 1 - 0.5**2
    assert f.expected_replacement_cost == pytest.approx(p_p * 1000 + p_q * 200)
    assert f.total_cost == pytest.approx(1000 + 100 + 50 + p_p * 1000 + p_q * 200)
    assert f.hhi == pytest.approx(60**2 + 40**2)
    assert f.top_vendor_share == pytest.approx(0.6)
    assert f.spof_exposure == pytest.approx(5 / 6)
    assert f.replaceability == pytest.approx(1 - (5 / 6) ** 2 - (1 / 6) ** 2)
    assert f.score == pytest.approx(1.0)  # each lot has one eligible bid: score 1
    mono = monolithic(ctx).figures
    assert mono.integration == 0 and mono.coordination == 0
    assert mono.expected_replacement_cost == pytest.approx(p_p * 1200)


def test_vikor_scenario_score_is_one_minus_q():
    bids = [("P", "A", 100, 4), ("Q", "A", 90, 2), ("P", "B", 100, 3), ("R", "B", 80, 4)]
    bs = make_bidset([("A", 2, 0.0), ("B", 1, 0.0)], bids)
    ranking = rank(bs, Scoring.of(bs, method="vikor"))
    f = modular(Context(bs, ranking)).figures
    q = {(b.vendor, b.lot): b.score for b in ranking.bids}
    best_a = min(((v, "A") for v in "PQ"), key=lambda k: q[k])
    best_b = min(((v, "B") for v in "PR"), key=lambda k: q[k])
    assert f.score == pytest.approx((2 * (1 - q[best_a]) + 1 * (1 - q[best_b])) / 3)


def test_sample_scenarios(sample_bytes):
    bs = read_workbook(sample_bytes).bidset
    scenarios = compare(bs, rank(bs))
    assert [s.name for s in scenarios] == ["monolithic", "modular", "optimized"]
    assert all(s.available for s in scenarios)
    opt = scenarios[2].figures
    counts = {}
    for a in scenarios[2].awards:
        counts[a.vendor] = counts.get(a.vendor, 0) + 1
    assert max(counts.values()) <= bs.settings.max_components_per_vendor
    assert opt.top_vendor_share <= bs.settings.max_vendor_share_pct / 100 + 1e-12
    record = scenarios[0].to_record()
    assert set(record) >= {"name", "awards", "total_price", "total_cost", "hhi", "top_vendor_share",
                           "spof_exposure", "replaceability", "expected_replacement_cost", "score"}
    assert record["awards"][0].keys() >= {"component", "vendor"}


def test_no_components_sheet_is_explained():
    bs = read_workbook(basic()).bidset
    with pytest.raises(ScenarioError, match="Components sheet"):
        Context(bs, rank(bs))


def test_custom_award_and_its_problems():
    bids = [("P", "A", 100, 4), ("Q", "A", 90, 1), ("P", "B", 100, 3), ("Q", "B", 80, 4),
            ("Q", "ALL", 150, 3)]
    bs = make_bidset([("A", 2, 0.0), ("B", 1, 0.0)], bids)
    crit = Criterion("Quality", 70, "max", scale_min=0, scale_max=5, min_acceptable=2)
    bs = BidSet((crit, CRITERIA[1]), bs.bids, bs.settings, bs.components)
    ctx = Context(bs, rank(bs, Scoring.of(bs, method="wsm")))
    ok = custom(ctx, {"A": "P", "B": "q"})
    assert ok.available and [a.vendor for a in ok.awards] == ["P", "Q"]
    bad = custom(ctx, {"A": "Q", "B": "P"})  # Q's A bid fails the gate; not a bundle vendor alone
    assert not bad.available and "Q has no eligible bid for A" in bad.note
    bundle = custom(ctx, {"A": "Q", "B": "Q"})
    assert bundle.available and bundle.awards[0].lot == "ALL"
    assert "Choose a vendor" in custom(ctx, {"A": "P"}).note


def test_infeasible_caps_are_explained():
    bids = [("P", "A", 100, 4), ("P", "B", 100, 3), ("Q", "A", 100, 3)]
    bs = make_bidset([("A", 1, 0.0), ("B", 1, 0.0)], bids[:2], max_components_per_vendor=1)
    ctx = Context(bs, rank(bs, Scoring.of(bs, method="wsm")))
    s = optimized(ctx)
    assert not s.available and "1 component(s) per vendor" in s.note
    bs2 = make_bidset([("A", 1, 0.0), ("B", 1, 0.0)], bids, max_vendor_share_pct=40)
    s2 = optimized(Context(bs2, rank(bs2, Scoring.of(bs2, method="wsm"))))
    assert not s2.available and "40 % of the total price" in s2.note
    bs3 = make_bidset([("A", 1, 0.0), ("B", 1, 0.0), ("C", 1, 0.0)], bids)
    s3 = optimized(Context(bs3, rank(bs3, Scoring.of(bs3, method="wsm"))))
    assert not s3.available and "C has no eligible bid" in s3.note
    assert "No eligible bid for C" in modular(Context(bs3, rank(bs3, Scoring.of(bs3, method="wsm")))).note


def test_monte_carlo_is_seeded_and_converges_to_expected_cost(sample_bytes):
    bs = read_workbook(sample_bytes).bidset
    ranking = rank(bs)
    ctx = Context(bs, ranking)
    scenarios = compare(bs, ranking)
    a = simulate(ctx, scenarios, draws=200_000, seed=3)
    b = simulate(ctx, scenarios, draws=200_000, seed=3)
    for s in scenarios:
        assert a[s.name].mean == b[s.name].mean
        f = s.figures
        fixed = f.total_price + f.integration + f.coordination
        # mean cost converges to total_cost; 5 standard errors of slack
        se = a[s.name].samples.std() / np.sqrt(200_000)
        assert abs(a[s.name].mean - f.total_cost) < 5 * se + 1e-6
        assert a[s.name].p10 >= fixed - 1e-6 and a[s.name].p50 <= a[s.name].p90


def _brute_force(ctx: Context) -> float | None:
    s = ctx.settings
    options = [[k] for k in ctx.candidates if k.bundle]
    per_lot = [[k for k in ctx.candidates if k.lot == c] for c in ctx.components]
    options += [list(combo) for combo in itertools.product(*per_lot)]
    best = None
    for chosen in options:
        figures = ctx.figures(ctx.awards_for(chosen))
        counts: dict[str, int] = {}
        for a in ctx.awards_for(chosen):
            counts[a.vendor] = counts.get(a.vendor, 0) + 1
        if s.max_components_per_vendor is not None and max(counts.values()) > s.max_components_per_vendor:
            continue
        share_cap = s.max_vendor_share_pct
        if share_cap is not None and figures.top_vendor_share > share_cap / 100 + 1e-9:
            continue
        if best is None or figures.total_cost < best:
            best = figures.total_cost
    return best


def draw_bidset(data, components: int = 4, vendors: int = 5) -> BidSet | None:  # type: ignore[no-untyped-def]
    """A random small procurement (up to ``components`` x ``vendors``, bundles, caps, costs),
    its Quality gated at 1; None when no bid was drawn."""
    n_comp = data.draw(st.integers(1, components))
    names = [f"V{i}" for i in range(data.draw(st.integers(1, vendors)))]
    comps = [(f"C{i}", data.draw(st.integers(1, 5)), float(data.draw(st.integers(0, 500))))
             for i in range(n_comp)]
    bids = []
    for lot in [c[0] for c in comps] + ["ALL"]:
        for v in names:
            if data.draw(st.booleans()):
                price = data.draw(st.integers(50, 1000)) * (n_comp if lot == "ALL" else 1)
                bids.append((v, lot, price, data.draw(st.integers(0, 5))))
    if not bids:
        return None
    caps = {
        "max_components_per_vendor": data.draw(st.one_of(st.none(), st.integers(1, 4))),
        "max_vendor_share_pct": data.draw(st.one_of(st.none(), st.integers(20, 100))),
        "integration_overhead_pct": data.draw(st.integers(0, 20)),
        "coordination_cost_per_vendor": float(data.draw(st.integers(0, 300))),
        "vendor_failure_prob": data.draw(st.floats(0, 0.3)),
        "contract_years": data.draw(st.integers(1, 6)),
    }
    bs = make_bidset(comps, bids, **caps)
    gate = Criterion("Quality", 70, "max", scale_min=0, scale_max=5, min_acceptable=1)
    return BidSet((gate, CRITERIA[1]), bs.bids, bs.settings, bs.components)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_optimizer_matches_brute_force(data):
    bs = draw_bidset(data)
    if bs is None:
        return
    ctx = Context(bs, rank(bs, Scoring.of(bs, method="wsm")))
    expected = _brute_force(ctx)
    got = optimized(ctx)
    if expected is None:
        assert not got.available and got.note
    else:
        assert got.available, got.note
        assert got.figures.total_cost == pytest.approx(expected, rel=1e-9, abs=1e-6)


def test_awards_that_break_the_caps_say_so(sample_bytes):
    bs = read_workbook(sample_bytes).bidset
    mono, mod, opt = compare(bs, rank(bs))
    assert "Breaks the caps" in mono.note and mono.to_record()["within_caps"] is False
    assert opt.to_record()["within_caps"] is True


def test_vendor_spelled_differently_across_rows_is_one_vendor():
    from tests.helpers import workbook_bytes

    data = workbook_bytes({
        "Criteria": [["criterion", "weight", "direction", "scale_min", "scale_max"],
                     ["Quality", 60, "max", 0, 10], ["Price", 40, "min", None, None]],
        "Bids": [["vendor", "lot", "price", "Quality"], ["Acme", "A", 100, 7], ["ACME", "B", 100, 7],
                 ["Zeta", "A", 120, 6], ["Zeta", "B", 120, 6]],
        "Components": [["component"], ["A"], ["B"]],
    })
    bs = read_workbook(data).bidset
    mod = modular(Context(bs, rank(bs, Scoring.of(bs, method="wsm"))))
    assert mod.figures.vendors == 1 and mod.figures.hhi == 10_000


@pytest.mark.parametrize("block", [None, 1_000, 7])  # years at once; rows of a year; a few rows
def test_the_failure_simulation_draws_years_in_blocks_exactly_as_year_by_year(sample_bytes, block,
                                                                              monkeypatch):
    import numpy as np

    from scoring import scenarios as sc

    if block is not None:  # memory bounded however many draws and vendors: the same numbers
        monkeypatch.setattr(sc, "MC_BLOCK", block)

    bs = read_workbook(sample_bytes).bidset
    settings = replace(bs.settings, contract_years=50.0, vendor_failure_prob=0.05)
    bs = replace(bs, settings=settings)
    ranking = rank(bs)
    ctx = Context(bs, ranking, settings)
    found = compare(bs, ranking, settings)
    blocked = simulate(ctx, found, draws=20_000, seed=4)
    vendors = sorted({a.vendor for s in found if s.figures for a in s.awards})
    rng = np.random.default_rng(4)  # the definition: one draw of every vendor a year
    failed = np.zeros((20_000, len(vendors)), dtype=bool)
    annual = np.array([ctx.failure_prob[v] for v in vendors])
    for _ in range(50):
        failed |= rng.random((20_000, len(vendors))) < annual
    for s in found:
        if s.figures is None:
            continue
        exposure = np.zeros(len(vendors))
        for a in s.awards:
            exposure[vendors.index(a.vendor)] += ctx.switching[a.component]
        f = s.figures
        expected = f.total_price + f.integration + f.coordination + failed.astype(float) @ exposure
        assert blocked[s.name].mean == expected.mean()
        assert np.array_equal(blocked[s.name].samples, expected)
    assert sc.MC_BLOCK >= 1


@pytest.mark.parametrize("block", [1_000, 7])
def test_a_term_shorter_than_whole_years_draws_the_same_in_blocks(sample_bytes, block, monkeypatch):
    from scoring import scenarios as sc

    bs = read_workbook(sample_bytes).bidset
    bs = replace(bs, settings=replace(bs.settings, contract_years=2.5, vendor_failure_prob=0.1))
    ranking = rank(bs)
    ctx = Context(bs, ranking, bs.settings)
    found = compare(bs, ranking, bs.settings)
    whole = simulate(ctx, found, draws=5_000, seed=2)
    monkeypatch.setattr(sc, "MC_BLOCK", block)
    blocked = simulate(ctx, found, draws=5_000, seed=2)
    assert whole and all((whole[k].samples == blocked[k].samples).all() for k in whole)


def _capped(components: int, vendors: int, share: float) -> BidSet:
    import random

    rnd = random.Random(1)
    crit = [["criterion", "weight", "direction", "scale_min", "scale_max"],
            ["Quality", 60, "max", 0, 5], ["Price", 40, "min", None, None]]
    bids = [["vendor", "lot", "price", "Quality"]] + [
        [f"Vendor {v}", f"Part {c}", rnd.randint(90_000, 110_000), rnd.randint(0, 50) / 10]
        for v in range(vendors) for c in range(components)]
    comps = [["component", "criticality", "switching_cost"]] + [
        [f"Part {c}", 3, 50_000] for c in range(components)]
    settings = [["setting", "value"], ["max_vendor_share_pct", share], ["max_components_per_vendor", 5]]
    return read_workbook(workbook_bytes({"Criteria": crit, "Bids": bids, "Components": comps,
                                         "Settings": settings})).bidset


def test_a_share_cap_that_counting_shows_impossible_is_said_without_the_solver(monkeypatch):
    from scoring import scenarios as sc

    bs = _capped(2, 300, 30)  # two components: some vendor holds at least half the price
    built = []
    real = sc._build
    monkeypatch.setattr(sc, "_build", lambda ctx, **kw: built.append(kw) or real(ctx, **kw))
    found = sc.optimized(Context(bs, rank(bs)))
    assert found.figures is None and "30 % of the total price per vendor cannot be met" in found.note
    assert all(not kw["share_cap"] for kw in built)  # the solver never had to prove it


def test_an_optimized_award_the_solver_cannot_prove_in_time_is_not_shown(monkeypatch):
    from scoring import scenarios as sc

    bs = _capped(20, 60, 8)
    assert sc.optimized(Context(bs, rank(bs))).figures is not None
    monkeypatch.setattr(sc, "MILP_SECONDS", 1e-9)
    found = sc.optimized(Context(bs, rank(bs)))
    assert found.figures is None and "could not be proven within" in found.note
    assert "the other scenarios stand" in found.note


def test_the_optimized_award_is_solved_once_per_ranking_and_settings(sample_bytes, monkeypatch):
    from scoring import scenarios as sc
    from scoring.evaluation import Evaluation
    from scoring.results import Results

    bs = read_workbook(sample_bytes).bidset
    solves = []
    real = sc._solve
    monkeypatch.setattr(sc, "_solve", lambda model: solves.append(1) or real(model))
    ev = Evaluation.of(bs)
    shared: dict = {}

    def memo(part, key, compute):  # type: ignore[no-untyped-def]
        return shared[(part, key)] if (part, key) in shared else shared.setdefault((part, key),
                                                                                   compute())

    base = Results(bs, ev, memo=memo).scenarios
    first = len(solves)
    assert first >= 1
    award = {a.component: a.vendor for a in base.scenarios[0].awards}
    edited = Results(bs, ev.replace(edited_award=tuple(award.items())), memo=memo).scenarios
    assert len(solves) == first  # editing the award re-solves nothing
    assert [s.name for s in edited.scenarios][-1] == "edited"
    assert edited.scenarios[2] == base.scenarios[2]
    other = Results(bs, ev.replace(what_ifs=(("contract_years", 3.0),)), memo=memo).scenarios
    assert len(solves) > first and other.scenarios[2].figures != base.scenarios[2].figures
