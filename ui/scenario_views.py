"""Tables of the Scenarios page (its inputs are in ui.controls)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from scoring.model import BidSet
from scoring.scenarios import (
    FIGURES,
    CostDistribution,
    Scenario,
    figure_label,
    format_figure,
    hhi_band,
)


def comparison_frame(scenarios: Sequence[Scenario], dist: Mapping[str, CostDistribution],
                     currency: str) -> pd.DataFrame:
    data: dict[str, list[str]] = {"Figure": []}
    for _, label, kind in FIGURES:
        data["Figure"].append(figure_label(label, kind, currency))
    data["Figure"] += [f"Simulated cost, median ({currency})", f"Simulated cost, P90 ({currency})",
                       "Concentration"]
    base = next((s.figures.hhi for s in scenarios if s.name == "monolithic" and s.figures), None)
    for s in scenarios:
        col = s.name.capitalize()
        if s.figures is None:
            data[col] = ["not available"] + [""] * (len(FIGURES) + 2)
            continue
        values = [format_figure(getattr(s.figures, key), kind) for key, _, kind in FIGURES]
        d = dist.get(s.name)
        values += [f"{d.p50:,.0f}" if d else "", f"{d.p90:,.0f}" if d else "",
                   concentration(s.figures.hhi, None if s.name == "monolithic" else base)]
        data[col] = values
    return pd.DataFrame(data)


def concentration(hhi: float, monolithic: float | None) -> str:
    """The HHI band with the HHI itself and, beside the monolithic award, its change: two
    scenarios in the same band still differ in how concentrated they are."""
    text = f"{hhi_band(hhi)}, HHI {hhi:,.0f}"
    if monolithic is not None:
        change = hhi - monolithic
        text += " (same as monolithic)" if round(change) == 0 else (
            f" ({'+' if change > 0 else '−'}{abs(change):,.0f} vs monolithic)")
    return text


def awards_frame(scenarios: Sequence[Scenario], bidset: BidSet) -> pd.DataFrame:
    data: dict[str, list[str]] = {"Component": [c.name for c in bidset.components]}
    for s in scenarios:
        if s.figures is not None:
            by = {a.component: a.vendor + (" (bundle)" if a.lot == "ALL" else "") for a in s.awards}
            data[s.name.capitalize()] = [by.get(c, "") for c in data["Component"]]
    return pd.DataFrame(data)


def risk_frame(scenarios: Sequence[Scenario]) -> pd.DataFrame:
    return pd.DataFrame([
        {"Scenario": s.name.capitalize(),
         "Single point of failure": f"{s.figures.spof_exposure:.0%}",
         "Replaceability": f"{s.figures.replaceability:.2f}",
         "Vendors": s.figures.vendors}
        for s in scenarios if s.figures is not None
    ])
