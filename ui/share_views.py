"""Widgets of the Report & share page: save form, share link, versions, audit log, reopen."""

from __future__ import annotations

import os
from dataclasses import replace

import pandas as pd
import streamlit as st

from scoring.audit import audit_rows, audit_sentences
from scoring.documents import (
    AWARD_NEEDED,
    DocumentContext,
    awarded,
    debrief_bundle,
    decision_document,
    unsuccessful,
)
from scoring.mcda import METHOD_LABELS, ScoringError
from scoring.report import ReportContext, build_report
from scoring.store import Store
from scoring.weight_lock import statement
from ui import cache, controls, persistence, state, turns
from ui.widgets import lot_label, md_escape

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

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
                    f"a revised bid book for evaluation #{left.evaluation_id} {md_escape(left.name)}: its "
                    f"workbook {old[:12]}… is replaced by this one, {open_wb.sha256[:12]}…"
                    if left else ""),
                    help="A revised bid book is a new version of the same procurement's "
                         "evaluation with another workbook; the audit log records both "
                         "snapshots. It records the figures shown here: the panel's entries on "
                         "the old workbook are not in them until you take them in after saving "
                         "(a notice offers it). Anything else is a new evaluation.")
            name = st.text_input("Evaluation name", value=open_wb.name,
                                 help="For a new evaluation (a revised bid book keeps the name "
                                      "of the evaluation it revises)")
        reason = st.text_area("Reason for this version", height=80,
                              placeholder="e.g. Panel agreed to raise the weight of past performance")
        ev = state.evaluation()
        lock = persistence.weights_lock(db)
        ask_weights = persistence.weights_moved(ev) and (lock is not None or ref is None)
        weights_reason = ""
        if ask_weights:
            if lock is not None:
                st.warning(f"The weights were locked by {md_escape(lock.by)} "
                           f"({md_escape(lock.before_opening())}). This version changes them: "
                           "say why. The report and the decision document will show the change.",
                           icon=":material/lock:")
            weights_reason = st.text_area(
                "Why the locked weights change" if lock is not None else
                "Why the weights change (needed if that evaluation's weights are locked)",
                height=68, key="weights_reason")
        submitted = st.form_submit_button("Save", type="primary", icon=":material/save:")
        st.caption(f"The version will record **{md_escape(author)}** as its author (also in the "
                   f"audit log), and: {md_escape(ev.describe())}; {md_escape(ev.panel.describe())}.")
        if persistence.REVISED in choices and left is not None:
            orphans = _orphans(db, left)
            if orphans:
                st.caption(f"As a revised bid book: {orphans} of the panel's entries on evaluation "
                           f"#{left.evaluation_id} name bids or criteria this workbook does not have; "
                           "they will not count.")
        for message in controls.errors().values():
            st.warning(f"Not applied on Evaluate: {md_escape(message)}. The version records the "
                       "last valid choice.", icon=":material/warning:")
    if not submitted:
        return
    if not reason.strip():
        st.error("Give a reason: every version records who changed what, and why.")
        return
    if ask_weights and lock is not None and not weights_reason.strip():
        st.error("Say why the locked weights change: the record shows every change after the "
                 "lock, with its reason.")
        return
    try:
        new = persistence.save(db, author=author, reason=reason.strip(), name=name.strip(),
                               target=target, weights_reason=weights_reason.strip())
    except persistence.StaleVersion as exc:
        st.session_state["stale_message"] = str(exc)
        st.rerun()  # the notice and its reload button sit above the form
    except persistence.StoreError as exc:
        st.error(f"Not saved: {exc}.")
        return
    except persistence.DATABASE_ERRORS as exc:
        persistence.log.warning("save failed: %s", exc)
        st.error("Not saved: the evaluation database did not take the write (it may be unreachable "
                 "or its disk full); nothing was half-written. Your changes are kept here: try "
                 "again shortly.")
        return
    st.session_state.pop("stale_message", None)
    st.session_state[FLASH] = f"Saved as evaluation #{new.evaluation_id}, version {new.version.number}."
    st.rerun()  # every status line on the page and in the sidebar now shows the new version


def _orphans(db: Store, left: persistence.SavedRef) -> int:
    live = db.panel_record(left.evaluation_id)
    kept = live.applicable(state.current().bidset)
    return len(live.scores) + len(live.moderations) - len(kept.scores) - len(kept.moderations)


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


def versions_frame(db: Store, evaluation_id: int) -> pd.DataFrame:
    return pd.DataFrame([
        {"Version": v.number, "Saved by": v.author, "When (UTC)": v.created_at.replace("T", " ")[:19],
         "Method": METHOD_LABELS.get(v.settings.get("method"), v.settings.get("method")),
         "Workbook SHA-256": v.snapshot_sha256[:16] + "…",
         "Reason": v.reason}
        for v in reversed(db.versions(evaluation_id))
    ])


def verdict(db: Store, evaluation_id: int) -> None:
    """Whether the record is what the app wrote: the audit log's chain and what it records (a
    check that hashes every version's snapshot: the run steps aside while it runs)."""
    with turns.aside():
        found = db.verify(evaluation_id)
    if found.intact:
        st.caption(f"Append-only, and a hash chain: each entry carries the hash of its content and "
                   f"of the entry before it. Checked just now: intact, {found.entries} entries, "
                   f"chain head {found.head[:16]}…. Keep the anchor `{found.anchor}` outside the "
                   "database (it is also in the report's Summary): `python -m scoring verify "
                   "--anchor` with it also finds entries removed from the end, or the evaluation "
                   "removed whole.")
    else:
        st.error(f"The record of this evaluation was changed outside the app: {found.problem}"
                 + (f" (audit entry {found.entry_id})" if found.entry_id is not None else "")
                 + ". Tell the database's administrator; do not rely on it until explained.",
                 icon=":material/gpp_bad:")


def audit_frame(db: Store, evaluation_id: int) -> pd.DataFrame:
    return pd.DataFrame(audit_rows(reversed(db.audit(evaluation_id))))


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
    lock_lines = () if ref is None or db is None else tuple(statement(
        persistence.weights_lock(db), ev.scoring.normalised_weights()))
    ctx = ReportContext(version_label=status.label(), weights_lock=lock_lines)
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
        """Only when the report is wanted: the workbook's bytes, the audit log (as the page
        lists it, oldest first) and the check of its chain (the page runs that check itself)."""
        record = {}
        if db is not None and ref is not None:
            record = dict(audit=audit_sentences(db.audit(ref.evaluation_id)),
                          audit_chain=db.verify(ref.evaluation_id).describe())
        return build_report(results, replace(ctx, workbook_bytes=open_wb.data, **record))

    st.download_button(
        "Download the evaluation report (.xlsx)", data=build, type="primary",
        file_name=f"{stem}.xlsx", icon=":material/description:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        help="Summary, scores, robustness, scenarios, compliance, audit log, the inputs and the "
             "evaluation's JSON; every sheet marked as source selection information. It holds "
             "the figures of the evaluation in use, as every page shows them.")
    docs = DocumentContext(evaluation_name=ref.name if ref is not None else open_wb.name,
                           version_label=status.label(), weights_lock=lock_lines)
    left, right = st.columns(2)
    left.download_button(
        "Decision document draft (.docx)", data=lambda: decision_document(results, docs),
        file_name=stem.replace("-report", "-decision-document") + ".docx",
        icon=":material/gavel:", mime=DOCX,
        help="Source Selection Decision Document draft: the basis, each lot's ratings, findings, "
             "prices, robustness, compliance and scenarios, the record checks still open, and "
             "the trade-off and signature for the source selection authority to complete.")
    if awarded(results) is None:
        right.caption(AWARD_NEEDED)
        return
    if not unsuccessful(results):
        right.caption("No debriefs to draft: no bid is left out by the award (or first place "
                      "is tied in every lot).")
        return
    right.download_button(
        "Debriefing letters, one per unsuccessful bid (.zip)",
        data=lambda: debrief_bundle(results, docs),
        file_name=stem.replace("-report", "-debriefs") + ".zip", icon=":material/mail:",
        mime="application/zip",
        help="A Word draft per bid the award leaves out: its own ratings, findings and price, "
             "and the successful bid's overall score and price; nothing of other bidders.")
