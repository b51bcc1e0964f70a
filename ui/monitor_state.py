"""The performance workbook in use on the Monitor page: uploaded, or the bundled sample's for
the bundled sample evaluation; read against the evaluation's bid workbook, once per book."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from scoring.performance import PerformanceRead, read_performance
from ui import state

SAMPLE_PERFORMANCE = Path(__file__).resolve().parent.parent / "data" / "sample_performance.xlsx"
BOOK = "performance_book"  # (bid workbook SHA-256, name, bytes) of the book in use


def book(upload: Any) -> tuple[str, PerformanceRead] | None:
    """The book in use (its name and what reading it found), or None: an upload replaces the
    book; the bundled sample evaluation starts with the sample's; another evaluation with none."""
    open_wb = state.current()
    if upload is not None:
        st.session_state[BOOK] = (open_wb.sha256, upload.name, upload.getvalue())
    kept = st.session_state.get(BOOK)
    if kept is None or kept[0] != open_wb.sha256:  # a book belongs to its evaluation's workbook
        if open_wb.sha256 != state.sample_sha256():
            return None
        kept = (open_wb.sha256, SAMPLE_PERFORMANCE.name, SAMPLE_PERFORMANCE.read_bytes())
    return kept[1], _read(kept[2], open_wb.sha256)


@st.cache_data(max_entries=16, show_spinner=False)
def _read(data: bytes, workbook_sha256: str) -> PerformanceRead:
    return read_performance(data, state.current().bidset)
