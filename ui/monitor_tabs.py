"""The tabs of the Monitor page, each drawn from the book as it stood at the review month."""

from __future__ import annotations

import streamlit as st

from scoring import monitor
from scoring.model import fold
from scoring.monitor import CPARS_LEVELS, MonthCredit, PerformanceBook, Series, ratings, stale_risks
from scoring.review_pack import ratings_document
from ui import monitor_state, vega
from ui import monitor_views as views
from ui.widgets import md_escape as esc

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def fee_tab(book: PerformanceBook, credits: list[MonthCredit], month: str) -> None:
    """The fee at risk: totals, running totals, the months' credits, and the bids that fail."""
    due = sum(m.credit for m in credits)
    at_risk = sum(m.at_risk for m in credits)
    this = [m for m in credits if m.month == month]
    a, b, c = st.columns(3)
    a.metric(f"Credits due to {month} ({book.currency})", f"{due:,.0f}")
    b.metric(f"At risk to {month} ({book.currency})", f"{at_risk:,.0f}")
    c.metric(f"Credits for {month}", f"{sum(m.credit for m in this):,.0f}")
    table = views.credits_frame(credits)
    if table.empty:
        st.info("No invoice yet: the Invoices sheet gives the amounts a fee at risk is a share "
                "of.", icon=":material/info:")
    else:
        vega.show(views.running_total_chart(credits, book.currency))
    if not table.empty and st.toggle("Only the months with a missed KPI", value=True,
                                     key="perf_only_misses"):
        table = table[table["Missed"] != ""]
    st.dataframe(table, hide_index=True, column_config={
        col: st.column_config.NumberColumn(format="%,.0f")
        for col in ("Invoice", "At risk", "Credit", "Running total")})
    st.caption(
        "Each month, the amount at risk is the bid's fee-at-risk share of the invoice. A missed "
        "KPI earns its share of that amount (shares may add up to more than 100 %); "
        + (f"a KPI missed again the month after earns {book.escalation:g} times as much for each "
           "miss in a row before it; " if book.escalation > 1 else "")
        + "the month's credit is capped at the amount at risk. A KPI with no share of the pool "
        "(an OKR) is tracked, not credited.")
    failing = monitor.failing(book, credits=credits)  # the credits computed once a run
    if failing:
        st.subheader("What would replacing a vendor cost?")
        st.caption("The awarded bids that missed a critical KPI, or whose credits reached the whole "
                   "amount at risk in a month. Each opens the Scenarios comparison with an award "
                   "that replaces the vendor on that component by the best-ranked other bid "
                   "(the hand-edited award, beside the monolithic, modular and optimized ones).")
        for n, s in enumerate(failing):
            if st.button(f"Replace {s.vendor} on {s.component}", key=f"perf_replace_{n}",
                         icon=":material/swap_horiz:"):
                monitor_state.open_replacement(s.vendor, s.component)


def trends_tab(series: list[Series]) -> None:
    """Each KPI's series against its target, and every flag."""
    if not series:
        st.info("No KPI has a value reported yet.", icon=":material/info:")
    else:
        flagged = next((i for i, x in enumerate(series)
                        if any(f.kind != "tighten" for f in x.flags)), 0)
        chosen = st.selectbox("KPI", range(len(series)), index=flagged, key="perf_series",
                              format_func=lambda i: views.series_label(series[i]))
        vega.show(views.series_chart(series[chosen]))
        flags = views.flags_frame(series)
        if flags.empty:
            st.success("No flags: every KPI met its target, without a run of declines or an "
                       "unusual value.", icon=":material/check:")
        else:
            st.dataframe(flags, hide_index=True)
        st.caption("Flags: a missed target; three consecutive declines; a value outside the "
                   "series' usual range (Tukey's fences, 1.5 interquartile ranges beyond the "
                   "quartiles, from six months); a target met every month of the last twelve (a "
                   "candidate to tighten at renewal).")


def registers_tab(book: PerformanceBook, month: str) -> None:
    """The risk register (heat map, stale entries), the tech debt, the incidents."""
    stale = [r.risk for r in stale_risks(book, month)] if book.months else []
    st.subheader("Risk register")
    left, right = st.columns([2, 3], gap="large")
    with left:
        vega.show(views.heat_map_chart(book))
        st.caption("Open risks by likelihood and impact (1-5 each); hover a cell for its risks.")
    with right:
        if stale:
            st.warning(f"{len(stale)} open risk{'s' if len(stale) != 1 else ''} not updated within "
                       f"{book.review_days} days of the end of {month}: "
                       + "; ".join(esc(s) for s in stale) + ".", icon=":material/schedule:")
        else:
            st.success(f"Every open risk was updated within {book.review_days} days of the end of "
                       f"{month}.", icon=":material/check:")
    st.dataframe(views.risks_frame(book, stale), hide_index=True)
    st.subheader("Tech-debt register")
    debt = views.debt_frame(book)
    if debt.empty:
        st.caption("No tech debt recorded.")
    else:
        st.dataframe(debt, hide_index=True, column_config={
            col: st.column_config.NumberColumn(format="%,.0f") for col in debt.columns[2:]})
        st.caption(f"In all: carrying cost {debt['Carrying cost a year'].sum():,.0f} a year; "
                   f"remediation {debt['Remediation'].sum():,.0f}; deferring everything a year "
                   f"costs {debt['Cost of deferring a year'].sum():,.0f} ({book.currency}). "
                   "Costliest to defer first.")
    st.subheader("Incidents")
    st.dataframe(views.incidents_frame(book), hide_index=True)


def ratings_tab(book: PerformanceBook, name: str) -> None:
    """The year's ratings: suggested, confirmed, each with its narrative; then the document."""
    years = sorted({m[:4] for m in book.months}, reverse=True)
    year = st.selectbox("Year", years, key="perf_year") if years else None
    if year is not None:
        narratives, levels = {}, {}
        for v in ratings(book, year):
            st.markdown(f"**{esc(v.vendor)}** · suggested **{v.cpars}** (KPIs' attainment "
                        f"{v.attainment:.0%}, weighted by their share of the fee at risk)")
            st.dataframe(views.rating_frame(v), hide_index=True)
            left, right = st.columns([1, 3])
            suggested = CPARS_LEVELS.index(v.cpars) if v.cpars in CPARS_LEVELS else None
            levels[v.vendor] = left.selectbox(
                "CPARS level", CPARS_LEVELS, index=suggested, placeholder="Choose the level",
                key=f"perf_level_{year}_{fold(v.vendor)}",
                help="The assessing official's rating: the suggestion, or another with the "
                     "narrative saying why")
            narratives[v.vendor] = right.text_area(
                "Narrative (required)", key=f"perf_narrative_{year}_{fold(v.vendor)}", height=90,
                placeholder="What the vendor delivered this year, where it fell short, and why "
                            "this rating")
        missing = [v for v, text in narratives.items() if not text.strip() or not levels[v]]
        if missing:
            st.caption("The ratings document needs a level and a narrative for every vendor: "
                       + ", ".join(esc(v) for v in missing) + " still without.")
        else:
            st.download_button(f"Annual ratings {year} (.docx)", data=lambda: ratings_document(
                book, year, narratives, levels, name), file_name=f"performance-ratings-{year}.docx",
                mime=DOCX, icon=":material/grading:")
        st.caption("Each KPI on the UK Procurement Act 2023's four levels: good (met every month "
                   "reported), approaching target (90 % of months or more), requires improvement "
                   "(75 % or more), inadequate (less). The CPARS level (FAR 42.1503) is suggested "
                   "from the KPIs' attainment weighted by their share of the fee at risk: "
                   "Exceptional when every KPI is good, then Very Good from 95 %, Satisfactory "
                   "from 85 %, Marginal from 70 %; a critical KPI below approaching target keeps "
                   "it from Very Good, and one inadequate caps it at Marginal.")


def contract_tab(book: PerformanceBook) -> None:
    """The contract's KPIs and the obligations as bid."""
    st.dataframe(views.kpi_frame(book.kpis), hide_index=True, column_config={
        "Share of the pool": st.column_config.NumberColumn(format="%g %%")})
    st.caption("The awarded bids' committed uptime is a KPI with all of the vendor's fee-at-risk "
               "pool unless the KPIs sheet restates it; the KPIs sheet adds the others.")
    st.markdown("**Obligations as bid**")
    st.dataframe(views.obligations_frame(book), hide_index=True)
