"""Evaluate: weights, method and price formula; ranking per lot with its charts."""

import streamlit as st

from scoring.mcda import ScoringError
from ui import cache, charts, controls, envelope_views, persistence, state, vega, weight_views, widgets
from ui.widgets import md_escape as esc

open_wb = state.current()
ev = state.evaluation()
bidset = open_wb.bidset

st.title("Evaluate")
st.write(
    "Set the weights, the scoring method and the price formula; bids are ranked within their "
    "lot (bundle bids among themselves). Bids that fail a pass/fail threshold are not ranked."
)

left, right = st.columns([2, 3], gap="large")
with left:
    controls.price_controls(ev, bidset.settings.currency)
with right:  # folded, so that the ranking is in view
    # The editor is drawn only while the panel is open (opening it reruns the page): folded, it
    # would cost a third of the page's rerun. Its label and initial state stay fixed, as they
    # are the panel's identity: a label that changed with the weights would fold it on each edit.
    with st.expander("Weights", icon=":material/tune:", key="ev_weights_panel",
                     on_change="rerun") as weights_panel:
        if weights_panel.open:
            weight_views.editor(ev, bidset)
    if not weights_panel.open:
        weight_views.summary(ev, bidset)
if (lock := persistence.weights_lock()) is not None:
    envelope_views.weights_lock_notice(lock, ev)
# An input not applied (said in place above) leaves the evaluation, and so the figures below,
# at their last valid choice.

try:
    ranking = cache.results(ev, bidset).ranking
except ScoringError as exc:
    st.warning(f"Cannot rank: {exc}.", icon=":material/warning:")
    st.stop()

st.divider()
lot = controls.lot_radio(ranking.lots, "ev_lot_evaluate", widgets.lot_label)
winner = ranking.winner(lot)
if winner is not None:
    st.markdown(f"Highest ranked in **{widgets.lot_label(lot)}**: **{esc(winner.vendor)}** "
                f"({'Q' if ranking.lower_is_better else 'score'} {winner.score:.4f}). "
                "The panel decides the award.")
else:
    st.markdown(f"No single highest-ranked bid in **{widgets.lot_label(lot)}** (tie or none "
                "eligible).")
gates = widgets.gate_failures(bidset, ranking, lot)
widgets.show_ranking(ranking, lot, bidset.settings.currency, gates)
for warning in ranking.warnings_for(lot):
    st.warning(esc(warning), icon=":material/info:")

if gates:
    st.warning(
        "Not ranked (failed a pass/fail threshold): "
        + "; ".join(f"{esc(vendor)} — {esc(text)}" for vendor, text in gates.items()),
        icon=":material/block:",
    )

left, right = st.columns(2, gap="large")
with left:
    st.subheader("What each criterion contributes")
    by_factor = bool(bidset.factors) and st.toggle(
        "By factor", key="ev_contributions_by_factor",
        help="Each factor's contribution: the sum of its criteria's weighted points")
    vega.show(charts.contributions_chart(ranking, lot, bidset.groups if by_factor else None))
    if ranking.method != "wsm":
        st.caption(widgets.contributions_note(ranking, lot))
with right:
    st.subheader("Price against quality")
    vega.show(charts.pareto_chart(ranking, lot, bidset.settings.currency))
    st.caption("Quality is the weighted points on the non-price criteria. Filled circles are "
               "the Pareto front: no other eligible bid is both cheaper and better.")

with st.expander("How each criterion was normalised"):
    st.table({"Criterion": [esc(c) for c in ranking.normalisation],
              "Normalisation": [esc(n) for n in ranking.normalisation.values()]}, hide_index=True)
widgets.provenance(ranking, open_wb.name)
