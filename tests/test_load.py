"""A small, bounded run of the load driver: concurrent sessions upload and re-rank, no errors."""

import socket
import tempfile
from pathlib import Path

from bench.load_test import ACTIONS, load, start_server


def test_concurrent_sessions_upload_and_rerank_without_errors():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        proc = start_server(port, Path(tmp))
        try:
            result = load(f"http://127.0.0.1:{port}", sessions=5, bids=200)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    assert result["errors"] == 0, result["error_list"]
    assert result["reruns"] == 5 * ACTIONS
