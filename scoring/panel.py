"""Evaluation panel: consensus per (bid, criterion), spread flags, moderation.

Consensus is the median of the evaluators' scores (the mean on request) unless the chair
recorded a moderated value with a written rationale. A cell whose evaluator range reaches
``spread_flag_pct`` of the criterion's scale range is flagged for the consensus meeting; one
that reaches ``spread_watch_pct`` (a lower level) but not the flag is marked to watch.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from scoring.model import Bid, BidSet, Finding, PanelScore, fold


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
