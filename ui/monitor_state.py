"""The performance workbook in use on the Monitor page: one uploaded in this session, else the
latest stored with the saved evaluation, else (for the bundled sample evaluation) the sample's;
read against the evaluation's bid workbook, once per book."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from scoring.performance import PerformanceRead, read_performance
from ui import persistence, state

SAMPLE_PERFORMANCE = Path(__file__).resolve().parent.parent / "data" / "sample_performance.xlsx"
BOOK = "performance_book"  # (its evaluation, or unsaved its workbook's SHA-256, name, bytes)


@dataclass(frozen=True)
class InUse:
    name: str
    data: bytes
    read: PerformanceRead
    source: str  # "uploaded", "stored" or "sample"
    stored: dict[str, Any] | None = None  # the stored book it is (number, by, at, reason)
    books: tuple[dict[str, Any], ...] = ()  # every book stored with the evaluation

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _stored() -> tuple[dict[str, Any], ...]:
    ref, db = persistence.saved(), persistence.store()
    if ref is None or db is None:
        return ()
    try:
        return tuple(db.performance_books(ref.evaluation_id))
    except persistence.DATABASE_ERRORS as exc:
        persistence.log.warning("evaluation database error: %s", exc)
        return ()


def book(upload: Any) -> InUse | None:
    """The book in use, or None when there is none yet."""
    open_wb = state.current()
    ref = persistence.saved()
    owner = f"evaluation {ref.evaluation_id}" if ref is not None else open_wb.sha256
    if upload is not None:
        st.session_state[BOOK] = (owner, upload.name, upload.getvalue())
    books = _stored()
    kept = st.session_state.get(BOOK)
    if kept is not None and kept[0] == open_wb.sha256 and ref is not None and not books:
        kept = st.session_state[BOOK] = (owner, *kept[1:])  # uploaded, then the evaluation saved
    if kept is not None and kept[0] == owner:  # a book belongs to its evaluation
        sha = hashlib.sha256(kept[2]).hexdigest()
        same = next((b for b in books if b["snapshot_sha256"] == sha), None)
        return InUse(kept[1], kept[2], _read(kept[2], open_wb.sha256), "uploaded", same, books)
    if books:
        latest = books[-1]
        db = persistence.store()
        data = db.snapshot(latest["snapshot_sha256"]) if db is not None else None
        if data is not None:
            return InUse(latest["filename"], data, _read(data, open_wb.sha256), "stored", latest,
                         books)
    if open_wb.sha256 != state.sample_sha256():
        return None
    data = SAMPLE_PERFORMANCE.read_bytes()
    return InUse(SAMPLE_PERFORMANCE.name, data, _read(data, open_wb.sha256), "sample", None, books)


def store_form(in_use: InUse) -> None:
    """The chair stores the book in use with the saved evaluation (the next numbered book)."""
    ref, db = persistence.saved(), persistence.store()
    if in_use.stored is not None and in_use.stored["number"] == in_use.books[-1]["number"]:
        s = in_use.stored
        st.caption(f"Stored with evaluation #{ref.evaluation_id if ref else ''} as performance "
                   f"workbook {s['number']} of {len(in_use.books)} (by {s['by']}, "
                   f"{s['at'][:16].replace('T', ' ')} UTC: {s['reason']}).")
        return
    if ref is None or db is None:
        st.caption("Save the evaluation (Report & share) to store this performance workbook with "
                   "it; until then it is used in this session only.")
        return
    if persistence.role(db) != "chair":
        st.caption("The chair stores performance workbooks with the evaluation.")
        return
    with st.form("store_performance"):
        st.markdown(f"**Store this performance workbook with evaluation #{ref.evaluation_id}** "
                    f"(as workbook {len(in_use.books) + 1}; the latest stored is the one opened)")
        reason = st.text_input("Reason", placeholder="e.g. November's figures, as reported",
                               key="perf_store_reason")
        if not st.form_submit_button("Store", icon=":material/save:"):
            return
    if not reason.strip():
        st.error("Give a reason: it is recorded in the audit log.", icon=":material/error:")
        return
    try:
        number = db.save_performance(ref.evaluation_id, in_use.data, in_use.name,
                                     by=_author(), reason=reason.strip())
    except persistence.StoreError as exc:
        st.error(f"Not stored: {exc}.", icon=":material/error:")
        return
    except persistence.DATABASE_ERRORS as exc:
        persistence.log.warning("store failed: %s", exc)
        st.error("Not stored: the evaluation database did not take the write; try again shortly.",
                 icon=":material/error:")
        return
    st.session_state.pop(BOOK, None)  # the stored book is now the one in use
    st.toast(f"Stored as performance workbook {number}.", icon=":material/check:")
    st.rerun()


def _author() -> str:
    from ui import auth

    who = auth.identity()
    return who.user_id if who else "unknown"


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
    if isinstance(found, str):
        st.warning(f"{vendor} cannot be replaced on {component} here: {found}.",
                   icon=":material/warning:")
        return
    award, other = found
    state.replace_evaluation(ev.replace(edited_award=tuple(award.items())))
    st.session_state[REPLACED] = (vendor, component, other)
    st.switch_page("app_pages/scenarios.py")


REPLACED = "monitor_replaced"  # (vendor, component, replacement) the Scenarios page announces


def award_mismatch(book: Any) -> list[str]:
    """Where the book monitors bids other than the award the evaluation states (its hand-edited
    award, when it has one): said, not refused (the contract may have been varied since)."""
    from scoring.model import fold

    ev = state.evaluation()
    if ev.edited_award is None:
        return []
    award = {fold(c): v for c, v in ev.edited_award}
    out = []
    for s in book.services:
        stated = award.get(fold(s.component))
        if stated is not None and fold(stated) != fold(s.vendor):
            out.append(f"The evaluation's award gives {stated} the {s.component} component, but "
                       f"the performance workbook monitors {s.vendor} on it.")
    return out
