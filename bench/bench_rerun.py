"""Rerun cost: how long one rerun of each page takes on the bundled sample (AppTest, in process),
against a rerun of a one-line Streamlit script in the same run (the framework's own floor).

Each page is opened, rerun twice to warm the caches, then rerun N times; the median counts.
Run it with the evaluation unsaved (default) or saved (--saved: the store is read every rerun).
Usage: python bench/bench_rerun.py [N] [--saved]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

PAGES = ("evaluate", "robustness", "scenarios", "compliance", "panel", "report", "import_bids")


def median_rerun(at: AppTest, n: int) -> float:
    at.run()
    at.run()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    assert not at.exception, at.exception
    return statistics.median(times)


def main() -> None:
    n = int(next((a for a in sys.argv[1:] if a.isdigit()), 15))
    saved = "--saved" in sys.argv
    folder = tempfile.mkdtemp()
    os.environ.setdefault("SSW_DATABASE_URL", f"sqlite:///{folder}/bench.db")
    floor_script = Path(folder) / "floor.py"
    floor_script.write_text("import streamlit as st\nst.write('ok')\n")
    floor = median_rerun(AppTest.from_file(str(floor_script)), n)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    if saved:
        at.switch_page("app_pages/report.py").run()
        next(w for w in at.text_area if w.label == "Reason for this version").set_value("bench")
        next(b for b in at.button if b.label == "Save").click().run()
    print(f"rerun of a one-line script (reference): {floor * 1000:.1f} ms")
    print(f"{'page':<12} {'rerun':>9} {'ratio':>7}   ({'saved' if saved else 'unsaved'} evaluation, "
          f"median of {n})")
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py").run()
        t = median_rerun(at, n)
        print(f"{page:<12} {t * 1000:>7.1f} ms {t / floor:>6.1f}x")


if __name__ == "__main__":
    main()
