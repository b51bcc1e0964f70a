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


def open_replacement(vendor: str, component: str) -> None:
    """The Scenarios page, with the award in force (the hand-edited one, else the modular award)
    replacing ``vendor`` on ``component`` by the best-ranked bid of another vendor."""
    from scoring.monitor import replacing
    from ui import cache

    ev = state.evaluation()
    results = cache.results(ev, state.current().bidset)
    if ev.edited_award is not None:
        award = dict(ev.edited_award)
    else:
        modular = results.scenarios.named("modular")
        award = {a.component: a.vendor for a in modular.awards} if modular is not None else {}
    found = replacing(award, results.ranking, component, vendor)
    if found is None:
        st.warning(f"No other eligible bid for {component}: {vendor} cannot be replaced there.",
                   icon=":material/warning:")
        return
    award, other = found
    state.replace_evaluation(ev.replace(edited_award=tuple(award.items())))
    st.session_state[REPLACED] = (vendor, component, other)
    st.switch_page("app_pages/scenarios.py")


REPLACED = "monitor_replaced"  # (vendor, component, replacement) the Scenarios page announces
