"""Run the atheris fuzzer on the reader for a bounded number of seeded runs."""

import importlib.util
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.helpers import BIDS, basic

RUNS = int(os.environ.get("FUZZ_RUNS", "600"))


@pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris is not installed")
def test_reader_survives_coverage_guided_fuzzing(tmp_path, sample_bytes):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "sample.xlsx").write_bytes(sample_bytes)
    (corpus / "basic.xlsx").write_bytes(basic())
    (corpus / "bad.xlsx").write_bytes(basic(Bids=[list(BIDS[0]), ["A", "", "1.234,5", 9, "x"]]))
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "fuzz" / "fuzz_reader.py"), str(corpus),
         f"-runs={RUNS}", "-seed=1", "-max_len=200000", "-timeout=20", "-rss_limit_mb=4096"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Done" in proc.stderr
