"""Ranking: the product's rank() (gates, normalisation, per-lot scikit-criteria, ranks) vs a bare
scikit-criteria TOPSIS pipeline on the same matrices. Prints the overhead ratio measured in this run.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from bench.workbooks import best, large_workbook_bytes  # noqa: E402
from scoring.evaluation import Scoring  # noqa: E402
from scoring.mcda import _skc, rank  # noqa: E402
from scoring.workbook import read_workbook  # noqa: E402


def main() -> None:
    warnings.simplefilter("ignore", UserWarning)  # scikit-criteria's advice on min criteria
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    bs = read_workbook(large_workbook_bytes(n)).bidset
    assert bs is not None
    skc = _skc()
    matrices = []
    for lot in bs.lots:
        bids = bs.bids_in(lot)
        matrices.append(np.array([[b.value(c) for c in bs.criteria] for b in bids], dtype=float))
    objectives = [max if c.direction == "max" else min for c in bs.criteria]
    weights = [c.weight for c in bs.criteria]

    def bare() -> None:
        for m in matrices:
            skc["topsis"].evaluate(skc["mkdm"](m, objectives, weights=weights))

    for method in ("topsis", "wsm", "vikor"):
        rank(bs, Scoring.of(bs, method=method))
    ours = best(lambda: rank(bs, Scoring.of(bs, method="topsis")))
    ref = best(bare)
    print(f"{n} bids in {len(bs.lots)} lots, {len(bs.criteria)} criteria")
    print(f"rank(topsis), full product path: {ours * 1000:.1f} ms")
    print(f"bare scikit-criteria TOPSIS (reference): {ref * 1000:.1f} ms")
    print(f"ratio product / reference: {ours / ref:.2f}x")
    for method in ("wsm", "wpm", "vikor"):
        print(f"rank({method}): {best(lambda m=method: rank(bs, Scoring.of(bs, method=m))) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
