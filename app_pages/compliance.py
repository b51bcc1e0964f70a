"""Compliance: SLA mission-grade matrix, the optional SLA gate, and the governance check."""

from dataclasses import replace

import streamlit as st

from scoring.compliance import governance, sla_matrix
from scoring.scenarios import ScenarioError
from ui import cache, compliance_views, persistence, state, widgets
from ui.widgets import md_escape as esc

open_wb = state.current()
key, bidset = persistence.in_use()  # the panel's consensus applied
settings = bidset.settings
choices = state.choices(bidset)

st.title("Compliance")
st.write(
    "An SLA that stops at uptime is not enough for mission systems. Each bid's SLA terms are "
    "checked against the nine elements of a mission-grade SLA; large awards must be tied to "
    "mission-outcome OKRs."
)

gate = st.toggle(
    "Require a mission-grade SLA: bids that miss any element are not ranked",
    value=choices.sla_gate, key=f"sla_gate_{open_wb.sha256[:16]}",
    help="Applies on every page: Evaluate, Robustness and Scenarios rank only mission-grade bids.",
)
if gate != choices.sla_gate:
    choices = replace(choices, sla_gate=gate)
    state.set_choices(choices)

results = sla_matrix(bidset)
passing = sum(r.mission_grade for r in results)
st.subheader("SLA mission-grade matrix")
st.markdown(f"**{passing} of {len(results)}** bids offer a mission-grade SLA. "
            "✓ meets the element, ✗ does not, — not stated in the bid.")
st.dataframe(compliance_views.style_matrix(compliance_views.matrix_frame(results)),
             hide_index=True, height=36 * (len(results) + 1) + 4,
             column_config={"Vendor": st.column_config.TextColumn(pinned=True),
                            "Lot": st.column_config.TextColumn(pinned=True),
                            "Mission-grade": st.column_config.TextColumn(pinned=True)})
with st.expander("What mission-grade means"):
    st.table(compliance_views.rules_frame(), hide_index=True)

st.subheader("Governance: OKRs for large investments")
awards: list[tuple[str, float]] = []
try:
    ranking = cache.ranking(key, bidset, choices)
    scenarios, _ = cache.scenarios(key, bidset, ranking, choices, settings, None,
                                   draws=1_000)
    awards = [(s.name.capitalize() + " award", s.figures.total_price)
              for s in scenarios if s.figures is not None]
except ScenarioError:
    ranking = cache.ranking(key, bidset, choices)
    awards = [(f"Highest-ranked bid, {widgets.lot_label(lot)}", w.price)
              for lot in ranking.lots if (w := ranking.winner(lot)) is not None]
for label, total in awards:
    check = governance(total, bidset.okrs, settings.okr_threshold)
    (st.warning if check.flagged else st.success)(
        f"**{esc(label)}**: {esc(check.message)}.",
        icon=":material/flag:" if check.flagged else ":material/check:")
st.caption(f"Rule: a total award above {settings.okr_threshold:,.0f} {esc(settings.currency)} "
           "needs at least two OKRs marked as mission outcomes in the workbook's OKRs sheet.")
st.dataframe(compliance_views.okr_frame(bidset), hide_index=True)
widgets.provenance(ranking, open_wb.name)
