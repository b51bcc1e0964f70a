"""Every figure of one evaluation, derived from the workbook as read and one Evaluation value.

:class:`Results` is what the pages, the Excel report and the command line read: the ranking,
the panel's consensus cells, the award scenarios with their cost distributions, robustness, the
SLA matrix and the governance check. Each part is computed on first use. A ``memo`` (the app's
process-wide cache) may share parts between sessions; it keys each part on the projection of
the evaluation that the part depends on (``Evaluation.key``), so that changing a what-if does
not recompute robustness, and nothing is keyed on anything but the evaluation itself.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from scoring.compliance import Governance, SLAResult, governance, sla_matrix
from scoring.evaluation import Evaluation, EvaluationError, check
from scoring.frontier import Frontier
from scoring.mcda import Ranking, rank
from scoring.model import BUNDLE_LOT, BidSet, lot_name
from scoring.panel import Cell, applied
from scoring.record import Check
from scoring.record import checks as record_checks
from scoring.scenarios import (
    Context,
    CostDistribution,
    Scenario,
    ScenarioError,
    compare,
    optimized,
    simulate,
)
from scoring.settings import SPECS
from scoring.strategy import Summary, summary

T = TypeVar("T")
Memo = Callable[[str, Hashable, Callable[[], Any]], Any]


@dataclass(frozen=True)
class Scenarios:
    """The award scenarios (monolithic, modular, optimized, and the edited award when set)."""

    scenarios: tuple[Scenario, ...] = ()
    distributions: dict[str, CostDistribution] | None = None
    unavailable: str = ""  # why there are no scenarios (e.g. no Components sheet)

    def named(self, name: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.name == name), None)


@dataclass(frozen=True)
class Robustness:
    models: list[Any]  # sensitivity.LotModel
    acceptability: list[Any]  # sensitivity.Acceptability
    stability: dict[str, dict[str, tuple[float, float]]]
    reversals: list[Any]  # sensitivity.Reversal
    # the evaluators' disagreement (empty without panel cells two evaluators or more scored):
    by_scores: list[Any] = field(default_factory=list)  # scores drawn, weights as stated
    by_both: list[Any] = field(default_factory=list)  # scores and weights drawn
    ranges: list[Any] = field(default_factory=list)  # sensitivity.RangeCheck, with published ranges

    def first_chances(self) -> list[tuple[str, str, float, float | None, float | None]]:
        """(lot, vendor, chance of ranking first with the weights drawn, with the evaluators'
        scores drawn, with both), for every ranked bid."""
        scores = {(a.lot, v): p for a in self.by_scores for v, p in a.win_probability().items()}
        both = {(a.lot, v): p for a in self.by_both for v, p in a.win_probability().items()}
        return [(a.lot, v, p, scores.get((a.lot, v)), both.get((a.lot, v)))
                for a in self.acceptability for v, p in a.win_probability().items()]


@dataclass(frozen=True)
class AwardCheck:
    """The governance rule applied to one award: its total and whether it is flagged."""

    award: str
    total: float
    check: Governance


class Results:
    """The figures of ``evaluation`` on ``bidset`` (the workbook as read, before the panel)."""

    def __init__(self, bidset: BidSet, evaluation: Evaluation, memo: Memo | None = None) -> None:
        self.evaluation = check(evaluation, bidset)
        self.workbook = bidset
        self._memo = memo
        self._local: dict[tuple[str, Hashable], Any] = {}

    def _part(self, part: str, compute: Callable[[], T]) -> T:
        key = self.evaluation.key(part)
        if self._memo is not None:
            return self._memo(part, key, compute)  # type: ignore[no-any-return]
        if (part, key) not in self._local:
            self._local[(part, key)] = compute()
        return self._local[(part, key)]  # type: ignore[no-any-return]

    # -- the parts ------------------------------------------------------------------------------
    def _panel(self) -> tuple[BidSet, list[Cell]]:
        ev = self.evaluation
        return self._part("panel", lambda: applied(
            self.workbook, ev.panel.scores, ev.panel.moderations, ev.consensus,
            findings=ev.panel.findings, narratives=ev.panel.narratives))

    @property
    def bidset(self) -> BidSet:
        """The bids as the ranking uses them: the panel's consensus in place, the what-ifs set."""
        scored, _ = self._panel()
        return replace(scored, settings=self.evaluation.settings(scored.settings))

    @property
    def cells(self) -> list[Cell]:
        """Every (bid, criterion) the panel scored: the workbook's Scores and the app's entries."""
        return self._panel()[1]

    @property
    def record(self) -> list[Check]:
        """The record checks: what the panel's written record still lacks (advisory)."""
        def compute() -> list[Check]:
            from scoring.mcda import ScoringError

            ev = self.evaluation
            try:
                ranking: Ranking | None = self.ranking
            except ScoringError:
                ranking = None
            scored, cells = self._panel()
            return record_checks(self.workbook, scored, cells, ranking, entered=ev.panel.scores,
                                 moderations=ev.panel.moderations, consensus=ev.consensus,
                                 scoring=ev.scoring)
        return self._part("record", compute)

    @property
    def technical_record(self) -> list[Check]:
        """The record checks that do not rest on the ranking (none about the winner or about
        bids still ranked): what a panel may see while the prices are sealed."""
        def compute() -> list[Check]:
            ev = self.evaluation
            scored, cells = self._panel()
            return record_checks(self.workbook, scored, cells, None, entered=ev.panel.scores,
                                 moderations=ev.panel.moderations, consensus=ev.consensus)
        return self._part("technical_record", compute)

    @property
    def ranking(self) -> Ranking:
        """Raises ScoringError when the figures cannot be scored with the method chosen."""
        return self._part("ranking", lambda: rank(self._panel()[0], self.evaluation.scoring))

    @property
    def strategy(self) -> Summary | None:
        """The delivery strategy's figures (model fit, allocation, value for money), or None
        when neither the workbook nor the Strategy page assesses it."""
        a = self.evaluation.assessment(self.workbook)
        return None if a is None else self._part("strategy", lambda: summary(a))

    @property
    def frontier(self) -> Frontier:
        """The best-value frontier under the caps, the what-ifs and the frontier's options (with
        the reason in ``unavailable`` when there is none: kept, not computed again each run).
        Raises ScoringError when the bids cannot be ranked."""
        from scoring.frontier import FrontierError, Options, frontier

        o = self.evaluation.frontier

        def compute() -> Frontier:  # the bids with the what-ifs' settings (``bidset``)
            try:
                return solve()
            except (FrontierError, ScenarioError) as exc:
                return Frontier((), unavailable=str(exc))

        def solve() -> Frontier:
            return frontier(Context(self.bidset, self.ranking), o.points, Options(
                budget=o.budget, min_vendors=o.min_vendors,
                min_component_quality=o.min_component_quality, quality_price=o.quality_price))
        return self._part("frontier", compute)

    @property
    def scenarios(self) -> Scenarios:
        return self._part("scenarios", self._scenarios)

    def _scenarios(self) -> Scenarios:
        bidset, ev = self.bidset, self.evaluation
        try:
            ranking = self.ranking
            solved = self._part("optimized", lambda: optimized(Context(bidset, ranking,
                                                                        bidset.settings)))
            found = compare(bidset, ranking, bidset.settings,
                            dict(ev.edited_award) if ev.edited_award is not None else None,
                            solved=solved)
        except ScenarioError as exc:
            return Scenarios(unavailable=str(exc))
        dist = simulate(Context(bidset, ranking, bidset.settings), found,
                        draws=ev.simulation.draws, seed=ev.simulation.seed)
        return Scenarios(tuple(found), dist)

    def robustness(self, progress: Callable[[float], None] | None = None) -> Robustness:
        return self._part("robustness", lambda: self._robustness(progress))

    def _robustness(self, progress: Callable[[float], None] | None) -> Robustness:
        from scoring.sensitivity import (
            acceptability,
            lot_models,
            published_bounds,
            range_checks,
            rank_reversal,
            score_acceptability,
            score_models,
            stability_table,
        )

        scored, cells = self._panel()
        ev = self.evaluation
        models = lot_models(scored, ev.scoring)
        r = ev.robustness
        drawn, evaluators = score_models(scored, models, cells, ev.consensus, ev.scoring,
                                         self.ranking)
        passes = 3 if any(m.movable for m in drawn) else 1

        def part(k: int) -> Callable[[float], None] | None:  # progress over the passes
            return None if progress is None else (lambda x: progress((k + x) / passes))

        bounds = published_bounds(scored.criteria) if models else None
        acc = acceptability(models, draws=r.draws, seed=r.seed, mode=r.weights,
                            concentration=r.concentration, bounds=bounds, progress=part(0))
        by_scores: list[Any] = []
        by_both: list[Any] = []
        if passes == 3:
            options = dict(draws=r.draws, seed=r.seed, mode=r.weights, concentration=r.concentration,
                           bounds=bounds)
            by_scores = score_acceptability(models, drawn, evaluators, uncertainty="scores",
                                            progress=part(1), **options)  # type: ignore[arg-type]
            by_both = score_acceptability(models, drawn, evaluators, uncertainty="both",
                                          progress=part(2), **options)  # type: ignore[arg-type]
        ranges: list[Any] = []
        if bounds is not None:  # the winner against the published ranges, whatever the draws
            inside = acc if r.weights == "ranges" else acceptability(
                models, draws=r.draws, seed=r.seed, mode="ranges", bounds=bounds)
            ranges = range_checks(models, bounds, inside)
        return Robustness(models, acc, stability_table(models), rank_reversal(scored, ev.scoring),
                          by_scores, by_both, ranges)

    def settings_in_use(self) -> list[tuple[str, object, str]]:
        """Every setting as the figures use it: (key, value, where it comes from), the source
        being the evaluation's choice (method, formula, bounds), a what-if, or the workbook."""
        workbook, ev = self.workbook.settings, self.evaluation
        chosen = {"method": ev.scoring.method, "price_formula": ev.scoring.price_formula,
                  "price_floor": ev.scoring.price_floor, "price_ceiling": ev.scoring.price_ceiling}
        what_ifs = dict(ev.what_ifs)
        out: list[tuple[str, object, str]] = []
        for key in SPECS:
            if key in chosen:
                value = chosen[key]
                out.append((key, value, "workbook" if value == getattr(workbook, key) else "chosen"))
            elif key in what_ifs:
                out.append((key, what_ifs[key], "what-if"))
            else:
                out.append((key, getattr(workbook, key), "workbook"))
        return out

    @property
    def sla(self) -> list[SLAResult]:
        return sla_matrix(self.workbook)

    @property
    def awards(self) -> list[AwardCheck]:
        """The governance check of every award on offer (the one definition of 'total award').

        With a Components sheet: each available scenario's total of awarded prices. Without one:
        the highest-ranked bid of every lot other than bundles, taken together, and the
        highest-ranked bundle bid on its own; a tie at the top is broken as in the scenarios
        (lower price, then the vendor's name).
        """
        settings, okrs = self.bidset.settings, self.workbook.okrs
        found = self.scenarios
        if found.scenarios:
            totals = [(s.name.capitalize() + " award", s.figures.total_price)
                      for s in found.scenarios if s.figures is not None]
        else:
            totals = award_totals(self.ranking)
        return [AwardCheck(label, total, governance(total, okrs, settings.okr_threshold))
                for label, total in totals]


def award_totals(ranking: Ranking) -> list[tuple[str, float]]:
    """Awards of the highest-ranked bids when there is no Components sheet (see Results.awards)."""
    out: list[tuple[str, float]] = []
    lots = [lot for lot in ranking.lots if lot != BUNDLE_LOT]
    picks = [ranking.award_pick(lot) for lot in lots]
    if lots and all(p is not None for p in picks):
        label = ("Highest-ranked bid" if len(lots) == 1 and lots[0] == ""
                 else "Highest-ranked bid in every lot")
        out.append((label, sum(p.price for p in picks if p is not None)))
    if BUNDLE_LOT in ranking.lots and (p := ranking.award_pick(BUNDLE_LOT)) is not None:
        out.append((f"Highest-ranked bid, {lot_name(BUNDLE_LOT)}", p.price))
    return out


def results(bidset: BidSet, evaluation: Evaluation | None = None, memo: Memo | None = None) -> Results:
    """Results of ``evaluation`` (by default the workbook's own settings)."""
    return Results(bidset, evaluation or Evaluation.of(bidset), memo)


__all__ = ["AwardCheck", "EvaluationError", "Results", "Robustness", "Scenarios", "award_totals",
           "results"]
