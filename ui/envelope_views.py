"""The sealed price envelope: what a page shows while the prices are sealed, and the chair's
controls to lock the technical consensus and then unseal the prices.

An evaluation whose workbook sets the price envelope to ``sealed`` shows no price, and nothing
ranked, scored or costed on price, to anyone (the chair included) until the chair has locked
the technical consensus and unsealed the prices; both are recorded panel switches, in that
order, and neither is undone once the prices are unsealed (``scoring.store``).
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from scoring.evaluation import Evaluation
from scoring.store import StaleVersion, Store, StoreError, Version
from scoring.weight_lock import WeightsLock
from ui.widgets import md_escape

SEALED_NOTE = ("The prices are sealed: this is a two-envelope evaluation, and no one, the chair "
               "included, sees a price or anything ranked, scored or costed on price until the "
               "chair locks the technical consensus and unseals them on the Panel page.")


def sealed_page(title: str) -> None:
    """A page that rests on prices, while they are sealed: what it will show, and where to go."""
    st.title(title)
    st.info(SEALED_NOTE, icon=":material/lock:")
    st.write("Until then the panel works on the technical envelope: scores, rationales, "
             "findings and consensus on the Panel page; the workbook's criteria and bids "
             "(without prices) on the Import page; saving and the audit log on Report & share.")
    st.page_link("app_pages/panel.py", label="Go to the Panel", icon=":material/groups:")


def status_line(flags: Mapping[str, str], envelope: str) -> str:
    """The lock and the envelope in words, for the Panel page's status line."""
    locked = flags.get("consensus_locked") == "yes"
    parts = ["technical consensus **locked**" if locked else "technical consensus not locked"]
    if envelope == "sealed":
        parts.append("prices **unsealed**" if flags.get("prices_unsealed") == "yes"
                     else "prices **sealed**")
    return " · ".join(parts)


def chair_controls(db: Store, evaluation_id: int, chair: str, flags: Mapping[str, str],
                   envelope: str) -> None:
    """The chair locks the technical consensus; then, in a sealed evaluation, unseals the prices
    (final) or, locked by mistake, unlocks it while the prices are still sealed; without a
    sealed envelope, unlocks it. Each asks for a confirmation and a reason."""
    locked = flags.get("consensus_locked") == "yes"
    if envelope == "sealed" and flags.get("prices_unsealed") == "yes":
        st.caption("The technical consensus is locked and the prices are unsealed: both are final.")
        return
    if not locked:
        _step(db, evaluation_id, chair, "Lock the technical consensus", "consensus_locked", "yes",
              "The technical scores are final: no score, finding, moderation, narrative, "
              "assignment, reopening or consensus change after this")
        return
    if envelope == "sealed":
        _step(db, evaluation_id, chair, "Unseal the prices", "prices_unsealed", "yes",
              "Open the price envelope: the chair and viewers see the prices at once, evaluators "
              "once you let them; the technical consensus then stays locked for good")
        with st.expander("Locked by mistake? Unlock it while the prices are still sealed"):
            _step(db, evaluation_id, chair, "Unlock the technical consensus", "consensus_locked",
                  "no", "Let the panel change its scores again", key="unlock")
        return
    _step(db, evaluation_id, chair, "Unlock the technical consensus", "consensus_locked", "no",
          "Let the panel change its scores again")


def _confirmed(key: str, action: str, confirm: str, *, icon: str, caption: str = "",
               reason_label: str = "Reason for this step",
               placeholder: str = "e.g. consensus meeting of 3 December closed") -> str | None:
    """A chair's step in a form: ticked as meant and with a reason; the reason once both are
    given and the step is asked for (None otherwise, said in place when incomplete)."""
    with st.form(key):
        st.markdown(f"**{action}** (chair)")
        if caption:
            st.caption(caption)
        sure = st.checkbox(confirm)
        reason = st.text_input(reason_label, key=f"{key}_reason", placeholder=placeholder)
        if not st.form_submit_button(action, icon=icon):
            return None
    if not sure or not reason.strip():
        st.error("Tick the box and give a reason: this is recorded in the audit log.",
                 icon=":material/error:")
        return None
    return reason.strip()


def _step(db: Store, evaluation_id: int, chair: str, action: str, flag: str, value: str,
          confirm: str, key: str = "envelope") -> None:
    reason = _confirmed(key, action, confirm,
                        icon=":material/lock:" if value == "yes" else ":material/lock_open:")
    if reason is None:
        return
    try:
        db.set_flag(evaluation_id, flag, value, by=chair, reason=reason)
    except StoreError as exc:
        st.error(f"Not done: {md_escape(str(exc))}.", icon=":material/error:")
        return
    st.session_state["panel_flash"] = {
        ("consensus_locked", "yes"): "The technical consensus is locked.",
        ("consensus_locked", "no"): "The technical consensus is unlocked.",
        ("prices_unsealed", "yes"): "The prices are unsealed: the priced pages show them now "
                                    "(to evaluators once you let them see prices)."}[flag, value]
    st.rerun()


def weights_lock_control(db: Store, evaluation_id: int, chair: str, lock: WeightsLock | None,
                         version: Version) -> None:
    """The chair locks the weights of the latest version (once, confirmed, with a reason), or
    the lock as it stands."""
    if lock is not None:
        changes = len(lock.changes)
        st.caption(f"The weights are locked (by {md_escape(lock.by)}, version {lock.version}, "
                   f"{md_escape(lock.before_opening())})"
                   + (f"; changed {changes} time{'s' if changes != 1 else ''} since, each with its "
                      "reason." if changes else "; unchanged since."))
        return
    weights = " · ".join(f"{md_escape(k)} {v:.1%}"
                         for k, v in version.evaluation.scoring.normalised_weights().items())
    reason = _confirmed(
        "lock_weights", "Lock the weights",
        "These are the weights the panel publishes and evaluates with", icon=":material/lock:",
        caption=f"Version {version.number}'s weights: {weights}. Lock them before the scores or "
                "the prices are opened; after that, a version that changes them needs a reason, "
                "and the report and decision document show the change.",
        reason_label="Reason for locking",
        placeholder="e.g. weights as published in the solicitation")
    if reason is None:
        return
    try:
        db.lock_weights(evaluation_id, by=chair, reason=reason, version=version.number)
    except StaleVersion as exc:
        st.error(f"Not locked: {md_escape(str(exc))}. Open the latest version and lock its "
                 "weights.", icon=":material/error:")
        return
    except StoreError as exc:
        st.error(f"Not done: {md_escape(str(exc))}.", icon=":material/error:")
        return
    st.session_state["panel_flash"] = "The weights are locked."
    st.rerun()


def weights_lock_notice(lock: WeightsLock, ev: Evaluation) -> None:
    """On Evaluate: the weights are locked, and whether those in use differ from the lock."""
    moved = lock.moved(ev.scoring.normalised_weights())
    text = (f"The weights are locked (by {md_escape(lock.by)}, "
            f"{md_escape(lock.before_opening())}). A version that changes them needs a reason, "
            "and the report and decision document show the change.")
    if not moved:
        st.info(text, icon=":material/lock:")
        return
    st.warning(text + " The weights in use differ from those locked: " + "; ".join(
        f"{md_escape(k)} locked at {a:.1%}, now {b:.1%}" for k, (a, b) in moved.items()) + ".",
        icon=":material/lock_open:")
