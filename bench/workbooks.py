"""Generate large, valid bid workbooks for benchmarks (seeded)."""

from __future__ import annotations

import random

from scoring.template import SAMPLE_COMPONENTS, SAMPLE_CRITERIA, build_workbook


def large_workbook_bytes(n_bids: int = 200, seed: int = 7) -> bytes:
    import io

    rng = random.Random(seed)
    lots = [c[0] for c in SAMPLE_COMPONENTS]
    bids = []
    for i in range(n_bids):
        lot = lots[i % len(lots)]
        scores = [round(rng.uniform(1, 5) * 2) / 2 for _ in range(4)]
        sla = (rng.choice([99.5, 99.9, 99.95]), rng.choice([5, 10, 12]), rng.choice([30, 60, 90]),
               rng.choice([90, 180, 365]), *(rng.choice(["yes", "no"]) for _ in range(5)))
        bids.append((f"Vendor {i:04d}", lot, float(rng.randrange(500_000, 3_000_000, 1000)), *scores, *sla))
    wb = build_workbook(SAMPLE_CRITERIA, bids, components=SAMPLE_COMPONENTS)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def timings(fn, repeat: int = 7) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(best, median) seconds of ``repeat`` calls of ``fn``."""
    import statistics
    import time

    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def best(fn, repeat: int = 7) -> float:  # type: ignore[no-untyped-def]
    """The fastest of ``repeat`` calls of ``fn``, in seconds."""
    return timings(fn, repeat)[0]
