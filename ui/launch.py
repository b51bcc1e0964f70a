"""Start the app warm: ``python -m ui.launch [streamlit run options]``.

Before the server takes a connection it sets one BLAS thread per process (the engine's matrix
products are small; idle BLAS workers spinning on a 2-core machine doubled the CPU time of rank
acceptability at the same wall time), imports everything a page needs (scikit-criteria, scipy,
pandas, SQLAlchemy, openpyxl, the engine and the pages' modules: about 3 s of a first run
otherwise), starts the worker process that reads uploaded workbooks (``ui.reader_pool``), and
scores the bundled sample once, so the first visitor's page is rendered in well under a
second. The health check (``/_stcore/health``) answers only once all that is done. Then it runs
Streamlit exactly as ``streamlit run app.py`` would, with the options given.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def one_blas_thread() -> None:
    """One BLAS thread unless the deployment says otherwise (before numpy is imported)."""
    for name in THREADS:
        os.environ.setdefault(name, "1")


def warm() -> float:
    """Import what the pages use and score the sample once; the seconds it took."""
    start = time.perf_counter()
    import importlib

    for module in ("pandas", "numpy", "scipy.optimize", "scipy.sparse", "sqlalchemy", "openpyxl",
                   "alembic", "streamlit", "scoring.results", "scoring.report", "scoring.store",
                   "scoring.cli", "ui.cache", "ui.charts", "ui.controls", "ui.persistence",
                   "ui.share_views", "ui.panel_views", "ui.robustness_views", "ui.scenario_views",
                   "ui.compliance_views", "ui.widgets", "ui.state", "ui.auth", "ui.weight_views",
                   "ui.envelope_views", "ui.frontier_views", "ui.assignment_views",
                   "ui.monitor_state", "ui.monitor_views", "ui.monitor_tabs", "scoring.monitor",
                   "scoring.performance", "scoring.review_pack", "scoring.documents",
                   "scoring.strategy_sheet", "ui.strategy_views"):
        importlib.import_module(module)
    import hashlib

    from scoring.evaluation import Evaluation
    from scoring.mcda import _skc
    from ui import cache, reader_pool

    reader_pool.start()  # workbooks are read beside the server, on another core
    _skc()  # scikit-criteria's methods (its import graph is most of the first run's cost)
    sample = ROOT / "data" / "sample_evaluation.xlsx"
    if sample.exists():  # the figures every first visitor sees, into the process's caches
        data = sample.read_bytes()
        found = cache.read_workbook(hashlib.sha256(data).hexdigest(), lambda: data)
        if found.bidset is not None:
            res = cache.results(Evaluation.of(found.bidset), found.bidset)
            _ = res.ranking, res.scenarios, res.sla
            res.robustness()
    return time.perf_counter() - start


def _quiet_streamlit() -> dict[str, int]:
    """Streamlit warns that no server runs yet while the caches are filled: true, and expected."""
    import logging

    import streamlit  # noqa: F401  (creates its loggers)

    levels = {}
    for name, found in list(logging.root.manager.loggerDict.items()):
        if name.startswith("streamlit") and isinstance(found, logging.Logger):
            levels[name] = found.level
            found.setLevel(logging.ERROR)
    return levels


def main(argv: list[str] | None = None) -> None:
    import logging

    one_blas_thread()
    os.chdir(ROOT)
    levels = _quiet_streamlit()
    seconds = warm()
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    print(f"Source Selection Workbench: warmed in {seconds:.1f} s; starting the server",
          file=sys.stderr, flush=True)
    from streamlit.web import cli

    from ui import turns

    turns.configure()  # script runs take turns (SSW_SCRIPT_TURNS)

    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
