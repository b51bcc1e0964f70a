"""Script runs take turns.

Streamlit runs each session's script in a thread of its own, and every thread shares one
interpreter lock. When thirty users act at once, thirty scripts run at once: each holds the lock
for a few milliseconds before the next forces it out, every run takes thirty times as long, the
switching costs about a third more CPU a run (measured: 20 ms a rerun alone, 26-28 ms among
thirty), and the server's event loop, which sends each run's output, waits its turn among them.
Taking turns, a script runs its Python alone (or with ``SSW_SCRIPT_TURNS`` others), the others
wait without spinning, in the order they came, and each run's output is sent as soon as it is
made.

A run steps aside (``aside``) while it waits or computes for long: robustness, the award
scenarios, reading a workbook. Others take their turn meanwhile, so one long run does not hold up
the rest. The launcher turns this on (``configure``); without it (tests, ``streamlit run``) runs
do not take turns. ``SSW_SCRIPT_TURNS``: how many scripts run at once (default 1; 0: no turns).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

ENV_TURNS = "SSW_SCRIPT_TURNS"

_turns: threading.Semaphore | None = None
_mine = threading.local()  # the semaphore this thread holds a turn of, if any


def wanted() -> int:
    """``SSW_SCRIPT_TURNS`` (default 1); 0, or a value that is not a whole number: no turns."""
    try:
        return max(0, int(os.environ.get(ENV_TURNS, "1")))
    except ValueError:
        return 0


def configure(turns: int | None = None) -> int:
    """How many script runs may run at once from now on (None: ``SSW_SCRIPT_TURNS``; 0: no
    turns). Returns the number set."""
    global _turns
    n = wanted() if turns is None else max(0, turns)
    _turns = threading.Semaphore(n) if n else None
    return n


def enabled() -> bool:
    return _turns is not None


@contextmanager
def turn() -> Iterator[None]:
    """Hold a turn for the block (a whole script run); re-entrant within a thread."""
    sem = _turns
    if sem is None or getattr(_mine, "sem", None) is not None:
        yield
        return
    sem.acquire()
    _mine.sem = sem
    try:
        yield
    finally:
        _mine.sem = None
        sem.release()


@contextmanager
def aside() -> Iterator[None]:
    """Give the turn up for the block (a long computation, a wait) and take it back after."""
    sem = getattr(_mine, "sem", None)
    if sem is None:
        yield
        return
    _mine.sem = None
    sem.release()
    try:
        yield
    finally:
        sem.acquire()
        _mine.sem = sem
