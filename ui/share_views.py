"""Widgets of the Report & share page: save form, share link, versions, audit log, reopen."""

from __future__ import annotations

import json
import os

import pandas as pd
import streamlit as st

from scoring.mcda import METHOD_LABELS, PRICE_FORMULA_LABELS, ScoringError
from scoring.report import ReportContext, build_report
from scoring.settings import SPECS
from scoring.store import Store
from ui import cache, controls, persistence, state
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
    left = persistence.left_behind()
    open_wb = state.current()
    title = "Save this evaluation" if ref is None else f"Save version {ref.version.number + 1}"
    choices = [persistence.NEW]
    if ref is None and left is not None and persistence.may_revise(db, left):
        choices.append(persistence.REVISED)
    with st.form("save_evaluation", border=True, clear_on_submit=True):
        st.markdown(f"**{title}**")
        target = persistence.NEXT if ref is not None else persistence.NEW
        name = ""
        if ref is None:
            if len(choices) > 1:
                old = left.version.snapshot_sha256 if left else ""
                target = st.radio("Save as", choices, format_func=lambda c: (
                    "a new evaluation" if c == persistence.NEW else
                    f"a revised bid book for evaluation #{left.evaluation_id} {left.name}: its "
                    f"workbook {old[:12]}… is replaced by this one, {open_wb.sha256[:12]}…"
                    if left else ""),
                    help="A revised bid book is a new version of the same procurement's "
                         "evaluation with another workbook; the audit log records both "
                         "snapshots. It records the figures shown here: the panel's entries on "
                         "the old workbook are not in them until you take them in after saving "
                         "(a notice offers it). Anything else is a new evaluation.")
            name = st.text_input("Evaluation name", value=open_wb.name,
                                 help="For a new evaluation")
        reason = st.text_area("Reason for this version", height=80,
                              placeholder="e.g. Panel agreed to raise the weight of past performance")
        submitted = st.form_submit_button("Save", type="primary", icon=":material/save:")
        ev = state.evaluation()
        st.caption(f"Saved as **{md_escape(author)}** (recorded with the version and in the "
                   f"audit log). The version records {md_escape(ev.describe())}; "
                   f"{md_escape(ev.panel.describe())}.")
        for message in controls.errors().values():
            st.warning(f"Not applied on Evaluate: {md_escape(message)}. The version records the "
                       "last valid choice.", icon=":material/warning:")
    if not submitted:
        return
    if not reason.strip():
        st.error("Give a reason: every version records who changed what, and why.")
        return
    try:
        new = persistence.save(db, author=author, reason=reason.strip(), name=name.strip(),
                               target=target)
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
        try:
            persistence.open_version(db, ref.evaluation_id, latest.number)
        except persistence.StoreError as exc:
            st.error(f"Cannot reload: {exc}.")
            return
        st.session_state.pop("stale_message", None)
        st.rerun()


def share_box(ref: persistence.SavedRef) -> None:
    page = st.selectbox("Page to open", list(PAGES), format_func=PAGES.get)
    lots = list(state.current().bidset.lots)
    in_view = state.view_lot(lots)  # the lot last shown on any page
    lot = st.selectbox("Lot", lots, format_func=lot_label,
                       index=lots.index(in_view) if in_view in lots else 0) if lots else None
    link = persistence.share_link(base_url("report"), ref, page, lot)
    st.code(link, language=None, wrap_lines=True)
    st.caption(f"Copy the link with the button at the right of the box. It opens version "
               f"{ref.version.number} exactly as saved, whatever the panel does afterwards, and "
               "names the evaluation, the version and the view only: no bid data, names or scores.")


ITEM_LABELS = {
    "method": "scoring method", "price_formula": "price formula", "price_floor": "price floor",
    "price_ceiling": "price ceiling", "weights": "weights", "sla_gate": "mission-grade SLA gate",
    "weighting": "how weights are entered", "edited_award": "hand-edited award",
    "consensus": "consensus method", "panel": "panel record", "robustness": "robustness settings",
    "simulation": "cost simulation", "scenario": "scenario what-ifs", "snapshot": "workbook snapshot",
    "revised bid book": "revised bid book (workbook replaced)",
    "consensus_open": "consensus open", "prices_visible": "evaluators see prices",
    "consensus_method": "consensus method",
    **{f"what-if {k}": f"what-if: {s.label.lower()}" for k, s in SPECS.items() if s.what_if},
}
ACTION_LABELS = {"setting": "Setting", "workbook": "Workbook", "create evaluation": "Created",
                 "member": "Membership", "panel": "Panel switch", "score": "Score",
                 "moderation": "Moderated value"}


def readable(value: str | None, item: str = "weights") -> str:
    """An audited value as a person reads it: labels, percentages, '(not set)'. Numbers in a
    mapping read as weights only for the item ``weights``."""
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
        numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool)
                      for x in parsed.values())
        total = sum(parsed.values()) if numbers else 0
        if numbers and item == "weights" and abs(total - 1) < 1e-6:
            return ", ".join(f"{k} {x:.1%}" for k, x in parsed.items())
        if numbers and item == "weights" and total > 0:  # points: as typed, and their weight
            return ", ".join(f"{k} {x:g} ({x / total:.1%})" for k, x in parsed.items())
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
         "Old value": readable(e.old_value, e.item),
         "New value": readable(e.new_value, e.item), "Why": e.reason}
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
        try:
            persistence.open_version(db, chosen.id, int(number))
        except persistence.StoreError as exc:
            st.error(f"Cannot open it: {exc}.")
            return
        st.rerun()


def reproduce(db: Store, ref: persistence.SavedRef) -> None:
    stem = f"evaluation-{ref.evaluation_id}-v{ref.version.number}"
    try:
        bundle = persistence.reproduce_bundle(db, ref)
    except persistence.StoreError as exc:
        st.error(f"The reproduce download is not available: {exc}.")
        return
    st.download_button("Download the snapshot and settings (.zip)",
                       bundle, file_name=f"{stem}.zip",
                       mime="application/zip", icon=":material/download:",
                       help="The version's workbook snapshot, its evaluation as JSON (panel "
                            "entries as of the save included) and the commands below.")
    st.code(persistence.reproduce_commands(stem), language="bash")
    st.caption(f"Version {ref.version.number}, snapshot SHA-256 "
               f"{md_escape(ref.version.snapshot_sha256)}: each command prints the figures the "
               "app shows for this version (ranking, scenarios with the what-ifs and any edited "
               "award, robustness, compliance, the panel's consensus) and the last writes its "
               "report.")


def report_button(db: Store | None) -> None:
    """The Excel report of the evaluation in use (exactly the figures the pages show)."""
    open_wb = state.current()
    ev = state.evaluation()
    status = persistence.status()
    ref = persistence.saved()
    audit = []
    if db is not None and ref is not None:
        audit = [{"When (UTC)": e.at, "Who": e.actor, "Version": e.version,
                  "What": f"{e.action}: {e.item}", "Old value": e.old_value,
                  "New value": e.new_value, "Why": e.reason} for e in db.audit(ref.evaluation_id)]
    ctx = ReportContext(version_label=status.label(), audit=audit, workbook_bytes=open_wb.data)
    results = cache.results(ev, open_wb.bidset)  # read now: the deferred build runs outside the session
    try:
        _ = results.ranking  # a report needs a ranking: say why there is none
    except ScoringError as exc:
        st.warning(f"No report: the bids cannot be ranked with these choices ({exc}).",
                   icon=":material/warning:")
        return
    stem = ("evaluation-report" if ref is None else
            f"evaluation-{ref.evaluation_id}-v{ref.version.number}"
            + ("-unsaved" if status.changes else "") + "-report")

    def build() -> bytes:
        return build_report(results, ctx)

    st.download_button(
        "Download the evaluation report (.xlsx)", data=build, type="primary",
        file_name=f"{stem}.xlsx", icon=":material/description:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        help="Summary, scores, robustness, scenarios, compliance, audit log, the inputs and the "
             "evaluation's JSON; every sheet marked as source selection information. It holds "
             "the figures of the evaluation in use, as every page shows them.")
