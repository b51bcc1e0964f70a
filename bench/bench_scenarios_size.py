"""Scenarios and Robustness at the size limits one evaluation may hold.

Workbooks at the limits (2,000 bids; 1,000 in a lot; up to 500 components), shaped the ways
that cost most: many vendors over few components with both caps on (the optimized award's
solver), every component bid by its own vendor (the failure simulation over many vendors), one
lot of 1,000 bids (rank reversal and the weight draws). Prints each case's time and peak traced
memory, and its ratio to the bundled sample's Scenarios measured in the same run.
"""

from __future__ import annotations

import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring.evaluation import Evaluation  # noqa: E402
from scoring.results import Results  # noqa: E402
from scoring.workbook import MAX_BIDS, MAX_BIDS_PER_LOT, MAX_COMPONENTS, read_workbook  # noqa: E402
from tests.helpers import workbook_bytes  # noqa: E402

CRITERIA = [["criterion", "weight", "direction", "scale_min", "scale_max"],
            ["Quality", 60, "max", 0, 5], ["Price", 40, "min", None, None]]


def capped(components: int, vendors: int, share: float | None, kcap: int | None = 5,
           own_vendor: bool = False) -> bytes:
    rnd = random.Random(1)
    if own_vendor:  # each component bid by its own vendor
        rows = [[f"Vendor {c}", f"Part {c}", rnd.randint(90_000, 110_000), 3]
                for c in range(components)]
    else:
        rows = [[f"Vendor {v}", f"Part {c}", rnd.randint(90_000, 110_000), rnd.randint(0, 50) / 10]
                for v in range(vendors) for c in range(components)]
    settings = [["setting", "value"]]
    if share is not None:
        settings.append(["max_vendor_share_pct", share])
    if kcap is not None:
        settings.append(["max_components_per_vendor", kcap])
    sheets = {
        "Criteria": CRITERIA, "Bids": [["vendor", "lot", "price", "Quality"], *rows],
        "Components": [["component", "criticality", "switching_cost"],
                       *([f"Part {c}", 3, 50_000] for c in range(components))]}
    return workbook_bytes({**sheets, **({"Settings": settings} if len(settings) > 1 else {})})


def one_lot(n: int) -> bytes:
    rows = [[f"Vendor {i}", "", 100_000 + 7 * i, (i * 37 % 50) / 10] for i in range(n)]
    return workbook_bytes({"Criteria": CRITERIA,
                           "Bids": [["vendor", "lot", "price", "Quality"], *rows]})


def measure(data: bytes, part: str) -> tuple[float, float]:
    """(seconds, peak traced MiB) of one part's figures, read and ranked beforehand; timed
    untraced, then computed again (anew) under tracemalloc for the memory."""
    found = read_workbook(data)
    assert found.ok, found.problems[:1]

    def fresh() -> Results:
        res = Results(found.bidset, Evaluation.of(found.bidset))
        _ = res.ranking
        return res

    res = fresh()
    t = time.perf_counter()
    _ = res.scenarios if part == "scenarios" else res.robustness()
    seconds = time.perf_counter() - t
    res = fresh()
    tracemalloc.start()
    _ = res.scenarios if part == "scenarios" else res.robustness()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak


def main() -> None:
    sample = (Path(__file__).resolve().parent.parent / "data" / "sample_evaluation.xlsx").read_bytes()
    reference, _ = measure(sample, "scenarios")
    print(f"limits: {MAX_BIDS:,} bids, {MAX_BIDS_PER_LOT:,} in a lot, {MAX_COMPONENTS:,} components")
    print(f"reference: the bundled sample's Scenarios {reference * 1000:.0f} ms")
    cases = [
        ("2 components x 1,000 vendors, caps 30 % and 5 (impossible by counting)",
         capped(2, 1000, 30), "scenarios"),
        ("4 components x 500 vendors, share cap 24.9 %", capped(4, 500, 24.9), "scenarios"),
        ("40 components x 50 vendors, share cap 3 %", capped(40, 50, 3), "scenarios"),
        ("20 components x 100 vendors, caps 8 % and 5", capped(20, 100, 8), "scenarios"),
        ("500 components, each its own vendor, no caps",
         capped(MAX_COMPONENTS, 0, None, None, own_vendor=True), "scenarios"),
        (f"one lot of {MAX_BIDS_PER_LOT:,} bids", one_lot(MAX_BIDS_PER_LOT), "robustness"),
    ]
    for name, data, part in cases:
        seconds, peak = measure(data, part)
        print(f"{part:>10} | {name}: {seconds:.2f} s ({seconds / reference:,.0f}x the sample), "
              f"peak traced memory {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
