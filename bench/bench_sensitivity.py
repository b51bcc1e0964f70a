"""Rank acceptability (SMAA): vectorised draws vs scikit-criteria once per draw.

50 bids x 10 criteria, WSM, 10,000 Dirichlet weight draws. Prints the in-process time (target
< 20 ms), the ratio against looping scikit-criteria over the same draws (target >= 1,000x,
the loop is timed on a subset and scaled), the split between the matrix product and the
ranking, and the peak memory of 100,000 draws (target < 1 GB).
"""

from __future__ import annotations

import sys
import time
import tracemalloc
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from bench.workbooks import best  # noqa: E402
from scoring.evaluation import Scoring  # noqa: E402
from scoring.mcda import _skc  # noqa: E402
from scoring.model import Bid, BidSet, Criterion, Settings  # noqa: E402
from scoring.sensitivity import (  # noqa: E402
    LotModel,
    acceptability,
    chunk_size,
    count_ranks,
    lot_models,
    rank_counts,
    weight_draws,
)
from scoring.weights import RangeSampler  # noqa: E402


def instance(m: int = 50, k: int = 10, seed: int = 3) -> BidSet:
    rng = np.random.default_rng(seed)
    criteria = tuple(Criterion(f"Criterion {j}", float(rng.uniform(1, 10)), "max",
                               scale_min=0, scale_max=10) for j in range(k - 1))
    criteria += (Criterion("Price", 20.0, "min"),)
    bids = tuple(Bid(f"Vendor {i:02d}", "", float(rng.uniform(1e5, 1e6)),
                     {c.name: float(rng.uniform(0, 10)) for c in criteria[:-1]}) for i in range(m))
    return BidSet(criteria, bids, Settings())


def main() -> None:
    warnings.simplefilter("ignore", UserWarning)
    bs = instance()
    (model,) = lot_models(bs, Scoring.of(bs, method="wsm"))
    draws = 10_000
    acceptability([model], draws=draws, seed=0)
    ours = best(lambda: acceptability([model], draws=draws, seed=0))
    w = weight_draws(model.stated, draws, np.random.default_rng(0))
    t_draw = best(lambda: weight_draws(model.stated, draws, np.random.default_rng(0)))
    t_count = best(lambda: count_ranks(model, w), 15)
    size = chunk_size([model])
    t_mat = best(lambda: [model.scores(w[s:s + size]) for s in range(0, draws, size)])
    parts = [model.scores(w[s:s + size]) for s in range(0, draws, size)]
    t_rank = best(lambda: [rank_counts(p) for p in parts])
    print(f"{len(model.vendors)} bids x {len(model.criteria)} criteria, {draws:,} draws, WSM")
    print(f"acceptability, vectorised: {ours * 1000:.1f} ms (target < 20 ms)")
    print(f"  of which drawing the weights {t_draw * 1000:.2f} ms; scoring and ranking the same "
          f"draws {t_count * 1000:.2f} ms (chunks of {size:,} draws)")
    print(f"  matrix product {t_mat * 1000:.2f} ms ({t_mat / (t_mat + t_rank):.0%}), ranking and "
          f"counting {t_rank * 1000:.2f} ms ({t_rank / (t_mat + t_rank):.0%})")

    skc = _skc()
    names = list(model.criteria)
    subset = 300
    t = time.perf_counter()
    for d in range(subset):
        dm = skc["mkdm"](model.values, [max] * len(names), weights=w[d], criteria=names)
        skc["wsm"].evaluate(dm)
    loop = (time.perf_counter() - t) * draws / subset
    print(f"reference, scikit-criteria once per draw: {loop * 1000:,.0f} ms "
          f"(timed on {subset} draws, scaled to {draws:,})")
    print(f"ratio loop / vectorised, same draws (scoring and ranking): {loop / t_count:,.0f}x "
          "(target >= 1,000x)")
    print(f"ratio loop / vectorised including drawing the weights: {loop / ours:,.0f}x")

    tracemalloc.start()
    acceptability([model], draws=100_000, seed=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"100,000 draws: peak traced memory {peak / 2**20:.0f} MiB (target < 1 GB)")
    inside_ranges(model)
    disagreement()


def inside_ranges(model: LotModel) -> None:
    """Weights drawn inside published ranges (hit-and-run) against the Dirichlet draws around
    the stated weights, the same number of draws: each criterion's range is its weight +-40 %."""
    stated = model.stated
    low, high = np.clip(stated * 0.6, 0, 1), np.clip(stated * 1.4, 0, 1)
    draws = 10_000
    t_dir = best(lambda: weight_draws(stated, draws, np.random.default_rng(0)))
    t_hr = best(lambda: RangeSampler(low, high, np.random.default_rng(0)).draw(draws), 5)
    t_acc = best(lambda: acceptability([model], draws=draws, mode="ranges", bounds=(low, high)), 5)
    print(f"weights inside published ranges ({len(stated)} criteria, {draws:,} draws): "
          f"hit-and-run {t_hr * 1000:.1f} ms against Dirichlet {t_dir * 1000:.2f} ms "
          f"(ratio {t_hr / t_dir:.0f}x); acceptability inside the ranges {t_acc * 1000:.1f} ms "
          "(target < 150 ms)")


def disagreement() -> None:
    """The evaluators' disagreement on the bundled sample (three evaluators, 26 panel cells on
    eligible bids): 10,000 draws of the panel, vectorised, against the same draws scored by
    scikit-criteria one panel at a time (timed on a subset and scaled), and against the
    weights-only acceptability of the same run."""
    from scoring.evaluation import Evaluation
    from scoring.mcda import _method_scores, normalise_matrix
    from scoring.results import Results
    from scoring.sensitivity import draw_raw, score_acceptability, score_models
    from scoring.workbook import read_workbook

    sample = Path(__file__).resolve().parent.parent / "data" / "sample_evaluation.xlsx"
    bs = read_workbook(sample.read_bytes()).bidset
    res = Results(bs, Evaluation.of(bs, Scoring.of(bs, method="wsm")))
    models = lot_models(res.bidset, res.evaluation.scoring)
    drawn, evaluators = score_models(res.bidset, models, res.cells, "median",
                                     res.evaluation.scoring)
    draws = 10_000
    weights_only = best(lambda: acceptability(models, draws=draws, seed=0))
    ours = best(lambda: score_acceptability(models, drawn, evaluators, uncertainty="scores",
                                            draws=draws, seed=0))
    both = best(lambda: score_acceptability(models, drawn, evaluators, uncertainty="both",
                                            draws=draws, seed=0))
    panels = np.random.default_rng(0).multinomial(evaluators, [1 / evaluators] * evaluators,
                                                  size=200)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for model, score in zip(models, drawn, strict=True):
            if len(model.vendors) < 2:
                continue
            criteria = list(score.criteria)
            for raw in draw_raw(score, panels):
                norm = normalise_matrix(raw, criteria, price_formula=score.price_formula)
                _method_scores("wsm", raw, norm, criteria, model.stated)
    loop = (time.perf_counter() - start) * draws / len(panels)
    print(f"evaluators' disagreement on the sample ({evaluators} evaluators, "
          f"{sum(d.movable for d in drawn)} cells, {draws:,} panel draws, WSM): "
          f"{ours * 1000:.1f} ms; scores and weights drawn together {both * 1000:.1f} ms; "
          f"weights alone {weights_only * 1000:.1f} ms in the same run "
          f"({ours / weights_only:.1f}x)")
    print(f"  reference, scikit-criteria once per panel draw: {loop * 1000:,.0f} ms; ratio "
          f"{loop / ours:,.0f}x")
    # a large panel: 500 bids x 10 criteria, five evaluators on six criteria (3,000 cells)
    from scoring.panel import Cell

    big = instance(m=500, k=10)
    scoring = Scoring.of(big, method="wsm")
    models = lot_models(big, scoring)
    rng = np.random.default_rng(1)
    cells = [Cell(b.vendor, b.lot, c.name, 5.0, {f"E{e}": float(rng.integers(0, 11))
                                                 for e in range(5)})
             for b in big.bids for c in big.criteria[:6]]
    drawn, evaluators = score_models(big, models, cells, "median", scoring)
    weights_only = best(lambda: acceptability(models, draws=draws, seed=0), repeat=3)
    ours = best(lambda: score_acceptability(models, drawn, evaluators, uncertainty="scores",
                                            draws=draws, seed=0), repeat=3)
    print(f"500 bids x 10 criteria, 5 evaluators on 3,000 cells, {draws:,} panel draws: "
          f"{ours * 1000:,.0f} ms; weights alone {weights_only * 1000:,.0f} ms in the same run "
          f"({ours / weights_only:.1f}x)")


if __name__ == "__main__":
    main()
