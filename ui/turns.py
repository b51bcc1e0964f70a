"""Script runs take turns.

Streamlit runs each session's script in a thread of its own, and every thread shares one
interpreter lock. When thirty users act at once, thirty scripts run at once: each holds the lock
for a few milliseconds before the next forces it out, every run takes thirty times as long, the
switching costs about a third more CPU a run (measured: 20 ms a rerun alone, 26-28 ms among
thirty), and the server's event loop, which sends each run's output, waits its turn among them.
Taking turns, a script runs its Python alone (or with ``SSW_SCRIPT_TURNS`` - 1 others), the
others wait without spinning, in the order they came, and each run's output is sent as soon as
it is made.

A run steps aside (``aside``) while it waits or computes for long: robustness, the award
scenarios, reading a workbook. Others take their turn meanwhile, so one long run does not hold up
the rest; it comes back at the head of the queue. Widget callbacks (an upload is read in one)
and deferred downloads (the report, the documents) run outside the turns. The launcher turns
this on (``configure``); without it (tests, ``streamlit run``) runs do not take turns.
``SSW_SCRIPT_TURNS``: how many scripts run at once (default 1; 0: no turns).
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

ENV_TURNS = "SSW_SCRIPT_TURNS"


class Turns:
    """``n`` turns handed out first come, first served: a run that gives its turn back hands it
    to the one that has waited longest (a plain semaphore lets the releasing thread take it
    straight back, ahead of everyone waiting). A run coming back from stepping aside waits at
    the head of the queue: it has waited its turn already."""

    def __init__(self, n: int) -> None:
        self.free = n
        self.n = n
        self.lock = threading.Lock()
        self.waiting: deque[threading.Event] = deque()

    def acquire(self, *, first: bool = False) -> None:
        with self.lock:
            if self.free and not self.waiting:
                self.free -= 1
                return
            ready = threading.Event()
            (self.waiting.appendleft if first else self.waiting.append)(ready)
        ready.wait()  # the turn is handed over with the event: nothing to take

    def try_acquire(self) -> bool:
        with self.lock:
            if self.free and not self.waiting:
                self.free -= 1
                return True
            return False

    def release(self) -> None:
        with self.lock:
            if self.waiting:
                self.waiting.popleft().set()
            elif self.free < self.n:
                self.free += 1
            else:
                raise RuntimeError("a turn was given back that was not taken")


_turns: Turns | None = None
_mine = threading.local()  # the Turns this thread holds a turn of, if any


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
    _turns = Turns(n) if n else None
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
        sem.acquire(first=True)
        _mine.sem = sem
