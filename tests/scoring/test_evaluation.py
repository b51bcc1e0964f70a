"""The evaluation value: immutable, serialised to JSON and back exactly, read back from old saves."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.evaluation import (
    DrawModel,
    Evaluation,
    EvaluationError,
    FrontierOptions,
    PanelRecord,
    RobustnessOptions,
    Scoring,
    SimulationOptions,
    WeightInput,
    WeightMode,
    check,
    is_legacy,
)
from scoring.model import FINDING_KINDS, Finding, PanelScore
from scoring.panel import Consensus, Moderation, Narrative
from scoring.settings import SPECS, WHAT_IFS
from scoring.weights import Judgement
from scoring.workbook import read_workbook
from tests.helpers import grouped

finite = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)
names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)


def what_if_value(key: str):  # type: ignore[no-untyped-def]
    spec = SPECS[key]
    if spec.kind == "whole number":
        return st.integers(int(spec.minimum), int(spec.maximum))
    return st.floats(spec.minimum, spec.maximum, allow_nan=False)


evaluations = st.builds(
    Evaluation,
    workbook_sha256=st.text("0123456789abcdef", min_size=64, max_size=64),
    scoring=st.builds(
        Scoring,
        method=st.sampled_from(["wsm", "wpm", "topsis", "vikor"]),
        price_formula=st.just("lowest_ratio"),
        price_floor=st.none() | finite, price_ceiling=st.none() | finite,
        weights=st.lists(st.tuples(names, finite), min_size=1, max_size=5, unique_by=lambda t: t[0])
        .map(tuple).filter(lambda w: sum(v for _, v in w) > 0),
        sla_gate=st.booleans()),
    weight_input=st.just(WeightInput()) | st.builds(
        WeightInput, mode=st.just(WeightMode.RANK_ORDER),
        ranks=st.dictionaries(names, st.integers(1, 9), max_size=4).map(lambda d: tuple(d.items())),
        factor_ranks=st.dictionaries(names, st.integers(1, 9), max_size=2).map(lambda d: tuple(d.items())),
    ) | st.builds(
        WeightInput, mode=st.just(WeightMode.SWING),
        swing=st.dictionaries(names, st.floats(0, 100), max_size=4).map(lambda d: tuple(d.items())),
    ) | st.builds(
        WeightInput, mode=st.just(WeightMode.AHP),
        judgements=st.lists(st.builds(Judgement, kind=st.sampled_from(["factors", "criteria"]),
                                      member=names, a=names, b=names,
                                      value=st.sampled_from([1 / 9, 1 / 3, 1.0, 2.0, 9.0])),
                            min_size=1, max_size=4).map(tuple)),
    what_ifs=st.fixed_dictionaries({}, optional={k: what_if_value(k) for k in WHAT_IFS})
    .map(lambda d: tuple(sorted(d.items()))),
    edited_award=st.none() | st.dictionaries(names, names, max_size=3).map(lambda d: tuple(d.items())),
    consensus=st.sampled_from(list(Consensus)),
    frontier=st.builds(FrontierOptions, points=st.integers(2, 100),
                       budget=st.none() | st.floats(0, 1e12), min_vendors=st.none() | st.integers(1, 50),
                       min_component_quality=st.none() | st.floats(0, 1),
                       quality_price=st.none() | st.floats(0, 1e9)),
    panel=st.builds(PanelRecord, scores=st.lists(st.builds(
        PanelScore, evaluator=names, vendor=names, lot=names, criterion=names, score=finite,
        rationale=names, row=st.just(0), at=st.just("2026-12-01T10:00:00.000000Z")),
        max_size=4).map(tuple),
        moderations=st.lists(st.builds(Moderation, vendor=names, lot=names, criterion=names,
                                       value=finite, rationale=names, by=names, at=st.just("")),
                             max_size=2).map(tuple),
        through=st.tuples(*[st.integers(0, 10**6)] * 4),
        findings=st.lists(st.builds(
            Finding, vendor=names, lot=names, criterion=names, kind=st.sampled_from(FINDING_KINDS),
            text=names, reference=names, evaluator=names, row=st.just(0),
            entry=st.integers(1, 10**6), at=st.just("2026-12-01T10:00:00.000000Z")),
            max_size=3).map(tuple),
        narratives=st.lists(st.builds(Narrative, vendor=names, lot=names, criterion=names,
                                      text=names, by=names, at=st.just("")),
                            max_size=2).map(tuple)),
    robustness=st.builds(RobustnessOptions, draws=st.integers(1, 10**6), seed=st.integers(0, 2**31 - 1),
                         weights=st.sampled_from(list(DrawModel)),
                         concentration=st.floats(0.5, 1e4)),
    simulation=st.builds(SimulationOptions, draws=st.integers(1, 10**6), seed=st.integers(0, 2**31 - 1)),
)


@settings(max_examples=150, deadline=None)
@given(evaluations)
def test_json_round_trip_is_exact(ev):
    assert Evaluation.from_json(ev.to_json()) == ev
    assert Evaluation.from_json(ev.to_json()).to_json() == ev.to_json()
    assert ev.changes_from(Evaluation.from_json(ev.to_json())) == []


def test_defaults_come_from_the_workbook_and_every_part_is_in_the_json(sample_bytes):
    bs = read_workbook(sample_bytes).bidset
    ev = Evaluation.of(bs)
    assert ev.scoring.method == bs.settings.method and ev.workbook_sha256 == bs.sha256
    assert ev.scoring.points == {c.name: c.weight for c in bs.criteria}
    doc = json.loads(ev.to_json())
    assert {"format", "format_version", "workbook_sha256", "method", "price_formula", "price_floor",
            "price_ceiling", "weights", "weighting", "sla_gate", "what_ifs", "edited_award",
            "robustness", "simulation", "consensus", "panel"} <= set(doc)
    ranked = ev.replace(weight_input=WeightInput(WeightMode.RANK_ORDER, (("Price", 1),)))
    assert json.loads(ranked.to_json())["importance_ranks"] == {"Price": 1}


def test_what_ifs_equal_to_the_workbook_are_dropped(sample_bytes):
    bs = read_workbook(sample_bytes).bidset
    ev = Evaluation.of(bs).with_what_ifs(bs, {"contract_years": 10, "max_components_per_vendor": 2})
    assert ev.what_ifs == (("contract_years", 10.0),)  # the sample's cap is already 2
    in_use = ev.settings(bs.settings)
    assert in_use.contract_years == 10 and in_use.max_components_per_vendor == 2
    assert ev.changes_from(Evaluation.of(bs)) == ["what-if: contract term"]


@pytest.mark.parametrize(("change", "message"), [
    ({"method": "ahp"}, "method: 'ahp' is not one of"),
    ({"weights": {"Price": "high"}}, "weights.Price: expected a finite number"),
    ({"price_formula": "linear", "price_floor": 5, "price_ceiling": 3}, "price_ceiling: the price ceiling"),
    ({"what_ifs": {"contract_years": 400}}, "what_ifs.contract_years: Contract term must be a number"),
    ({"what_ifs": {"contract_years": "ten"}}, "what_ifs.contract_years: Contract term must be"),
    ({"importance_ranks": {"Price": "first"}}, "importance_ranks.Price: expected a whole number"),
    ({"robustness": {"concentration": 0.001}}, "robustness.concentration: the concentration must be"),
    ({"what_ifs": {"okr_threshold": 1}}, "okr_threshold: 'okr_threshold' is not a scenario what-if"),
    ({"robustness": {"draws": 0}}, "robustness.draws: expected a whole number of 1 or more"),
    ({"format_version": 9}, "format_version 9 is not one this version reads"),
    ({"panel": {"scores": [{"vendor": "A"}]}}, "panel: an entry is incomplete"),
])
def test_a_bad_file_names_the_key_and_what_is_wrong(sample_bytes, change, message):
    doc = json.loads(Evaluation.of(read_workbook(sample_bytes).bidset).to_json())
    doc.update(change)
    with pytest.raises(EvaluationError, match=message.replace("(", r"\(").replace(".", r"\.")):
        Evaluation.from_dict(doc)


def test_settings_of_versions_saved_before_the_format_are_read(sample_bytes):
    bs = read_workbook(sample_bytes).bidset
    old = {"method": "wsm", "price_formula": "lowest_ratio", "price_floor": None, "price_ceiling": None,
           "weights": {"Technical approach": 0.5, "Management approach": 0.1, "Past performance": 0.1,
                       "Exit and portability": 0.1, "Price": 0.2},
           "sla_gate": True, "scenario": {"contract_years": 8}}
    assert is_legacy(old)
    ev = Evaluation.from_dict(old, workbook_sha256=bs.sha256)
    assert ev.scoring.method == "wsm" and ev.scoring.sla_gate and ev.what_ifs == (("contract_years", 8.0),)
    assert ev.scoring.normalised_weights()["Technical approach"] == pytest.approx(0.5)
    assert ev.scoring.points["Technical approach"] == pytest.approx(50)  # fractions read as points
    assert check(ev, bs).workbook_sha256 == bs.sha256


def test_checked_against_its_workbook(sample_bytes):
    bs = read_workbook(sample_bytes).bidset
    ev = Evaluation.of(bs)
    with pytest.raises(EvaluationError, match="not this one"):
        check(ev.replace(workbook_sha256="0" * 64), bs)
    with pytest.raises(EvaluationError, match="no such criterion"):
        check(ev.with_scoring(weights=(("Nope", 1.0),)), bs)
    with pytest.raises(EvaluationError, match="not a component"):
        check(ev.replace(edited_award=(("Nowhere", "Summit Integrators"),)), bs)
    partial = check(ev.with_scoring(weights=(("Price", 90.0),)), bs)  # the rest keep the workbook's
    assert partial.scoring.points["Price"] == 90 and len(partial.scoring.weights) == len(bs.criteria)


def test_each_part_of_the_figures_keys_on_what_it_depends_on(sample_bytes):
    bs = read_workbook(sample_bytes).bidset
    ev = Evaluation.of(bs)
    what_if = ev.with_what_ifs(bs, {"contract_years": 12})
    assert what_if.key("ranking") == ev.key("ranking") and what_if.key("robustness") == ev.key("robustness")
    assert what_if.key("scenarios") != ev.key("scenarios")
    method = ev.with_scoring(method="wsm")
    assert all(method.key(p) != ev.key(p) for p in ("ranking", "scenarios", "robustness"))
    panel = ev.replace(panel=PanelRecord((PanelScore("A", "B", "C", "D", 1.0),), (), (1, 0)))
    assert panel.key("panel") != ev.key("panel") and panel.key("ranking") != ev.key("ranking")
    # a finding or a narrative changes what the record shows, not a figure
    from scoring.model import Finding
    from scoring.panel import Narrative

    written = ev.replace(panel=PanelRecord(
        findings=(Finding("A", "", "C", "risk", "text", entry=1),),
        narratives=(Narrative("A", "", "C", "agreed"),)))
    assert written.key("panel") != ev.key("panel") and written.key("record") != ev.key("record")
    assert all(written.key(p) == ev.key(p) for p in ("ranking", "optimized", "scenarios",
                                                      "robustness"))


def test_frontier_options_are_checked_when_read():
    from scoring.evaluation import EvaluationError

    doc = json.loads(Evaluation("0" * 64, Scoring()).to_json())
    assert "frontier" not in doc  # the defaults: a version saved before the frontier reads the same
    for bad in ({"points": 1}, {"budget": -5}, {"min_vendors": 1.5}, {"quality_price": "x"}):
        with pytest.raises(EvaluationError, match="frontier"):
            Evaluation.from_dict({**doc, "frontier": bad})
    ok = Evaluation.from_dict({**doc, "frontier": {"points": 5, "min_vendors": 2}})
    assert ok.frontier == FrontierOptions(points=5, min_vendors=2)


# -- weighting methods: the JSON carries their inputs, and the weights are derived from them ------

def test_ahp_judgements_in_the_json_give_the_weights(sample_bytes):
    """A settings file may give AHP judgements and leave the weights out: they are derived
    (principal eigenvector), the JSON then carries both, and they must agree."""
    bidset = read_workbook(sample_bytes).bidset
    names = [c.name for c in bidset.criteria]
    doc = Evaluation.of(bidset).to_dict()
    del doc["weights"]
    doc["weighting"] = "ahp"
    doc["ahp"] = [{"member": m, "a": names[0], "b": b, "value": v}
                  for m, v in (("Ann", 3), ("Bo", 5)) for b in names[1:]] + [
                 {"member": m, "a": a, "b": b, "value": 1}
                 for m in ("Ann", "Bo") for i, a in enumerate(names[1:]) for b in names[i + 2:]]
    ev = check(Evaluation.from_dict(doc), bidset)
    w = ev.scoring.normalised_weights()
    assert w[names[0]] > 0.4 and len({round(w[n], 9) for n in names[1:]}) == 1
    assert json.loads(ev.to_json())["weighting"] == "ahp"
    assert ev.weight_input.describe(bidset.groups, bidset.factor_names) == (
        "AHP pairwise comparison on Saaty's 1-9 scale (principal eigenvector); the judgements of "
        "2 members (Ann, Bo) combined by their geometric mean; consistency ratio: the criteria 0.000")
    again = Evaluation.from_json(ev.to_json())
    assert check(again, bidset) == ev
    doc["weights"] = {n: 20 for n in names}  # weights that are not what the judgements give
    with pytest.raises(EvaluationError, match="not those the AHP inputs give"):
        check(Evaluation.from_dict(doc), bidset)
    doc["weights"] = dict(ev.scoring.weights)
    doc["ahp"] = doc["ahp"][1:]  # Ann no longer compares the first pair
    with pytest.raises(EvaluationError, match=f"Ann has not compared {names[0]} with {names[1]}"):
        check(Evaluation.from_dict(doc), bidset)


def test_swing_and_rank_order_by_factor_multiply_factor_and_within_weights():
    bidset = read_workbook(grouped()).bidset
    base = Evaluation.of(bidset).to_dict()
    del base["weights"]
    swing = check(Evaluation.from_dict({**base, "weighting": "swing",
                                        "swing": {"Technical": 100, "Management": 25, "Price": 100},
                                        "factor_swing": {"Quality": 100, "Cost": 50}}), bidset)
    assert swing.scoring.normalised_weights() == pytest.approx(
        {"Technical": 2 / 3 * 0.8, "Management": 2 / 3 * 0.2, "Price": 1 / 3})
    ranks = check(Evaluation.from_dict({**base, "weighting": "rank_order",
                                        "importance_ranks": {"Technical": 1, "Management": 2, "Price": 1},
                                        "factor_ranks": {"Quality": 1, "Cost": 2}}), bidset)
    assert ranks.scoring.normalised_weights() == pytest.approx(
        {"Technical": 0.75 * 0.75, "Management": 0.75 * 0.25, "Price": 0.25})
    with pytest.raises(EvaluationError, match="Cost has no swing rating"):
        check(Evaluation.from_dict({**base, "weighting": "swing", "swing": {
            "Technical": 100, "Management": 25, "Price": 100}, "factor_swing": {"Quality": 100}}), bidset)
    with pytest.raises(EvaluationError, match="different factors"):
        check(Evaluation.from_dict({**base, "weighting": "ahp", "ahp": [
            {"between": "criteria", "a": "Technical", "b": "Price", "value": 3}]}), bidset)


@pytest.mark.parametrize(("inputs", "says"), [
    ({"weighting": "swing", "swing": {"Technical": 100, "Management": 25, "Price": 100,
                                      "Pricing": 50}, "factor_swing": {"Quality": 100, "Cost": 50}},
     "'Pricing' is not a criterion"),
    ({"weighting": "rank_order", "importance_ranks": {"Technical": 1, "Management": 2, "Price": 1},
      "factor_ranks": {"Quality": 1, "Cost": 2, "Risk": 3}}, "'Risk' is not a factor"),
    ({"weighting": "ahp", "ahp": [{"between": "factors", "a": "Technical", "b": "Price", "value": 3}]},
     "not two factors"),
    ({"weighting": "ahp", "ahp": [
        {"between": "factors", "a": "Quality", "b": "Cost", "value": 3},
        {"between": "factors", "a": "Cost", "b": "Quality", "value": 3}]},
     "compares Cost with Quality twice"),
])
def test_a_weighting_input_that_cannot_count_is_named_once(inputs, says):
    bidset = read_workbook(grouped()).bidset
    base = Evaluation.of(bidset).to_dict()
    del base["weights"]
    ev = Evaluation.from_dict({**base, **inputs})
    problems = ev.problems(bidset)
    assert len(problems) == 1 and says in problems[0][1], problems
