import pytest

from scoring.compliance import ELEMENTS, FAIL, MISSING, PASS, check_sla, governance, sla_failures
from scoring.evaluation import Scoring
from scoring.mcda import rank
from scoring.model import OKR, Bid, SLATerms
from scoring.workbook import read_workbook

GOOD = SLATerms(99.9, 10, 60, 180, True, True, True, True, True)


def test_mission_grade_boundaries():
    assert check_sla(Bid("A", "", 1, {}, GOOD)).mission_grade
    for change, element in [({"uptime_pct": 99.89}, "Uptime"), ({"fee_at_risk_pct": 9.99}, "Fee at risk"),
                            ({"fee_at_risk_pct": 15.01}, "Fee at risk"),
                            ({"model_update_notice_days": 59}, "Model update notice"),
                            ({"version_pinning_days": 179}, "Version pinning"),
                            ({"canary_releases": False}, "Canary releases")]:
        terms = SLATerms(**{**vars(GOOD), **change})
        result = check_sla(Bid("A", "", 1, {}, terms))
        assert not result.mission_grade and result.failed == (element,)
    assert check_sla(Bid("A", "", 1, {}, SLATerms(fee_at_risk_pct=15))).cells[1][2] == PASS


def test_missing_terms_are_reported_as_missing():
    result = check_sla(Bid("A", "", 1, {}, SLATerms(uptime_pct=99.5)))
    statuses = [status for _, _, status in result.cells]
    assert statuses[0] == FAIL and statuses[1:] == [MISSING] * (len(ELEMENTS) - 1)


def test_sla_gate_makes_non_mission_grade_bids_ineligible(sample_bytes):
    bs = read_workbook(sample_bytes).bidset
    failing = sla_failures(bs)
    gated = rank(bs, Scoring.of(bs, sla_gate=True))
    for b in gated.bids:
        assert ("Mission-grade SLA" in b.failed_gates) == ((b.vendor, b.lot) in failing)
    assert "mission-grade SLA required" in gated.describe()


@pytest.mark.parametrize(("total", "okrs", "flagged"), [
    (3_000_000, [OKR("a", True)], True),
    (3_000_000, [OKR("a", True), OKR("b", True)], False),
    (2_000_000, [], False),
    (2_000_001, [OKR("a", True), OKR("b", False)], True),
])
def test_governance_rule(total, okrs, flagged):
    assert governance(total, okrs, 2_000_000).flagged is flagged
