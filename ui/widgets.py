"""Reusable widgets: ranking table, problem list, provenance line, workbook tables."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from scoring.compliance import SLA_GATE
from scoring.mcda import Ranking
from scoring.model import BidSet, Problem, lot_name
from scoring.settings import SPECS


def lot_label(lot: str) -> str:
    """A lot's display name, safe where Streamlit renders Markdown."""
    return md_escape(lot_name(lot))


def problems_frame(problems: Sequence[Problem]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"Where": str(p.location), "Problem": p.message, "What to do": p.fix} for p in problems],
        columns=["Where", "Problem", "What to do"],
    )


WORD_JOINER = "\u2060"  # invisible: splits what Markdown would turn into a link by itself


def md_escape(text: str) -> str:
    """Show user text literally where Streamlit renders Markdown (tables, captions, labels):
    markup characters are escaped, and what GitHub-flavoured Markdown links by itself (a URL,
    'www.', an e-mail address) is split by an invisible word joiner so that it stays text."""
    text = " ".join(str(text).split())
    text = re.sub(r"(?i)(://|www\.|@)", lambda m: m.group(0)[0] + WORD_JOINER + m.group(0)[1:], text)
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])", r"\\\1", text)


def show_problems(problems: Sequence[Problem]) -> None:
    """A wrapped, readable table of located problems (user text shown literally)."""
    frame = problems_frame(problems).map(md_escape)
    st.table(frame, hide_index=True)


def gate_failures(bidset: BidSet, ranking: Ranking, lot: str) -> dict[str, str]:
    """Each failing bid of the lot (by vendor) with its failed thresholds, its value against
    each ("Technical 2 < 3")."""
    criteria = {c.name: c for c in bidset.criteria}
    bids = {b.vendor: b for b in bidset.bids_in(lot)}
    out = {}
    for scored in ranking.in_lot(lot):
        if scored.eligible:
            continue
        source, texts = bids.get(scored.vendor), []
        for gate in scored.failed_gates:
            crit = criteria.get(gate)
            if gate == SLA_GATE:
                texts.append(f"{SLA_GATE} not met")
            elif crit is None or source is None or crit.min_acceptable is None:
                texts.append(gate)
            else:
                texts.append(crit.gate_text(source.value(crit)))
        out[scored.vendor] = ", ".join(texts)
    return out


def ranking_frame(ranking: Ranking, lot: str, gates: Mapping[str, str] | None = None
                  ) -> pd.DataFrame:
    """The lot's ranking table; ``gates`` says what each failing bid fails (else its names)."""
    rows = []
    for b in ranking.in_lot(lot):
        rows.append({
            "Rank": b.rank,
            "Vendor": b.vendor,
            "Price": b.price,
            "Score": b.score,
            "Eligible": "Yes" if b.eligible else "No",
            "Failed gates": "" if b.eligible else (gates or {}).get(b.vendor,
                                                                   ", ".join(b.failed_gates)),
            "Pareto front": "Yes" if b.pareto else ("" if not b.eligible else "No"),
        })
    return pd.DataFrame(rows)


def show_ranking(ranking: Ranking, lot: str, currency: str,
                 gates: Mapping[str, str] | None = None) -> None:
    score_help = ("VIKOR's Q: lower is better" if ranking.lower_is_better
                  else "The method's score: higher is better")
    st.dataframe(
        ranking_frame(ranking, lot, gates),
        hide_index=True,
        placeholder="—",  # a bid that is not ranked has no rank or score
        column_config={
            "Rank": st.column_config.NumberColumn(format="%d", width="small"),
            "Price": st.column_config.NumberColumn(f"Price ({currency})", format="localized"),
            "Score": st.column_config.NumberColumn(
                "Q (lower is better)" if ranking.lower_is_better else "Score", format="%.4f",
                help=score_help, width="medium"),
            "Failed gates": st.column_config.TextColumn(
                help="Each threshold the bid fails: its value against the threshold set in "
                     "Criteria", width="medium"),
            "Pareto front": st.column_config.TextColumn(
                help="No other eligible bid is both cheaper and better on quality"),
        },
    )


HOW_COMBINED = {
    "wpm": "WPM multiplies the normalised values, each raised to its weight, so a low value "
           "costs more than the points show",
    "topsis": "TOPSIS ranks by closeness to the ideal bid (distances over every criterion at "
              "once, on its own vector normalisation), not by the sum of these points",
    "vikor": "VIKOR ranks by Q, which weighs the total shortfall from the best bid against the "
             "single worst shortfall, not by the sum of these points",
}


def contributions_note(ranking: Ranking, lot: str) -> str:
    """What the contribution bars show, and, when their order is not the ranking's, why."""
    text = ("Shown as weighted points (weight × normalised value). "
            f"{HOW_COMBINED.get(ranking.method, '')}.")
    eligible = [b for b in ranking.in_lot(lot) if b.eligible]
    by_points = sorted(eligible, key=lambda b: (-sum(b.contributions.values()), b.vendor.casefold()))
    if [b.vendor for b in by_points] != [b.vendor for b in eligible]:
        first = next(b for b, p in zip(eligible, by_points, strict=True) if b is not p)
        text += (f" Here the bars' order differs from the ranking's (for instance "
                 f"{md_escape(first.vendor)} ranks higher than its points suggest): the ranking "
                 "beside them is the method's own.")
    return text


def provenance(ranking: Ranking, workbook_name: str) -> None:
    """Say which method, normalisation, input and saved version produced the figures shown (and
    whether the live panel has moved on since that version)."""
    from ui import persistence

    status = persistence.status()
    text = (f"{md_escape(ranking.describe())} · workbook: {md_escape(workbook_name)} · "
            f"{md_escape(status.label())}")
    st.caption(text)


def criteria_frame(bidset: BidSet) -> pd.DataFrame:
    weights = bidset.stated_weights
    return pd.DataFrame([
        {
            "Criterion": c.name,
            "Group": c.group,
            "Weight": f"{weights[c.name]:.1%}",
            "Direction": "Higher is better" if c.direction == "max" else "Lower is better",
            "Scale": (", ".join(f"{lb} {v:g}" for lb, v in c.ratings) if c.ratings else
                      f"{c.scale_min:g} to {c.scale_max:g}" if c.has_scale else ""),
            "Pass/fail threshold": "" if c.min_acceptable is None else f"{c.min_acceptable:g}",
        }
        for c in bidset.criteria
    ])


def bids_frame(bidset: BidSet, *, sealed: bool = False) -> pd.DataFrame:
    """The bids as read (without their prices while those are sealed); a criterion rated in
    words shows the label with its value."""
    scored = [c for c in bidset.criteria if not c.is_price]
    return pd.DataFrame([
        {"Vendor": b.vendor, "Lot": b.lot or "(single lot)",
         **({} if sealed else {"Price": f"{b.price:,.0f}"}),
         **{c.name: (c.show(b.scores.get(c.name)) or None) if c.ratings else b.scores.get(c.name)
            for c in scored}}
        for b in bidset.bids
    ])


def settings_frame(bidset: BidSet) -> pd.DataFrame:
    """The workbook's settings as read, labelled and with their units and allowed values."""
    s = bidset.settings
    return pd.DataFrame([
        {"Setting": spec.label, "Value": spec.show(getattr(s, key), s.currency),
         "Allowed": spec.range_text()}
        for key, spec in SPECS.items()
    ])
