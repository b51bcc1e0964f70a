"""Every chart the pages draw is valid Vega-Lite and only names fields its data has."""

import json
from functools import cache
from pathlib import Path

import jsonschema
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, charts
from tests.pages.test_panel_page import saved_app


@cache
def _schema() -> dict:
    import altair  # the chart library, which ships the Vega-Lite schema its specs follow

    path = Path(altair.__file__).parent / "vegalite" / "v6" / "schema" / "vega-lite-schema.json"
    return json.loads(path.read_text())


def _fields(spec: dict) -> set[str]:
    out: set[str] = set()
    for part in [spec, *spec.get("layer", [])]:
        if "data" in part and part is not spec:
            continue  # a layer with its own inline data
        for channel in part.get("encoding", {}).values():
            for entry in channel if isinstance(channel, list) else [channel]:
                if isinstance(entry, dict) and "field" in entry:
                    out.add(entry["field"])
    return out


def check(at: AppTest, expected: int) -> None:
    drawn = charts(at)
    assert len(drawn) == expected
    for chart in drawn:
        spec = json.loads(chart.proto.spec)
        # Streamlit sends the frame beside the spec; the schema wants a top-level data entry.
        jsonschema.validate({**spec, "data": {"name": "frame"}}, _schema())
        table = pa.ipc.open_stream(chart.proto.data.data).read_all()
        assert table.num_rows > 0 and _fields(spec), spec
        assert _fields(spec) <= set(table.column_names), (_fields(spec) - set(table.column_names), spec)


@pytest.mark.parametrize("page, expected", [("evaluate", 2), ("robustness", 4), ("scenarios", 4)])
def test_ranking_pages_draw_valid_charts(page, expected):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception
    check(at, expected)


def test_panel_spread_heatmap_is_valid():
    check(saved_app("Chart check"), 1)
