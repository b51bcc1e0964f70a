"""One settings specification: the reader, the template, the widgets and the README follow it."""

import re
from dataclasses import fields

import pytest
from openpyxl import load_workbook

from scoring.settings import SPECS, WHAT_IFS, Kind, Settings, bounds_problems
from scoring.template import template_bytes
from scoring.workbook import read_workbook
from tests.conftest import ROOT
from tests.helpers import basic


def test_every_setting_is_specified_once_with_its_default():
    assert list(SPECS) == [f.name for f in fields(Settings)]
    for f in fields(Settings):
        spec = SPECS[f.name]
        assert spec.key == f.name and spec.default == f.default and spec.label and spec.help
        assert spec.problem(spec.default) is None, f.name  # the default is allowed
        if spec.kind in (Kind.NUMBER, Kind.WHOLE):
            assert spec.minimum is not None and spec.maximum is not None, f.name
    assert set(WHAT_IFS) == {"contract_years", "vendor_failure_prob", "integration_overhead_pct",
                             "coordination_cost_per_vendor", "max_components_per_vendor",
                             "max_vendor_share_pct"}


def _settings(**values):
    return basic(Settings=[["key", "value"], *([k, v] for k, v in values.items())])


@pytest.mark.parametrize(("key", "value"), [
    ("contract_years", 0.1), ("contract_years", 51), ("integration_overhead_pct", 301),
    ("vendor_failure_prob", 1.5), ("max_components_per_vendor", 2.5),
    ("max_components_per_vendor", 0), ("max_vendor_share_pct", 0.05), ("spread_flag_pct", 101),
    ("method", "ahp"), ("price_formula", "quadratic"), ("currency", "A" * 41),
])
def test_a_value_outside_its_bounds_is_one_located_error_naming_the_range(key, value):
    result = read_workbook(_settings(**{key: value}))
    assert not result.ok
    (problem,) = result.problems
    assert str(problem.location) == "Settings!B2"
    assert SPECS[key].range_text() in problem.message
    assert problem.fix  # what to do


@pytest.mark.parametrize("key", [k for k, s in SPECS.items() if s.kind in (Kind.NUMBER, Kind.WHOLE)])
def test_both_ends_of_every_range_are_accepted(key):
    spec = SPECS[key]
    # the two spread levels stand together (watch at or below flag): the other one out of the way
    partner = {"spread_watch_pct": ("spread_flag_pct", 100.0), "spread_flag_pct": ("spread_watch_pct", 0.0)}
    for value in (spec.minimum, spec.maximum):
        other = dict([partner[key]]) if key in partner else {}
        result = read_workbook(_settings(**{key: value}, **other))  # bounds alone: formula not linear
        assert result.ok, [str(p) for p in result.problems]
        assert getattr(result.bidset.settings, key) == value


def test_the_spread_watch_level_may_not_be_above_the_flag():
    result = read_workbook(_settings(spread_watch_pct=40, spread_flag_pct=30))
    (problem,) = result.problems
    assert problem.location.sheet == "Settings" and "watch level (40 %) is above" in problem.message


def test_linear_formula_bounds_are_checked_together():
    result = read_workbook(_settings(price_formula="linear", price_floor=5, price_ceiling=3))
    assert [str(p.location) for p in result.problems] == ["Settings!B4"]
    assert "must be above the price floor" in result.problems[0].message
    assert bounds_problems("lowest_ratio", None, None) == []
    assert bounds_problems("linear", None, 3)[0][0] == "price_formula"


def test_the_template_documents_every_setting_with_its_range(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(template_bytes())
    rows = {r[0]: r for r in load_workbook(path)["Settings"].iter_rows(min_row=2, values_only=True)}
    assert list(rows) == list(SPECS)
    for key, spec in SPECS.items():
        assert spec.range_text() in rows[key][2] and spec.label in rows[key][2]


def test_the_readme_lists_every_setting_with_its_default_and_range():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Settings (optional)", 1)[1].split("\n#", 1)[0]
    table = "\n".join(line for line in section.splitlines() if line.startswith("| `"))
    found = {m.group(1): m.group(0) for m in re.finditer(r"^\| `(\w+)` \|.*$", table, re.M)}
    assert list(found) == list(SPECS)
    for key, spec in SPECS.items():
        assert spec.range_text() in found[key], key


def test_a_probability_with_a_percent_sign_is_told_to_be_a_fraction():
    (problem,) = read_workbook(_settings(vendor_failure_prob="2 %")).problems
    assert "probability from 0 to 1" in problem.message and "0.02 for 2 %" in problem.fix
