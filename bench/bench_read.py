"""Reading a bid workbook: the product's reader (calamine + validation) vs openpyxl's reader.

Prints the ratio measured in this run. Usage: python bench/bench_read.py [N_BIDS]
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402

from bench.workbooks import large_workbook_bytes, timings  # noqa: E402
from scoring.workbook import read_workbook  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    data = large_workbook_bytes(n)
    assert read_workbook(data).ok
    ours, ours_med = timings(lambda: read_workbook(data))
    ref, ref_med = timings(lambda: pd.read_excel(io.BytesIO(data), sheet_name=None, header=None,
                                                 engine="openpyxl"))
    cal, _ = timings(lambda: pd.read_excel(io.BytesIO(data), sheet_name=None, header=None,
                                           engine="calamine"))
    print(f"workbook: {n} bids, {len(data) / 1024:.0f} KiB")
    print(f"read_workbook (guard + calamine + validation): best {ours * 1000:.1f} ms, "
          f"median {ours_med * 1000:.1f} ms")
    print(f"pandas + calamine, parse only:                 best {cal * 1000:.1f} ms")
    print(f"pandas + openpyxl, parse only (reference):     best {ref * 1000:.1f} ms, "
          f"median {ref_med * 1000:.1f} ms")
    print(f"ratio openpyxl parse / full validated read: {ref / ours:.1f}x")
    print(f"ratio openpyxl parse / calamine parse:      {ref / cal:.1f}x")


if __name__ == "__main__":
    main()
