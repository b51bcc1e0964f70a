"""Reusable widgets: weights editor, ranking table, problem list, provenance line."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from scoring.mcda import Ranking
from scoring.model import BidSet, Problem, lot_name
from scoring.weights import normalise_points, roc_from_ranks

DIRECT, ROC = "Direct points", "Rank order (ROC)"
POINTS = "weight_points"  # sha256 -> points last entered, kept while the user visits other pages


def lot_label(lot: str) -> str:
    """A lot's display name, safe where Streamlit renders Markdown."""
    return md_escape(lot_name(lot))


def problems_frame(problems: Sequence[Problem]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"Where": str(p.location), "Problem": p.message, "What to do": p.fix} for p in problems],
        columns=["Where", "Problem", "What to do"],
    )


def md_escape(text: str) -> str:
    """Show user text literally where Streamlit renders Markdown (tables, captions)."""
    text = " ".join(str(text).split())
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])", r"\\\1", text)


def show_problems(problems: Sequence[Problem]) -> None:
    """A wrapped, readable table of located problems (user text shown literally)."""
    frame = problems_frame(problems).map(md_escape)
    st.table(frame, hide_index=True)


def weights_editor(bidset: BidSet, initial: Mapping[str, float] | None = None
                   ) -> dict[str, float] | None:
    """Let the user set weights by direct points or by an importance ordering (ROC).

    The points start as those last entered for this workbook in the session (kept across
    pages), else ``initial`` (normalised weights, e.g. of a saved version) x 100, else the
    workbook's. Returns the normalised weights, or None (after saying why) when they cannot
    be used.
    """
    mode = st.radio("How to set weights", (DIRECT, ROC), horizontal=True, key="weights_mode",
                    help="Direct points: any relative numbers. Rank order centroid: put the "
                    "criteria in order of importance; ROC turns the order into weights.")
    names = [c.name for c in bidset.criteria]
    key = f"{'points' if mode == DIRECT else 'roc'}_{bidset.sha256[:16]}"
    remembered = st.session_state.setdefault(POINTS, {}).get(bidset.sha256)
    if mode == DIRECT:
        if remembered is not None:
            start = [remembered[n] for n in names]
        elif initial is not None:
            start = [round(100 * initial[n], 6) for n in names]
        else:
            start = [float(c.weight) for c in bidset.criteria]
        frame = pd.DataFrame({
            "Criterion": names,
            "Group": [c.group for c in bidset.criteria],
            "Points": start,
        })
        edited = st.data_editor(
            frame, key=key, hide_index=True, disabled=["Criterion", "Group"],
            column_config={"Points": st.column_config.NumberColumn(
                min_value=0.0, step=1.0, format="%.1f", help="Relative importance, 0 or more")},
        )
        points = dict(zip(edited["Criterion"], edited["Points"].fillna(0.0), strict=True))
        try:
            weights = normalise_points(points)
        except ValueError as exc:
            st.error(f"Weights cannot be used: {exc}.")
            return None
        if remembered is None and initial is not None and edited["Points"].equals(frame["Points"]):
            weights = dict(initial)  # untouched: exactly the saved weights, not a round trip
        else:
            st.session_state[POINTS][bidset.sha256] = {k: float(v) for k, v in points.items()}
    else:
        now = remembered or initial or {c.name: c.weight for c in bidset.criteria}
        levels = sorted(set(now.values()), reverse=True)
        frame = pd.DataFrame({
            "Criterion": names,
            "Importance rank": [levels.index(now[n]) + 1 for n in names],  # from the weights in use
        })
        edited = st.data_editor(
            frame, key=key, hide_index=True, disabled=["Criterion"],
            column_config={"Importance rank": st.column_config.NumberColumn(
                min_value=1, max_value=len(names), step=1, format="%d",
                help="1 = most important; equal ranks share their weight")},
        )
        ranks = dict(zip(edited["Criterion"], edited["Importance rank"].fillna(len(names)),
                         strict=True))
        weights = roc_from_ranks({k: int(v) for k, v in ranks.items()})
    st.caption("Normalised weights: "
               + " · ".join(f"{md_escape(k)} {v:.1%}" for k, v in weights.items()))
    return weights


def ranking_frame(ranking: Ranking, lot: str) -> pd.DataFrame:
    rows = []
    for b in ranking.in_lot(lot):
        rows.append({
            "Rank": b.rank,
            "Vendor": b.vendor,
            "Price": b.price,
            "Score": b.score,
            "Eligible": "Yes" if b.eligible else "No",
            "Failed gates": ", ".join(b.failed_gates),
            "Pareto front": "Yes" if b.pareto else ("" if not b.eligible else "No"),
        })
    return pd.DataFrame(rows)


def show_ranking(ranking: Ranking, lot: str, currency: str) -> None:
    score_help = ("VIKOR's Q: lower is better" if ranking.lower_is_better
                  else "The method's score: higher is better")
    st.dataframe(
        ranking_frame(ranking, lot),
        hide_index=True,
        placeholder="—",  # a bid that is not ranked has no rank or score
        column_config={
            "Rank": st.column_config.NumberColumn(format="%d", width="small"),
            "Price": st.column_config.NumberColumn(f"Price ({currency})", format="localized"),
            "Score": st.column_config.NumberColumn(
                "Q (lower is better)" if ranking.lower_is_better else "Score", format="%.4f",
                help=score_help),
            "Pareto front": st.column_config.TextColumn(
                help="No other eligible bid is both cheaper and better on quality"),
        },
    )


def provenance(ranking: Ranking, workbook_name: str, version: str = "") -> None:
    """Say which method, normalisation, input and saved version produced the ranking shown."""
    text = f"{md_escape(ranking.describe())} · workbook: {md_escape(workbook_name)}"
    if version:
        text += f" · {md_escape(version)}"
    st.caption(text)


SETTING_LABELS: dict[str, str] = {
    "method": "Scoring method",
    "price_formula": "Price formula",
    "price_floor": "Price floor (linear formula)",
    "price_ceiling": "Price ceiling (linear formula)",
    "contract_years": "Contract term (years)",
    "vendor_failure_prob": "Default annual vendor failure probability",
    "integration_overhead_pct": "Integration overhead (% of each lot price)",
    "coordination_cost_per_vendor": "Coordination cost per extra vendor",
    "max_components_per_vendor": "Cap: components per vendor",
    "max_vendor_share_pct": "Cap: vendor share of total price (%)",
    "okr_threshold": "Award size needing 2 mission OKRs",
    "spread_flag_pct": "Panel spread flag (% of scale)",
    "currency": "Currency",
}


def criteria_frame(bidset: BidSet) -> pd.DataFrame:
    weights = bidset.stated_weights
    return pd.DataFrame([
        {
            "Criterion": c.name,
            "Group": c.group,
            "Weight": f"{weights[c.name]:.1%}",
            "Direction": "Higher is better" if c.direction == "max" else "Lower is better",
            "Scale": f"{c.scale_min:g} to {c.scale_max:g}" if c.has_scale else "",
            "Pass/fail threshold": "" if c.min_acceptable is None else f"{c.min_acceptable:g}",
        }
        for c in bidset.criteria
    ])


def bids_frame(bidset: BidSet) -> pd.DataFrame:
    scored = [c.name for c in bidset.criteria if not c.is_price]
    return pd.DataFrame([
        {"Vendor": b.vendor, "Lot": b.lot or "(single lot)", "Price": f"{b.price:,.0f}",
         **{name: b.scores.get(name) for name in scored}}
        for b in bidset.bids
    ])


def settings_frame(bidset: BidSet) -> pd.DataFrame:
    values = vars(bidset.settings)
    return pd.DataFrame([
        {"Setting": label, "Value": "not set" if values[key] is None else str(values[key])}
        for key, label in SETTING_LABELS.items()
    ])
