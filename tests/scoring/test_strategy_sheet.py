"""The Strategy sheet: read into the evaluation's assessment, written back by the template and
the sample; each mistake one located problem."""

import pytest

from scoring.strategy import default_assessment
from scoring.strategy_sheet import HEADERS, strategy_rows
from scoring.template import SAMPLE_STRATEGY, template_bytes
from scoring.workbook import read_path, read_workbook
from tests.conftest import ROOT
from tests.helpers import basic


def sheet(rows=None, **replace):
    rows = [list(r) for r in (rows if rows is not None else strategy_rows(default_assessment()))]
    for item, (col, value) in replace.items():
        row = next(r for r in rows if r[0] == item)
        row[HEADERS.index(col)] = value
    return basic(Strategy=[list(HEADERS), *rows])


def problems(data):
    result = read_workbook(data)
    assert not result.ok
    return [(str(p.location), p.message) for p in result.problems]


def test_the_sample_carries_its_assessment_and_a_workbook_without_the_sheet_has_none():
    bidset = read_path(str(ROOT / "data" / "sample_evaluation.xlsx")).bidset
    assert bidset.strategy == SAMPLE_STRATEGY
    assert read_workbook(basic()).bidset.strategy is None
    assert read_workbook(basic(Strategy=[list(HEADERS)])).bidset.strategy is None  # empty


def test_what_the_sheet_writes_it_reads_back():
    a = default_assessment().replace(model="Joint venture", weights=(("data_ownership", 2.5),),
                                     risk_premium=0.35, draws=5_000, seed=11)
    assert read_workbook(sheet(strategy_rows(a))).bidset.strategy == a


def test_the_template_for_a_model_suggests_its_criteria_and_sla_and_carries_the_assessment():
    a = default_assessment().replace(model="Managed services")
    result = read_workbook(template_bytes(a))
    assert result.ok
    names = [c.name for c in result.bidset.criteria]
    assert {"Service management", "Transition in and out"} <= set(names)
    assert result.bidset.strategy == a
    assert {b.sla.uptime_pct for b in result.bidset.bids} == {99.95}
    assert read_workbook(template_bytes()).bidset.strategy is None


@pytest.mark.parametrize(("replace", "cell", "message"), [
    ({"capability_gap": ("value", 7)}, "Strategy!B2", "the answer to capability_gap is 7; it must "
                                                      "be at most 5"),
    ({"delivery_model": ("value", "Managed service")}, "Strategy!B9",
     "'Managed service' is not a delivery model; did you mean 'Managed services'?"),
    ({"Demand": ("owner", "the vendor")}, "Strategy!D19", "'the vendor' is not an owner"),
    ({"Design": ("low", 900_000)}, "Strategy!G16", "Design: the costs are low 900,000, likely "
                                                   "150,000, high 400,000"),
    ({"Operations": ("chance_pct", 120)}, "Strategy!E18", "the chance of Operations is 120; it "
                                                          "must be at most 100"),
])
def test_each_mistake_is_one_located_problem(replace, cell, message):
    assert problems(sheet(**replace)) == [(cell, message)]


def test_a_misspelt_item_is_one_problem_and_a_missing_question_another():
    rows = [list(r) for r in strategy_rows(default_assessment())]
    rows[0][0] = "capability gapp"
    assert problems(sheet(rows)) == [("Strategy!A2", "'capability gapp' is not a question, "
                                      "setting or standard risk of the Strategy sheet; did you "
                                      "mean 'capability_gap'?")]
    found = problems(sheet(rows[1:]))
    assert found == [("Strategy!A27", "the Strategy sheet has no answer to capability_gap")]


def _with(rows_edit):
    rows = [list(r) for r in strategy_rows(default_assessment())]
    rows_edit(rows)
    return sheet(rows)


def test_a_blank_cost_weights_all_zero_and_part_years_are_refused_at_their_cell():
    assert problems(sheet(Design=("likely", None))) == [
        ("Strategy!G16", "the likely cost of Design is blank")]
    every = _with(lambda rows: [r.__setitem__(2, 0) for r in rows[:7]])
    assert problems(every) == [("Strategy!C2", "every question weighs 0")]
    assert problems(sheet(partnership_years=("value", 7.5))) == [
        ("Strategy!B8", "the answer to partnership_years is 7.5; it must be a whole number of "
                        "years")]
    assert problems(sheet(seed=("value", -1))) == [
        ("Strategy!B15", "seed is -1; it must be at least 0")]


def test_a_misnamed_question_with_no_close_match_is_one_problem():
    found = problems(_with(lambda rows: rows[6].__setitem__(0, "years")))
    assert len(found) == 1 and found[0][0] == "Strategy!A8"


def test_a_note_alone_is_ignored_and_a_foreign_strategy_sheet_is_noted_not_refused():
    data = _with(lambda rows: rows.append([None] * 8 + ["a note under the table"]))
    assert read_workbook(data).bidset.strategy == default_assessment()
    other = read_workbook(basic(Strategy=[["Our IT strategy 2026-2030"], ["Cloud first"]]))
    assert other.ok and other.bidset.strategy is None
    assert any("not read as the delivery-strategy sheet" in n.message for n in other.notes)


def test_risk_names_are_one_spelling_and_percentages_typed_read_back_exactly():
    from scoring.strategy import RiskLine

    a = default_assessment().replace(
        risks=(RiskLine("cyber   SECURITY", "private", 33.3 / 100, 1, 2, 3),
               RiskLine(" Tax  law ", "public", 7 / 100)), risk_premium=12.5 / 100)
    assert [r.name for r in a.risks] == ["Cyber security", "Tax law"]
    assert a.allocation("Alliance")[0].flag.startswith("usually shared under Alliance")
    assert read_workbook(sheet(strategy_rows(a))).bidset.strategy == a
