"""The best-value frontier against brute-force enumeration of every award, point by point."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.evaluation import Scoring
from scoring.frontier import QUALITY_STEP, FrontierError, Options, frontier
from scoring.mcda import rank
from scoring.scenarios import Context
from tests.scoring.test_scenarios import draw_bidset, make_bidset


def every_award(ctx: Context, options: Options | None = None) -> list[tuple[float, float, int]]:
    """(total cost, quality, vendors) of every award that meets the caps and the options."""
    options = options or Options()
    s = ctx.settings
    cands = [k for k in ctx.candidates if options.min_component_quality is None
             or k.score >= options.min_component_quality]
    choices = [[k] for k in cands if k.bundle]
    choices += [list(c) for c in itertools.product(*[[k for k in cands if k.lot == comp]
                                                     for comp in ctx.components])]
    out = []
    for chosen in choices:
        awards = ctx.awards_for(chosen)
        f = ctx.figures(awards)
        counts: dict[str, int] = {}
        for a in awards:
            counts[a.vendor] = counts.get(a.vendor, 0) + 1
        if s.max_components_per_vendor is not None and max(counts.values()) > s.max_components_per_vendor:
            continue
        if s.max_vendor_share_pct is not None and f.top_vendor_share > s.max_vendor_share_pct / 100 + 1e-9:
            continue
        if options.budget is not None and f.total_cost > options.budget + 1e-6:
            continue
        if options.min_vendors is not None and f.vendors < options.min_vendors:
            continue
        out.append((f.total_cost, f.score, f.vendors))
    return out


def pareto(awards: list[tuple[float, float, int]]) -> list[tuple[float, float]]:
    """The (cost, quality) pairs no award beats on both (one pair per distinct point)."""
    points = {(round(c, 6), round(q, 9)) for c, q, _ in awards}
    return sorted(p for p in points if not any(
        (c <= p[0] + 1e-6 and q >= p[1] - 1e-9) and (c < p[0] - 1e-6 or q > p[1] + 1e-9)
        for c, q in points))


def instance(data) -> Context:  # type: ignore[no-untyped-def]
    bs = draw_bidset(data, components=6, vendors=6) or make_bidset([("C0", 3, 0.0)],
                                                                   [("V0", "ALL", 100, 3)])
    return Context(bs, rank(bs, Scoring.of(bs, method="wsm")))


def _too_many(ctx: Context) -> bool:
    per_lot = [sum(1 for k in ctx.candidates if k.lot == c) for c in ctx.components]
    total = 1
    for n in per_lot:
        total *= max(n, 1)
    return total > 3_000


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_the_whole_frontier_is_the_brute_force_frontier_point_by_point(data):
    ctx = instance(data)
    if _too_many(ctx):
        return
    options = Options(budget=data.draw(st.one_of(st.none(), st.integers(500, 6000))),
                      min_vendors=data.draw(st.one_of(st.none(), st.integers(1, 3))),
                      min_component_quality=data.draw(st.one_of(st.none(), st.sampled_from(
                          [0.2, 0.5, 0.8]))))
    expected = pareto(every_award(ctx, options))
    if not expected:
        with pytest.raises(FrontierError, match="No award|cannot be met|cannot both"):  # in words
            frontier(ctx, None, options)
        return
    got = frontier(ctx, None, options)
    found = [(p.figures.total_cost, p.figures.score) for p in got.points]
    # every point found is on the brute-force frontier (no award beats it on both) ...
    for c, q in found:
        assert any(c == pytest.approx(ec, abs=1e-5) and q == pytest.approx(eq, abs=1e-8)
                   for ec, eq in expected), (c, q, expected)
    # ... and every point of the brute-force frontier is found (two whose qualities differ by
    # less than the frontier's step count as one: the cheaper stands for both)
    for ec, eq in expected:
        assert any(c <= ec + 1e-5 and q >= eq - QUALITY_STEP for c, q in found), (ec, eq, found)
    assert found == sorted(found)
    # the spread frontier: each of its points is one of those, the ends included
    spread = frontier(ctx, 4, options)
    pairs = [(round(p.figures.total_cost, 5), round(p.figures.score, 8)) for p in spread.points]
    assert set(pairs) <= {(round(c, 5), round(q, 8)) for c, q in found}
    assert pairs[0] == (round(found[0][0], 5), round(found[0][1], 8))
    assert pairs[-1] == (round(found[-1][0], 5), round(found[-1][1], 8))


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_the_value_for_money_award_maximises_quality_points_less_cost(data):
    ctx = instance(data)
    if _too_many(ctx):
        return
    price = float(data.draw(st.integers(1, 200)))
    awards = every_award(ctx)
    if not awards:
        return
    best = max(100 * price * q - c for c, q, _ in awards)
    got = frontier(ctx, 3, Options(quality_price=price)).value_for_money
    assert got is not None
    assert 100 * price * got.figures.score - got.figures.total_cost == pytest.approx(best, abs=1e-5)


def test_the_sample_s_frontier_runs_from_the_least_cost_award_to_the_best(sample_bytes):
    from scoring.scenarios import compare
    from scoring.workbook import read_workbook

    bs = read_workbook(sample_bytes).bidset
    ranking = rank(bs, Scoring.of(bs))
    ctx = Context(bs, ranking)
    found = frontier(ctx, 20)
    costs = [p.figures.total_cost for p in found.points]
    quality = [p.figures.score for p in found.points]
    assert costs == sorted(costs) and quality == sorted(quality) and len(found.points) >= 2
    least = next(s for s in compare(bs, ranking) if s.name == "optimized")
    assert costs[0] == pytest.approx(least.figures.total_cost)
    assert quality[0] >= least.figures.score - 1e-12
