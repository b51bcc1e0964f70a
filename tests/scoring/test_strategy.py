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
