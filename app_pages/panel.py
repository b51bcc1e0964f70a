"""Panel: evaluators score and record findings (blind until consensus opens); the chair sees
spreads, moderates and writes the consensus narrative."""

import streamlit as st

from scoring.model import fold
from ui import (
    assignment_views,
    auth,
    cache,
    controls,
    declarations,
    envelope_views,
    panel_views,
    persistence,
    state,
    vega,
)
from ui.widgets import md_escape as esc

open_wb = state.current()
bidset = open_wb.bidset
ev = state.evaluation()
who = auth.identity()
st.title("Panel")
st.write("Each evaluator scores on their own (blind) with a rationale per score, and records "
         "findings: the strengths, weaknesses, deficiencies and risks behind them. When the "
         "chair opens consensus, spreads are flagged for discussion; the chair may record a "
         "moderated value with a written rationale and writes each cell's consensus narrative. "
         "Every entry is in the audit log.")

db = persistence.store()
ref = persistence.saved()
if db is None:
    st.stop()
if ref is None:
    st.info("Panel scoring belongs to a saved evaluation: save this one on **Report & share** "
            "first (its chair then adds the evaluators).", icon=":material/info:")
    st.page_link("app_pages/report.py", label="Go to Report & share", icon=":material/share:")
    st.stop()

role = persistence.role(db)
flags = persistence.panel_flags(db)  # as the app read them this run
is_open = flags["consensus_open"] == "yes"
me = who.user_id if who else "unknown"
envelope = persistence.envelope(flags)
st.caption(f"Evaluation #{ref.evaluation_id} · you are **{esc(me)}** ({role}) · consensus is "
           f"**{'open' if is_open else 'closed (blind scoring)'}** · {ev.consensus} · "
           + envelope_views.status_line(flags, envelope))

live = db.panel_record(ref.evaluation_id)
submitted = db.submitted(ref.evaluation_id)  # read once a run: who has submitted, and when
members = db.members(ref.evaluation_id)
assigned = db.assignments(ref.evaluation_id)
my_cells = assigned.get(fold(me))  # None: every cell
due = assignment_views.due_date(flags)
# My scores: the workbook's Scores sheet under my name, then what I entered here (which replaces
# the sheet's for the same cell), on the cells assigned to me
mine = {(fold(s.vendor), fold(s.lot), fold(s.criterion)): (s.score, s.rationale)
        for s in (*bidset.panel_scores, *live.scores) if fold(s.evaluator) == fold(me)
        and (my_cells is None or my_cells.covers(s.lot, s.criterion))}
if message := st.session_state.pop("panel_flash", None):  # what the last action did
    st.success(message, icon=":material/check:")
    st.toast(message, icon=":material/check:")  # seen wherever the page is scrolled to
locked = flags["consensus_locked"] == "yes"  # the technical consensus: nothing changes now
if role in ("chair", "evaluator"):
    panel_views.my_work(db, ref.evaluation_id, bidset, me, live, mine, submitted.get(me),
                        my_cells, due, locked=locked)

if role == "evaluator" and not is_open:
    st.info("Blind scoring: you see only your own scores until the chair opens consensus.",
            icon=":material/visibility_off:")
    st.stop()

# The panel's workspace shows its entries as they are now; the rankings use the evaluation's
# panel record until the entries are taken in (the notice below says when they differ).
workspace = cache.results(ev.replace(panel=live), bidset)
cells = workspace.cells
if role == "evaluator" and my_cells is not None:  # an evaluator sees the cells assigned to them
    cells = [c for c in cells if my_cells.covers(c.lot, c.criterion)]
evaluators = sorted({e for c in cells for e in c.scores}, key=str.casefold)
flagged = [c for c in cells if c.flagged]

if role == "chair":
    left, right = st.columns(2, gap="large")
    with left:
        panel_views.switches_form(db, ref.evaluation_id, flags, me, members, submitted)
        controls.consensus_radio(ev, locked=locked)
        envelope_views.chair_controls(db, ref.evaluation_id, me, flags, envelope)
        envelope_views.weights_lock_control(db, ref.evaluation_id, me,
                                            persistence.weights_lock(db), ref.version)
    with right:
        if who and who.signed_in:
            st.markdown("**Members**")
            panel_views.members_form(db, ref.evaluation_id, me, members)
            st.markdown("**Conflicts of interest**")
            declarations.chair_view(db, ref.evaluation_id, me, members)
        else:
            st.caption("Members and roles apply when sign-in is configured; in local mode the "
                       "single user chairs the panel.")

    st.subheader("Assignments and progress")  # before any score: the chair assigns first
    assignment_views.chair_section(db, ref.evaluation_id, me, bidset, live, members, assigned,
                                   evaluators, submitted, due, locked=locked)
    st.subheader("Submissions")
    panel_views.submissions_view(db, ref.evaluation_id, me, members, submitted, locked=locked)

status = persistence.status()
if status.panel_moved and role in ("chair", "viewer"):
    persistence.panel_notice(status)
if not cells:
    st.info("No panel scores yet.")
    st.stop()
spread, watch = bidset.settings.spread_flag_pct, bidset.settings.spread_watch_pct
watched = [c for c in cells if c.watched]
st.subheader("Spreads")
st.markdown(f"**{len(flagged)}** of {len(cells)} scored cells have a range of at least "
            f"{spread:g} % of the scale (▲) and go to the consensus meeting"
            + (f"; **{len(watched)}** more reach the watch level of {watch:g} % (△)."
               if watch < spread else "."))
vega.show(panel_views.spread_heatmap(cells, spread, watch))
if flagged:
    st.dataframe(panel_views.consensus_frame(flagged, evaluators), hide_index=True, placeholder="—")
st.subheader("Consensus")
st.caption(f"The panel's entries as they are now ({esc(live.describe())}), with the workbook's "
           f"Scores sheet; consensus by {ev.consensus} unless moderated.")
st.dataframe(panel_views.consensus_frame(cells, evaluators), hide_index=True, placeholder="—")
if role == "chair" and not locked:
    moderate, narrate = st.columns(2, gap="large")
    with moderate:
        panel_views.moderation_form(db, ref.evaluation_id, cells, me)
    with narrate:
        panel_views.narrative_form(db, ref.evaluation_id, cells, me)

st.subheader("Findings and rationales")
panel_views.findings_view(bidset, live, cells, workspace.bidset.findings,
                          my_cells if role == "evaluator" else None)
if role == "chair":
    st.subheader("Evaluator statistics")
    panel_views.evaluator_statistics(bidset, cells)
    st.subheader("Record checks")
    # while the prices are sealed, none of the checks that rest on the ranking
    panel_views.record_checks(workspace.technical_record if persistence.sealed()
                              else workspace.record)
