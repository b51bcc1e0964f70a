"""Widgets of the Report & share page: save form, share link, versions, audit log, reopen."""

from __future__ import annotations

import json
import os

import pandas as pd
import streamlit as st

from scoring.mcda import METHOD_LABELS, PRICE_FORMULA_LABELS
from scoring.model import BidSet
from scoring.report import ReportContext, build_report
from scoring.store import Store
from ui import persistence, state
from ui.widgets import lot_label, md_escape

PAGES = {"evaluate": "Evaluate", "robustness": "Robustness", "scenarios": "Scenarios"}
FLASH = "saved_flash"
PUBLIC_URL = "SSW_PUBLIC_URL"  # the hosted app's address, when the browser's is not known


def base_url(own_path: str) -> str:
    """The app's address as the user reaches it, without this page's path."""
    url = st.context.url or os.environ.get(PUBLIC_URL) or "http://localhost:8501"
    url = url.rstrip("/")
    return url[: -len(own_path) - 1] if url.endswith("/" + own_path) else url


def save_form(db: Store, author: str) -> None:
    ref = persistence.saved()
    title = "Save this evaluation" if ref is None else f"Save version {ref.version.number + 1}"
    with st.form("save_evaluation", border=True, clear_on_submit=True):
        st.markdown(f"**{title}**")
        name = ""
        if ref is None:
            name = st.text_input("Evaluation name", value=state.current().name)
        reason = st.text_area("Reason for this version", height=80,
                              placeholder="e.g. Panel agreed to raise the weight of past performance")
        submitted = st.form_submit_button("Save", type="primary", icon=":material/save:")
        st.caption(f"Saved as **{md_escape(author)}** (recorded with the version and in the "
                   "audit log).")
    if not submitted:
        return
    if not reason.strip():
        st.error("Give a reason: every version records who changed what, and why.")
        return
    try:
        new = persistence.save(db, author=author, reason=reason.strip(), name=name.strip())
    except persistence.StaleVersion as exc:
        st.session_state["stale_message"] = str(exc)
        st.rerun()  # the notice and its reload button sit above the form
    except persistence.StoreError as exc:
        st.error(f"Not saved: {exc}.")
        return
    st.session_state.pop("stale_message", None)
    st.session_state[FLASH] = f"Saved as evaluation #{new.evaluation_id}, version {new.version.number}."
    st.rerun()  # every status line on the page and in the sidebar now shows the new version


def flash() -> None:
    """The confirmation of a save just made (shown once, after the page refreshed)."""
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message, icon=":material/check:")


def stale_notice(db: Store) -> None:
    message = st.session_state.get("stale_message")
    if not message:
        return
    st.error(message, icon=":material/sync_problem:")
    ref = persistence.saved()
    if ref is not None and st.button("Reload the latest version", icon=":material/refresh:",
                                     key="reload_latest"):
        latest = db.latest(ref.evaluation_id)
        persistence.open_version(db, ref.evaluation_id, latest.number)
        st.session_state.pop("stale_message", None)
        st.rerun()


def share_box(ref: persistence.SavedRef) -> None:
    page = st.selectbox("Page to open", list(PAGES), format_func=PAGES.get)
    open_wb = state.current()
    lots = list(open_wb.bidset.lots)
    in_view = st.session_state.get(f"lot_{open_wb.sha256[:16]}")  # the lot shown on Evaluate
    lot = st.selectbox("Lot", lots, format_func=lot_label,
                       index=lots.index(in_view) if in_view in lots else 0) if lots else None
    link = persistence.share_link(base_url("report"), ref, page, lot)
    st.code(link, language=None, wrap_lines=True)
    st.caption("Copy the link with the button at the right of the box. It names the evaluation, "
               "the version and the view only: no bid data, names or scores.")


ITEM_LABELS = {
    "method": "scoring method", "price_formula": "price formula", "price_floor": "price floor",
    "price_ceiling": "price ceiling", "weights": "weights", "sla_gate": "mission-grade SLA gate",
    "scenario": "scenario what-ifs", "snapshot": "workbook snapshot",
    "consensus_open": "consensus open", "prices_visible": "evaluators see prices",
    "consensus_method": "consensus method",
}
ACTION_LABELS = {"setting": "Setting", "workbook": "Workbook", "create evaluation": "Created",
                 "member": "Membership", "panel": "Panel switch", "score": "Score",
                 "moderation": "Moderated value"}


def readable(value: str | None) -> str:
    """An audited value as a person reads it: labels, percentages, '(not set)'."""
    if value is None or value == "null":
        return "(not set)"
    if value in METHOD_LABELS:
        return METHOD_LABELS[value]
    if value in PRICE_FORMULA_LABELS:
        return PRICE_FORMULA_LABELS[value]
    try:
        parsed = json.loads(value)
    except ValueError:
        return value
    if isinstance(parsed, list) and parsed and all(
            isinstance(x, list) and len(x) == 2 and isinstance(x[0], str) for x in parsed):
        parsed = dict(parsed)  # (name, value) pairs, e.g. weights in criterion order
    if isinstance(parsed, dict):
        if all(isinstance(x, (int, float)) for x in parsed.values()) and abs(
                sum(parsed.values()) - 1) < 1e-6:
            return ", ".join(f"{k} {x:.1%}" for k, x in parsed.items())
        return ", ".join(f"{k.replace('_', ' ')} {x}" for k, x in parsed.items())
    if isinstance(parsed, bool):
        return "on" if parsed else "off"
    return value


def versions_frame(db: Store, evaluation_id: int) -> pd.DataFrame:
    return pd.DataFrame([
        {"Version": v.number, "Saved by": v.author, "When (UTC)": v.created_at.replace("T", " ")[:19],
         "Method": METHOD_LABELS.get(v.settings.get("method"), v.settings.get("method")),
         "Workbook SHA-256": v.snapshot_sha256[:16] + "…",
         "Reason": v.reason}
        for v in reversed(db.versions(evaluation_id))
    ])


def audit_frame(db: Store, evaluation_id: int) -> pd.DataFrame:
    return pd.DataFrame([
        {"When (UTC)": e.at.replace("T", " ")[:19], "Who": e.actor, "Version": e.version,
         "What": f"{ACTION_LABELS.get(e.action, e.action)}: {ITEM_LABELS.get(e.item, e.item)}",
         "Old value": readable(e.old_value),
         "New value": readable(e.new_value), "Why": e.reason}
        for e in reversed(db.audit(evaluation_id))
    ])


def reopen(db: Store) -> None:
    evaluations = persistence.visible_evaluations(db)
    if not evaluations:
        st.caption("No saved evaluations yet.")
        return
    chosen = st.selectbox("Evaluation", evaluations,
                          format_func=lambda e: f"#{e.id} {e.name} ({e.latest_version} versions)")
    number = st.number_input("Version", 1, chosen.latest_version, chosen.latest_version)
    if st.button("Open this version", icon=":material/folder_open:"):
        persistence.open_version(db, chosen.id, int(number))
        st.rerun()


def reproduce(db: Store, ref: persistence.SavedRef) -> None:
    data = db.snapshot(ref.version.snapshot_sha256) or b""
    settings = json.dumps(ref.version.settings, indent=2, sort_keys=True)
    stem = f"evaluation-{ref.evaluation_id}-v{ref.version.number}"
    left, right = st.columns(2)
    left.download_button("Workbook snapshot (.xlsx)", data, file_name=f"{stem}.xlsx",
                         icon=":material/download:")
    right.download_button("Settings of this version (.json)", settings, file_name=f"{stem}.json",
                          mime="application/json", icon=":material/download:")
    st.code(f"python -m scoring rank {stem}.xlsx --settings {stem}.json", language="bash")
    st.caption(f"Snapshot SHA-256 {md_escape(ref.version.snapshot_sha256)}: the command gives the "
               "same ranking as the app shows for this version.")


def report_context(db: Store | None) -> tuple[BidSet, ReportContext]:
    """Everything the Excel report records about the view in use."""
    open_wb = state.current()
    _, bidset = persistence.in_use()
    c = state.choices(bidset)
    ref = persistence.saved()
    audit = []
    if db is not None and ref is not None:
        audit = [{"When (UTC)": e.at, "Who": e.actor, "Version": e.version,
                  "What": f"{e.action}: {e.item}", "Old value": e.old_value,
                  "New value": e.new_value, "Why": e.reason} for e in db.audit(ref.evaluation_id)]
    ctx = ReportContext(**c.options(), version_label=persistence.version_label(), audit=audit,
                        workbook_bytes=open_wb.data)
    return bidset, ctx


def report_button(db: Store | None) -> None:
    bidset, ctx = report_context(db)  # read now: the deferred build runs outside the session

    def build() -> bytes:
        return build_report(bidset, ctx)

    st.download_button(
        "Download the evaluation report (.xlsx)", data=build, type="primary",
        file_name="evaluation-report.xlsx", icon=":material/description:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        help="Summary, scores, robustness, scenarios, compliance, audit log and the inputs; "
             "every sheet marked as source selection information.")
