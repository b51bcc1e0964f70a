"""Robustness and the report on a large evaluation: 2,000 bids in 4 lots (within the limits).

Prints the time of everything the Robustness page computes (10,000 weight draws, stability,
rank reversal) and of the whole Excel report, against targets of 5 s and 10 s; and rank
reversal against its definition (re-ranking the lot without each bid with ``rank``) on 400
bids, measured in the same run.
"""

from __future__ import annotations

import sys
import time
import warnings
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.workbooks import large_workbook_bytes  # noqa: E402
from scoring.evaluation import Scoring  # noqa: E402
from scoring.mcda import rank  # noqa: E402
from scoring.report import ReportContext, build_report  # noqa: E402
from scoring.results import results  # noqa: E402
from scoring.sensitivity import rank_reversal  # noqa: E402
from scoring.workbook import read_workbook  # noqa: E402


def by_definition(bs, scoring) -> int:  # type: ignore[no-untyped-def]
    full = rank(bs, scoring)
    swaps = 0
    for lot in full.lots:
        before = {b.vendor: b.rank for b in full.in_lot(lot)}
        for removed in full.in_lot(lot):
            rest = tuple(b for b in bs.bids if not (b.lot == lot and b.vendor == removed.vendor))
            after = {b.vendor: b.rank for b in rank(replace(bs, bids=rest), scoring).in_lot(lot)}
            names = [v for v in before if v != removed.vendor]
            for i, a in enumerate(names):
                for c in names[i + 1:]:
                    if None not in (before[a], before[c], after[a], after[c]) and (
                            (before[a] - before[c]) * (after[a] - after[c]) < 0):
                        swaps += 1
    return swaps


def main() -> None:
    warnings.simplefilter("ignore", UserWarning)
    data = large_workbook_bytes(2000)
    bs = read_workbook(data).bidset
    assert bs is not None
    rank(bs)  # import scikit-criteria before timing
    for method in ("topsis", "wsm"):
        res = results(bs, None)
        res = results(bs, res.evaluation.with_scoring(method=method))
        started = time.perf_counter()
        found = res.robustness()
        robust = time.perf_counter() - started
        started = time.perf_counter()
        build_report(res, ReportContext(workbook_bytes=data))
        report = time.perf_counter() - started
        pairs = sum(len(r.swapped) for r in found.reversals)
        print(f"{method}: 2,000 bids in {len(bs.lots)} lots: robustness (10,000 draws, stability, "
              f"rank reversal: {pairs} swapped pairs) {robust:.2f} s (target < 5 s); "
              f"report {report:.2f} s (target < 10 s)")
    small = read_workbook(large_workbook_bytes(400)).bidset
    assert small is not None
    scoring = Scoring.of(small, method="topsis")
    started = time.perf_counter()
    fast = sum(len(r.swapped) for r in rank_reversal(small, scoring))
    ours = time.perf_counter() - started
    started = time.perf_counter()
    slow = by_definition(small, scoring)
    ref = time.perf_counter() - started
    assert fast == slow, (fast, slow)
    print(f"rank reversal, 400 bids (TOPSIS): {ours:.2f} s vs by definition {ref:.2f} s "
          f"({ref / ours:.0f}x), same {fast} swapped pairs")


if __name__ == "__main__":
    main()
