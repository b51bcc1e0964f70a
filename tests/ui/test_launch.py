"""The launcher warms the process before Streamlit takes a connection."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def test_the_launcher_imports_and_scores_before_starting_streamlit_with_one_blas_thread():
    probe = (
        "import os, sys\n"
        "from streamlit.web import cli\n"
        "def fake_main():\n"
        "    from ui import cache, reader_pool\n"
        "    memo = cache._memo()\n"
        "    print('pool', reader_pool.running())\n"
        "    print('argv', sys.argv[1:])\n"
        "    print('blas', os.environ.get('OPENBLAS_NUM_THREADS'))\n"
        "    print('skcriteria', 'skcriteria.agg.topsis' in sys.modules)\n"
        "    print('parts', {p: len(v) for p, v in memo.parts.items()})\n"
        "cli.main = fake_main\n"
        "from ui import launch\n"
        "launch.main(['--server.port', '9'])\n")
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS",
                                                             "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines())
    assert lines["argv"] == f"['run', '{ROOT / 'app.py'}', '--server.port', '9']"
    assert lines["blas"] == "1" and lines["skcriteria"] == "True"
    assert lines["pool"] == "True"  # workbooks are read in a worker process, started warm
    parts = eval(lines["parts"])  # noqa: S307 (our own probe's output)
    assert parts["ranking"] >= 1 and parts["scenarios"] >= 1 and parts["robustness"] >= 1
    assert "warmed in" in out.stderr and "No runtime found" not in out.stderr


def test_a_deployment_may_set_its_own_blas_threads():
    from ui.launch import THREADS, one_blas_thread

    saved = {k: os.environ.get(k) for k in THREADS}
    try:
        os.environ["OPENBLAS_NUM_THREADS"] = "4"
        one_blas_thread()
        assert os.environ["OPENBLAS_NUM_THREADS"] == "4"
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
