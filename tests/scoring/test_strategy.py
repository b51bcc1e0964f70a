"""Delivery-model fit on hand-built programmes, and the value-for-money Monte Carlo against its
analytic mean."""

import pytest

from scoring.strategy import PROFILES, Risk, expected_totals, model_fit, value_for_money

# Programmes built to need one model each (the answers a programme office would give)
MANAGED = {"capability_gap": 5, "capital_available": 3, "innovation_speed": 3, "risk_transfer": 4,
           "governance_capacity": 1, "data_ownership": 3, "partnership_years": 5}
CONCESSION = {"capability_gap": 4, "capital_available": 1, "innovation_speed": 1,
              "risk_transfer": 5, "governance_capacity": 3, "data_ownership": 2,
              "partnership_years": 25}
MODULAR = {"capability_gap": 1, "capital_available": 5, "innovation_speed": 4, "risk_transfer": 1,
           "governance_capacity": 5, "data_ownership": 5, "partnership_years": 3}


@pytest.mark.parametrize(("answers", "model"), [(MANAGED, "Managed services"),
                                               (CONCESSION, "Concession / BOT"),
                                               (MODULAR, "Modular contracts")])
def test_each_hand_built_programme_gets_its_model(answers, model):
    ranked = model_fit(answers, draws=2_000)
    assert ranked[0].model == model and ranked[0].rank == 1
    assert len(ranked) == len(PROFILES)
    assert sum(f.first_share for f in ranked) == pytest.approx(1.0)
    assert ranked[0].first_share > 0.5  # robust: first in most weight draws around equal weights
    best, worst = ranked[0].reasons()
    assert all(ranked[0].fits[q] >= ranked[0].fits[w] for q in best for w in worst)


def test_weights_change_the_fit_and_bad_input_is_refused():
    # a programme between managed services and a concession: weighting the capital question
    # (none available) puts the concession first
    mixed = {**MANAGED, "capital_available": 1, "partnership_years": 15}
    heavy = model_fit(mixed, {"capital_available": 10, "partnership_years": 5}, draws=500)
    assert heavy[0].model == "Concession / BOT"
    with pytest.raises(ValueError, match="no answer"):
        model_fit({"capability_gap": 3})
    with pytest.raises(ValueError, match="weights"):
        model_fit(MANAGED, {q: 0 for q in MANAGED})


RISKS = [Risk("Migration overrun", 0.3, 100_000, 250_000, 800_000, 0.7),
         Risk("Cyber incident", 0.1, 50_000, 400_000, 2_000_000, 0.5),
         Risk("Obsolescence", 0.2, 20_000, 60_000, 150_000, 0.9)]


def test_the_monte_carlo_mean_matches_the_analytic_mean():
    found = value_for_money(10, 5_000_000, 5_600_000, RISKS, draws=200_000, seed=3)
    trad, part = expected_totals(10, 5_000_000, 5_600_000, RISKS)
    for which, mean in (("traditional", trad), ("partnership", part)):
        got = found.summary(which)
        assert got["mean"] == pytest.approx(mean, rel=0.005)
        assert got["p50"] <= got["p90"]
    assert 0 < found.partnership_cheaper < 1
    assert value_for_money(10, 5_000_000, 5_600_000, RISKS, draws=1_000, seed=3).partnership_cheaper \
        == value_for_money(10, 5_000_000, 5_600_000, RISKS, draws=1_000, seed=3).partnership_cheaper


def test_with_nothing_transferred_the_partnership_is_its_cost_difference_dearer():
    kept = [Risk(r.name, r.annual_probability, r.low, r.likely, r.high, 0.0) for r in RISKS]
    found = value_for_money(5, 1_000_000, 1_200_000, kept, draws=2_000)
    assert (found.partnership - found.traditional) == pytest.approx(200_000)
    assert found.partnership_cheaper == 0.0


# -- the assessment: allocation, value for money through the allocation, JSON ----------------

from scoring.strategy import (  # noqa: E402
    PROFILES as MODELS,
)
from scoring.strategy import (  # noqa: E402
    RISK_NAMES,
    TRANSFERRED,
    Assessment,
    RiskLine,
    default_assessment,
    summary,
    usual_owner,
)


def test_every_standard_risk_has_a_usual_owner_under_every_model():
    assert len(RISK_NAMES) == 12
    for risk in RISK_NAMES:
        for model in MODELS:
            assert usual_owner(risk, model) in ("public", "private", "shared")
    assert usual_owner("Demand", "Concession / BOT") == "private"  # users pay the concessionaire
    assert usual_owner("Political", "Managed services") == "public"
    assert usual_owner("A risk of our own", "Alliance") is None


def test_deviations_and_risks_no_one_owns_are_flagged_with_the_reason():
    a = default_assessment().replace(model="Managed services", risks=(
        RiskLine("Operations"),  # blank: the usual owner, private
        RiskLine("Political", "private"),  # a deviation
        RiskLine("Cyber security", "none"),  # no one
        RiskLine("Legacy interfaces"),  # the programme's own, no owner given
        RiskLine("Key staff", "public")))
    by = {x.risk: x for x in a.allocation()}
    assert by["Operations"].owner == "private" and not by["Operations"].flag
    assert by["Political"].flag.startswith("usually public under Managed services, here private: "
                                           "only the government controls policy")
    assert by["Cyber security"].flag.startswith("no one owns it") and "usually shared" in \
        by["Cyber security"].flag
    assert by["Legacy interfaces"].owner == "none" and by["Legacy interfaces"].flag
    assert not by["Key staff"].flag and by["Key staff"].usual is None
    shares = {r.name: r.transferred_share for r in a.risk_inputs()}
    assert shares == {"Operations": 1.0, "Political": 1.0, "Cyber security": 0.0,
                      "Legacy interfaces": 0.0, "Key staff": 0.0}
    assert TRANSFERRED["shared"] == 0.5


def test_the_allocation_drives_value_for_money_and_its_mean_is_the_analytic_one():
    a = default_assessment().replace(model="Concession / BOT", draws=100_000, seed=7)
    found = summary(a)
    trad, part = expected_totals(a.years, a.traditional_cost + a.neutrality, a.partnership_cost,
                                 a.risk_inputs("Concession / BOT"), a.risk_premium)
    assert found.traditional["mean"] == pytest.approx(trad, rel=0.01)
    assert found.partnership["mean"] == pytest.approx(part, rel=0.01)
    # everything kept: the partnership costs its price difference more, in every draw
    kept = a.replace(risks=tuple(r.__class__(r.name, "public", r.chance, r.low, r.likely, r.high)
                                 for r in a.risks), draws=2_000)
    c = kept.value_for_money()
    assert (c.partnership - c.traditional) == pytest.approx(a.partnership_cost - a.traditional_cost)


def test_the_assessment_round_trips_through_json_and_bad_json_names_the_key():
    a = default_assessment().replace(model="Alliance", weights=(("capability_gap", 3.0),))
    assert Assessment.from_dict(a.to_dict()) == a
    bad = a.to_dict()
    bad["answers"] = {**bad["answers"], "capability_gap": 9}
    with pytest.raises(ValueError, match="Capability gap.*from 1 to 5"):
        Assessment.from_dict(bad)
    with pytest.raises(ValueError, match="answers.colour: not one of the questions"):
        Assessment.from_dict({**a.to_dict(), "answers": {"colour": 3}})
    with pytest.raises(ValueError, match="not one of the delivery models"):
        Assessment.from_dict({**a.to_dict(), "model": "Outsourcing"})
    with pytest.raises(ValueError, match=r"risks\[0\].chance: expected a number"):
        Assessment.from_dict({**a.to_dict(), "risks": [{"name": "X", "chance": "often"}]})


def test_the_readme_s_tables_are_the_models_and_allocations_in_use():
    import re

    from scoring.strategy import QUESTIONS, RISKS
    from tests.conftest import ROOT

    text = (ROOT / "README.md").read_text()
    profiles = {m.group(1): tuple(float(x) for x in m.group(2).split(" | "))
                for m in re.finditer(r"^\| ([A-Z][^|]+?) \| ([\d |]+?) \|$", text, re.M)}
    assert {m: profiles[m] for m in MODELS} == {m: tuple(map(float, p))
                                                 for m, p in MODELS.items()}
    assert all(len(p) == len(QUESTIONS) for p in MODELS.values())
    for name, letters, _ in RISKS:
        row = re.search(rf"^\| {re.escape(name)} \| ([PVS ]+) \|", text, re.M)
        assert row is not None and row.group(1).replace(" ", "") == letters, name


def test_bad_json_seeds_and_draws_are_refused_and_shown_figures_round_half_up():
    from scoring.strategy import MAX_DRAWS, percent, shown

    a = default_assessment()
    for key, value in (("seed", -1), ("seed", True), ("seed", 2**31), ("draws", MAX_DRAWS + 1)):
        with pytest.raises(ValueError, match=key):
            Assessment.from_dict({**a.to_dict(), key: value})
    assert percent(0.125) == 13 and percent(0.124) == 12 and shown(3.125) == 3.13


def test_the_largest_simulation_allowed_stays_small_in_memory():
    import tracemalloc

    from scoring.strategy import MAX_DRAWS

    a = default_assessment().replace(answers=(*default_assessment().answers[:6],
                                              ("partnership_years", 50.0)), draws=MAX_DRAWS)
    tracemalloc.start()
    a.value_for_money()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 64 * 2**20  # a few draws-long vectors, not draws × years arrays


@pytest.mark.parametrize("answers", [MANAGED, CONCESSION, MODULAR])
def test_each_answer_s_range_is_where_the_ranking_keeps_its_best_fit(answers):
    from scoring.strategy import YEARS, answer_stability

    best = model_fit(answers, draws=10)[0].model
    found = answer_stability(answers)
    assert len(found) == 7
    for s in found:
        step = 1.0 if s.question == YEARS else 0.1
        assert s.low <= answers[s.question] <= s.high
        for edge in (s.low, s.high):
            assert model_fit({**answers, s.question: edge}, draws=10)[0].model == best
        if s.below is not None:  # one step beyond the range, the ranking names another model
            assert model_fit({**answers, s.question: round(s.low - step, 1)},
                             draws=10)[0].model == s.below != best
        if s.above is not None:
            assert model_fit({**answers, s.question: round(s.high + step, 1)},
                             draws=10)[0].model == s.above != best
    assert all(s.anywhere for s in found)  # built to need their model: no one answer moves it


def test_the_sample_s_best_fit_moves_only_if_data_ownership_falls_below_1_6():
    from scoring.template import SAMPLE_STRATEGY

    found = summary(SAMPLE_STRATEGY)
    moves = {s.question: s for s in found.stability if not s.anywhere}
    assert set(moves) == {"data_ownership"}
    s = moves["data_ownership"]
    assert (s.low, s.high, s.below, s.above) == (1.6, 5.0, "Data partnership", None)
    weights = SAMPLE_STRATEGY.weight_map
    for answer, model in ((1.6, "Modular contracts"), (1.5, "Data partnership")):
        ranked = model_fit({**SAMPLE_STRATEGY.answer_map, "data_ownership": answer}, weights,
                           draws=10)
        assert ranked[0].model == model
