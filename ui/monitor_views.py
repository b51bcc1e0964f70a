"""Frames and charts of the Monitor page (the figures are ``scoring.monitor``'s)."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from scoring.monitor import (
    KPI,
    MonthCredit,
    PerformanceBook,
    Series,
    VendorRating,
    debt_by_deferral,
    heat_map,
)
from ui.charts import PALETTE
from ui.vega import Chart, layer

FLAG_LABELS = {"breach": "Missed the target", "declining": "Three declines in a row",
               "unusual": "Outside the usual range", "tighten": "Candidate to tighten"}


def _where(vendor: str, component: str) -> str:
    return f"{vendor} · {component}" if component else vendor


def kpi_frame(kpis: Sequence[KPI]) -> pd.DataFrame:
    return pd.DataFrame([
        {"Vendor": k.vendor, "Component": k.component, "KPI": k.name,
         "Target": f"{'at least' if k.direction == 'max' else 'at most'} {k.target:g}"
                   + (f" {k.unit}" if k.unit else ""),
         "Share of the pool": k.weight_pct, "Critical": "yes" if k.critical else "",
         "From": k.source} for k in kpis])


def obligations_frame(book: PerformanceBook) -> pd.DataFrame:
    return pd.DataFrame([{"Vendor": v, "Component": c, "Term": t.replace("_", " "), "As bid": x}
                         for v, c, t, x in book.obligations])


def credits_frame(credits: Sequence[MonthCredit]) -> pd.DataFrame:
    total: dict[str, float] = {}
    rows = []
    for m in credits:
        total[m.vendor] = total.get(m.vendor, 0.0) + m.credit
        rows.append({
            "Month": m.month, "Vendor": m.vendor, "Component": m.component or "all",
            "Invoice": m.invoice, "At risk": m.at_risk, "Credit": m.credit,
            "Capped": "yes" if m.capped else "", "Running total": total[m.vendor],
            "Missed": "; ".join(f"{x.kpi} {x.value:g} ({x.allocation_pct:g} %"
                                + (f", miss {x.repeat} in a row" if x.repeat > 1 else "") + ")"
                                for x in m.misses),
            "Not reported": ", ".join(m.unreported)})
    return pd.DataFrame(rows)


def running_total_chart(credits: Sequence[MonthCredit], currency: str) -> Chart:
    """Each vendor's credits, cumulated month by month."""
    frame = credits_frame(credits)
    frame = frame.groupby(["Month", "Vendor"], as_index=False)["Credit"].sum()
    frame["Running total"] = frame.groupby("Vendor")["Credit"].cumsum()
    chart = alt.Chart(height=260).mark_line(point=True, interpolate="step-after").encode(
        x=alt.X("Month:O", title=None),
        y=alt.Y("Running total:Q", title=f"Credits ({currency})",
                axis=alt.Axis(format="~s")),
        color=alt.Color("Vendor:N", scale=alt.Scale(range=PALETTE),
                        legend=alt.Legend(orient="bottom", title=None, labelLimit=260)),
        tooltip=[alt.Tooltip("Month:O"), alt.Tooltip("Vendor:N"),
                 alt.Tooltip("Credit:Q", format=",.0f"),
                 alt.Tooltip("Running total:Q", format=",.0f")])
    return Chart.of(frame, chart)


def series_label(s: Series) -> str:
    return f"{s.kpi.name} — {_where(s.kpi.vendor, s.kpi.component)}"


def series_chart(s: Series) -> Chart:
    """A KPI's monthly values against its target; flagged months marked."""
    flagged = {f.month: FLAG_LABELS[f.kind] for f in s.flags if f.kind != "tighten"}
    frame = pd.DataFrame([{"Month": m, "Value": v, "Target": s.kpi.target,
                           "Flag": flagged.get(m, "no flag")} for m, v in s.points])
    unit = f" ({s.kpi.unit})" if s.kpi.unit else ""
    base = alt.Chart().encode(x=alt.X("Month:O", title=None, axis=alt.Axis(labelAngle=-45)))
    line = base.mark_line(color=PALETTE[0]).encode(
        y=alt.Y("Value:Q", title=f"{s.kpi.name}{unit}", scale=alt.Scale(zero=False)))
    points = base.mark_point(filled=True, size=80).encode(
        y=alt.Y("Value:Q"),
        color=alt.Color("Flag:N", scale=alt.Scale(
            domain=["no flag", *FLAG_LABELS.values()],
            range=["#9aa0a6", "#c0392b", PALETTE[1], PALETTE[3], PALETTE[2]]),
            legend=alt.Legend(orient="bottom", title=None)),
        tooltip=[alt.Tooltip("Month:O"), alt.Tooltip("Value:Q", format=",.4g"),
                 alt.Tooltip("Target:Q", format=",.4g"), alt.Tooltip("Flag:N")])
    target = base.mark_rule(color="#1a1a1a", strokeDash=[4, 3]).encode(y=alt.Y("Target:Q"))
    return Chart.of(frame, layer(line, target, points, height=260))


def flags_frame(series: Sequence[Series]) -> pd.DataFrame:
    return pd.DataFrame([{"Month": f.month, "Vendor": s.kpi.vendor, "Component": s.kpi.component,
                          "KPI": s.kpi.name, "Flag": FLAG_LABELS[f.kind], "What": f.text}
                         for s in series for f in s.flags]).sort_values(
        ["Month", "Vendor", "KPI"], kind="stable") if any(s.flags for s in series) else pd.DataFrame()


def heat_map_chart(book: PerformanceBook) -> Chart:
    """Open risks on the 5 x 5 likelihood x impact grid, each cell's count and names."""
    cells = heat_map(book.risks)
    frame = pd.DataFrame([{"Likelihood": lk, "Impact": im, "Risks": len(cells.get((lk, im), [])),
                           "Score": lk * im, "Names": "; ".join(cells.get((lk, im), []))}
                          for lk in range(1, 6) for im in range(1, 6)])
    base = alt.Chart().encode(
        x=alt.X("Impact:O", title="Impact", sort="ascending", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("Likelihood:O", title="Likelihood", sort="descending"))
    rect = base.mark_rect(stroke="white").encode(
        color=alt.Color("Score:Q", scale=alt.Scale(domain=[1, 25], range=["#e8f5e9", "#fff3cd",
                                                                          "#f8d7da"]),
                        legend=None),
        tooltip=[alt.Tooltip("Likelihood:O"), alt.Tooltip("Impact:O"), alt.Tooltip("Risks:Q"),
                 alt.Tooltip("Names:N")])
    text = base.mark_text(fontSize=15, fontWeight="bold").encode(
        text=alt.Text("Risks:Q"), opacity=alt.Opacity("Risks:Q", scale=alt.Scale(
            domain=[0, 1], range=[0, 1]), legend=None))
    return Chart.of(frame, layer(rect, text, height=alt.Step(40)))


def risks_frame(book: PerformanceBook, stale: Sequence[str]) -> pd.DataFrame:
    rows = sorted(book.risks, key=lambda r: (r.status == "closed", -r.score, r.risk.casefold()))
    return pd.DataFrame([{"Risk": r.risk, "Owner": r.owner, "Likelihood": r.likelihood,
                          "Impact": r.impact, "Score": r.score, "Status": r.status,
                          "Updated": r.updated + ("  (stale)" if r.risk in stale else ""),
                          "Mitigation": r.mitigation} for r in rows])


def debt_frame(book: PerformanceBook) -> pd.DataFrame:
    return pd.DataFrame([{"Item": d.item, "System": d.system, "Carrying cost a year": d.carrying_cost,
                          "Remediation": d.remediation_cost, "Added by a year's deferral":
                          d.deferral_cost, "Cost of deferring a year": d.cost_of_deferral}
                         for d in debt_by_deferral(book)])


def incidents_frame(book: PerformanceBook) -> pd.DataFrame:
    return pd.DataFrame([{"Date": i.date, "Vendor": i.vendor, "Component": i.component,
                          "Severity": i.severity, "What happened": i.description,
                          "Resolved": i.resolved or "open"}
                         for i in sorted(book.incidents, key=lambda i: i.date, reverse=True)])


def rating_frame(v: VendorRating) -> pd.DataFrame:
    return pd.DataFrame([{"KPI": k.kpi.name, "Component": k.kpi.component,
                          "Months reported": k.months, "Met": k.met,
                          "Attainment": f"{k.attainment:.0%}", "Rating": k.uk,
                          "Share of the pool": f"{k.kpi.weight_pct:g} %",
                          "Critical": "yes" if k.kpi.critical else ""} for k in v.kpis])
