"""Vega-Lite charts as plain specs: data frame + spec dictionary, shown with ``st.vega_lite_chart``.

The charts are written as Vega-Lite directly rather than through altair: building and validating
an altair chart costs 5-20 ms a chart on every rerun, and Streamlit converts altair charts under
one process-wide lock, so concurrent sessions queue behind each other's charts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

TYPES = {"N": "nominal", "O": "ordinal", "Q": "quantitative", "T": "temporal"}
_SHORTHAND = re.compile(r"^(?:(?P<agg>[a-z]+)\((?P<inner>.+)\)|(?P<field>.+)):(?P<type>[NOQT])$")


@dataclass(frozen=True)
class Chart:
    """A Vega-Lite spec and the frame it draws (the spec's top-level data)."""

    data: pd.DataFrame | None
    spec: dict[str, Any] = field(default_factory=dict)


def enc(shorthand: str, **props: Any) -> dict[str, Any]:
    """An encoding channel from ``"Field:T"`` or ``"agg(Field):T"`` plus any other properties."""
    match = _SHORTHAND.match(shorthand)
    if match is None:
        raise ValueError(f"not a field shorthand: {shorthand!r}")
    out: dict[str, Any] = {"field": match["inner"] or match["field"], "type": TYPES[match["type"]]}
    if match["agg"]:
        out["aggregate"] = match["agg"]
    out.update(props)
    return out


def tooltip(*channels: str | dict[str, Any]) -> list[dict[str, Any]]:
    """Tooltip entries; strings are field shorthands, dicts are full channel definitions."""
    return [enc(c) if isinstance(c, str) else c for c in channels]


def datum(name: str) -> str:
    """A Vega expression reference to a field of the current datum."""
    return "datum[" + repr(name) + "]"


def show(chart: Chart) -> None:
    """Draw the chart at the container's width."""
    st.vega_lite_chart(chart.data, chart.spec, width="stretch")
