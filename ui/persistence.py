"""Saved evaluations in the app: the store connection, share links, saving and reloading.

The database is named in ``.streamlit/secrets.toml`` as ``[connections.evaluations]`` (for
example PostgreSQL); without it, a SQLite file in the user's data directory (or the file
``SSW_DATABASE_URL`` names) is used through the same ``st.connection``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from scoring.model import BidSet
from scoring.panel import apply, consensus, merge_scores
from scoring.store import (
    FLAG_DEFAULTS,
    StaleVersion,
    Store,
    StoreError,
    Version,
    default_url,
    prepare_engine,
)
from ui import auth, state, widgets

SAVED = "saved_version"  # SavedRef of what the session opened or last saved
APPLIED_LINK = "applied_share_link"
WHAT_IF = "scenario_what_if"  # dict of scenario what-if settings, set by the Scenarios page
VIEW_PARAMS = ("page", "lot", "method")
DEFAULT_PAGE = "evaluate"  # url_path of the page st.navigation serves at "/"


@dataclass(frozen=True)
class SavedRef:
    evaluation_id: int
    name: str
    version: Version


def _has_secret_connection() -> bool:
    return state.in_secrets("connections", "evaluations")


@st.cache_resource(show_spinner="Connecting to the evaluation database...")
def _store_for(url: str | None) -> Store:
    if url is None:
        engine = st.connection("evaluations", type="sql").engine
    else:
        engine = st.connection("evaluations", type="sql", url=url).engine
    return Store(prepare_engine(engine))


def store() -> Store | None:
    """The evaluation store, or None (after saying why) when the database is unavailable."""
    try:
        return _store_for(None if _has_secret_connection() else default_url())
    except StoreError as exc:
        st.warning(f"Saving and sharing are unavailable: {exc}", icon=":material/cloud_off:")
    except Exception as exc:  # driver or configuration errors: say so, keep the app usable
        st.warning("Saving and sharing are unavailable: the evaluation database could not be "
                   f"opened ({type(exc).__name__}). Check the [connections.evaluations] settings.",
                   icon=":material/cloud_off:")
    return None


def saved() -> SavedRef | None:
    return st.session_state.get(SAVED)


def current_settings(bidset_sha: str) -> dict[str, Any]:
    """What a version stores: the scoring choices in use (and scenario what-ifs, if set)."""
    open_wb = state.current()
    c = state.choices(open_wb.bidset)
    out: dict[str, Any] = {
        "method": c.method,
        "price_formula": c.price_formula,
        "weights": {k: float(v) for k, v in c.weights},
        "price_floor": c.price_floor,
        "price_ceiling": c.price_ceiling,
    }
    if c.sla_gate:
        out["sla_gate"] = True
    what_if = saved_what_if(bidset_sha)
    if what_if and what_if != {k: getattr(open_wb.bidset.settings, k) for k in what_if}:
        out["scenario"] = what_if  # only what-ifs that differ from the workbook's Settings
    return out


def unsaved_changes() -> list[str]:
    """What differs between the view in use and the saved version (empty when in step)."""
    ref = saved()
    if ref is None:
        return ["not saved yet"]
    open_wb = state.current()
    changes = []
    if open_wb.sha256 != ref.version.snapshot_sha256:
        changes.append("workbook")
    now = current_settings(open_wb.sha256)
    for key in sorted(set(now) | set(ref.version.settings)):
        if not _same(now.get(key), ref.version.settings.get(key)):
            changes.append(key.replace("_", " "))
    return changes


def _same(a: Any, b: Any) -> bool:
    """Equal settings values, numbers to 1e-12 (weights pass through a float round trip)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(float(a) - float(b)) <= 1e-12 * max(1.0, abs(float(a)), abs(float(b)))
    return a == b


def version_label() -> str:
    """Where the view in use stands: its saved evaluation and version, and unsaved changes."""
    ref = saved()
    if ref is None:
        return "not saved"
    label = f"saved evaluation #{ref.evaluation_id}, version {ref.version.number}"
    return label + (" with unsaved changes" if unsaved_changes() else "")


def saved_what_if(sha256: str) -> dict[str, Any] | None:
    """Scenario what-ifs of the session (or of the saved version opened) for this workbook."""
    what_if = st.session_state.get(WHAT_IF)
    if what_if and what_if.get("sha256") == sha256:
        return {k: v for k, v in what_if.items() if k != "sha256"}
    return None


def remember_what_if(sha256: str, values: dict[str, Any]) -> None:
    st.session_state[WHAT_IF] = {"sha256": sha256, **values}


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
    found = db.role(ref.evaluation_id, who.user_id) if db is not None else None
    return found or "none"


def visible_evaluations(db: Store) -> list:  # type: ignore[type-arg]
    """Saved evaluations this user may open (all of them in local mode)."""
    who = auth.identity()
    if who is None or who.local:
        return db.evaluations()
    return db.evaluations_for(who.user_id)


def panel_flags(db: Store | None = None) -> dict[str, str]:
    ref = saved()
    db = db or store()
    if ref is None or db is None:
        return dict(FLAG_DEFAULTS)
    return db.flags(ref.evaluation_id)


def in_use() -> tuple[str, BidSet]:
    """(cache key, BidSet) of the evaluation in use, with the panel's consensus applied.

    Scores entered on the Panel page and the chair's moderations replace the workbook's values
    of the same cells; the key changes with them, so cached rankings follow.
    """
    open_wb = state.current()
    ref = saved()
    db = store() if ref is not None else None
    if db is None or ref is None or ref.version.snapshot_sha256 != open_wb.sha256:
        return open_wb.sha256, open_wb.bidset
    bidset = open_wb.bidset
    entered = db.scores(ref.evaluation_id)
    mods = db.moderations(ref.evaluation_id)
    method = db.flags(ref.evaluation_id)["consensus_method"]
    if not entered and not mods and method == "median":
        return open_wb.sha256, bidset
    cells = consensus(bidset, merge_scores(bidset, bidset.panel_scores, entered), method=method,
                      moderations=mods)
    fingerprint = hashlib.sha256(repr([(c.vendor, c.lot, c.criterion, c.score)
                                       for c in cells]).encode()).hexdigest()[:16]
    return f"{open_wb.sha256}:{fingerprint}", apply(bidset, cells)


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
    name = info.name
    st.session_state[state.WORKBOOK] = state.OpenWorkbook(
        name, hashlib.sha256(data).hexdigest(), data)
    s = version.settings
    order = [c.name for c in state.current().bidset.criteria]  # the workbook's order, not JSON's
    state.set_choices(state.EvaluationChoices(
        version.snapshot_sha256, s["method"], s["price_formula"],
        tuple((k, float(s["weights"][k])) for k in order if k in s["weights"]),
        s.get("price_floor"), s.get("price_ceiling"), bool(s.get("sla_gate", False))))
    st.session_state.get(widgets.POINTS, {}).pop(version.snapshot_sha256, None)
    st.session_state.pop(WHAT_IF, None)
    if "scenario" in s:
        st.session_state[WHAT_IF] = {"sha256": version.snapshot_sha256, **s["scenario"]}
    ref = SavedRef(evaluation_id, info.name, version)
    st.session_state[SAVED] = ref
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
        evaluation_id, number = int(key[0]), int(key[1])
    except (TypeError, ValueError):
        st.error("This share link is damaged: its evaluation or version is not a number. "
                 "Open the app without the link to work on your own evaluation.")
        st.stop()
    db = store()
    if db is None:
        return
    try:
        ref = open_version(db, evaluation_id, number)
    except StoreError as exc:
        st.error(f"This share link cannot be opened: {exc}. Open the app without the link to "
                 "work on your own evaluation.")
        st.stop()
    sha = ref.version.snapshot_sha256[:16]
    if params.get("lot") is not None:
        st.session_state[f"lot_{sha}"] = params.get("lot")
        st.session_state[f"robust_lot_{sha}"] = params.get("lot")


def share_link(base_url: str, ref: SavedRef, page: str, lot: str | None) -> str:
    """A link that reproduces the view: evaluation, version and view settings, no bid data."""
    query = {"evaluation": ref.evaluation_id, "version": ref.version.number,
             "method": ref.version.settings["method"]}
    if lot is not None:
        query["lot"] = lot
    path = "" if page == DEFAULT_PAGE else page  # the default page lives at the app's root
    return f"{base_url.rstrip('/')}/{path}?{urlencode(query)}"


def save(db: Store, *, author: str, reason: str, name: str = "") -> SavedRef:
    """Save the view in use: a new evaluation, or a new version on top of the one opened."""
    open_wb = state.current()
    settings = current_settings(open_wb.sha256)
    ref = saved()
    if ref is None:
        version = db.create(name or open_wb.name, open_wb.data, open_wb.name, settings,
                            author=author, reason=reason)
        ref = SavedRef(version.evaluation_id, name or open_wb.name, version)
    else:
        changed = open_wb.sha256 != ref.version.snapshot_sha256
        version = db.save(ref.evaluation_id, ref.version.number, settings, author=author,
                          reason=reason, workbook=open_wb.data if changed else None,
                          filename=open_wb.name)
        ref = SavedRef(ref.evaluation_id, ref.name, version)
    st.session_state[SAVED] = ref
    return ref


__all__ = ["SavedRef", "StaleVersion", "StoreError", "apply_share_link", "current_settings",
           "in_use", "open_version", "panel_flags", "role", "save", "saved", "share_link",
           "store", "unsaved_changes", "visible_evaluations", "VIEW_PARAMS"]
