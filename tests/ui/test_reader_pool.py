"""Workbooks read in a worker process: the same result as in the server, and a dead worker is
replaced without a traceback."""

from __future__ import annotations

import threading
import time

import pytest

from bench.workbooks import large_workbook_bytes
from scoring.workbook import read_workbook
from ui import reader_pool


@pytest.fixture
def pool():  # type: ignore[no-untyped-def]
    assert reader_pool.start(1)
    yield reader_pool
    reader_pool.stop()


def _kill_workers() -> int:
    pool = reader_pool._pool
    processes = list(getattr(pool, "_processes", {}).values()) if pool is not None else []
    for p in processes:
        p.kill()
    return len(processes)


def test_a_workbook_read_in_the_worker_is_the_one_read_in_the_server(pool, sample_bytes):
    assert pool.running()
    assert pool.read(sample_bytes) == read_workbook(sample_bytes)
    bad = sample_bytes[: len(sample_bytes) // 2]  # cut short: refused, located, in words
    found = pool.read(bad)
    assert not found.ok and found == read_workbook(bad)


def test_a_worker_killed_between_reads_is_replaced(pool, sample_bytes):
    assert pool.read(sample_bytes).ok
    assert _kill_workers() == 1
    time.sleep(0.2)
    assert pool.read(sample_bytes) == read_workbook(sample_bytes)
    assert pool.running()


def test_a_worker_killed_during_a_read_is_replaced_and_the_read_tried_again(pool):
    data = large_workbook_bytes(2000)
    assert pool.read(data).ok  # the worker is up
    timer = threading.Timer(0.05, _kill_workers)
    timer.start()
    found = pool.read(data)
    timer.join()
    assert found == read_workbook(data)


def test_a_file_that_stops_the_reader_twice_is_refused_in_words(pool, sample_bytes):
    stop = threading.Event()

    def keep_killing() -> None:
        while not stop.is_set():
            _kill_workers()
            time.sleep(0.01)

    killer = threading.Thread(target=keep_killing)
    killer.start()
    try:
        with pytest.raises(pool.ReaderFailed) as failed:
            pool.read(sample_bytes)
    finally:
        stop.set()
        killer.join()
    found = failed.value.result
    assert not found.ok
    (problem,) = found.problems
    assert "stopped the workbook reader" in problem.message and "nothing was stored" in problem.fix
    time.sleep(0.2)
    assert pool.read(sample_bytes).ok  # the next read gets a fresh worker


def test_no_pool_when_none_is_wanted(monkeypatch, sample_bytes):
    monkeypatch.setenv(reader_pool.ENV_WORKERS, "0")
    assert not reader_pool.start() and not reader_pool.running()
    assert reader_pool.read(sample_bytes).ok  # in the server process


def test_reads_failing_together_replace_the_pool_once(pool, sample_bytes):
    broken = pool._pool
    pool._restart(broken)
    pool._restart(broken)  # a second read that failed on the same pool: no error, no new pool
    assert pool._pool is not broken and pool.read(sample_bytes).ok


def test_a_refusal_that_is_not_the_workbook_s_is_not_kept(monkeypatch, sample_bytes):
    from ui import cache

    reads = cache._Reads()
    calls = []

    def failing(data):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise reader_pool.ReaderFailed(reader_pool._refused(data, "stopped"))
        return read_workbook(data)

    monkeypatch.setattr(reader_pool, "read", failing)
    assert not reads("sha", lambda: sample_bytes).ok  # the reader failed: said so, not kept
    assert reads("sha", lambda: sample_bytes).ok  # read again, and this time kept
    assert reads("sha", lambda: sample_bytes).ok and len(calls) == 2
