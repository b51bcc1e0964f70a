"""Saved evaluations in the app: the store connection, versions, share links, the live panel.

The database is named in ``.streamlit/secrets.toml`` as ``[connections.evaluations]`` (for
example PostgreSQL); without it, a SQLite file in the user's data directory (or the file
``SSW_DATABASE_URL`` names) is used through the same ``st.connection``.

A saved version holds one Evaluation value, the panel record as of the save included. Opening
a version (from the list, or through a share link) makes exactly that value the evaluation in
use, whatever the panel has done since; the pages then say when the live panel record differs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from scoring import weight_lock
from scoring.evaluation import Evaluation, EvaluationError, PanelRecord, check
from scoring.store import (
    FLAG_DEFAULTS,
    EvaluationInfo,
    StaleVersion,
    Store,
    StoreError,
    Version,
    default_url,
    prepare_engine,
)
from scoring.weight_lock import WeightsLock
from ui import auth, state

APPLIED_LINK = "applied_share_link"
log = logging.getLogger(__name__)
DATABASE_ERRORS = (SQLAlchemyError, OSError)  # the database went away, or its disk is full
MAX_ID = 2**31 - 1  # evaluation and version numbers are 32-bit integers in the database
DEFAULT_PAGE = "evaluate"  # url_path of the page st.navigation serves at "/"
SAVED = state.SAVED


@dataclass(frozen=True)
class SavedRef:
    evaluation_id: int
    name: str
    version: Version  # the version in use
    head: int = 0  # the evaluation's latest version when this one was opened or saved

    @property
    def based_on(self) -> int:
        """The version a save builds on: a save is stale only if someone saved after ``head``."""
        return max(self.head, self.version.number)


@dataclass(frozen=True)
class Status:
    """Where the evaluation in use stands against its saved version and the live panel."""

    saved: SavedRef | None
    changes: tuple[str, ...]  # what differs from the saved version (in words)
    live_panel: PanelRecord | None  # the panel's entries now (saved evaluations only)
    panel_moved: bool = False  # the live panel has entries the evaluation in use does not include

    def label(self) -> str:
        if self.saved is None:
            return "not saved"
        text = f"saved evaluation #{self.saved.evaluation_id}, version {self.saved.version.number}"
        if self.changes:
            text += " with unsaved changes (" + ", ".join(self.changes) + ")"
        if self.panel_moved:
            text += f" · panel entries changed since version {self.saved.version.number}"
        return text


def _has_secret_connection() -> bool:
    return state.in_secrets("connections", "evaluations")


@st.cache_resource(show_spinner="Connecting to the evaluation database...")
def _store_for(url: str | None) -> Store:
    if url is None:
        engine = st.connection("evaluations", type="sql").engine
    else:
        engine = st.connection("evaluations", type="sql", url=url).engine
    return Store(prepare_engine(engine))


RETRY_OPEN_S = 15.0  # after the database could not be opened, seconds before trying again
_open_failed: dict[str | None, tuple[float, str]] = {}  # per database: when, and what was said


def _open() -> Store:
    """The store, opened once per process; after a failure to open it, the same failure again
    for RETRY_OPEN_S without trying (runs take turns: each attempt would hold everyone up)."""
    url = None if _has_secret_connection() else default_url()
    failed = _open_failed.get(url)
    if failed is not None and time.monotonic() - failed[0] < RETRY_OPEN_S:
        raise StoreError(failed[1])
    try:
        found = _store_for(url)
    except StoreError as exc:
        _open_failed[url] = (time.monotonic(), str(exc))
        raise
    except Exception as exc:  # driver or configuration errors
        log.error("the evaluation database could not be opened: %s", exc)  # for the operator
        _open_failed[url] = (time.monotonic(), CANNOT_OPEN)
        raise StoreError(CANNOT_OPEN) from exc
    _open_failed.pop(url, None)
    return found


CANNOT_OPEN = ("the evaluation database could not be opened. An administrator should check the "
               "[connections.evaluations] settings (the server's log says what failed)")


def store() -> Store | None:
    """The evaluation store, or None (after saying why) when the database is unavailable."""
    try:
        return _open()
    except StoreError as exc:
        st.warning(f"Saving and sharing are unavailable: {exc}", icon=":material/cloud_off:")
    return None


@contextmanager
def database_guard() -> Iterator[None]:
    """A page whose database goes away mid-session says so in words (the detail goes to the
    log) instead of failing; the evaluation in use stays as it is."""
    try:
        yield
    except DATABASE_ERRORS as exc:
        log.warning("evaluation database error: %s", exc)
        st.warning("The evaluation database is not answering, so saved evaluations, the panel and "
                   "the audit log are unavailable for now; nothing was changed. The evaluation in "
                   "use is kept: try again shortly.", icon=":material/cloud_off:")
        st.stop()


def saved() -> SavedRef | None:
    return st.session_state.get(SAVED)


def left_behind() -> SavedRef | None:
    """The saved evaluation that a new upload (or the sample) replaced in this session."""
    return st.session_state.get(state.LEFT)


STATUS = "evaluation_status"  # (evaluation, saved ref, Status) of this run


def status(*, fresh: bool = False) -> Status:
    """The evaluation in use against its saved version and the live panel. Read once a run (the
    app reads it first, with ``fresh``); a change within the run gives a new one."""
    ref, ev = saved(), state.evaluation()
    kept = st.session_state.get(STATUS)
    if not fresh and kept is not None and kept[0] is ev and kept[1] is ref:
        return kept[2]
    if ref is None:
        found = Status(None, ("not saved yet",), None)
    else:
        db = _quiet_store()
        try:
            live = (db.panel_record(ref.evaluation_id).applicable(state.current().bidset)
                    if db is not None else None)  # entries on bids this workbook no longer has: none
        except DATABASE_ERRORS as exc:  # the pages say so through database_guard
            log.warning("evaluation database error: %s", exc)
            live = None
        found = Status(ref, tuple(ev.changes_from(ref.version.evaluation)), live,
                       live is not None and not live.same_entries(ev.panel))
    st.session_state[STATUS] = (ev, ref, found)
    return found


def _quiet_store() -> Store | None:
    try:
        return _open()
    except StoreError:
        return None


def unsaved_changes() -> list[str]:
    """What differs between the evaluation in use and the saved version (empty when in step)."""
    return list(status().changes)


def version_label() -> str:
    return status().label()


def include_live_panel(db: Store) -> None:
    """Take the panel's entries as they are now into the evaluation in use (an unsaved change)."""
    ref = saved()
    if ref is None:
        return
    ev = state.evaluation()
    live = db.panel_record(ref.evaluation_id).applicable(state.current().bidset)
    state.set_evaluation(ev.replace(panel=live))


def panel_notice(found: Status) -> None:
    """Say that the live panel record moved on since the version in use, and offer to take it in."""
    assert found.saved is not None
    number = found.saved.version.number
    ev = state.evaluation()
    st.warning(
        f"**Panel entries changed since version {number}.** The figures shown use the panel record "
        f"of the evaluation in use ({_counts(ev.panel)}); the panel now has "
        f"{_counts(found.live_panel) if found.live_panel is not None else 'other entries'}. Take "
        "the latest entries in to see their effect, then save a new version to record them.",
        icon=":material/group:")
    db = _quiet_store()
    if db is not None and st.button("Take in the latest panel entries", icon=":material/sync:",
                                    key="take_in_panel"):
        include_live_panel(db)
        st.rerun()


def _counts(record: PanelRecord) -> str:
    parts = [(len(record.scores), "score"), (len(record.moderations), "moderation"),
             (len(record.findings), "finding"), (len(record.narratives), "consensus narrative")]
    said = [f"{n} {what}{'' if n == 1 else 's'}" for i, (n, what) in enumerate(parts) if n or i < 2]
    return ", ".join(said[:-1]) + " and " + said[-1]


def role(db: Store | None = None) -> str:
    """The user's role on the evaluation in use: chair, evaluator or viewer.

    In local mode, and for work not saved yet, the single user chairs. Signed in, it is the
    role stored with the saved evaluation.
    """
    who = auth.identity()
    ref = saved()
    if who is None or who.local or ref is None:
        return "chair"
    db = db or store()
    try:
        found = db.role(ref.evaluation_id, who.user_id) if db is not None else None
    except DATABASE_ERRORS as exc:
        log.warning("evaluation database error: %s", exc)
        return "unavailable"  # access cannot be checked: show nothing of the evaluation
    if db is None:
        return "unavailable"
    return found or "none"


def may_revise(db: Store, left: SavedRef) -> bool:
    """Whether this user may save a revised bid book into ``left``: its chair only."""
    who = auth.identity()
    return who is None or who.local or db.role(left.evaluation_id, who.user_id) == "chair"


def visible_evaluations(db: Store) -> list[EvaluationInfo]:
    """Saved evaluations this user may open (all of them in local mode)."""
    who = auth.identity()
    if who is None or who.local:
        return db.evaluations()
    return db.evaluations_for(who.user_id)


REMOVED = "removed_from_evaluation"


def drop_evaluation() -> None:
    """The user is no longer a member of the evaluation in use: nothing of it stays in the
    session (its workbook, its name, the link that opened it); the sample opens instead."""
    ref = st.session_state.pop(SAVED, None)
    st.session_state.pop(state.LEFT, None)
    st.session_state.pop(STATUS, None)
    state.open_sample()
    if ref is not None:
        st.session_state[REMOVED] = ref.evaluation_id


def forget_revoked_left_behind(db: Store | None = None) -> None:
    """The saved evaluation a new upload replaced stays in the session (to save a revised bid
    book into it) only while this user is still a member of it; once removed, or when access
    cannot be checked, nothing of it stays."""
    left = left_behind()
    who = auth.identity()
    if left is None or who is None or who.local:
        return
    db = db or store()
    try:
        member = db is not None and db.role(left.evaluation_id, who.user_id) is not None
    except DATABASE_ERRORS as exc:
        log.warning("evaluation database error: %s", exc)
        member = False
    if not member:
        st.session_state.pop(state.LEFT, None)
        st.session_state.pop(STATUS, None)
        st.session_state[REMOVED_LEFT] = left.evaluation_id


REMOVED_LEFT = "removed_from_earlier_evaluation"


def removal_notice() -> None:
    earlier = st.session_state.pop(REMOVED_LEFT, None)
    if earlier is not None:
        st.warning(f"You are no longer a member of evaluation #{earlier}: nothing of it is kept "
                   "in this session, and this work cannot be saved into it.",
                   icon=":material/person_remove:")
    evaluation_id = st.session_state.pop(REMOVED, None)
    if evaluation_id is not None:
        st.warning(f"You are no longer a member of evaluation #{evaluation_id}: nothing of it is "
                   "shown here any more. The bundled sample is open instead.",
                   icon=":material/person_remove:")


FLAGS = "panel_flags_read"  # (evaluation id, its panel switches) as read this run


def panel_flags(db: Store | None = None, *, fresh: bool = False) -> dict[str, str]:
    """The saved evaluation's panel switches (the defaults for an unsaved one: no read). Read
    once a run: the app reads them first, with ``fresh``; the pages then get the same."""
    ref = saved()
    if ref is None:
        return dict(FLAG_DEFAULTS)
    kept = st.session_state.get(FLAGS)
    if not fresh and kept is not None and kept[0] == ref.evaluation_id:
        return dict(kept[1])
    db = db or store()
    if db is None:
        return dict(FLAG_DEFAULTS)
    try:
        found = db.flags(ref.evaluation_id)
    except DATABASE_ERRORS as exc:
        log.warning("evaluation database error: %s", exc)
        return dict(FLAG_DEFAULTS)  # closed: blind scoring, no prices
    st.session_state[FLAGS] = (ref.evaluation_id, found)
    return dict(found)


def weights_lock(db: Store | None = None) -> WeightsLock | None:
    """The saved evaluation's weights lock and its changes (None when not locked, or unsaved);
    the audit log is read only when the switch says the weights are locked."""
    ref = saved()
    if ref is None or panel_flags().get(weight_lock.FLAG) != "yes":
        return None
    db = db or store()
    if db is None:
        return None
    try:
        return db.weights_lock(ref.evaluation_id)
    except DATABASE_ERRORS as exc:
        log.warning("evaluation database error: %s", exc)
        return None


def weights_moved(ev: Evaluation) -> bool:
    """Whether the weights in use differ from the saved version's (a save then needs a reason
    once the weights are locked)."""
    ref = saved() or left_behind()
    if ref is None:
        return False
    before, after = ref.version.evaluation.scoring.normalised_weights(), ev.scoring.normalised_weights()
    return any(abs(before.get(k, 0.0) - after.get(k, 0.0)) > 1e-9 for k in {*before, *after})


SEALED = "prices_sealed"  # whether this run's pages may show prices (see sealed)


def envelope(flags: dict[str, str]) -> str:
    """The evaluation's price envelope: sealed if the workbook open says so, or if the saved
    evaluation was ever sealed (a later workbook cannot open it), else open."""
    sealed_here = state.current().bidset.settings.price_envelope == "sealed"
    return "sealed" if sealed_here or flags.get("price_envelope") == "sealed" else "open"


def sealed(*, fresh: bool = False, flags: dict[str, str] | None = None) -> bool:
    """Whether the prices are sealed in this run: the price envelope is sealed (``envelope``) and
    the chair has not unsealed them (a new, unsaved evaluation of a sealed workbook stays
    sealed; so does one whose switches cannot be read). Read once a run: the app reads it first,
    with ``fresh``."""
    if not fresh and SEALED in st.session_state:
        return bool(st.session_state[SEALED])
    flags = panel_flags() if flags is None else flags
    found = envelope(flags) == "sealed" and flags.get("prices_unsealed") != "yes"
    st.session_state[SEALED] = found
    return found


def open_version(db: Store, evaluation_id: int, number: int) -> SavedRef:
    """Make a saved version the evaluation in use, exactly as it was saved."""
    who = auth.identity()
    if who is not None and not who.local and db.role(evaluation_id, who.user_id) is None:
        raise StoreError("you are not a member of this evaluation")
    version = db.version(evaluation_id, number)
    info = db.evaluation(evaluation_id)
    if version is None or info is None:
        raise StoreError(f"Evaluation #{evaluation_id} has no version {number}")
    data = db.snapshot(version.snapshot_sha256)
    if data is None:
        raise StoreError("The workbook snapshot of this version is missing")
    opened = state.OpenWorkbook.of(db.snapshot_name(version.snapshot_sha256) or info.name, data)
    if not opened.result.ok:
        raise StoreError("The workbook snapshot of this version no longer passes the checks of this "
                         "release: " + "; ".join(str(p) for p in opened.result.problems[:3]))
    try:
        check(version.evaluation, opened.bidset)
    except EvaluationError as exc:
        raise StoreError(f"Version {number} cannot be used with its workbook: {exc}") from exc
    st.session_state[state.WORKBOOK] = opened
    ref = SavedRef(evaluation_id, info.name, version, info.latest_version)
    st.session_state[SAVED] = ref
    st.session_state.pop(state.LEFT, None)
    state.replace_evaluation(version.evaluation)
    return ref


def apply_share_link() -> None:
    """On arrival through a share link, open the version it names (once per link)."""
    params = st.query_params
    if "evaluation" not in params or "version" not in params:
        return
    key = (params.get("evaluation"), params.get("version"))
    if st.session_state.get(APPLIED_LINK) == key:
        return
    st.session_state[APPLIED_LINK] = key
    try:
        evaluation_id, number = int(str(key[0])[:12]), int(str(key[1])[:12])
        if not (1 <= evaluation_id <= MAX_ID and 1 <= number <= MAX_ID):
            raise ValueError("out of range")
    except (TypeError, ValueError):
        st.error("This share link is damaged: its evaluation or version is not a number the app "
                 "gives. Open the app without the link to work on your own evaluation.")
        st.stop()
    db = store()
    if db is None:
        return
    try:
        open_version(db, evaluation_id, number)
    except StoreError as exc:
        st.error(f"This share link cannot be opened: {exc}. Open the app without the link to "
                 "work on your own evaluation.")
        st.stop()
    except DATABASE_ERRORS as exc:
        log.warning("evaluation database error: %s", exc)
        st.error("This share link cannot be opened now: the evaluation database is not answering. "
                 "Try again shortly.")
        st.stop()
    if params.get("lot") is not None:
        state.set_view_lot(params.get("lot"))


def share_link(base_url: str, ref: SavedRef, page: str, lot: str | None) -> str:
    """A link that reproduces the view: evaluation, version, page and lot; no bid data."""
    query: dict[str, object] = {"evaluation": ref.evaluation_id, "version": ref.version.number}
    if lot is not None:
        query["lot"] = lot
    path = "" if page == DEFAULT_PAGE else page  # the default page lives at the app's root
    return f"{base_url.rstrip('/')}/{path}?{urlencode(query)}"


NEW, NEXT, REVISED = "new", "next", "revised"


def save(db: Store, *, author: str, reason: str, name: str = "", target: str = NEXT,
         weights_reason: str = "") -> SavedRef:
    """Save the evaluation in use exactly as shown: a new evaluation, the next version of the one
    opened, or (chosen explicitly) a revised bid book for the saved evaluation it replaced."""
    open_wb = state.current()
    ev = state.evaluation()
    ref = saved()
    if ref is None and target == NEXT:
        target = NEW
    if target == NEW:
        version = db.create(name or open_wb.name, open_wb.data, open_wb.name, ev,
                            author=author, reason=reason)
        ref = SavedRef(version.evaluation_id, name or open_wb.name, version, version.number)
    elif target == REVISED:
        left = left_behind()
        if left is None:
            raise StoreError("there is no saved evaluation to revise")
        if not may_revise(db, left):
            raise StoreError(f"only the chair of evaluation #{left.evaluation_id} may save a "
                             "revised bid book into it")
        version = db.save(left.evaluation_id, left.based_on, ev, author=author, reason=reason,
                          workbook=open_wb.data, filename=open_wb.name, replace_workbook=True,
                          weights_reason=weights_reason)
        ref = SavedRef(left.evaluation_id, left.name, version, version.number)
        st.session_state.pop(state.LEFT, None)
    else:
        assert ref is not None
        version = db.save(ref.evaluation_id, ref.based_on, ev, author=author, reason=reason,
                          weights_reason=weights_reason)
        ref = SavedRef(ref.evaluation_id, ref.name, version, version.number)
    if (open_wb.bidset.settings.price_envelope == "sealed"
            and db.flags(ref.evaluation_id)["price_envelope"] != "sealed"):
        # the evaluation is sealed from now on, whatever workbook a later version holds
        db.set_flag(ref.evaluation_id, "price_envelope", "sealed", by=author,
                    reason="the workbook's price envelope is sealed")
    st.session_state[SAVED] = ref
    return ref


def reproduce_bundle(db: Store, ref: SavedRef) -> bytes:
    """A zip of the version's workbook snapshot and its evaluation JSON, with the commands."""
    import io
    import zipfile

    stem = f"evaluation-{ref.evaluation_id}-v{ref.version.number}"
    data = db.snapshot(ref.version.snapshot_sha256)
    if data is None:
        raise StoreError("the workbook snapshot of this version is missing")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{stem}.xlsx", data)
        zf.writestr(f"{stem}.json", ref.version.evaluation.to_json())
        zf.writestr("REPRODUCE.txt", reproduce_commands(stem) + "\n")
    return buf.getvalue()


def reproduce_commands(stem: str) -> str:
    files = f"{stem}.xlsx --settings {stem}.json"
    return "\n".join([
        f"python -m scoring rank {files}",
        f"python -m scoring scenarios {files}",
        f"python -m scoring sensitivity {files}",
        f"python -m scoring compliance {files}",
        f"python -m scoring panel {files}",
        f"python -m scoring report {stem}.xlsx {stem}-report.xlsx --settings {stem}.json",
    ])


__all__ = ["SavedRef", "StaleVersion", "Status", "StoreError", "apply_share_link", "include_live_panel",
           "open_version", "panel_flags", "reproduce_bundle", "role", "save", "saved", "share_link",
           "status", "store", "unsaved_changes", "version_label", "visible_evaluations"]
