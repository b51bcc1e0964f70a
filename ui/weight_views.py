"""The weights editor: four ways of setting weights, on the factors and within each factor.

Direct points are the weights; rank order (rank-order centroid), AHP (pairwise judgements on
Saaty's scale, principal eigenvector, the members' judgements combined by their geometric mean)
and swing (each swing from worst to best rated 0-100 against the most valued) derive them. With
factors (the workbook's Groups sheet), each level is weighted on its own and a criterion's
weight in the ranking is its factor's weight times its weight within the factor.

A switch of method that would change the weights shows them beside those in use and asks; it
never changes them silently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from scoring.evaluation import WEIGHT_MODE_LABELS, Evaluation, WeightInput, WeightMode
from scoring.model import BidSet
from scoring.weights import (
    CRITERIA,
    FACTORS,
    INCONSISTENT,
    SAATY,
    Judgement,
    Level,
    ahp,
    combine,
    describe_outside,
    levels,
    nearest_saaty,
    normalise_points,
    outside_ranges,
    split,
)
from ui import state
from ui.controls import WEIGHTS, _apply, _esc, _reconcile, _seed, error, errors

DIRECT, ROC, AHP, SWING = "Direct points", "Rank order (ROC)", "AHP pairwise", "Swing"
MODES = {DIRECT: WeightMode.POINTS, ROC: WeightMode.RANK_ORDER, AHP: WeightMode.AHP,
         SWING: WeightMode.SWING}
LABEL = {mode: label for label, mode in MODES.items()}
MODE_PENDING = "weights_mode_pending"  # a switch of method proposed, not yet applied
MEMBER = "ev_ahp_member"  # whose AHP judgements are shown
PANEL = "Panel"  # the member a switch to AHP starts from
_ADVERBS = {2: "slightly", 3: "moderately", 4: "moderately to strongly", 5: "strongly",
            6: "strongly to very strongly", 7: "very strongly", 8: "very to extremely",
            9: "extremely"}


def _judgement_labels() -> dict[float, str]:
    out = {float(n): f"{n} · A {_ADVERBS[n]} more important" for n in reversed(SAATY[1:])}
    out[1.0] = "1 · equally important"
    out.update({1 / n: f"1/{n} · B {_ADVERBS[n]} more important" for n in SAATY[1:]})
    return out


JUDGEMENTS = _judgement_labels()
_BY_LABEL = {label: value for value, label in JUDGEMENTS.items()}


def _label(value: float) -> str:
    return min(JUDGEMENTS.items(), key=lambda kv: abs(kv[0] - value))[1]


# -- the shape of the evaluation's weights ---------------------------------------------------------

def _shape(bidset: BidSet) -> tuple[dict[str, str], tuple[str, ...]]:
    return bidset.groups, bidset.factor_names


def _level_weights_now(ev: Evaluation, bidset: BidSet) -> dict[tuple[str, str], dict[str, float]]:
    """Each level's weights (fractions) as the weights in use give them."""
    groups, factors = _shape(bidset)
    points = ev.scoring.points
    if not factors:
        return {(CRITERIA, ""): normalise_points(points)}
    factor, within = split(groups, points)
    out = {(FACTORS, ""): {f: factor.get(f, 0.0) / 100 for f in factors}}
    for f in factors:
        out[CRITERIA, f] = {c: within[c] / 100 for c, g in groups.items() if g == f}
    return out


def proposed(ev: Evaluation, bidset: BidSet, mode: WeightMode) -> WeightInput:
    """The inputs of ``mode`` closest to the weights in use: ranks in their order, swing ratings
    in proportion to them, AHP judgements (one member, the panel) as the nearest Saaty ratios."""
    factors = bidset.factor_names
    now = _level_weights_now(ev, bidset)
    if mode == WeightMode.POINTS:
        return WeightInput()

    def ranks(w: Mapping[str, float]) -> dict[str, int]:
        order = sorted(set(w.values()), reverse=True)
        return {k: order.index(v) + 1 for k, v in w.items()}

    def ratings(w: Mapping[str, float]) -> dict[str, float]:
        top = max(w.values()) or 1.0
        return {k: 100.0 * v / top if max(w.values()) > 0 else 100.0 for k, v in w.items()}

    def pairs(kind: str, w: Mapping[str, float]) -> list[Judgement]:
        items = list(w)
        out = []
        for i, a in enumerate(items):
            for b in items[i + 1:]:
                ratio = 9.0 if w[b] == 0 and w[a] > 0 else 1 / 9 if w[a] == 0 and w[b] > 0 else (
                    w[a] / w[b] if w[b] > 0 else 1.0)
                text = nearest_saaty(min(9.0, max(1 / 9, ratio)))
                value = float(text) if "/" not in text else 1 / float(text.split("/")[1])
                out.append(Judgement(kind, PANEL, a, b, value))
        return out

    factor_w = now.get((FACTORS, ""), {})
    levels_now = [ws for (kind, _), ws in now.items() if kind == CRITERIA]
    if mode == WeightMode.RANK_ORDER:
        crit = {k: r for ws in levels_now for k, r in ranks(ws).items()}
        return WeightInput(mode, tuple(crit.items()), tuple(ranks(factor_w).items()) if factors else ())
    if mode == WeightMode.SWING:
        crit = {k: r for ws in levels_now for k, r in ratings(ws).items()}
        return WeightInput(mode, swing=tuple(crit.items()),
                           factor_swing=tuple(ratings(factor_w).items()) if factors else ())
    judged = [j for (kind, _), ws in now.items() for j in pairs(kind, ws)]
    return WeightInput(mode, judgements=tuple(judged))


def _use(wi: WeightInput, bidset: BidSet) -> None:
    """Apply ``wi`` and the weights it gives (or say why it cannot be used)."""
    groups, factors = _shape(bidset)
    problems = wi.problems(groups, factors)
    if problems:
        errors()[WEIGHTS] = f"{problems[0][1]}; {problems[0][2].lower()}"
        return
    points = wi.weights(groups, factors)
    _apply(lambda ev: ev.with_scoring(weights=tuple(points.items())).replace(weight_input=wi),
           WEIGHTS)


# -- the editor ------------------------------------------------------------------------------------

def editor(ev: Evaluation, bidset: BidSet) -> None:
    """The method, its inputs on each level, and (with factors) the weights as a tree."""
    factors = bidset.factor_names
    mode = LABEL[ev.weight_input.mode]
    pending = st.session_state.get(MODE_PENDING)
    st.radio("How to set weights", tuple(MODES), horizontal=True,
             key=_seed("ev_weights_mode", pending or mode), on_change=_mode_changed, args=(bidset,),
             help="Direct points: any relative numbers. Rank order: put the items in order of "
                  "importance; rank-order centroid weights follow. AHP: compare every pair on "
                  "Saaty's 1-9 scale. Swing: rate each criterion's swing from worst to best "
                  "against the most valued swing (100). A switch that would change the weights "
                  "shows them first and asks.")
    if pending:
        _mode_preview(ev, bidset, MODES[pending])
    if factors:
        st.caption("Weighted by factors (the workbook's Groups sheet): each criterion's weight in "
                   "the ranking is its factor's weight × its weight within the factor.")
    gen = state.generation()
    wi = ev.weight_input
    if wi.mode == WeightMode.POINTS:
        _points_editors(ev, bidset, gen)
    elif wi.mode in (WeightMode.RANK_ORDER, WeightMode.SWING):
        _value_editors(ev, bidset, gen)
    else:
        _ahp_editors(ev, bidset, gen)
    message = error(WEIGHTS)
    if message:
        st.error(f"Not applied: {_esc(message)}. Every page keeps the last valid weights.",
                 icon=":material/error:")
    if factors:
        tree(ev, bidset)
    _ranges_warning(ev, bidset)
    weights = ev.scoring.normalised_weights()
    st.caption("Normalised weights: " + " · ".join(f"{_esc(k)} {v:.1%}" for k, v in weights.items()))


def _ranges_warning(ev: Evaluation, bidset: BidSet) -> None:
    found = outside_ranges({c.name: c.weight_range for c in bidset.criteria},
                           ev.scoring.normalised_weights())
    if found:
        st.warning(f"Outside the published weight ranges: {_esc(describe_outside(found))}. The "
                   "weights used must lie inside the ranges published to bidders.",
                   icon=":material/warning:")


def tree(ev: Evaluation, bidset: BidSet) -> None:
    """The factors and their criteria: each level's weights and the product the ranking uses."""
    groups, factors = _shape(bidset)
    factor, within = split(groups, ev.scoring.points)
    overall = ev.scoring.normalised_weights()
    st.markdown("**The weights by factor**  \n" + " · ".join(
        f"{_esc(f)} **{factor.get(f, 0.0):.1f} %**" for f in factors))
    rows = [{"Criterion": c, "Factor": f, "Factor weight": factor.get(f, 0.0),
             "Within": within[c], "In the ranking": 100 * overall[c]}
            for f in factors for c, g in groups.items() if g == f]
    st.dataframe(pd.DataFrame(rows), hide_index=True, column_config={
        "Factor weight": None,  # kept in the frame (tests, downloads), said above
        **{c: st.column_config.NumberColumn(format="%.1f %%") for c in ("Within", "In the ranking")}})


def summary(ev: Evaluation, bidset: BidSet) -> None:
    """The weights in use, and an edit not applied, under the folded weights panel."""
    message = error(WEIGHTS)
    if message:
        st.error(f"Not applied: {_esc(message)}. Every page keeps the last valid weights.",
                 icon=":material/error:")
    how = "" if ev.weight_input.mode == WeightMode.POINTS else (
        f" (by {WEIGHT_MODE_LABELS[ev.weight_input.mode]})")
    st.caption(f"Weights{how}: " + " · ".join(
        f"{_esc(k)} {v:.1%}" for k, v in ev.scoring.normalised_weights().items()))
    if bidset.factors:
        factor, _ = split(bidset.groups, ev.scoring.points)
        st.caption("Factors: " + " · ".join(f"{_esc(f)} {factor.get(f, 0.0):.1f}%"
                                            for f in bidset.factor_names))
    _ranges_warning(ev, bidset)


def _table(key: str, base: pd.DataFrame, column: str, config: Any,
           apply: Callable[[dict[str, Any]], None], item: str, hidden: tuple[str, ...] = ()) -> None:
    """One editor of one column of values per item; its shown values are the truth."""
    st.session_state[f"{key}_base"] = base
    shown = st.data_editor(base, key=key, hide_index=True,
                           disabled=[c for c in base.columns if c != column],
                           on_change=lambda: apply(_edited(key, column, item)),
                           column_config={column: config, **dict.fromkeys(hidden)})
    _reconcile(lambda: apply(dict(zip(shown[item], shown[column], strict=True))))


def _edited(key: str, column: str, item: str) -> dict[str, Any]:
    base: pd.DataFrame = st.session_state[f"{key}_base"]
    values = dict(zip(base[item], base[column], strict=True))
    names = list(base[item])
    for row, change in st.session_state[key].get("edited_rows", {}).items():
        if column in change:
            values[names[int(row)]] = change[column]
    return values


def _number(v: Any, default: float = 0.0) -> float:
    return default if v is None or pd.isna(v) else float(v)


def _points_editors(ev: Evaluation, bidset: BidSet, gen: int) -> None:
    groups, factors = _shape(bidset)
    points = ev.scoring.points
    config = st.column_config.NumberColumn(min_value=0.0, format="%.6g",  # no step: no rounding
                                           help="Relative importance, 0 or more (any decimals)")
    if not factors:
        base = pd.DataFrame({"Criterion": list(groups), "Group": [c.group for c in bidset.criteria],
                             "Points": [points[n] for n in groups]})
        _table(f"ev_points_{gen}", base, "Points", config, lambda v: _set_points(
            lambda: {k: _number(x) for k, x in v.items()}), "Criterion")
        return
    factor, within = split(groups, points)

    def now() -> tuple[dict[str, float], dict[str, float]]:  # as the callback finds them
        return split(groups, state.evaluation().scoring.points)

    # Both show shares that a change renormalises (a factor's weight is a share of all the
    # weight): each editor is keyed by what it shows, so an applied edit is not applied again
    # on the values it changed.
    st.markdown("**Factors**")
    _table(_keyed("fpoints", gen, factor), pd.DataFrame({"Factor": list(factors),
                                              "Points": [factor.get(f, 0.0) for f in factors]}),
           "Points", config, lambda v: _set_points(lambda: combine(
               groups, {k: _number(x) for k, x in v.items()}, now()[1]), "factor"), "Factor")
    st.markdown("**Criteria, within their factor** (% of the factor)")
    _table(_keyed("points", gen, within), pd.DataFrame({
        "Criterion": list(groups), "Factor": list(groups.values()),
        "Points": [within[c] for c in groups]}),
           "Points", st.column_config.NumberColumn(
               min_value=0.0, format="%.4g", help="The criterion's share of its factor: any "
               "relative points (the factor's criteria are rescaled to 100 %)"),
           lambda v: _set_points(lambda: combine(groups, now()[0], {
               k: _number(x) for k, x in v.items()})), "Criterion")


def _keyed(name: str, gen: int, shown: Mapping[str, float]) -> str:
    """An editor's key for the values it shows (``ev_{name}_key`` names the one drawn)."""
    digest = abs(hash(tuple(round(v, 9) for v in shown.values()))) % 10**8
    key = f"ev_{name}_{gen}_{digest}"
    st.session_state[f"ev_{name}_key"] = key
    return key


ERROR_FROM = "weights_error_from"  # the editor whose values the weights message is about


def _set_points(compute: Callable[[], dict[str, float]], what: str = "criterion") -> None:
    """Apply the points ``compute`` gives (or say in place why they cannot be used); points
    that give the weights in use change nothing (the same weights in other points). A message
    is cleared only by the editor it is about (``what``), never by another one's values."""
    ev = state.evaluation()
    try:
        points = compute()
        after = normalise_points(points)
    except ValueError as exc:
        errors()[WEIGHTS] = f"weights cannot be used: {str(exc).replace('criterion', what)}"
        st.session_state[ERROR_FROM] = what
        return  # the editor keeps its edits
    now = ev.scoring.normalised_weights()
    if ev.weight_input.mode == WeightMode.POINTS and all(
            abs(after.get(k, 0.0) - v) <= 1e-12 for k, v in now.items()):
        if st.session_state.get(ERROR_FROM, what) == what:
            errors().pop(WEIGHTS, None)
        return
    _apply(lambda e: e.with_scoring(weights=tuple(points.items())).replace(
        weight_input=WeightInput()), WEIGHTS)


def _value_editors(ev: Evaluation, bidset: BidSet, gen: int) -> None:
    """Ranks or swing ratings, one editor per kind of level (factors; criteria)."""
    groups, factors = _shape(bidset)
    wi = ev.weight_input
    ranked = wi.mode == WeightMode.RANK_ORDER
    column = "Importance rank" if ranked else "Swing (0-100)"
    if ranked:
        config = st.column_config.NumberColumn(min_value=1, max_value=max(len(groups), 1), step=1,
                                               format="%d", help="1 = most important; equal ranks "
                                               "share their weight")
    else:
        config = st.column_config.NumberColumn(min_value=0.0, max_value=100.0, format="%.6g",
                                               help="The most valued swing, from the worst to the "
                                               "best level, is 100; rate each other swing against it")
        st.caption("Swing: picture every criterion at its worst level; the swing to its best "
                   "level that you would value most is rated 100, and each other swing 0-100 "
                   "against it. The weights are the ratings in proportion.")
    crit_key, factor_key = ("ranks", "factor_ranks") if ranked else ("swing", "factor_swing")
    values = dict(getattr(wi, crit_key))
    factor_values = dict(getattr(wi, factor_key))
    if factors:
        st.markdown("**Factors**")
        _table(f"ev_f{crit_key}_{gen}", pd.DataFrame({"Factor": list(factors), column: [
            factor_values.get(f) for f in factors]}), column, config,
            lambda v: _set_values(bidset, factor_key, v), "Factor")
        st.markdown("**Criteria, within their factor**")
    frame = {"Criterion": list(groups)}
    if factors:
        frame["Factor"] = list(groups.values())
    frame[column] = [values.get(c) for c in groups]
    _table(f"ev_{crit_key}_{gen}", pd.DataFrame(frame), column, config,
           lambda v: _set_values(bidset, crit_key, v), "Criterion")


def _set_values(bidset: BidSet, field: str, values: dict[str, Any]) -> None:
    wi = state.evaluation().weight_input
    whole = field.endswith("ranks")
    given = {k: (int(v) if whole else float(v)) for k, v in values.items()
             if v is not None and not pd.isna(v)}
    if tuple(given.items()) == getattr(wi, field):
        return
    _use(WeightInput(**{**vars(wi), field: tuple(given.items())}), bidset)


# -- AHP ---------------------------------------------------------------------------------------------

def _ahp_editors(ev: Evaluation, bidset: BidSet, gen: int) -> None:
    groups, factors = _shape(bidset)
    wi = ev.weight_input
    members = list(dict.fromkeys(j.member for j in wi.judgements)) or [PANEL]
    left, right = st.columns([2, 3])
    member = left.selectbox("Judgements of", members, key=_seed(MEMBER, st.session_state.get(
        MEMBER) if st.session_state.get(MEMBER) in members else members[0]),
        help="Each member of the panel may give their own judgements; the weights come from "
             "their geometric mean, pair by pair.")
    with right.popover("Add a member's judgements", icon=":material/person_add:"):
        st.text_input("Member", key="ev_ahp_new", placeholder="e.g. J. Rivera")
        st.button("Add (starting from equal importance)", on_click=_add_member, args=(bidset,))
    st.caption("AHP: for each pair, how much more important is A than B, on Saaty's 1-9 scale. "
               "Weights: the principal eigenvector of the pairwise matrix; with several members, "
               "of the geometric mean of their judgements. Consistency ratio CR = CI / RI "
               f"(Saaty's random index); from {INCONSISTENT:.2f} the judgements are flagged.")
    config = st.column_config.SelectboxColumn(options=list(JUDGEMENTS.values()), required=True,
                                              width="large")
    for i, lv in enumerate(levels(groups, factors)):
        if len(lv.items) < 2:
            if factors:
                st.caption(f"{_esc(lv.title)}: one criterion, all of the factor's weight.")
            continue
        judged = wi.members(lv).get(member, {})
        pairs = _pairs(lv)
        st.markdown(f"**{_esc(lv.title)}**")
        base = pd.DataFrame({"Pair": [str(n) for n in range(len(pairs))], "A": [a for a, _ in pairs],
                             "B": [b for _, b in pairs], "Judgement": [_label(
                                 judged.get((a, b), 1 / judged[b, a] if (b, a) in judged else 1.0))
                                 for a, b in pairs]})
        # keyed by member too: one member's edits are never carried onto another's judgements
        key = f"ev_ahp_{i}_{gen}_{abs(hash(member)) % 10**8}"
        st.session_state[f"ev_ahp_{i}_key"] = key
        _table(key, base, "Judgement", config,
               lambda v, lv=lv, member=member: _set_judgements(bidset, lv, member, v), "Pair",
               hidden=("Pair",))
        _consistency(wi, lv)


def _consistency(wi: WeightInput, lv: Level) -> None:
    if len(lv.items) < 3:  # one comparison cannot contradict another
        st.caption("One comparison: consistent by construction.")
        return
    result = wi.ahp(lv)
    members = wi.members(lv)
    each = ""
    if len(members) > 1:
        each = " Each member: " + ", ".join(
            f"{_esc(m)} {ahp(lv.items, j).consistency_ratio:.3f}" for m, j in members.items()) + "."
    if result.consistent:
        st.caption(f"Consistency ratio {result.consistency_ratio:.3f}: consistent enough "
                   f"(below {INCONSISTENT:.2f}).{each}")
        return
    if result.worst is None:
        which = "No one judgement stands out (as with three items): review them together."
    else:
        a, b, judged, implied = result.worst
        which = (f"The most inconsistent: **{_esc(a)}** against **{_esc(b)}**, judged "
                 f"{nearest_saaty(judged)}, where the other judgements imply about "
                 f"{nearest_saaty(implied)}. Review it.")
    st.warning(f"Consistency ratio {result.consistency_ratio:.3f}, at or above {INCONSISTENT:.2f}: "
               f"the judgements on {_esc(lv.subject)} contradict each other. {which}{each}",
               icon=":material/warning:")


def _pairs(lv: Level) -> list[tuple[str, str]]:
    return [(a, b) for n, a in enumerate(lv.items) for b in lv.items[n + 1:]]


def _set_judgements(bidset: BidSet, lv: Level, member: str, values: dict[str, Any]) -> None:
    wi = state.evaluation().weight_input
    kind = lv.kind
    pairs = _pairs(lv)
    chosen = {pairs[int(row)]: _BY_LABEL.get(label, 1.0) for row, label in values.items()}
    items = set(lv.items)
    kept = [j for j in wi.judgements
            if not (j.member == member and j.kind == kind and j.a in items and j.b in items)]
    new = [Judgement(kind, member, a, b, v) for (a, b), v in chosen.items()]
    if sorted(map(repr, new)) == sorted(repr(j) for j in wi.judgements if j not in kept):
        return
    _use(WeightInput(WeightMode.AHP, judgements=tuple(kept + new)), bidset)


def _add_member(bidset: BidSet) -> None:
    name = str(st.session_state.get("ev_ahp_new") or "").strip()
    wi = state.evaluation().weight_input
    if not name or any(j.member == name for j in wi.judgements):
        errors()[WEIGHTS] = "name a member who has no judgements yet"
        return
    groups, factors = _shape(bidset)
    new = [Judgement(lv.kind, name, a, b, 1.0) for lv in levels(groups, factors)
           for n, a in enumerate(lv.items) for b in lv.items[n + 1:]]
    st.session_state[MEMBER] = name
    _use(WeightInput(WeightMode.AHP, judgements=wi.judgements + tuple(new)), bidset)


# -- switching method ----------------------------------------------------------------------------------

def _mode_changed(bidset: BidSet) -> None:
    """A switch that would change the weights is proposed, shown and asked about
    (``_mode_preview``), never applied silently; one that keeps them is applied."""
    ev = state.evaluation()
    target = MODES[st.session_state["ev_weights_mode"]]
    st.session_state.pop(MODE_PENDING, None)
    if target == ev.weight_input.mode:
        return
    wi = proposed(ev, bidset, target)
    if target == WeightMode.POINTS or _same(ev, wi, bidset):
        _apply(lambda e: e.replace(weight_input=wi), WEIGHTS)
        return
    st.session_state[MODE_PENDING] = st.session_state["ev_weights_mode"]


def _same(ev: Evaluation, wi: WeightInput, bidset: BidSet) -> bool:
    groups, factors = _shape(bidset)
    if wi.problems(groups, factors):
        return False
    after = normalise_points(wi.weights(groups, factors))
    now = ev.scoring.normalised_weights()
    return all(abs(after[k] - now[k]) <= 1e-9 for k in now)


def _mode_preview(ev: Evaluation, bidset: BidSet, mode: WeightMode) -> None:
    """The weights a switch of method would give, beside those in use, and the choice."""
    groups, factors = _shape(bidset)
    wi = proposed(ev, bidset, mode)
    now, after = ev.scoring.normalised_weights(), normalise_points(wi.weights(groups, factors))
    label = WEIGHT_MODE_LABELS[mode]
    start = {WeightMode.RANK_ORDER: "Rank order keeps only the order of importance of the "
                                    "weights in use and turns it into rank-order centroid weights",
             WeightMode.AHP: "AHP starts from a judgement per pair: the value on Saaty's 1-9 "
                             "scale nearest to the ratio of the two weights in use",
             WeightMode.SWING: "Swing starts from ratings in proportion to the weights in use"}[mode]
    st.warning(f"{start}. The weights (and the ranking) would change as below. Nothing changes "
               "until you choose.", icon=":material/swap_vert:")
    st.dataframe(pd.DataFrame([{"Criterion": k, "Weight now": 100 * now[k],
                                f"Weight by {label}": 100 * after[k]} for k in now]),
                 hide_index=True, column_config={
        c: st.column_config.NumberColumn(format="%.1f %%")
        for c in ("Weight now", f"Weight by {label}")})
    left, right = st.columns(2)
    left.button(f"Use the {label} weights", type="primary", on_click=_accept_mode,
                args=(bidset, mode), icon=":material/check:")
    right.button("Keep the current weights", on_click=_keep_mode, icon=":material/undo:")


def _accept_mode(bidset: BidSet, mode: WeightMode) -> None:
    if st.session_state.pop(MODE_PENDING, None):
        _use(proposed(state.evaluation(), bidset, mode), bidset)


def _keep_mode() -> None:
    st.session_state.pop(MODE_PENDING, None)
    st.session_state["ev_weights_mode"] = LABEL[state.evaluation().weight_input.mode]
