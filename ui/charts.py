"""Altair chart builders (colour-blind-safe palette, labelled axes, readable tooltips)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from scoring.mcda import Ranking
from scoring.scenarios import CostDistribution, Scenario

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


def contributions_chart(ranking: Ranking, lot: str) -> alt.Chart:
    """Stacked bars: each criterion's weight x normalised value, per eligible bid."""
    frame = contributions_frame(ranking, lot)
    order = [b.vendor for b in ranking.in_lot(lot) if b.eligible]
    criteria = list(ranking.weights)
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("Vendor:N", sort=order, title=None, axis=alt.Axis(labelLimit=240)),
            x=alt.X("sum(Weighted points):Q", title="Weighted points (weight × normalised value)",
                    scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("Criterion:N", sort=criteria,
                            scale=alt.Scale(domain=criteria, range=PALETTE[: len(criteria)]),
                            legend=alt.Legend(orient="bottom", columns=2, title=None, labelLimit=260)),
            order=alt.Order("Stack order:Q", sort="ascending"),
            tooltip=[
                alt.Tooltip("Vendor:N"),
                alt.Tooltip("Criterion:N"),
                alt.Tooltip("Weight:Q", format=".1%"),
                alt.Tooltip("Normalised value:Q", format=".3f"),
                alt.Tooltip("Weighted points:Q", format=".3f"),
            ],
        )
        .properties(height=alt.Step(38))
    )


def pareto_frame(ranking: Ranking, lot: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"Vendor": b.vendor, "Price": b.price, "Quality": b.quality,
             "On the Pareto front": "Yes" if b.pareto else "No", "Rank": b.rank}
            for b in ranking.in_lot(lot)
            if b.eligible
        ]
    )


def pareto_chart(ranking: Ranking, lot: str, currency: str) -> alt.LayerChart:
    """Price against non-price quality; bids no other bid beats on both are highlighted."""
    frame = pareto_frame(ranking, lot)
    base = alt.Chart(frame).encode(
        x=alt.X("Price:Q", title=f"Price ({currency})", scale=alt.Scale(zero=False, padding=30),
                axis=alt.Axis(format="~s")),
        y=alt.Y("Quality:Q", title="Quality (non-price points)",
                scale=alt.Scale(zero=False, padding=20)),
    )
    front = base.transform_filter(alt.datum["On the Pareto front"] == "Yes").mark_line(
        color=PALETTE[0], strokeDash=[4, 3], interpolate="step-after"
    ).encode(order="Price:Q")
    points = base.mark_point(size=140, filled=True).encode(
        color=alt.Color("On the Pareto front:N",
                        scale=alt.Scale(domain=["Yes", "No"], range=[PALETTE[0], "#9A9A9A"]),
                        legend=alt.Legend(orient="bottom")),
        shape=alt.Shape("On the Pareto front:N",
                        scale=alt.Scale(domain=["Yes", "No"], range=["circle", "diamond"])),
        tooltip=[
            alt.Tooltip("Vendor:N"),
            alt.Tooltip("Price:Q", format=",.0f", title=f"Price ({currency})"),
            alt.Tooltip("Quality:Q", format=".3f"),
            alt.Tooltip("Rank:Q"),
        ],
    )
    labels = base.mark_text(align="left", dx=9, dy=-9, fontSize=12).encode(text="Vendor:N")
    return (front + points + labels).properties(height=320)


COST_PARTS = (
    ("total_price", "Bid prices"),
    ("integration", "Integration overhead"),
    ("coordination", "Vendor coordination"),
    ("expected_replacement_cost", "Expected replacement"),
)


def cost_components_chart(scenarios: Sequence[Scenario], currency: str) -> alt.Chart:
    """Grouped bars: each cost component of each available scenario."""
    rows = [
        {"Scenario": s.name.capitalize(), "Cost component": label, "Cost": getattr(s.figures, key)}
        for s in scenarios
        if s.figures is not None
        for key, label in COST_PARTS
    ]
    order = [label for _, label in COST_PARTS]
    return (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar()
        .encode(
            x=alt.X("Scenario:N", title=None, sort=[s.name.capitalize() for s in scenarios],
                    axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("Cost component:N", sort=order),
            y=alt.Y("Cost:Q", title=f"Cost over the term ({currency})", axis=alt.Axis(format="~s")),
            color=alt.Color("Cost component:N", sort=order,
                            scale=alt.Scale(domain=order, range=PALETTE[:4]),
                            legend=alt.Legend(orient="bottom", columns=2, title=None)),
            tooltip=[alt.Tooltip("Scenario:N"), alt.Tooltip("Cost component:N"),
                     alt.Tooltip("Cost:Q", format=",.0f", title=f"Cost ({currency})")],
        )
        .properties(height=300)
    )


def cost_distribution_chart(
    distributions: Mapping[str, CostDistribution], currency: str, points: int = 4_000
) -> alt.Chart:
    """Box plots of simulated total cost per scenario (a fixed, evenly spaced subsample)."""
    rows = []
    for name, dist in distributions.items():
        ordered = np.sort(dist.samples)
        pick = ordered[np.linspace(0, len(ordered) - 1, min(points, len(ordered))).astype(int)]
        rows += [{"Scenario": name.capitalize(), "Total cost": float(x)} for x in pick]
    return (
        alt.Chart(pd.DataFrame(rows))
        .mark_boxplot(extent="min-max", size=28)
        .encode(
            y=alt.Y("Scenario:N", title=None, sort=[n.capitalize() for n in distributions]),
            x=alt.X("Total cost:Q", title=f"Simulated total cost over the term ({currency})",
                    scale=alt.Scale(zero=False), axis=alt.Axis(format="~s")),
            color=alt.Color("Scenario:N", sort=[n.capitalize() for n in distributions],
                            scale=alt.Scale(range=PALETTE), legend=None),
        )
        .properties(height=alt.Step(52))
    )


def concentration_chart(scenarios: Sequence[Scenario]) -> alt.LayerChart:
    """HHI per scenario against the 1,000 and 1,800 concentration thresholds."""
    frame = pd.DataFrame([
        {"Scenario": s.name.capitalize(), "HHI": s.figures.hhi}
        for s in scenarios if s.figures is not None
    ])
    order = [s.name.capitalize() for s in scenarios if s.figures is not None]
    bars = alt.Chart(frame).mark_bar(color=PALETTE[0], size=34).encode(
        x=alt.X("Scenario:N", title=None, sort=order, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("HHI:Q", title="HHI (price shares)", scale=alt.Scale(domain=[0, 10_000])),
        tooltip=[alt.Tooltip("Scenario:N"), alt.Tooltip("HHI:Q", format=",.0f")],
    )
    rules = pd.DataFrame([{"HHI": 1_800, "Threshold": "1,800: highly concentrated"},
                          {"HHI": 1_000, "Threshold": "1,000: moderately concentrated"}])
    lines = alt.Chart(rules).mark_rule(strokeWidth=2).encode(
        y="HHI:Q",
        color=alt.Color("Threshold:N", scale=alt.Scale(domain=list(rules["Threshold"]),
                                                       range=["#000000", "#9A9A9A"]),
                        legend=alt.Legend(orient="bottom", title=None, columns=1, labelLimit=320)),
        strokeDash=alt.StrokeDash("Threshold:N", legend=None,
                                  scale=alt.Scale(domain=list(rules["Threshold"]),
                                                  range=[[6, 3], [2, 3]])),
    )
    return (bars + lines).properties(height=300)
