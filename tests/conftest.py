import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def pytest_report_header() -> str:
    if os.environ.get("TEST_DATABASE_URL"):
        return "store tests: SQLite and PostgreSQL (TEST_DATABASE_URL)"
    return "store tests: SQLite only (set TEST_DATABASE_URL to run them on PostgreSQL too)"


SLOW_LANES = ("e2e", "fuzz")  # real servers and browsers, and the fuzzer
SLOW_FILES = ("test_load.py", "test_hostile_memory.py")


def pytest_collection_modifyitems(items) -> None:  # type: ignore[no-untyped-def]
    """The slow lane (``-m slow``): browser and server tests, fuzzing, faults, load and the
    memory corpus; ``-m "not slow"`` is the fast lane a developer runs between changes."""
    for item in items:
        parts = Path(str(item.fspath)).parts
        if any(lane in parts for lane in SLOW_LANES) or parts[-1] in SLOW_FILES:
            item.add_marker(pytest.mark.slow)


FIGURES: list[str] = []  # measured figures some tests report (load, faults), printed at the end


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if FIGURES:
        terminalreporter.section("measured figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


def charts(at) -> list:  # type: ignore[no-untyped-def]
    """The Vega-Lite charts an AppTest run shows (AppTest has no chart element type)."""
    return [e for e in at.main if type(e).__name__ == "UnknownElement" and hasattr(e.proto, "spec")]


@pytest.fixture(autouse=True, scope="session")
def _private_database(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The app's store goes to a throw-away SQLite file, never the user's own data folder."""
    if "SSW_DATABASE_URL" not in os.environ:
        path = tmp_path_factory.mktemp("store") / "evaluations.db"
        os.environ["SSW_DATABASE_URL"] = f"sqlite:///{path}"
    yield


@pytest.fixture(scope="session")
def sample_bytes() -> bytes:
    return (ROOT / "data" / "sample_evaluation.xlsx").read_bytes()
