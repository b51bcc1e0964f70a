"""Validated domain objects: what a bid workbook holds once it has been checked.

Every object is a frozen dataclass; nothing downstream mutates them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from scoring.settings import (  # noqa: F401  (re-exported: the domain's vocabulary)
    METHODS,
    PRICE_FORMULAS,
    Method,
    PriceFormula,
    Settings,
)

if TYPE_CHECKING:
    from scoring.strategy import Assessment

BUNDLE_LOT = "ALL"
"""Lot name of a bundle bid covering every component."""

SINGLE_LOT = ""
"""Lot key of a single-lot evaluation (every bid's lot blank)."""


SLA_NUMERIC: tuple[str, ...] = (
    "uptime_pct",
    "fee_at_risk_pct",
    "model_update_notice_days",
    "version_pinning_days",
)
SLA_YES_NO: tuple[str, ...] = (
    "observability_rights",
    "rollback_triggers",
    "financial_remedy",
    "data_portability",
    "canary_releases",
)


def lot_name(lot: str) -> str:
    """A lot as people read it: the single lot and the bundle lot get words, not codes."""
    if lot == SINGLE_LOT:
        return "All bids"
    if lot == BUNDLE_LOT:
        return "Bundle bids (all components)"
    return lot


def header_key(text: str) -> str:
    """Header and sheet-name matching key: case-insensitive, trimmed, space, _ and - alike."""
    return re.sub(r"[\s_\-]+", " ", str(text).strip().casefold()).strip()


def fold(name: str) -> str:
    """Case- and space-insensitive key for vendor, lot, component and criterion names."""
    return " ".join(str(name).split()).casefold()


@dataclass(frozen=True)
class Location:
    """Where a problem is, as Excel shows it: ``Bids!D7``, ``Bids!7:7``, ``Bids``."""

    sheet: str
    row: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        if self.row is None and self.col is None:
            return self.sheet
        if self.col is None:
            return f"{self.sheet}!{self.row}:{self.row}"
        letters = column_letter(self.col)
        if self.row is None:
            return f"{self.sheet}!{letters}:{letters}"
        return f"{self.sheet}!{letters}{self.row}"


def column_letter(col: int) -> str:
    """1-based column number to Excel letters (1 -> A, 27 -> AA)."""
    if col < 1:
        raise ValueError("column numbers start at 1")
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    """One located problem in a workbook, with what to do about it."""

    location: Location
    message: str
    fix: str = ""

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        return f"{text}. {self.fix}" if self.fix else text


@dataclass(frozen=True)
class Factor:
    """A factor of the Groups sheet: its weight among the factors, and what it covers. With
    factors, a criterion's weight in the ranking is its factor's weight times its weight within
    the factor (``Criterion.weight`` holds that product; ``local_weight`` the weight within)."""

    name: str
    weight: float
    description: str = ""


@dataclass(frozen=True)
class Criterion:
    name: str
    weight: float
    direction: str  # "max" or "min"
    group: str = ""
    scale_min: float | None = None
    scale_max: float | None = None
    min_acceptable: float | None = None
    description: str = ""
    rating_scale: str = ""  # the Ratings sheet's scale it is rated on, in words ("" = numbers)
    ratings: tuple[tuple[str, float], ...] = ()  # that scale: (label, published value), best first
    local_weight: float | None = None  # the weight within its factor, as the workbook gives it
    weight_range: tuple[float, float] | None = None  # the published range, % of all the weight

    def label_for(self, value: float | None) -> str:
        """The rating's label for a value of its scale ("" when none has that value)."""
        return next((label for label, v in self.ratings if v == value), "")

    def show(self, value: float | None) -> str:
        """A score as every view shows it: the label with its number on a rated criterion
        ("Good (4)"), the number alone otherwise."""
        if value is None:
            return ""
        label = self.label_for(value)
        return f"{label} ({value:g})" if label else f"{value:g}"

    def score_problem(self, value: float) -> str | None:
        """Why ``value`` cannot be a score on this criterion (None when it can)."""
        if self.has_scale:
            assert self.scale_min is not None and self.scale_max is not None
            if not self.scale_min <= value <= self.scale_max:
                return (f"{value:g} is outside its scale: it must be a score from "
                        f"{self.scale_min:g} to {self.scale_max:g}")
        elif self.direction == "min" and value <= 0:
            return (f"{value:g} is not above 0, which a 'min' criterion without a scale needs "
                    "(it is scored as lowest / this value)")
        elif self.direction == "max" and value < 0:
            return (f"{value:g} is below 0; a criterion without a scale needs scores of 0 or more "
                    "(it is scored as this value / highest)")
        return None

    @cached_property
    def is_price(self) -> bool:
        # matched like the Bids header it reads ("Price_" reads the price column, so it is price);
        # computed once per criterion (it is asked for every bid's every value)
        return header_key(self.name) == "price"

    @property
    def has_scale(self) -> bool:
        return self.scale_min is not None and self.scale_max is not None

    def fails_gate(self, value: float) -> bool:
        """True when ``value`` breaks this criterion's pass/fail threshold."""
        if self.min_acceptable is None:
            return False
        if self.direction == "max":
            return value < self.min_acceptable
        return value > self.min_acceptable

    def gate_text(self, value: float) -> str:
        """How ``value`` stands against the threshold, e.g. "Technical 2 < 3" (a failed gate)."""
        sign = "<" if self.direction == "max" else ">"
        return f"{self.name} {value:g} {sign} {self.min_acceptable:g}"


@dataclass(frozen=True)
class SLATerms:
    uptime_pct: float | None = None
    fee_at_risk_pct: float | None = None
    model_update_notice_days: float | None = None
    version_pinning_days: float | None = None
    observability_rights: bool | None = None
    rollback_triggers: bool | None = None
    financial_remedy: bool | None = None
    data_portability: bool | None = None
    canary_releases: bool | None = None


@dataclass(frozen=True)
class Bid:
    vendor: str
    lot: str  # SINGLE_LOT, BUNDLE_LOT or a component name
    price: float
    scores: dict[str, float]  # criterion name -> score (price criterion excluded)
    sla: SLATerms = field(default_factory=SLATerms)
    row: int = 0  # Excel row in the Bids sheet

    @property
    def is_bundle(self) -> bool:
        return self.lot == BUNDLE_LOT

    def value(self, criterion: Criterion) -> float:
        """The bid's raw value on a criterion (its price for the price criterion)."""
        return self.price if criterion.is_price else self.scores[criterion.name]


@dataclass(frozen=True)
class Component:
    name: str
    criticality: float = 3.0
    switching_cost: float = 0.0
    switching_months: float | None = None


@dataclass(frozen=True)
class VendorInfo:
    name: str
    annual_failure_prob: float | None = None


@dataclass(frozen=True)
class PanelScore:
    evaluator: str
    vendor: str
    lot: str
    criterion: str
    score: float
    rationale: str = ""
    row: int = 0  # Excel row in the Scores sheet (0: entered in the app)
    at: str = ""  # when it was entered in the app (UTC), for entries not from the workbook


# The kinds of finding an evaluator records (the terms of FAR 15.001 and 15.305), best first.
FINDING_KINDS: tuple[str, ...] = ("significant strength", "strength", "weakness",
                                  "significant weakness", "deficiency", "risk")
ADVERSE_KINDS: frozenset[str] = frozenset({"weakness", "significant weakness", "deficiency", "risk"})


@dataclass(frozen=True)
class Finding:
    """A strength, weakness, deficiency or risk an evaluator found in a bid on one criterion,
    with the place in the proposal it rests on."""

    vendor: str
    lot: str
    criterion: str
    kind: str  # one of FINDING_KINDS
    text: str
    reference: str = ""  # proposal volume / section / page
    evaluator: str = ""  # blank: the panel's consensus finding
    row: int = 0  # Excel row in the Findings sheet (0: entered on the Panel page)
    entry: int = 0  # the store's entry number, for a finding entered on the Panel page
    at: str = ""  # when it was entered on the Panel page (UTC)

    @property
    def where(self) -> str:
        """Where the finding was recorded: its Findings sheet row, or its Panel page entry."""
        if self.row:
            return f"Findings!{self.row}:{self.row}"
        return f"Panel finding #{self.entry}" if self.entry else ""

    @property
    def recorded(self) -> str:
        """Where it was recorded, in words: its Findings sheet row, or its Panel page entry."""
        return f"Findings sheet row {self.row}" if self.row else f"Panel page, #{self.entry}"


@dataclass(frozen=True)
class OKR:
    okr: str
    mission_outcome: bool = False
    metric: str = ""
    target: str = ""


@dataclass(frozen=True)
class BidSet:
    """A validated evaluation: everything the workbook says, checked."""

    criteria: tuple[Criterion, ...]
    bids: tuple[Bid, ...]
    settings: Settings = field(default_factory=Settings)
    components: tuple[Component, ...] = ()
    vendors: tuple[VendorInfo, ...] = ()
    panel_scores: tuple[PanelScore, ...] = ()
    okrs: tuple[OKR, ...] = ()
    findings: tuple[Finding, ...] = ()
    sha256: str = ""
    notes: tuple[Problem, ...] = ()  # non-blocking observations (ignored columns, ...)
    finding_labels: tuple[tuple[str, str], ...] = ()  # (kind, label) from the Finding kinds sheet
    factors: tuple[Factor, ...] = ()  # the Groups sheet's factors (none: a flat list of criteria)
    strategy: Assessment | None = None  # the Strategy sheet's delivery-strategy assessment

    @property
    def groups(self) -> dict[str, str]:
        """Criterion -> its factor, in criteria order (the hierarchy's shape; "" when flat)."""
        return {c.name: c.group if self.factors else "" for c in self.criteria}

    @property
    def factor_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.factors)

    def kind_label(self, kind: str) -> str:
        """A kind of finding as this evaluation names it (its Finding kinds sheet), else the
        kind's own name."""
        return dict(self.finding_labels).get(kind, kind)

    @property
    def lots(self) -> tuple[str, ...]:
        """Lots in a stable order: components as listed, then bundles, then any other."""
        present = {b.lot for b in self.bids}
        ordered = [c.name for c in self.components if c.name in present]
        ordered += sorted(present - set(ordered) - {BUNDLE_LOT})
        if BUNDLE_LOT in present:
            ordered.append(BUNDLE_LOT)
        return tuple(ordered)

    def bids_in(self, lot: str) -> tuple[Bid, ...]:
        return tuple(b for b in self.bids if b.lot == lot)

    @property
    def vendor_names(self) -> tuple[str, ...]:
        seen: dict[str, str] = {}
        for b in self.bids:
            seen.setdefault(fold(b.vendor), b.vendor)
        return tuple(seen.values())

    @property
    def price_criterion(self) -> Criterion | None:
        return next((c for c in self.criteria if c.is_price), None)

    def criterion(self, name: str) -> Criterion:
        key = fold(name)
        for c in self.criteria:
            if fold(c.name) == key:
                return c
        raise KeyError(name)

    @property
    def stated_weights(self) -> dict[str, float]:
        total = sum(c.weight for c in self.criteria)
        return {c.name: c.weight / total for c in self.criteria}
