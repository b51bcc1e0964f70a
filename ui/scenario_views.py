"""Widgets of the Scenarios page: what-if settings, award editor, comparison tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import pandas as pd
import streamlit as st

from scoring.model import BidSet, Settings
from scoring.scenarios import (
    FIGURES,
    CostDistribution,
    Scenario,
    figure_label,
    format_figure,
    hhi_band,
)

WHAT_IF_KEYS = ("contract_years", "vendor_failure_prob", "integration_overhead_pct",
                 "coordination_cost_per_vendor", "max_components_per_vendor", "max_vendor_share_pct")


def what_if_settings(bidset: BidSet, start: Mapping[str, object] | None = None) -> Settings:
    """Scenario settings as what-ifs; each starts at the workbook's value (or ``start``'s)."""
    s = replace(bidset.settings, **dict(start)) if start else bidset.settings
    key = bidset.sha256[:16]
    with st.expander("What-if settings (the workbook's values are the defaults)"):
        a, b, c = st.columns(3)
        years = a.number_input("Contract term (years)", 1.0, 30.0, float(s.contract_years), 1.0,
                               format="%g", key=f"wi_years_{key}")
        prob = a.number_input("Default annual vendor failure probability", 0.0, 1.0,
                              float(s.vendor_failure_prob), 0.01, format="%.3f", key=f"wi_p_{key}",
                              help="Used for vendors without their own rate in the Vendors sheet")
        integ = b.number_input("Integration overhead (% of each lot price)", 0.0, 100.0,
                               float(s.integration_overhead_pct), 0.5, key=f"wi_int_{key}")
        coord = b.number_input(f"Coordination cost per extra vendor ({s.currency})", 0.0, None,
                               float(s.coordination_cost_per_vendor), 10_000.0, format="%.0f",
                               key=f"wi_coord_{key}")
        cap_n = c.number_input("Cap: components per vendor (0 = no cap)", 0, 100,
                               int(s.max_components_per_vendor or 0), 1, key=f"wi_capn_{key}")
        cap_s = c.number_input("Cap: vendor share of total price, % (0 = no cap)", 0.0, 100.0,
                               float(s.max_vendor_share_pct or 0.0), 5.0, key=f"wi_caps_{key}")
    return replace(
        s, contract_years=years, vendor_failure_prob=prob, integration_overhead_pct=integ,
        coordination_cost_per_vendor=coord, max_components_per_vendor=int(cap_n) or None,
        max_vendor_share_pct=float(cap_s) or None,
    )


def award_editor(bidset: BidSet, start: Mapping[str, str]) -> dict[str, str]:
    """Hand-edit an award: a vendor per component, starting from ``start``."""
    vendors = sorted({b.vendor for b in bidset.bids}, key=str.casefold)
    frame = pd.DataFrame({"Component": [c.name for c in bidset.components],
                          "Vendor": [start.get(c.name) for c in bidset.components]})
    edited = st.data_editor(
        frame, key=f"award_{bidset.sha256[:16]}", hide_index=True, disabled=["Component"],
        column_config={"Vendor": st.column_config.SelectboxColumn(
            options=vendors, required=True,
            help="Pick the vendor whose bid for this component is awarded; pick the same vendor "
                 "everywhere to award its bundle bid")},
    )
    return {str(r.Component): str(r.Vendor) for r in edited.itertuples() if isinstance(r.Vendor, str)}


def comparison_frame(scenarios: Sequence[Scenario], dist: Mapping[str, CostDistribution],
                     currency: str) -> pd.DataFrame:
    data: dict[str, list[str]] = {"Figure": []}
    for _, label, kind in FIGURES:
        data["Figure"].append(figure_label(label, kind, currency))
    data["Figure"] += [f"Simulated cost, median ({currency})", f"Simulated cost, P90 ({currency})",
                       "Concentration"]
    for s in scenarios:
        col = s.name.capitalize()
        if s.figures is None:
            data[col] = ["not available"] + [""] * (len(FIGURES) + 2)
            continue
        values = [format_figure(getattr(s.figures, key), kind) for key, _, kind in FIGURES]
        d = dist.get(s.name)
        values += [f"{d.p50:,.0f}" if d else "", f"{d.p90:,.0f}" if d else "",
                   hhi_band(s.figures.hhi)]
        data[col] = values
    return pd.DataFrame(data)


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
