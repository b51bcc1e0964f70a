"""The Scenarios page's best-value frontier: its options, its chart, and taking a point as the
hand-edited award (a scenario beside the others, in the report and in saved versions)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import altair as alt
import pandas as pd
import streamlit as st

from scoring.evaluation import Evaluation, FrontierOptions
from scoring.frontier import Frontier
from scoring.results import Results
from scoring.scenarios import Context, Scenario, custom
from ui import state
from ui.charts import scenario_label, scenario_scale
from ui.vega import Chart, layer


def options_form(ev: Evaluation, currency: str) -> None:
    """The frontier's options; applied together (they are part of the evaluation in use)."""
    o = ev.frontier
    with st.form("frontier_options"):
        a, b, c, d, e = st.columns(5)
        points = a.number_input("Points", 2, 100, o.points, step=1,
                                help="How many awards to spread over the quality range")
        budget = b.number_input(f"Budget ({currency})", 0.0, 1e15, o.budget, step=100_000.0,
                                help="Total cost at most (empty: no budget)")
        vendors = c.number_input("At least … vendors", 1, 10_000, o.min_vendors, step=1,
                                 help="Empty: any number")
        quality = d.number_input("Minimum score of each awarded bid", 0.0, 1.0,
                                 o.min_component_quality, step=0.05,
                                 help="Each awarded bid's score (0-1, as ranked) at least this; "
                                      "empty: none")
        price = e.number_input(f"Price of a quality point ({currency})", 0.0, 1e15,
                               o.quality_price, step=10_000.0,
                               help="Value for money: what one point (0.01) of quality is worth; "
                                    "the award maximising quality points x this less total cost "
                                    "is marked")
        if not st.form_submit_button("Draw the frontier", icon=":material/show_chart:"):
            return
    wanted = FrontierOptions(int(points), budget, None if vendors is None else int(vendors),
                             quality, price)
    if wanted != o:
        state.set_evaluation(ev.replace(frontier=wanted))
        st.rerun()


def frame(found: Frontier) -> pd.DataFrame:
    rows = [{"Award": p.name.capitalize(), "Total cost": p.figures.total_cost,
             "Quality": p.figures.score, "Vendors": p.figures.vendors,
             "Who": (f"{p.awards[0].vendor}: bundle bid" if p.awards and p.awards[0].lot == "ALL"
                     else ", ".join(f"{a.component}: {a.vendor}" for a in p.awards))}
            for p in (*found.points, *([found.value_for_money] if found.value_for_money else []))]
    return pd.DataFrame(rows, columns=["Award", "Total cost", "Quality", "Vendors", "Who"])


def chart(found: Frontier, scenarios: Sequence[Scenario], currency: str) -> Chart:
    """The frontier (line and points) with the other scenarios marked where they stand."""
    points = pd.DataFrame([{"Award": p.name.capitalize(), "Cost": p.figures.total_cost,
                            "Quality": p.figures.score, "Vendors": p.figures.vendors}
                           for p in found.points])
    marked = [s for s in scenarios if s.figures is not None]
    if found.value_for_money is not None:
        marked.append(replace(found.value_for_money, name="value for money"))
    others = [{"Scenario": scenario_label(s.name), "Cost": s.figures.total_cost,
               "Quality": s.figures.score} for s in marked]
    x = alt.X("Cost:Q", title=f"Total cost ({currency})", scale=alt.Scale(zero=False),
              axis=alt.Axis(format="~s"))
    y = alt.Y("Quality:Q", title="Quality (criticality-weighted score)", scale=alt.Scale(zero=False))
    tips = [alt.Tooltip("Award:N"), alt.Tooltip("Cost:Q", format=",.0f", title="Total cost"),
            alt.Tooltip("Quality:Q", format=".3f"), alt.Tooltip("Vendors:Q")]
    line = alt.Chart().mark_line(color="#4D4D4D", interpolate="step-after").encode(x=x, y=y)
    dots = alt.Chart().mark_point(filled=True, size=60, color="#4D4D4D").encode(
        x=x, y=y, tooltip=tips)
    names = [s.name for s in marked]
    marks = alt.Chart(alt.Data(values=others)).mark_point(size=220, strokeWidth=3).encode(
        x=x, y=y, shape=alt.Shape("Scenario:N", legend=None),
        color=alt.Color("Scenario:N", scale=scenario_scale(names),
                        legend=alt.Legend(orient="bottom", title=None)),
        tooltip=[alt.Tooltip("Scenario:N"), alt.Tooltip("Cost:Q", format=",.0f", title="Total cost"),
                 alt.Tooltip("Quality:Q", format=".3f")])
    return Chart.of(points, layer(line, dots, marks, height=340))


def pick(ev: Evaluation, found: Frontier, results: Results) -> None:
    """Take a frontier award as the hand-edited award (only when the edited award reproduces it
    exactly: a bundle bid of a vendor who also bid every lot would become those lot bids)."""
    choices = [*found.points, *([found.value_for_money] if found.value_for_money else [])]
    with st.form("frontier_pick"):
        chosen = st.selectbox("Award", choices, format_func=lambda p: (
            f"{p.name.capitalize()}: total cost {p.figures.total_cost:,.0f}, quality "
            f"{p.figures.score:.3f}, {p.figures.vendors} vendor(s)"))
        if not st.form_submit_button("Use it as the edited award", icon=":material/edit:"):
            return
    if chosen is not None:
        award = tuple((a.component, a.vendor) for a in chosen.awards)
        again = custom(Context(results.bidset, results.ranking), dict(award))
        if again.figures != chosen.figures:
            st.warning(f"{chosen.name.capitalize()} is {chosen.awards[0].vendor}'s bundle bid; an "
                       "edited award naming that vendor everywhere takes its lot bids instead, so "
                       "this point cannot be taken as the edited award.", icon=":material/warning:")
            return
        state.replace_evaluation(ev.replace(edited_award=award))
        st.session_state["frontier_flash"] = (f"{chosen.name.capitalize()} is now the edited "
                                              "award, beside the other scenarios.")
        st.rerun()
