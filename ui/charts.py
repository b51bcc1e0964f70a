"""Chart builders (altair typed channels; colour-blind-safe palette, labelled axes, readable
tooltips). Each returns a ``ui.vega.Chart``: the frame and the Vega-Lite spec drawn from it."""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from scoring.mcda import Ranking
from scoring.scenarios import CostDistribution, Scenario
from ui.vega import Chart, layer

# Okabe-Ito: distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

# One colour per scenario, in every chart that colours by scenario, whichever of them it shows.
SCENARIO_COLOURS = {"monolithic": PALETTE[0], "modular": PALETTE[1], "optimized": PALETTE[2],
                    "edited": PALETTE[3]}
OTHER_SCENARIO = "#9A9A9A"


def scenario_label(name: str) -> str:
    return name.capitalize()


def scenario_scale(names: Sequence[str]) -> alt.Scale:
    """The colour scale of the named scenarios (domain: their labels, as the charts show them)."""
    return alt.Scale(domain=[scenario_label(n) for n in names],
                     range=[SCENARIO_COLOURS.get(n, OTHER_SCENARIO) for n in names])


def contributions_frame(ranking: Ranking, lot: str) -> pd.DataFrame:
    position = {name: i for i, name in enumerate(ranking.weights)}
    rows = [
        {"Vendor": b.vendor, "Criterion": name, "Weighted points": value,
         "Normalised value": b.normalised[name], "Weight": ranking.weights[name],
         "Stack order": position[name], "Bar order": row}
        for row, b in enumerate(b for b in ranking.in_lot(lot) if b.eligible)
        for name, value in b.contributions.items()
    ]
    return pd.DataFrame(rows)


# The Evaluate page's two charts are drawn on every rerun, for every ranking. Their specs depend
# only on the criteria or the currency (the bids' order travels in the frame), so each is built
# and converted by altair once per process for those, not once per rerun; each chart gets a copy
# (Streamlit fills in some nested parts of the spec it is given).


@functools.lru_cache(maxsize=64)
def _contributions_spec(criteria: tuple[str, ...]) -> dict[str, Any]:
    chart = alt.Chart(height=alt.Step(38)).mark_bar().encode(
        y=alt.Y("Vendor:N", title=None, axis=alt.Axis(labelLimit=240),
                sort=alt.EncodingSortField(field="Bar order", op="min", order="ascending")),
        x=alt.X("sum(Weighted points):Q", title="Weighted points (weight × normalised value)",
                scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("Criterion:N", sort=list(criteria),
                        scale=alt.Scale(domain=list(criteria), range=PALETTE[: len(criteria)]),
                        legend=alt.Legend(orient="bottom", columns=2, title=None, labelLimit=260)),
        order=alt.Order("Stack order:Q", sort="ascending"),
        tooltip=[alt.Tooltip("Vendor:N"), alt.Tooltip("Criterion:N"),
                 alt.Tooltip("Weight:Q", format=".1%"),
                 alt.Tooltip("Normalised value:Q", format=".3f"),
                 alt.Tooltip("Weighted points:Q", format=".3f")],
    )
    return Chart.of(None, chart).spec


def contributions_chart(ranking: Ranking, lot: str, factors: Mapping[str, str] | None = None
                        ) -> Chart:
    """Stacked bars: each criterion's weight x normalised value, per eligible bid, in ranking
    order; with ``factors`` (criterion -> factor), each factor's: the sum of its criteria's."""
    frame = contributions_frame(ranking, lot)
    if not factors:
        return Chart(frame, copy.deepcopy(_contributions_spec(tuple(ranking.weights))))
    names = tuple(dict.fromkeys(factors[c] for c in ranking.weights))
    frame = frame.assign(Criterion=frame["Criterion"].map(factors))
    grouped = frame.groupby(["Vendor", "Criterion"], sort=False, as_index=False).agg(
        {"Weighted points": "sum", "Weight": "sum", "Bar order": "first"})
    grouped["Normalised value"] = (grouped["Weighted points"] / grouped["Weight"]).where(
        grouped["Weight"] > 0, 0.0)
    grouped["Stack order"] = grouped["Criterion"].map({n: i for i, n in enumerate(names)})
    return Chart(grouped, copy.deepcopy(_contributions_spec(names)))


def pareto_frame(ranking: Ranking, lot: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"Vendor": b.vendor, "Price": b.price, "Quality": b.quality,
             "On the Pareto front": "Yes" if b.pareto else "No", "Rank": b.rank}
            for b in ranking.in_lot(lot)
            if b.eligible
        ]
    )


@functools.lru_cache(maxsize=64)
def _pareto_spec(currency: str) -> dict[str, Any]:
    base = alt.Chart().encode(
        x=alt.X("Price:Q", title=f"Price ({currency})", scale=alt.Scale(zero=False, padding=30),
                axis=alt.Axis(format="~s")),
        y=alt.Y("Quality:Q", title="Quality (non-price points)",
                scale=alt.Scale(zero=False, padding=20)),
    )
    front = base.transform_filter(alt.datum["On the Pareto front"] == "Yes").mark_line(
        color=PALETTE[0], strokeDash=[4, 3], interpolate="step-after",
    ).encode(order=alt.Order("Price:Q"))
    on_front = alt.Scale(domain=["Yes", "No"], range=[PALETTE[0], "#9A9A9A"])
    points = base.mark_point(size=140, filled=True).encode(
        color=alt.Color("On the Pareto front:N", scale=on_front, legend=alt.Legend(orient="bottom")),
        shape=alt.Shape("On the Pareto front:N",
                        scale=alt.Scale(domain=["Yes", "No"], range=["circle", "diamond"])),
        tooltip=[alt.Tooltip("Vendor:N"),
                 alt.Tooltip("Price:Q", format=",.0f", title=f"Price ({currency})"),
                 alt.Tooltip("Quality:Q", format=".3f"), alt.Tooltip("Rank:Q")],
    )
    labels = base.mark_text(align="left", dx=9, dy=-9, fontSize=12).encode(text=alt.Text("Vendor:N"))
    return Chart.of(None, layer(front, points, labels, height=320)).spec


def pareto_chart(ranking: Ranking, lot: str, currency: str) -> Chart:
    """Price against non-price quality; bids no other bid beats on both are highlighted."""
    return Chart(pareto_frame(ranking, lot), copy.deepcopy(_pareto_spec(currency)))


COST_PARTS = (
    ("total_price", "Bid prices"),
    ("integration", "Integration overhead"),
    ("coordination", "Vendor coordination"),
    ("expected_replacement_cost", "Expected replacement"),
)
# Distinct from each other and from the scenarios' colours (the x axis names the scenario): the
# bid prices, most of every bar, in grey; the overheads in the Okabe-Ito colours no scenario uses.
COST_PART_COLOURS = ["#6E6E6E", "#F0E442", "#56B4E9", "#D55E00"]


def cost_components_frame(scenarios: Sequence[Scenario]) -> pd.DataFrame:
    return pd.DataFrame([
        {"Scenario": scenario_label(s.name), "Cost component": label, "Stack order": i,
         "Cost": getattr(s.figures, key), "Total cost": s.figures.total_cost}
        for s in scenarios
        if s.figures is not None
        for i, (key, label) in enumerate(COST_PARTS)
    ], columns=["Scenario", "Cost component", "Stack order", "Cost", "Total cost"])


def cost_components_chart(scenarios: Sequence[Scenario], currency: str) -> Chart:
    """Stacked bars, one per available scenario: its cost components in the order of COST_PARTS
    from the foot, so a bar's height is the scenario's total cost (labelled above it)."""
    order = [label for _, label in COST_PARTS]
    x = alt.X("Scenario:N", title=None, sort=[scenario_label(s.name) for s in scenarios],
              axis=alt.Axis(labelAngle=0))
    y = alt.Y("sum(Cost):Q", title=f"Cost over the term ({currency})", axis=alt.Axis(format="~s"))
    bars = alt.Chart().mark_bar(size=56).encode(
        x=x, y=y,
        color=alt.Color("Cost component:N", sort=order,
                        scale=alt.Scale(domain=order, range=COST_PART_COLOURS),
                        legend=alt.Legend(orient="bottom", columns=2, title=None)),
        order=alt.Order("Stack order:Q", sort="ascending"),
        tooltip=[alt.Tooltip("Scenario:N"), alt.Tooltip("Cost component:N"),
                 alt.Tooltip("Cost:Q", format=",.0f", title=f"Cost ({currency})"),
                 alt.Tooltip("Total cost:Q", format=",.0f", title=f"Scenario total ({currency})")],
    )
    totals = alt.Chart().mark_text(baseline="bottom", dy=-4, fontSize=12).encode(
        x=x, y=y, text=alt.Text("sum(Cost):Q", format=",.0f"),
    )
    return Chart.of(cost_components_frame(scenarios), layer(bars, totals, height=300))


BOX_FIGURES = ("Min", "P10", "Q1", "Median", "Mean", "Q3", "P90", "Max")


def cost_distribution_frame(distributions: Mapping[str, CostDistribution]) -> pd.DataFrame:
    """One row per scenario: the box-plot figures of its simulated total costs (P10, median and
    P90 as the comparison table gives them)."""
    rows = []
    for name, dist in distributions.items():
        q1, q3 = np.percentile(dist.samples, [25, 75])
        rows.append((scenario_label(name), float(dist.samples.min()), dist.p10, float(q1), dist.p50,
                     dist.mean, float(q3), dist.p90, float(dist.samples.max())))
    return pd.DataFrame(rows, columns=["Scenario", *BOX_FIGURES])


def cost_distribution_chart(distributions: Mapping[str, CostDistribution], currency: str) -> Chart:
    """Box plots of simulated total cost per scenario, drawn from one row of figures each:
    a whisker from the cheapest to the dearest term (extent min-max), a box from the 25th to the
    75th percentile and a tick at the median; the tooltip gives every figure, P10, mean and P90
    too."""
    names = list(distributions)
    whisker = alt.Chart().mark_rule().encode(
        x=alt.X("Min:Q", title=f"Simulated total cost over the term ({currency})",
                scale=alt.Scale(zero=False), axis=alt.Axis(format="~s")),
        x2=alt.X2("Max"),
    )
    box = alt.Chart().mark_bar(size=28).encode(
        x=alt.X("Q1:Q"), x2=alt.X2("Q3"),
        color=alt.Color("Scenario:N", scale=scenario_scale(names), legend=None),
    )
    median = alt.Chart().mark_tick(color="#1a1a1a", thickness=2, size=28).encode(x=alt.X("Median:Q"))
    shared = alt.SharedEncoding(
        y=alt.Y("Scenario:N", title=None, sort=[scenario_label(n) for n in names]),
        tooltip=[alt.Tooltip("Scenario:N"),
                 *(alt.Tooltip(f"{f}:Q", format=",.0f", title=f"{f} ({currency})") for f in BOX_FIGURES)],
    )
    chart = layer(whisker, box, median, encoding=shared, height=alt.Step(52))
    return Chart.of(cost_distribution_frame(distributions), chart)


def concentration_chart(scenarios: Sequence[Scenario]) -> Chart:
    """HHI per scenario against the 1,000 and 1,800 concentration thresholds."""
    shown = [s for s in scenarios if s.figures is not None]
    frame = pd.DataFrame([{"Scenario": scenario_label(s.name), "HHI": s.figures.hhi} for s in shown],
                         columns=["Scenario", "HHI"])
    bars = alt.Chart().mark_bar(size=34).encode(
        x=alt.X("Scenario:N", title=None, sort=[scenario_label(s.name) for s in shown],
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("HHI:Q", title="HHI (price shares)", scale=alt.Scale(domain=[0, 10_000])),
        # Fill, not colour: the thresholds' colour scale (and their dashed legend) stays their own.
        fill=alt.Fill("Scenario:N", scale=scenario_scale([s.name for s in shown]), legend=None),
        tooltip=[alt.Tooltip("Scenario:N"), alt.Tooltip("HHI:Q", format=",.0f")],
    )
    rules = [{"HHI": 1_800, "Threshold": "1,800: highly concentrated"},
             {"HHI": 1_000, "Threshold": "1,000: moderately concentrated"}]
    thresholds = [r["Threshold"] for r in rules]
    lines = alt.Chart(alt.Data(values=rules)).mark_rule(strokeWidth=2).encode(
        y=alt.Y("HHI:Q"),
        color=alt.Color("Threshold:N", scale=alt.Scale(domain=thresholds, range=["#000000", "#9A9A9A"]),
                        legend=alt.Legend(orient="bottom", title=None, columns=1, labelLimit=320)),
        strokeDash=alt.StrokeDash("Threshold:N", legend=None,
                                  scale=alt.Scale(domain=thresholds, range=[[6, 3], [2, 3]])),
    )
    return Chart.of(frame, layer(bars, lines, height=300))
