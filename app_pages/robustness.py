"""Robustness: how sure is the ranking? Acceptability, stability, sweeps, rank reversal."""

import streamlit as st

from scoring.mcda import ScoringError
from ui import cache, controls, state, vega, widgets
from ui import robustness_views as views
from ui.widgets import md_escape as esc

open_wb = state.current()
ev = state.evaluation()

st.title("Robustness")
st.write(
    "How sure is this ranking, and what would have to change for someone else to win? "
    "Weights are drawn at random around the ones in use (or with no preference at all, or "
    "inside the published weight ranges) and every lot is re-ranked for each draw; where "
    "evaluators scored, the panel itself is drawn again from their scores, to show how much "
    "their disagreement matters."
)
controls.robustness_inputs(ev, open_wb.bidset)

results = cache.results(ev, open_wb.bidset)
bar = st.progress(0.0, text="Drawing weights...")
try:
    result = results.robustness(progress=lambda x: bar.progress(x, text="Drawing weights..."))
except ScoringError as exc:
    bar.empty()
    st.warning(f"Cannot rank: {exc}.", icon=":material/warning:")
    st.stop()
bar.empty()
draws = ev.robustness.draws

if not result.models:
    st.info("No lot has an eligible bid, so there is nothing to test.", icon=":material/info:")
    st.stop()
lots = [m.lot for m in result.models]
untested = [x for x in results.ranking.lots if x not in lots]
if untested:
    st.caption("Not tested, as no bid in them passes every threshold: "
               + ", ".join(esc(widgets.lot_label(x)) for x in untested) + ".")
lot = controls.lot_radio(lots, "ev_lot_robustness", widgets.lot_label)
model = next(m for m in result.models if m.lot == lot)
acc = next(x for x in result.acceptability if x.lot == lot)
winner = model.vendors[0]
p_win = float(acc.matrix[0, 0])
tied = [b.vendor for b in results.ranking.in_lot(lot) if b.rank == 1]

if len(model.vendors) == 1:
    st.info(f"**{esc(winner)}** is the only eligible bid in this lot: no weight change can "
            "put another bid first.", icon=":material/info:")
else:
    flips = views.what_flips(model, result.stability[lot])
    if len(tied) > 1:
        st.markdown(f"With the weights in use, {' and '.join(f'**{esc(v)}**' for v in tied)} are "
                    f"tied for first. The figures below follow **{esc(winner)}**, the first of "
                    f"them in the ranking's order: it ranks first, alone or tied, in "
                    f"**{p_win:.1%}** of {draws:,} weight draws.")
    else:
        st.markdown(f"**{esc(winner)}** ranks first with the weights in use and in "
                    f"**{p_win:.1%}** of {draws:,} weight draws.")
    if flips:
        st.markdown("Another bid would rank first if (one weight at a time, the others rescaled "
                    "in proportion):\n" + "\n".join(f"- {f}" for f in flips))
    else:
        st.markdown("No change of a single criterion's weight puts another bid first.")

check = next((x for x in result.ranges if x.lot == lot), None)
if check is not None:
    views.range_verdict(check)

if views.shown(acc) < len(acc.vendors):
    st.caption(f"The charts show the {views.shown(acc)} highest-ranked of the lot's "
               f"{len(acc.vendors)} bids; the report and `python -m scoring sensitivity` give every "
               "bid.")
left, right = st.columns(2, gap="large")
with left:
    st.subheader("Rank acceptability")
    vega.show(views.acceptability_heatmap(acc))
with right:
    st.subheader("Probability of ranking first")
    vega.show(views.win_chart(acc))

st.subheader("The evaluators' disagreement")
if any(a.lot == lot for a in result.by_scores):
    st.dataframe(views.disagreement_frame(result, lot), hide_index=True, placeholder="—",
                 column_config={c: st.column_config.ProgressColumn(c, format="percent",
                                                                   min_value=0.0, max_value=1.0)
                                for c in views.DISAGREEMENT_COLUMNS})
    st.caption(f"Chance of ranking first over {draws:,} draws. Evaluators' scores: each draw "
               "is the panel drawn again, its evaluators chosen with replacement, and each cell "
               f"the {ev.consensus} of the scores of those drawn who scored it (a moderated cell "
               "keeps the chair's value; the bids that pass the gates stay the ones that "
               "compete). Both: the scores and the weights drawn together.")
else:
    st.caption("No cell of this lot has scores from two evaluators or more (or every such cell "
               "is moderated), so there is no disagreement to draw here: only the weights are "
               "uncertain.")

if lot in result.stability:
    left, right = st.columns(2, gap="large")
    stated = views.stated_weights(model)
    with left:
        st.subheader("Weight ranges that keep the winner first")
        published = views.published_ranges(open_wb.bidset)
        vega.show(views.stability_chart(result.stability[lot], stated, published))
        st.caption("Bars: the range of each criterion's weight in which the current winner stays "
                   "first. Black ticks: the weights in use."
                   + (" Red lines: the published weight ranges." if published else ""))

    with right:
        st.subheader("One-way weight sweep")
        j = st.selectbox("Criterion to sweep", range(len(model.criteria)),
                         format_func=lambda i: model.criteria[i])
        vega.show(views.sweep_chart(model, j))
    if published:
        st.dataframe(views.published_frame(result.stability[lot], published), hide_index=True)
        st.caption("One weight at a time, the others rescaled in proportion: where the published "
                   "range lies inside the interval in which the winner stays first, no change of "
                   "that weight alone within its range puts another bid first. The answer above "
                   "moves every weight at once.")

st.subheader("Rank reversal when a bid is removed")
reversals = views.reversal_frame(result.reversals, lot)
if reversals.empty:
    st.success("Removing any one bid leaves the order of the others unchanged in this lot.",
               icon=":material/check:")
else:
    st.dataframe(reversals, hide_index=True)
st.caption(
    "Relative formulas score a bid against the others (lowest price / bid price, x / highest x, "
    "TOPSIS and VIKOR normalisation), so adding or withdrawing one bid can reorder two others. "
    "The linear price formula with a floor and ceiling fixed before bids open, and criteria "
    "with fixed scales, score each bid on its own under WSM: no bid can move another's points."
)
widgets.provenance(results.ranking, open_wb.name)
