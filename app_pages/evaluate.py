"""Evaluate: weights, method and price formula; ranking per lot with its charts."""

import streamlit as st

from scoring.mcda import METHOD_LABELS, PRICE_FORMULA_LABELS, ScoringError
from scoring.model import METHODS, PRICE_FORMULAS
from ui import cache, charts, persistence, state, vega, widgets
from ui.widgets import md_escape as esc

open_wb = state.current()
key, bidset = persistence.in_use()  # the panel's consensus applied
settings = bidset.settings
start = state.choices(bidset)  # the choices in use: kept across pages, or a saved version's

st.title("Evaluate")
st.write(
    "Set the weights, the scoring method and the price formula; bids are ranked within their "
    "lot (bundle bids among themselves). Bids that fail a pass/fail threshold are not ranked."
)

controls, weights_col = st.columns([2, 3], gap="large")
with controls:
    method = st.selectbox(
        "Scoring method", METHODS, index=METHODS.index(start.method),
        format_func=METHOD_LABELS.get, key=f"method_{open_wb.sha256[:16]}",
    )
    formula = st.selectbox(
        "Price formula", PRICE_FORMULAS,
        index=PRICE_FORMULAS.index(start.price_formula),
        format_func=PRICE_FORMULA_LABELS.get, key=f"formula_{open_wb.sha256[:16]}",
        help="Used by WSM and WPM when a 'Price' criterion is weighted. TOPSIS and VIKOR "
        "work on raw prices.",
    )
    floor = ceiling = None
    if formula == "linear":
        low, high = st.columns(2)
        floor = low.number_input(f"Price floor ({settings.currency})", min_value=0.0,
                                 value=start.price_floor,
                                 step=10_000.0, format="%.0f")
        ceiling = high.number_input(f"Price ceiling ({settings.currency})", min_value=0.0,
                                    value=start.price_ceiling,
                                    step=10_000.0, format="%.0f")
with weights_col:
    weights = widgets.weights_editor(bidset, dict(start.weights))

if weights is None:
    st.stop()
choices = state.EvaluationChoices(open_wb.sha256, method, formula, tuple(weights.items()),
                                  floor, ceiling, start.sla_gate)
try:
    ranking = cache.ranking(key, bidset, choices)
except ScoringError as exc:
    st.warning(f"Cannot rank yet: {exc}.", icon=":material/warning:")
    st.stop()
state.set_choices(choices)

st.divider()
lot = st.radio("Lot", ranking.lots, format_func=widgets.lot_label, horizontal=True,
               key=f"lot_{open_wb.sha256[:16]}")
winner = ranking.winner(lot)
if winner is not None:
    st.markdown(f"Highest ranked in **{widgets.lot_label(lot)}**: **{esc(winner.vendor)}** "
                f"({'Q' if ranking.lower_is_better else 'score'} {winner.score:.4f}). "
                "The panel decides the award.")
else:
    st.markdown(f"No single highest-ranked bid in **{widgets.lot_label(lot)}** (tie or none "
                "eligible).")
widgets.show_ranking(ranking, lot, settings.currency)

failed = [b for b in ranking.in_lot(lot) if not b.eligible]
if failed:
    st.warning(
        "Not ranked (failed a pass/fail threshold): "
        + "; ".join(f"{esc(b.vendor)} — {esc(', '.join(b.failed_gates))}" for b in failed),
        icon=":material/block:",
    )

left, right = st.columns(2, gap="large")
with left:
    st.subheader("What each criterion contributes")
    vega.show(charts.contributions_chart(ranking, lot))
    if method != "wsm":
        st.caption("Shown as weighted points (weight × normalised value). For WSM these add up "
                   "to the score; other methods combine the same criteria differently.")
with right:
    st.subheader("Price against quality")
    vega.show(charts.pareto_chart(ranking, lot, settings.currency))
    st.caption("Quality is the weighted points on the non-price criteria. Filled circles are "
               "the Pareto front: no other eligible bid is both cheaper and better.")

with st.expander("How each criterion was normalised"):
    st.table({"Criterion": [esc(c) for c in ranking.normalisation],
              "Normalisation": [esc(n) for n in ranking.normalisation.values()]}, hide_index=True)
widgets.provenance(ranking, open_wb.name, persistence.version_label())
