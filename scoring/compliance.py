"""SLA mission-grade check and governance check."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scoring.model import OKR, Bid, BidSet

PASS, FAIL, MISSING = "pass", "fail", "missing"
SLA_GATE = "Mission-grade SLA"
FEE_AT_RISK_BAND = (10.0, 15.0)


@dataclass(frozen=True)
class Element:
    key: str
    label: str
    rule: str

    def check(self, value: float | bool | None) -> str:
        if value is None:
            return MISSING
        ok = {
            "uptime_pct": lambda v: v >= 99.9,
            "fee_at_risk_pct": lambda v: FEE_AT_RISK_BAND[0] <= v <= FEE_AT_RISK_BAND[1],
            "model_update_notice_days": lambda v: v >= 60,
            "version_pinning_days": lambda v: v >= 180,
        }.get(self.key, lambda v: v is True)(value)
        return PASS if ok else FAIL


ELEMENTS: tuple[Element, ...] = (
    Element("uptime_pct", "Uptime", "at least 99.9 %"),
    Element("fee_at_risk_pct", "Fee at risk", "between 10 % and 15 %"),
    Element("model_update_notice_days", "Model update notice", "at least 60 days"),
    Element("version_pinning_days", "Version pinning", "at least 180 days"),
    Element("observability_rights", "Observability rights", "yes"),
    Element("rollback_triggers", "Rollback triggers", "yes"),
    Element("financial_remedy", "Financial remedy", "yes"),
    Element("data_portability", "Data portability", "yes"),
    Element("canary_releases", "Canary releases", "yes"),
)


@dataclass(frozen=True)
class SLAResult:
    vendor: str
    lot: str
    cells: tuple[tuple[str, float | bool | None, str], ...]  # (element key, value, status)

    @property
    def mission_grade(self) -> bool:
        return all(status == PASS for _, _, status in self.cells)

    @property
    def failed(self) -> tuple[str, ...]:
        labels = {e.key: e.label for e in ELEMENTS}
        return tuple(labels[k] for k, _, status in self.cells if status != PASS)


def check_sla(bid: Bid) -> SLAResult:
    cells = tuple((e.key, getattr(bid.sla, e.key), e.check(getattr(bid.sla, e.key)))
                  for e in ELEMENTS)
    return SLAResult(bid.vendor, bid.lot, cells)


def sla_matrix(bidset: BidSet) -> list[SLAResult]:
    return [check_sla(b) for b in bidset.bids]


def sla_failures(bidset: BidSet) -> dict[tuple[str, str], tuple[str, ...]]:
    """(vendor, lot) -> the SLA elements a bid does not meet (missing counts as not met)."""
    return {(r.vendor, r.lot): r.failed for r in sla_matrix(bidset) if not r.mission_grade}


@dataclass(frozen=True)
class Governance:
    total_award: float
    threshold: float
    mission_okrs: int
    flagged: bool

    @property
    def message(self) -> str:
        if not self.flagged:
            return (f"{self.mission_okrs} mission-outcome OKR(s) for a total award of "
                    f"{self.total_award:,.0f}: meets the rule")
        return (f"A total award of {self.total_award:,.0f} is above {self.threshold:,.0f} but "
                f"only {self.mission_okrs} mission-outcome OKR(s) are defined; at least 2 are "
                "required")


def governance(total_award: float, okrs: Sequence[OKR], threshold: float) -> Governance:
    """An award above ``threshold`` needs at least two mission-outcome OKRs."""
    mission = sum(1 for o in okrs if o.mission_outcome)
    return Governance(total_award, threshold, mission, total_award > threshold and mission < 2)
