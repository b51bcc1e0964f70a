"""Evaluation panel: consensus per (bid, criterion), spread flags, moderation.

Consensus is the median of the evaluators' scores (the mean on request) unless the chair
recorded a moderated value with a written rationale. A cell whose evaluator range reaches
``spread_flag_pct`` of the criterion's scale range is flagged for the consensus meeting; one
that reaches ``spread_watch_pct`` (a lower level) but not the flag is marked to watch.
"""

from __future__ import annotations

import statistics
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from scoring.model import Bid, BidSet, Finding, PanelScore, fold, lot_name


class Consensus(StrEnum):
    MEDIAN = "median"
    MEAN = "mean"


CONSENSUS_METHODS: tuple[Consensus, ...] = tuple(Consensus)


@dataclass(frozen=True)
class Moderation:
    vendor: str
    lot: str
    criterion: str
    value: float | None  # None: the chair withdrew an earlier moderation
    rationale: str
    by: str = ""
    at: str = ""


@dataclass(frozen=True)
class Narrative:
    """The chair's consensus narrative for a cell: why the panel agreed the score it did."""

    vendor: str
    lot: str
    criterion: str
    text: str
    by: str = ""
    at: str = ""


@dataclass(frozen=True)
class Assignment:
    """The lots and criteria the chair assigned an evaluator to score (empty: every one). An
    evaluator without an assignment scores every cell."""

    evaluator: str
    criteria: tuple[str, ...] = ()
    lots: tuple[str, ...] = ()
    by: str = ""
    at: str = ""

    def covers(self, lot: str, criterion: str) -> bool:
        """Whether the cell of ``lot`` and ``criterion`` is the evaluator's to score."""
        return ((not self.criteria or fold(criterion) in {fold(c) for c in self.criteria})
                and (not self.lots or fold(lot) in {fold(x) for x in self.lots}))

    def describe(self) -> str:
        """In words: 'Technical, Staffing in Analytics' / 'every criterion in every lot'."""
        crit = ", ".join(self.criteria) if self.criteria else "every criterion"
        lots = ", ".join(lot_name(x) for x in self.lots) if self.lots else "every lot"
        return f"{crit} · {lots}"


@dataclass(frozen=True)
class Progress:
    """How far one evaluator (or one criterion, over its evaluators) has got with its cells."""

    name: str
    assigned: int  # cells to score
    scored: int  # of those, scored
    reasoned: int  # of those, scored with a written rationale
    findings: int  # findings recorded (on any cell)
    outside: int = 0  # scores on cells not assigned to them (kept, and counted in consensus)

    @property
    def share(self) -> float:
        """The share of the assigned cells scored (1 when none is assigned)."""
        return self.scored / self.assigned if self.assigned else 1.0


def assigned_cells(bidset: BidSet, assignment: Assignment | None) -> list[tuple[Bid, str]]:
    """The (bid, criterion) cells an evaluator scores: every bid's every non-price criterion
    their assignment covers (every one without an assignment)."""
    return [(b, c.name) for b in bidset.bids for c in bidset.criteria
            if not c.is_price and (assignment is None or assignment.covers(b.lot, c.name))]


def progress(bidset: BidSet, scores: Sequence[PanelScore], findings: Sequence[Finding],
             assignments: Mapping[str, Assignment], evaluators: Sequence[str], *,
             implicit: Collection[str] = ()) -> tuple[list[Progress], list[Progress]]:
    """Per evaluator and per criterion: assigned cells, those scored, those with a rationale,
    and findings recorded; per evaluator also their scores outside their cells (kept in the
    record, and counted in consensus, from before an assignment narrowed). ``scores`` are every
    evaluator's latest (the Scores sheet's with the app's entries in place), ``findings`` those
    in effect, ``assignments`` keyed by the folded evaluator. An evaluator named in
    ``implicit`` (one who scored in the Scores sheet only) is expected, without an assignment,
    on the lots and criteria they scored, as the record checks expect them."""
    index = _BidIndex(bidset)
    given: dict[tuple[str, int, str], str] = {}  # (evaluator, bid, criterion) -> rationale
    for s in scores:
        bid = index.find(s.vendor, s.lot)
        if bid is not None:
            given[(fold(s.evaluator), id(bid), fold(s.criterion))] = s.rationale.strip()
    found: dict[str, int] = {}
    for f in findings:
        found[fold(f.evaluator)] = found.get(fold(f.evaluator), 0) + 1
    by_criterion: dict[str, list[int]] = {c.name: [0, 0, 0, 0] for c in bidset.criteria
                                           if not c.is_price}
    bids = {id(b): b for b in bidset.bids}
    people = []
    implied = {fold(e) for e in implicit}
    for e in evaluators:
        cells = assigned_cells(bidset, assignments.get(fold(e)))
        if fold(e) in implied and fold(e) not in assignments:
            pairs = {(fold(bids[b].lot), c) for who, b, c in given if who == fold(e)}
            cells = [(b, n) for b, n in cells if (fold(b.lot), fold(n)) in pairs]
        scored = reasoned = 0
        for bid, name in cells:
            why = given.get((fold(e), id(bid), fold(name)))
            tally = by_criterion[name]
            tally[0] += 1
            if why is not None:
                scored += 1
                tally[1] += 1
                if why:
                    reasoned += 1
                    tally[2] += 1
        mine = sum(1 for who, _, _ in given if who == fold(e))
        people.append(Progress(e, len(cells), scored, reasoned, found.get(fold(e), 0),
                               outside=mine - scored))
    names = {fold(n): n for n in by_criterion}
    for f in findings:
        if fold(f.criterion) in names:
            by_criterion[names[fold(f.criterion)]][3] += 1
    return people, [Progress(name, *t) for name, t in by_criterion.items() if t[0] or t[3]]


@dataclass(frozen=True)
class Cell:
    vendor: str
    lot: str
    criterion: str
    score: float  # the consensus value ranking uses
    scores: Mapping[str, float] = field(default_factory=dict)  # evaluator -> score
    range: float = 0.0
    spread_pct: float = 0.0  # range as % of the criterion's scale range
    flagged: bool = False
    watched: bool = False  # the range reaches the watch level (spread_watch_pct), not the flag
    moderated: bool = False
    rationale: str = ""  # the chair's, when moderated
    narrative: str = ""  # the chair's consensus narrative, when written

    def to_record(self) -> dict[str, Any]:
        return {"vendor": self.vendor, "lot": self.lot, "criterion": self.criterion,
                "score": self.score, "scores": dict(self.scores), "range": self.range,
                "spread_pct": self.spread_pct, "flagged": self.flagged, "watched": self.watched,
                "moderated": self.moderated, "rationale": self.rationale,
                "narrative": self.narrative}


class _BidIndex:
    """The bids by vendor (folded), built once per call: finding a score's bid is a lookup,
    not a scan of every bid."""

    def __init__(self, bidset: BidSet) -> None:
        self.by_vendor: dict[str, list[Bid]] = {}
        for b in bidset.bids:
            self.by_vendor.setdefault(fold(b.vendor), []).append(b)

    def find(self, vendor: str, lot: str) -> Bid | None:
        """The one bid a score names (None when it names none, or several)."""
        found = self.by_vendor.get(fold(vendor), [])
        if lot:
            found = [b for b in found if fold(b.lot) == fold(lot)]
        return found[0] if len(found) == 1 else None


def consensus(
    bidset: BidSet,
    scores: Sequence[PanelScore],
    *,
    method: str = Consensus.MEDIAN,
    moderations: Sequence[Moderation] = (),
    narratives: Sequence[Narrative] = (),
    spread_flag_pct: float | None = None,
) -> list[Cell]:
    """One cell per (bid, criterion) that evaluators scored, in bid then criterion order (with
    the chair's latest narrative for each, when written)."""
    if method not in CONSENSUS_METHODS:
        raise ValueError(f"consensus must be one of {', '.join(CONSENSUS_METHODS)}")
    flag_pct = bidset.settings.spread_flag_pct if spread_flag_pct is None else spread_flag_pct
    watch_pct = min(bidset.settings.spread_watch_pct, flag_pct)
    criteria = {fold(c.name): c for c in bidset.criteria}
    grouped: dict[tuple[int, str], dict[str, float]] = {}
    bids: dict[int, Bid] = {}
    index = _BidIndex(bidset)
    for s in scores:
        bid = index.find(s.vendor, s.lot)
        crit = criteria.get(fold(s.criterion))
        if bid is None or crit is None:
            continue
        bids[id(bid)] = bid
        grouped.setdefault((id(bid), crit.name), {})[s.evaluator] = float(s.score)
    observed: dict[str, list[float]] = {}
    for (_, name), by in grouped.items():
        observed.setdefault(name, []).extend(by.values())
    moderated = {(fold(m.vendor), fold(m.lot), fold(m.criterion)): m for m in moderations}
    narrated = {(fold(n.vendor), fold(n.lot), fold(n.criterion)): n.text for n in narratives}
    order = {id(b): i for i, b in enumerate(bidset.bids)}
    crit_order = {c.name: i for i, c in enumerate(bidset.criteria)}
    cells = []
    for (bid_id, name), by in sorted(grouped.items(), key=lambda kv: (order[kv[0][0]],
                                                                     crit_order[kv[0][1]])):
        bid, crit = bids[bid_id], criteria[fold(name)]
        values = list(by.values())
        spread = max(values) - min(values)
        if crit.has_scale:
            scale = float(crit.scale_max) - float(crit.scale_min)  # type: ignore[arg-type]
        else:  # no fixed scale: the range of all scores given on this criterion
            scale = max(observed[name]) - min(observed[name])
        pct = 100.0 * spread / scale if scale > 0 else 0.0
        agreed = statistics.median(values) if method == "median" else statistics.fmean(values)
        mod = moderated.get((fold(bid.vendor), fold(bid.lot), fold(name)))
        is_mod = mod is not None and mod.value is not None
        cells.append(Cell(
            vendor=bid.vendor, lot=bid.lot, criterion=name,
            score=float(mod.value) if is_mod else float(agreed),  # type: ignore[union-attr,arg-type]
            scores=dict(by), range=spread, spread_pct=pct,
            flagged=(flagged := scale > 0 and spread >= flag_pct / 100.0 * scale - 1e-12),
            watched=not flagged and scale > 0 and spread > 0
            and spread >= watch_pct / 100.0 * scale - 1e-12,
            moderated=is_mod, rationale=mod.rationale if is_mod else "",  # type: ignore[union-attr]
            narrative=narrated.get((fold(bid.vendor), fold(bid.lot), fold(name)), ""),
        ))
    return cells


def apply(bidset: BidSet, cells: Sequence[Cell]) -> BidSet:
    """The BidSet with each scored cell's consensus value in place of the Bids value."""
    by_bid: dict[tuple[str, str], dict[str, float]] = {}
    for c in cells:
        by_bid.setdefault((c.vendor, c.lot), {})[c.criterion] = c.score
    bids = tuple(
        replace(b, scores={**b.scores, **by_bid[(b.vendor, b.lot)]})
        if (b.vendor, b.lot) in by_bid else b
        for b in bidset.bids
    )
    return replace(bidset, bids=bids)


def merge_scores(bidset: BidSet, workbook: Sequence[PanelScore], entered: Sequence[PanelScore]
                 ) -> list[PanelScore]:
    """The workbook's Scores sheet with scores entered in the app in place of the same cell."""
    index = _BidIndex(bidset)

    def key(s: PanelScore) -> tuple[str, str, str, str]:
        bid = index.find(s.vendor, s.lot)
        lot = bid.lot if bid is not None else s.lot
        return (fold(s.evaluator), fold(s.vendor), fold(lot), fold(s.criterion))

    merged = {key(s): s for s in workbook}
    merged.update({key(s): s for s in entered})
    return list(merged.values())


def applied(bidset: BidSet, entered: Sequence[PanelScore], moderations: Sequence[Moderation],
            method: str = Consensus.MEDIAN, *, findings: Sequence[Finding] = (),
            narratives: Sequence[Narrative] = ()) -> tuple[BidSet, list[Cell]]:
    """The BidSet the ranking uses: every cell the panel scored (the workbook's Scores sheet with
    the app's entries in place of the same cells) at its consensus value, and the findings of
    the workbook's Findings sheet followed by those entered in the app; and those cells."""
    scores = merge_scores(bidset, bidset.panel_scores, entered) if entered else list(bidset.panel_scores)
    cells = consensus(bidset, scores, method=method, moderations=moderations, narratives=narratives)
    out = apply(bidset, cells) if cells else bidset
    if findings:
        index = _BidIndex(bidset)
        named = []
        for f in findings:  # as the bid it names writes its vendor and lot
            bid = index.find(f.vendor, f.lot)
            if bid is not None:
                named.append(replace(f, vendor=bid.vendor, lot=bid.lot))
        out = replace(out, findings=(*out.findings, *named))
    return out, cells
