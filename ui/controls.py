"""Widgets that show and change the evaluation in use.

Each widget shows a part of the Evaluation value and changes it through its ``on_change``
callback, so every page, the sidebar included, draws from the changed value in the same run.
A widget's state is seeded from the evaluation whenever the two differ (the widget was off
screen, or the evaluation was replaced), so leaving a page never loses a choice. A typed value
that cannot be used (a price floor above the ceiling) stays in its box with a message in
place, and the evaluation keeps its last valid value until the input is fixed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from scoring.evaluation import (
    CONCENTRATION,
    MAX_SEED,
    DrawModel,
    Evaluation,
)
from scoring.model import BidSet
from scoring.settings import (
    METHOD_LABELS,
    METHODS,
    PRICE_FORMULA_LABELS,
    PRICE_FORMULAS,
    SPECS,
    Kind,
    PriceFormula,
    bounds_problems,
)
from ui import state

ERRORS, PENDING = state.INPUT_STATE
# ERRORS: group -> message, for inputs whose values are not applied
# PENDING: widget key -> the value typed there and not applied (kept across pages)
_MISSING = object()
DIRECT, ROC = "Direct points", "Rank order (ROC)"
DRAWS = (1_000, 10_000, 100_000)


def errors() -> dict[str, str]:
    return st.session_state.setdefault(ERRORS, {})


def error(group: str) -> str | None:
    """The message of a group of inputs that could not be applied (None when applied)."""
    return errors().get(group)


def _pending() -> dict[str, Any]:
    return st.session_state.setdefault(PENDING, {})


def _seed(key: str, value: Any, group: str | None = None) -> str:
    """Show ``value`` in the widget ``key``, or the value typed there if it is not applied yet."""
    if group is not None and group in errors() and key in _pending():
        value = _pending()[key]
    if st.session_state.get(key, _MISSING) != value:
        st.session_state[key] = value
    return key


def _refuse(group: str, message: str, keys: Sequence[str]) -> None:
    """Keep what was typed in ``keys`` and say why it is not applied."""
    errors()[group] = message
    for key in keys:
        if key in st.session_state:
            _pending()[key] = st.session_state[key]


def _apply(change: Callable[[Evaluation], Evaluation], group: str | None = None) -> None:
    ev = state.evaluation()
    state.set_evaluation(change(ev))
    if group is not None:
        errors().pop(group, None)
        for key in _GROUPS.get(group, ()):
            _pending().pop(key, None)


# -- Evaluate -------------------------------------------------------------------------------------

PRICE = "price"  # the group: formula, floor and ceiling are applied together
_GROUPS = {PRICE: ("ev_formula", "ev_floor", "ev_ceiling")}


def price_controls(ev: Evaluation, currency: str) -> None:
    """Method, price formula and (for the linear formula) floor and ceiling."""
    s = ev.scoring
    st.selectbox("Scoring method", METHODS, format_func=METHOD_LABELS.get,
                 key=_seed("ev_method", s.method), on_change=_method_changed)
    st.selectbox("Price formula", PRICE_FORMULAS, format_func=PRICE_FORMULA_LABELS.get,
                 key=_seed("ev_formula", s.price_formula, PRICE), on_change=_price_changed,
                 help="Used by WSM and WPM when a 'Price' criterion is weighted. TOPSIS and VIKOR "
                      "work on raw prices.")
    if st.session_state["ev_formula"] == PriceFormula.LINEAR:
        low, high = st.columns(2)
        for col, key, name in ((low, "ev_floor", "price_floor"), (high, "ev_ceiling", "price_ceiling")):
            spec = SPECS[name]
            col.number_input(f"{spec.label.split(' (')[0]} ({_esc(currency)})", min_value=spec.minimum,
                             max_value=spec.maximum, step=spec.step, format="%.0f", value=None,
                             key=_seed(key, getattr(s, name), PRICE), on_change=_price_changed,
                             help=spec.help + " Set before bids open.")
            money_caption(col, st.session_state.get(key), currency)
    message = error(PRICE)
    if message:
        kept = (f"{PRICE_FORMULA_LABELS[s.price_formula]}"
                + (f" (floor {s.price_floor:,.0f}, ceiling {s.price_ceiling:,.0f})"
                   if s.price_formula == PriceFormula.LINEAR else ""))
        if "needs a price floor and a price ceiling" in message:  # not wrong: not finished
            st.info(f"Give a price floor and a price ceiling for the linear formula (set before "
                    f"bids open). Until both are given, every page keeps {kept}.",
                    icon=":material/edit:")
        else:
            st.error(f"Not applied: {message}. Until it is fixed, every page keeps {kept}.",
                     icon=":material/error:")


def _method_changed() -> None:
    _apply(lambda ev: ev.with_scoring(method=st.session_state["ev_method"]))


def _price_changed() -> None:
    formula = st.session_state["ev_formula"]
    ev = state.evaluation()
    floor = st.session_state.get("ev_floor", ev.scoring.price_floor)
    ceiling = st.session_state.get("ev_ceiling", ev.scoring.price_ceiling)
    if formula != PriceFormula.LINEAR:
        floor, ceiling = ev.scoring.price_floor, ev.scoring.price_ceiling
    problems = bounds_problems(formula, floor, ceiling)
    if problems:
        _refuse(PRICE, problems[0][1], _GROUPS[PRICE])
        return
    _apply(lambda e: e.with_scoring(price_formula=formula, price_floor=floor,
                                    price_ceiling=ceiling), PRICE)


WEIGHTS = "weights"  # the group of the weights editors (ui.weight_views)


def _reconcile(apply: Callable[[], None]) -> None:
    """An editor's shown values are the truth: if they differ from the evaluation (edits that
    reached the editor without its callback, e.g. restored state), apply them and draw again."""
    before = state.evaluation()
    apply()
    if state.evaluation() != before:
        st.rerun()


def lot_radio(lots: Sequence[str], key: str, format_func: Callable[[str], str]) -> str | None:
    """The lot shown: one choice for every page (and the share link)."""
    if not lots:
        return None
    lot = state.view_lot(list(lots))
    st.radio("Lot", list(lots), format_func=format_func, horizontal=True,
             key=_seed(key, lot), on_change=lambda: state.set_view_lot(st.session_state[key]))
    return st.session_state[key]


# -- Compliance -----------------------------------------------------------------------------------

def sla_gate_toggle(ev: Evaluation) -> None:
    st.toggle("Require a mission-grade SLA: bids that miss any element are not ranked",
              key=_seed("ev_sla_gate", ev.scoring.sla_gate),
              on_change=lambda: _apply(lambda e: e.with_scoring(
                  sla_gate=bool(st.session_state["ev_sla_gate"]))),
              help="Applies on every page: Evaluate, Robustness and Scenarios rank only "
                   "mission-grade bids.")


# -- Scenarios ------------------------------------------------------------------------------------

def what_if_inputs(ev: Evaluation, bidset: BidSet) -> None:
    """The scenario settings as what-ifs, with the ranges of their specification."""
    settings = ev.settings(bidset.settings)
    keys = [k for k, s in SPECS.items() if s.what_if]
    columns = st.columns(3)
    for i, key in enumerate(keys):
        spec = SPECS[key]
        unit = {"currency": _esc(settings.currency), "components": ""}.get(spec.unit, spec.unit)
        label = spec.label + (f" ({unit})" if unit else "")
        if spec.optional:
            label += f" (empty = {spec.unset})"
        whole = spec.kind == Kind.WHOLE
        number = (lambda x: None if x is None else int(x)) if whole else (
            lambda x: None if x is None else float(x))
        columns[i % 3].number_input(
            label, min_value=number(spec.minimum), max_value=number(spec.maximum),
            step=number(spec.step), **({"value": None} if spec.optional else {}),
            format="%d" if whole else ("%.0f" if spec.unit == "currency" else
                                       "%.3f" if spec.unit == "per year" else "%g"),
            key=_seed(f"ev_wi_{key}", getattr(settings, key)), help=spec.help,
            on_change=_what_if_changed, args=(key, bidset))
        if spec.unit == "currency":
            money_caption(columns[i % 3], st.session_state.get(f"ev_wi_{key}"), settings.currency)
    st.caption("The contract term changes only the failure exposure: the chance that a vendor "
               "fails during the term, and so the expected replacement cost and the simulated "
               "costs. Bid prices are totals over the term as bid; they do not scale with it.")


def money_caption(where: Any, value: float | None, currency: str) -> None:
    """A money figure as it reads, under its input (the input itself cannot group digits)."""
    if value is not None:
        where.caption(f"{_esc(currency)} {value:,.0f}")


def _what_if_changed(key: str, bidset: BidSet) -> None:
    value = st.session_state[f"ev_wi_{key}"]
    if value is None and not SPECS[key].optional:
        return
    _apply(lambda ev: ev.with_what_ifs(bidset, {key: value}))


def award_editor(ev: Evaluation, bidset: BidSet, start: dict[str, str]) -> None:
    """Hand-edit an award: a vendor per component, starting from ``start`` (the modular award)."""
    vendors = sorted({b.vendor for b in bidset.bids}, key=str.casefold)
    chosen = dict(ev.edited_award) if ev.edited_award is not None else start
    key = f"ev_award_{state.generation()}"
    base = pd.DataFrame({"Component": [c.name for c in bidset.components],
                         "Vendor": [chosen.get(c.name) for c in bidset.components]})
    st.session_state[f"{key}_base"] = base
    shown = st.data_editor(
        base, key=key, hide_index=True, disabled=["Component"], on_change=_award_changed,
        args=(key,),
        column_config={"Vendor": st.column_config.SelectboxColumn(
            options=vendors, required=True,
            help="Pick the vendor whose bid for this component is awarded; pick the same vendor "
                 "everywhere to award its bundle bid")})
    award = dict(zip(shown["Component"], shown["Vendor"], strict=True))
    if award != chosen:
        _reconcile(lambda: _set_award(award))
    if ev.edited_award is not None:
        st.button("Clear the hand-edited award", icon=":material/undo:",
                  on_click=lambda: _clear_award())


def _award_changed(key: str) -> None:
    base: pd.DataFrame = st.session_state[f"{key}_base"]
    award = {str(c): v for c, v in zip(base["Component"], base["Vendor"], strict=True)}
    names = list(base["Component"])
    for row, change in st.session_state[key].get("edited_rows", {}).items():
        if isinstance(change.get("Vendor"), str):
            award[names[int(row)]] = change["Vendor"]
    _set_award(award)


def _set_award(award: dict[str, Any]) -> None:
    if all(isinstance(v, str) and v for v in award.values()):
        _apply(lambda ev: ev.replace(edited_award=tuple((str(k), v) for k, v in award.items())))


def _clear_award() -> None:
    state.replace_evaluation(state.evaluation().replace(edited_award=None))


# -- Robustness -----------------------------------------------------------------------------------

def robustness_inputs(ev: Evaluation, bidset: BidSet) -> None:
    r = ev.robustness
    ranged = any(c.weight_range for c in bidset.criteria)
    a, b, c, d = st.columns([1.1, 2.2, 0.9, 0.7])
    draws = DRAWS if r.draws in DRAWS else tuple(sorted({*DRAWS, r.draws}))
    a.selectbox("Weight draws", draws, format_func="{:,}".format,
                key=_seed("ev_rob_draws", r.draws), on_change=_robustness_changed)
    models = tuple(m for m in DrawModel if ranged or m != DrawModel.RANGES)
    b.radio("Weights drawn", models, horizontal=True,
            format_func={DrawModel.STATED: "Around the weights in use",
                         DrawModel.UNIFORM: "No preference",
                         DrawModel.RANGES: "Inside the published ranges"}.get,
            key=_seed("ev_rob_mode", r.weights), on_change=_robustness_changed,
            help="Around the weights in use: Dirichlet with concentration K (higher K, closer "
                 "to the weights in use). No preference: uniform over all weightings (SMAA-2). "
                 "Inside the published ranges: uniform over the weightings the criteria's "
                 "published ranges allow (hit-and-run; a criterion without a range keeps its "
                 "weight).")
    c.number_input("Concentration K", min_value=CONCENTRATION[0], max_value=CONCENTRATION[1], step=10.0,
                   key=_seed("ev_rob_k", float(r.concentration)), on_change=_robustness_changed,
                   disabled=r.weights != DrawModel.STATED)
    d.number_input("Seed", min_value=0, max_value=MAX_SEED, step=1,
                   key=_seed("ev_rob_seed", int(r.seed)), on_change=_robustness_changed)


def _robustness_changed() -> None:
    from scoring.evaluation import RobustnessOptions

    ss = st.session_state
    _apply(lambda ev: ev.replace(robustness=RobustnessOptions(
        draws=int(ss["ev_rob_draws"]), seed=int(ss["ev_rob_seed"]), weights=ss["ev_rob_mode"],
        concentration=float(ss["ev_rob_k"]))))


# -- Panel ----------------------------------------------------------------------------------------

def consensus_radio(ev: Evaluation, *, locked: bool = False) -> None:
    """How cells' consensus is formed (fixed once the technical consensus is locked)."""
    from scoring.panel import CONSENSUS_METHODS

    st.radio("Consensus of the evaluators' scores", CONSENSUS_METHODS, horizontal=True,
             key=_seed("ev_consensus", ev.consensus), disabled=locked,
             on_change=lambda: _apply(lambda e: e.replace(consensus=st.session_state["ev_consensus"])),
             help="How each cell's consensus is formed where the chair has not moderated it. "
                  "A change is part of the evaluation in use: save a version to record it.")


def _esc(text: str) -> str:
    from ui.widgets import md_escape

    return md_escape(text)
