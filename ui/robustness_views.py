"""Charts and text of the Robustness page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from scoring.sensitivity import Acceptability, LotModel, Reversal, sweep
from ui.charts import PALETTE
from ui.vega import Chart, datum, enc, tooltip
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
    x = enc("Rank:O", sort=ranks, title="Rank", axis={"labelAngle": 0})
    y = enc("Vendor:N", sort=list(acc.vendors[:n]), title=None, axis={"labelLimit": 240})
    cells = {
        "mark": {"type": "rect"},
        "encoding": {
            "x": x, "y": y,
            "color": enc("Probability:Q", scale={"scheme": "blues", "domain": [0, 1]},
                         legend={"format": "%", "title": "Probability"}),
            "tooltip": tooltip("Vendor:N", "Rank:O", enc("Probability:Q", format=".1%")),
        },
    }
    text = {
        "mark": {"type": "text", "fontSize": 12},
        "encoding": {
            "x": x, "y": y,
            "text": enc("Probability:Q", format=".0%"),
            "color": {"condition": {"test": f"{datum('Probability')} > 0.55", "value": "white"},
                      "value": "#1a1a1a"},
        },
    }
    return Chart(acceptability_frame(acc), {"layer": [cells, text], "height": {"step": 40}})


def win_chart(acc: Acceptability) -> Chart:
    n = shown(acc)
    frame = pd.DataFrame({"Vendor": list(acc.vendors[:n]),
                          "Probability of ranking first": acc.matrix[:n, 0]})
    return Chart(frame, {
        "mark": {"type": "bar", "color": PALETTE[0]},
        "encoding": {
            "y": enc("Vendor:N", sort=list(acc.vendors[:n]), title=None, axis={"labelLimit": 240}),
            "x": enc("Probability of ranking first:Q", scale={"domain": [0, 1]}, axis={"format": "%"}),
            "tooltip": tooltip("Vendor:N", enc("Probability of ranking first:Q", format=".1%")),
        },
        "height": {"step": 40},
    })


def stability_frame(intervals: Mapping[str, tuple[float, float]], stated: Mapping[str, float]
                    ) -> pd.DataFrame:
    return pd.DataFrame([
        {"Criterion": c, "Lowest weight": lo, "Stated weight": stated[c], "Highest weight": hi}
        for c, (lo, hi) in intervals.items()
    ])


def stability_chart(intervals: Mapping[str, tuple[float, float]], stated: Mapping[str, float]
                    ) -> Chart:
    """Per criterion, the range of its weight in which the current winner stays first."""
    y = enc("Criterion:N", sort=list(intervals), title=None, axis={"labelLimit": 240})
    tip = tooltip("Criterion:N", enc("Lowest weight:Q", format=".3f"),
                  enc("Stated weight:Q", format=".3f"), enc("Highest weight:Q", format=".3f"))
    bars = {
        "mark": {"type": "bar", "size": 16, "color": PALETTE[4], "opacity": 0.8},
        "encoding": {
            "y": y,
            "x": enc("Lowest weight:Q", scale={"domain": [0, 1]}, axis={"format": "%"},
                     title="Weight of the criterion (others rescaled in proportion)"),
            "x2": {"field": "Highest weight"},
            "tooltip": tip,
        },
    }
    ticks = {"mark": {"type": "tick", "color": "#1a1a1a", "thickness": 3, "size": 26},
             "encoding": {"y": y, "x": enc("Stated weight:Q"), "tooltip": tip}}
    return Chart(stability_frame(intervals, stated), {"layer": [bars, ticks], "height": {"step": 40}})


def sweep_chart(model: LotModel, j: int) -> Chart:
    """Each bid's score as one criterion's weight goes from 0 to 1; the stated weight marked."""
    ts, scores = sweep(model, j)
    vendors = model.vendors[:SHOWN]  # the highest-ranked: a line each
    frame = pd.DataFrame([
        {"Weight": float(t), "Vendor": v, "Score": float(scores[i, b])}
        for i, t in enumerate(ts) for b, v in enumerate(vendors)
    ])
    label = "Score (lower is better)" if model.lower_is_better else "Score"
    lines = {
        "mark": {"type": "line", "strokeWidth": 2.5},
        "encoding": {
            "x": enc("Weight:Q", axis={"format": "%"},
                     title=f"Weight of {model.criteria[j]} (others rescaled in proportion)"),
            "y": enc("Score:Q", title=label),
            "color": enc("Vendor:N", sort=list(vendors), scale={"range": PALETTE},
                         legend={"orient": "bottom", "columns": 2, "labelLimit": 260}),
            "tooltip": tooltip("Vendor:N", enc("Weight:Q", format=".1%"), enc("Score:Q", format=".4f")),
        },
    }
    stated = {"data": {"values": [{"Weight": float(model.stated[j])}]},
              "mark": {"type": "rule", "strokeDash": [5, 4], "color": "#1a1a1a"},
              "encoding": {"x": enc("Weight:Q")}}
    return Chart(frame, {"layer": [lines, stated], "height": 320})


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
