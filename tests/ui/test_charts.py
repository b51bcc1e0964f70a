"""The chart builders on the sample: valid Vega-Lite drawing only fields of their frame, with their
titles; one colour per scenario; stacked cost components; box-plot figures instead of samples."""

import json
from functools import cache
from pathlib import Path

import altair as alt
import jsonschema
import numpy as np
import pytest

from scoring.evaluation import Evaluation
from scoring.panel import Cell
from scoring.results import Results
from scoring.workbook import read_workbook
from tests.conftest import ROOT
from ui import charts, panel_views, vega
from ui import robustness_views as views
from ui.charts import COST_PARTS, SCENARIO_COLOURS


@cache
def _schema() -> dict:
    path = Path(alt.__file__).parent / "vegalite" / "v6" / "schema" / "vega-lite-schema.json"
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def sample():
    bidset = read_workbook((ROOT / "data" / "sample_evaluation.xlsx").read_bytes()).bidset
    return bidset, Results(bidset, Evaluation.of(bidset))


def parts(spec: dict) -> list[dict]:
    """The spec and its layers."""
    return [spec, *spec.get("layer", [])]


def channels(spec: dict) -> list[tuple[dict, str, dict]]:
    """(part, channel name, definition) of every encoding entry drawn from the frame."""
    out = []
    for part in parts(spec):
        if "data" in part and part is not spec:
            continue  # a layer with constant data of its own
        for name, channel in part.get("encoding", {}).items():
            for entry in channel if isinstance(channel, list) else [channel]:
                out.append((part, name, entry))
    return out


def titles(spec: dict) -> set[str]:
    return {d["title"] for _, _, d in channels(spec) if isinstance(d, dict) and d.get("title")}


def every_chart(sample) -> dict[str, vega.Chart]:
    bidset, results = sample
    ranking, currency = results.ranking, bidset.settings.currency
    lot = ranking.lots[0]
    found = results.scenarios
    available = [s for s in found.scenarios if s.available]
    robustness = results.robustness()
    model = robustness.models[0]
    acc = next(a for a in robustness.acceptability if a.lot == model.lot)
    cells = [Cell(b.vendor, b.lot, c.name, 3.0, {"a": 2.0, "b": 4.0}, 2.0, 40.0, flagged=True)
             for b in bidset.bids[:4] for c in bidset.criteria if not c.is_price]
    return {
        "contributions": charts.contributions_chart(ranking, lot),
        "pareto": charts.pareto_chart(ranking, lot, currency),
        "cost_components": charts.cost_components_chart(available, currency),
        "cost_distribution": charts.cost_distribution_chart(found.distributions, currency),
        "concentration": charts.concentration_chart(available),
        "acceptability": views.acceptability_heatmap(acc),
        "win": views.win_chart(acc),
        "stability": views.stability_chart(robustness.stability[model.lot], views.stated_weights(model)),
        "sweep": views.sweep_chart(model, 0),
        "spread": panel_views.spread_heatmap(cells, 30.0, 20.0),
    }


TITLES = {  # titles each chart must keep (USD: the sample's currency)
    "contributions": {"Weighted points (weight × normalised value)"},
    "pareto": {"Price (USD)", "Quality (non-price points)"},
    "cost_components": {"Cost over the term (USD)", "Cost (USD)"},
    "cost_distribution": {"Simulated total cost over the term (USD)", "Median (USD)"},
    "concentration": {"HHI (price shares)"},
    "acceptability": {"Rank"},
    "win": set(),
    "stability": {"Weight of the criterion (others rescaled in proportion)"},
    "sweep": {"Score"},
    "spread": {"Spread (watch 20 %, flag 30 % of scale)"},
}


def test_every_chart_is_valid_vega_lite_on_its_own_frame(sample):
    drawn = every_chart(sample)
    assert set(drawn) == set(TITLES)
    for name, chart in drawn.items():
        spec = chart.spec
        # The frame is the spec's data: altair's empty placeholder and default theme are gone.
        assert "data" not in spec and "datasets" not in spec and "config" not in spec, name
        assert all(p.get("data") != {"name": "empty"} for p in parts(spec)), name
        jsonschema.validate({**spec, "data": {"name": "frame"}}, _schema())
        assert chart.data is not None and len(chart.data) > 0, name
        fields = {d["field"] for _, _, d in channels(spec) if isinstance(d, dict) and "field" in d}
        assert fields and fields <= set(chart.data.columns), (name, fields - set(chart.data.columns))
        assert TITLES[name] <= titles(spec), (name, TITLES[name] - titles(spec))
        assert "height" in spec, name


def test_constant_layers_keep_their_own_values(sample):
    drawn = every_chart(sample)
    rules = [p for p in drawn["concentration"].spec["layer"] if "data" in p]
    assert [r["HHI"] for r in rules[0]["data"]["values"]] == [1_800, 1_000]
    stated = [p for p in drawn["sweep"].spec["layer"] if "data" in p]
    assert len(stated) == 1 and "Weight" in stated[0]["data"]["values"][0]


def scale_of(spec: dict, channel: str) -> dict[str, str]:
    (definition,) = [d for _, c, d in channels(spec) if c == channel and d.get("field") == "Scenario"]
    scale = definition["scale"]
    return dict(zip(scale["domain"], scale["range"], strict=True))


def test_one_colour_per_scenario_in_every_chart(sample):
    drawn = every_chart(sample)
    found = sample[1].scenarios
    expected = {s.name.capitalize(): SCENARIO_COLOURS[s.name] for s in found.scenarios if s.available}
    assert len(set(SCENARIO_COLOURS.values())) == len(SCENARIO_COLOURS)
    assert scale_of(drawn["cost_distribution"].spec, "color") == {
        n.capitalize(): SCENARIO_COLOURS[n] for n in found.distributions}
    assert scale_of(drawn["concentration"].spec, "fill") == expected
    # Whichever scenarios a chart shows, each keeps its colour.
    edited = charts.scenario_scale(["edited", "modular"]).to_dict()
    assert edited == {"domain": ["Edited", "Modular"],
                      "range": [SCENARIO_COLOURS["edited"], SCENARIO_COLOURS["modular"]]}


def test_cost_components_are_stacked_to_each_scenario_total(sample):
    available = [s for s in sample[1].scenarios.scenarios if s.available]
    chart = charts.cost_components_chart(available, "USD")
    bars = chart.spec["layer"][0]
    enc = bars["encoding"]
    assert bars["mark"]["type"] == "bar" and "xOffset" not in enc
    assert enc["x"]["field"] == "Scenario" and (enc["y"]["field"], enc["y"]["aggregate"]) == ("Cost", "sum")
    labels = [label for _, label in COST_PARTS]
    assert enc["color"]["field"] == "Cost component" and enc["color"]["scale"]["domain"] == labels
    assert len(set(enc["color"]["scale"]["range"])) == len(labels)
    assert not set(enc["color"]["scale"]["range"]) & set(SCENARIO_COLOURS.values())
    assert enc["order"] == {"field": "Stack order", "sort": "ascending", "type": "quantitative"}
    frame = chart.data
    for s in available:
        rows = frame[frame["Scenario"] == s.name.capitalize()].sort_values("Stack order")
        assert list(rows["Cost component"]) == labels
        assert rows["Cost"].sum() == pytest.approx(s.figures.total_cost)
    totals = chart.spec["layer"][1]["encoding"]["text"]
    assert (totals["field"], totals["aggregate"]) == ("Cost", "sum")


def test_cost_distribution_sends_box_figures_not_samples(sample):
    dist = sample[1].scenarios.distributions
    chart = charts.cost_distribution_chart(dist, "USD")
    frame = chart.data
    assert list(frame["Scenario"]) == [n.capitalize() for n in dist]
    for (_, row), d in zip(frame.iterrows(), dist.values(), strict=True):
        expected = np.percentile(d.samples, [0, 10, 25, 50, 75, 90, 100])
        got = row[["Min", "P10", "Q1", "Median", "Q3", "P90", "Max"]].to_numpy(dtype=float)
        assert got == pytest.approx(expected)
        assert row["Mean"] == pytest.approx(d.mean)
    marks = {p["mark"]["type"]: p["encoding"] for p in chart.spec["layer"]}
    assert (marks["rule"]["x"]["field"], marks["rule"]["x2"]["field"]) == ("Min", "Max")
    assert (marks["bar"]["x"]["field"], marks["bar"]["x2"]["field"]) == ("Q1", "Q3")
    assert marks["tick"]["x"]["field"] == "Median"
    tips = {t["field"] for t in chart.spec["encoding"]["tooltip"]}
    assert tips == {"Scenario", "Min", "P10", "Q1", "Median", "Mean", "Q3", "P90", "Max"}


def test_layer_refuses_what_it_would_drop():
    with pytest.raises(ValueError, match="height"):
        vega.layer(alt.Chart(height=100).mark_bar())


def test_altair_objects_are_not_validated_one_by_one():
    from altair.utils import schemapi

    assert schemapi.DEBUG_MODE is False  # each chart would cost several times more
