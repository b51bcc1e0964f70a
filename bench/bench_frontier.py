"""The best-value frontier: 40 vendors x 10 components with both caps, 20 points (each point one
exact solve), against the single least-cost solve of the optimized award in the same run.
Target: the frontier under 2 s. Prints the ratio measured in this run.
Usage: python bench/bench_frontier.py [points]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_scenarios import instance  # noqa: E402
from scoring.evaluation import Scoring  # noqa: E402
from scoring.frontier import frontier  # noqa: E402
from scoring.mcda import rank  # noqa: E402
from scoring.scenarios import Context, optimized  # noqa: E402


def best_of(runs: int, work) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        work()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    points = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    bs = instance()
    ctx = Context(bs, rank(bs, Scoring.of(bs, method="wsm")))
    least = optimized(ctx)
    found = frontier(ctx, points)
    one = best_of(3, lambda: optimized(ctx))
    whole = best_of(3, lambda: frontier(ctx, points))
    first = found.points[0].figures
    print(f"instance: {len(ctx.candidates)} eligible bids, 40 vendors x 10 components, both caps")
    print(f"least-cost award (one solve):      {one * 1000:8.1f} ms   total cost "
          f"{least.figures.total_cost:,.0f}, quality {least.figures.score:.3f}")
    print(f"frontier, {len(found.points):2d} points (asked {points}): {whole * 1000:8.1f} ms   "
          f"from {first.total_cost:,.0f} at {first.score:.3f} to "
          f"{found.points[-1].figures.total_cost:,.0f} at {found.points[-1].figures.score:.3f}")
    print(f"ratio frontier / one solve: {whole / one:.1f}x   target: frontier < 2 s "
          f"({'met' if whole < 2 else 'NOT met'})")


if __name__ == "__main__":
    main()
