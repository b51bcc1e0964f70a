"""Chart builders (Vega-Lite; colour-blind-safe palette, labelled axes, readable tooltips)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from scoring.mcda import Ranking
from scoring.scenarios import CostDistribution, Scenario
from ui.vega import Chart, datum, enc, tooltip

# Okabe-Ito: distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def contributions_frame(ranking: Ranking, lot: str) -> pd.DataFrame:
    position = {name: i for i, name in enumerate(ranking.weights)}
    rows = [
        {"Vendor": b.vendor, "Criterion": name, "Weighted points": value,
         "Normalised value": b.normalised[name], "Weight": ranking.weights[name],
         "Stack order": position[name]}
        for b in ranking.in_lot(lot)
        if b.eligible
        for name, value in b.contributions.items()
    ]
    return pd.DataFrame(rows)


def contributions_chart(ranking: Ranking, lot: str) -> Chart:
    """Stacked bars: each criterion's weight x normalised value, per eligible bid."""
    frame = contributions_frame(ranking, lot)
    order = [b.vendor for b in ranking.in_lot(lot) if b.eligible]
    criteria = list(ranking.weights)
    return Chart(frame, {
        "mark": {"type": "bar"},
        "encoding": {
            "y": enc("Vendor:N", sort=order, title=None, axis={"labelLimit": 240}),
            "x": enc("sum(Weighted points):Q", title="Weighted points (weight × normalised value)",
                     scale={"domain": [0, 1]}),
            "color": enc("Criterion:N", sort=criteria,
                         scale={"domain": criteria, "range": PALETTE[: len(criteria)]},
                         legend={"orient": "bottom", "columns": 2, "title": None, "labelLimit": 260}),
            "order": enc("Stack order:Q", sort="ascending"),
            "tooltip": tooltip("Vendor:N", "Criterion:N", enc("Weight:Q", format=".1%"),
                               enc("Normalised value:Q", format=".3f"),
                               enc("Weighted points:Q", format=".3f")),
        },
        "height": {"step": 38},
    })


def pareto_frame(ranking: Ranking, lot: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"Vendor": b.vendor, "Price": b.price, "Quality": b.quality,
             "On the Pareto front": "Yes" if b.pareto else "No", "Rank": b.rank}
            for b in ranking.in_lot(lot)
            if b.eligible
        ]
    )


def pareto_chart(ranking: Ranking, lot: str, currency: str) -> Chart:
    """Price against non-price quality; bids no other bid beats on both are highlighted."""
    x = enc("Price:Q", title=f"Price ({currency})", scale={"zero": False, "padding": 30},
            axis={"format": "~s"})
    y = enc("Quality:Q", title="Quality (non-price points)", scale={"zero": False, "padding": 20})
    front = {
        "transform": [{"filter": f"{datum('On the Pareto front')} === 'Yes'"}],
        "mark": {"type": "line", "color": PALETTE[0], "strokeDash": [4, 3],
                 "interpolate": "step-after"},
        "encoding": {"x": x, "y": y, "order": enc("Price:Q")},
    }
    points = {
        "mark": {"type": "point", "size": 140, "filled": True},
        "encoding": {
            "x": x, "y": y,
            "color": enc("On the Pareto front:N",
                         scale={"domain": ["Yes", "No"], "range": [PALETTE[0], "#9A9A9A"]},
                         legend={"orient": "bottom"}),
            "shape": enc("On the Pareto front:N",
                         scale={"domain": ["Yes", "No"], "range": ["circle", "diamond"]}),
            "tooltip": tooltip("Vendor:N", enc("Price:Q", format=",.0f", title=f"Price ({currency})"),
                               enc("Quality:Q", format=".3f"), "Rank:Q"),
        },
    }
    labels = {"mark": {"type": "text", "align": "left", "dx": 9, "dy": -9, "fontSize": 12},
              "encoding": {"x": x, "y": y, "text": enc("Vendor:N")}}
    return Chart(pareto_frame(ranking, lot), {"layer": [front, points, labels], "height": 320})


COST_PARTS = (
    ("total_price", "Bid prices"),
    ("integration", "Integration overhead"),
    ("coordination", "Vendor coordination"),
    ("expected_replacement_cost", "Expected replacement"),
)


def cost_components_chart(scenarios: Sequence[Scenario], currency: str) -> Chart:
    """Grouped bars: each cost component of each available scenario."""
    rows = [
        {"Scenario": s.name.capitalize(), "Cost component": label, "Cost": getattr(s.figures, key)}
        for s in scenarios
        if s.figures is not None
        for key, label in COST_PARTS
    ]
    order = [label for _, label in COST_PARTS]
    return Chart(pd.DataFrame(rows), {
        "mark": {"type": "bar"},
        "encoding": {
            "x": enc("Scenario:N", title=None, sort=[s.name.capitalize() for s in scenarios],
                     axis={"labelAngle": 0}),
            "xOffset": enc("Cost component:N", sort=order),
            "y": enc("Cost:Q", title=f"Cost over the term ({currency})", axis={"format": "~s"}),
            "color": enc("Cost component:N", sort=order, scale={"domain": order, "range": PALETTE[:4]},
                         legend={"orient": "bottom", "columns": 2, "title": None}),
            "tooltip": tooltip("Scenario:N", "Cost component:N",
                               enc("Cost:Q", format=",.0f", title=f"Cost ({currency})")),
        },
        "height": 300,
    })


def cost_distribution_chart(
    distributions: Mapping[str, CostDistribution], currency: str, points: int = 4_000
) -> Chart:
    """Box plots of simulated total cost per scenario (a fixed, evenly spaced subsample)."""
    rows = []
    for name, dist in distributions.items():
        ordered = np.sort(dist.samples)
        pick = ordered[np.linspace(0, len(ordered) - 1, min(points, len(ordered))).astype(int)]
        rows += [{"Scenario": name.capitalize(), "Total cost": float(x)} for x in pick]
    names = [n.capitalize() for n in distributions]
    return Chart(pd.DataFrame(rows), {
        "mark": {"type": "boxplot", "extent": "min-max", "size": 28},
        "encoding": {
            "y": enc("Scenario:N", title=None, sort=names),
            "x": enc("Total cost:Q", title=f"Simulated total cost over the term ({currency})",
                     scale={"zero": False}, axis={"format": "~s"}),
            "color": enc("Scenario:N", sort=names, scale={"range": PALETTE}, legend=None),
        },
        "height": {"step": 52},
    })


def concentration_chart(scenarios: Sequence[Scenario]) -> Chart:
    """HHI per scenario against the 1,000 and 1,800 concentration thresholds."""
    frame = pd.DataFrame([
        {"Scenario": s.name.capitalize(), "HHI": s.figures.hhi}
        for s in scenarios if s.figures is not None
    ])
    order = [s.name.capitalize() for s in scenarios if s.figures is not None]
    bars = {
        "mark": {"type": "bar", "color": PALETTE[0], "size": 34},
        "encoding": {
            "x": enc("Scenario:N", title=None, sort=order, axis={"labelAngle": 0}),
            "y": enc("HHI:Q", title="HHI (price shares)", scale={"domain": [0, 10_000]}),
            "tooltip": tooltip("Scenario:N", enc("HHI:Q", format=",.0f")),
        },
    }
    rules = [{"HHI": 1_800, "Threshold": "1,800: highly concentrated"},
             {"HHI": 1_000, "Threshold": "1,000: moderately concentrated"}]
    thresholds = [r["Threshold"] for r in rules]
    lines = {
        "data": {"values": rules},
        "mark": {"type": "rule", "strokeWidth": 2},
        "encoding": {
            "y": enc("HHI:Q"),
            "color": enc("Threshold:N", scale={"domain": thresholds, "range": ["#000000", "#9A9A9A"]},
                         legend={"orient": "bottom", "title": None, "columns": 1, "labelLimit": 320}),
            "strokeDash": enc("Threshold:N", legend=None,
                              scale={"domain": thresholds, "range": [[6, 3], [2, 3]]}),
        },
    }
    return Chart(frame, {"layer": [bars, lines], "height": 300})
