"""Charts and text of the Robustness page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from scoring.sensitivity import Acceptability, LotModel, Reversal, sweep
from ui.charts import PALETTE
from ui.widgets import md_escape


def ordinal(k: int) -> str:
    return f"{k}{'th' if 10 <= k % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th')}"


def acceptability_frame(acc: Acceptability) -> pd.DataFrame:
    return pd.DataFrame([
        {"Vendor": v, "Rank": ordinal(k + 1), "Rank number": k + 1, "Probability": float(p)}
        for i, v in enumerate(acc.vendors) for k, p in enumerate(acc.matrix[i])
    ])


def acceptability_heatmap(acc: Acceptability) -> alt.LayerChart:
    """Bids x ranks: the share of weight draws in which each bid holds each rank."""
    frame = acceptability_frame(acc)
    ranks = [ordinal(k + 1) for k in range(len(acc.vendors))]
    base = alt.Chart(frame).encode(
        x=alt.X("Rank:O", sort=ranks, title="Rank", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("Vendor:N", sort=list(acc.vendors), title=None, axis=alt.Axis(labelLimit=240)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("Probability:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]),
                        legend=alt.Legend(format="%", title="Probability")),
        tooltip=[alt.Tooltip("Vendor:N"), alt.Tooltip("Rank:O"),
                 alt.Tooltip("Probability:Q", format=".1%")],
    )
    text = base.mark_text(fontSize=12).encode(
        text=alt.Text("Probability:Q", format=".0%"),
        color=alt.condition(alt.datum.Probability > 0.55, alt.value("white"), alt.value("#1a1a1a")),
    )
    return (cells + text).properties(height=alt.Step(40))


def win_chart(acc: Acceptability) -> alt.Chart:
    frame = pd.DataFrame({"Vendor": list(acc.vendors), "Probability of ranking first": acc.matrix[:, 0]})
    return (
        alt.Chart(frame)
        .mark_bar(color=PALETTE[0])
        .encode(
            y=alt.Y("Vendor:N", sort=list(acc.vendors), title=None, axis=alt.Axis(labelLimit=240)),
            x=alt.X("Probability of ranking first:Q", scale=alt.Scale(domain=[0, 1]),
                    axis=alt.Axis(format="%")),
            tooltip=[alt.Tooltip("Vendor:N"),
                     alt.Tooltip("Probability of ranking first:Q", format=".1%")],
        )
        .properties(height=alt.Step(40))
    )


def stability_frame(intervals: Mapping[str, tuple[float, float]], stated: Mapping[str, float]
                    ) -> pd.DataFrame:
    return pd.DataFrame([
        {"Criterion": c, "Lowest weight": lo, "Stated weight": stated[c], "Highest weight": hi}
        for c, (lo, hi) in intervals.items()
    ])


def stability_chart(intervals: Mapping[str, tuple[float, float]], stated: Mapping[str, float]
                    ) -> alt.LayerChart:
    """Per criterion, the range of its weight in which the current winner stays first."""
    frame = stability_frame(intervals, stated)
    order = list(intervals)
    base = alt.Chart(frame).encode(y=alt.Y("Criterion:N", sort=order, title=None,
                                           axis=alt.Axis(labelLimit=240)))
    tip = [alt.Tooltip("Criterion:N"), alt.Tooltip("Lowest weight:Q", format=".3f"),
           alt.Tooltip("Stated weight:Q", format=".3f"), alt.Tooltip("Highest weight:Q", format=".3f")]
    bars = base.mark_bar(size=16, color=PALETTE[4], opacity=0.8).encode(
        x=alt.X("Lowest weight:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"),
                title="Weight of the criterion (others rescaled in proportion)"),
        x2="Highest weight:Q", tooltip=tip)
    ticks = base.mark_tick(color="#1a1a1a", thickness=3, size=26).encode(
        x="Stated weight:Q", tooltip=tip)
    return (bars + ticks).properties(height=alt.Step(40))


def sweep_chart(model: LotModel, j: int) -> alt.LayerChart:
    """Each bid's score as one criterion's weight goes from 0 to 1; the stated weight marked."""
    ts, scores = sweep(model, j)
    frame = pd.DataFrame([
        {"Weight": float(t), "Vendor": v, "Score": float(scores[i, b])}
        for i, t in enumerate(ts) for b, v in enumerate(model.vendors)
    ])
    label = "Score (lower is better)" if model.lower_is_better else "Score"
    lines = alt.Chart(frame).mark_line(strokeWidth=2.5).encode(
        x=alt.X("Weight:Q", axis=alt.Axis(format="%"),
                title=f"Weight of {model.criteria[j]} (others rescaled in proportion)"),
        y=alt.Y("Score:Q", title=label),
        color=alt.Color("Vendor:N", sort=list(model.vendors),
                        scale=alt.Scale(range=PALETTE), legend=alt.Legend(orient="bottom",
                                                                          columns=2, labelLimit=260)),
        tooltip=[alt.Tooltip("Vendor:N"), alt.Tooltip("Weight:Q", format=".1%"),
                 alt.Tooltip("Score:Q", format=".4f")],
    )
    stated = alt.Chart(pd.DataFrame({"Weight": [float(model.stated[j])]})).mark_rule(
        strokeDash=[5, 4], color="#1a1a1a").encode(x="Weight:Q")
    return (lines + stated).properties(height=320)


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
