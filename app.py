"""Source Selection Workbench: entry point (page config, session, navigation, sidebar)."""

import streamlit as st

from ui import persistence, state, widgets

st.set_page_config(
    page_title="Source Selection Workbench",
    page_icon=":material/balance:",
    layout="wide",
)
persistence.apply_share_link()
state.init()

pages = [
    st.Page("app_pages/import_bids.py", title="Import", icon=":material/upload_file:",
            url_path="import"),
    st.Page("app_pages/evaluate.py", title="Evaluate", icon=":material/leaderboard:",
            url_path="evaluate", default=True),
    st.Page("app_pages/robustness.py", title="Robustness", icon=":material/ssid_chart:",
            url_path="robustness"),
    st.Page("app_pages/scenarios.py", title="Scenarios", icon=":material/account_tree:",
            url_path="scenarios"),
    st.Page("app_pages/compliance.py", title="Compliance", icon=":material/verified:",
            url_path="compliance"),
    st.Page("app_pages/report.py", title="Report & share", icon=":material/share:",
            url_path="report"),
]
nav = st.navigation(pages)

with st.sidebar:
    open_wb = state.current()
    bidset = open_wb.bidset
    st.markdown("**Evaluation in use**")
    st.markdown(widgets.md_escape(open_wb.name))
    st.caption(
        f"{len(bidset.bids)} bids · {len(bidset.vendor_names)} vendors · "
        f"{len(bidset.criteria)} criteria · SHA-256 {open_wb.sha256[:12]}… · "
        f"{widgets.md_escape(persistence.version_label())}"
    )
    st.info(
        "Advisory tool: it scores and explains; the evaluation panel selects the winner.",
        icon=":material/gavel:",
    )

nav.run()
