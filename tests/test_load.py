"""The load driver against a real app process: 30 concurrent users upload their own 200-bid
workbook and re-rank it with each method, with no errors. Latency is reported, not asserted
(timings belong to bench/load_test.py, whose figures are in the README)."""

import socket
import tempfile
from pathlib import Path

from bench.load_test import ACTIONS, PROFILES, load, start_server
from tests.conftest import FIGURES


def test_thirty_concurrent_sessions_upload_and_rerank_without_errors():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        proc = start_server(port, Path(tmp))
        try:
            base = f"http://127.0.0.1:{port}"
            load(base, 1, first_seed=10_000)  # warm-up
            result = load(base, sessions=30, bids=200, **PROFILES["paced"])
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    FIGURES.append(f"load: 30 paced sessions, {result['reruns']} reruns, p50 "
                   f"{result['p50'] * 1000:.0f} ms, p95 {result['p95'] * 1000:.0f} ms, "
                   f"errors {result['errors']}")
    assert result["errors"] == 0, result["error_list"]
    assert result["reruns"] == 30 * ACTIONS
