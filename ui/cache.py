"""Process-wide caches around the scoring core.

Workbooks are read once per content hash. The figures of an evaluation are kept per process,
part by part, each keyed on the projection of the Evaluation value it depends on
(``Evaluation.key``): the value itself, never a key passed beside it. The cached objects are
immutable, so sessions share them without copies.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import streamlit as st

from scoring.evaluation import Evaluation
from scoring.model import BidSet
from scoring.results import Results
from scoring.template import template_bytes as _template_bytes
from scoring.workbook import ReadResult
from ui import reader_pool, turns

PART_SIZES = {"panel": 64, "ranking": 256, "record": 64, "technical_record": 64, "optimized": 64,
              "scenarios": 64, "frontier": 32,
              "robustness": 32, "strategy": 64}
# Parts that take long to compute (the MILP, the cost simulation, rank acceptability and rank
# reversal): a script run steps aside while it computes them (``ui.turns``).
LONG_PARTS = frozenset({"optimized", "scenarios", "robustness", "frontier", "strategy"})


READS = 64  # workbooks kept read per process (their results are immutable)


class _Reads:
    """Read workbooks by content hash, least recently used first out. A workbook not read yet is
    read outside the lock, the run stepping aside meanwhile (``ui.turns``): two sessions reading
    the same new workbook at once may both read it (the results are identical)."""

    def __init__(self) -> None:
        self.found: OrderedDict[str, ReadResult] = OrderedDict()
        self.lock = threading.Lock()

    def __call__(self, sha256: str, load: Callable[[], bytes]) -> ReadResult:
        with self.lock:
            if sha256 in self.found:
                self.found.move_to_end(sha256)
                return self.found[sha256]
        try:
            with turns.aside():
                result = reader_pool.read(load())
        except reader_pool.ReaderFailed as failed:  # not the workbook's verdict: not kept
            return failed.result
        with self.lock:
            self.found[sha256] = result
            while len(self.found) > READS:
                self.found.popitem(last=False)
        return result


@st.cache_resource
def _reads() -> _Reads:
    return _Reads()


def read_workbook(sha256: str, _load: Callable[[], bytes]) -> ReadResult:
    """Parse and validate a workbook once per content hash (the result is immutable); its bytes
    are loaded only when it is not read yet. Read in a worker process when the launcher
    started one (``ui.reader_pool``)."""
    return _reads()(sha256, _load)


@st.cache_data(show_spinner=False)
def template_bytes() -> bytes:
    """The template workbook (instructions, drop-downs, example rows), built once per process."""
    return _template_bytes()


class _Memo:
    """Least-recently-used parts of Results, per part; computed outside the lock (two sessions
    asking at once may both compute: the results are identical)."""

    def __init__(self) -> None:
        self.parts: dict[str, OrderedDict[Hashable, Any]] = {p: OrderedDict() for p in PART_SIZES}
        self.lock = threading.Lock()

    def __call__(self, part: str, key: Hashable, compute: Callable[[], Any]) -> Any:
        store = self.parts[part]
        with self.lock:
            if key in store:
                store.move_to_end(key)
                return store[key]
        if part in LONG_PARTS:
            with turns.aside():
                value = compute()
        else:
            value = compute()
        with self.lock:
            store[key] = value
            while len(store) > PART_SIZES[part]:
                store.popitem(last=False)
        return value


@st.cache_resource
def _memo() -> _Memo:
    return _Memo()


def results(ev: Evaluation, bidset: BidSet) -> Results:
    """Every figure of ``ev`` (computed on first use, shared by every session of the process)."""
    return Results(bidset, ev, memo=_memo())
