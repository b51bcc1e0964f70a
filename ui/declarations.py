"""The conflict-of-interest gate: a member sees nothing of a saved evaluation until they have
declared that they have no conflict of interest, or declared one that the chair then allowed.

The declaration's text is the deployment's (``SSW_COI_TEXT``), else a default. Every
declaration and every decision of the chair is an append-only entry in the audit log.
"""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from scoring.store import Store, StoreError
from ui.widgets import md_escape

ENV_TEXT = "SSW_COI_TEXT"
DEFAULT_TEXT = (
    "I have no financial or personal interest in any bidder in this procurement, nor in its "
    "outcome; no member of my household works for, advises or holds shares in a bidder; I have "
    "not been offered employment, gifts or hospitality by a bidder; and I know of nothing that "
    "could make my evaluation partial, or look so. If that changes, I will tell the chair at "
    "once and stop evaluating until the chair decides.")
NO_CONFLICT = "I have no conflict of interest"
CONFLICT = "I have a conflict of interest to declare"


def text() -> str:
    """The declaration members make: the deployment's (SSW_COI_TEXT), else the default."""
    return os.environ.get(ENV_TEXT, "").strip() or DEFAULT_TEXT


def gate(db: Store, evaluation_id: int, user: str) -> None:
    """Stop the run, showing only the declaration (or its standing), until the member may see
    the evaluation: declared no conflict, or the chair allowed a declared one."""
    passed = f"declared_{evaluation_id}_{user}"  # no entry can undo a pass: remembered
    if st.session_state.get(passed):
        return
    standing = db.declared(evaluation_id).get(user)
    if standing in ("none", "accept"):
        st.session_state[passed] = True
        return
    st.title("Conflict of interest")
    if standing == "conflict":
        st.info("You have declared a conflict of interest. The chair decides whether you go on "
                "with this evaluation or are recused; until then nothing of it is shown.",
                icon=":material/hourglass_top:")
        st.stop()
    if standing == "recuse":
        st.warning("The chair has recused you from this evaluation for the conflict of interest "
                   "you declared: nothing of it is shown to you.", icon=":material/block:")
        st.stop()
    st.write("Before you see anything of this evaluation (bids, prices, scores), declare whether "
             "you have a conflict of interest. Your declaration is kept in the evaluation's "
             "audit log.")
    st.markdown("> " + md_escape(text()))
    with st.form("declaration"):
        choice = st.radio("Your declaration", [NO_CONFLICT, CONFLICT], index=None)
        detail = st.text_area("The conflict, if you have one (who, and what the interest is)")
        sent = st.form_submit_button("Declare", type="primary")
    if sent:
        if choice is None:
            st.error("Choose one of the two answers.")
        elif choice == CONFLICT and not detail.strip():
            st.error("Describe the conflict, so that the chair can decide on it.")
        else:
            db.declare(evaluation_id, user, conflict=choice == CONFLICT, statement=text(),
                       detail=detail.strip() if choice == CONFLICT else "")
            st.rerun()
    st.stop()


def chair_view(db: Store, evaluation_id: int, chair: str, members: dict[str, str]) -> None:
    """For the chair: each member's declaration, and a form to decide on a declared conflict."""
    standing = db.declared(evaluation_id)
    words = {"none": "no conflict", "conflict": "conflict declared: awaiting your decision",
             "recuse": "recused", "accept": "conflict declared: allowed to go on"}
    details = {r["user_id"]: r["detail"] for r in db.declaration_rows(evaluation_id)
               if r["answer"] == "conflict"}
    st.dataframe(pd.DataFrame([
        {"Member": user, "Role": role, "Declaration": words.get(standing.get(user, ""),
                                                                "not declared yet"),
         "Conflict declared": details.get(user, "")}
        for user, role in sorted(members.items())]), hide_index=True, placeholder="—")
    pending = sorted(u for u, s in standing.items() if s == "conflict")
    if not pending:
        return
    with st.form("decide_conflict", clear_on_submit=True):
        st.markdown("**Decide on a declared conflict** (chair)")
        user = st.selectbox("Member", pending)
        decision = st.radio("Decision", ["Recuse them from this evaluation",
                                         "Allow them to go on"], index=None)
        reason = st.text_input("Reason for the decision")
        if not st.form_submit_button("Record the decision"):
            return
    if decision is None or not reason.strip():
        st.error("Choose a decision and give its reason: both go in the audit log.")
        return
    try:
        db.decide_conflict(evaluation_id, user, recuse=decision.startswith("Recuse"), chair=chair,
                           reason=reason.strip())
    except StoreError as exc:
        st.error(f"Not recorded: {exc}.")
        return
    st.session_state["panel_flash"] = f"Recorded the decision on {user}'s declared conflict."
    st.rerun()
