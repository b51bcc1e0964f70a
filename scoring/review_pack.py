"""The monthly review pack, in Excel and in Word, and the annual performance ratings.

One month's pack holds what the program, security, procurement, legal and business owners
review together: each KPI's status, the credits, the month's flags, incidents, the top risks
and stale entries, the tech debt, OKR progress and the decisions to take. Both files come from
one ``monitor.Review`` of the performance book, so they agree with each other and with the
Monitor page. The annual ratings need the assessing official's narrative for each vendor.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd
from openpyxl import Workbook

from scoring.documents import _new, _table, xml_safe
from scoring.monitor import REVIEWERS, PerformanceBook, Review, ratings, review
from scoring.report import Sheet, _neutralise

MARKING = "CONTRACT PERFORMANCE — OFFICIAL USE ONLY"


class NarrativeMissing(ValueError):
    """An annual rating without the narrative it needs."""


def _frames(r: Review) -> dict[str, pd.DataFrame]:
    """The pack's tables, from one review."""
    status = [{"Vendor": k.vendor, "Component": k.component, "KPI": k.name,
               "Target": f"{'at least' if k.direction == 'max' else 'at most'} {k.target:g}"
                         + (f" {k.unit}" if k.unit else ""),
               "Value": "" if v is None else f"{v:g}",
               "Status": "not reported" if met is None else "met" if met else "MISSED",
               "Share of the pool": f"{k.weight_pct:g} %", "Critical": "yes" if k.critical else "",
               "okr": k.weight_pct <= 0} for k, v, met in r.status]
    return {
        "KPI status": pd.DataFrame([x for x in status if not x["okr"]]).drop(columns="okr",
                                                                             errors="ignore"),
        "Credits": pd.DataFrame([{"Vendor": m.vendor, "Component": m.component or "all",
                                  "Invoice": m.invoice, "At risk": m.at_risk,
                                  "Missed": ", ".join(x.kpi for x in m.misses),
                                  "Credit": m.credit, "Capped": "yes" if m.capped else ""}
                                 for m in r.credits]),
        "Flags": pd.DataFrame([{"Vendor": k.vendor, "KPI": k.name, "Flag": f.kind, "What": f.text}
                               for k, f in r.flags]),
        "Incidents": pd.DataFrame([{"Date": i.date, "Vendor": i.vendor, "Severity": i.severity,
                                    "What happened": i.description,
                                    "Resolved": i.resolved or "open"} for i in r.incidents]),
        "Top risks": pd.DataFrame([{"Risk": x.risk, "Owner": x.owner, "Score": x.score,
                                    "Status": x.status, "Updated": x.updated,
                                    "Stale": "yes" if x in r.stale else "",
                                    "Mitigation": x.mitigation} for x in r.top_risks]),
        "Tech debt": pd.DataFrame([{"Item": d.item, "System": d.system,
                                    "Cost of deferring a year": d.cost_of_deferral,
                                    "Remediation": d.remediation_cost} for d in r.debt]),
        "OKR progress": pd.DataFrame([x for x in status if x["okr"]]).drop(
            columns=["okr", "Share of the pool"], errors="ignore"),
    }


def review_workbook(book: PerformanceBook, month: str, name: str = "") -> bytes:
    """The month's pack as .xlsx bytes."""
    r = review(book, month)
    wb = Workbook()
    s = Sheet(wb, "Summary", first=True, marking=MARKING)
    s.title(f"Monthly performance review, {month}", 16)
    s.pairs([("Contract", name or "the awarded contract"), ("Month", month),
             ("For the owners", ", ".join(REVIEWERS[:-1]) + f" and {REVIEWERS[-1]}"),
             (f"Credits this month ({book.currency})", f"{sum(m.credit for m in r.credits):,.2f}"),
             (f"Credits to date ({book.currency})", f"{r.credits_to_date:,.2f}"),
             ("KPIs missed", str(sum(1 for _, _, met in r.status if met is False))),
             ("Performance workbook SHA-256", book.sha256)])
    s.title("Decisions to take", 12)
    for line in r.decisions or ("None: every KPI met or credited, nothing stale or open.",):
        s.text(f"• {line}")
    s.finish()
    money = {"Invoice": "#,##0", "At risk": "#,##0", "Credit": "#,##0.00",
             "Cost of deferring a year": "#,##0", "Remediation": "#,##0"}
    for title, frame in _frames(r).items():
        sheet = Sheet(wb, title, marking=MARKING)
        sheet.title(f"{title}, {month}", 13)
        if frame.empty:
            sheet.text("None.", italic=True)
        else:
            sheet.table(frame, {k: v for k, v in money.items() if k in frame.columns},
                        wrap=tuple(c for c in ("What", "What happened", "Mitigation") if c in frame))
        sheet.finish()
    sheet = Sheet(wb, "Ratings", marking=MARKING)
    sheet.title(f"Ratings, {month[:4]} to {month} (suggested; the year's ratings need the "
                "assessing official's narrative)", 13)
    year = ratings(book, month[:4], through=month)
    sheet.table(pd.DataFrame([{"Vendor": v.vendor, "KPI": k.kpi.name, "Component": k.kpi.component,
                               "Months reported": k.months, "Met": k.met,
                               "UK Procurement Act rating": k.uk, "CPARS suggested": v.cpars}
                              for v in year for k in v.kpis]))
    sheet.finish()
    _neutralise(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def review_document(book: PerformanceBook, month: str, name: str = "") -> bytes:
    """The month's pack as .docx bytes."""
    r = review(book, month)
    doc = _new(MARKING, landscape=True)
    doc.add_heading(xml_safe(f"Monthly performance review, {month}"), level=0)
    doc.add_paragraph(xml_safe(
        f"{name or 'The awarded contract'}. For the {', '.join(REVIEWERS[:-1])} and "
        f"{REVIEWERS[-1]} owners. Credits this month {sum(m.credit for m in r.credits):,.2f} "
        f"{book.currency}; to date {r.credits_to_date:,.2f} {book.currency}."))
    doc.add_heading("Decisions to take", level=1)
    for line in r.decisions or ("None: every KPI met or credited, nothing stale or open.",):
        doc.add_paragraph(xml_safe(line), style="List Bullet")
    for title, frame in _frames(r).items():
        doc.add_heading(title, level=1)
        if frame.empty:
            doc.add_paragraph("None.")
            continue
        numeric = tuple(i for i, c in enumerate(frame.columns)
                        if pd.api.types.is_numeric_dtype(frame[c]))
        rows = [[f"{v:,.2f}" if isinstance(v, float) else v for v in row]
                for row in frame.itertuples(index=False)]
        _table(doc, list(frame.columns), rows, numeric=numeric)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def ratings_document(book: PerformanceBook, year: str, narratives: Mapping[str, str],
                     levels: Mapping[str, str] | None = None, name: str = "") -> bytes:
    """The year's performance ratings per vendor as .docx bytes: each KPI's UK Procurement Act
    rating, the CPARS level (the suggestion, or the one ``levels`` gives) and the narrative,
    which every vendor needs (NarrativeMissing names those without)."""
    found = ratings(book, year)
    missing = [v.vendor for v in found if not narratives.get(v.vendor, "").strip()]
    if missing:
        raise NarrativeMissing("a narrative is needed for " + ", ".join(missing))
    doc = _new(MARKING)
    doc.add_heading(xml_safe(f"Annual performance ratings, {year}"), level=0)
    doc.add_paragraph(xml_safe(
        f"{name or 'The awarded contract'}. Each KPI is rated on the four levels of the UK "
        "Procurement Act 2023 (good: met every month reported; approaching target: 90 % of "
        "months or more; requires improvement: 75 % or more; inadequate: less); the overall "
        "level is CPARS's (FAR 42.1503), suggested from the KPIs' attainment weighted by their "
        "share of the fee at risk and confirmed by the assessing official."))
    for v in found:
        level = (levels or {}).get(v.vendor) or v.cpars
        doc.add_heading(xml_safe(f"{v.vendor}: {level}"), level=1)
        if level != v.cpars:
            doc.add_paragraph(xml_safe(f"Suggested from the KPIs: {v.cpars}; the assessing "
                                       f"official rates {level}."))
        _table(doc, ["KPI", "Component", "Months reported", "Met", "Attainment", "Rating"],
               [[k.kpi.name, k.kpi.component, k.months, k.met, f"{k.attainment:.0%}", k.uk]
                for k in v.kpis], numeric=(2, 3, 4))
        doc.add_paragraph(xml_safe(narratives[v.vendor].strip()))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()

