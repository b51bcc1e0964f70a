from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def sample_bytes() -> bytes:
    return (ROOT / "data" / "sample_evaluation.xlsx").read_bytes()
