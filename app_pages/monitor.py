"""Monitor: after the award, the contract's KPIs, the fee at risk, trends and the registers."""

import streamlit as st

from scoring.monitor import fee_at_risk, trends
from scoring.performance_template import performance_template_bytes
from scoring.review_pack import review_document, review_workbook
from ui import monitor_state, monitor_tabs, state
from ui import monitor_views as views
from ui.widgets import md_escape as esc
from ui.widgets import show_problems

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

open_wb = state.current()
bidset = open_wb.bidset

st.title("Monitor")
st.write("After the award: the awarded bids' commitments become the contract's KPIs and "
         "obligations, and a performance workbook reports, month by month, what each vendor "
         "delivered and invoiced. The page works out the fee at risk and the credits due, flags "
         "trends and anomalies, and keeps the risk and tech-debt registers.")

left, right = st.columns([3, 2])
with left:
    upload = st.file_uploader("Performance workbook (.xlsx)", type=["xlsx"], key="perf_upload",
                              help="Sheets Actuals (required), KPIs, Invoices, Incidents, Risks, "
                                   "TechDebt and Settings; see the template")
with right:
    st.download_button("Download the performance template", performance_template_bytes(),
                       file_name="performance-template.xlsx", mime=XLSX,
                       icon=":material/download:")
in_use = monitor_state.book(upload)
if in_use is None:
    st.info("Upload the performance workbook of this evaluation's award. A saved evaluation "
            "opens with the latest one stored with it; the bundled sample evaluation with its "
            "own (twelve months, three vendors).",
            icon=":material/upload_file:")
    st.stop()
name, read = in_use.name, in_use.read
if not read.ok:
    st.error(f"**{esc(name)}** has {len(read.problems)} problem"
             f"{'s' if len(read.problems) != 1 else ''}; nothing of it is used until they are "
             "fixed.", icon=":material/error:")
    show_problems(read.problems)
    st.stop()
book = read.book
assert book is not None
monitor_state.store_form(in_use)
st.caption(f"{esc(name)} · {len(book.months)} months ({book.months[0]} to {book.months[-1]}) · "
           f"{len(book.vendors)} vendors on {len(book.services)} awarded bids · SHA-256 "
           f"{book.sha256[:12]}…" if book.months else esc(name))

for text in monitor_state.award_mismatch(book):
    st.warning(esc(text), icon=":material/rule:")
if not book.months:
    st.info("The book reports no month yet: the contract's KPIs and obligations are below; the "
            "fee at risk, trends and reviews follow once Actuals has a month.",
            icon=":material/info:")
    st.dataframe(views.kpi_frame(book.kpis), hide_index=True)
    st.dataframe(views.obligations_frame(book), hide_index=True)
    st.stop()
whole = book
month = book.months[-1]
if len(book.months) > 1:
    month = st.select_slider("Review month", options=list(book.months), value=month,
                             key="perf_month",
                             help="The month under review: every figure below is the book's as it "
                                  "stood at its end (credits and flags to date, stale entries "
                                  "counted to it), as the review pack and the command line give it")
book = whole.through(month)  # one as-of view: the page, the pack and the command line agree
credits = fee_at_risk(book)
series = trends(book)

pack_left, pack_right = st.columns(2)
pack_left.download_button(
    f"Review pack for {month} (.xlsx)", data=lambda: review_workbook(whole, month, name),
    file_name=f"performance-review-{month}.xlsx", mime=XLSX, icon=":material/table_view:",
    help="KPI status, credits, flags, incidents, top risks, tech debt, OKR progress and the "
         "decisions to take, for the program, security, procurement, legal and business owners")
pack_right.download_button(
    f"Review pack for {month} (.docx)", data=lambda: review_document(whole, month, name),
    file_name=f"performance-review-{month}.docx", mime=DOCX, icon=":material/description:")

tabs = st.tabs(["Fee at risk", "KPIs and trends", "Registers", "Annual ratings", "The contract"])
with tabs[0]:
    monitor_tabs.fee_tab(book, credits, month)
with tabs[1]:
    monitor_tabs.trends_tab(series)
with tabs[2]:
    monitor_tabs.registers_tab(book, month)
with tabs[3]:
    monitor_tabs.ratings_tab(book, name)
with tabs[4]:
    monitor_tabs.contract_tab(book)
