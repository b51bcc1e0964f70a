"""Source Selection Workbench: entry point (page config, sign-in, session, navigation, sidebar)."""

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from ui import auth, declarations, envelope_views, persistence, state, turns, widgets

st.set_page_config(
    page_title="Source Selection Workbench",
    page_icon=":material/balance:",
    layout="wide",
)


def page(path: str, title: str, icon: str, url: str, default: bool = False) -> st.Page:
    return st.Page(f"app_pages/{path}.py", title=title, icon=f":material/{icon}:", url_path=url,
                   default=default)


STRATEGY = page("strategy", "Strategy", "route", "strategy")
IMPORT = page("import_bids", "Import", "upload_file", "import")
EVALUATE = page("evaluate", "Evaluate", "leaderboard", "evaluate", default=True)
PANEL = page("panel", "Panel", "groups", "panel")
ROBUSTNESS = page("robustness", "Robustness", "ssid_chart", "robustness")
SCENARIOS = page("scenarios", "Scenarios", "account_tree", "scenarios")
COMPLIANCE = page("compliance", "Compliance", "verified", "compliance")
REPORT = page("report", "Report & share", "share", "report")
MONITOR = page("monitor", "Monitor", "monitoring", "monitor")
PAGES = [STRATEGY, IMPORT, EVALUATE, PANEL, ROBUSTNESS, SCENARIOS, COMPLIANCE, REPORT, MONITOR]
# Pages whose every figure rests on prices: while the price envelope is sealed they say so, and
# do not run (Import, Panel and Report & share show what is not priced). Monitor comes after the
# award, when the prices are open; while they are sealed, it waits too.
PRICED = (EVALUATE, ROBUSTNESS, SCENARIOS, COMPLIANCE, MONITOR)


def main() -> None:
    """One run: sign-in, the session, the sidebar and the page asked for."""
    try:
        who = auth.require_sign_in()
        persistence.apply_share_link()
        state.init()
        status = persistence.status(fresh=True)  # read once a run: saved version, changes, live panel
        role = persistence.role()
        if role == "unavailable":  # signed in, and access cannot be checked: show nothing
            st.title("Source Selection Workbench")
            st.warning("The evaluation database is not answering, so your access to the evaluation "
                       "in use cannot be checked. Try again shortly.", icon=":material/cloud_off:")
            st.stop()
        ref = persistence.saved()
        if who.signed_in and ref is not None and role in ("chair", "evaluator", "viewer"):
            db = persistence.store()  # before anything of the evaluation: the declaration
            if db is not None:
                declarations.gate(db, ref.evaluation_id, who.user_id)
    except StopException:
        # Stopped before any page (sign-in, a link that cannot be opened): the address asked for is
        # still one of the app's pages, so the browser is not told "Page not found".
        st.navigation(PAGES, position="hidden")
        raise
    if role == "none":  # removed from the evaluation in use: drop it from the session at once
        persistence.drop_evaluation()
        status = persistence.status(fresh=True)
        role = persistence.role()
    persistence.forget_revoked_left_behind()
    persistence.removal_notice()

    flags = persistence.panel_flags(fresh=True)  # once a run (an unsaved evaluation: the defaults)
    sealed = persistence.sealed(fresh=True, flags=flags)
    blind = role == "evaluator" and not (flags.get("consensus_open") == "yes"
                                         and flags.get("prices_visible") == "yes")
    # Every page's address stays valid (a shared /panel?… link finds its page); blind scoring shows
    # no menu, and any page but Panel goes to Panel before it runs: until the chair opens consensus
    # and shows prices, an evaluator sees only their own scores (rankings would reveal prices and
    # others' scores).
    nav = st.navigation(PAGES, position="hidden" if blind else "sidebar")
    if blind and nav.url_path != PANEL.url_path:
        st.switch_page(PANEL)  # before the page asked for runs

    with st.sidebar:
        open_wb = state.current()
        bidset = open_wb.bidset
        st.markdown("**Evaluation in use**")
        ref = persistence.saved()
        st.markdown(widgets.md_escape(ref.name if ref is not None else open_wb.name))
        st.caption(
            f"{len(bidset.bids)} bids · {len(bidset.vendor_names)} vendors · "
            f"{len(bidset.criteria)} criteria · SHA-256 {open_wb.sha256[:12]}… · "
            f"{widgets.md_escape(status.label())}"
            + (f" · your role: {role}" if who.signed_in else "")
            + (" · prices sealed" if sealed else "")
        )
        auth.sidebar(who)
        st.info(
            "Advisory tool: it scores and explains; the evaluation panel selects the winner.",
            icon=":material/gavel:",
        )

    priced = nav.url_path in {p.url_path for p in PRICED}
    if sealed and priced:
        envelope_views.sealed_page(nav.title)
        return
    if status.panel_moved and priced:
        persistence.panel_notice(status)  # above the page: its figures are the version's
    with persistence.database_guard():
        nav.run()


# Script runs take turns (``ui.turns``): a run waits for its turn, then runs without thirty
# others thrashing the interpreter lock; long computations step aside.
# (not in a worker process spawned by the app, which imports this file as '__mp_main__')
if __name__ == "__main__":
    with turns.turn():
        main()
