import io
import math
import zipfile

import pytest

from scoring.evaluation import Scoring
from scoring.model import BUNDLE_LOT, SINGLE_LOT
from scoring.workbook import parse_number, parse_yes_no, read_workbook
from tests.helpers import (
    BIDS,
    CRITERIA,
    GROUPED_CRITERIA,
    GROUPS,
    basic,
    grouped,
    rewrite_part,
    workbook_bytes,
)


def problems(data: bytes) -> list[str]:
    result = read_workbook(data)
    assert result.bidset is None, "expected the workbook to be refused"
    return [str(p) for p in result.problems]


def where(data: bytes) -> list[str]:
    return [str(p.location) for p in read_workbook(data).problems]


def test_sample_workbook_is_valid(sample_bytes):
    result = read_workbook(sample_bytes)
    assert result.ok, [str(p) for p in result.problems]
    bs = result.bidset
    assert bs.lots == ("Infrastructure", "Application", "Analytics", "Security", BUNDLE_LOT)
    assert len(bs.vendor_names) >= 6
    assert len([b for b in bs.bids if b.is_bundle]) == 2
    assert {c.name for c in bs.components} == {"Infrastructure", "Application", "Analytics", "Security"}
    assert bs.settings.max_components_per_vendor == 2
    assert len(bs.okrs) == 3
    assert bs.sha256 == result.sha256 and len(bs.sha256) == 64


def test_small_workbook_reads_into_bidset():
    bs = read_workbook(basic()).bidset
    assert bs is not None
    assert [c.name for c in bs.criteria] == ["Technical", "Management", "Price"]
    assert bs.price_criterion.name == "Price"
    assert bs.lots == (SINGLE_LOT,)
    alpha = bs.bids[0]
    assert (alpha.vendor, alpha.price, alpha.scores) == ("Alpha", 100_000, {"Technical": 4, "Management": 3})
    assert alpha.row == 2
    assert bs.criteria[0].min_acceptable == 2 and bs.criteria[0].scale_max == 5


def test_title_rows_header_variants_and_blank_rows_are_accepted():
    bids = [
        ["Bids received for RFP 12"],
        [],
        [" VENDOR ", "Lot", "PRICE", "technical", "management"],
        ["Alpha", None, "$100,000", 4, 3],
        [None, None, None, None, None],
        ["Bravo", None, "€80,000.50", "3", " 4 "],
    ]
    criteria = [["Criterion", "Weight", "Direction", "Scale-Min", "scale max"],
                ["Technical", 50, "Benefit", 0, 5], ["Management", 20, "max", 0, 5],
                ["Price", 30, "COST", None, None]]
    bs = read_workbook(workbook_bytes({" criteria ": criteria, "BIDS": bids})).bidset
    assert bs is not None
    assert [b.price for b in bs.bids] == [100_000, 80_000.5]
    assert bs.bids[1].scores == {"Technical": 3.0, "Management": 4.0}
    assert bs.bids[0].row == 4 and bs.bids[1].row == 6
    assert [c.direction for c in bs.criteria] == ["max", "max", "min"]


@pytest.mark.parametrize(
    ("text", "value"),
    [("1234", 1234), ("1,234,567.89", 1234567.89), ("$1,234", 1234), ("£0.5", 0.5),
     (" 12 ", 12), ("-5", -5), ("€ 1,000", 1000), (".25", 0.25), (7, 7.0), (2.5, 2.5)],
)
def test_parse_number_accepts_plain_and_currency_numbers(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["1.234,50", "12 %", "1,23", "12,34,567", "abc", "1e5x", "", "$", "--1"])
def test_parse_number_refuses_anything_else(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_parse_number_refuses_booleans_and_dates():
    import datetime as dt

    with pytest.raises(ValueError):
        parse_number(True)
    with pytest.raises(ValueError):
        parse_number(dt.datetime(2024, 1, 1))


@pytest.mark.parametrize(("text", "value"), [("yes", True), ("No", False), ("TRUE", True), ("y", True),
                                               ("n", False), (1, True), (0, False), ("0", False)])
def test_yes_no(text, value):
    assert parse_yes_no(text) is value


def test_missing_sheets_are_named():
    out = problems(workbook_bytes({"Other": [["x"]]}))
    assert any(p.startswith("Criteria: the workbook has no 'Criteria' sheet") for p in out)
    assert any(p.startswith("Bids: the workbook has no 'Bids' sheet") for p in out)


def test_missing_required_column_is_reported_by_name():
    bids = [["vendor", "cost", "Technical", "Management"], ["Alpha", 5, 4, 3]]
    out = problems(basic(Bids=bids))
    assert out == ["Bids!1:1: the header row (searched in rows 1-10) lacks column 'price'. "
                   "Add a column headed 'price' to the header row"]


def test_missing_criterion_column_is_reported_by_name():
    bids = [["vendor", "price", "Technical"], ["Alpha", 5, 4]]
    out = problems(basic(Bids=bids))
    assert len(out) == 1 and "no column for criterion 'Management'" in out[0]
    assert out[0].startswith("Bids!1:1")


def test_every_problem_is_listed_at_once_with_its_cell():
    criteria = [
        ["criterion", "weight", "direction", "scale_min", "scale_max"],
        ["Technical", 50, "maximise", 0, 5],   # C2 unknown direction
        ["Management", -20, "max", 0, 5],      # B3 negative weight
        ["technical ", 5, "max", 0, 5],        # A4 duplicate
        ["Price", 30, "min", None, None],
    ]
    bids = [
        ["vendor", "lot", "price", "Technical", "Management"],
        ["Alpha", "", 0, 4, 3],                # C2 price <= 0
        ["Bravo", "", "1.234,50", 9, 4],       # C3 European, D3 outside scale
        ["bravo ", "", 80_000, 3, "good"],     # A4 duplicate vendor, E4 text
    ]
    locs = where(workbook_bytes({"Criteria": criteria, "Bids": bids}))
    assert set(locs) >= {"Criteria!C2", "Criteria!B3", "Criteria!A4", "Bids!C2", "Bids!C3",
                         "Bids!E4"}
    out = problems(workbook_bytes({"Criteria": criteria, "Bids": bids}))
    assert any("European number format" in p for p in out)


def test_scores_are_checked_against_the_criterion_scale():
    bids = [list(BIDS[0]), ["Alpha", "", 100, 6, 3], ["Bravo", "", 100, 3, -1]]
    out = problems(basic(Bids=bids))
    assert [p.split(":")[0] for p in out] == ["Bids!D2", "Bids!E3"]
    assert "a score from 0 to 5" in out[0]


def test_duplicate_vendor_within_a_lot_but_not_across_lots():
    components = [["component"], ["App"], ["Infra"]]
    bids = [list(BIDS[0]), ["Alpha", "App", 100, 3, 3], ["Alpha", "Infra", 100, 3, 3],
            ["ALPHA", "app", 90, 3, 3]]
    out = problems(basic(Bids=bids, Components=components))
    assert len(out) == 1 and out[0].startswith("Bids!A4") and "already has a bid in lot App" in out[0]


def test_lot_not_in_components_and_lot_canonical_names():
    components = [["Component", "criticality"], ["Application", 5], ["Security", 4]]
    bids = [list(BIDS[0]), ["Alpha", "application", 100, 3, 3], ["Bravo", "Sekurity", 100, 3, 3],
            ["Charlie", "all", 300, 3, 3]]
    out = problems(basic(Bids=bids, Components=components))
    assert len(out) == 1 and out[0].startswith("Bids!B3") and "'Sekurity' is not in the Components" in out[0]
    bids[2][1] = "Security"
    bs = read_workbook(basic(Bids=bids, Components=components)).bidset
    assert [b.lot for b in bs.bids] == ["Application", "Security", BUNDLE_LOT]


def test_blank_lot_among_named_lots_is_an_error():
    bids = [list(BIDS[0]), ["Alpha", "App", 100, 3, 3], ["Bravo", None, 100, 3, 3]]
    assert where(basic(Bids=bids)) == ["Bids!B3"]


def test_all_zero_weights_and_no_criteria():
    criteria = [CRITERIA[0], ["Technical", 0, "max", 0, 5, None], ["Management", 0, "max", 0, 5, None],
                ["Price", 0, "min", None, None, None]]
    assert where(basic(Criteria=criteria)) == ["Criteria!B:B"]
    assert where(basic(Criteria=[CRITERIA[0]], Bids=[["vendor", "price"], ["A", 1]])) == ["Criteria!2:2"]


def test_price_criterion_must_be_min():
    criteria = [list(r) for r in CRITERIA]
    criteria[3][2] = "max"
    assert where(basic(Criteria=criteria)) == ["Criteria!C4"]


def test_min_criterion_without_scale_needs_positive_scores():
    criteria = [list(r) for r in CRITERIA] + [["Defects", 10, "min", None, None, None]]
    bids = [BIDS[0] + ["Defects"], ["Alpha", "", 100, 3, 3, 0], ["Bravo", "", 100, 3, 3, 2]]
    out = problems(basic(Criteria=criteria, Bids=bids))
    assert len(out) == 1 and out[0].startswith("Bids!F2") and "scale" in out[0]


def test_formula_cells_without_saved_value_are_located():
    data = basic()

    def drop_value(xml: bytes) -> bytes:
        return xml.replace(b'<c r="C3" t="n"><v>80000</v></c>', b'<c r="C3"><f>40000*2</f><v></v></c>')

    out = problems(rewrite_part(data, "xl/worksheets/sheet2.xml", drop_value))
    assert len(out) == 1 and out[0].startswith("Bids!C3: this formula cell has no saved value")


def test_formula_cells_with_saved_value_are_read():
    def add_formula(xml: bytes) -> bytes:
        return xml.replace(b'<c r="C3" t="n"><v>80000</v></c>', b'<c r="C3"><f>40000*2</f><v>80000</v></c>')

    bs = read_workbook(rewrite_part(basic(), "xl/worksheets/sheet2.xml", add_formula)).bidset
    assert bs is not None and bs.bids[1].price == 80000


def test_error_cells_are_located():
    def add_error(xml: bytes) -> bytes:
        return xml.replace(b'<c r="D2" t="n"><v>4</v></c>', b'<c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c>')

    out = problems(rewrite_part(basic(), "xl/worksheets/sheet2.xml", add_error))
    assert out == ["Bids!D2: this cell holds the Excel error #DIV/0!. Fix the formula or type the value"]


def test_settings_are_read_and_validated():
    settings = [["key", "value"], ["Method", "WSM"], ["price formula", "linear"], ["price_floor", 50_000],
                ["price_ceiling", "$150,000"], ["max_components_per_vendor", 2], ["currency", "EUR"],
                ["favourite_colour", "blue"]]
    result = read_workbook(basic(Settings=settings))
    s = result.bidset.settings
    assert (s.method, s.price_formula, s.price_floor, s.price_ceiling) == ("wsm", "linear", 50_000, 150_000)
    assert s.max_components_per_vendor == 2 and s.currency == "EUR"
    assert any("favourite_colour" in str(n) for n in result.notes)
    bad = [["key", "value"], ["method", "ahp"], ["price_formula", "linear"], ["vendor_failure_prob", 2],
           ["max_components_per_vendor", 1.5]]
    # in the order of the sheet: row by row
    assert where(basic(Settings=bad)) == ["Settings!B2", "Settings!B3", "Settings!B4", "Settings!B5"]


def test_sla_columns_numbers_and_yes_no():
    bids = [BIDS[0] + ["uptime_pct", "canary releases"], ["Alpha", "", 100, 3, 3, 99.9, "Yes"],
            ["Bravo", "", 100, 3, 3, "99.95", "maybe"]]
    out = problems(basic(Bids=bids))
    assert len(out) == 1 and out[0].startswith("Bids!G3") and "yes or no" in out[0]
    bids[2][6] = "n"
    bs = read_workbook(basic(Bids=bids)).bidset
    assert bs.bids[0].sla.uptime_pct == 99.9 and bs.bids[0].sla.canary_releases is True
    assert bs.bids[1].sla.canary_releases is False and bs.bids[1].sla.rollback_triggers is None


def test_components_vendors_okrs():
    components = [["component", "criticality", "switching_cost", "switching_months"],
                  ["App", 5, "$900,000", 12], ["Infra", None, None, None], ["Bad", 7, -1, None]]
    vendors = [["vendor", "annual_failure_prob"], ["Alpha", 0.05], ["Bravo", 1.5]]
    okrs = [["okr", "mission_outcome", "metric", "target"], ["Faster refunds", "yes", "days", "10"]]
    bids = [list(BIDS[0]), ["Alpha", "App", 100, 3, 3], ["Bravo", "Infra", 100, 3, 3]]
    assert where(basic(Bids=bids, Components=components, Vendors=vendors, OKRs=okrs)) == [
        "Components!B4", "Components!C4", "Vendors!B3"]
    components.pop()
    vendors.pop()
    bs = read_workbook(basic(Bids=bids, Components=components, Vendors=vendors, OKRs=okrs)).bidset
    assert bs.components[0].switching_cost == 900_000 and bs.components[1].criticality == 3
    assert bs.vendors[0].annual_failure_prob == 0.05
    assert bs.okrs[0].mission_outcome is True


def test_scores_sheet_supplies_the_median_consensus():
    bids = [list(BIDS[0]), ["Alpha", "", 100, None, 3], ["Bravo", "", 100, 2, 4]]
    scores = [["evaluator", "vendor", "lot", "criterion", "score", "rationale"],
              ["Ann", "Alpha", None, "Technical", 4, "strong"], ["Bob", "alpha", None, "technical", 2, ""],
              ["Cy", "Alpha", None, "Technical", 5, ""], ["Ann", "Bravo", None, "Technical", 1, ""]]
    bs = read_workbook(basic(Bids=bids, Scores=scores)).bidset
    assert bs is not None
    assert bs.bids[0].scores["Technical"] == 4 and bs.bids[1].scores["Technical"] == 1
    assert len(bs.panel_scores) == 4


def test_scores_sheet_problems_are_located():
    scores = [["evaluator", "vendor", "criterion", "score"], ["Ann", "Nobody", "Technical", 3],
              ["Ann", "Alpha", "Price", 3], ["Ann", "Alpha", "Technical", 9]]
    assert where(basic(Scores=scores)) == ["Scores!2:2", "Scores!C3", "Scores!D4"]


def test_blank_score_without_panel_score_is_an_error():
    bids = [list(BIDS[0]), ["Alpha", "", 100, None, 3], ["Bravo", "", 100, 2, 4]]
    assert where(basic(Bids=bids)) == ["Bids!D2"]


def test_text_in_numeric_cell_says_what_was_found():
    bids = [list(BIDS[0]), ["Alpha", "", "about 100k", 3, 3]]
    out = problems(basic(Bids=bids))
    assert out[0].startswith("Bids!C2: price of Alpha: 'about 100k' is not a number")


def test_settings_sheet_without_header_row_reads_columns_a_and_b():
    settings = [["method", "wsm"], ["price_formula", "lowest_ratio"], ["contract years", 3]]
    s = read_workbook(basic(Settings=settings)).bidset.settings
    assert (s.method, s.contract_years) == ("wsm", 3)


def test_repeated_column_the_reader_uses_is_an_error():
    bids = [BIDS[0] + ["price"], ["Alpha", "", 100, 4, 3, 5]]
    assert where(basic(Bids=bids)) == ["Bids!F1"]
    bids = [BIDS[0] + ["notes", "notes"], ["Alpha", "", 100, 4, 3, "a", "b"]]
    assert read_workbook(basic(Bids=bids)).ok


def test_text_that_pandas_would_call_missing_is_kept():
    components = [["component"], ["NA"], ["EU"]]
    bids = [list(BIDS[0]), ["NA", "NA", 100, 3, 3], ["None", "EU", 100, 3, 3], ["Bravo", "EU", 90, 4, 4]]
    bs = read_workbook(basic(Bids=bids, Components=components)).bidset
    assert bs is not None
    assert [(b.vendor, b.lot) for b in bs.bids] == [("NA", "NA"), ("None", "EU"), ("Bravo", "EU")]
    bids = [list(BIDS[0]), ["Alpha", "", 100, "nan", 3]]
    assert "'nan' is not a number" in problems(basic(Bids=bids))[0]


@pytest.mark.parametrize("text", ["１２０", "١٢٠", "٣"])
def test_non_ascii_digits_are_refused(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_bad_scale_is_reported_once_not_per_bid():
    criteria = [list(r) for r in CRITERIA]
    criteria[1][3], criteria[1][4] = 5, 0
    assert where(basic(Criteria=criteria)) == ["Criteria!E2"]


def test_one_vendor_keeps_one_spelling_across_rows():
    components = [["component"], ["A"], ["B"]]
    bids = [list(BIDS[0]), ["Acme", "A", 100, 3, 3], ["ACME ", "B", 100, 3, 3]]
    bs = read_workbook(basic(Bids=bids, Components=components)).bidset
    assert [b.vendor for b in bs.bids] == ["Acme", "Acme"]


def test_share_cap_of_zero_is_refused():
    settings = [["key", "value"], ["max_vendor_share_pct", 0], ["max_components_per_vendor", 0]]
    assert where(basic(Settings=settings)) == ["Settings!B2", "Settings!B3"]


def test_invisible_characters_are_removed_and_noted():
    bids = [list(BIDS[0]), ["Al\u200bpha\u202e", "", 100, 4, 3], ["Bravo", "", 90, 3, 4]]
    result = read_workbook(basic(Bids=bids))
    assert result.bidset.bids[0].vendor == "Alpha"
    assert any("invisible characters" in str(n) and str(n.location) == "Bids!A2" for n in result.notes)


def test_look_alike_vendor_names_are_flagged():
    bids = [list(BIDS[0]), ["Acme", "", 100, 4, 3], ["\u0410cme", "", 90, 3, 4]]  # Cyrillic A
    result = read_workbook(basic(Bids=bids))
    assert result.ok and len(result.bidset.vendor_names) == 2
    assert any("looks like 'Acme'" in str(n) and str(n.location) == "Bids!A3" for n in result.notes)


def test_text_longer_than_excel_allows_is_refused():
    from tests.helpers import rewrite_part

    # openpyxl truncates on save, so the over-long cell is written into the XML directly
    data = rewrite_part(basic(), "xl/worksheets/sheet2.xml",
                        lambda x: x.replace(b"<t>Alpha</t>", b"<t>" + b"A" * 40_000 + b"</t>"))
    assert where(data) == ["Bids!A2"]


def test_hidden_rows_are_noted():
    from tests.helpers import rewrite_part

    data = rewrite_part(basic(), "xl/worksheets/sheet2.xml",
                        lambda x: x.replace(b'<row r="3"', b'<row r="3" hidden="1"'))
    result = read_workbook(data)
    assert result.ok and any(str(n.location) == "Bids!3:3" and "hidden" in str(n) for n in result.notes)


@pytest.mark.parametrize("huge", [1e308, 1e200, "1" + "0" * 16, -2e15])
def test_huge_numbers_are_located_errors(huge):
    bids = [list(BIDS[0]), ["Alpha", "", huge, 4, 3], *BIDS[2:]]
    result = read_workbook(basic(Bids=bids))
    assert result.bidset is None
    assert [str(p.location) for p in result.problems] == ["Bids!C2"]
    assert "too large" in str(result.problems[0])


def test_the_largest_allowed_figures_rank_without_overflow():
    from scoring.mcda import rank

    bids = [list(BIDS[0]), ["Alpha", "", 1e15, 4, 3], ["Bravo", "", 1e14, 3, 4],
            ["Charlie", "", 9.99e14, 5, 5]]
    bidset = read_workbook(basic(Bids=bids)).bidset
    for method in ("wsm", "wpm", "topsis", "vikor"):
        ranked = rank(bidset, Scoring.of(bidset, method=method))
        assert all(math.isfinite(b.score) for b in ranked.bids), method
        alpha = next(b for b in ranked.bids if b.vendor == "Alpha")
        charlie = next(b for b in ranked.bids if b.vendor == "Charlie")
        assert charlie.rank < alpha.rank, method  # dearer and weaker never wins


@pytest.mark.parametrize("tiny", [1e-200, 5e-324, -1e-12])
def test_tiny_figures_are_located_errors(tiny):
    bids = [list(BIDS[0]), ["Alpha", "", tiny, 4, 3], *BIDS[2:]]
    result = read_workbook(basic(Bids=bids))
    assert [str(p.location) for p in result.problems] == ["Bids!C2"]
    assert "too small" in str(result.problems[0]) and "type it again" in str(result.problems[0])


def test_scores_sheet_values_follow_the_same_rules_as_bids():
    criteria = [list(r) for r in CRITERIA] + [["Delivery days", 10, "min", None, None, None]]
    bids = [list(BIDS[0]) + ["Delivery days"], ["Alpha", "", 100, 4, 3, 30], ["Bravo", "", 90, 3, 4, 20]]
    scores = [["evaluator", "vendor", "criterion", "score"], ["Ann", "Alpha", "Delivery days", 0],
              ["Ann", "Bravo", "Management", -5]]
    result = read_workbook(basic(Criteria=criteria, Bids=bids, Scores=scores))
    assert result.bidset is None
    problems = {str(p.location): str(p) for p in result.problems}
    assert "not above 0" in problems["Scores!D2"] and "a score from 0 to 5" in problems["Scores!D3"]


@pytest.mark.parametrize("name", ["Price_", "price-", " PRICE "])
def test_a_price_criterion_spelled_like_its_header_is_the_price_criterion(name):
    from scoring.mcda import rank

    criteria = [list(r) for r in CRITERIA]
    criteria[3][0] = name
    bs = read_workbook(basic(Criteria=criteria)).bidset
    assert bs is not None and [c.name for c in bs.criteria if c.is_price] == [name.strip()]
    linear = rank(bs, Scoring.of(bs, method="wsm", price_formula="linear", price_floor=50_000,
                                 price_ceiling=150_000))
    assert "price formula: Linear" in linear.describe()
    relative = rank(bs, Scoring.of(bs, method="wsm"))
    assert linear.bids[0].normalised[name.strip()] != relative.bids[0].normalised[name.strip()]


def test_two_sheets_that_both_read_as_bids_are_an_error():
    data = workbook_bytes({"Criteria": CRITERIA, "Bids": BIDS, "bids_": BIDS[:2]})
    result = read_workbook(data)
    assert result.bidset is None
    assert [str(p) for p in result.problems] == [
        "Workbook: sheets 'Bids' and 'bids_' both read as the Bids sheet. Rename or delete one of "
        "them, so that it is clear which one counts"]


@pytest.mark.parametrize("hidden", ["\u034f", "\u2800", "\u3164", "\ufe0f", "\u180e", "\U000e0041",
                                    "\u200b"])
def test_invisible_characters_cannot_make_a_second_vendor(hidden):
    bids = [list(BIDS[0]), ["Acme", "", 100, 4, 3], [f"Ac{hidden}me", "", 90, 3, 4]]
    result = read_workbook(basic(Bids=bids))
    assert result.bidset is None
    assert any(str(p.location) == "Bids!A3" and "already has a bid" in str(p) for p in result.problems)


def test_line_breaks_in_names_become_spaces_and_problems_stay_on_one_line(capsys, tmp_path):
    from scoring.cli import main

    bids = [list(BIDS[0]), ["Acme\nCorp", "", 1, 4, 3], *BIDS[2:]]
    assert read_workbook(basic(Bids=bids)).bidset.bids[0].vendor == "Acme Corp"
    bids[1][2] = 0
    path = tmp_path / "bids.xlsx"
    path.write_bytes(basic(Bids=bids))
    assert main(["rank", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "price of Acme Corp is 0" in err[0]


SIZE_CRITERIA = [["criterion", "weight", "direction", "scale_min", "scale_max"],
                 ["Quality", 60, "max", 0, 5], ["Price", 40, "min", None, None]]


def test_a_workbook_over_the_bids_one_evaluation_holds_gets_one_located_message():
    from scoring.workbook import MAX_BIDS

    bids = [["vendor", "lot", "price", "Quality"]] + [
        [f"Vendor {i}", f"Lot {i % 4}", 100_000 + i, 3] for i in range(MAX_BIDS + 40)]
    found = read_workbook(workbook_bytes({"Criteria": SIZE_CRITERIA, "Bids": bids})).problems
    assert [str(p.location) for p in found] == [f"Bids!A{MAX_BIDS + 2}"]
    assert f"at most {MAX_BIDS:,} bids" in str(found[0]) and found[0].fix
    at_limit = read_workbook(workbook_bytes({"Criteria": SIZE_CRITERIA, "Bids": bids[:MAX_BIDS + 1]}))
    assert at_limit.ok and len(at_limit.bidset.bids) == MAX_BIDS


def test_a_lot_over_the_bids_one_lot_holds_gets_one_located_message():
    from scoring.workbook import MAX_BIDS_PER_LOT

    bids = [["vendor", "lot", "price", "Quality"]] + [
        [f"Vendor {i}", "Small" if i < 5 else "Big", 100_000 + i, 3]
        for i in range(MAX_BIDS_PER_LOT + 15)]
    found = read_workbook(workbook_bytes({"Criteria": SIZE_CRITERIA, "Bids": bids})).problems
    assert len(found) == 1 and "in lot Big: one lot holds at most" in str(found[0])
    assert str(found[0].location) == f"Bids!A{MAX_BIDS_PER_LOT + 5 + 2}"  # its 1,001st bid


def test_a_workbook_over_the_components_one_evaluation_holds_gets_one_located_message():
    from scoring.workbook import MAX_COMPONENTS

    comps = [["component", "criticality", "switching_cost"]] + [
        [f"Part {i}", 3, 50_000] for i in range(MAX_COMPONENTS + 30)]
    bids = [["vendor", "lot", "price", "Quality"], ["Acme", "Part 0", 100_000, 3]]
    found = read_workbook(workbook_bytes({"Criteria": SIZE_CRITERIA, "Bids": bids,
                                          "Components": comps})).problems
    assert [str(p.location) for p in found] == [f"Components!A{MAX_COMPONENTS + 2}"]
    assert f"at most {MAX_COMPONENTS:,} components" in str(found[0])


def _long_name_as(kind: str) -> bytes:
    """Bravo's vendor cell (Bids!A3) holding 40,000 characters as shared, inline or formula text."""
    import re as _re

    name = "N" * 40_000  # openpyxl itself writes no more than 32,767: the XML is written here
    cell = {"inline": f'<c r="A3" t="inlineStr"><is><t>{name}</t></is></c>',
            "formula": f'<c r="A3" t="str"><f>REPT("N",40000)</f><v>{name}</v></c>',
            "shared": '<c r="A3" t="s"><v>0</v></c>'}[kind]
    data = rewrite_part(basic(), "xl/worksheets/sheet2.xml",
                        lambda xml: _re.sub(rb'<c r="A3"[^>]*>.*?</c>', cell.encode(), xml, count=1))
    if kind != "shared":
        return data
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    data = rewrite_part(data, "[Content_Types].xml", lambda xml: xml.replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    data = rewrite_part(data, "xl/_rels/workbook.xml.rels", lambda xml: xml.replace(
        b"</Relationships>", b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        b"</Relationships>"))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}" count="1" uniqueCount="1">'
                     f"<si><t>{name}</t></si></sst>")
    return out.getvalue()


@pytest.mark.parametrize("kind", ["shared", "inline", "formula"])
def test_a_cell_longer_than_excel_allows_is_refused_not_truncated(kind):
    found = read_workbook(_long_name_as(kind)).problems
    assert [str(p.location) for p in found] == ["Bids!A3"], found
    assert "holds 40,000 characters, more than Excel's limit of 32,767" in str(found[0])


def test_a_bid_refused_for_its_price_gets_one_message_not_one_per_panel_score():
    bids = [list(BIDS[0]), ["Alpha", "", "1.234,50", 4, 3], ["Bravo", "", 80_000, 3, 4]]
    scores = [["evaluator", "vendor", "criterion", "score"]] + [
        [f"E{i}", "Alpha", "Technical", 3] for i in range(9)]
    found = problems(basic(Bids=bids, Scores=scores))
    assert len(found) == 1 and found[0].startswith("Bids!C2") and "has no bid" not in found[0]


def test_misspelt_headers_criteria_and_lots_get_did_you_mean():
    bids = [["vendor", "lot", "prce", "Technical", "Management"], ["Alpha", "", 100, 4, 3]]
    assert "did you mean 'prce' for 'price'?" in problems(basic(Bids=bids))[0]
    bids = [["vendor", "lot", "price", "Techncal", "Management"], ["Alpha", "", 100, 4, 3]]
    (message,) = problems(basic(Bids=bids))
    assert message.startswith("Bids!D1") and "did you mean 'Techncal'?" in message
    scores = [["evaluator", "vendor", "criterion", "score"], ["Ann", "Alpha", "Managment", 3]]
    assert "did you mean 'Management'?" in problems(basic(Scores=scores))[0]
    comps = [["component"], ["Hosting"], ["Security"]]
    bids = [list(BIDS[0]), ["Alpha", "Hostng", 100, 4, 3], ["Bravo", "Security", 90, 3, 4]]
    assert "did you mean 'Hosting'?" in problems(basic(Bids=bids, Components=comps))[0]
    far = [["vendor", "lot", "price", "Quality", "Management"], ["Alpha", "", 100, 4, 3]]
    assert "did you mean" not in problems(basic(Bids=far))[0]


def test_a_bad_score_names_the_scale_and_a_shorthand_figure_its_full_value():
    bids = [list(BIDS[0]), ["Alpha", "", "1.2M", 9, 3], ["Bravo", "", 80_000, 3, 4]]
    found = problems(basic(Bids=bids))
    assert "write the figure in full (1,200,000 for 1.2M)" in found[0]
    assert "must be a score from 0 to 5" in found[1]


def test_vendors_that_differ_only_in_spaces_or_punctuation_are_flagged():
    bids = [list(BIDS[0]), ["Blue Ridge IT", "", 100, 4, 3], ["BlueRidge IT", "", 90, 3, 4],
            ["Blue-Ridge I.T.", "", 95, 3, 4], ["Cedar", "", 99, 3, 4]]
    notes = [str(n) for n in read_workbook(basic(Bids=bids)).notes]
    flagged = [n for n in notes if "only in spaces or punctuation" in n]
    assert [n[:7] for n in flagged] == ["Bids!A3", "Bids!A4"]
    assert "'Blue Ridge IT' (row 2)" in flagged[0]


def test_problems_are_listed_by_sheet_row_and_column():
    crit = [list(r) for r in CRITERIA]
    crit[2][1] = "heavy"  # Criteria!B3
    bids = [list(BIDS[0]), ["Alpha", "", "x", 9, 3], ["Bravo", "", -5, 3, 4]]
    found = where(basic(Criteria=crit, Bids=bids))
    assert found == ["Criteria!B3", "Bids!C2", "Bids!D2", "Bids!C3"]  # the sheets' order, then rows


FINDINGS_HEAD = ["evaluator", "vendor", "lot", "criterion", "kind", "text", "reference"]


def test_findings_sheet_is_read_with_the_bid_it_names():
    findings = [FINDINGS_HEAD,
                ["R. Diaz", "alpha", "", "technical", "Significant strength", "Tested failover",
                 "Vol. I, p. 4"],
                ["", "Bravo", "", "Price", "risk", "Price below the independent estimate", ""]]
    bs = read_workbook(basic(Findings=findings)).bidset
    assert bs is not None
    first, second = bs.findings
    # the bid's and the criterion's own spelling, the kind's canonical name
    assert (first.vendor, first.criterion, first.kind, first.reference, first.evaluator,
            first.row) == ("Alpha", "Technical", "significant strength", "Vol. I, p. 4", "R. Diaz", 2)
    assert (second.evaluator, second.kind, second.criterion) == ("", "risk", "Price")


def test_findings_problems_are_located_one_per_mistake():
    findings = [FINDINGS_HEAD,
                ["R. Diaz", "Alpha", "", "Technical", "strenght", "Good", ""],  # E2 misspelt
                ["R. Diaz", "Alpha", "", "Techincal", "strength", "Good", ""],  # D3 misspelt
                ["R. Diaz", "Zulu", "", "Technical", "strength", "Good", ""],  # B4 no such bid
                ["R. Diaz", "Alpha", "", "Technical", "weakness", "", ""]]  # F5 blank text
    result = read_workbook(basic(Findings=findings))
    assert result.bidset is None
    assert where(basic(Findings=findings)) == ["Findings!E2", "Findings!D3", "Findings!B4",
                                               "Findings!F5"]
    text = [p.message for p in result.problems]
    assert "did you mean 'strength'?" in text[0] and "did you mean 'Technical'?" in text[1]
    assert "Zulu has no bid" in text[2] and "text is blank" in text[3]


def test_a_refused_bid_gets_no_second_message_from_its_findings():
    bids = [list(BIDS[0]), ["Alpha", "", "lots", 4, 3], *[list(r) for r in BIDS[2:]]]
    findings = [FINDINGS_HEAD, ["R. Diaz", "Alpha", "", "Technical", "strength", "Good", ""]]
    assert where(basic(Bids=bids, Findings=findings)) == ["Bids!C2"]


def test_the_agency_names_the_kinds_of_finding_in_its_finding_kinds_sheet():
    kinds = [["kind", "label"], ["significant strength", "Major strength"],
             ["Deficiency", "Major non-compliance"]]
    findings = [FINDINGS_HEAD,
                ["R. Diaz", "Alpha", "", "Technical", "major strength", "Tested failover", ""],
                ["R. Diaz", "Bravo", "", "Technical", "deficiency", "No exit plan", ""]]
    bs = read_workbook(basic(Findings=findings, **{"Finding kinds": kinds})).bidset
    assert bs is not None
    # a kind by its label or by its own name; kept by its own name, shown by its label
    assert [f.kind for f in bs.findings] == ["significant strength", "deficiency"]
    assert bs.kind_label("deficiency") == "Major non-compliance"
    assert bs.kind_label("risk") == "risk"  # not named: its own name
    # a misspelt label is named with the labels in use
    wrong = [FINDINGS_HEAD, ["R. Diaz", "Alpha", "", "Technical", "major strenght", "x", ""]]
    result = read_workbook(basic(Findings=wrong, **{"Finding kinds": kinds}))
    (problem,) = result.problems
    assert "did you mean 'Major strength'?" in problem.message
    assert "Major non-compliance" in problem.fix


@pytest.mark.parametrize(("rows", "where_", "says"), [
    ([["kind", "label"], ["strenght", "Plus"]], "Finding kinds!A2", "did you mean 'strength'?"),
    ([["kind", "label"], ["strength", ""]], "Finding kinds!B2", "label of 'strength' is blank"),
    ([["kind", "label"], ["strength", "weakness"]], "Finding kinds!B2", "would also name 'weakness'"),
    ([["kind", "label"], ["strength", "Plus"], ["risk", "plus"]], "Finding kinds!B3",
     "would also name 'strength'"),
    ([["kind", "label"], ["strength", "Plus"], ["Strength", "Good"]], "Finding kinds!A3",
     "listed twice"),
])
def test_finding_kinds_that_cannot_stand_are_located(rows, where_, says):
    data = basic(**{"Finding kinds": rows})
    result = read_workbook(data)
    assert where(data) == [where_] and says in result.problems[0].message


def test_a_sheet_of_notes_named_findings_is_noted_not_refused():
    result = read_workbook(basic(Findings=[["Notes"], ["Alpha was late with its answers"]]))
    assert result.ok and result.bidset.findings == ()
    assert any("not read as findings" in n.message for n in result.notes)


RATED = [["criterion", "weight", "direction", "scale_min", "scale_max", "min_acceptable", "rating_scale"],
         ["Technical", 50, "max", None, None, 2, "Adjectival"],
         ["Management", 20, "max", 0, 5, None, None], ["Price", 30, "min", None, None, None, None]]
RATINGS = [["scale", "label", "value"], ["Adjectival", "Outstanding", 5], ["Adjectival", "Good", 4],
           ["Adjectival", "Acceptable", 3], ["Adjectival", "Marginal", 2],
           ["Adjectival", "Unacceptable", 0]]


def test_a_criterion_rated_in_words_reads_labels_as_their_published_values():
    bids = [list(BIDS[0]), ["Alpha", "", 100_000, "Good", 3], ["Bravo", "", 80_000, " outstanding ", 4],
            ["Charlie", "", 120_000, 3, 5]]
    scores = [["evaluator", "vendor", "criterion", "score", "rationale"],
              ["E1", "Charlie", "Technical", "Acceptable", "ok"]]
    bs = read_workbook(basic(Criteria=RATED, Ratings=RATINGS, Bids=bids, Scores=scores)).bidset
    assert bs is not None
    tech = bs.criteria[0]
    assert (tech.scale_min, tech.scale_max, tech.rating_scale) == (0, 5, "Adjectival")
    assert [b.scores["Technical"] for b in bs.bids] == [4, 5, 3]
    assert bs.panel_scores[0].score == 3
    assert tech.show(4) == "Good (4)" and tech.show(4.5) == "4.5" and bs.criteria[1].show(3) == "3"


def test_rating_mistakes_are_located_once_each():
    bids = [list(BIDS[0]), ["Alpha", "", 100_000, "Goood", 3], *[list(r) for r in BIDS[2:]]]
    problems = read_workbook(basic(Criteria=RATED, Ratings=RATINGS, Bids=bids)).problems
    assert [str(p.location) for p in problems] == ["Bids!D2"]
    assert "did you mean 'Good'?" in problems[0].message and "Outstanding (5)" in problems[0].fix
    # a scale the Ratings sheet lacks: one message at the criterion, none for its labels
    criteria = [list(r) for r in RATED]
    criteria[1][6] = "Adjectve"
    bids[1][3] = "Good"
    problems = read_workbook(basic(Criteria=criteria, Ratings=RATINGS, Bids=bids)).problems
    assert [str(p.location) for p in problems] == ["Criteria!G2"]
    assert "did you mean 'Adjectival'?" in problems[0].message


# -- factors (the Groups sheet) and published weight ranges --------------------------------------

def test_groups_sheet_weights_criteria_by_factor_times_weight_within():
    result = read_workbook(grouped())
    assert result.ok, result.problems
    b = result.bidset
    assert [(f.name, f.weight) for f in b.factors] == [("Quality", 70), ("Cost", 30)]
    assert {c.name: c.weight for c in b.criteria} == pytest.approx(
        {"Technical": 50, "Management": 20, "Price": 30})
    assert {c.name: c.local_weight for c in b.criteria} == {"Technical": 5, "Management": 2, "Price": 1}
    assert b.groups == {"Technical": "Quality", "Management": "Quality", "Price": "Cost"}
    flat = read_workbook(basic()).bidset
    assert flat.factors == () and set(flat.groups.values()) == {""}


@pytest.mark.parametrize(("criteria", "groups", "where", "says"), [
    ([*GROUPED_CRITERIA[:3], ["Price", 1, "min", "", None, None, None]], GROUPS,
     "Criteria!D4", "'Price' is in no group"),
    ([*GROUPED_CRITERIA[:3], ["Price", 1, "min", "Csot", None, None, None]], GROUPS,
     "Criteria!D4", "did you mean 'Cost'"),
    (GROUPED_CRITERIA, [*GROUPS, ["Risk", 10, ""]], "Groups!A4", "group 'Risk' has no criterion"),
    (GROUPED_CRITERIA, [GROUPS[0], ["Quality", "lots", ""], GROUPS[2]], "Groups!B2", "weight of group"),
    (GROUPED_CRITERIA, [GROUPS[0], ["Quality", 0, ""], ["Cost", 0, ""]], "Groups!B",
     "every group's weight is 0"),
    ([GROUPED_CRITERIA[0], [*GROUPED_CRITERIA[1][:1], 0, *GROUPED_CRITERIA[1][2:]],
      [*GROUPED_CRITERIA[2][:1], 0, *GROUPED_CRITERIA[2][2:]], GROUPED_CRITERIA[3]], GROUPS,
     "Groups!B2", "group 'Quality' weighs 70 but every criterion in it has weight 0"),
])
def test_groups_sheet_problems_are_located(criteria, groups, where, says):  # type: ignore[no-untyped-def]
    found = problems(grouped(Criteria=criteria, Groups=groups))
    assert len(found) == 1, found
    assert found[0].startswith(where) and says in found[0]


RANGED = [["criterion", "weight", "direction", "scale_min", "scale_max", "weight_min", "weight_max"],
          ["Technical", 50, "max", 0, 5, 40, 60], ["Management", 20, "max", 0, 5, 10, 30],
          ["Price", 30, "min", None, None, 30, 40]]


def test_published_weight_ranges_are_read_in_percent():
    b = read_workbook(basic(Criteria=RANGED)).bidset
    assert [c.weight_range for c in b.criteria] == [(40, 60), (10, 30), (30, 40)]


@pytest.mark.parametrize(("row", "where", "says"), [
    (["Price", 30, "min", None, None, 35, 40], "Criteria!B4", "outside its published range 35-40 %"),
    (["Price", 30, "min", None, None, 30, None], "Criteria!G4", "only one end"),
    (["Price", 30, "min", None, None, 40, 30], "Criteria!G4", "weight_max must be at least"),
    (["Price", 30, "min", None, None, 30, 140], "Criteria!G4", "weight_max of 'Price'"),
])
def test_published_weight_range_problems_are_located(row, where, says):  # type: ignore[no-untyped-def]
    found = problems(basic(Criteria=[*RANGED[:3], row]))
    assert len(found) == 1, found
    assert found[0].startswith(where) and says in found[0]
