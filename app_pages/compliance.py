"""Compliance: SLA mission-grade matrix, the optional SLA gate, and the governance check."""

import streamlit as st

from scoring.mcda import ScoringError
from ui import cache, compliance_views, controls, state, widgets
from ui.widgets import md_escape as esc

open_wb = state.current()
ev = state.evaluation()
results = cache.results(ev, open_wb.bidset)

st.title("Compliance")
st.write(
    "An SLA that stops at uptime is not enough for mission systems. Each bid's SLA terms are "
    "checked against the nine elements of a mission-grade SLA; large awards must be tied to "
    "mission-outcome OKRs."
)
controls.sla_gate_toggle(ev)

matrix = results.sla
passing = sum(r.mission_grade for r in matrix)
st.subheader("SLA mission-grade matrix")
st.markdown(f"**{passing} of {len(matrix)}** bids offer a mission-grade SLA. "
            "✓ meets the element, ✗ does not, — not stated in the bid.")
st.dataframe(compliance_views.style_matrix(compliance_views.matrix_frame(matrix)),
             hide_index=True, height=min(36 * (len(matrix) + 1) + 4, 36 * 16 + 4),
             column_config={"Vendor": st.column_config.TextColumn(pinned=True),
                            "Lot": st.column_config.TextColumn(pinned=True),
                            "Mission-grade": st.column_config.TextColumn(pinned=True),
                            "Fails on": st.column_config.TextColumn(
                                pinned=True, width="medium",
                                help="The elements the bid's SLA does not meet or does not state")})
with st.expander("What mission-grade means"):
    st.table(compliance_views.rules_frame(), hide_index=True)

st.subheader("Governance: OKRs for large investments")
try:
    awards = results.awards
except ScoringError as exc:
    st.warning(f"Cannot rank: {exc}.", icon=":material/warning:")
    st.stop()
settings = results.bidset.settings
for a in awards:
    (st.warning if a.check.flagged else st.success)(
        f"**{esc(a.award)}**: {esc(a.check.message)}.",
        icon=":material/flag:" if a.check.flagged else ":material/check:")
if not awards:
    st.info("No award can be formed yet (a lot has a tie at the top, or no eligible bid).",
            icon=":material/info:")
st.caption(f"Rule: a total award above {settings.okr_threshold:,.0f} {esc(settings.currency)} "
           "needs at least two OKRs marked as mission outcomes in the workbook's OKRs sheet. "
           "Awards are the scenarios' (with the what-ifs and any hand-edited award) when the "
           "workbook has Components, else the highest-ranked bids.")
st.dataframe(compliance_views.okr_frame(open_wb.bidset), hide_index=True)
widgets.provenance(results.ranking, open_wb.name)
