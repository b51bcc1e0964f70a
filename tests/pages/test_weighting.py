"""AppTest: weights by factors, by AHP and by swing on the Evaluate page, and switches of
method that ask before changing the weights."""

import pytest
from streamlit.testing.v1 import AppTest

from scoring.weights import ahp
from tests.conftest import ROOT
from tests.helpers import BIDS, GROUPS, editor_key, grouped, open_weights
from tests.pages.test_app import ranking_table, upload


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    return at


def _evaluate(at: AppTest) -> AppTest:
    at.switch_page("app_pages/evaluate.py").run()
    open_weights(at)
    at.run()
    assert not at.exception
    return at


def _weights(at: AppTest) -> dict[str, float]:
    return at.session_state["evaluation"].scoring.normalised_weights()


def _tree(at: AppTest):  # type: ignore[no-untyped-def]
    return next(df.value for df in at.dataframe if "In the ranking" in df.value.columns)


def _switch(at: AppTest, label: str, accept: bool = True) -> None:
    """Switch method; when the switch would change the weights, it asks: accept or keep."""
    at.radio(key="ev_weights_mode").set_value(label).run()
    button = next((b for b in at.button if b.label.startswith("Use the" if accept else "Keep")), None)
    if button is not None:
        button.click().run()
    assert not at.exception


def test_factors_show_as_a_tree_and_a_factor_weight_scales_its_criteria(app):
    upload(app, "grouped.xlsx", grouped())
    _evaluate(app)
    tree = _tree(app)
    assert list(tree["Factor"]) == ["Quality", "Quality", "Cost"]
    assert list(tree["Factor weight"]) == pytest.approx([70, 70, 30])
    assert list(tree["Within"]) == pytest.approx([500 / 7, 200 / 7, 100])
    assert list(tree["In the ranking"]) == pytest.approx([50, 20, 30])
    # Quality from 70 to 35 points (Cost stays 30): its criteria keep their shares within it
    app.session_state[app.session_state["ev_fpoints_key"]] = {"edited_rows": {0: {"Points": 35}},
                                                      "added_rows": [], "deleted_rows": []}
    app.run()
    assert not app.exception
    w = _weights(app)
    assert w["Technical"] / w["Management"] == pytest.approx(2.5)
    assert w["Technical"] + w["Management"] == pytest.approx(35 / 65)
    assert list(_tree(app)["Factor weight"]) == pytest.approx([35 / 65 * 100] * 2 + [30 / 65 * 100])


def test_ahp_by_factor_previews_asks_and_flags_inconsistency(app):
    upload(app, "grouped.xlsx", grouped())
    _evaluate(app)
    before = app.session_state["evaluation"]
    app.radio(key="ev_weights_mode").set_value("AHP pairwise").run()
    assert app.session_state["evaluation"] == before  # asked first
    preview = next(df.value for df in app.dataframe if "Weight by AHP" in df.value.columns)
    # Quality : Cost = 70 : 30, nearest Saaty 2; Technical : Management = 5 : 2, nearest 3 (2.5 rounds up)
    expected = {"Technical": 2 / 3 * 3 / 4, "Management": 2 / 3 / 4, "Price": 1 / 3}
    assert dict(zip(preview["Criterion"], preview["Weight by AHP"], strict=True)) == pytest.approx(
        {k: 100 * v for k, v in expected.items()})
    next(b for b in app.button if b.label == "Use the AHP weights").click().run()
    assert not app.exception
    assert _weights(app) == pytest.approx(expected)
    assert any("One comparison: consistent by construction" in c.value for c in app.caption)
    # a second member judges Management 3 times as important as Technical: geometric mean 1
    app.text_input(key="ev_ahp_new").input("J. Rivera")
    next(b for b in app.button if b.label.startswith("Add")).click().run()
    assert app.selectbox(key="ev_ahp_member").value == "J. Rivera"
    app.session_state[app.session_state["ev_ahp_1_key"]] = {
        "edited_rows": {0: {"Judgement": "1/3 · B moderately more important"}},
        "added_rows": [], "deleted_rows": []}
    app.run()
    assert not app.exception
    w = _weights(app)
    assert w["Technical"] == pytest.approx(w["Management"])  # sqrt(3 * 1/3) = 1
    # factors: Panel says Quality 2x Cost, Rivera equal: sqrt(2)
    assert (w["Technical"] + w["Management"]) / w["Price"] == pytest.approx(2 ** 0.5)
    doc = app.session_state["evaluation"].to_dict()
    assert {j["member"] for j in doc["ahp"]} == {"Panel", "J. Rivera"}


FOUR = [["criterion", "weight", "direction", "scale_min", "scale_max"],
        ["Technical", 40, "max", 0, 5], ["Management", 20, "max", 0, 5],
        ["Support", 10, "max", 0, 5], ["Price", 20, "min", None, None]]
FOUR_BIDS = [["vendor", "lot", "price", "Technical", "Management", "Support"],
             ["Alpha", "", 100_000, 4, 3, 2], ["Bravo", "", 80_000, 3, 4, 5],
             ["Charlie", "", 120_000, 5, 5, 1]]


def test_inconsistent_judgements_are_flagged_naming_the_worst(app):
    upload(app, "four.xlsx", grouped(Groups=None, Criteria=FOUR, Bids=FOUR_BIDS))
    _evaluate(app)
    _switch(app, "AHP pairwise")  # 4 : 2 : 1 : 2, each ratio on the scale: the same weights
    assert not any(b.label.startswith("Use the") for b in app.button)  # so nothing to ask
    assert _weights(app) == pytest.approx({"Technical": 4 / 9, "Management": 2 / 9,
                                           "Support": 1 / 9, "Price": 2 / 9})
    key = app.session_state["ev_ahp_0_key"]
    base = app.session_state[f"{key}_base"]
    row = next(i for i, (a, b) in enumerate(zip(base["A"], base["B"], strict=True))
               if (a, b) == ("Technical", "Support"))
    app.session_state[key] = {
        "edited_rows": {row: {"Judgement": "1/3 · B moderately more important"}},
        "added_rows": [], "deleted_rows": []}
    app.run()
    assert not app.exception
    warning = next(w.value for w in app.warning if "Consistency ratio" in w.value)
    assert "at or above 0.10" in warning and "**Technical** against **Support**" in warning
    assert "judged 1/3, where the other judgements imply about 4" in warning
    judged = {(a, b): v for a, b, v in (
        ("Technical", "Management", 2), ("Technical", "Support", 1 / 3), ("Technical", "Price", 2),
        ("Management", "Support", 2), ("Management", "Price", 1), ("Support", "Price", 1 / 2))}
    assert _weights(app) == pytest.approx(ahp(tuple(_weights(app)), judged).weights)
    assert ranking_table(app)["Rank"].tolist()[0] == 1


def test_swing_keeps_the_weights_and_ratings_change_them(app):
    _evaluate(app)  # the sample: flat
    before = _weights(app)
    app.radio(key="ev_weights_mode").set_value("Swing").run()
    assert not app.exception
    assert not any("would change" in w.value for w in app.warning)  # same weights: no question
    assert _weights(app) == pytest.approx(before)
    assert app.session_state["evaluation"].weight_input.mode == "swing"
    base = app.session_state[f"{editor_key(app, 'swing')}_base"]
    assert base["Swing (0-100)"].max() == pytest.approx(100)
    price = list(base["Criterion"]).index("Price")
    app.session_state[editor_key(app, "swing")] = {"edited_rows": {price: {"Swing (0-100)": 50}},
                                                    "added_rows": [], "deleted_rows": []}
    app.run()
    w = _weights(app)
    assert w["Price"] / w["Technical approach"] == pytest.approx(0.5)
    # no rating at 100 left? The edit is refused, in place, and the weights stay
    top = list(base["Criterion"]).index("Technical approach")
    app.session_state[editor_key(app, "swing")] = {"edited_rows": {
        top: {"Swing (0-100)": 90}, price: {"Swing (0-100)": 50}}, "added_rows": [], "deleted_rows": []}
    app.run()
    assert any("most valued swing 100" in e.value for e in app.error)
    assert _weights(app) == pytest.approx(w)
    # back to direct points keeps the weights
    app.radio(key="ev_weights_mode").set_value("Direct points").run()
    assert _weights(app) == pytest.approx(w)
    assert app.session_state["evaluation"].weight_input.mode == "points"


def test_contributions_by_factor_sum_their_criteria(app):
    import pyarrow as pa

    from tests.conftest import charts
    from tests.pages.test_charts import check

    upload(app, "grouped.xlsx", grouped())
    app.switch_page("app_pages/evaluate.py").run()

    def contributions():  # type: ignore[no-untyped-def]
        table = pa.ipc.open_stream(charts(app)[0].proto.data.data).read_all().to_pandas()
        return table.groupby(["Vendor", "Criterion"])["Weighted points"].sum()

    by_criterion = contributions()
    app.toggle(key="ev_contributions_by_factor").set_value(True).run()
    assert not app.exception
    check(app, 2)  # still valid Vega-Lite, naming only fields its data has
    by_factor = contributions()
    assert set(by_factor.index.get_level_values("Criterion")) == {"Quality", "Cost"}
    for vendor in ("Alpha", "Bravo", "Charlie"):
        assert by_factor[vendor, "Quality"] == pytest.approx(
            by_criterion[vendor, "Technical"] + by_criterion[vendor, "Management"])
        assert by_factor[vendor, "Cost"] == pytest.approx(by_criterion[vendor, "Price"])


def test_weights_outside_the_published_ranges_are_flagged(app):
    from tests.scoring.test_workbook import RANGED

    upload(app, "ranged.xlsx", grouped(Groups=None, Criteria=RANGED))
    _evaluate(app)
    assert not any("Outside the published" in w.value for w in app.warning)
    # Price from 30 to 10 points: 12.5 %, where its published range is 30-40 %
    app.session_state[editor_key(app, "points")] = {"edited_rows": {2: {"Points": 10}},
                                                    "added_rows": [], "deleted_rows": []}
    app.run()
    warning = next(w.value for w in app.warning if "Outside the published" in w.value).replace("\\", "")
    assert "Price weighs 12.5 %, outside its published range 30-40 %" in warning
    assert "Technical weighs 62.5 %, outside its published range 40-60 %" in warning


def test_one_member_s_edits_never_land_on_another_s_judgements(app):
    upload(app, "four.xlsx", grouped(Groups=None, Criteria=FOUR, Bids=FOUR_BIDS))
    _evaluate(app)
    _switch(app, "AHP pairwise")
    app.text_input(key="ev_ahp_new").input("J. Rivera")
    next(b for b in app.button if b.label.startswith("Add")).click().run()
    key = app.session_state["ev_ahp_0_key"]
    app.session_state[key] = {"edited_rows": {0: {"Judgement": "1/7 · B very strongly more important"}},
                              "added_rows": [], "deleted_rows": []}
    app.run()
    panel_before = {(j.a, j.b): j.value for j in app.session_state["evaluation"].weight_input.judgements
                    if j.member == "Panel"}
    app.selectbox(key="ev_ahp_member").select("Panel").run()
    app.run()
    assert not app.exception
    judgements = app.session_state["evaluation"].weight_input.judgements
    assert {(j.a, j.b): j.value for j in judgements if j.member == "Panel"} == panel_before
    assert {(j.a, j.b): j.value for j in judgements if j.member == "J. Rivera"}[
        "Technical", "Management"] == pytest.approx(1 / 7)


def test_names_with_a_bar_work_in_ahp_and_a_factor_at_zero_is_said_in_place(app):
    bar = [["criterion", "weight", "direction", "group", "scale_min", "scale_max"],
           ["Tech | Design", 5, "max", "Quality", 0, 5], ["Management", 2, "max", "Quality", 0, 5],
           ["Price", 1, "min", "Cost", None, None]]
    bids = [["vendor", "lot", "price", "Tech | Design", "Management"], *BIDS[1:]]
    upload(app, "bar.xlsx", grouped(Criteria=bar, Bids=bids))
    _evaluate(app)
    before = app.session_state["evaluation"]
    # the factors at 0 and 0: refused in place, no traceback, the weights kept
    app.session_state[app.session_state["ev_fpoints_key"]] = {
        "edited_rows": {0: {"Points": 0}, 1: {"Points": 0}}, "added_rows": [], "deleted_rows": []}
    app.run()
    assert not app.exception
    assert any("give at least one factor a weight above 0" in e.value for e in app.error)
    assert app.session_state["evaluation"].scoring == before.scoring
    _switch(app, "AHP pairwise")
    assert not app.exception and not app.error
    key = app.session_state["ev_ahp_1_key"]  # the criteria of Quality
    app.session_state[key] = {"edited_rows": {0: {"Judgement": "5 · A strongly more important"}},
                              "added_rows": [], "deleted_rows": []}
    app.run()
    assert not app.exception and not app.error
    w = _weights(app)
    assert w["Tech | Design"] / w["Management"] == pytest.approx(5)


def test_unfolding_the_weights_changes_nothing_when_the_factor_weights_do_not_add_to_100(app):
    upload(app, "seven.xlsx", grouped(Groups=[GROUPS[0], ["Quality", 7, ""], ["Cost", 3, ""]]))
    app.switch_page("app_pages/evaluate.py").run()
    before = app.session_state["evaluation"]
    _evaluate(app)
    app.run()
    assert app.session_state["evaluation"] == before
