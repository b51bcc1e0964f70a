from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def charts(at) -> list:  # type: ignore[no-untyped-def]
    """The Vega-Lite charts an AppTest run shows (AppTest has no chart element type)."""
    return [e for e in at.main if type(e).__name__ == "UnknownElement" and hasattr(e.proto, "spec")]


@pytest.fixture(scope="session")
def sample_bytes() -> bytes:
    return (ROOT / "data" / "sample_evaluation.xlsx").read_bytes()
