"""Charts and text of the Robustness page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from scoring.model import BidSet
from scoring.results import Robustness
from scoring.sensitivity import Acceptability, LotModel, RangeCheck, Reversal, sweep
from ui.charts import PALETTE
from ui.vega import Chart, layer
from ui.widgets import md_escape


def ordinal(k: int) -> str:
    return f"{k}{'th' if 10 <= k % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th')}"


SHOWN = 12  # bids (and ranks) a chart draws: a lot of 500 bids would be 250,000 cells


def shown(acc: Acceptability) -> int:
    return min(len(acc.vendors), SHOWN)


def acceptability_frame(acc: Acceptability) -> pd.DataFrame:
    """The first bids in ranking order, by rank; ranks beyond the chart's add up in one column."""
    n = shown(acc)
    rows = []
    for i, v in enumerate(acc.vendors[:n]):
        for k in range(n):
            rows.append({"Vendor": v, "Rank": ordinal(k + 1), "Rank number": k + 1,
                         "Probability": float(acc.matrix[i, k])})
        if len(acc.vendors) > n:
            rows.append({"Vendor": v, "Rank": f"{ordinal(n + 1)} or lower", "Rank number": n + 1,
                         "Probability": float(acc.matrix[i, n:].sum())})
    return pd.DataFrame(rows)


def acceptability_heatmap(acc: Acceptability) -> Chart:
    """Bids x ranks: the share of weight draws in which each bid holds each rank."""
    n = shown(acc)
    ranks = [ordinal(k + 1) for k in range(n)]
    if len(acc.vendors) > n:
        ranks.append(f"{ordinal(n + 1)} or lower")
    base = alt.Chart().encode(
        x=alt.X("Rank:O", sort=ranks, title="Rank", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("Vendor:N", sort=list(acc.vendors[:n]), title=None, axis=alt.Axis(labelLimit=240)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("Probability:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]),
                        legend=alt.Legend(format="%", title="Probability")),
        tooltip=[alt.Tooltip("Vendor:N"), alt.Tooltip("Rank:O"),
                 alt.Tooltip("Probability:Q", format=".1%")],
    )
    text = base.mark_text(fontSize=12).encode(
        text=alt.Text("Probability:Q", format=".0%"),
        color=alt.ColorValue("#1a1a1a", condition={"test": alt.datum["Probability"] > 0.55,
                                                   "value": "white"}),
    )
    return Chart.of(acceptability_frame(acc), layer(cells, text, height=alt.Step(40)))


def win_chart(acc: Acceptability) -> Chart:
    n = shown(acc)
    frame = pd.DataFrame({"Vendor": list(acc.vendors[:n]),
                          "Probability of ranking first": acc.matrix[:n, 0]})
    chart = alt.Chart(height=alt.Step(40)).mark_bar(color=PALETTE[0]).encode(
        y=alt.Y("Vendor:N", sort=list(acc.vendors[:n]), title=None, axis=alt.Axis(labelLimit=240)),
        x=alt.X("Probability of ranking first:Q", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("Vendor:N"), alt.Tooltip("Probability of ranking first:Q", format=".1%")],
    )
    return Chart.of(frame, chart)


def stability_frame(intervals: Mapping[str, tuple[float, float]], stated: Mapping[str, float],
                    published: Mapping[str, tuple[float, float]] | None = None) -> pd.DataFrame:
    published = published or {}
    return pd.DataFrame([
        {"Criterion": c, "Lowest weight": lo, "Stated weight": stated[c], "Highest weight": hi,
         "Published from": published[c][0] / 100 if c in published else None,
         "Published to": published[c][1] / 100 if c in published else None}
        for c, (lo, hi) in intervals.items()
    ])


def published_ranges(bidset: BidSet) -> dict[str, tuple[float, float]]:
    """Each criterion's published weight range (percent), for those that have one."""
    return {c.name: c.weight_range for c in bidset.criteria if c.weight_range}


def published_frame(intervals: Mapping[str, tuple[float, float]],
                    published: Mapping[str, tuple[float, float]]) -> pd.DataFrame:
    """Per criterion with a published range: the range, the interval in which the winner stays
    first (one weight at a time), and whether the range lies inside it."""
    rows = []
    for c, (low, high) in published.items():
        lo, hi = intervals[c]
        rows.append({"Criterion": c, "Published range": f"{low:.1f}-{high:.1f} %",
                     "Winner stays first": f"{100 * lo:.1f}-{100 * hi:.1f} %",
                     "Published range inside it": "yes" if 100 * lo <= low + 1e-9
                     and high <= 100 * hi + 1e-9 else "no"})
    return pd.DataFrame(rows)


def range_verdict(check: RangeCheck) -> None:
    """The yes or no of "the winner is the same everywhere inside the published ranges"."""
    how = ("exact: its lead over every other bid is smallest at a corner of the weightings the "
           "ranges allow, and a linear programme finds it" if check.exact is not None else
           f"in every one of {check.draws:,} weightings drawn uniformly inside the ranges")
    if check.holds:
        st.success(f"The winner is the same everywhere inside the published weight ranges: "
                   f"**yes** ({how}).", icon=":material/verified:")
        return
    if check.counter is not None:
        other, where = check.counter
        weights = ", ".join(f"{md_escape(k)} {v:.1%}" for k, v in where.items())
        st.warning(f"The winner is the same everywhere inside the published weight ranges: **no**. "
                   f"At {weights} (inside the ranges), **{md_escape(other)}** beats "
                   f"**{md_escape(check.winner)}**; {md_escape(check.winner)} ranks first in "
                   f"{check.share:.1%} of {check.draws:,} weightings drawn inside them.",
                   icon=":material/warning:")
        return
    st.warning(f"The winner is the same everywhere inside the published weight ranges: **no**. "
               f"**{md_escape(check.winner)}** ranks first in {check.share:.1%} of "
               f"{check.draws:,} weightings drawn uniformly inside them.", icon=":material/warning:")


def stability_chart(intervals: Mapping[str, tuple[float, float]], stated: Mapping[str, float],
                    published: Mapping[str, tuple[float, float]] | None = None) -> Chart:
    """Per criterion, the range of its weight in which the current winner stays first (and the
    published range, where there is one)."""
    base = alt.Chart().encode(
        y=alt.Y("Criterion:N", sort=list(intervals), title=None, axis=alt.Axis(labelLimit=240)),
        tooltip=[alt.Tooltip("Criterion:N"), alt.Tooltip("Lowest weight:Q", format=".3f"),
                 alt.Tooltip("Stated weight:Q", format=".3f"),
                 alt.Tooltip("Highest weight:Q", format=".3f")],
    )
    bars = base.mark_bar(size=16, color=PALETTE[4], opacity=0.8).encode(
        x=alt.X("Lowest weight:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"),
                title="Weight of the criterion (others rescaled in proportion)"),
        x2=alt.X2("Highest weight"),
    )
    ticks = base.mark_tick(color="#1a1a1a", thickness=3, size=26).encode(x=alt.X("Stated weight:Q"))
    parts = [bars, ticks]
    if published:
        parts.append(base.mark_rule(color="#c0392b", strokeWidth=3, yOffset=13).encode(
            x=alt.X("Published from:Q"), x2=alt.X2("Published to")))
    chart = layer(*parts, height=alt.Step(40))
    return Chart.of(stability_frame(intervals, stated, published), chart)


def sweep_chart(model: LotModel, j: int) -> Chart:
    """Each bid's score as one criterion's weight goes from 0 to 1; the stated weight marked."""
    ts, scores = sweep(model, j)
    vendors = model.vendors[:SHOWN]  # the highest-ranked: a line each
    frame = pd.DataFrame([
        {"Weight": float(t), "Vendor": v, "Score": float(scores[i, b])}
        for i, t in enumerate(ts) for b, v in enumerate(vendors)
    ])
    label = "Score (lower is better)" if model.lower_is_better else "Score"
    lines = alt.Chart().mark_line(strokeWidth=2.5).encode(
        x=alt.X("Weight:Q", axis=alt.Axis(format="%"),
                title=f"Weight of {model.criteria[j]} (others rescaled in proportion)"),
        y=alt.Y("Score:Q", title=label),
        color=alt.Color("Vendor:N", sort=list(vendors), scale=alt.Scale(range=PALETTE),
                        legend=alt.Legend(orient="bottom", columns=2, labelLimit=260)),
        tooltip=[alt.Tooltip("Vendor:N"), alt.Tooltip("Weight:Q", format=".1%"),
                 alt.Tooltip("Score:Q", format=".4f")],
    )
    stated = alt.Chart(alt.Data(values=[{"Weight": float(model.stated[j])}])).mark_rule(
        strokeDash=[5, 4], color="#1a1a1a",
    ).encode(x=alt.X("Weight:Q"))
    return Chart.of(frame, layer(lines, stated, height=320))


def what_flips(model: LotModel, intervals: Mapping[str, tuple[float, float]]) -> list[str]:
    """Plain sentences: the weight changes that would put another bid first."""
    out = []
    for j, c in enumerate(model.criteria):
        lo, hi = intervals[c]
        w = float(model.stated[j])
        if lo > 0:
            out.append(f"**{md_escape(c)}** falls below {lo:.1%} (stated {w:.1%})")
        if hi < 1:
            out.append(f"**{md_escape(c)}** rises above {hi:.1%} (stated {w:.1%})")
    return out


def reversal_frame(reversals: Sequence[Reversal], lot: str) -> pd.DataFrame:
    rows = [{"Bid removed": r.removed, "Order that changes": f"{b} moves ahead of {a}"}
            for r in reversals if r.lot == lot for a, b in r.swapped]
    return pd.DataFrame(rows, columns=["Bid removed", "Order that changes"])


def stated_weights(model: LotModel) -> dict[str, float]:
    return {c: float(w) for c, w in zip(model.criteria, np.asarray(model.stated), strict=True)}


DISAGREEMENT_COLUMNS = ("Weights uncertain", "Evaluators' scores uncertain", "Both")


def disagreement_frame(result: Robustness, lot: str) -> pd.DataFrame:
    """Per bid of the lot: its chance of ranking first when the weights, the evaluators' scores,
    or both are uncertain."""
    return pd.DataFrame([
        {"Vendor": vendor, DISAGREEMENT_COLUMNS[0]: weights, DISAGREEMENT_COLUMNS[1]: scores,
         DISAGREEMENT_COLUMNS[2]: both}
        for x, vendor, weights, scores, both in result.first_chances() if x == lot])
