"""The documents a panel files, as Word drafts (python-docx): the Source Selection Decision
Document and a debriefing letter per unsuccessful bidder.

Both are drafts for people to complete and sign: they state the evaluation record (basis,
ratings, findings, prices, robustness, compliance, scenarios, open record checks) and leave the
trade-off and the decision to the source selection authority. Neither ever says the tool
selected anyone. Every page carries the source selection information marking (FAR 3.104) in its
header and footer. A debrief holds the bidder's own ratings, findings and price and the
successful bid's overall rating and price, and nothing of any other bidder.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Inches, Pt, RGBColor
from docx.table import Table

from scoring.mcda import METHOD_LABELS, PRICE_FORMULA_LABELS, Ranking, ScoredBid, ScoringError
from scoring.model import ADVERSE_KINDS, BUNDLE_LOT, FINDING_KINDS, BidSet, Finding, fold, lot_name
from scoring.record import describe as describe_checks
from scoring.report import MARKING, strategy_line  # the one marking: the report's and these
from scoring.results import Results
from scoring.strategy import Summary, stability_sentence
from scoring.weights import describe_outside, outside_ranges, split

DEBRIEF_MARKING = "PROCUREMENT SENSITIVE — FOR THE NAMED BIDDER ONLY"
DRAFT = "DRAFT — prepared from the evaluation record for the source selection authority to complete"
DEBRIEF_DRAFT = "DRAFT — prepared from the evaluation record for the contracting officer to complete"
NOT_SELECTED = ("This document states the evaluation record. The evaluation tool scores and "
                "explains bids; it does not select a source. The source selection authority "
                "decides, on this record, and documents the trade-off below.")
KIND_HEADINGS = {"significant strength": "Significant strengths", "strength": "Strengths",
                 "weakness": "Weaknesses", "significant weakness": "Significant weaknesses",
                 "deficiency": "Deficiencies", "risk": "Risks"}


@dataclass(frozen=True)
class DocumentContext:
    """What the documents record besides the figures."""

    evaluation_name: str = "Evaluation"
    version_label: str = "not saved"
    prepared: str = ""  # the date the draft was prepared (default: today, UTC)
    weights_lock: tuple[tuple[str, bool], ...] = ()  # the lock and each change after it (in red)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: object) -> str:
    """Text a Word file may hold: a control character (from a pasted rationale, a file name) is
    shown as \ufffd, the replacement character, as the report does."""
    return _NOT_XML.sub("\ufffd", str(text))


def _today(ctx: DocumentContext) -> str:
    return ctx.prepared or dt.datetime.now(dt.UTC).strftime("%d %B %Y").lstrip("0")


def _field(paragraph, instruction: str) -> None:  # type: ignore[no-untyped-def]
    """A Word field (PAGE, NUMPAGES) in a paragraph."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _new(marking: str, landscape: bool = False):  # type: ignore[no-untyped-def]
    doc = Document()
    styles = doc.styles
    styles["Normal"].font.name = "Liberation Sans"
    styles["Normal"].font.size = Pt(10)
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for m in ("left_margin", "right_margin"):
        setattr(section, m, Cm(2))
    header = section.header.paragraphs[0]
    header.text = marking
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.runs[0].bold = True
    header.runs[0].font.color.rgb = RGBColor(0x9C, 0x00, 0x06)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(marking + " — page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")
    for run in footer.runs:
        run.font.size = Pt(8)
    return doc


def _table(doc, header: Sequence[str], rows: Sequence[Sequence[object]],  # type: ignore[no-untyped-def]
           numeric: Sequence[int] = (), widths: Sequence[float] = ()) -> Table:
    """A table; ``widths`` (inches, a column each) where the columns' text is uneven."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = xml_safe(text)
        cell.paragraphs[0].runs[0].bold = True
    _repeat_header(table)
    for row in rows:
        cells = table.add_row().cells
        for i, (cell, value) in enumerate(zip(cells, row, strict=True)):
            cell.text = "" if value is None else xml_safe(value)
            if i in numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    last = len(table.rows) - 1
    if widths:  # the grid's columns (LibreOffice reads these) and each cell (Word reads those)
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Inches(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Inches(width)
    for i, row in enumerate(table.rows):
        for cell in row.cells:
            for p in cell.paragraphs:
                # a table of up to a page stays on one page, with the heading above it
                p.paragraph_format.keep_with_next = i < last and last < 25
                for r in p.runs:
                    r.font.size = Pt(9)
    doc.add_paragraph()
    return table


def _repeat_header(table: Table) -> None:
    """The table's first row repeats at the top of each page it runs onto."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _money(x: float | None, currency: str) -> str:
    return "" if x is None else f"{currency} {x:,.0f}"


def _score(b: ScoredBid) -> str:
    return "" if b.score is None else f"{b.score:.4f}"


def _which(ranking: Ranking) -> str:
    return " (VIKOR's Q: lower is better)" if ranking.lower_is_better else ""


def _bid_name(vendor: str, lot: str) -> str:
    return f"{vendor} ({lot_name(lot)})" if lot else vendor


def _findings_of(bidset: BidSet, vendor: str, lot: str) -> list[Finding]:
    return [f for f in bidset.findings if fold(f.vendor) == fold(vendor) and fold(f.lot) == fold(lot)]


def _write_findings(doc, found: Sequence[Finding], bidset: BidSet, *,  # type: ignore[no-untyped-def]
                    evaluators: bool = True) -> None:
    if not found:
        doc.add_paragraph("No findings are recorded for this bid.")
        return
    for kind in FINDING_KINDS:
        these = [f for f in found if f.kind == kind]
        if not these:
            continue
        label = bidset.kind_label(kind)  # the agency's own name for it, when it gives one
        heading = KIND_HEADINGS[kind] if label == kind else label[:1].upper() + label[1:]
        doc.add_paragraph(xml_safe(heading), style="Heading 4")
        for f in these:
            ref = f" [{f.reference}]" if f.reference else ""
            who = f" ({f.evaluator or 'panel'})" if evaluators else ""
            doc.add_paragraph(xml_safe(f"{f.criterion}: {f.text}{ref}{who}"), style="List Bullet")


def _ratings(ranking: Ranking, bidset: BidSet, lot: str) -> list[list[object]]:
    criteria = [c for c in bidset.criteria if not c.is_price]
    by_bid = {(b.vendor, b.lot): b for b in bidset.bids}
    rows: list[list[object]] = []
    for b in ranking.in_lot(lot):
        source = by_bid.get((b.vendor, b.lot))
        scores = [c.show(source.scores[c.name]) if source and c.name in source.scores else ""
                  for c in criteria]
        rows.append([b.rank if b.rank is not None else "—", b.vendor, *scores,
                     _money(b.price, bidset.settings.currency), _score(b),
                     "yes" if b.eligible else "no: " + ", ".join(b.failed_gates)])
    return rows


def _robustness_sentence(results: Results, lot: str, winner: str) -> str:
    try:
        rob = results.robustness()
    except ScoringError:
        return ""
    parts = []
    acc = next((a for a in rob.acceptability if a.lot == lot), None)
    if acc is not None and winner in acc.vendors:
        share = acc.win_probability()[winner]
        parts.append(f"{winner} is first in {share:.0%} of {acc.draws:,} plausible weightings "
                     f"drawn {results.evaluation.robustness.describe()}")
        drawn = next((a for a in rob.by_scores if a.lot == lot), None)
        if drawn is not None and winner in drawn.vendors:
            parts.append(f"in {drawn.win_probability()[winner]:.0%} of panels drawn again from "
                         "the evaluators' own scores")
    intervals = rob.stability.get(lot, {})
    if intervals:
        ranking = results.ranking
        near = []
        for name, (lo, hi) in intervals.items():
            w = ranking.weights.get(name, 0.0)
            room = min(w - lo if lo > 0 else 1.0, hi - w if hi < 1 else 1.0)
            near.append((room, name, lo, hi, w))
        room, name, lo, hi, w = min(near)
        if room < 1.0:
            edges = []
            if hi < 1:
                edges.append(f"the {name} weight rises above {hi:.0%}")
            if lo > 0:
                edges.append(f"falls below {lo:.0%}" if edges else f"the {name} weight falls below {lo:.0%}")
            parts.append(f"it stays first unless {' or '.join(edges)} (stated {w:.0%}; the other "
                         "weights in proportion), the nearest change of any one weight that puts "
                         "another bid first")
        else:
            parts.append("it stays first whatever any single weight is")
    sentence = "; ".join(parts) + "." if parts else ""
    check = next((x for x in rob.ranges if x.lot == lot and x.winner == winner), None)
    return f"{sentence} {check.describe()}".strip() if check is not None else sentence


def _strategy(doc, found: Summary, currency: str) -> None:  # type: ignore[no-untyped-def]
    """How the programme is bought: the model, its fit, the risks to reconsider, value for
    money (the figures of the report's Delivery strategy sheet)."""
    doc.add_heading("Delivery strategy", level=2)
    doc.add_paragraph(xml_safe(f"Delivery model: {strategy_line(found)}. {found.verdict(currency)}"))
    rows = found.fit_rows()[:3]
    _table(doc, list(rows[0]), [[r["Rank"], r["Model"], f"{r['Fit (0-5)']:.2f}",
                                 f"{r['First in weight draws']}%", r["Fits on"], r["Fits less on"]]
                                for r in rows],
           numeric=(0, 2, 3), widths=(0.5, 1.6, 0.8, 1.0, 2.8, 2.8))
    doc.add_paragraph(xml_safe(stability_sentence(found)))
    _table(doc, ["Over the term", "Mean", "P50", "P90"],
           [[name, *(_money(x[k], currency) for k in ("mean", "p50", "p90"))]
            for name, x in found.options], numeric=(1, 2, 3))
    if found.flags:
        doc.add_paragraph("Risk allocations to reconsider:")
        for r in found.flags:
            doc.add_paragraph(xml_safe(f"{r.risk} ({r.owner}): {r.flag}."), style="List Bullet")
    else:
        doc.add_paragraph(xml_safe(f"Every risk has an owner, each the usual one under "
                                   f"{found.model.lower()}."))


def decision_document(results: Results, ctx: DocumentContext | None = None) -> bytes:
    """The Source Selection Decision Document draft of ``results`` as .docx bytes."""
    ctx = ctx or DocumentContext()
    ranking = results.ranking
    bidset = results.bidset
    currency = bidset.settings.currency
    ev = results.evaluation
    doc = _new(MARKING, landscape=True)  # the ratings tables have a column per criterion
    doc.add_heading("Source Selection Decision Document", level=0)
    doc.add_paragraph(DRAFT).runs[0].italic = True
    doc.add_paragraph(xml_safe(f"Evaluation: {ctx.evaluation_name}. Version: {ctx.version_label}. "
                               f"Prepared {_today(ctx)}."))
    doc.add_paragraph(NOT_SELECTED)

    doc.add_heading("1. Basis of the evaluation", level=1)
    doc.add_paragraph(
        f"Bids were scored with {METHOD_LABELS[ranking.method]}; price by "
        f"{PRICE_FORMULA_LABELS[ranking.price_formula]}. Panel scores combine by the "
        f"{ev.consensus} of the evaluators' scores unless the chair moderated a cell with a "
        f"written rationale ({ev.panel.describe()}). Weights set by "
        f"{ev.weight_input.describe(bidset.groups, bidset.factor_names)}. The bid workbook "
        f"evaluated has SHA-256 {bidset.sha256}.")
    factor = split(bidset.groups, ev.scoring.points)[0] if bidset.factors else {}
    _table(doc, ["Criterion", *(["Factor"] if factor else []), "Weight", "Better", "Scale",
                 "Pass/fail threshold", "Normalisation"],
           [[c.name, *([f"{c.group} ({factor.get(c.group, 0.0):.1f}%)"] if factor else []),
             f"{ranking.weights[c.name]:.1%}",
             "higher" if c.direction == "max" else "lower",
             (", ".join(f"{lb} {v:g}" for lb, v in c.ratings) if c.ratings else
              f"{c.scale_min:g}-{c.scale_max:g}" if c.has_scale else ""),
             "" if c.min_acceptable is None else f"{c.min_acceptable:g}",
             ranking.normalisation[c.name]] for c in bidset.criteria], numeric=(2 if factor else 1,))
    outside = outside_ranges({c.name: c.weight_range for c in bidset.criteria}, ranking.weights)
    if outside:
        run = doc.add_paragraph().add_run(xml_safe(
            f"Outside the published weight ranges: {describe_outside(outside)}."))
        run.bold = True
        run.font.color.rgb = RGBColor(0x9C, 0x00, 0x06)
    for line, alert in ctx.weights_lock:
        run = doc.add_paragraph().add_run(xml_safe(line))
        if alert:  # a change after the lock: in bold red, where it cannot be missed
            run.bold = True
            run.font.color.rgb = RGBColor(0x9C, 0x00, 0x06)

    if results.strategy is not None:
        _strategy(doc, results.strategy, currency)

    doc.add_heading("2. Evaluation by lot", level=1)
    sla = {(r.vendor, r.lot): r for r in results.sla}
    try:
        reversals = results.robustness().reversals
    except ScoringError:
        reversals = []
    criteria = [c.name for c in bidset.criteria if not c.is_price]
    for n, lot in enumerate(ranking.lots, start=1):
        doc.add_heading(f"2.{n} {lot_name(lot)}", level=2)
        _table(doc, ["Rank", "Bidder", *criteria, "Price", "Overall", "Eligible"],
               _ratings(ranking, bidset, lot), numeric=tuple(range(2, 4 + len(criteria))))
        winner = ranking.winner(lot)
        if winner is not None:
            sentence = _robustness_sentence(results, lot, winner.vendor)
            doc.add_paragraph(xml_safe(f"Highest ranked: {winner.vendor} ({_score(winner)}"
                                       f"{_which(ranking)}). " + sentence))
        else:
            doc.add_paragraph("No single highest-ranked bid (a tie, or no eligible bid).")
        swaps = [r for r in reversals if r.lot == lot and r.swapped]
        if swaps:
            doc.add_paragraph("Rank reversal: " + "; ".join(
                f"withdrawing {r.removed} would put " + ", ".join(f"{b} ahead of {a}"
                                                                 for a, b in r.swapped)
                for r in swaps) + ".")
        for b in ranking.in_lot(lot):
            doc.add_heading(xml_safe(f"{b.vendor}: {_money(b.price, currency)}"), level=3)
            s = sla.get((b.vendor, b.lot))
            if s is not None:
                doc.add_paragraph("SLA: mission-grade." if s.mission_grade else
                                  "SLA: not mission-grade (" + ", ".join(s.failed) + ").")
            _write_findings(doc, _findings_of(bidset, b.vendor, b.lot), bidset)
            narrative = [c for c in results.cells if (c.moderated or c.narrative)
                         and c.vendor == b.vendor and c.lot == b.lot]
            for c in narrative:
                moderated = f" (moderated: {c.rationale})" if c.moderated else ""
                doc.add_paragraph(xml_safe(f"Consensus on {c.criterion}: {c.score:g}{moderated}. "
                                           f"{c.narrative}".rstrip()))

    doc.add_heading("3. Award scenarios", level=1)
    scen = results.scenarios
    if scen.unavailable or not scen.scenarios:
        doc.add_paragraph(scen.unavailable or "No award scenarios.")
    else:
        _table(doc, ["Scenario", "Vendors", "Total price", "Total cost", "HHI", "Largest share"],
               [[s.name, s.figures.vendors, _money(s.figures.total_price, currency),
                 _money(s.figures.total_cost, currency), f"{s.figures.hhi:,.0f}",
                 f"{s.figures.top_vendor_share:.0%}"] if s.figures else [s.name, "", "", "", "", ""]
                for s in scen.scenarios], numeric=(1, 2, 3, 4, 5))

    doc.add_heading("4. Record checks still open", level=1)
    found = results.record
    doc.add_paragraph(describe_checks(found))
    for k in found:
        subject = f"{k.subject}: " if k.subject else ""
        doc.add_paragraph(xml_safe(f"{k.title}. {subject}{k.message}."), style="List Bullet")

    doc.add_heading("5. Trade-off analysis and decision", level=1)
    doc.add_paragraph("[To be written by the source selection authority: the comparative "
                      "assessment of the bids against the evaluation criteria, whether a "
                      "higher-rated bid's benefits merit its price, and the decision with its "
                      "reasons (FAR 15.308).]")
    doc.add_heading("6. Signature", level=1)
    for line in ("Source selection authority: ______________________________",
                 "Name and title: ______________________________",
                 "Signature: ______________________________      Date: ______________"):
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


AWARD_NEEDED = ("The procurement is split into components, with bundle and lot bids: choose the "
                "award first (Scenarios, \"Edit an award by hand\"), and the debriefs are drafted "
                "for every bid it leaves out.")


def awarded(results: Results) -> dict[str, ScoredBid] | None:
    """The successful bid of each lot, as the award states it; None while no award is stated.

    With components (lot bids and bundle bids competing), only a stated award says who won: the
    hand-edited award of the Scenarios page (a component awarded to a bundle makes the bundle
    the successful bid of that component's lot and of the bundle lot). Without components each
    lot is a competition of its own, and its single highest-ranked bid is the one the letters
    compare with (none in a lot where the first place is tied)."""
    ranking = results.ranking
    if not results.workbook.components:
        return {lot: w for lot in ranking.lots if (w := ranking.winner(lot)) is not None}
    if results.evaluation.edited_award is None:
        return None
    edited = results.scenarios.named("edited")
    if edited is None or not edited.available:
        return None
    bids = {(fold(b.vendor), fold(b.lot)): b for b in ranking.bids}
    out: dict[str, ScoredBid] = {}
    for a in edited.awards:
        bid = bids.get((fold(a.vendor), fold(a.lot)))
        if bid is None:
            continue
        out[a.lot] = bid
        if a.lot == BUNDLE_LOT:  # a bundle wins every component's lot too
            out.setdefault(a.component, bid)
    return out


def unsuccessful(results: Results) -> list[tuple[str, str]]:
    """The (vendor, lot) bids the award leaves out: each gets a debrief (none while no award is
    stated; none in a lot whose first place is tied)."""
    award = awarded(results)
    if award is None:
        return []
    chosen = {(fold(b.vendor), fold(b.lot)) for b in award.values()}
    ranking = results.ranking
    return [(b.vendor, lot) for lot in ranking.lots if lot in award or lot == BUNDLE_LOT
            for b in ranking.in_lot(lot) if (fold(b.vendor), fold(b.lot)) not in chosen]


def debrief_letter(results: Results, vendor: str, lot: str,
                   ctx: DocumentContext | None = None) -> bytes:
    """A debriefing letter draft for one unsuccessful bid, as .docx bytes: the bidder's own
    ratings, findings and price; the successful bid's overall rating and price; the reasons.
    Nothing of any other bidder."""
    ctx = ctx or DocumentContext()
    ranking = results.ranking
    bidset = results.bidset
    currency = bidset.settings.currency
    mine = next(b for b in ranking.in_lot(lot) if fold(b.vendor) == fold(vendor))
    winner = (awarded(results) or {}).get(lot)
    same_lot = winner is not None and winner.lot == mine.lot  # scores compare within a lot only
    doc = _new(DEBRIEF_MARKING)
    doc.add_heading(xml_safe(f"Debriefing: {_bid_name(mine.vendor, lot)}"), level=0)
    doc.add_paragraph(DEBRIEF_DRAFT).runs[0].italic = True
    doc.add_paragraph(xml_safe(f"{_today(ctx)}. To: {mine.vendor}. Evaluation: {ctx.evaluation_name}."))
    doc.add_paragraph(
        f"Thank you for your bid{f' for {lot_name(lot)}' if lot else ''}. This letter gives the "
        "evaluation of your bid against the published criteria, and the overall rating and price "
        "of the successful bid (FAR 15.506; the assessment summary of the Procurement Act 2023; "
        "Article 55 of Directive 2014/24/EU).")
    doc.add_heading("Your bid", level=1)
    source = next((b for b in bidset.bids if b.vendor == mine.vendor and b.lot == mine.lot), None)
    rows = []
    for c in bidset.criteria:
        if c.is_price:
            continue
        value = source.scores.get(c.name) if source else None
        rows.append([c.name, f"{ranking.weights[c.name]:.1%}",
                     c.show(value),
                     f"{c.scale_min:g}-{c.scale_max:g}" if c.has_scale else ""])
    _table(doc, ["Criterion", "Weight", "Your rating", "Scale"], rows, numeric=(1, 2))
    doc.add_paragraph(f"Your evaluated price: {_money(mine.price, currency)}. "
                      + (f"Your overall score: {_score(mine)} (rank {mine.rank})."
                         if mine.eligible else
                         "Your bid did not meet the pass/fail threshold on: "
                         + ", ".join(mine.failed_gates) + ", and was not ranked."))
    doc.add_heading("What the evaluators found", level=1)
    _write_findings(doc, _findings_of(bidset, mine.vendor, mine.lot), bidset, evaluators=False)
    doc.add_heading("The successful bid", level=1)
    edited = results.scenarios.named("edited") if results.evaluation.edited_award else None
    if winner is not None and same_lot:
        doc.add_paragraph(f"Overall score {_score(winner)}{_which(ranking)}; evaluated price "
                          f"{_money(winner.price, currency)}.")
    elif winner is not None:  # a bundle bid won this component
        doc.add_paragraph(f"A bid for every component together was successful; its evaluated "
                          f"price is {_money(winner.price, currency)}.")
    elif lot == BUNDLE_LOT and edited is not None and edited.figures is not None:
        doc.add_paragraph(f"The components were awarded separately, for a total evaluated price "
                          f"of {_money(edited.figures.total_price, currency)}.")
    else:
        doc.add_paragraph("[No award has been decided in this lot.]")
    doc.add_heading("Reasons", level=1)
    reasons = []
    adverse = [f for f in _findings_of(bidset, mine.vendor, mine.lot) if f.kind in ADVERSE_KINDS]
    if not mine.eligible:
        reasons.append("your bid did not meet a pass/fail threshold (above)")
    if adverse:
        reasons.append("the weaknesses, deficiencies and risks listed above")
    if same_lot and winner is not None and mine.score is not None and winner.score is not None:
        better = (winner.score < mine.score if ranking.lower_is_better
                  else winner.score > mine.score)
        if better:
            reasons.append(f"the successful bid's better overall score under the evaluation's "
                           f"weights ({_score(winner)} against your {_score(mine)}"
                           f"{_which(ranking)})")
        else:  # the award went to a bid scored lower: the authority's trade-off explains it
            reasons.append("the source selection authority's trade-off between the bids (your "
                           f"overall score {_score(mine)} was the better{_which(ranking)})")
    doc.add_paragraph((("The evaluation rests on " + "; ".join(reasons) + ". ") if reasons else "")
                      + "[The contracting officer completes the reasons for the award decision.]")
    doc.add_paragraph("You may ask questions about this debriefing within the period the "
                      "solicitation states.")
    doc.add_paragraph("Contracting officer: ______________________________")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def file_part(text: str) -> str:
    """Text as part of a file name (letters and digits, each run of anything else one -)."""
    dashed = "".join(ch if ch.isalnum() else "-" for ch in text)
    return "-".join(part for part in dashed.split("-") if part).lower()[:60] or "bid"


def debriefs(results: Results, ctx: DocumentContext | None = None) -> dict[str, bytes]:
    """Every unsuccessful bid's debriefing letter, by file name (in ranking order)."""
    out = {}
    for n, (vendor, lot) in enumerate(unsuccessful(results), start=1):
        name = f"{n:02d}-debrief-{file_part(vendor)}" + (f"-{file_part(lot)}" if lot else "")
        out[name + ".docx"] = debrief_letter(results, vendor, lot, ctx)
    return out


def debrief_bundle(results: Results, ctx: DocumentContext | None = None) -> bytes:
    """Every unsuccessful bid's debriefing letter, in one .zip (a .docx each)."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in debriefs(results, ctx).items():
            z.writestr(name, data)
    return buf.getvalue()
