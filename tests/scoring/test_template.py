from openpyxl import load_workbook

from scoring.model import FINDING_KINDS
from scoring.template import template_bytes, write_sample
from scoring.workbook import read_workbook


def test_template_is_a_valid_workbook_with_instructions_and_dropdowns(tmp_path):
    data = template_bytes()
    result = read_workbook(data)
    assert result.ok, [str(p) for p in result.problems]
    path = tmp_path / "t.xlsx"
    path.write_bytes(data)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Instructions", "Criteria", "Groups", "Bids", "Components", "Vendors",
                             "Scores", "Ratings", "Findings", "Finding kinds", "OKRs", "Settings",
                             "Strategy"]
    # the Groups sheet ships empty: the criteria are weighted directly until it has rows
    assert [c.value for c in wb["Groups"][1]] == ["group", "weight", "description"]
    assert result.bidset.factors == ()
    assert [c.value for c in wb["Criteria"][1]][-2:] == ["weight_min", "weight_max"]
    assert result.bidset.criteria[1].rating_scale == "Adjectival"
    assert result.bidset.criteria[1].show(4) == "Good (4)"
    kinds = [dv.formula1 for dv in wb["Findings"].data_validations.dataValidation]
    assert kinds == ["'Finding kinds'!$B$2:$B$7"]  # the labels, each kind's own name at first
    assert [r for r in wb["Finding kinds"].iter_rows(min_row=2, values_only=True)] == [
        (k, k) for k in FINDING_KINDS]
    assert result.bidset.kind_label("deficiency") == "deficiency"
    criteria_lists = [dv.formula1 for dv in wb["Criteria"].data_validations.dataValidation]
    assert '"max,min,benefit,cost"' in criteria_lists
    bids_lists = [dv.formula1 for dv in wb["Bids"].data_validations.dataValidation]
    assert '"yes,no"' in bids_lists
    instructions = " ".join(str(c.value) for row in wb["Instructions"].iter_rows() for c in row if c.value)
    assert "Criteria (required)" in instructions and "European" in instructions
    assert "Groups (optional)" in instructions and "weight_min" in instructions


def test_bundled_sample_matches_its_generator(tmp_path, sample_bytes):
    fresh = read_workbook(write_sample(tmp_path / "s.xlsx").read_bytes()).bidset
    bundled = read_workbook(sample_bytes).bidset
    assert fresh.criteria == bundled.criteria
    assert fresh.bids == bundled.bids
    assert fresh.settings == bundled.settings
    assert fresh.components == bundled.components
