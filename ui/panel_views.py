"""Widgets of the Panel page: my scores, panel switches, members, spreads, moderation."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence

import altair as alt
import pandas as pd
import streamlit as st

from scoring.evaluation import PanelRecord
from scoring.model import FINDING_KINDS, Bid, BidSet, Criterion, Finding, fold, lot_name
from scoring.panel import Assignment, Cell, merge_scores
from scoring.record import Check, describe
from scoring.store import ROLES, Store, StoreError
from ui.vega import Chart, layer
from ui.widgets import md_escape


def lot_text(lot: str) -> str:
    return lot_name(lot)


Mine = dict[tuple[str, str, str], tuple[float, str]]  # (vendor, lot, criterion) -> (score, why)
Entry = tuple[str, str, str, float, str]  # (vendor, lot, criterion, score, rationale)


def _row_entry(c: Criterion, vendor: str, lot: str, score: float | None, why: str,
               rating: object, before: tuple[float | None, str]) -> tuple[Entry | None, str]:
    """A row of My scores as an entry to save (None when unchanged) and what stops it ('' when
    nothing does): the one check behind the row's Check column and the save."""
    if isinstance(rating, str) and rating and rating != c.label_for(before[0]):
        value = next((v for label, v in c.ratings if label == rating), None)
        if value is None:
            return None, (f"'{rating}' is not a rating of "
                          + (f"scale '{c.rating_scale}'" if c.ratings else
                             "this criterion, which is scored in numbers"))
        score = value  # the label chosen: its published value
    if score is None or (score, why) == before:
        return None, ""
    if (wrong := c.score_problem(score)) is not None:
        return None, wrong
    if not why:
        return None, "give a rationale for the score"
    return (vendor, lot, c.name, score, why), ""


def _cell(value: object) -> object:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def score_filters(bidset: BidSet, assignment: Assignment | None = None
                  ) -> tuple[str | None, str | None, str | None]:
    """The view of My scores: one lot, criterion or vendor, or all (None), among the cells
    assigned to the evaluator."""
    lots = list(dict.fromkeys(b.lot for b in bidset.bids if assignment is None
                              or any(assignment.covers(b.lot, c.name) for c in bidset.criteria)))
    criteria = [c.name for c in bidset.criteria if not c.is_price and (
        assignment is None or any(assignment.covers(b.lot, c.name) for b in bidset.bids))]
    left, middle, right = st.columns(3)
    lot = left.selectbox("Lot", [None, *lots], key="my_scores_lot",
                         format_func=lambda x: "All lots" if x is None else lot_text(x))
    criterion = middle.selectbox("Criterion", [None, *criteria], key="my_scores_criterion",
                                 format_func=lambda x: "All criteria" if x is None else x)
    vendor = right.selectbox("Vendor", [None, *bidset.vendor_names], key="my_scores_vendor",
                             format_func=lambda x: "All vendors" if x is None else x)
    return lot, criterion, vendor


def my_scores_editor(bidset: BidSet, evaluator: str, mine: Mine, key: str,
                     view: tuple[str | None, str | None, str | None] = (None, None, None),
                     assignment: Assignment | None = None) -> pd.DataFrame:
    """One row per (bid, scored criterion) in the view and assigned to the evaluator: their
    score and rationale, and a Check column that says, as they type, what would stop the row
    being saved."""
    lot_only, criterion_only, vendor_only = view
    labels = sorted({label for c in bidset.criteria for label, _ in c.ratings},
                    key=lambda lb: -max(v for c in bidset.criteria for x, v in c.ratings if x == lb))
    edits = (st.session_state.get(key) or {}).get("edited_rows", {}) if isinstance(
        st.session_state.get(key), dict) else {}
    rows = []
    for b in bidset.bids:
        if (lot_only is not None and b.lot != lot_only) or (
                vendor_only is not None and fold(b.vendor) != fold(vendor_only)):
            continue
        for c in bidset.criteria:
            if c.is_price or (criterion_only is not None and c.name != criterion_only) or (
                    assignment is not None and not assignment.covers(b.lot, c.name)):
                continue
            before = mine.get((fold(b.vendor), fold(b.lot), fold(c.name)), (None, ""))
            score, why = before
            row = {"Vendor": b.vendor, "Lot": b.lot, "Criterion": c.name,
                   "Scale": (f"{c.rating_scale}: " + ", ".join(f"{lb} {v:g}" for lb, v in c.ratings)
                             if c.ratings else f"{c.scale_min:g}-{c.scale_max:g}" if c.has_scale
                             else ""),
                   "Score": score, "Rationale": why}
            if labels:  # an evaluation with criteria rated in words: the rating by its label
                row["Rating"] = c.label_for(score) or None
            typed = edits.get(len(rows), edits.get(str(len(rows)), {}))
            now = {**row, **typed}
            _, problem = _row_entry(c, b.vendor, b.lot, _cell(now.get("Score")),
                                    str(_cell(now.get("Rationale")) or "").strip(),
                                    _cell(now.get("Rating")), before)
            row["Check"] = problem
            rows.append(row)
    frame = pd.DataFrame(rows)
    config = {
        "Lot": st.column_config.TextColumn(help="Blank: single lot; ALL: bundle bid"),
        "Score": st.column_config.NumberColumn(step=0.5, help="Within the criterion's scale"),
        "Rationale": st.column_config.TextColumn(width="medium",
                                                 help="Required for every score you enter"),
        "Check": st.column_config.TextColumn(
            width="medium", help="What stops this row being saved, as you type (blank: nothing)"),
    }
    if labels:
        config["Rating"] = st.column_config.SelectboxColumn(
            options=labels, help="For a criterion rated in words: its label (the Score follows "
                                 "from the scale); leave blank elsewhere")
    return st.data_editor(
        frame, key=key, hide_index=True, disabled=["Vendor", "Lot", "Criterion", "Scale", "Check"],
        placeholder="",  # a cell not scored yet is blank, to be filled in
        column_config=config,
    )


def stored(write: Callable[[], object]) -> bool:
    """Run one write to the store; if the store refuses it (e.g. the chair locked the technical
    consensus meanwhile), say why in one message and return False."""
    try:
        write()
    except StoreError as exc:
        st.error(f"Not recorded: {md_escape(str(exc))}.", icon=":material/error:")
        return False
    return True


def my_work(db: Store, evaluation_id: int, bidset: BidSet, me: str, live: PanelRecord,
            mine: Mine, submitted_at: str | None, assignment: Assignment | None,
            due: dt.date | None, *, locked: bool) -> None:
    """My scores and my findings: my progress, then an editor of my cells (or, once submitted or
    once the technical consensus is locked, what I gave), then my findings."""
    from ui import assignment_views

    st.subheader("My scores")
    done = assignment_views.my_progress(bidset, me, live, assignment, due)
    if submitted_at is not None or locked:  # shown, not editable
        if locked:
            st.info("The technical consensus is locked: scores and findings no longer change.",
                    icon=":material/lock:")
        else:
            submission_controls(db, evaluation_id, me, submitted_at)
        st.dataframe(pd.DataFrame([{"Vendor": k[0], "Lot": k[1], "Criterion": k[2], "Score": v[0],
                                    "Rationale": v[1]} for k, v in sorted(mine.items())]),
                     hide_index=True, placeholder="—")
    else:
        view = score_filters(bidset, assignment)
        key = f"my_scores_{evaluation_id}" + (
            "" if view == (None, None, None) else "_" + "_".join(str(v) for v in view))
        st.caption("The Check column says, as you type, what would stop a row being saved. "
                   "Unsaved edits belong to this view: save them before you change it.")
        edited = my_scores_editor(bidset, me, mine, key=key, view=view, assignment=assignment)
        save_button(db, evaluation_id, bidset, me, edited, mine)
        submission_controls(db, evaluation_id, me, None, unscored=done.assigned - done.scored)
    st.subheader("My findings")
    my_findings(db, evaluation_id, bidset, me, live, locked=submitted_at is not None or locked,
                assignment=assignment)


def save_button(db: Store, evaluation_id: int, bidset: BidSet, me: str, edited: pd.DataFrame,
                mine: Mine) -> None:
    """Save my scores: every changed row, or nothing and one message naming the rows to fix."""
    if not st.button("Save my scores", type="primary", icon=":material/save:"):
        return
    entries, problems = changed_entries(bidset, edited, mine)
    if problems:
        st.error(f"Nothing was saved: {len(problems)} row{'' if len(problems) == 1 else 's'} to "
                 "fix (see the Check column).\n\n" + "\n".join(f"- {md_escape(p)}" for p in problems),
                 icon=":material/error:")
        return
    if not entries:
        st.info("No score changed.")
        return
    try:
        db.record_scores(evaluation_id, me, entries)
    except StoreError as exc:  # e.g. the chair changed the assignment meanwhile
        st.error(f"Nothing was saved: {md_escape(str(exc))}.", icon=":material/error:")
        return
    st.session_state["panel_flash"] = f"Saved {len(entries)} score{'' if len(entries) == 1 else 's'}."
    st.rerun()


def changed_entries(bidset: BidSet, edited: pd.DataFrame, mine: Mine
                    ) -> tuple[list[Entry], list[str]]:
    """Rows whose score or rationale changed, and the problems that stop them being saved."""
    entries, problems = [], []
    crit = {c.name: c for c in bidset.criteria}
    for r in edited.itertuples(index=False):
        score = None if pd.isna(r.Score) else float(r.Score)
        why = "" if pd.isna(r.Rationale) else str(r.Rationale).strip()
        before = mine.get((fold(r.Vendor), fold(r.Lot), fold(r.Criterion)), (None, ""))
        entry, problem = _row_entry(crit[r.Criterion], r.Vendor, r.Lot, score, why,
                                    getattr(r, "Rating", None), before)
        if problem:
            problems.append(f"{r.Vendor} / {r.Criterion}: {problem}")
        elif entry is not None:
            entries.append(entry)
    return entries, problems


def consensus_frame(cells: Sequence[Cell], evaluators: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame([
        {"Vendor": c.vendor, "Lot": lot_text(c.lot), "Criterion": c.criterion,
         **{e: c.scores.get(e) for e in evaluators},
         "Range": c.range, "Spread (% of scale)": round(c.spread_pct),
         "Consensus": c.score, "Flagged": "Yes" if c.flagged else "",
         "Watch": "Yes" if c.watched else "",
         "Moderated": "Yes" if c.moderated else "", "Chair's rationale": c.rationale}
        for c in cells
    ])


def spread_heatmap(cells: Sequence[Cell], flag_pct: float, watch_pct: float | None = None) -> Chart:
    """Each cell's spread as a share of its scale, in two levels: flagged (▲, vermillion) at
    ``flag_pct`` and over, to watch (△, light amber) from ``watch_pct``."""
    watch = flag_pct if watch_pct is None else min(watch_pct, flag_pct)
    frame = pd.DataFrame([
        {"Bid": f"{c.vendor} ({lot_text(c.lot)})", "Criterion": c.criterion,
         "Spread": c.spread_pct, "Flag": "▲" if c.flagged else "△" if c.watched else "",
         "Level": "flagged" if c.flagged else "watch" if c.watched else "within",
         "Range": c.range}
        for c in cells
    ])
    base = alt.Chart().encode(
        x=alt.X("Criterion:N", title=None, axis=alt.Axis(labelAngle=0, labelLimit=200)),
        y=alt.Y("Bid:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
    )
    levels = ["within", "watch", "flagged"]
    rect = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("Level:N", title=f"Spread (watch {watch:g} %, flag {flag_pct:g} % of scale)",
                        sort=levels,
                        scale=alt.Scale(domain=levels, range=["#EAF0F6", "#F6D38B", "#D55E00"]),
                        legend=alt.Legend(orient="bottom", titleLimit=420)),
        tooltip=[alt.Tooltip("Bid:N"), alt.Tooltip("Criterion:N"), alt.Tooltip("Range:Q", format="g"),
                 alt.Tooltip("Spread:Q", format=".0f", title="Spread (% of scale)"),
                 alt.Tooltip("Level:N")],
    )
    marks = base.mark_text(fontSize=13).encode(text=alt.Text("Flag:N"))
    return Chart.of(frame, layer(rect, marks, height=alt.Step(24)))


def switches_form(db: Store, evaluation_id: int, flags: dict[str, str], chair: str,
                  members: dict[str, str], submitted: dict[str, str]) -> None:
    pending = ([] if flags["consensus_open"] == "yes" else  # evaluators yet to submit
               sorted((u for u, r in members.items() if r == "evaluator" and u not in submitted),
                      key=str.casefold))
    with st.form("panel_switches"):
        st.markdown("**Panel switches** (chair)")
        open_ = st.toggle("Consensus open: evaluators see each other's scores and the consensus",
                          value=flags["consensus_open"] == "yes",
                          disabled=flags.get("consensus_locked") == "yes",
                          help="Fixed while the technical consensus is locked")
        prices = st.toggle("Evaluators may see prices and rankings",
                           value=flags["prices_visible"] == "yes")
        override = False
        if pending:
            st.caption("Not submitted yet: " + ", ".join(pending) + ". Consensus opens when "
                       "every evaluator has submitted.")
            override = st.checkbox("Open consensus before then (the reason says why)")
        reason = st.text_input("Reason for the change")
        if not st.form_submit_button("Apply"):
            return
    if not reason.strip():
        st.error("Give a reason: panel switches are recorded in the audit log.")
        return
    if open_ and pending and not override:
        st.error(f"Consensus stays closed: {', '.join(pending)} "
                 f"{'has' if len(pending) == 1 else 'have'} not submitted. Wait for them, or tick "
                 "the box to open it before then, with the reason.")
        return
    if open_ and pending:
        reason = f"{reason.strip()} (opened before {', '.join(pending)} submitted)"
    wanted = {"consensus_open": "yes" if open_ else "no", "prices_visible": "yes" if prices else "no"}
    changed = [name for name, value in wanted.items() if flags[name] != value]
    for name in changed:
        if not stored(lambda n=name: db.set_flag(evaluation_id, n, wanted[n], by=chair,
                                                 reason=reason)):
            return
    st.session_state["panel_flash"] = (
        "Panel switches applied: " + ", ".join(
            f"{'consensus open' if n == 'consensus_open' else 'evaluators see prices'} "
            f"{'on' if wanted[n] == 'yes' else 'off'}" for n in changed) + "."
        if changed else "No panel switch changed.")
    st.rerun()


def members_form(db: Store, evaluation_id: int, chair: str, members: dict[str, str]) -> None:
    st.dataframe(pd.DataFrame([{"User": u, "Role": r} for u, r in members.items()]),
                 hide_index=True)
    with st.form("panel_member", clear_on_submit=True):
        user = st.text_input("User (the e-mail they sign in with)")
        role = st.selectbox("Role", (*ROLES, "remove"))
        reason = st.text_input("Reason", placeholder="e.g. appointed to the technical panel")
        if not st.form_submit_button("Update membership"):
            return
    if not user.strip() or not reason.strip():
        st.error("Give the user and a reason.")
        return
    who = user.strip().casefold()
    try:
        db.set_member(evaluation_id, who, None if role == "remove" else role,
                      by=chair, reason=reason.strip())
    except StoreError as exc:
        st.error(f"Not changed: {exc}.")
        return
    st.session_state["panel_flash"] = (f"Removed {who} from the panel." if role == "remove"
                                       else f"{who} is now a panel {role}.")
    st.rerun()


CellKey = tuple[str, str, str]  # (vendor, lot, criterion) of a panel cell


def _cell_choice(cells: Sequence[Cell], key: str, order: Callable[[Cell], object]) -> Cell | None:
    """A cell chosen by its bid and criterion alone: the choice stays what the chair picked while
    others' entries change the cells' scores, flags and order (a label that carried them would
    not match any more when the form is sent); None if the cell chosen is gone."""
    by_key: dict[CellKey, Cell] = {(c.vendor, c.lot, c.criterion): c for c in cells}
    chosen = st.selectbox("Cell", [(c.vendor, c.lot, c.criterion) for c in sorted(cells, key=order)],
                          key=key, format_func=lambda k: f"{k[0]} ({lot_text(k[1])}) / {k[2]}",
                          help="Flagged cells first (▲ in the tables above, with their "
                               "consensus and spread)")
    return by_key.get(chosen) if chosen is not None else None


def moderation_form(db: Store, evaluation_id: int, cells: Sequence[Cell], chair: str) -> None:
    with st.form("moderate", clear_on_submit=True):
        st.markdown("**Record a moderated value** (chair)")
        cell = _cell_choice(cells, "moderate_cell",
                            lambda c: (not c.flagged, c.vendor, c.criterion))
        value = st.number_input("Moderated value (leave empty to withdraw a moderation)",
                                value=None, step=0.5)
        rationale = st.text_area("Written rationale", height=80)
        if not st.form_submit_button("Record"):
            return
    if not rationale.strip():
        st.error("A moderated value needs a written rationale.")
        return
    if cell is None:
        st.error("That cell is no longer scored; choose it again.")
        return
    if not stored(lambda: db.moderate(evaluation_id, cell.vendor, cell.lot, cell.criterion, value,
                                      chair=chair, rationale=rationale)):
        return
    st.session_state["panel_flash"] = (
        f"Withdrew the moderation of {cell.vendor} / {cell.criterion}." if value is None
        else f"Moderated {cell.vendor} / {cell.criterion} to {value:g}.")
    st.rerun()


def _bid_label(b: Bid) -> str:
    return b.vendor + (f" ({lot_text(b.lot)})" if b.lot else "")


def kind_text(bidset: BidSet, kind: str) -> str:
    """A kind of finding as the evaluation names it, capitalised (for a choice)."""
    label = bidset.kind_label(kind)
    return label[:1].upper() + label[1:]


def submission_controls(db: Store, evaluation_id: int, me: str, submitted_at: str | None,
                        unscored: int = 0) -> None:
    """The evaluator's submission: submit (locks their scores and findings), or its standing.
    ``unscored``: assigned cells still without a score (none may be left to submit)."""
    if submitted_at is not None:
        st.info(f"You submitted your scores on {submitted_at[:16].replace('T', ' ')} UTC: they "
                "and your findings are locked. The chair can reopen them, with a reason.",
                icon=":material/lock:")
        return
    with st.form("submit_scores"):
        done = st.checkbox("I have finished scoring: lock my scores and findings")
        if not st.form_submit_button("Submit my scores", icon=":material/send:"):
            return
    if not done:
        st.error("Tick the box to confirm: submitted scores cannot be changed without the chair.")
        return
    if unscored:
        st.error(f"Not submitted: {unscored} of your assigned cell{'' if unscored == 1 else 's'} "
                 f"{'has' if unscored == 1 else 'have'} no score yet. Score every assigned cell "
                 "(the Check column shows what a row lacks), or ask the chair to change your "
                 "assignment.", icon=":material/error:")
        return
    if not stored(lambda: db.submit(evaluation_id, me)):
        return
    st.session_state["panel_flash"] = "Submitted: your scores and findings are locked."
    st.rerun()


def submissions_view(db: Store, evaluation_id: int, chair: str, members: dict[str, str],
                     submitted: dict[str, str], *, locked: bool = False) -> None:
    """For the chair: who has submitted, and a form to reopen a submission (none once the
    technical consensus is locked)."""
    panel = {u for u, r in members.items() if r == "evaluator"} | set(submitted)
    if not panel:
        st.caption("No evaluator on the panel yet.")
        return
    st.dataframe(pd.DataFrame([
        {"Evaluator": who, "Submitted (UTC)": submitted[who][:16].replace("T", " ")
         if who in submitted else None}
        for who in sorted(panel, key=str.casefold)]), hide_index=True, placeholder="not yet")
    if not submitted or locked:
        return
    with st.form("reopen", clear_on_submit=True):
        st.markdown("**Reopen a submission** (chair)")
        who = st.selectbox("Evaluator", sorted(submitted, key=str.casefold))
        reason = st.text_input("Why it is reopened")
        if not st.form_submit_button("Reopen"):
            return
    if not reason.strip():
        st.error("Say why: reopening a submission is recorded in the audit log.")
        return
    if not stored(lambda: db.reopen(evaluation_id, who, chair=chair, reason=reason.strip())):
        return
    st.session_state["panel_flash"] = f"Reopened {who}'s scores: they may change them again."
    st.rerun()


def my_findings(db: Store, evaluation_id: int, bidset: BidSet, me: str,
                live: PanelRecord, *, locked: bool = False,
                assignment: Assignment | None = None) -> None:
    """The evaluator's own findings (the Findings sheet's under their name, then those entered
    here); a form to record one; a form to withdraw one entered here."""
    entered = [f for f in live.findings if fold(f.evaluator) == fold(me)]
    mine = [f for f in bidset.findings if fold(f.evaluator) == fold(me)] + entered
    if mine:
        st.dataframe(pd.DataFrame([
            {"Bid": f.vendor + (f" ({lot_text(f.lot)})" if f.lot else ""),
             "Criterion": f.criterion, "Kind": bidset.kind_label(f.kind), "Finding": f.text,
             "Reference": f.reference, "Recorded": f.recorded} for f in mine]),
            hide_index=True, placeholder="—",
            column_config={"Finding": st.column_config.TextColumn(width="large")})
    else:
        st.caption("You have recorded no findings yet.")
    if locked:
        return  # submitted: nothing to add or withdraw until the chair reopens
    covered = (lambda lot, name: True) if assignment is None else assignment.covers
    criteria = [c.name for c in bidset.criteria if not c.is_price
                and any(covered(b.lot, c.name) for b in bidset.bids)]
    bids = [b for b in bidset.bids if any(covered(b.lot, name) for name in criteria)]
    with st.form("add_finding", clear_on_submit=True):
        st.markdown("**Record a finding**")
        left, middle, right = st.columns([3, 3, 2])
        bid = left.selectbox("Bid", bids, format_func=_bid_label)
        criterion = middle.selectbox("Criterion", criteria)
        kind = right.selectbox("Kind", FINDING_KINDS, format_func=lambda k: kind_text(bidset, k))
        text = st.text_area("Finding", height=90, placeholder=(
            "What the proposal offers or lacks, and why it matters to the requirement"))
        reference = st.text_input("Proposal reference", placeholder="e.g. Vol. II, section 3.2, p. 14")
        submitted = st.form_submit_button("Record finding", icon=":material/add:")
    if submitted:
        if not text.strip():
            st.error("Write the finding: what the proposal offers or lacks.")
        elif bid is not None and criterion is not None and not covered(bid.lot, criterion):
            st.error(f"{bid.vendor} / {criterion} is not assigned to you: record findings on "
                     "the cells you score.")
        elif bid is not None and criterion is not None:
            entry: list[int] = []
            if stored(lambda: entry.append(db.record_finding(
                    evaluation_id, me, bid.vendor, bid.lot, criterion, kind, text.strip(),
                    reference.strip()))):
                st.session_state["panel_flash"] = f"Recorded finding #{entry[0]}."
                st.rerun()
    if not entered:
        return
    with (st.expander(f"Withdraw a finding entered here ({len(entered)})"),
          st.form("withdraw_finding", clear_on_submit=True)):
        chosen = st.selectbox("Finding", entered, format_func=lambda f: (
            f"#{f.entry} {bidset.kind_label(f.kind)}: {f.vendor} / {f.criterion}: {f.text[:40]}"
            f"{'…' if len(f.text) > 40 else ''}"))
        reason = st.text_input("Why it is withdrawn")
        submitted = st.form_submit_button("Withdraw", icon=":material/undo:")
    if submitted and chosen is not None:
        if not reason.strip():
            st.error("Say why the finding is withdrawn: the audit log records it.")
            return
        try:
            db.withdraw_finding(evaluation_id, chosen.entry, evaluator=me, reason=reason.strip())
        except StoreError as exc:
            st.error(f"Not withdrawn: {exc}.")
            return
        st.session_state["panel_flash"] = f"Withdrew finding #{chosen.entry}."
        st.rerun()


def narrative_form(db: Store, evaluation_id: int, cells: Sequence[Cell], chair: str) -> None:
    """The chair writes a cell's consensus narrative (a later one replaces it)."""
    with st.form("narrate", clear_on_submit=True):
        st.markdown("**Write a consensus narrative** (chair)")
        cell = _cell_choice(cells, "narrate_cell",
                            lambda c: (bool(c.narrative), not c.flagged, c.vendor, c.criterion))
        text = st.text_area("Consensus narrative", height=80, placeholder=(
            "Why the panel agreed this score: the findings it rests on, and how the "
            "evaluators' differences were resolved"))
        if not st.form_submit_button("Save narrative"):
            return
    if not text.strip():
        st.error("Write the narrative before saving it.")
        return
    if cell is None:
        st.error("That cell is no longer scored; choose it again.")
        return
    if not stored(lambda: db.narrate(evaluation_id, cell.vendor, cell.lot, cell.criterion,
                                     text.strip(), chair=chair)):
        return
    st.session_state["panel_flash"] = (f"Saved the consensus narrative for {cell.vendor} / "
                                       f"{cell.criterion}.")
    st.rerun()


def findings_view(bidset: BidSet, live: PanelRecord, cells: Sequence[Cell],
                  findings: Sequence[Finding], assignment: Assignment | None = None) -> None:
    """One bid at a time: every evaluator's score and rationale per criterion beside the
    consensus and the chair's narrative, and the findings recorded against it (``findings``:
    the Findings sheet's, then those entered on this page); for an evaluator with an
    assignment, only the cells assigned to them."""
    if assignment is not None:
        findings = [f for f in findings if assignment.covers(f.lot, f.criterion)]
    recorded = {(fold(c.vendor), c.lot) for c in cells} | {
        (fold(f.vendor), f.lot) for f in findings}
    bids = [b for b in bidset.bids if (fold(b.vendor), b.lot) in recorded]
    if not bids:
        st.caption("No findings or rationales recorded yet.")
        return
    bid = st.selectbox("Bid", bids, key="panel_findings_bid", format_func=_bid_label)
    scores = merge_scores(bidset, bidset.panel_scores, live.scores)
    consensus = {fold(c.criterion): c for c in cells
                 if fold(c.vendor) == fold(bid.vendor) and c.lot == bid.lot}
    rows = [{"Criterion": s.criterion, "Evaluator": s.evaluator, "Score": s.score,
             "Rationale": s.rationale,
             "Consensus": consensus[fold(s.criterion)].score if fold(s.criterion) in consensus else None}
            for s in scores if fold(s.vendor) == fold(bid.vendor)
            and (not s.lot or fold(s.lot) == fold(bid.lot))
            and (assignment is None or assignment.covers(bid.lot, s.criterion))]
    if rows:
        st.caption("Each evaluator's score and rationale, beside the consensus")
        st.dataframe(pd.DataFrame(rows), hide_index=True, placeholder="—",
                     column_config={"Rationale": st.column_config.TextColumn(width="large")})
    written = [c for c in consensus.values() if c.narrative or c.moderated]
    if written:
        st.caption("The consensus per criterion, with the chair's narrative and moderation")
        st.dataframe(pd.DataFrame([{"Criterion": c.criterion, "Consensus": c.score,
                                    "Consensus narrative": c.narrative,
                                    "Moderation rationale": c.rationale} for c in written]),
                     hide_index=True, placeholder="—",
                     column_config={"Consensus narrative": st.column_config.TextColumn(
                         width="large")})
    found = [f for f in findings if fold(f.vendor) == fold(bid.vendor) and f.lot == bid.lot]
    if found:
        st.caption("Findings, with the proposal reference each rests on")
        st.dataframe(pd.DataFrame([{"Criterion": f.criterion, "Kind": bidset.kind_label(f.kind),
                                    "Finding": f.text,
                                    "Reference": f.reference,
                                    "Evaluator": f.evaluator or "panel (consensus)",
                                    "Recorded": f.recorded}
                                   for f in found]), hide_index=True, placeholder="—",
                     column_config={"Finding": st.column_config.TextColumn(width="large")})
    else:
        st.caption("No findings recorded for this bid.")


def _z_text(z: float | None) -> str | None:
    if z is None:
        return None
    if not math.isfinite(z):  # every offset the same: no spread to estimate
        return "every cell above" if z > 0 else "every cell below"
    return f"{z:+.2f}"


def evaluator_statistics(bidset: BidSet, cells: Sequence[Cell]) -> None:
    """For the chair: how each evaluator scores against the panel; how far the panel agrees on
    each criterion (Krippendorff's alpha, interval)."""
    from scoring.panel_stats import agreement, evaluator_stats, panel_halo

    stats = evaluator_stats(bidset, cells)
    if not stats:
        st.caption("No evaluator has scored yet.")
        return

    def pct(x: float | None) -> float | None:
        return None if x is None else round(100 * x, 1)

    st.dataframe(pd.DataFrame([
        {"Evaluator": s.evaluator, "Cells scored": s.cells,
         "Offset from the cell median (% of scale)": pct(s.offset),
         "z": _z_text(s.z),
         "Flagged cells (%)": pct(s.flagged_share),
         "Halo (r)": None if s.halo is None else round(s.halo, 2)} for s in stats]),
        hide_index=True, placeholder="—")
    pooled = panel_halo(cells)
    st.caption("Offset: the mean of the evaluator's score minus the cell's median, over cells "
               "three or more evaluators scored (the record check uses the same figure); |z| of 2 "
               "or more is unlikely by chance. Halo: the mean correlation of the evaluator's "
               "scores between criteria, bid by bid; near 1, they may be rating the bid rather "
               "than each criterion"
               + (f" (the panel's median: {pooled:.2f})." if pooled is not None else "."))

    def reading(a: float | None, why: str) -> str:
        if a is None:
            return why
        return ("reliable (0.8 or more)" if a >= 0.8 else "tentative (0.667 to 0.8)"
                if a >= 0.667 else "low (below 0.667)")

    rows = [{"Criterion": a.criterion,
             "Krippendorff's alpha (interval)": None if a.alpha is None else round(a.alpha, 3),
             "Bids scored by two or more": a.units, "Evaluators": a.coders,
             "Reading": reading(a.alpha, a.why_none)} for a in agreement(bidset, cells)]
    st.dataframe(pd.DataFrame(rows), hide_index=True, placeholder="—")
    st.caption("Agreement per criterion: 1 is complete agreement, 0 no better than chance, below "
               "0 systematic disagreement (Krippendorff's guidance: rely on 0.8 or more, draw "
               "tentative conclusions from 0.667).")


def record_checks(found: Sequence[Check]) -> None:
    """What the written record still lacks, for the chair (the report and `checks` say the same)."""
    st.markdown(describe(found))
    if found:
        st.dataframe(pd.DataFrame([{"Check": k.title, "Bid / criterion": k.subject or "(the panel)",
                                    "Where": k.where, "What was found": k.message,
                                    "What to do": k.fix} for k in found]),
                     hide_index=True, placeholder="—",
                     column_config={"What was found": st.column_config.TextColumn(width="large")})
