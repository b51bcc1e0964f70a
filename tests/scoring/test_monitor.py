"""The monitor's figures against hand-computed cases: fee at risk (allocations, escalation, the
cap), trend flags, the registers; and properties: a credit is never above the amount at risk,
never negative."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.monitor import (
    KPI,
    Actual,
    Invoice,
    PerformanceBook,
    Risk,
    Service,
    TechDebt,
    debt_by_deferral,
    fee_at_risk,
    heat_map,
    stale_risks,
    trends,
)

ACME = Service("Acme", "Hosting", 10.0, "Hosting")


def book(kpis, actuals, invoices, escalation=1.0, **parts):  # type: ignore[no-untyped-def]
    return PerformanceBook((ACME,), tuple(kpis), tuple(actuals), tuple(invoices),
                           escalation=escalation, **parts)


def months(n: int) -> list[str]:
    return [f"2026-{m:02d}" for m in range(1, n + 1)]


UPTIME = KPI("uptime", "Acme", "Hosting", 99.9, "max", "%", 60)
RESPONSE = KPI("response", "Acme", "Hosting", 30, "min", "min", 50)


def test_a_missed_kpi_earns_its_allocation_of_the_amount_at_risk():
    # invoice 20,000 at 10 % at risk: 2,000; uptime misses (60 %): 1,200; response met
    b = book([UPTIME, RESPONSE],
             [Actual("2026-01", "Acme", "Hosting", "uptime", 99.5),
              Actual("2026-01", "Acme", "Hosting", "response", 25)],
             [Invoice("2026-01", "Acme", "", 20_000)])
    (m,) = fee_at_risk(b)
    assert m.at_risk == pytest.approx(2_000)
    assert [x.kpi for x in m.misses] == ["uptime"]
    assert m.credit == pytest.approx(1_200) and not m.capped


def test_allocations_over_100_percent_are_capped_at_the_amount_at_risk():
    # both miss: 60 % + 50 % = 110 % of 2,000 = 2,200 claimed, capped at 2,000
    b = book([UPTIME, RESPONSE],
             [Actual("2026-01", "Acme", "Hosting", "uptime", 99.0),
              Actual("2026-01", "Acme", "Hosting", "response", 45)],
             [Invoice("2026-01", "Acme", "", 20_000)])
    (m,) = fee_at_risk(b)
    assert m.claimed == pytest.approx(2_200)
    assert m.credit == pytest.approx(2_000) and m.capped


def test_repeat_misses_escalate_and_a_met_month_starts_again():
    # escalation 1.5: misses in Jan, Feb, Mar earn 1,200, 1,800, 2,000 (2,700 capped); met in
    # Apr; a miss in May is a first miss again: 1,200
    values = [99.0, 99.0, 99.0, 99.95, 99.0]
    b = book([UPTIME], [Actual(m, "Acme", "Hosting", "uptime", v) for m, v in zip(months(5), values,
                                                                                   strict=True)],
             [Invoice(m, "Acme", "Hosting", 20_000) for m in months(5)], escalation=1.5)
    found = fee_at_risk(b)
    assert [m.credit for m in found] == pytest.approx([1_200, 1_800, 2_000, 0, 1_200])
    assert [x.repeat for m in found for x in m.misses] == [1, 2, 3, 1]
    assert found[2].capped


def test_an_unreported_kpi_earns_no_credit_and_is_named():
    b = book([UPTIME, RESPONSE], [Actual("2026-01", "Acme", "Hosting", "uptime", 99.95)],
             [Invoice("2026-01", "Acme", "", 20_000)])
    (m,) = fee_at_risk(b)
    assert m.credit == 0 and m.unreported == ("response",)


def test_a_kpi_with_no_share_of_the_pool_is_progress_only():
    okr = KPI("days_to_refund", "Acme", "Hosting", 10, "min", "days", 0)
    b = book([okr], [Actual("2026-01", "Acme", "Hosting", "days_to_refund", 20)],
             [Invoice("2026-01", "Acme", "", 20_000)])
    (m,) = fee_at_risk(b)
    assert m.credit == 0 and m.misses == ()
    (series,) = trends(b)
    assert [f.kind for f in series.flags] == ["breach"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(90, 100), min_size=1, max_size=14),
       st.lists(st.floats(0, 120), min_size=1, max_size=14),
       st.floats(0, 500), st.floats(0, 500), st.floats(1, 10), st.floats(0, 100),
       st.floats(0, 1e7))
def test_a_credit_is_never_above_the_amount_at_risk_nor_negative(uptime, response, w1, w2, esc,
                                                                 pct, amount):
    n = min(len(uptime), len(response))
    service = Service("Acme", "Hosting", pct, "Hosting")
    kpis = (KPI("uptime", "Acme", "Hosting", 99.9, "max", "%", w1),
            KPI("response", "Acme", "Hosting", 30, "min", "min", w2))
    actuals = [Actual(m, "Acme", "Hosting", "uptime", uptime[i]) for i, m in enumerate(months(n))] + [
        Actual(m, "Acme", "Hosting", "response", response[i]) for i, m in enumerate(months(n))]
    b = PerformanceBook((service,), kpis, tuple(actuals),
                        tuple(Invoice(m, "Acme", "", amount) for m in months(n)), escalation=esc)
    for m in fee_at_risk(b):
        assert 0 <= m.credit <= m.at_risk + 1e-9
        assert m.at_risk == pytest.approx(pct / 100 * amount)


# -- trends -----------------------------------------------------------------------------------

def _flags(kpi, values):  # type: ignore[no-untyped-def]
    b = book([kpi], [Actual(m, "Acme", "Hosting", kpi.name, v)
                     for m, v in zip(months(len(values)), values, strict=True)], [])
    (series,) = trends(b)
    return [(f.kind, f.month) for f in series.flags]


def test_three_consecutive_declines_are_flagged_at_the_third():
    # response (lower is better) worsens 20 -> 22 -> 25 -> 28: the third decline is April's
    assert ("declining", "2026-04") in _flags(RESPONSE, [20, 22, 25, 28, 21])
    assert not any(k == "declining" for k, _ in _flags(RESPONSE, [20, 22, 21, 25, 28]))


def test_a_value_outside_tukeys_fences_is_unusual():
    # quartiles of 20, 21, 22, 22, 23, 24, 60 (inclusive): 21.5 and 23.5; fences 18.5 to 26.5
    flags = _flags(RESPONSE, [20, 21, 22, 22, 23, 24, 60])
    assert ("unusual", "2026-07") in flags and ("breach", "2026-07") in flags
    assert sum(k == "unusual" for k, _ in flags) == 1


def test_a_target_met_every_month_for_a_year_is_a_candidate_to_tighten():
    assert ("tighten", "2026-12") in _flags(UPTIME, [99.95] * 12)
    assert not any(k == "tighten" for k, _ in _flags(UPTIME, [99.95] * 11))
    assert not any(k == "tighten" for k, _ in _flags(UPTIME, [99.95] * 11 + [99.0]))


# -- registers --------------------------------------------------------------------------------

def test_stale_risks_heat_map_and_the_debt_by_cost_of_deferral():
    risks = (Risk("a", "CIO", 3, 4, "open", "2026-12-01"), Risk("b", "CFO", 3, 4, "open", "2026-10-15"),
             Risk("c", "CISO", 5, 5, "closed", "2026-01-01"))
    b = book([], [], [], risks=risks, techdebt=(TechDebt("x", "s", 10, 50, 5),
                                                 TechDebt("y", "s", 8, 20, 20)))
    assert [r.risk for r in stale_risks(b, "2026-12")] == ["b"]  # 77 days before 31 December
    assert heat_map(b.risks) == {(3, 4): ["a", "b"]}
    assert [d.item for d in debt_by_deferral(b)] == ["y", "x"]  # 28 against 15


# -- annual ratings ---------------------------------------------------------------------------

def test_ratings_follow_the_stated_bands():
    from scoring.monitor import KPIRating, VendorRating, ratings

    def rated(met: int, of: int, weight: float = 50, critical: bool = False) -> KPIRating:
        return KPIRating(KPI("k", "Acme", "Hosting", 1, "max", "", weight, critical), of, met)

    assert [rated(m, 12).uk for m in (12, 11, 9, 8)] == [
        "good", "approaching target", "requires improvement", "inadequate"]  # 100, 91.7, 75, 66.7 %
    assert VendorRating("Acme", "2026", (rated(12, 12), rated(12, 12))).cpars == "Exceptional"
    # weighted: 60 % x 11/12 + 40 % x 12/12 = 95 % -> Very Good
    assert VendorRating("Acme", "2026", (rated(11, 12, 60), rated(12, 12, 40))).cpars == "Very Good"
    # the same with the missed KPI critical and below 90 %: no longer Very Good
    vr = VendorRating("Acme", "2026", (rated(10, 12, 10, critical=True), rated(12, 12, 90)))
    assert vr.attainment == pytest.approx(0.1 * 10 / 12 + 0.9) and vr.cpars == "Satisfactory"
    # a critical KPI inadequate caps the rating at Marginal, whatever the attainment
    vr = VendorRating("Acme", "2026", (rated(6, 12, 1, critical=True), rated(12, 12, 99)))
    assert vr.attainment > 0.95 and vr.cpars == "Marginal"
    assert VendorRating("Acme", "2026", (rated(8, 12), rated(8, 12))).cpars == "Unsatisfactory"
    b = book([UPTIME], [Actual(m, "Acme", "Hosting", "uptime", 99.0 if m == "2026-03" else 99.95)
                        for m in months(12)], [])
    (acme,) = ratings(b, "2026")
    assert (acme.kpis[0].months, acme.kpis[0].met, acme.kpis[0].uk) == (12, 11, "approaching target")


def test_failing_bids_are_those_with_a_critical_miss_or_a_capped_month():
    critical = KPI("uptime", "Acme", "Hosting", 99.9, "max", "%", 10, critical=True)
    plain = KPI("response", "Acme", "Hosting", 30, "min", "min", 10)
    from scoring.monitor import failing

    def run(kpi, value):  # type: ignore[no-untyped-def]
        return failing(book([kpi], [Actual("2026-01", "Acme", "Hosting", kpi.name, value)],
                            [Invoice("2026-01", "Acme", "", 1_000)]))

    assert run(critical, 99.0) == [ACME]
    assert run(plain, 45) == []  # 10 % of the pool, not critical, not capped
    assert run(KPI("response", "Acme", "Hosting", 30, "min", "min", 100), 45) == [ACME]  # capped



def test_a_run_of_misses_counts_calendar_months_and_a_gap_or_an_unreported_month_ends_it():
    # missed in January (invoiced), met in February (not invoiced), missed in March: a first
    # miss again; missed in April and May with May uninvoiced: June's miss is the third in a row
    values = {"2026-01": 99.0, "2026-02": 99.95, "2026-03": 99.0, "2026-04": 99.0,
              "2026-05": 99.0, "2026-06": 99.0}
    invoiced = ["2026-01", "2026-03", "2026-04", "2026-06"]
    b = book([UPTIME], [Actual(m, "Acme", "Hosting", "uptime", v) for m, v in values.items()],
             [Invoice(m, "Acme", "", 20_000) for m in invoiced], escalation=1.5)
    assert [x.repeat for m in fee_at_risk(b) for x in m.misses] == [1, 1, 2, 4]
    # a month with no figure ends the run: July unreported, August missed is a first miss
    b = book([UPTIME], [Actual("2026-06", "Acme", "Hosting", "uptime", 99.0),
                        Actual("2026-08", "Acme", "Hosting", "uptime", 99.0)],
             [Invoice(m, "Acme", "", 20_000) for m in ("2026-06", "2026-07", "2026-08")],
             escalation=1.5)
    found = fee_at_risk(b)
    assert [x.repeat for m in found for x in m.misses] == [1, 1]
    assert found[1].unreported == ("uptime",) and found[1].credit == 0


def test_the_book_through_a_month_leaves_out_what_came_after():
    b = book([UPTIME], [Actual(m, "Acme", "Hosting", "uptime", 99.0) for m in months(4)],
             [Invoice(m, "Acme", "", 20_000) for m in months(4)])
    assert b.through("2026-02").months == ("2026-01", "2026-02")
    assert sum(m.credit for m in fee_at_risk(b.through("2026-02"))) == pytest.approx(2 * 1_200)


def test_nothing_reported_is_not_rated():
    from scoring.monitor import NOT_RATED, KPIRating, VendorRating

    none = KPIRating(UPTIME, 0, 0)
    assert none.uk == NOT_RATED and VendorRating("Acme", "2026", (none,)).cpars == NOT_RATED
    okr = KPIRating(KPI("okr", "Acme", "Hosting", 1, "max", "", 0), 12, 2)
    assert VendorRating("Acme", "2026", (KPIRating(UPTIME, 12, 12), okr)).cpars == "Exceptional"


def test_replacing_refuses_an_award_a_bundle_holds():
    from scoring.evaluation import Evaluation
    from scoring.monitor import replacing
    from scoring.results import Results
    from scoring.workbook import read_path
    from tests.conftest import ROOT

    bidset = read_path(str(ROOT / "data" / "sample_evaluation.xlsx")).bidset
    ranking = Results(bidset, Evaluation.of(bidset)).ranking
    modular = {"Infrastructure": "Cascade Cloud Services", "Application": "Northwind Digital",
               "Analytics": "Meridian Analytics", "Security": "Bastion Security Group"}
    award, other = replacing(modular, ranking, "Infrastructure", "Cascade Cloud Services")
    assert other == "Summit Integrators" and award["Infrastructure"] == other
    bundle = dict.fromkeys(modular, "Keystone Systems")  # Keystone's bundle bid, everywhere
    why = replacing(bundle, ranking, "Application", "Keystone Systems")
    assert isinstance(why, str) and "through a bundle bid" in why
