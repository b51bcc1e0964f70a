"""Cached wrappers around the scoring core (keyed by workbook hash and settings)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import streamlit as st

from scoring.mcda import Ranking, rank
from scoring.model import BidSet, Settings
from scoring.scenarios import Context, CostDistribution, Scenario, compare, simulate
from scoring.sensitivity import (
    Acceptability,
    LotModel,
    Reversal,
    acceptability,
    lot_models,
    rank_reversal,
    stability_table,
)
from scoring.template import template_bytes as _template_bytes
from scoring.workbook import ReadResult

if TYPE_CHECKING:
    from ui.state import EvaluationChoices
from scoring.workbook import read_workbook as _read


@st.cache_data(max_entries=64, show_spinner=False)
def read_workbook(sha256: str, _data: bytes) -> ReadResult:
    """Parse and validate a workbook once per content hash."""
    return _read(_data)


@st.cache_data(max_entries=256, show_spinner="Scoring bids...")
def ranking(sha256: str, _bidset: BidSet, choices: EvaluationChoices) -> Ranking:
    """Rank a workbook's bids; cached by (workbook hash, choices)."""
    return rank(_bidset, **choices.options())


@st.cache_data(max_entries=64, show_spinner="Comparing award scenarios...")
def scenarios(
    sha256: str,
    _bidset: BidSet,
    _ranking: Ranking,
    choices: EvaluationChoices,
    settings: Settings,
    edited: tuple[tuple[str, str], ...] | None,
    draws: int = 100_000,
) -> tuple[list[Scenario], dict[str, CostDistribution]]:
    """Compare awards and simulate their costs; cached by (workbook, choices, what-ifs, edit)."""
    bidset = replace(_bidset, settings=settings)
    found = compare(bidset, _ranking, settings, dict(edited) if edited is not None else None)
    dist = simulate(Context(bidset, _ranking, settings), found, draws=draws, seed=0)
    return found, dist


@st.cache_data(show_spinner=False)
def template_bytes() -> bytes:
    """The template workbook (instructions, drop-downs, example rows), built once per process."""
    return _template_bytes()


@dataclass(frozen=True)
class Robustness:
    models: list[LotModel]
    acceptability: list[Acceptability]
    stability: dict[str, dict[str, tuple[float, float]]]
    reversals: list[Reversal]


@st.cache_resource
def _robustness_store() -> tuple[OrderedDict, threading.Lock]:  # type: ignore[type-arg]
    return OrderedDict(), threading.Lock()


def robustness(
    sha256: str,
    bidset: BidSet,
    choices: EvaluationChoices,
    draws: int,
    seed: int,
    mode: str,
    concentration: float,
    progress: Callable[[float], None] | None = None,
) -> Robustness:
    """SMAA, stability and reversal for a workbook and its settings, kept per process.

    Not st.cache_data: a first computation reports its progress to the page as it goes.
    """
    key = (sha256, choices, draws, seed, mode, concentration)
    store, lock = _robustness_store()
    with lock:
        if key in store:
            store.move_to_end(key)
            return store[key]
    options = choices.options()
    models = lot_models(bidset, **options)
    acc = acceptability(models, draws=draws, seed=seed, mode=mode, concentration=concentration,
                        progress=progress)
    result = Robustness(models, acc, stability_table(models), rank_reversal(bidset, **options))
    with lock:
        store[key] = result
        while len(store) > 32:
            store.popitem(last=False)
    return result
