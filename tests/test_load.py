"""The load driver against a real app process: 30 concurrent users upload their own 200-bid
workbook and re-rank it with every method, with no errors. Latency is reported, not asserted
(timings belong to bench/load_test.py, whose figures are in the README). The driver runs in a
process of its own, so that this test process does not slow the measurement."""

import json
import subprocess
import sys

from bench.load_test import ACTIONS
from tests.conftest import FIGURES, ROOT


def test_thirty_concurrent_sessions_upload_and_rerank_without_errors():
    done = subprocess.run([sys.executable, "bench/load_test.py", "30", "--profile", "paced", "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-2])  # the last line is peak memory
    FIGURES.append(f"load: 30 paced sessions, {result['reruns']} reruns, p50 "
                   f"{result['p50'] * 1000:.0f} ms, p95 {result['p95'] * 1000:.0f} ms, "
                   f"errors {result['errors']}; {done.stdout.strip().splitlines()[-1]}")
    assert result["errors"] == 0, result["error_list"]
    assert result["reruns"] == 30 * ACTIONS
