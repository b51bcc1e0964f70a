"""One evaluation as a value: everything that determines a figure, immutable, and its JSON.

An :class:`Evaluation` names the workbook snapshot (by SHA-256) and holds the scoring choices
(method, price formula and bounds, weights, SLA gate), how the weights were entered, the
scenario what-ifs, the hand-edited award, the robustness and simulation settings, the consensus
method and the panel record as of one point. Every page, the report, the command line, a saved
version and a share link read figures from this one value; caches key on it.

Its JSON (``to_json`` / ``from_json``) is what a saved version stores and what the command
line's ``--settings FILE`` reads; the README documents it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from scoring.model import FINDING_KINDS, BidSet, Finding, PanelScore, fold
from scoring.panel import Consensus, Moderation, Narrative, _BidIndex
from scoring.settings import (
    MAX_FIGURE,
    METHOD_LABELS,
    PRICE_FORMULA_LABELS,
    SPECS,
    WHAT_IFS,
    Method,
    PriceFormula,
    Settings,
    bounds_problems,
)
from scoring.strategy import Assessment
from scoring.weights import (
    CRITERIA,
    FACTORS,
    INCONSISTENT,
    AHPResult,
    Judgement,
    Level,
    ahp,
    combine,
    group_judgements,
    levels,
    missing_pairs,
    normalise_points,
    roc_from_ranks,
    saaty_problem,
    swing,
)

FORMAT = "source-selection-workbench/evaluation"
FORMAT_VERSION = 1
MAX_DRAWS = 10_000_000  # weight draws or simulated terms: beyond this a run takes minutes
MAX_SEED = 2**31 - 1
CONCENTRATION = (0.01, 1e6)  # the Dirichlet concentration K allowed


class EvaluationError(ValueError):
    """An evaluation (or its JSON) that cannot be used; the message names the key and why."""


class WeightMode(StrEnum):
    POINTS = "points"  # relative points typed per criterion
    RANK_ORDER = "rank_order"  # an importance ranking turned into rank-order centroid weights
    AHP = "ahp"  # pairwise judgements (Saaty 1-9), principal eigenvector
    SWING = "swing"  # each swing from worst to best rated 0-100 against the most valued


WEIGHT_MODE_LABELS = {WeightMode.POINTS: "direct points", WeightMode.RANK_ORDER: "rank-order",
                      WeightMode.AHP: "AHP", WeightMode.SWING: "swing"}


class DrawModel(StrEnum):
    STATED = "stated"  # Dirichlet around the weights in use
    UNIFORM = "uniform"  # uniform over all weightings (no preference)
    RANGES = "ranges"  # uniform inside the criteria's published weight ranges


@dataclass(frozen=True)
class Scoring:
    """What ranks the bids. ``weights`` are relative points per criterion, in criteria order."""

    method: Method = Method.TOPSIS
    price_formula: PriceFormula = PriceFormula.LOWEST_RATIO
    price_floor: float | None = None
    price_ceiling: float | None = None
    weights: tuple[tuple[str, float], ...] = ()
    sla_gate: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", Method(self.method))
        object.__setattr__(self, "price_formula", PriceFormula(self.price_formula))
        if isinstance(self.weights, Mapping):
            object.__setattr__(self, "weights", tuple((k, float(v)) for k, v in self.weights.items()))
        for name in ("price_floor", "price_ceiling"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, float(value))

    @classmethod
    def of(
        cls,
        bidset: BidSet,
        *,
        method: str | None = None,
        price_formula: str | None = None,
        price_floor: float | None = None,
        price_ceiling: float | None = None,
        weights: Mapping[str, float] | None = None,
        sla_gate: bool = False,
    ) -> Scoring:
        """The workbook's own choices, with any of them replaced; ``weights`` may name only some
        criteria (the others keep the workbook's weight)."""
        s = bidset.settings
        points = {c.name: float(c.weight) for c in bidset.criteria}
        if weights is not None:
            unknown = set(weights) - set(points)
            if unknown:
                raise EvaluationError(f"weights: no such criterion: {', '.join(sorted(unknown))}")
            points.update({k: float(v) for k, v in weights.items()})
        try:
            return cls(
                method=Method(str(method or s.method).casefold()),
                price_formula=PriceFormula(str(price_formula or s.price_formula).casefold()),
                price_floor=s.price_floor if price_floor is None else price_floor,
                price_ceiling=s.price_ceiling if price_ceiling is None else price_ceiling,
                weights=tuple(points.items()),
                sla_gate=sla_gate,
            )
        except ValueError as exc:
            raise EvaluationError(str(exc)) from exc

    @property
    def points(self) -> dict[str, float]:
        return dict(self.weights)

    def normalised_weights(self) -> dict[str, float]:
        """The weights as fractions summing to 1 (what the methods use)."""
        total = sum(v for _, v in self.weights)
        return {k: v / total for k, v in self.weights} if total > 0 else dict(self.weights)

    def problems(self) -> list[tuple[str, str, str]]:
        """(key, message, what to do) for choices that cannot be scored."""
        out = bounds_problems(self.price_formula, self.price_floor, self.price_ceiling)
        for name in ("price_floor", "price_ceiling"):
            value = getattr(self, name)
            why = SPECS[name].problem(value)
            if why is not None:
                out.append((name, f"{SPECS[name].label} {why}", "Type a value in range"))
        values = [v for _, v in self.weights]
        if any(not math.isfinite(v) or v < 0 for v in values):
            out.append(("weights", "weights must be finite and 0 or more", "Fix the weights"))
        elif values and sum(values) <= 0:
            out.append(("weights", "every weight is 0", "Give at least one criterion a weight above 0"))
        return out


@dataclass(frozen=True)
class WeightInput:
    """How the weights were entered, so that they reappear as entered, and what they give.

    With factors (a Groups sheet), each method sets the factors' weights and, separately, each
    factor's criteria's weights within it; a criterion's weight in the ranking is the product.
    Direct points are the weights themselves (``Scoring.weights``); the other methods' inputs
    are kept here, and ``weights`` derives the criterion weights from them."""

    mode: WeightMode = WeightMode.POINTS
    ranks: tuple[tuple[str, int], ...] = ()  # criteria's importance ranks (1 = most), rank_order
    factor_ranks: tuple[tuple[str, int], ...] = ()
    swing: tuple[tuple[str, float], ...] = ()  # criteria's swing ratings 0-100
    factor_swing: tuple[tuple[str, float], ...] = ()
    judgements: tuple[Judgement, ...] = ()  # AHP, every member's

    def __post_init__(self) -> None:
        object.__setattr__(self, "mode", WeightMode(self.mode))

    def level_values(self, level: Level) -> dict[str, float]:
        """The ranks or swing ratings given on ``level``."""
        given = {(WeightMode.RANK_ORDER, FACTORS): self.factor_ranks,
                 (WeightMode.RANK_ORDER, CRITERIA): self.ranks,
                 (WeightMode.SWING, FACTORS): self.factor_swing,
                 (WeightMode.SWING, CRITERIA): self.swing}.get((self.mode, level.kind), ())
        values = dict(given)
        return {k: float(values[k]) for k in level.items if k in values}

    def members(self, level: Level) -> dict[str, dict[tuple[str, str], float]]:
        """The AHP judgements on ``level``, member by member."""
        items = set(level.items)
        out: dict[str, dict[tuple[str, str], float]] = {}
        for j in self.judgements:
            if j.kind == level.kind and j.a in items and j.b in items:
                out.setdefault(j.member, {})[j.a, j.b] = j.value
        return out

    def ahp(self, level: Level) -> AHPResult:
        """The panel's AHP result on ``level``: the geometric mean of its members' judgements."""
        return ahp(level.items, group_judgements(level.items, self.members(level)))

    def level_weights(self, level: Level) -> dict[str, float]:
        """The weights (summing to 1) the method gives the items of ``level``."""
        if self.mode == WeightMode.AHP:
            return self.ahp(level).weights
        values = self.level_values(level)
        if self.mode == WeightMode.RANK_ORDER:
            return roc_from_ranks({k: int(v) for k, v in values.items()})
        return swing(values)

    def weights(self, groups: Mapping[str, str], factors: Sequence[str]) -> dict[str, float]:
        """The criteria's weights (points summing to 100, criteria order) this method gives;
        ``groups`` is criterion -> factor and ``factors`` the factors (none: flat)."""
        found = {(lv.kind, lv.factor): self.level_weights(lv) for lv in levels(groups, factors)}
        if not factors:
            return {k: 100.0 * v for k, v in found[CRITERIA, ""].items()}
        local = {c: w for (kind, _), ws in found.items() if kind == CRITERIA for c, w in ws.items()}
        return combine(groups, found[FACTORS, ""], local)

    def describe(self, groups: Mapping[str, str], factors: Sequence[str]) -> str:
        """How the weights were set, in words (the report's and decision document's basis)."""
        how = {WeightMode.POINTS: "direct points",
               WeightMode.RANK_ORDER: "rank order (rank-order centroid weights)",
               WeightMode.SWING: "swing weighting (each swing rated 0-100 against the most valued)",
               WeightMode.AHP: "AHP pairwise comparison on Saaty's 1-9 scale (principal "
                               "eigenvector)"}[self.mode]
        if factors:
            how += "; by factor: the factors weighted, then the criteria within each, a " \
                   "criterion's weight the product"
        if self.mode == WeightMode.AHP and not self.problems(groups, factors):
            members = sorted({j.member for j in self.judgements})
            if len(members) > 1:
                how += (f"; the judgements of {len(members)} members ({', '.join(members)}) "
                        "combined by their geometric mean")
            ratios = [(lv.subject, self.ahp(lv).consistency_ratio)
                      for lv in levels(groups, factors) if len(lv.items) > 2]
            if ratios:
                how += "; consistency ratio: " + ", ".join(
                    f"{subject} {cr:.3f}"
                    + (f" (inconsistent: {INCONSISTENT:.2f} or more)" if cr >= INCONSISTENT else "")
                    for subject, cr in ratios)
        return how

    def problems(self, groups: Mapping[str, str], factors: Sequence[str]
                 ) -> list[tuple[str, str, str]]:
        """(key, message, what to do) for inputs this method cannot derive weights from."""
        if self.mode == WeightMode.POINTS:
            return []
        key = {WeightMode.RANK_ORDER: "importance_ranks", WeightMode.SWING: "swing",
               WeightMode.AHP: "ahp"}[self.mode]
        out: list[tuple[str, str, str]] = []
        names = {FACTORS: set(factors), CRITERIA: set(groups)}
        seen: set[tuple[str, str, frozenset[str]]] = set()
        for j in self.judgements:
            pair = frozenset((j.a, j.b))
            if (why := saaty_problem(j.value)) is not None:
                out.append(("ahp", f"{j.a} against {j.b}: {why}", "Use Saaty's 1-9 scale"))
            elif not {j.a, j.b} <= names[j.kind] or j.a == j.b:
                what = "factors" if j.kind == FACTORS else "criteria"
                out.append(("ahp", f"{j.a} against {j.b}: not two {what} of the evaluation",
                            f"Name two {what} (\"between\": \"{j.kind}\")"))
            elif j.kind == CRITERIA and factors and groups.get(j.a) != groups.get(j.b):
                out.append(("ahp", f"{j.a} and {j.b} are in different factors",
                            "Compare criteria within their factor; compare the factors apart"))
            elif (j.kind, j.member, pair) in seen:
                out.append(("ahp", f"{j.member or 'a member'} compares {j.a} with {j.b} twice",
                            "Give each pair one judgement"))
            seen.add((j.kind, j.member, pair))
        if self.mode in (WeightMode.RANK_ORDER, WeightMode.SWING):
            crit = [k for k, _ in (self.ranks if self.mode == WeightMode.RANK_ORDER else self.swing)]
            fac = [k for k, _ in (self.factor_ranks if self.mode == WeightMode.RANK_ORDER
                                  else self.factor_swing)]
            stray = [k for k in crit if k not in groups] + [k for k in fac if k not in factors]
            if stray:
                out.append((key, f"'{stray[0]}' is not a "
                            f"{'criterion' if stray[0] in crit else 'factor'} of the evaluation",
                            "Name the workbook's criteria and factors"))
        if out:  # an input that cannot count: said first, once
            return out[:1]
        for lv in levels(groups, factors):
            where = lv.subject
            if self.mode == WeightMode.AHP:
                members = self.members(lv)
                if len(lv.items) > 1 and not members:
                    out.append((key, f"no pairwise judgements on {where}",
                                "Compare every pair of them"))
                for member, judged in members.items():
                    gap = missing_pairs(lv.items, judged)
                    if gap:
                        out.append((key, f"{member or 'a member'} has not compared "
                                    f"{gap[0][0]} with {gap[0][1]} ({where})",
                                    "Compare every pair, or leave the member out"))
                continue
            values = self.level_values(lv)
            missing = [k for k in lv.items if k not in values]
            if missing:
                what = "rank" if self.mode == WeightMode.RANK_ORDER else "swing rating"
                out.append((key, f"{missing[0]} has no {what} ({where})",
                            "Give every item of the level one"))
                continue
            try:
                self.level_weights(lv)
            except ValueError as exc:
                out.append((key, f"{exc} ({where})", "Fix the ratings"))
        return out


@dataclass(frozen=True)
class RobustnessOptions:
    """Rank acceptability's weight draws: how many, the seed, around what, how concentrated."""

    draws: int = 10_000
    seed: int = 0
    weights: DrawModel = DrawModel.STATED
    concentration: float = 100.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", DrawModel(self.weights))

    def describe(self) -> str:
        """How the weights are drawn, in words."""
        return {DrawModel.STATED: f"around the weights in use (Dirichlet, concentration "
                                  f"{self.concentration:g})",
                DrawModel.UNIFORM: "uniformly over all weightings (no preference)",
                DrawModel.RANGES: "uniformly inside the published weight ranges"}[self.weights]


@dataclass(frozen=True)
class SimulationOptions:
    """The Monte Carlo of vendor failures behind each scenario's cost distribution."""

    draws: int = 100_000
    seed: int = 0


@dataclass(frozen=True)
class FrontierOptions:
    """The best-value frontier asked for: how many points, and what every award must meet."""

    points: int = 20
    budget: float | None = None  # total cost at most
    min_vendors: int | None = None
    min_component_quality: float | None = None  # every awarded bid's score (0-1) at least this
    quality_price: float | None = None  # value for money: currency per quality point (0.01)


@dataclass(frozen=True)
class PanelRecord:
    """The panel's entries made in the app, as of one point: each evaluator's latest score per
    cell, the chair's latest moderation and consensus narrative per cell, and the findings not
    withdrawn. ``through`` is that point: the last score, moderation, finding and narrative entry
    included (their sequence numbers in the store)."""

    scores: tuple[PanelScore, ...] = ()
    moderations: tuple[Moderation, ...] = ()
    through: tuple[int, ...] = (0, 0, 0, 0)
    findings: tuple[Finding, ...] = ()
    narratives: tuple[Narrative, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.scores or self.moderations or self.findings or self.narratives)

    def describe(self) -> str:
        if self.empty:
            return "no panel entries made in the app"
        parts = [(len(self.scores), "panel score"), (len(self.moderations), "moderation"),
                 (len(self.findings), "finding"), (len(self.narratives), "consensus narrative")]
        listed = [f"{n} {what}{'' if n == 1 else 's'}" for n, what in parts if n or what in (
            "panel score", "moderation")]
        through = (*self.through, 0, 0, 0, 0)[:4]
        points = [f"{what} entry #{n}" for n, what in zip(
            through, ("score", "moderation", "finding", "narrative"), strict=True) if n]
        return (f"{', '.join(listed[:-1])} and {listed[-1]} made in the app"
                + (f", up to {', '.join(points)}" if points else ""))

    def applicable(self, bidset: BidSet) -> PanelRecord:
        """The entries that name a bid and a scored criterion of ``bidset`` (a revised bid book
        may no longer have some of the bids the panel scored), a bid named as the consensus
        names it (a blank lot: the vendor's only bid)."""
        index = _BidIndex(bidset)
        scored = {fold(c.name) for c in bidset.criteria if not c.is_price}
        every = {fold(c.name) for c in bidset.criteria}  # a finding may be on price (realism)
        parts = ((self.scores, scored), (self.moderations, scored), (self.findings, every),
                 (self.narratives, scored))
        kept = tuple(tuple(e for e in part if index.find(e.vendor, e.lot) is not None
                           and fold(e.criterion) in criteria) for part, criteria in parts)
        if sum(map(len, kept)) == sum(len(part) for part, _ in parts):  # nothing left out
            return self
        return PanelRecord(kept[0], kept[1], self.through, kept[2], kept[3])

    def same_entries(self, other: PanelRecord) -> bool:
        """The same entries (whatever the sequence point)."""
        return all(sorted(map(key, mine)) == sorted(map(key, theirs)) for key, mine, theirs in (
            (_score_key, self.scores, other.scores),
            (_mod_key, self.moderations, other.moderations),
            (_finding_key, self.findings, other.findings),
            (_narrative_key, self.narratives, other.narratives)))


def _score_key(s: PanelScore) -> tuple[Any, ...]:
    return (s.evaluator, s.vendor, s.lot, s.criterion, s.score, s.rationale)


def _mod_key(m: Moderation) -> tuple[Any, ...]:
    return (m.vendor, m.lot, m.criterion, m.value, m.rationale, m.by)


def _finding_key(f: Finding) -> tuple[Any, ...]:
    return (f.entry, f.evaluator, f.vendor, f.lot, f.criterion, f.kind, f.text, f.reference)


def _narrative_key(n: Narrative) -> tuple[Any, ...]:
    return (n.vendor, n.lot, n.criterion, n.text, n.by)


@dataclass(frozen=True)
class Evaluation:
    """Everything that determines a figure. Immutable; ``replace`` gives a changed copy."""

    workbook_sha256: str
    scoring: Scoring
    weight_input: WeightInput = field(default_factory=WeightInput)
    what_ifs: tuple[tuple[str, Any], ...] = ()  # scenario settings that differ from the workbook's
    edited_award: tuple[tuple[str, str], ...] | None = None  # component -> vendor
    consensus: Consensus = Consensus.MEDIAN
    panel: PanelRecord = field(default_factory=PanelRecord)
    robustness: RobustnessOptions = field(default_factory=RobustnessOptions)
    simulation: SimulationOptions = field(default_factory=SimulationOptions)
    frontier: FrontierOptions = field(default_factory=FrontierOptions)
    # the delivery strategy as changed on the Strategy page (None: the workbook's, if any)
    strategy: Assessment | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "consensus", Consensus(self.consensus))
        if isinstance(self.what_ifs, Mapping):
            object.__setattr__(self, "what_ifs", tuple(self.what_ifs.items()))
        if isinstance(self.edited_award, Mapping):
            object.__setattr__(self, "edited_award", tuple(self.edited_award.items()))

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def of(cls, bidset: BidSet, scoring: Scoring | None = None, **parts: Any) -> Evaluation:
        """A new evaluation of ``bidset`` with the workbook's own settings (and any parts given)."""
        return cls(bidset.sha256, scoring or Scoring.of(bidset), **parts)

    def replace(self, **changes: Any) -> Evaluation:
        return replace(self, **changes)

    def with_scoring(self, **changes: Any) -> Evaluation:
        return replace(self, scoring=replace(self.scoring, **changes))

    def with_what_ifs(self, bidset: BidSet, values: Mapping[str, Any]) -> Evaluation:
        """What-ifs set to ``values``; those equal to the workbook's own are dropped."""
        merged = {**dict(self.what_ifs), **values}
        kept = {k: SPECS[k].coerce(v) for k, v in merged.items()
                if k in WHAT_IFS and v != getattr(bidset.settings, k)}
        return replace(self, what_ifs=tuple(sorted(kept.items())))

    # -- what the evaluation says ---------------------------------------------------------------
    def settings(self, workbook: Settings) -> Settings:
        """The workbook's settings with the what-ifs in place (scenarios and governance use these)."""
        return replace(workbook, **dict(self.what_ifs)) if self.what_ifs else workbook

    def assessment(self, bidset: BidSet) -> Assessment | None:
        """The delivery strategy in use: as changed on the Strategy page, else the workbook's
        Strategy sheet (None when neither assesses it)."""
        return self.strategy if self.strategy is not None else bidset.strategy

    def key(self, part: str) -> Hashable:
        """What a part of the figures depends on: the caches' key for that part."""
        panel = (self.workbook_sha256, self.consensus, self.panel)
        # the figures depend on the panel's scores and moderations, not on its findings and
        # narratives: writing a narrative does not re-solve the MILP or redraw robustness
        scored = (self.workbook_sha256, self.consensus, self.panel.scores, self.panel.moderations)
        ranking = (*scored, self.scoring)
        return {
            "panel": panel,
            "ranking": ranking,
            "record": (*panel, self.scoring),  # the record checks: every entry and the ranking
            "technical_record": panel,  # the record checks without the ranking
            "optimized": (*ranking, self.what_ifs),  # the MILP: not re-solved for an edited award
            "frontier": (*ranking, self.what_ifs, self.frontier),
            "scenarios": (*ranking, self.what_ifs, self.edited_award, self.simulation),
            "robustness": (*ranking, self.robustness),
            "strategy": (self.workbook_sha256, self.strategy),
        }[part]

    def problems(self, bidset: BidSet | None = None) -> list[tuple[str, str, str]]:
        """(key, message, what to do) for anything this evaluation cannot be scored with."""
        out = list(self.scoring.problems())
        r, m = self.robustness, self.simulation
        for name, draws, seed in (("robustness", r.draws, r.seed), ("simulation", m.draws, m.seed)):
            if not 1 <= draws <= MAX_DRAWS:
                out.append((f"{name}.draws", f"draws must be from 1 to {MAX_DRAWS:,}", "Use fewer draws"))
            if not 0 <= seed <= MAX_SEED:
                out.append((f"{name}.seed", f"the seed must be from 0 to {MAX_SEED:,}", "Pick another seed"))
        if not CONCENTRATION[0] <= r.concentration <= CONCENTRATION[1]:
            out.append(("robustness.concentration", f"the concentration must be from "
                        f"{CONCENTRATION[0]:g} to {CONCENTRATION[1]:g}", "Pick another"))
        if self.strategy is not None and (why := self.strategy.problems()):
            out.append(("strategy", why[0], "Correct the delivery strategy"))
        for key, value in self.what_ifs:
            if key not in WHAT_IFS:
                out.append((key, f"'{key}' is not a scenario what-if",
                            f"Use one of {', '.join(WHAT_IFS)}"))
            elif (why := SPECS[key].problem(value)) is not None:
                out.append((key, f"{SPECS[key].label} {why}", "Change the what-if"))
        if bidset is not None:
            if bidset.sha256 and self.workbook_sha256 != bidset.sha256:
                out.append(("workbook_sha256", f"these settings are for the workbook with SHA-256 "
                            f"{self.workbook_sha256[:16]}…, not this one ({bidset.sha256[:16]}…)",
                            "Use the workbook snapshot saved with them"))
            names = {c.name for c in bidset.criteria}
            unknown = [k for k, _ in self.scoring.weights if k not in names]
            if unknown:
                out.append(("weights", f"no such criterion: {', '.join(unknown)}",
                            "Name the workbook's criteria"))
            wi = self.weight_input
            given = wi.problems(bidset.groups, bidset.factor_names)
            out.extend(given)
            if not given and not unknown and wi.mode != WeightMode.POINTS and self.scoring.weights:
                derived = normalise_points(wi.weights(bidset.groups, bidset.factor_names))
                used = self.scoring.normalised_weights()
                if any(abs(derived[k] - used.get(k, 0.0)) > 1e-9 for k in derived):
                    out.append(("weights", f"the weights are not those the {WEIGHT_MODE_LABELS[wi.mode]} "
                                "inputs give", "Leave the weights out (they are derived), or use "
                                "direct points"))
            if self.robustness.weights == DrawModel.RANGES and not any(
                    c.weight_range for c in bidset.criteria):
                out.append(("robustness.weights", "no criterion of the workbook has a published "
                            "weight range to draw the weights in", "Draw them around the weights "
                            "in use, or give the criteria weight_min and weight_max"))
            components = {c.name for c in bidset.components}
            vendors = {b.vendor.casefold() for b in bidset.bids}
            for comp, vendor in self.edited_award or ():
                if comp not in components:
                    out.append(("edited_award", f"'{comp}' is not a component of the workbook",
                                "Name the workbook's components"))
                elif vendor.casefold() not in vendors:
                    out.append(("edited_award", f"'{vendor}' has no bid in the workbook",
                                "Name a vendor that bid"))
        return out

    def changes_from(self, other: Evaluation) -> list[str]:
        """What differs from ``other``, in words (empty when the figures are the same)."""
        out = []
        a, b = self.scoring, other.scoring
        for name, label in (("method", "scoring method"), ("price_formula", "price formula"),
                            ("price_floor", "price floor"), ("price_ceiling", "price ceiling"),
                            ("sla_gate", "mission-grade SLA gate")):
            if getattr(a, name) != getattr(b, name):
                out.append(label)
        if dict(a.weights) != dict(b.weights):
            out.append("weights")
        elif self.weight_input != other.weight_input:
            out.append("how the weights are entered")
        mine, theirs = dict(self.what_ifs), dict(other.what_ifs)
        for key in sorted(set(mine) | set(theirs), key=list(SPECS).index):
            if mine.get(key) != theirs.get(key):
                out.append(f"what-if: {SPECS[key].label.lower()}")
        if self.edited_award != other.edited_award:
            out.append("hand-edited award")
        if self.consensus != other.consensus:
            out.append("consensus method")
        if not self.panel.same_entries(other.panel):
            out.append("panel record")
        if self.robustness != other.robustness:
            out.append("robustness settings")
        if self.simulation != other.simulation:
            out.append("cost simulation settings")
        if self.frontier != other.frontier:
            out.append("best-value frontier options")
        if self.strategy != other.strategy:
            out.append("delivery strategy")
        if self.workbook_sha256 != other.workbook_sha256:
            out.insert(0, "workbook")
        return out

    def audit_items(self) -> dict[str, str | None]:
        """One readable value per audited item (a version's changes are audited item by item)."""
        s = self.scoring
        items: dict[str, str | None] = {
            "method": str(s.method),
            "price_formula": str(s.price_formula),
            "price_floor": None if s.price_floor is None else json.dumps(s.price_floor),
            "price_ceiling": None if s.price_ceiling is None else json.dumps(s.price_ceiling),
            "weights": json.dumps(dict(s.weights), sort_keys=True),
            "weighting": str(self.weight_input.mode),
            "sla_gate": json.dumps(s.sla_gate),
            "edited_award": None if self.edited_award is None else json.dumps(
                dict(self.edited_award), sort_keys=True),
            "consensus": str(self.consensus),
            "panel": self.panel.describe(),
            "robustness": json.dumps(_plain(self.robustness)),
            "simulation": json.dumps(_plain(self.simulation)),
        }
        if self.weight_input.mode != WeightMode.POINTS:  # the ranks, ratings or judgements
            items["weight inputs"] = json.dumps(_weight_inputs(self.weight_input), sort_keys=True)
        if self.frontier != FrontierOptions():  # audited once asked for (older versions lack it)
            items["frontier"] = json.dumps(_plain(self.frontier))
        if self.strategy is not None:  # audited once changed on the Strategy page
            items["strategy"] = json.dumps(self.strategy.to_dict(), sort_keys=True)
        for key, value in self.what_ifs:
            items[f"what-if {key}"] = json.dumps(value)
        return items

    # -- JSON ---------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        s = self.scoring
        out: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "workbook_sha256": self.workbook_sha256,
            "method": str(s.method),
            "price_formula": str(s.price_formula),
            "price_floor": s.price_floor,
            "price_ceiling": s.price_ceiling,
            "weights": dict(s.weights),
            "weighting": str(self.weight_input.mode),
            "sla_gate": s.sla_gate,
            "what_ifs": dict(self.what_ifs),
            "edited_award": None if self.edited_award is None else dict(self.edited_award),
            "robustness": _plain(self.robustness),
            "simulation": _plain(self.simulation),
            **({} if self.frontier == FrontierOptions() else {"frontier": _plain(self.frontier)}),
            **({} if self.strategy is None else {"strategy": self.strategy.to_dict()}),
            "consensus": str(self.consensus),
            "panel": {
                "through": dict(zip(("scores", "moderations", "findings", "narratives"),
                                    (*self.panel.through, 0, 0, 0, 0)[:4], strict=True)),
                "scores": [{"evaluator": p.evaluator, "vendor": p.vendor, "lot": p.lot,
                            "criterion": p.criterion, "score": p.score, "rationale": p.rationale,
                            "at": p.at} for p in self.panel.scores],
                "moderations": [{"vendor": m.vendor, "lot": m.lot, "criterion": m.criterion,
                                 "value": m.value, "rationale": m.rationale, "by": m.by, "at": m.at}
                                for m in self.panel.moderations],
                "findings": [{"entry": f.entry, "evaluator": f.evaluator, "vendor": f.vendor,
                              "lot": f.lot, "criterion": f.criterion, "kind": f.kind,
                              "text": f.text, "reference": f.reference, "at": f.at}
                             for f in self.panel.findings],
                "narratives": [{"vendor": n.vendor, "lot": n.lot, "criterion": n.criterion,
                                "text": n.text, "by": n.by, "at": n.at}
                               for n in self.panel.narratives],
            },
        }
        out.update(_weight_inputs(self.weight_input))
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> Evaluation:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise EvaluationError(f"not JSON ({exc})") from exc
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Any, *, workbook_sha256: str = "") -> Evaluation:
        """Read the JSON above, or the settings of a version saved before this format (with
        ``workbook_sha256`` telling which snapshot they belong to)."""
        if not isinstance(data, dict):
            raise EvaluationError("expected a JSON object")
        if data.get("format") != FORMAT:
            return _legacy(data, workbook_sha256)
        if data.get("format_version") != FORMAT_VERSION:
            raise EvaluationError(f"format_version {data.get('format_version')!r} is not one this "
                                  f"version reads ({FORMAT_VERSION})")
        r = _Reader(data)
        sha = r.text("workbook_sha256")
        scoring = Scoring(
            method=r.choice("method", Method),
            price_formula=r.choice("price_formula", PriceFormula),
            price_floor=r.number("price_floor", optional=True),
            price_ceiling=r.number("price_ceiling", optional=True),
            weights=tuple((str(k), r.finite(f"weights.{k}", v)) for k, v in r.mapping(
                "weights", optional=data.get("weighting", "points") != "points").items()),
            sla_gate=r.flag("sla_gate"),
        )
        mode = r.choice("weighting", WeightMode, default=WeightMode.POINTS)
        weight_input = _read_weight_inputs(r, mode)
        what_ifs = r.mapping("what_ifs", optional=True)
        for name, value in what_ifs.items():
            if name in SPECS and (why := SPECS[name].problem(value)) is not None:
                raise EvaluationError(f"what_ifs.{name}: {SPECS[name].label} {why}")
        award = r.get("edited_award")
        if award is not None and not (isinstance(award, dict)
                                      and all(isinstance(v, str) for v in award.values())):
            raise EvaluationError("edited_award: expected an object of component: vendor, or null")
        rob = r.mapping("robustness", optional=True)
        sim = r.mapping("simulation", optional=True)
        front = r.mapping("frontier", optional=True)
        panel = r.mapping("panel", optional=True)
        strategy = None
        if data.get("strategy") is not None:
            try:
                strategy = Assessment.from_dict(data["strategy"])
            except ValueError as exc:
                raise EvaluationError(f"strategy: {exc}") from exc
        ev = cls(
            workbook_sha256=sha,
            scoring=scoring,
            weight_input=weight_input,
            what_ifs=tuple(sorted((str(k), SPECS[k].coerce(v) if k in SPECS else v)
                                  for k, v in what_ifs.items())),
            edited_award=None if award is None else tuple(award.items()),
            consensus=r.choice("consensus", Consensus, default=Consensus.MEDIAN),
            panel=_panel(panel),
            robustness=RobustnessOptions(
                draws=_whole(rob.get("draws", 10_000), "robustness.draws", 1),
                seed=_whole(rob.get("seed", 0), "robustness.seed", 0),
                weights=_choice(rob.get("weights", "stated"), DrawModel, "robustness.weights"),
                concentration=_positive(rob.get("concentration", 100.0), "robustness.concentration")),
            simulation=SimulationOptions(
                draws=_whole(sim.get("draws", 100_000), "simulation.draws", 1),
                seed=_whole(sim.get("seed", 0), "simulation.seed", 0)),
            frontier=_frontier_options(front),
            strategy=strategy,
        )
        problems = ev.problems()
        if problems:
            key, message, _ = problems[0]
            raise EvaluationError(f"{key}: {message}")
        return ev

    def describe(self) -> str:
        """The choices in words (for the save form and the report)."""
        s = self.scoring
        formula = PRICE_FORMULA_LABELS[s.price_formula]
        if s.price_formula == PriceFormula.LINEAR and s.price_floor is not None \
                and s.price_ceiling is not None:
            formula += f" (floor {s.price_floor:,.0f}, ceiling {s.price_ceiling:,.0f})"
        parts = [METHOD_LABELS[s.method], f"price formula {formula}",
                 "weights " + ", ".join(f"{k} {v:.1%}" for k, v in s.normalised_weights().items())]
        if s.sla_gate:
            parts.append("a mission-grade SLA required")
        if self.what_ifs:
            parts.append("what-ifs " + ", ".join(f"{SPECS[k].label.lower()} {SPECS[k].show(v)}"
                                                 for k, v in self.what_ifs))
        if self.edited_award is not None:
            parts.append("a hand-edited award (" + ", ".join(f"{c}: {v}" for c, v in self.edited_award)
                         + ")")
        parts.append(f"{self.consensus} consensus")
        return "; ".join(parts)


def _weight_inputs(wi: WeightInput) -> dict[str, Any]:
    """The weighting method's inputs as the JSON holds them (none for direct points)."""
    out: dict[str, Any] = {}
    if wi.mode == WeightMode.RANK_ORDER:
        out["importance_ranks"] = dict(wi.ranks)
        if wi.factor_ranks:
            out["factor_ranks"] = dict(wi.factor_ranks)
    elif wi.mode == WeightMode.SWING:
        out["swing"] = dict(wi.swing)
        if wi.factor_swing:
            out["factor_swing"] = dict(wi.factor_swing)
    elif wi.mode == WeightMode.AHP:
        out["ahp"] = [{"between": j.kind, "member": j.member, "a": j.a, "b": j.b, "value": j.value}
                      for j in wi.judgements]
    return out


def _read_weight_inputs(r: _Reader, mode: WeightMode) -> WeightInput:
    """The weighting method's inputs, each checked for its type (their sense is checked
    against the workbook's criteria and factors by ``Evaluation.problems``)."""
    def ranks(key: str) -> tuple[tuple[str, int], ...]:
        return tuple((str(k), _whole(v, f"{key}.{k}", 1))
                     for k, v in r.mapping(key, optional=True).items())

    def ratings(key: str) -> tuple[tuple[str, float], ...]:
        return tuple((str(k), r.finite(f"{key}.{k}", v)) for k, v in r.mapping(key, optional=True).items())

    judgements = []
    given = r.get("ahp") or []
    if not isinstance(given, list):
        raise EvaluationError("ahp: expected a list of judgements")
    for i, j in enumerate(given):
        if not isinstance(j, dict) or not all(isinstance(j.get(k), str) for k in ("a", "b")):
            raise EvaluationError(f"ahp[{i}]: expected an object with a, b and value")
        between = _choice(j.get("between", CRITERIA), _Between, f"ahp[{i}].between")
        judgements.append(Judgement(str(between), str(j.get("member", "")), j["a"], j["b"],
                                    r.finite(f"ahp[{i}].value", j.get("value"))))
    if mode == WeightMode.AHP and not judgements:
        raise EvaluationError("ahp: weighting by AHP needs the pairwise judgements")
    return WeightInput(mode, ranks("importance_ranks"), ranks("factor_ranks"), ratings("swing"),
                       ratings("factor_swing"), tuple(judgements))


class _Between(StrEnum):
    FACTORS = FACTORS
    CRITERIA = CRITERIA


def _frontier_options(data: dict[str, Any]) -> FrontierOptions:
    """The frontier's options as JSON gives them, each checked (a missing one: its default)."""
    def optional(key: str, low: float, high: float, whole: bool = False) -> Any:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                low <= value <= high) or (whole and value != int(value)):
            raise EvaluationError(f"frontier.{key}: expected {'a whole number' if whole else 'a number'} "
                                  f"from {low:g} to {high:g}")
        return int(value) if whole else float(value)

    points = optional("points", 2, 100, whole=True)
    return FrontierOptions(
        points=20 if points is None else points, budget=optional("budget", 0, MAX_FIGURE),
        min_vendors=optional("min_vendors", 1, 10_000, whole=True),
        min_component_quality=optional("min_component_quality", 0, 1),
        quality_price=optional("quality_price", 0, MAX_FIGURE))


def _plain(obj: Any) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, StrEnum) else v) for k, v in vars(obj).items()}


class _Reader:
    """Typed reads of a JSON object, each failure naming the key."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if not isinstance(value, str) or not value:
            raise EvaluationError(f"{key}: expected text")
        return value

    def choice(self, key: str, enum: type[StrEnum], default: Any = None) -> Any:
        value = self.data.get(key, default)
        return _choice(value, enum, key)

    def number(self, key: str, *, optional: bool = False) -> float | None:
        value = self.data.get(key)
        if value is None and optional:
            return None
        return self.finite(key, value)

    def finite(self, key: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise EvaluationError(f"{key}: expected a finite number, not {value!r}")
        return float(value)

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise EvaluationError(f"{key}: expected true or false")
        return value

    def mapping(self, key: str, *, optional: bool = False) -> dict[str, Any]:
        value = self.data.get(key)
        if value is None and optional:
            return {}
        if not isinstance(value, dict):
            raise EvaluationError(f"{key}: expected an object")
        return value


def _choice(value: Any, enum: type[StrEnum], key: str) -> Any:
    try:
        return enum(str(value).casefold())
    except ValueError:
        raise EvaluationError(f"{key}: {value!r} is not one of "
                              f"{', '.join(e.value for e in enum)}") from None


def _whole(value: Any, key: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer() \
            or value < minimum:
        raise EvaluationError(f"{key}: expected a whole number of {minimum} or more")
    return int(value)


def _positive(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 \
            or not math.isfinite(value):
        raise EvaluationError(f"{key}: expected a number above 0")
    return float(value)


def _panel(data: Mapping[str, Any]) -> PanelRecord:
    through = data.get("through") or {}
    try:
        scores = tuple(PanelScore(str(s["evaluator"]), str(s["vendor"]), str(s["lot"]),
                                  str(s["criterion"]), float(s["score"]), str(s.get("rationale", "")),
                                  0, str(s.get("at", "")))
                       for s in data.get("scores", ()))
        mods = tuple(Moderation(str(m["vendor"]), str(m["lot"]), str(m["criterion"]),
                                None if m.get("value") is None else float(m["value"]),
                                str(m.get("rationale", "")), str(m.get("by", "")), str(m.get("at", "")))
                     for m in data.get("moderations", ()))
        findings = tuple(Finding(str(f["vendor"]), str(f["lot"]), str(f["criterion"]),
                                 str(f["kind"]), str(f["text"]), str(f.get("reference", "")),
                                 str(f.get("evaluator", "")), 0, int(f.get("entry", 0)),
                                 str(f.get("at", "")))
                         for f in data.get("findings", ()))
        narratives = tuple(Narrative(str(n["vendor"]), str(n["lot"]), str(n["criterion"]),
                                     str(n["text"]), str(n.get("by", "")), str(n.get("at", "")))
                           for n in data.get("narratives", ()))
        point = tuple(int(through.get(k, 0))
                      for k in ("scores", "moderations", "findings", "narratives"))
    except (KeyError, TypeError, ValueError) as exc:
        raise EvaluationError(f"panel: an entry is incomplete or not a number ({exc})") from exc
    if any(not math.isfinite(s.score) for s in scores):
        raise EvaluationError("panel: every score must be a finite number")
    unknown = sorted({f.kind for f in findings} - set(FINDING_KINDS))
    if unknown:
        raise EvaluationError(f"panel: '{unknown[0]}' is not a kind of finding")
    return PanelRecord(scores, mods, point, findings, narratives)


def _legacy(data: dict[str, Any], workbook_sha256: str) -> Evaluation:
    """Settings saved before the evaluation format: method, formula, bounds, weights, gate and
    scenario what-ifs. The panel record is not in them (the store reconstructs it)."""
    r = _Reader(data)
    try:
        scoring = Scoring(
            method=r.choice("method", Method, default=Method.TOPSIS),
            price_formula=r.choice("price_formula", PriceFormula, default=PriceFormula.LOWEST_RATIO),
            price_floor=r.number("price_floor", optional=True),
            price_ceiling=r.number("price_ceiling", optional=True),
            weights=tuple((str(k), r.finite(f"weights.{k}", v))
                          for k, v in r.mapping("weights", optional=True).items()),
            sla_gate=bool(data.get("sla_gate", False)),
        )
    except ValueError as exc:
        raise EvaluationError(str(exc)) from exc
    total = sum(v for _, v in scoring.weights)
    if scoring.weights and abs(total - 1.0) < 1e-9:  # saved as fractions: shown as percentage points
        scoring = replace(scoring, weights=tuple((k, 100.0 * v) for k, v in scoring.weights))
    scenario = r.mapping("scenario", optional=True)
    unknown = [k for k in scenario if k not in WHAT_IFS]
    if unknown:
        raise EvaluationError(f"scenario: unknown setting {', '.join(unknown)}")
    return Evaluation(workbook_sha256 or str(data.get("workbook_sha256", "")), scoring,
                      what_ifs=tuple(sorted((k, SPECS[k].coerce(v)) for k, v in scenario.items())))


def is_legacy(data: Mapping[str, Any]) -> bool:
    """Whether stored settings predate the evaluation format (no panel record in them)."""
    return data.get("format") != FORMAT


def complete(ev: Evaluation, bidset: BidSet) -> Evaluation:
    """``ev`` with a weight for every criterion of ``bidset`` (criteria it does not name keep the
    workbook's weight), in the workbook's criteria order."""
    points = {c.name: float(c.weight) for c in bidset.criteria}
    given = dict(ev.scoring.weights)
    if not given and ev.weight_input.mode != WeightMode.POINTS:  # derived from the method's inputs
        given = ev.weight_input.weights(bidset.groups, bidset.factor_names)
    points.update({k: v for k, v in given.items() if k in points})
    ordered = tuple(points.items())
    if ordered == ev.scoring.weights:
        return ev
    return ev.with_scoring(weights=ordered)


def check(ev: Evaluation, bidset: BidSet) -> Evaluation:
    """``complete(ev, bidset)``, or EvaluationError naming the first problem."""
    problems = ev.problems(bidset)
    if problems:
        _, message, fix = problems[0]
        raise EvaluationError(f"{message}. {fix}")
    return complete(ev, bidset)
