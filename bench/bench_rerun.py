"""Rerun cost: the CPU one rerun of each page takes (AppTest, in process), against a rerun of a
one-line Streamlit script in the same run (the framework's own floor).

Each page's first visit is timed, then it is rerun twice to warm the caches and N times more;
the median CPU time counts. Run it on the bundled sample or on a generated workbook
(--bids 500: 500 bids over the sample's lots), with the evaluation unsaved (default) or saved
(--saved: the store is read every rerun).
Usage: python bench/bench_rerun.py [N] [--saved] [--bids B]
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

from streamlit.runtime.scriptrunner.script_cache import ScriptCache  # noqa: E402
from streamlit.testing.v1 import AppTest, app_test, local_script_runner  # noqa: E402

# A server compiles each script once and keeps its bytecode; AppTest compiles app.py and the page
# anew on every run (a new ScriptCache each time), which is not what a user's rerun costs. The
# bench shares one cache, as the server does.
_SHARED = ScriptCache()
app_test.ScriptCache = local_script_runner.ScriptCache = lambda: _SHARED  # type: ignore[assignment,misc]

PAGES = ("evaluate", "robustness", "scenarios", "compliance", "panel", "report", "import_bids")


def median_rerun(at: AppTest, n: int) -> float:
    at.run()
    at.run()
    times = []
    for _ in range(n):
        start = time.process_time()
        at.run()
        times.append(time.process_time() - start)
    assert not at.exception, at.exception
    return statistics.median(times)


def main() -> None:
    args = sys.argv[1:]
    bids = int(args[args.index("--bids") + 1]) if "--bids" in args else 0
    if bids:
        args.remove(str(bids))
    n = int(next((a for a in args if a.isdigit()), 15))
    saved = "--saved" in sys.argv
    folder = tempfile.mkdtemp()
    os.environ.setdefault("SSW_DATABASE_URL", f"sqlite:///{folder}/bench.db")
    floor_script = Path(folder) / "floor.py"
    floor_script.write_text("import streamlit as st\nst.write('ok')\n")
    floor = median_rerun(AppTest.from_file(str(floor_script)), n)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    if bids:
        from bench.workbooks import large_workbook_bytes

        at.switch_page("app_pages/import_bids.py").run()
        at.file_uploader[0].upload(f"bench-{bids}.xlsx", large_workbook_bytes(bids),
                                   "application/vnd.openxmlformats-officedocument."
                                   "spreadsheetml.sheet").run()
        assert not at.exception and not at.error, "the generated workbook did not load"
    if saved:
        at.switch_page("app_pages/report.py").run()
        next(w for w in at.text_area if w.label == "Reason for this version").set_value("bench")
        next(b for b in at.button if b.label == "Save").click().run()
    print(f"rerun of a one-line script (reference): {floor * 1000:.1f} ms CPU")
    what = f"{bids} bids" if bids else "the sample"
    print(f"{'page':<12} {'first visit':>12} {'rerun CPU':>10} {'ratio':>7}   ({what}, "
          f"{'saved' if saved else 'unsaved'} evaluation, median of {n})")
    for page in PAGES:
        start = time.process_time()
        at.switch_page(f"app_pages/{page}.py").run()
        first = time.process_time() - start
        t = median_rerun(at, n)
        print(f"{page:<12} {first * 1000:>9.0f} ms {t * 1000:>7.1f} ms {t / floor:>6.1f}x")


if __name__ == "__main__":
    main()
