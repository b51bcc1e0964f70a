"""Altair chart builders (colour-blind-safe palette, labelled axes, readable tooltips)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from scoring.mcda import Ranking

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
