"""Script runs take turns; a long computation steps aside; every way a run ends gives the turn
back."""

from __future__ import annotations

import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from ui import turns


@pytest.fixture
def one_turn():  # type: ignore[no-untyped-def]
    turns.configure(1)
    yield
    turns.configure(0)


def _free() -> bool:
    """Whether the one turn is free now (taken and given back at once if so)."""
    sem = turns._turns
    assert sem is not None
    if sem.try_acquire():
        sem.release()
        return True
    return False


def test_runs_take_turns_in_order_and_a_long_computation_steps_aside(one_turn):
    log: list[str] = []

    def run(name: str, long: bool = False) -> None:
        with turns.turn():
            log.append(f"{name} starts")
            if long:
                with turns.aside():  # others run meanwhile
                    time.sleep(0.3)
            else:
                time.sleep(0.05)
            log.append(f"{name} ends")

    first = threading.Thread(target=run, args=("long", True))
    first.start()
    time.sleep(0.05)
    others = [threading.Thread(target=run, args=(n,)) for n in ("a", "b")]
    for t in others:
        t.start()
        time.sleep(0.01)
    for t in (first, *others):
        t.join()
    # a and b ran one at a time, while the long one had stepped aside; it finished after them
    assert log[0] == "long starts" and log[-1] == "long ends"
    middle = log[1:-1]
    assert middle in (["a starts", "a ends", "b starts", "b ends"],
                      ["b starts", "b ends", "a starts", "a ends"])
    assert _free()


def test_a_turn_given_back_goes_to_the_longest_waiting_not_back_to_the_giver(one_turn):
    order: list[str] = []
    hold = threading.Event()

    def greedy() -> None:  # gives its turn back and at once asks again, three times
        with turns.turn():
            hold.wait()
        for _ in range(3):
            with turns.turn():
                order.append("greedy")

    def patient() -> None:
        with turns.turn():
            order.append("patient")

    first = threading.Thread(target=greedy)
    first.start()
    time.sleep(0.05)
    second = threading.Thread(target=patient)
    second.start()
    time.sleep(0.05)  # patient waits for the greedy one's first turn
    hold.set()
    first.join()
    second.join()
    assert order[0] == "patient"  # served before the greedy one came back
    with pytest.raises(RuntimeError, match="not taken"):
        turns._turns.release()  # type: ignore[union-attr]


def test_turns_are_re_entrant_and_off_unless_configured():
    turns.configure(0)
    assert not turns.enabled()
    with turns.turn(), turns.aside():
        pass  # nothing to take or give
    turns.configure(1)
    try:
        with turns.turn(), turns.turn():  # a run inside a run keeps its one turn
            assert not _free()
        assert _free()
    finally:
        turns.configure(0)


@pytest.mark.parametrize("page", ["app_pages/import_bids.py", "app_pages/robustness.py",
                                  "app_pages/panel.py"])
def test_every_way_a_run_ends_gives_the_turn_back(one_turn, page):
    # an ordinary run, a run that stops (Panel: st.stop for an unsaved evaluation), a run with
    # a long part (Robustness: computed aside)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(page).run()
    assert not at.exception and _free()
    at.run()
    assert _free()
