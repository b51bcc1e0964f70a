"""Scenarios: monolithic vs modular vs optimized vs hand-edited award, cost and risk."""

import streamlit as st

from scoring.mcda import ScoringError
from scoring.scenarios import HHI_HIGH
from ui import (
    cache,
    charts,
    controls,
    frontier_views,
    monitor_state,
    scenario_views,
    state,
    vega,
    widgets,
)
from ui.widgets import md_escape as esc

open_wb = state.current()
ev = state.evaluation()
bidset = open_wb.bidset
currency = bidset.settings.currency

st.title("Scenarios")
st.write(
    "What does splitting the procurement buy, and what does it cost? Compare one vendor for "
    "everything (the best bundle bid), the best bid in each lot, and the award of least total "
    "cost under the caps, on cost, concentration and replaceability."
)
if (replaced := st.session_state.pop(monitor_state.REPLACED, None)) is not None:
    vendor, component, other = replaced
    st.info(f"From the Monitor page: the **edited award** replaces **{esc(vendor)}** on "
            f"**{esc(component)}** by **{esc(other)}**, the best-ranked other bid there. Compare "
            "its cost, concentration and replaceability with the other awards below.",
            icon=":material/swap_horiz:")
if not bidset.components:
    st.info(
        "Scenarios need a **Components** sheet in the workbook listing the parts of the "
        "procurement (component, criticality, switching_cost). Download the template on the "
        "Import page to see the format.", icon=":material/info:")
    st.page_link("app_pages/import_bids.py", label="Go to Import", icon=":material/upload_file:")
    st.stop()

with st.expander("What-if settings (the workbook's values are the defaults)",
                 expanded=bool(ev.what_ifs)):
    controls.what_if_inputs(ev, bidset)
results = cache.results(ev, bidset)
try:
    found = results.scenarios
except ScoringError as exc:
    st.warning(f"Cannot rank: {exc}.", icon=":material/warning:")
    st.stop()
scenarios, dist = list(found.scenarios), found.distributions or {}
modular = found.named("modular")
start = {a.component: a.vendor for a in modular.awards} if modular is not None else {}

with st.expander("Edit an award by hand", icon=":material/edit:", expanded=ev.edited_award is not None):
    st.caption("Starts from the modular award; change any vendor and the award appears as the "
               "'Edited' scenario, here, in the report and in saved versions.")
    controls.award_editor(ev, bidset, start)

for s in scenarios:
    if not s.available:
        st.warning(f"**{s.name.capitalize()}** is not available: {esc(s.note)}.",
                   icon=":material/warning:")
    elif s.note:
        st.info(f"**{s.name.capitalize()}**: {esc(s.note)}.", icon=":material/info:")

st.subheader("Side by side")
st.table(scenario_views.comparison_frame(scenarios, dist, currency), hide_index=True)
with st.expander("Who is awarded what"):
    st.dataframe(scenario_views.awards_frame(scenarios, bidset), hide_index=True)

available = [s for s in scenarios if s.available]
cheapest = min(available, key=lambda s: s.figures.total_cost, default=None)
st.caption("Optimized = the award of least total cost (prices, integration, coordination and "
           "expected replacement) under the caps; it does not weigh quality, which the "
           "'Quality of awarded bids' row shows.")
if cheapest is not None:
    cols = st.columns(len(available))
    for col, s in zip(cols, available, strict=True):
        delta = s.figures.total_cost - cheapest.figures.total_cost
        col.metric(f"{s.name.capitalize()}: total cost", f"{s.figures.total_cost:,.0f}",
                   f"+{delta:,.0f} vs lowest" if delta > 0 else (
                       "lowest, breaks the caps" if s.note.startswith("Breaks") else "lowest"),
                   delta_color="inverse" if delta > 0 else "off",
                   delta_arrow="auto" if delta > 0 else "off")

st.subheader("Best-value frontier")
st.caption("Awards under the caps that no other award beats on both total cost and quality, "
           "spread over the quality range: "
           "what each step of quality costs. Each point is exact (the optimizer's program solved "
           "for the least cost at a quality of at least a level); the other scenarios are marked "
           "where they stand (one that breaks the caps, often the monolithic award, can lie "
           "beyond it). Take a point as the edited award to compare it above, report it and "
           "save it.")
frontier_views.options_form(ev, currency)
front = results.frontier
if front.unavailable:
    st.warning(f"No frontier: {esc(front.unavailable)}.", icon=":material/warning:")
else:
    if message := st.session_state.pop("frontier_flash", None):
        st.success(message, icon=":material/check:")
    vega.show(frontier_views.chart(front, scenarios, currency))
    with st.expander(f"The {len(front.points)} frontier awards"):
        st.dataframe(frontier_views.frame(front), hide_index=True, column_config={
            "Total cost": st.column_config.NumberColumn(format="%,.0f"),
            "Quality": st.column_config.NumberColumn(format="%.3f")})
    frontier_views.pick(ev, front, results)

left, right = st.columns(2, gap="large")
with left:
    st.subheader("Cost components")
    vega.show(charts.cost_components_chart(available, currency))
with right:
    st.subheader("Risk-adjusted cost distribution")
    vega.show(charts.cost_distribution_chart(dist, currency))
    st.caption(f"{ev.simulation.draws:,} simulated contract terms (seed {ev.simulation.seed}): "
               "each vendor may fail in any year with "
               "its annual probability, costing the switching cost of all it holds. Boxes span "
               "the middle half of the terms, the line in each box is the median, whiskers reach "
               "the cheapest and dearest term; a flat box means most terms had no failure.")

left, right = st.columns(2, gap="large")
with left:
    st.subheader("Concentration")
    vega.show(charts.concentration_chart(available))
    st.caption(f"HHI of price shares: above {HHI_HIGH:,.0f} is highly concentrated, "
               "1,000-1,800 moderately; one vendor = 10,000.")
with right:
    st.subheader("Single point of failure and replaceability")
    st.dataframe(scenario_views.risk_frame(available), hide_index=True)
    st.caption("Single point of failure: the largest share of total criticality one vendor "
               "holds. Replaceability: 1 minus the criticality-weighted share that must be "
               "re-procured when a component's vendor is replaced (monolithic = 0).")
widgets.provenance(results.ranking, open_wb.name)
