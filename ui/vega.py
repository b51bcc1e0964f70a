"""Charts: altair charts turned into plain Vega-Lite specs, shown with ``st.vega_lite_chart``.

The builders compose charts from altair's typed channel objects (``alt.X("Price:Q", title=...)``,
``alt.Color(...)``, ``alt.Tooltip(...)``), never from string shorthands passed as keyword channels
(``encode(x="a:Q")`` goes through ``from_dict``, 2-3 ms a channel). ``Chart.of`` converts a chart
with ``to_dict(validate=False)``; the specs are checked against the Vega-Lite schema by the tests,
not on every rerun. What keeps a chart near a millisecond (~0.5 ms of it the conversion):

- altair's debug mode is off (below): in it every schema object validates itself with jsonschema
  as it is created, which cost more than the rest of a chart's build;
- layers are put together with ``layer`` (a ``TopLevelLayerSpec`` of the charts' marks, encodings
  and transforms): ``alt.layer`` deep-copies every layer two to four times, over 1 ms a layer;
- heights are passed to the constructors, not ``.properties`` (which validates each property).

The frame a chart draws stays out of the altair chart: it is passed beside the spec to
``st.vega_lite_chart``, which serialises it with Arrow (altair's inline data is JSON and refuses
more than 5,000 rows). ``st.altair_chart`` is not used because Streamlit converts altair charts
under one process-wide lock, so concurrent sessions would queue behind each other's charts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from altair.utils import schemapi

# Process-wide: altair objects are no longer validated one by one as they are created. Nothing
# else in the app builds altair charts; the tests validate every page's specs against the schema.
schemapi.disable_debug_mode()

_NO_DATA = {"name": "empty"}  # what altair puts in a chart built without data
_ALTAIR_THEME = {"view": {"continuousWidth": 300, "continuousHeight": 300}}  # its default config


@dataclass(frozen=True)
class Chart:
    """A Vega-Lite spec and the frame it draws (the spec's top-level data)."""

    data: pd.DataFrame | None
    spec: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, data: pd.DataFrame | None, chart: alt.Chart | alt.TopLevelLayerSpec) -> Chart:
        """The frame and the spec of a chart built without data.

        Altair gives a chart without data an empty named dataset; it is dropped, so the chart
        draws the frame. Layers with small constant data of their own (``alt.Data(values=...)``)
        keep it inline. Altair's default theme (a 300 x 300 view) is dropped as well: every
        chart sets its height, Streamlit sets the width and the theme.
        """
        spec = chart.to_dict(validate=False)
        if spec.get("config") == _ALTAIR_THEME:
            del spec["config"]
        datasets = {k: v for k, v in spec.pop("datasets", {}).items() if k != _NO_DATA["name"]}
        if datasets:
            spec["datasets"] = datasets
        if spec.get("data") == _NO_DATA:
            del spec["data"]
        return cls(data, spec)


def layer(*charts: alt.Chart, **props: Any) -> alt.TopLevelLayerSpec:
    """The charts drawn over each other, with top-level ``props`` (height, shared encoding,
    resolve...). Each chart is a mark with its encoding, and optionally transforms and constant
    data of its own; anything else on a chart would be lost, so it is refused."""
    layers = []
    for chart in charts:
        parts = {k: v for k, v in chart._kwds.items() if v is not alt.Undefined}
        if extra := set(parts) - {"mark", "encoding", "transform", "data"}:
            raise ValueError(f"a layer may only have a mark, encoding, transforms and data: {extra}")
        layers.append(alt.UnitSpec(**parts))
    return alt.TopLevelLayerSpec(layer=layers, **props)


def show(chart: Chart) -> None:
    """Draw the chart at the container's width."""
    st.vega_lite_chart(chart.data, chart.spec, width="stretch")
