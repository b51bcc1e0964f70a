"""Import: upload a bid workbook or open the sample; download the template; see every problem."""

import streamlit as st

from scoring.evaluation import Evaluation
from ui import cache, envelope_views, persistence, state, widgets
from ui.widgets import md_escape as esc

st.title("Import bids")
st.write(
    "Upload the bid workbook your panel filled in (Excel .xlsx). Every problem is listed at "
    "once with the sheet, row and column where it is, and nothing is loaded until the "
    "workbook is clean."
)

left, right = st.columns([3, 2], gap="large")
with left:
    st.file_uploader(
        "Bid workbook", type=["xlsx", "xlsm", "xls", "xlsb", "ods", "csv"], key=state.uploader_key(),
        on_change=state.take_upload, args=(state.uploader_key(),),
        help="Contract v1: Criteria and Bids sheets required; Components, Vendors, Scores, "
        "OKRs and Settings optional. See the template's Instructions sheet.",
    )
with right:
    st.markdown("**Start from the template or the sample**")
    st.download_button(
        "Download the template", cache.template_bytes(),
        file_name="bid-workbook-template.xlsx", icon=":material/download:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        help="Instructions, drop-downs and two example bids (Example Vendor A and B) to "
        "overwrite with your own.",
    )
    st.button("Open the bundled sample", icon=":material/folder_open:", on_click=state.open_sample,
              help="Starts a new, unsaved evaluation of the sample workbook.")

outcome = state.last_upload()
if outcome is not None and not outcome.result.ok:
    problems = outcome.result.problems
    noun = "problem" if len(problems) == 1 else "problems"
    st.error(
        f"**{esc(outcome.name)}** was not loaded: {len(problems)} {noun} to fix. "
        "The evaluation in use is unchanged.",
        icon=":material/error:",
    )
    widgets.show_problems(problems)

open_wb = state.current()
bidset = open_wb.bidset
st.subheader("Workbook in use")
if outcome is not None and outcome.result.ok and outcome.name == open_wb.name:
    st.success(f"**{esc(open_wb.name)}** passed every check and is open.", icon=":material/check:")
st.markdown(f"**{esc(open_wb.name)}** · SHA-256 `{open_wb.sha256}`")
cols = st.columns(4)
cols[0].metric("Bids", len(bidset.bids))
cols[1].metric("Vendors", len(bidset.vendor_names))
cols[2].metric("Lots (bundles count as one)", len(bidset.lots))
cols[3].metric("Criteria", len(bidset.criteria))
if bidset.notes:
    with st.expander(f"Notes ({len(bidset.notes)})"):
        widgets.show_problems(bidset.notes)

changed = state.evaluation().changes_from(Evaluation.of(bidset))
st.caption("The workbook as read, with its own weights and settings. "
           + ("The evaluation in use (sidebar) departs from them in: " + esc(", ".join(changed))
              + " (see Evaluate, Scenarios and Robustness)." if changed
              else "The evaluation in use scores it with exactly these."))
tab_criteria, tab_bids, tab_settings = st.tabs(["Criteria", "Bids", "Settings"])
with tab_criteria:
    st.dataframe(widgets.criteria_frame(bidset), hide_index=True, placeholder="—")
with tab_bids:
    if sealed := persistence.sealed():
        st.caption(envelope_views.SEALED_NOTE)
    st.dataframe(widgets.bids_frame(bidset, sealed=sealed), hide_index=True, placeholder="—")
with tab_settings:
    st.dataframe(widgets.settings_frame(bidset), hide_index=True)

st.page_link("app_pages/evaluate.py", label="Go to Evaluate", icon=":material/arrow_forward:")
