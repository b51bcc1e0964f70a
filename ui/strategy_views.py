"""The Strategy page's inputs and figures: the programme's answers and their weights, the model
chosen, the risk allocation editor and the value-for-money inputs, each change a new
assessment in the evaluation in use (``Evaluation.strategy``), so that the report, the decision
document, a saved version and the command line show the same figures."""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from scoring.model import BidSet
from scoring.strategy import (
    MAX_DRAWS,
    MAX_PREMIUM,
    MAX_SEED,
    MAX_WEIGHT,
    NONE,
    OWNERS,
    PROFILES,
    QUESTIONS,
    YEARS,
    Allocation,
    Assessment,
    RiskLine,
    Summary,
    answer_bounds,
    as_percent,
    default_assessment,
    question_name,
    risk_name,
    usual_owner,
)
from ui import state, vega
from ui.controls import _apply, _reconcile, _seed
from ui.widgets import md_escape as esc

BEST = "Best fit"
RISK_EDITS = "strategy_risk_edits"  # how many edits of the risk table applied (names the editor)
# ev_-prefixed: dropped with the evaluation's other widget state when it is replaced
REFUSED = "ev_strat_refused"  # why the last edit of the risk table was not applied
NO_WEIGHT = "ev_strat_no_weight"  # a weight of 0 refused: every question would weigh 0


def start() -> None:
    """Begin an assessment where the workbook has none: mid answers, the standard risks with
    typical chances and costs, to be made the programme's own."""
    _apply(lambda ev: ev.replace(strategy=default_assessment()))


def reset() -> None:
    """Back to the workbook's Strategy sheet (or to no assessment, when it has none)."""
    _apply(lambda ev: ev.replace(strategy=None))
    st.session_state.pop(REFUSED, None)


def _current(bidset: BidSet) -> Assessment:
    """The assessment in use (the page draws its widgets only when there is one)."""
    a = state.evaluation().assessment(bidset)
    assert a is not None
    return a


def _change(bidset: BidSet, **changes: Any) -> None:
    a = _current(bidset)
    if "weights" not in changes:
        st.session_state.pop(NO_WEIGHT, None)
    _apply(lambda e: e.replace(strategy=a.replace(**changes)))


# -- 1. delivery-model fit -------------------------------------------------------------------

def answers_inputs(bidset: BidSet, a: Assessment) -> None:
    """The seven questions: the programme's answer and the question's weight, side by side."""
    head = st.columns([6, 2, 2])
    head[0].markdown("**Question**")
    head[1].markdown("**Answer**")
    head[2].markdown("**Weight**")
    weights = a.weight_map
    for q, label in QUESTIONS:
        row = st.columns([6, 2, 2], vertical_alignment="center")
        row[0].write(label)
        low, high = answer_bounds(q)
        whole = q == YEARS  # whole years: the term value for money runs over
        kind = int if whole else float
        row[1].number_input(f"Answer: {question_name(q)}", min_value=kind(low),
                            max_value=kind(high), step=kind(1), format="%d" if whole else "%g",
                            key=_seed(f"ev_strat_a_{q}", kind(a.answer_map[q])),
                            label_visibility="collapsed", on_change=_answer, args=(q, bidset))
        row[2].number_input(f"Weight: {question_name(q)}", min_value=0.0, max_value=MAX_WEIGHT,
                            step=0.5, format="%g", key=_seed(f"ev_strat_w_{q}", weights[q]),
                            label_visibility="collapsed", on_change=_weight, args=(q, bidset),
                            help="Relative points: how much this question counts in the fit")
    if st.session_state.get(NO_WEIGHT):
        st.error("Not applied: at least one question must weigh more than 0.",
                 icon=":material/error:")


def _answer(q: str, bidset: BidSet) -> None:
    answers = {**_current(bidset).answer_map, q: float(st.session_state[f"ev_strat_a_{q}"])}
    _change(bidset, answers=tuple(answers.items()))


def _weight(q: str, bidset: BidSet) -> None:
    weights = {**_current(bidset).weight_map, q: float(st.session_state[f"ev_strat_w_{q}"])}
    st.session_state[NO_WEIGHT] = sum(weights.values()) <= 0
    if st.session_state[NO_WEIGHT]:
        return  # every weight 0: refused below the inputs, the assessment unchanged
    _change(bidset, weights=tuple(weights.items()))


def fit_frame(found: Summary) -> pd.DataFrame:
    return pd.DataFrame([{**r, "Chosen": "✓" if r["Model"] == found.model else ""}
                         for r in found.fit_rows()])


FIT_COLUMNS = {
    "Rank": st.column_config.NumberColumn(width=50),
    "Chosen": st.column_config.TextColumn(width=60),
    "Fit (0-5)": st.column_config.NumberColumn(format="%.2f", width=70, help="The weighted sum "
                                               "of the model's fit on each question, 0 to 5"),
    "First in weight draws": st.column_config.ProgressColumn(
        format="%.0f%%", min_value=0, max_value=100, width=110,
        help="How robust the ranking is: the share of 5,000 weight draws around the weights "
             "(Dirichlet) in which the model ranks first"),
    "Fits on": st.column_config.TextColumn(width=270),
    "Fits less on": st.column_config.TextColumn(width=330),
}


def stability_frame(found: Summary) -> pd.DataFrame:
    """Each answer, and how far it can move before another model fits best."""
    return pd.DataFrame([{"Question": question_name(s.question), "Answer": s.answer,
                          f"{found.ranking[0].model} stays best": s.describe()}
                         for s in found.stability])


def fit_chart(found: Summary) -> vega.Chart:
    frame = pd.DataFrame({"Model": [f.model for f in found.ranking],
                          "Fit": [f.score for f in found.ranking],
                          "Chosen": ["chosen" if f.model == found.model else "other"
                                     for f in found.ranking]})
    chart = alt.Chart(height=230).mark_bar().encode(
        alt.X("Fit:Q", title="Fit (0-5)", scale=alt.Scale(domain=[0, 5])),
        alt.Y("Model:N", sort=None, title=None),
        alt.Color("Chosen:N", scale=alt.Scale(domain=["chosen", "other"],
                                              range=["#1f3864", "#9db4d6"]), legend=None),
        alt.Tooltip("Fit:Q", format=".2f"))
    return vega.Chart.of(frame, chart)


def model_select(bidset: BidSet, found: Summary) -> None:
    best = found.ranking[0].model
    options = [BEST, *PROFILES]
    st.selectbox("Delivery model chosen", options,
                 format_func=lambda m: f"Best fit ({best})" if m == BEST else m,
                 key=_seed("ev_strat_model", found.assessment.model or BEST), on_change=_model,
                 args=(bidset,),
                 help="The model the programme will buy by: its usual risk allocation, value for "
                      "money and the bid template follow it. The best fit follows the answers.")


def _model(bidset: BidSet) -> None:
    chosen = st.session_state["ev_strat_model"]
    _change(bidset, model="" if chosen == BEST else chosen)


# -- 2. risk allocation ----------------------------------------------------------------------

def risk_frame(found: Summary) -> pd.DataFrame:
    flags = {x.risk: x for x in found.allocation}
    return pd.DataFrame([{"Risk": r.name, "Owner": flags[r.name].owner,
                          "Usual owner": flags[r.name].usual or "(own risk)",
                          "Chance a year (%)": as_percent(r.chance), "Low": r.low,
                          "Likely": r.likely, "High": r.high, "Reconsider": _mark(flags[r.name])}
                         for r in found.assessment.risks],
                        columns=["Risk", "Owner", "Usual owner", "Chance a year (%)", "Low",
                                 "Likely", "High", "Reconsider"])


def _mark(x: Allocation) -> str:
    """The table's short flag (the reason is listed under the table)."""
    if not x.flag:
        return ""
    return "⚑ no owner" if x.owner == NONE else "⚑ not the usual owner"


def risk_editor(bidset: BidSet, found: Summary) -> None:
    """The risks × owner, pre-filled with the usual owner under the model; editable, rows may
    be added (a risk of the programme's own) or deleted."""
    key = f"ev_strat_risks_{st.session_state.get(RISK_EDITS, 0)}"
    base = risk_frame(found)
    st.session_state[f"{key}_base"] = base
    money = st.column_config.NumberColumn(min_value=0.0, format="%,.0f")
    shown = st.data_editor(
        base, key=key, hide_index=True, num_rows="dynamic", width="stretch", height="content",
        disabled=["Usual owner", "Reconsider"], on_change=_risks_changed, args=(key, bidset),
        column_config={
            "Risk": st.column_config.TextColumn(required=True, width="medium"),
            "Owner": st.column_config.SelectboxColumn(
                options=[*OWNERS, NONE], required=True,
                help="Who bears the risk: public (the agency), private (the provider), shared, "
                     "or none (flagged)"),
            "Chance a year (%)": st.column_config.NumberColumn(min_value=0.0, max_value=100.0,
                                                               format="%g"),
            "Low": money, "Likely": money, "High": money,
            "Reconsider": st.column_config.TextColumn(
                width="medium", help="A deviation from the usual allocation, or no owner: the "
                                     "reason to reconsider is listed under the table")})
    # edits that reached the editor without its callback: applied, and the page drawn again
    _reconcile(lambda: _take(shown.to_dict("records"), bidset, found.model))
    if (why := st.session_state.get(REFUSED)) is not None:
        st.error(f"Not applied: {esc(why)}", icon=":material/error:")


def _risks_changed(key: str, bidset: BidSet) -> None:
    base: pd.DataFrame = st.session_state[f"{key}_base"]
    edits = st.session_state[key]
    rows = base.to_dict("records")
    for i, change in edits.get("edited_rows", {}).items():
        rows[int(i)].update(change)
    deleted = {int(i) for i in edits.get("deleted_rows", [])}
    rows = [r for i, r in enumerate(rows) if i not in deleted] + list(edits.get("added_rows", []))
    _take(rows, bidset, _current(bidset).chosen())


def _text(value: Any) -> str:
    """A text cell of the risk table: blank (None, or NaN in the frame shown) is ""."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _num(value: Any) -> float:
    """A cell of the risk table as a number: blank (None, or NaN in the frame shown) is 0."""
    return 0.0 if value is None or pd.isna(value) else float(value)


def _same(a: tuple[RiskLine, ...], b: tuple[RiskLine, ...]) -> bool:
    """The same risks, owners and figures (the editor's percentages round-trip inexactly)."""
    return len(a) == len(b) and all(
        x.name == y.name and x.owner == y.owner and all(
            math.isclose(getattr(x, f), getattr(y, f), rel_tol=1e-9, abs_tol=1e-12)
            for f in ("chance", "low", "likely", "high")) for x, y in zip(a, b, strict=True))


def _take(rows: list[dict[str, Any]], bidset: BidSet, model: str) -> None:
    """The risk table's rows as the assessment's risks (the owners against the usual ones
    under ``model``, the model chosen); rows that are its risks already change nothing, rows
    that cannot be used are refused (REFUSED says why)."""
    a = _current(bidset)
    before = {r.name: r.owner for r in a.risks}
    lines = []
    for r in rows:
        name = risk_name(_text(r.get("Risk")))
        if not name:
            continue  # a row added but not yet named
        owner = _text(r.get("Owner")) or NONE
        usual = usual_owner(name, model)
        if name in before and owner == (before[name] or usual or NONE):
            owner = before[name]  # unchanged: as it was given (blank follows the model)
        elif owner == usual:
            owner = ""
        costs = [_num(r.get(k)) for k in ("Low", "Likely", "High")]
        lines.append(RiskLine(name, owner, _num(r.get("Chance a year (%)")) / 100, *costs))
    if _same(a.risks, tuple(lines)):
        st.session_state.pop(REFUSED, None)  # what the table shows is in use
        return
    candidate = a.replace(risks=tuple(lines))
    if problems := candidate.problems():
        st.session_state[REFUSED] = problems[0]
        return
    st.session_state.pop(REFUSED, None)
    done = st.session_state.get(RISK_EDITS, 0)
    st.session_state.pop(f"ev_strat_risks_{done}_base", None)  # the editor drawn anew, keyed anew
    st.session_state[RISK_EDITS] = done + 1
    _apply(lambda e: e.replace(strategy=candidate))


# -- 3. value for money ----------------------------------------------------------------------

_MONEY = (("traditional_cost", "Traditional delivery", "The agency delivering itself: raw cost "
           "and financing over the term"),
          ("partnership_cost", "The model's price", "What the model costs over the term"),
          ("neutrality", "Competitive neutrality", "What the agency's own delivery escapes "
           "(taxes, insurance, a commercial return), added to traditional delivery"))


def vfm_inputs(bidset: BidSet, a: Assessment) -> None:
    currency = esc(bidset.settings.currency)
    cols = st.columns(3)
    for col, (name, label, what) in zip(cols, _MONEY, strict=True):
        col.number_input(f"{label} ({currency})", min_value=0.0, step=50_000.0, format="%.0f",
                         key=_seed(f"ev_strat_{name}", float(getattr(a, name))), help=what,
                         on_change=_number, args=(name, bidset))
        col.caption(f"{currency} {getattr(a, name):,.0f}")
    cols = st.columns(3)
    cols[0].number_input("Risk premium on transferred risk (%)", min_value=0.0,
                         max_value=100 * MAX_PREMIUM, step=5.0, format="%g",
                         key=_seed("ev_strat_risk_premium", as_percent(a.risk_premium)),
                         on_change=_number, args=("risk_premium", bidset),
                         help="What a provider charges over the expected cost of a risk it takes")
    cols[1].number_input("Simulated terms", min_value=1, max_value=MAX_DRAWS, step=1_000,
                         key=_seed("ev_strat_draws", a.draws), on_change=_number,
                         args=("draws", bidset))
    cols[2].number_input("Seed", min_value=0, max_value=MAX_SEED, step=1,
                         key=_seed("ev_strat_seed", a.seed), on_change=_number,
                         args=("seed", bidset))


def _number(name: str, bidset: BidSet) -> None:
    value = st.session_state[f"ev_strat_{name}"]
    if value is None:
        return
    value = value / 100 if name == "risk_premium" else value
    _change(bidset, **{name: int(value) if name in ("draws", "seed") else float(value)})


def vfm_frame(found: Summary) -> pd.DataFrame:
    return pd.DataFrame([{"Option": name, "Mean": x["mean"], "P50": x["p50"], "P90": x["p90"]}
                         for name, x in found.options])


def vfm_chart(found: Summary, currency: str) -> vega.Chart:
    """The two totals' distributions as cumulative curves: how likely each stays within a cost."""
    share = np.linspace(0.005, 0.995, 100)
    c = found.comparison
    frame = pd.concat([pd.DataFrame({"Option": name, "Cost": np.quantile(x, share),
                                     "Share": share})
                       for name, x in (("Traditional delivery", c.traditional),
                                       (found.model, c.partnership))], ignore_index=True)
    chart = alt.Chart(height=340).mark_line(strokeWidth=2.5).encode(
        alt.X("Cost:Q", title=f"Total over {found.assessment.years} years ({currency})",
              axis=alt.Axis(format="~s"), scale=alt.Scale(zero=False)),
        alt.Y("Share:Q", title="Share of terms", axis=alt.Axis(format="%")),
        alt.Color("Option:N", title=None, legend=alt.Legend(orient="top"),
                  scale=alt.Scale(domain=["Traditional delivery", found.model],
                                  range=["#a0a0a0", "#1f3864"])),
        alt.Tooltip("Cost:Q", format=",.0f"))
    return vega.Chart.of(frame, chart)
