"""Strategy: how to buy before whom to buy. Delivery-model fit, risk allocation, value for money."""

import streamlit as st

from scoring.documents import file_part
from scoring.strategy import percent, shown, stability_sentence
from scoring.template import template_bytes
from ui import cache, state, vega
from ui import strategy_views as views
from ui.widgets import md_escape as esc

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

open_wb = state.current()
bidset = open_wb.bidset
ev = state.evaluation()
currency = bidset.settings.currency

st.title("Strategy")
st.write("Before choosing whom to buy from, choose how to buy: one contract, modular contracts, "
         "or a partnership (managed services, a concession, a joint venture, an alliance, a data "
         "partnership). The programme's answers are scored against each model, its risks are "
         "given to the party best placed to manage them, and the model is costed against "
         "traditional delivery. Optional: an evaluation needs none of it, and what is set here "
         "goes into the bid template, the report and the decision document.")

a = ev.assessment(bidset)
if a is None:
    st.info("This evaluation has no delivery-strategy assessment: its workbook has no Strategy "
            "sheet. Start one from typical answers and the standard risks of a technology "
            "programme, then make them this programme's.", icon=":material/account_tree:")
    st.button("Assess the delivery model", icon=":material/play_arrow:", type="primary",
              on_click=views.start)
    st.stop()

results = cache.results(ev, bidset)
found = results.strategy
assert found is not None
source = "as changed here" if ev.strategy is not None else "from the workbook's Strategy sheet"
st.caption(f"The assessment {source}. Changes here are part of the evaluation in use: save a "
           "version to keep them.")
if ev.strategy is not None:
    st.button("Back to the workbook's assessment" if bidset.strategy is not None
              else "Remove the assessment", icon=":material/undo:", on_click=views.reset)

fit_tab, risk_tab, vfm_tab = st.tabs(["Delivery-model fit", "Risk allocation", "Value for money"])

with fit_tab:
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader("The programme's answers")
        views.answers_inputs(bidset, a)
    with right:
        st.subheader("How each model fits")
        vega.show(views.fit_chart(found))
        best = found.ranking[0]
        st.markdown(f"**{esc(best.model)}** fits best ({shown(best.score):.2f} of 5) and ranks "
                    f"first in **{percent(best.first_share)}%** of 5,000 weight draws around "
                    "these weights.")
        views.model_select(bidset, found)
    st.dataframe(views.fit_frame(found), hide_index=True, width="stretch",
                 column_config=views.FIT_COLUMNS)
    st.markdown("**What would change the best fit.** " + esc(stability_sentence(found)))
    with st.expander("Each answer's range"):
        st.dataframe(views.stability_frame(found), hide_index=True, width="stretch")
    st.caption("A model's fit on a question is 5 at the answer it suits best, falling to 0 four "
               "points away (25 years for the partnership's length); scikit-criteria's weighted "
               "sum ranks the models on those fits with the questions' weights. \"Suits\" is the "
               "model's ideal answer.")

with risk_tab:
    st.write(f"Each risk with its owner under **{esc(found.model.lower())}**: the usual "
             "allocation is filled in; change an owner where this programme differs, add the "
             "programme's own risks as rows. A deviation from the usual allocation, or a risk "
             "no one owns, is flagged with the reason to reconsider. The chance and the costs "
             "drive value for money.")
    views.risk_editor(bidset, found)
    for x in found.flags:
        st.warning(f"**{esc(x.risk)}** ({esc(x.owner)}): {esc(x.flag)}.", icon=":material/flag:")
    if not found.flags:
        st.success(f"Every risk has an owner, each the usual one under "
                   f"{esc(found.model.lower())}.", icon=":material/check_circle:")

with vfm_tab:
    st.write("Traditional delivery (the agency's own cost and financing, plus competitive "
             "neutrality, keeping every risk) against the model chosen (its price, the risks it "
             "keeps, and the risks it transfers priced at their expected cost plus a premium), "
             f"over the partnership's length ({a.years} years). Each year each risk happens with "
             "its chance and costs a triangular draw between its low and high cost; the same "
             "seeded draws for both.")
    views.vfm_inputs(bidset, a)
    st.dataframe(views.vfm_frame(found), hide_index=True, column_config={
        k: st.column_config.NumberColumn(f"{k} ({currency})", format="%,.0f")
        for k in ("Mean", "P50", "P90")})
    st.markdown(esc(found.verdict(currency)))
    vega.show(views.vfm_chart(found, esc(currency)))

st.divider()
st.subheader("Into the evaluation")
model = found.model
st.write(f"The bid workbook template written for **{esc(model.lower())}** suggests its criteria "
         "and SLA terms, and carries this assessment in its Strategy sheet. The report (its "
         "Delivery strategy sheet) and the decision document show the same figures.")
st.download_button(f"Bid workbook template for {model.lower()}", data=lambda: template_bytes(a),
                   file_name=f"bid-template-{file_part(model)}.xlsx",
                   mime=XLSX, icon=":material/download:")
