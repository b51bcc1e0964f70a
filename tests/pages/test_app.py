"""AppTest: the app as a user drives it (upload, pick a method, edit weights)."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, charts
from tests.helpers import BIDS, basic, edit_rows, open_weights

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    return at


def ranking_table(at: AppTest):
    frames = [df.value for df in at.dataframe if "Rank" in df.value.columns]
    assert frames, "no ranking table on the page"
    return frames[0]


def labelled(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.switch_page("app_pages/import_bids.py").run()
    at.file_uploader[0].upload(name, data, XLSX).run()
    assert not at.exception
    return at


def test_opens_on_the_sample_ranked(app):
    table = ranking_table(app)
    assert list(table["Vendor"]) == ["Cascade Cloud Services", "Summit Integrators", "Harbor Data Works"]
    assert list(table["Rank"]) == [1, 2, 3]
    captions = " ".join(c.value for c in app.caption)
    assert "TOPSIS" in captions and "SHA-256" in captions
    assert len(charts(app)) >= 2


def test_upload_valid_workbook_ranks_it(app):
    upload(app, "panel.xlsx", basic())
    assert any("passed every check" in s.value for s in app.success)
    app.switch_page("app_pages/evaluate.py").run()
    labelled(app.selectbox, "Scoring method").select("wsm").run()
    table = ranking_table(app)
    assert list(table["Vendor"][:3]) == ["Charlie", "Alpha", "Bravo"]
    assert list(table["Rank"][:3]) == [1, 2, 2]
    assert table.loc[table["Vendor"] == "Delta", "Eligible"].item() == "No"
    # the failed gate shows the bid's value against the threshold, in the table and the warning
    assert table.loc[table["Vendor"] == "Delta", "Failed gates"].item() == "Technical 1 < 2"
    assert any("Delta — Technical 1 < 2" in w.value.replace("\\", "") for w in app.warning)


def test_upload_invalid_workbook_lists_located_problems_and_keeps_the_evaluation(app):
    bids = [list(BIDS[0]), ["Alpha", "", "1.234,50", 9, 3]]
    upload(app, "broken.xlsx", basic(Bids=bids))
    assert any("broken" in e.value and "not loaded" in e.value for e in app.error)
    problems = app.table[0].value
    assert list(problems["Where"]) == ["Bids\\!C2", "Bids\\!D2"]
    assert all(problems["What to do"].str.len() > 0)
    assert "Sample" in " ".join(m.value for m in app.sidebar.markdown)


def test_refused_file_gets_one_clear_message(app):
    upload(app, "old.xlsx", b"vendor,price\nA,1\n")
    problems = app.table[0].value
    assert len(problems) == 1 and "CSV" in problems["Problem"][0]


def test_method_change_changes_scores(app):
    before = ranking_table(app)["Score"].tolist()
    labelled(app.selectbox, "Scoring method").select("vikor").run()
    after = ranking_table(app)
    assert after["Score"].tolist() != before
    assert "VIKOR" in " ".join(c.value for c in app.caption)


def test_weight_edit_reorders_the_ranking(app):
    labelled(app.selectbox, "Scoring method").select("wsm").run()
    assert ranking_table(app)["Vendor"][0] == "Cascade Cloud Services"
    # Put all the weight on price (row 4): the cheapest infrastructure bid must win.
    edit_rows(app, "points", {0: {"Points": 0}, 1: {"Points": 0}, 2: {"Points": 0}, 3: {"Points": 0}})
    app.run()
    assert not app.exception
    assert ranking_table(app)["Vendor"][0] == "Harbor Data Works"
    assert any("Price 100.0%" in c.value for c in app.caption)


def test_rank_order_centroid_mode(app):
    assert not any(r.key == "ev_weights_mode" for r in app.radio)  # folded: the editor is not drawn
    open_weights(app)
    app.run()
    before = app.session_state["evaluation"]
    app.radio(key="ev_weights_mode").set_value("Rank order (ROC)").run()
    assert not app.exception
    # never silently: the new weights are previewed and asked about; nothing changed yet
    assert app.session_state["evaluation"] == before
    assert any("would change" in w.value for w in app.warning)
    preview = next(df.value for df in app.dataframe if "Weight by rank-order" in df.value.columns)
    assert preview["Weight by rank-order"].sum() == pytest.approx(100.0)
    next(b for b in app.button if b.label == "Keep the current weights").click().run()
    assert app.session_state["evaluation"] == before
    assert app.radio(key="ev_weights_mode").value == "Direct points"
    app.radio(key="ev_weights_mode").set_value("Rank order (ROC)").run()
    next(b for b in app.button if b.label == "Use the rank-order weights").click().run()
    assert not app.exception and not any("would change" in w.value for w in app.warning)
    # ROC over 5 criteria: (1/5) * sum of 1/j from each rank on = 45.7, 25.7, 15.7, 9.0, 4.0 %;
    # the sample's tied criteria (Technical and Price first, Management and Past performance
    # next) share their places' weights
    roc = [sum(1 / j for j in range(i, 6)) / 5 * 100 for i in range(1, 6)]
    expected = {"Technical approach": (roc[0] + roc[1]) / 2, "Price": (roc[0] + roc[1]) / 2,
                "Management approach": (roc[2] + roc[3]) / 2, "Past performance": (roc[2] + roc[3]) / 2,
                "Exit and portability": roc[4]}
    used = dict(app.session_state["evaluation"].scoring.weights)
    assert used == pytest.approx(expected)
    weights_caption = next(c.value for c in app.caption if c.value.startswith("Normalised weights"))
    assert "Technical approach 35.7%" in weights_caption and "Exit and portability 4.0%" in weights_caption
    assert ranking_table(app)["Rank"].tolist()[0] == 1


def test_linear_formula_without_bounds_explains_itself(app):
    labelled(app.selectbox, "Scoring method").select("wsm").run()
    labelled(app.selectbox, "Price formula").select("linear").run()
    assert any("Give a price floor and a price ceiling" in i.value for i in app.info)
    assert app.session_state["evaluation"].scoring.price_formula == "lowest_ratio"  # not applied
    app.number_input[0].set_value(500_000).run()
    app.number_input[1].set_value(6_000_000).run()
    assert not app.exception and not app.error
    assert app.session_state["evaluation"].scoring.price_formula == "linear"
    captions = [c.value for c in app.caption]  # the inputs cannot group digits: said beneath
    assert "USD 500,000" in captions and "USD 6,000,000" in captions
    # the table shows the linear formula's scores: the same as ranking with those bounds
    from scoring.evaluation import Evaluation, Scoring
    from scoring.results import results
    from scoring.workbook import read_workbook

    bs = read_workbook((ROOT / "data" / "sample_evaluation.xlsx").read_bytes()).bidset
    ev = Evaluation.of(bs, Scoring.of(bs, method="wsm", price_formula="linear",
                                      price_floor=500_000, price_ceiling=6_000_000))
    expected = results(bs, ev).ranking.in_lot(app.session_state["ev_lot_evaluate"])
    table = ranking_table(app)
    assert table["Vendor"].tolist() == [b.vendor for b in expected]
    assert table["Score"].tolist()[0] == pytest.approx(expected[0].score, abs=5e-5)
    assert table["Score"].tolist()[0] != pytest.approx(results(bs, Evaluation.of(
        bs, Scoring.of(bs, method="wsm"))).ranking.in_lot(app.session_state["ev_lot_evaluate"])[0].score)


def _bounds(app):
    s = app.session_state["evaluation"].scoring
    return s.price_floor, s.price_ceiling


def test_typed_price_bounds_are_kept_and_a_floor_above_the_ceiling_is_refused_in_place(app):
    labelled(app.selectbox, "Scoring method").select("wsm").run()
    labelled(app.selectbox, "Price formula").select("linear").run()
    floor, ceiling = app.number_input(key="ev_floor"), app.number_input(key="ev_ceiling")
    floor.set_value(1_000_000).run()
    app.number_input(key="ev_ceiling").set_value(2_000_000).run()
    assert _bounds(app) == (1_000_000, 2_000_000)
    before = ranking_table(app)
    app.number_input(key="ev_ceiling").set_value(500_000).run()
    assert app.number_input(key="ev_ceiling").value == 500_000  # the box keeps what was typed
    assert any("must be above the price floor" in e.value for e in app.error)
    assert _bounds(app) == (1_000_000, 2_000_000)  # every page keeps the last valid bounds
    app.switch_page("app_pages/robustness.py").run()
    app.switch_page("app_pages/evaluate.py").run()
    app.number_input(key="ev_floor").set_value(100_000).run()  # fixed: both applied together
    assert _bounds(app) == (100_000, 500_000) and not app.error
    assert not ranking_table(app).equals(before)
    for ceiling in (900_000, 800_000, 700_000):  # every edit counts, none snaps back
        app.number_input(key="ev_ceiling").set_value(ceiling).run()
        assert app.number_input(key="ev_ceiling").value == ceiling
        assert _bounds(app) == (100_000, ceiling)


def test_choices_survive_a_visit_to_other_pages(app):
    labelled(app.selectbox, "Scoring method").select("vikor").run()
    labelled(app.radio, "Lot").set_value("Security").run()
    for page in ("robustness", "scenarios", "compliance", "report", "import_bids", "evaluate"):
        app.switch_page(f"app_pages/{page}.py").run()
        assert not app.exception
    assert labelled(app.selectbox, "Scoring method").value == "vikor"
    assert labelled(app.radio, "Lot").value == "Security"
    app.switch_page("app_pages/robustness.py").run()
    assert labelled(app.radio, "Lot").value == "Security"  # one lot for every page


def test_every_lot_can_be_shown(app):
    for lot in ("Infrastructure", "Application", "Analytics", "Security", "ALL"):
        labelled(app.radio, "Lot").set_value(lot).run()
        assert not app.exception
        assert ranking_table(app)["Rank"].tolist()[0] == 1


def test_import_page_shows_template_download_and_sample(app):
    app.switch_page("app_pages/import_bids.py").run()
    assert not app.exception
    assert [t.value for t in app.title] == ["Import bids"]
    assert any(m.label == "Bids" and m.value == "14" for m in app.metric)


def test_a_large_upload_is_kept_once_off_the_session(app):
    import io
    import os
    import pickle
    import zipfile

    from tests.scoring.test_hostile_memory import edit_zip

    picture = os.urandom(20 << 20)  # 20 MB that do not compress, as a photo in the workbook
    data = edit_zip(basic(), {"xl/media/image1.png": picture})
    assert zipfile.ZipFile(io.BytesIO(data)).read("xl/media/image1.png") == picture
    upload(app, "with-photo.xlsx", data)
    assert any("passed every check" in s.value for s in app.success)
    held = sum(len(pickle.dumps(app.session_state[k])) for k in app.session_state
               if k not in ("evaluation_status",))
    assert held < 2 << 20, held  # the session holds the evaluation, not the 20 MB upload
    assert app.session_state["workbook"].data == data  # still there for saving, on the server


def test_evaluate_says_when_the_weighted_product_leaves_out_a_criterion_every_bid_scores_0(app):
    bids = [list(r) for r in BIDS]
    for row in bids[1:]:
        row[4] = 0  # Management: every bid at the bottom of its 0-5 scale
    upload(app, "zeros.xlsx", basic(Bids=bids))
    app.switch_page("app_pages/evaluate.py").run()
    labelled(app.selectbox, "Scoring method").select("wpm").run()
    notes = [w.value for w in app.warning if "weighted product leaves it out" in w.value]
    assert len(notes) == 1 and "'Management'" in notes[0]
    table = ranking_table(app)
    assert table["Score"].max() > 0  # the other criteria still rank the bids


def test_a_real_csv_upload_is_told_how_to_convert_it_without_being_called_misnamed(app):
    upload(app, "bids.csv", b"vendor,lot,price\nAlpha,,100\n")
    problems = app.table[0].value
    assert len(problems) == 1
    text = " ".join(str(v) for v in problems.iloc[0]).replace("\\", "")  # Markdown-escaped cells
    assert "CSV" in text and "save it as an Excel Workbook (.xlsx)" in text
    assert ".xlsx name" not in text and "renamed" not in text
