"""Widgets of the Panel page for assignments and progress: the chair assigns evaluators to
criteria and lots and sets the date scoring is due; both sides see how far each has got."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from scoring.evaluation import PanelRecord
from scoring.model import BidSet, Finding, fold, lot_name
from scoring.panel import Assignment, Progress, merge_scores, progress
from scoring.store import Store
from ui.panel_views import stored


def panel_evaluators(members: Mapping[str, str], scorers: Sequence[str] = ()) -> list[str]:
    """Who scores: the panel's evaluators and anyone who has scored (each once, whatever the
    case of their name). A removed member's assignment is no longer shown."""
    found: dict[str, str] = {}
    for name in (*(u for u, r in members.items() if r == "evaluator"), *scorers):
        found.setdefault(fold(name), name)
    return sorted(found.values(), key=str.casefold)


def _progress(bidset: BidSet, live: PanelRecord, assigned: Mapping[str, Assignment],
              evaluators: Sequence[str], implicit: Sequence[str] = ()
              ) -> tuple[list[Progress], list[Progress]]:
    scores = merge_scores(bidset, bidset.panel_scores, live.scores)
    findings: list[Finding] = [*bidset.findings, *live.findings]
    return progress(bidset, scores, findings, assigned, evaluators, implicit=implicit)


def due_date(flags: Mapping[str, str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(flags.get("scoring_due", ""))
    except ValueError:
        return None


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _standing(p: Progress, submitted: Mapping[str, str], due: dt.date | None,
              in_app: frozenset[str] | None = None) -> str:
    """Where an evaluator stands: submitted, late, not started or in progress; someone not on
    the panel (``in_app``, folded) who scored in the workbook has nothing to submit."""
    if p.name in submitted:
        return "submitted"
    if in_app is not None and fold(p.name) not in in_app:
        return "scored in the workbook"
    if due is not None and _today() > due:
        return "late"
    return "not started" if p.scored == 0 else "in progress"


def my_progress(bidset: BidSet, me: str, live: PanelRecord, assignment: Assignment | None,
                due: dt.date | None) -> Progress:
    """The evaluator's own progress bar (and what is assigned to them); their progress."""
    mine = _progress(bidset, live, {fold(me): assignment} if assignment else {}, [me])[0][0]
    text = (f"{mine.scored} of {mine.assigned} cells scored, {mine.reasoned} with a rationale"
            + (f" · due {due:%d %b %Y}" if due else ""))
    st.progress(mine.share, text=text)
    if assignment is not None:
        st.caption(f"Assigned to you by the chair: {assignment.describe()}.")
    return mine


def progress_view(bidset: BidSet, live: PanelRecord, assigned: Mapping[str, Assignment],
                  evaluators: Sequence[str], submitted: Mapping[str, str],
                  due: dt.date | None, members: Mapping[str, str] | None = None) -> None:
    """For the chair: per evaluator and per criterion, cells scored, rationales and findings,
    with bars; who is late (a member past the due date and not submitted; someone who only
    scored in the workbook's Scores sheet has nothing to submit)."""
    if not evaluators:
        st.caption("No evaluator on the panel yet.")
        return
    in_app = None if members is None else frozenset(
        fold(u) for u, r in members.items() if r in ("chair", "evaluator"))
    people, criteria = _progress(bidset, live, assigned, evaluators, implicit=[
        e for e in evaluators if in_app is not None and fold(e) not in in_app])
    late = [p.name for p in people if _standing(p, submitted, due, in_app) == "late"]
    if late:
        st.warning(f"Late (scoring was due {due:%d %b %Y} and they have not submitted): "
                   + ", ".join(late) + ".", icon=":material/schedule:")
    elif due is not None:
        st.caption(f"Scoring is due by {due:%d %b %Y}.")
    bar = st.column_config.ProgressColumn("Scored", format="percent", min_value=0.0,
                                          max_value=1.0)
    outside = any(p.outside for p in people)
    st.dataframe(pd.DataFrame([
        {"Evaluator": p.name,
         "Assigned": (assigned[fold(p.name)].describe() if fold(p.name) in assigned
                      else "what they scored"
                      if in_app is not None and fold(p.name) not in in_app
                      else "every criterion · every lot"),
         "Scored": p.share if p.assigned else None, "Cells": f"{p.scored} of {p.assigned}",
         "Rationales": p.reasoned, "Findings": p.findings,
         **({"Outside": p.outside} if outside else {}),
         "Standing": _standing(p, submitted, due, in_app)} for p in people]),
        hide_index=True, placeholder="no cells", column_config={
            "Scored": bar, "Assigned": st.column_config.TextColumn(
                width="medium", help="The lots and criteria the evaluator scores"),
            "Rationales": st.column_config.NumberColumn(
                help="Cells scored with a written rationale"),
            "Outside": st.column_config.NumberColumn(help="Scores outside their cells")})
    if outside:
        st.caption("Outside: scores an evaluator gave before their assignment "
                   "narrowed. They stay in the record and count in the consensus; the evaluator "
                   "no longer sees them. Widen the assignment to let them revise those.")
    st.caption("Per criterion, over the evaluators assigned to it")
    st.dataframe(pd.DataFrame([
        {"Criterion": p.name, "Scored": p.share if p.assigned else None,
         "Cells": f"{p.scored} of {p.assigned}", "Rationales": p.reasoned,
         "Findings": p.findings} for p in criteria]),
        hide_index=True, placeholder="no cells", column_config={"Scored": bar})


def assignment_form(db: Store, evaluation_id: int, chair: str, bidset: BidSet,
                    evaluators: Sequence[str]) -> None:
    """The chair assigns an evaluator to criteria and lots (none chosen: every one)."""
    criteria = [c.name for c in bidset.criteria if not c.is_price]
    lots = list(bidset.lots)
    with st.form("assign", clear_on_submit=False):
        st.markdown("**Assign an evaluator** (chair)")
        who = st.selectbox("Evaluator to assign", evaluators, index=None,
                           placeholder="Choose an evaluator")
        chosen_criteria = st.multiselect("Criteria they score", criteria,
                                         placeholder="Every criterion")
        chosen_lots = (st.multiselect("Lots they score", lots, format_func=lot_name,
                                      placeholder="Every lot") if len(lots) > 1 else [])
        reason = st.text_input("Reason for the assignment",
                               placeholder="e.g. security specialist: security only")
        if not st.form_submit_button("Assign", icon=":material/assignment_ind:"):
            return
    if who is None or not reason.strip():
        st.error("Choose the evaluator and give a reason: assignments are in the audit log.")
        return
    if not stored(lambda: db.assign(evaluation_id, who, chosen_criteria, chosen_lots,
                                    chair=chair, reason=reason.strip())):
        return
    given = Assignment(who, tuple(chosen_criteria), tuple(chosen_lots))
    st.session_state["panel_flash"] = f"{who} now scores {given.describe()}."
    st.rerun()


def due_form(db: Store, evaluation_id: int, chair: str, due: dt.date | None) -> None:
    """The chair sets (or clears) the date scoring is due: evaluators not submitted by then
    are shown as late."""
    with st.form("scoring_due", clear_on_submit=False):
        st.markdown("**Scoring due by** (chair)")
        when = st.date_input("Due date", value=due, format="YYYY-MM-DD",
                             help="Leave empty for no due date")
        reason = st.text_input("Reason for the due date", key="scoring_due_reason",
                               placeholder="e.g. consensus meeting on the 12th")
        if not st.form_submit_button("Set the due date"):
            return
    if not reason.strip():
        st.error("Give a reason: the due date is in the audit log.")
        return
    value = when.isoformat() if isinstance(when, dt.date) else ""
    if value == (due.isoformat() if due else ""):
        st.session_state["panel_flash"] = "The due date is unchanged."
    else:
        if not stored(lambda: db.set_flag(evaluation_id, "scoring_due", value, by=chair,
                                          reason=reason.strip())):
            return
        st.session_state["panel_flash"] = (f"Scoring is due by {when:%d %b %Y}." if value
                                           else "The due date is cleared.")
    st.rerun()


def chair_section(db: Store, evaluation_id: int, chair: str, bidset: BidSet, live: PanelRecord,
                  members: Mapping[str, str], assigned: Mapping[str, Assignment],
                  scorers: Sequence[str], submitted: Mapping[str, str], due: dt.date | None,
                  *, locked: bool = False) -> None:
    """The chair's assignments and progress: the progress tables, then the two forms (no
    assignment changes once the technical consensus is locked)."""
    panel = panel_evaluators(members, scorers)
    progress_view(bidset, live, assigned, panel, submitted, due, members)
    left, right = st.columns(2, gap="large")
    with left:
        if locked:
            st.caption("The technical consensus is locked: assignments no longer change.")
        else:
            assignment_form(db, evaluation_id, chair, bidset, panel)
    with right:
        due_form(db, evaluation_id, chair, due)
