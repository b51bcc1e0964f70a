"""The shipped .streamlit/config.toml: friendly errors for users, the detail in the server log."""

import shutil
import socket
import tomllib
from pathlib import Path

import pytest

from bench.load_test import Session, start_server
from tests.conftest import ROOT

CONFIG = ROOT / ".streamlit" / "config.toml"


def test_production_settings():
    config = tomllib.loads(CONFIG.read_text())
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["address"] == "127.0.0.1"  # local mode is not open to the network
    assert config["client"]["disableDataExport"] is True  # its CSV export writes formulas raw
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] == 100  # MB uploaded; SSW_MAX_UNCOMPRESSED_MB unpacked
    assert config["server"]["fileWatcherType"] == "none"
    assert config["runner"]["postScriptGC"] is False


def test_an_unexpected_error_shows_no_detail_but_the_log_keeps_it(tmp_path: Path):
    (tmp_path / ".streamlit").mkdir()
    shutil.copy(CONFIG, tmp_path / ".streamlit" / "config.toml")
    (tmp_path / "boom.py").write_text(
        'raise RuntimeError("connection string postgresql://ssw:hunter2@db/ssw")\n')
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = start_server(port, tmp_path, script="boom.py", cwd=tmp_path)
    try:
        session = Session(f"http://127.0.0.1:{port}")
        try:
            with pytest.raises(RuntimeError, match="app exception") as shown:
                session.run("")
        finally:
            session.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    seen = str(shown.value)  # the type, message and stack trace a browser receives
    assert "hunter2" not in seen and "RuntimeError" not in seen
    assert "boom.py" not in seen and "raise" not in seen and str(tmp_path) not in seen
    assert "hunter2" in (tmp_path / "server.log").read_text()  # the operator can still see why
