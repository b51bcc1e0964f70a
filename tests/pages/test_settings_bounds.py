"""Every workbook the reader accepts renders every page: settings drawn across their ranges."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from scoring.settings import SPECS, Kind
from scoring.workbook import read_workbook
from tests.conftest import ROOT
from tests.helpers import CRITERIA, basic

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGES = ("evaluate", "robustness", "scenarios", "compliance", "panel", "report", "import_bids")
COMPONENTS = [["component", "criticality", "switching_cost"], ["Core", 5, 200_000], ["Edge", 1, 0]]
BIDS = [["vendor", "lot", "price", "Technical", "Management"],
        ["Alpha", "Core", 100_000, 4, 3], ["Bravo", "Core", 80_000, 3, 4],
        ["Alpha", "Edge", 50_000, 3, 3], ["Charlie", "Edge", 60_000, 5, 2],
        ["Bravo", "ALL", 120_000, 4, 4]]
_APP: list[AppTest] = []


def _app() -> AppTest:
    if not _APP:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        _APP.append(at)
    return _APP[0]


def _value(key: str):  # type: ignore[no-untyped-def]
    spec = SPECS[key]
    if spec.kind == Kind.CHOICE:
        return st.sampled_from(list(spec.choices))
    if spec.kind == Kind.TEXT:
        return st.sampled_from(["USD", "EUR", "£", "Pound sterling", "A" * int(spec.maximum)])
    low, high = spec.minimum, spec.maximum
    if key in ("price_floor", "price_ceiling", "coordination_cost_per_vendor", "okr_threshold"):
        edge = st.sampled_from([low, high, 1e6])
    else:
        number = (st.integers(int(low), int(high)) if spec.kind == Kind.WHOLE
                  else st.floats(low, high).map(lambda x: round(x, 4)))  # as a person types it
        edge = st.sampled_from([low, high]) | number
    return (st.none() | edge) if spec.optional else edge


drawn = st.fixed_dictionaries({k: _value(k) for k in SPECS})


def _extremes(which: int) -> dict:  # type: ignore[type-arg]
    out = {}
    for key, spec in SPECS.items():
        if spec.kind == Kind.CHOICE:
            out[key] = spec.choices[which]
        elif spec.kind == Kind.TEXT:
            out[key] = "X" * (int(spec.maximum) if which else 1)
        else:
            out[key] = spec.maximum if which else spec.minimum
    return out


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(drawn)
@example(_extremes(0))
@example(_extremes(-1))
def test_every_accepted_workbook_renders_every_page(values):
    if values["price_formula"] == "linear":  # needs a floor below the ceiling
        floor, ceiling = sorted([values["price_floor"] or 0.0, values["price_ceiling"] or 1e6])
        if ceiling <= floor:
            floor = ceiling / 2
        values["price_floor"], values["price_ceiling"] = floor, ceiling
    # the spread levels stand together: the watch level at or below the flag
    values["spread_watch_pct"], values["spread_flag_pct"] = sorted(
        [values["spread_watch_pct"], values["spread_flag_pct"]])
    rows = [["key", "value"], *([k, v] for k, v in values.items() if v is not None)]
    data = basic(Criteria=CRITERIA, Bids=BIDS, Components=COMPONENTS, Settings=rows)
    result = read_workbook(data)
    assert result.ok, [str(p) for p in result.problems]
    at = _app()
    at.switch_page("app_pages/import_bids.py").run()
    at.file_uploader[0].upload("bounds.xlsx", data, XLSX).run()
    assert at.session_state["workbook"].sha256 == result.sha256
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, values, at.exception[0].value)
        assert at.title, page  # the page drew (it did not stop before its title)
