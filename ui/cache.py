"""Cached wrappers around the scoring core (keyed by workbook hash and settings)."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from scoring.mcda import Ranking, rank
from scoring.model import BidSet, Settings
from scoring.scenarios import Context, CostDistribution, Scenario, compare, simulate
from scoring.template import template_bytes as _template_bytes
from scoring.workbook import ReadResult
from scoring.workbook import read_workbook as _read


@st.cache_data(max_entries=64, show_spinner=False)
def read_workbook(sha256: str, _data: bytes) -> ReadResult:
    """Parse and validate a workbook once per content hash."""
    return _read(_data)


@st.cache_data(max_entries=256, show_spinner="Scoring bids...")
def ranking(
    sha256: str,
    _bidset: BidSet,
    method: str,
    price_formula: str,
    weights: tuple[tuple[str, float], ...],
    price_floor: float | None,
    price_ceiling: float | None,
) -> Ranking:
    """Rank a workbook's bids; cached by (workbook hash, settings)."""
    return rank(
        _bidset,
        method=method,
        price_formula=price_formula,
        weights=dict(weights),
        price_floor=price_floor,
        price_ceiling=price_ceiling,
    )


@st.cache_data(max_entries=64, show_spinner="Comparing award scenarios...")
def scenarios(
    sha256: str,
    _bidset: BidSet,
    _ranking: Ranking,
    ranking_key: tuple,  # type: ignore[type-arg]
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
    """The blank template workbook, built once per process."""
    return _template_bytes()
