"""Record checks: what a panel's written record still lacks before it is filed.

Each check is located to the cell it is about (the bid, lot and criterion, and the workbook row
where the entry came from a sheet) and says what to do. They are advisory: nothing here changes
a score or a ranking. The checks:

- ``no_rationale``: a consensus score no written rationale supports (no evaluator's score for
  the cell has one, the chair did not moderate it, and wrote no consensus narrative for it);
- ``deficiency_eligible``: a deficiency recorded against a bid that is still ranked (it passes
  every gate);
- ``extreme_without_finding``: a score at the top or the bottom of its criterion's scale with no
  finding on that bid and criterion;
- ``missing_score``: a cell the panel scored that one of its evaluators did not;
- ``moderation_decides``: a single moderation that, on its own, changes a lot's winner;
- ``evaluator_offset``: an evaluator whose scores sit consistently above or below the panel's;
- ``same_finding``: the same finding text given to two bids rated differently on that criterion.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from scoring.mcda import Ranking, ScoringError, rank
from scoring.model import ADVERSE_KINDS, BidSet, Finding, PanelScore, fold, lot_name
from scoring.panel import Cell, Moderation, _BidIndex, applied, merge_scores

CHECK_TITLES: dict[str, str] = {
    "no_rationale": "Consensus score without a rationale",
    "deficiency_eligible": "Deficiency on a bid that is still ranked",
    "extreme_without_finding": "Top or bottom score without a finding",
    "missing_score": "Evaluator's score missing",
    "moderation_decides": "One moderation decides a lot's winner",
    "evaluator_offset": "Evaluator consistently away from the others",
    "same_finding": "Same finding, different ratings",
}
OFFSET_Z = 2.0  # |z| at or above which an evaluator's mean offset is reported
OFFSET_MIN_CELLS = 3  # an offset over fewer cells says nothing


@dataclass(frozen=True)
class Check:
    """One open point of the record, located."""

    kind: str  # a key of CHECK_TITLES
    vendor: str
    lot: str
    criterion: str
    message: str
    fix: str
    where: str = ""  # the workbook cell or row the entry came from ("Findings!E4"), if any

    @property
    def title(self) -> str:
        return CHECK_TITLES[self.kind]

    @property
    def subject(self) -> str:
        """The bid and criterion it is about, as a person reads it."""
        parts = [_bid(self.vendor, self.lot) if self.vendor else ""]
        if self.criterion:
            parts.append(self.criterion)
        return " / ".join(p for p in parts if p)

    def to_record(self) -> dict[str, str]:
        return {"check": self.kind, "title": self.title, "vendor": self.vendor, "lot": self.lot,
                "criterion": self.criterion, "where": self.where, "message": self.message,
                "fix": self.fix}


@dataclass(frozen=True)
class EvaluatorOffset:
    """How far one evaluator's scores sit from the other evaluators' on the same cells."""

    evaluator: str
    cells: int
    mean_offset: float  # mean of (their score - the cell's median): a share of the scale
    # when the criteria's scales are given, else in points
    z: float  # mean offset over its standard error (0 when it cannot be estimated)


def _bid(vendor: str, lot: str) -> str:
    """A bid as a person names it: the vendor, with the lot when the evaluation has lots."""
    return f"{vendor} ({lot_name(lot)})" if lot else vendor


def _norm_text(text: str) -> str:
    return re.sub(r"\s+", " ", fold(text)).strip(" .;")


def scale_ranges(bidset: BidSet) -> dict[str, float]:
    """Each scaled criterion's range (scale_max - scale_min), by folded name."""
    return {fold(c.name): float(c.scale_max) - float(c.scale_min)  # type: ignore[arg-type]
            for c in bidset.criteria if c.has_scale}


def evaluator_offsets(cells: Sequence[Cell], scales: dict[str, float] | None = None
                      ) -> list[EvaluatorOffset]:
    """Per evaluator: over the cells at least three evaluators scored, the mean of their score
    minus the cell's median (of every evaluator's score: one outlier does not move it), and that
    mean's z-score (mean / (sd / sqrt(n))). With ``scales`` (criterion -> range), each offset is
    a share of its criterion's scale, so criteria scored 0-5 and 0-100 weigh alike (a criterion
    without a scale: a share of the range of the scores given on it, as the consensus flags
    spreads)."""
    scales = scales or {}
    observed: dict[str, list[float]] = {}  # a criterion without a scale: the scores' own range
    for c in cells:
        observed.setdefault(fold(c.criterion), []).extend(c.scores.values())
    offsets: dict[str, list[float]] = {}
    shown: dict[str, str] = {}  # an evaluator's name as first written
    for c in cells:
        if len(c.scores) < 3:
            continue
        middle = statistics.median(c.scores.values())
        seen = observed[fold(c.criterion)]
        span = (scales.get(fold(c.criterion), 0.0) if scales else 1.0) or (
            max(seen) - min(seen)) or 1.0
        for who, score in c.scores.items():
            shown.setdefault(fold(who), who)
            offsets.setdefault(fold(who), []).append((score - middle) / span)
    out = []
    for who, values in offsets.items():
        mean = statistics.fmean(values)
        sd = statistics.stdev(values) if len(values) > 1 else 0.0
        # every offset the same (sd 0): consistent by construction, unless it is 0; one cell
        # alone says nothing of consistency
        z = (0.0 if len(values) < 2 else mean / (sd / math.sqrt(len(values))) if sd > 0
             else math.copysign(math.inf, mean) if mean else 0.0)
        out.append(EvaluatorOffset(shown[who], len(values), mean, z))
    return sorted(out, key=lambda o: o.evaluator.casefold())


def _winner(ranking: Ranking, lot: str) -> tuple[str, float] | None:
    w = ranking.winner(lot)
    return None if w is None or w.score is None else (w.vendor, w.score)


def _first(ranking: Ranking, lot: str) -> str:
    """Who is first in a lot, in words: the bid, a tie between bids, or no eligible bid."""
    w = _winner(ranking, lot)
    if w is not None:
        return w[0]
    tied = [b.vendor for b in ranking.in_lot(lot) if b.rank == 1]
    return ("a tie between " + " and ".join(tied)) if tied else "no eligible bid"


def moderation_impacts(workbook: BidSet, scores: Sequence[PanelScore],
                       moderations: Sequence[Moderation], consensus: str, scoring: object,
                       ranking: Ranking) -> list[Check]:
    """Each moderation in effect that on its own changes its lot's winner: ranked again with
    that one moderation withdrawn (every other entry as it is)."""
    out = []
    effective = [m for m in moderations if m.value is not None]
    for m in effective:
        rest = [x for x in moderations if x is not m]
        without_bs, without_cells = applied(workbook, scores, rest, consensus)
        try:
            other = rank(without_bs, scoring)  # type: ignore[arg-type]
        except ScoringError:
            continue
        lot = next((b.lot for b in workbook.bids if fold(b.vendor) == fold(m.vendor)
                    and (not m.lot or fold(b.lot) == fold(m.lot))), m.lot)
        now = _winner(ranking, lot)
        if _first(ranking, lot) == _first(other, lot):
            continue
        unmoderated = next((c.score for c in without_cells if fold(c.vendor) == fold(m.vendor)
                            and fold(c.lot) == fold(lot)
                            and fold(c.criterion) == fold(m.criterion)), None)
        was = f" from {unmoderated:g}" if unmoderated is not None else ""
        gap = ""
        if now is not None:
            second = next((b for b in ranking.in_lot(lot) if b.eligible and b.vendor != now[0]
                           and b.score is not None), None)
            if second is not None:
                gap = (f"; {now[0]} now leads {second.vendor} by "
                       f"{abs(now[1] - second.score):.4f} "
                       f"({'Q' if ranking.lower_is_better else 'score'})")
        out.append(Check(
            "moderation_decides", m.vendor, lot, m.criterion,
            f"moderating this cell{was} to {m.value:g} changes who is first"
            f"{' in ' + lot_name(lot) if lot else ''} from {_first(other, lot)} to "
            f"{_first(ranking, lot)}{gap}",
            "Make sure the moderation's written rationale carries the award: it decides it "
            "on its own"))
    return out


def checks(workbook: BidSet, scored_bids: BidSet, cells: Sequence[Cell], ranking: Ranking | None,
           *, entered: Sequence[PanelScore] = (), moderations: Sequence[Moderation] = (),
           consensus: str = "median", scoring: object = None) -> list[Check]:
    """Every open point of the record, in bid order. ``workbook`` is the bid set as read (its
    Scores and Findings sheets), ``scored_bids`` the bids with the panel's consensus in place
    and ``cells`` that consensus (both as ``panel.applied`` gives them), ``ranking`` the ranking
    in use (None when it cannot be scored); ``entered`` and ``moderations`` the app's entries."""
    findings = scored_bids.findings  # the Findings sheet's, then those entered in the app
    strengths = {(fold(f.vendor), fold(f.lot), fold(f.criterion)) for f in findings
                 if f.kind not in ADVERSE_KINDS}
    adverse = {(fold(f.vendor), fold(f.lot), fold(f.criterion)) for f in findings
               if f.kind in ADVERSE_KINDS}
    scores = merge_scores(workbook, workbook.panel_scores, entered) if entered else list(
        workbook.panel_scores)
    index = _BidIndex(workbook)
    by_cell: dict[tuple[str, str, str], list[PanelScore]] = {}
    for s in scores:  # by the bid each names (a blank lot names a vendor's only bid)
        bid = index.find(s.vendor, s.lot)
        lot = bid.lot if bid is not None else s.lot
        by_cell.setdefault((fold(s.vendor), fold(lot), fold(s.criterion)), []).append(s)
    out: list[Check] = []

    # consensus without rationale; evaluators' missing cells. An evaluator is expected on the
    # cells of the lots and criteria they score (panels may be split by lot or by criterion);
    # names compare as the reader compares them (case and spacing aside).
    panel_of: dict[tuple[str, str], dict[str, str]] = {}  # folded name -> as first written
    for c in cells:
        names = panel_of.setdefault((fold(c.lot), fold(c.criterion)), {})
        for e in sorted(c.scores, key=str.casefold):
            names.setdefault(fold(e), e)
    for c in cells:
        entries = by_cell.get((fold(c.vendor), fold(c.lot), fold(c.criterion)), [])
        if not c.moderated and not c.narrative and not any(s.rationale.strip() for s in entries):
            rows = sorted(s.row for s in entries if s.row)
            out.append(Check("no_rationale", c.vendor, c.lot, c.criterion,
                             f"the consensus score {c.score:g} has no written rationale: none of "
                             f"its {len(c.scores)} evaluator score(s) gives one",
                             "Add a rationale to the evaluators' scores (Scores sheet or Panel "
                             "page), or the chair writes the cell's consensus narrative",
                             ", ".join(f"Scores!{r}:{r}" for r in rows)))
        given = {fold(e) for e in c.scores}
        names = panel_of[(fold(c.lot), fold(c.criterion))]
        for e in sorted(set(names) - given):
            out.append(Check("missing_score", c.vendor, c.lot, c.criterion,
                             f"{names[e]} has not scored this cell (the others have: "
                             f"{', '.join(sorted(c.scores, key=str.casefold))})",
                             f"{names[e]} scores it, or the chair records why not"))

    # deficiencies on bids still ranked
    if ranking is not None:
        ranked = {(fold(b.vendor), fold(b.lot)) for b in ranking.bids if b.eligible}
        for f in findings:
            if f.kind == "deficiency" and (fold(f.vendor), fold(f.lot)) in ranked:
                out.append(Check("deficiency_eligible", f.vendor, f.lot, f.criterion,
                                 f"a deficiency is recorded (\"{_short(f.text)}\") but the bid "
                                 "passes every gate and is still ranked",
                                 "Resolve it: a deficiency makes a bid unawardable unless cured "
                                 "(record the cure as a finding), or set the criterion's gate",
                                 f.where))

    # top or bottom of the scale without a finding
    for b in scored_bids.bids:
        for c in scored_bids.criteria:
            if c.is_price or not c.has_scale or c.name not in b.scores:
                continue
            value = b.scores[c.name]
            edge = ("top" if value >= float(c.scale_max) else  # type: ignore[arg-type]
                    "bottom" if value <= float(c.scale_min) else None)  # type: ignore[arg-type]
            support = strengths if edge == "top" else adverse
            if edge and (fold(b.vendor), fold(b.lot), fold(c.name)) not in support:
                what = ("strength" if edge == "top" else "weakness, deficiency or risk")
                out.append(Check("extreme_without_finding", b.vendor, b.lot, c.name,
                                 f"scored {value:g}, the {edge} of the {c.scale_min:g}-"
                                 f"{c.scale_max:g} scale, with no {what} recorded to support it",
                                 f"Record the {what} behind it (Findings sheet or Panel page)",
                                 f"Bids!{b.row}:{b.row}" if b.row else ""))

    # the same finding given to bids rated differently
    rating = {(fold(b.vendor), fold(b.lot), fold(c.name)): b.scores.get(c.name)
              for b in scored_bids.bids for c in scored_bids.criteria}
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((fold(f.criterion), f.kind, _norm_text(f.text)), []).append(f)
    for group in groups.values():
        bids = {(fold(f.vendor), fold(f.lot)): f for f in group}
        rated = {k: rating.get((*k, fold(group[0].criterion))) for k in bids}
        if len(bids) > 1 and len({v for v in rated.values() if v is not None}) > 1:
            first = group[0]
            named = "; ".join(f"{_bid(f.vendor, f.lot)} rated {rated[k]:g}"
                              for k, f in bids.items() if rated[k] is not None)
            out.append(Check("same_finding", first.vendor, first.lot, first.criterion,
                             f"the {scored_bids.kind_label(first.kind)} \"{_short(first.text)}\" "
                             f"is given to bids rated differently: {named}",
                             "Explain what sets them apart, or align the ratings",
                             ", ".join(f.where for f in group if f.where)))

    # evaluators consistently away from the others
    scales = scale_ranges(workbook)
    unscaled = any(fold(c.criterion) not in scales for c in cells)
    for o in evaluator_offsets(cells, scales):
        if o.cells >= OFFSET_MIN_CELLS and abs(o.z) >= OFFSET_Z:
            side = "above" if o.mean_offset > 0 else "below"
            z = "every time" if math.isinf(o.z) else f"z = {o.z:.1f}"
            size = (f"{abs(o.mean_offset):.2f} points" if unscaled
                    else f"{abs(o.mean_offset):.0%} of the scale")
            out.append(Check("evaluator_offset", "", "", "",
                             f"{o.evaluator} scores {size} {side} the "
                             f"panel's median on average, over {o.cells} cells ({z})",
                             "Discuss it at consensus: a consistent offset is a calibration "
                             "question, not a finding about the bids"))

    if ranking is not None and moderations:
        out.extend(moderation_impacts(workbook, entered, moderations, consensus, scoring, ranking))
    order = {(fold(b.vendor), fold(b.lot)): i for i, b in enumerate(workbook.bids)}
    crit_order = {fold(c.name): i for i, c in enumerate(workbook.criteria)}
    kinds = list(CHECK_TITLES)
    return sorted(out, key=lambda k: (order.get((fold(k.vendor), fold(k.lot)), -1),
                                      kinds.index(k.kind), crit_order.get(fold(k.criterion), -1)))


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(found: Sequence[Check]) -> str:
    """"3 open points: 2 evaluator's scores missing, 1 ..." (or that there are none)."""
    if not found:
        return "No open points in the record."
    counts: dict[str, int] = {}
    for k in found:
        counts[k.title] = counts.get(k.title, 0) + 1
    parts = [f"{n} × {title.lower()}" for title, n in counts.items()]
    return f"{len(found)} open point{'' if len(found) == 1 else 's'}: " + "; ".join(parts)
