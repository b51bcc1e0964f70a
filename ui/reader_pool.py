"""Workbooks read in a worker process, beside the server.

A workbook's check and read (the guard's pass over its XML, then every cell) is the largest
piece of CPU a session asks of the server: about 26 ms for 200 bids, where a rerun of a page
costs 20-40 ms. Done in the server process, thirty uploads arriving together queue behind one
another for the one interpreter lock every session shares. Done in a worker process, they run
on another core while the server goes on drawing pages; the result comes back as a pickle
(about 1 ms to load for 200 bids). A workbook that crashes or hangs its reader takes down the
worker, not the server: the person gets a plain refusal and the next read starts a new worker.

The launcher starts the pool before the server takes connections (``start``); without it (tests,
``streamlit run app.py``) workbooks are read in the server process, as before. ``SSW_READ_WORKERS``
sets the number of worker processes (default 1; 0 reads in the server process).
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import threading
from concurrent.futures.process import BrokenProcessPool

from scoring.model import Location, Problem
from scoring.workbook import ReadResult, read_workbook

ENV_WORKERS = "SSW_READ_WORKERS"
TIMEOUT_S = 120.0  # the guard bounds a read well below this; beyond it the worker is stuck

_lock = threading.Lock()
_pool: cf.ProcessPoolExecutor | None = None
_workers = 0


def workers_wanted() -> int:
    """``SSW_READ_WORKERS`` (default 1); 0 or a value that is not a whole number: none."""
    try:
        return max(0, int(os.environ.get(ENV_WORKERS, "1")))
    except ValueError:
        return 0


def _warm() -> None:
    """In each worker, before its first read: the reader's imports."""
    import scoring.workbook  # noqa: F401


def start(workers: int | None = None) -> bool:
    """Start the worker processes (a no-op when they run, or when none are wanted); whether a
    pool now reads the workbooks. A read is made through it so that the workers are up."""
    global _pool, _workers
    wanted = workers_wanted() if workers is None else workers
    if wanted <= 0:
        return False
    with _lock:
        if _pool is None:
            # spawn: a fresh interpreter (the server has threads; a fork of it could hold a lock)
            _pool = cf.ProcessPoolExecutor(max_workers=wanted, initializer=_warm,
                                           mp_context=multiprocessing.get_context("spawn"))
            _workers = wanted
        pool = _pool
    pool.submit(_warm).result(timeout=TIMEOUT_S)
    return True


def stop() -> None:
    """Stop the workers (reads go back to the server process until ``start``)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def running() -> bool:
    return _pool is not None


class ReaderFailed(Exception):
    """The reader could not read a workbook, for a reason that may not be the workbook's (a
    worker killed, a read stopped): ``result`` says so in words, and is not to be kept."""

    def __init__(self, result: ReadResult) -> None:
        super().__init__(result.problems[0].message)
        self.result = result


def _restart(broken: cf.ProcessPoolExecutor) -> None:
    """Replace a pool whose worker died (the next read gets a fresh one). Reads that failed
    together on the same pool replace it once."""
    global _pool
    with _lock:
        if _pool is not broken:
            return  # replaced already (or stopped)
        _pool = cf.ProcessPoolExecutor(max_workers=_workers, initializer=_warm,
                                       mp_context=multiprocessing.get_context("spawn"))
    for process in list((getattr(broken, "_processes", None) or {}).values()):  # a hung one too
        process.kill()
    broken.shutdown(wait=False, cancel_futures=True)


def _refused(data: bytes, why: str) -> ReadResult:
    import hashlib

    return ReadResult(None, (Problem(Location("Workbook"), why, (
        "Check that it is the bid workbook (from the template), saved by Excel as .xlsx; if it "
        "is, send it to the tool's administrator: it was kept out, and nothing was stored")),),
        sha256=hashlib.sha256(data).hexdigest())


def read(data: bytes) -> ReadResult:
    """``scoring.workbook.read_workbook(data)``, in a worker process when the pool runs. A worker
    that dies during the read (killed, or by the file) is replaced and the read tried once more on
    a fresh one; a file that stops the reader twice, or a read that takes too long, raises
    ReaderFailed (with its refusal in words: not the workbook's verdict, so not to be kept)."""
    for _ in range(2):
        pool = _pool
        if pool is None:
            return read_workbook(data)
        try:
            future = pool.submit(read_workbook, data)
        except (BrokenProcessPool, RuntimeError):  # broken, or shut down meanwhile
            _restart(pool)
            continue
        try:
            return future.result(timeout=TIMEOUT_S)
        except (BrokenProcessPool, cf.CancelledError):  # a worker died; or another's restart
            _restart(pool)
        except cf.TimeoutError:
            _restart(pool)
            raise ReaderFailed(_refused(data, f"reading this file took longer than "
                                        f"{TIMEOUT_S:.0f} s, so it was stopped")) from None
    raise ReaderFailed(_refused(data, "this file stopped the workbook reader (it may be damaged, "
                                "or built to exhaust the reader's memory)"))
