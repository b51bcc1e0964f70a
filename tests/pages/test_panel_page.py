"""AppTest of the Panel page: scoring with rationales, spreads, moderation, blind mode, roles."""

import os
from functools import partial

import pytest
from streamlit.testing.v1 import AppTest

from scoring.evaluation import Evaluation
from scoring.store import Store
from scoring.workbook import read_workbook
from tests.conftest import ROOT, charts
from ui import auth


def labelled(widgets, label):
    return next(w for w in widgets if w.label == label)


def saved_app(name: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    labelled(at.text_input, "Your name").set_value("Chair Ann")
    at.switch_page("app_pages/report.py").run()
    labelled(at.text_input, "Evaluation name").set_value(name)
    labelled(at.text_area, "Reason for this version").set_value("panel starts")
    at.button[0].click().run()
    at.switch_page("app_pages/panel.py").run()
    assert not at.exception
    return at


def frame(at, column):
    return next(df.value for df in at.dataframe if column in df.value.columns)


def test_unsaved_evaluation_points_to_saving_first():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/panel.py").run()
    assert not at.exception and any("save this one" in i.value for i in at.info)


def test_spreads_flags_and_my_scores_change_the_ranking():
    at = saved_app("Panel scores")
    assert "3** of 28 scored cells" in " ".join(m.value for m in at.markdown)
    assert len(charts(at)) == 1
    eid = at.session_state["saved_version"].evaluation_id
    # Chair Ann scores Harbor Data Works (row 4: Infrastructure / Technical approach) at 5.
    at.session_state[f"my_scores_{eid}"] = {
        "edited_rows": {4: {"Score": 5.0, "Rationale": "strong migration plan"}},
        "added_rows": [], "deleted_rows": []}
    at.run()
    next(b for b in at.button if b.label == "Save my scores").click().run()
    assert not at.exception
    table = frame(at, "Consensus")
    row = table[(table["Vendor"] == "Harbor Data Works") & (table["Criterion"] == "Technical approach")
                & (table["Lot"] == "Infrastructure")].iloc[0]
    assert row["Chair Ann"] == 5.0 and row["Consensus"] == 3.75  # median of 2, 3.5, 4, 5
    db = Store(os.environ["SSW_DATABASE_URL"])
    assert any(e.action == "score" and e.new_value == "5" for e in db.audit(eid))


def test_a_score_without_rationale_is_refused():
    at = saved_app("No rationale")
    eid = at.session_state["saved_version"].evaluation_id
    at.session_state[f"my_scores_{eid}"] = {"edited_rows": {0: {"Score": 1.0}}, "added_rows": [],
                                            "deleted_rows": []}
    at.run()
    next(b for b in at.button if b.label == "Save my scores").click().run()
    assert any("give a rationale" in e.value for e in at.error)


def test_chair_moderates_a_flagged_cell():
    at = saved_app("Moderation")
    labelled(at.number_input, "Moderated value (leave empty to withdraw a moderation)").set_value(3.0)
    labelled(at.text_area, "Written rationale").set_value("Agreed at the consensus meeting")
    next(b for b in at.button if b.label == "Record").click().run()
    assert not at.exception
    table = frame(at, "Chair's rationale")
    moderated = table[table["Moderated"] == "Yes"]
    assert len(moderated) == 1 and moderated.iloc[0]["Consensus"] == 3.0
    row = moderated.iloc[0]
    assert f"Moderated {row['Vendor']} / {row['Criterion']} to 3." in [s.value for s in at.success]


def declare(db, evaluation_id, *users):  # type: ignore[no-untyped-def]
    """The members declare no conflict of interest (the gate before the evaluation)."""
    for user in users:
        db.declare(evaluation_id, user, conflict=False, statement="no conflict (test)")


@pytest.fixture
def signed_in(monkeypatch):
    """Pretend sign-in is configured and make `user` the signed-in person."""
    who = {"user": None}
    monkeypatch.setattr(auth, "auth_configured", lambda: True)
    monkeypatch.setattr(auth, "identity", lambda: auth.Identity(who["user"], who["user"], True))
    return who


def signed_in_app(signed_in, evaluation_id: int, user: str, page: str | None = None,  # type: ignore[no-untyped-def]
                  version: int = 1) -> AppTest:
    """The app as ``user``, opened on a version of the saved evaluation (by its link), then on
    ``page`` when given."""
    signed_in["user"] = user
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["evaluation"], at.query_params["version"] = str(evaluation_id), str(version)
    at.run()
    if page is not None:
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception
    return at


def test_roles_blind_mode_and_price_hiding(signed_in, sample_bytes):
    db = Store(os.environ["SSW_DATABASE_URL"])
    bidset = read_workbook(sample_bytes).bidset
    v = db.create("Roles", sample_bytes, "sample.xlsx", Evaluation.of(bidset),
                  author="chair@agency.gov", reason="set up")
    db.set_member(v.evaluation_id, "eve@agency.gov", "evaluator", by="chair@agency.gov", reason="panel")
    declare(db, v.evaluation_id, "chair@agency.gov", "eve@agency.gov")
    db.record_scores(v.evaluation_id, "someone@agency.gov",
                     [("Meridian Analytics", "Analytics", "Technical approach", 1.0, "concerns")])
    db.record_finding(v.evaluation_id, "someone@agency.gov", "Meridian Analytics", "Analytics",
                      "Technical approach", "deficiency", "Someone's sealed finding")

    open_as = partial(signed_in_app, signed_in, v.evaluation_id)

    eve = open_as("eve@agency.gov")
    assert [t.value for t in eve.title] == ["Panel"]  # the only page an evaluator gets
    assert any("Blind scoring" in i.value for i in eve.info)
    assert not [df for df in eve.dataframe if "Consensus" in df.value.columns]
    shown = [str(x) for df in eve.dataframe for x in df.value.astype(str).values.ravel()]
    assert not [x for x in shown if "sealed finding" in x]  # blind: another's finding unseen
    assert "You have recorded no findings yet." in [c.value for c in eve.caption]

    outsider = open_as("mallory@elsewhere.org")
    assert any("cannot be opened" in e.value for e in outsider.error)
    assert "Roles" not in " ".join(str(m.value) for m in outsider.markdown)

    db.set_flag(v.evaluation_id, "consensus_open", "yes", by="chair@agency.gov", reason="scores in")
    eve = open_as("eve@agency.gov")
    assert [df for df in eve.dataframe if "Consensus" in df.value.columns]  # now visible
    bids = eve.selectbox(key="panel_findings_bid")
    bids.select_index(bids.options.index("Meridian Analytics (Analytics)")).run()
    assert "Someone's sealed finding" in frame(eve, "Kind")["Finding"].tolist()
    for other in ("evaluate", "robustness", "scenarios", "compliance", "report", "import_bids"):
        eve.switch_page(f"app_pages/{other}.py").run()  # prices still hidden: sent to Panel
        assert not eve.exception and [t.value for t in eve.title] == ["Panel"], other
        assert not [df for df in eve.dataframe if "Rank" in df.value.columns]
        assert not any("Highest ranked" in m.value for m in eve.markdown)

    db.set_flag(v.evaluation_id, "prices_visible", "yes", by="chair@agency.gov", reason="done")
    eve = open_as("eve@agency.gov")
    assert [t.value for t in eve.title] == ["Evaluate"]


def _viewer_opens(signed_in, sample_bytes, name: str):  # type: ignore[no-untyped-def]
    """An evaluation ``name`` whose viewer vic@agency.gov has opened it by its share link."""
    db = Store(os.environ["SSW_DATABASE_URL"])
    bidset = read_workbook(sample_bytes).bidset
    v = db.create(name, sample_bytes, "secret.xlsx", Evaluation.of(bidset),
                  author="chair@agency.gov", reason="set up")
    db.set_member(v.evaluation_id, "vic@agency.gov", "viewer", by="chair@agency.gov", reason="counsel")
    declare(db, v.evaluation_id, "chair@agency.gov", "vic@agency.gov")
    signed_in["user"] = "vic@agency.gov"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["evaluation"], at.query_params["version"] = str(v.evaluation_id), "1"
    at.run()
    return db, v, at


def test_a_removed_member_keeps_nothing_of_the_evaluation(signed_in, sample_bytes):
    import hashlib

    secret = "Confidential procurement 7"
    db, v, at = _viewer_opens(signed_in, sample_bytes, secret)
    assert secret in " ".join(m.value for m in at.sidebar.markdown)
    db.set_member(v.evaluation_id, "vic@agency.gov", None, by="chair@agency.gov", reason="left")
    at.run()
    assert not at.exception
    assert any("no longer a member" in w.value for w in at.warning)
    assert secret not in " ".join(m.value for m in at.sidebar.markdown)
    assert at.session_state["saved_version"] is None if "saved_version" in at.session_state else True
    sample_sha = hashlib.sha256((ROOT / "data" / "sample_evaluation.xlsx").read_bytes()).hexdigest()
    assert at.session_state["workbook"].name != "secret.xlsx"
    assert at.session_state["workbook"].sha256 == sample_sha
    at.switch_page("app_pages/report.py").run()
    assert secret not in " ".join(str(e.value) for e in [*at.markdown, *at.info, *at.success])


def test_a_removed_member_keeps_nothing_of_an_evaluation_they_moved_on_from(signed_in, sample_bytes):
    """Opened by link, then replaced by the sample (kept only to save a revised bid book into
    it): once the member is removed, its name and version leave the session too."""
    secret = "Confidential procurement 8"
    db, v, at = _viewer_opens(signed_in, sample_bytes, secret)
    at.switch_page("app_pages/import_bids.py").run()
    next(b for b in at.button if b.label == "Open the bundled sample").click().run()
    assert at.session_state["left_saved_version"] is not None
    db.set_member(v.evaluation_id, "vic@agency.gov", None, by="chair@agency.gov", reason="left")
    at.switch_page("app_pages/report.py").run()
    assert not at.exception
    assert any("no longer a member of evaluation" in w.value for w in at.warning)
    assert at.session_state["left_saved_version"] is None if "left_saved_version" in at.session_state \
        else True
    shown = " ".join(str(e.value) for e in [*at.markdown, *at.info, *at.success, *at.warning,
                                            *at.caption, *at.sidebar.markdown])
    assert secret not in shown


def test_chair_sees_findings_beside_the_scores_and_the_record_checks():
    at = saved_app("Panel record")
    markdown = " ".join(m.value for m in at.markdown)
    assert "3 open points" in markdown
    checks = frame(at, "What was found")
    assert "Deficiency on a bid that is still ranked" in set(checks["Check"])
    # the first bid with a record: Cascade Cloud Services (Infrastructure), its scores with their
    # rationales beside the consensus, and its findings with their references
    scores = next(df.value for df in at.dataframe
                  if {"Evaluator", "Rationale", "Consensus"} <= set(df.value.columns))
    assert set(scores["Evaluator"]) == {"A. Rivera", "B. Chen", "C. Okafor"}
    findings = frame(at, "Finding")
    assert findings["Reference"].tolist() == ["Vol. I, section 2.4, p. 22", "Vol. I, section 6.1, p. 48"]
    at.selectbox(key="panel_findings_bid").select_index(1).run()  # Harbor Data Works
    findings = frame(at, "Finding")
    assert findings["Evaluator"].tolist() == ["panel (consensus)", "C. Okafor"]


def test_my_scores_start_from_the_workbook_s_scores_under_my_name():
    at = saved_app("Panel prefill")
    labelled(at.text_input, "Your name").set_value("A. Rivera").run()
    assert not at.exception
    mine = frame(at, "Scale")
    assert mine["Score"].notna().sum() == 28  # her 28 scores in the sample's Scores sheet
    assert (mine["Rationale"] != "").sum() == 28


def test_a_criterion_rated_in_words_is_scored_by_its_label():
    from tests.helpers import BIDS, basic
    from tests.pages.test_app import upload
    from tests.scoring.test_workbook import RATED, RATINGS

    bids = [list(BIDS[0]), ["Alpha", "", 100_000, "Good", 3], ["Bravo", "", 80_000, "Outstanding", 4]]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    labelled(at.text_input, "Your name").set_value("Chair Ann")
    upload(at, "rated.xlsx", basic(Criteria=RATED, Ratings=RATINGS, Bids=bids))
    at.switch_page("app_pages/report.py").run()
    labelled(at.text_area, "Reason for this version").set_value("panel starts")
    at.button[0].click().run()
    at.switch_page("app_pages/panel.py").run()
    mine = frame(at, "Scale")
    assert mine["Scale"][0] == "Adjectival: Outstanding 5, Good 4, Acceptable 3, Marginal 2, Unacceptable 0"
    eid = at.session_state["saved_version"].evaluation_id
    # row 0: Alpha / Technical (rated); row 1: Alpha / Management (numbers)
    at.session_state[f"my_scores_{eid}"] = {
        "edited_rows": {0: {"Rating": "Acceptable", "Rationale": "thin plan"},
                        1: {"Rating": "Good", "Rationale": "x"}},
        "added_rows": [], "deleted_rows": []}
    at.run()
    next(b for b in at.button if b.label == "Save my scores").click().run()
    assert any("is not a rating of this criterion, which is scored in numbers" in e.value
               for e in at.error)  # nothing saved: one message, the row named
    at.session_state[f"my_scores_{eid}"] = {
        "edited_rows": {0: {"Rating": "Acceptable", "Rationale": "thin plan"}},
        "added_rows": [], "deleted_rows": []}
    at.run()
    next(b for b in at.button if b.label == "Save my scores").click().run()
    assert not at.exception and any("Saved 1 score" in s.value for s in at.success)
    db = Store(os.environ["SSW_DATABASE_URL"])
    scores = db.panel_record(eid).scores
    assert [(s.vendor, s.criterion, s.score) for s in scores] == [("Alpha", "Technical", 3.0)]


def test_an_evaluator_records_and_withdraws_findings_and_the_chair_writes_the_narrative():
    at = saved_app("Panel findings")
    eid = at.session_state["saved_version"].evaluation_id
    assert "You have recorded no findings yet." in [c.value for c in at.caption]
    labelled(at.selectbox, "Kind").set_value("weakness")
    labelled(at.text_area, "Finding").set_value("Cut-over plan has no rollback step")
    labelled(at.text_input, "Proposal reference").set_value("Vol. II, section 4.1, p. 19")
    next(b for b in at.button if b.label == "Record finding").click().run()
    assert not at.exception
    db = Store(os.environ["SSW_DATABASE_URL"])
    (found,) = db.panel_record(eid).findings
    assert (found.evaluator, found.kind, found.reference) == ("Chair Ann", "weakness",
                                                               "Vol. II, section 4.1, p. 19")
    assert any(f"Recorded finding #{found.entry}." in s.value for s in at.success)
    mine = frame(at, "Recorded")
    assert mine["Finding"].tolist() == ["Cut-over plan has no rollback step"]
    # beside the scores of the bid it names (the first bid), with where it was recorded
    shown = next(df.value for df in at.dataframe
                 if {"Kind", "Evaluator", "Recorded"} <= set(df.value.columns))
    assert f"Panel page, #{found.entry}" in shown["Recorded"].tolist()
    # an empty finding is refused in words, nothing stored
    next(b for b in at.button if b.label == "Record finding").click().run()
    assert any("Write the finding" in e.value for e in at.error)
    assert len(db.panel_record(eid).findings) == 1
    # the chair's consensus narrative for a cell
    labelled(at.text_area, "Consensus narrative").set_value("Agreed 3.5: sound plan, no rollback")
    next(b for b in at.button if b.label == "Save narrative").click().run()
    assert not at.exception
    (narrative,) = db.panel_record(eid).narratives
    assert narrative.text == "Agreed 3.5: sound plan, no rollback" and narrative.by == "Chair Ann"
    bids = at.selectbox(key="panel_findings_bid")
    bids.select_index(bids.options.index(f"{narrative.vendor} ({narrative.lot})")).run()
    written = frame(at, "Consensus narrative")
    assert written["Consensus narrative"].tolist() == [narrative.text]
    # withdrawn, with a reason: gone from the page, kept in the audit log
    labelled(at.text_input, "Why it is withdrawn").set_value("the rollback is in Vol. III")
    next(b for b in at.button if b.label == "Withdraw").click().run()
    assert not at.exception and db.panel_record(eid).findings == ()
    assert "You have recorded no findings yet." in [c.value for c in at.caption]
    assert [e.new_value for e in db.audit(eid) if e.action == "finding"][-1] == "withdrawn"
    assert db.verify(eid).intact


def test_the_cell_the_chair_chose_is_the_one_written_even_when_others_change_the_cells():
    at = saved_app("Panel narrative cell")
    eid = at.session_state["saved_version"].evaluation_id
    box = next(s for s in at.selectbox if s.key == "narrate_cell")
    chosen = box.options[5]
    vendor, rest = chosen.split(" (", 1)
    lot, criterion = rest.split(") / ")
    box.set_value((vendor, lot, criterion))  # chosen in the browser; the form is not sent yet
    # meanwhile an evaluator's score flags another cell and moves it to the top of the list
    db = Store(os.environ["SSW_DATABASE_URL"])
    db.record_scores(eid, "D. Late", [("Cascade Cloud Services", "Infrastructure",
                                       "Technical approach", 0.0, "far below the others")])
    labelled(at.text_area, "Consensus narrative").set_value("Agreed after the meeting")
    next(b for b in at.button if b.label == "Save narrative").click().run()
    assert not at.exception
    (narrative,) = db.panel_record(eid).narratives
    assert f"{narrative.vendor} ({narrative.lot}) / {narrative.criterion}" == chosen


def test_my_scores_filter_check_each_row_as_typed_and_confirm_what_was_saved():
    at = saved_app("Panel view")
    eid = at.session_state["saved_version"].evaluation_id
    labelled(at.selectbox, "Criterion").set_value("Past performance").run()
    mine = frame(at, "Scale")
    assert set(mine["Criterion"]) == {"Past performance"} and len(mine) == 14
    key = f"my_scores_{eid}_None_Past performance_None"
    at.session_state[key] = {"edited_rows": {0: {"Score": 9.0, "Rationale": "x"},
                                             1: {"Score": 4.0}},
                             "added_rows": [], "deleted_rows": []}
    at.run()
    checks = frame(at, "Scale")["Check"].tolist()
    assert "must be" in checks[0] or "scale" in checks[0]  # 9 on a 0-5 scale, said as typed
    assert checks[1] == "give a rationale for the score" and checks[2] == ""
    next(b for b in at.button if b.label == "Save my scores").click().run()
    assert any("Nothing was saved: 2 rows to fix" in e.value for e in at.error)
    db = Store(os.environ["SSW_DATABASE_URL"])
    assert db.panel_record(eid).scores == ()
    at.session_state[key] = {"edited_rows": {1: {"Score": 4.0, "Rationale": "three references"}},
                             "added_rows": [], "deleted_rows": []}
    at.run()
    next(b for b in at.button if b.label == "Save my scores").click().run()
    assert any(s.value == "Saved 1 score." for s in at.success)  # survives the rerun
    assert [t.value for t in at.toast] == ["Saved 1 score."]
    (saved,) = db.panel_record(eid).scores
    assert (saved.criterion, saved.score) == ("Past performance", 4.0)


def test_the_chair_sees_evaluator_statistics_and_agreement_per_criterion():
    at = saved_app("Panel statistics")
    stats = frame(at, "Halo (r)")
    assert set(stats["Evaluator"]) == {"A. Rivera", "B. Chen", "C. Okafor"}
    assert (stats["Cells scored"] == 28).all()
    agree = frame(at, "Krippendorff's alpha (interval)")
    assert set(agree["Criterion"]) == {"Technical approach", "Past performance"}
    assert agree["Krippendorff's alpha (interval)"].notna().all()


def test_an_evaluator_submits_and_is_locked_until_the_chair_reopens(signed_in, sample_bytes):
    db = Store(os.environ["SSW_DATABASE_URL"])
    bidset = read_workbook(sample_bytes).bidset
    v = db.create("Submissions", sample_bytes, "sample.xlsx", Evaluation.of(bidset),
                  author="chair@agency.gov", reason="set up")
    eid = v.evaluation_id
    db.set_member(eid, "eve@agency.gov", "evaluator", by="chair@agency.gov", reason="panel")
    declare(db, eid, "chair@agency.gov", "eve@agency.gov")

    open_as = partial(signed_in_app, signed_in, eid, page="panel")

    chair = open_as("chair@agency.gov")
    chair.toggle[0].set_value(True)  # consensus open, before Eve has submitted
    labelled(chair.text_input, "Reason for the change").set_value("meeting today")
    next(b for b in chair.button if b.label == "Apply").click().run()
    assert any("Consensus stays closed: eve@agency.gov has not submitted" in e.value
               for e in chair.error)
    assert db.flags(eid)["consensus_open"] == "no"

    # Eve scores Technical approach in Security: three cells, to be scored before she submits
    db.assign(eid, "eve@agency.gov", ["Technical approach"], ["Security"], chair="chair@agency.gov",
              reason="security specialist")
    eve = open_as("eve@agency.gov")
    next(b for b in eve.button if b.label == "Submit my scores").click().run()
    assert any("Tick the box" in e.value for e in eve.error) and db.submitted(eid) == {}
    labelled(eve.checkbox, "I have finished scoring: lock my scores and findings").check()
    next(b for b in eve.button if b.label == "Submit my scores").click().run()
    assert any("3 of your assigned cells have no score yet" in e.value for e in eve.error)
    assert db.submitted(eid) == {}
    db.record_scores(eid, "eve@agency.gov", [
        (b.vendor, b.lot, "Technical approach", 3.0, "meets the requirement")
        for b in bidset.bids if b.lot == "Security"])
    eve = open_as("eve@agency.gov")
    labelled(eve.checkbox, "I have finished scoring: lock my scores and findings").check()
    next(b for b in eve.button if b.label == "Submit my scores").click().run()
    assert set(db.submitted(eid)) == {"eve@agency.gov"}
    assert any("are locked" in i.value for i in eve.info)
    assert not [b for b in eve.button if b.label in ("Save my scores", "Record finding")]

    chair = open_as("chair@agency.gov")
    chair.toggle[0].set_value(True)
    labelled(chair.text_input, "Reason for the change").set_value("every score is in")
    next(b for b in chair.button if b.label == "Apply").click().run()
    assert db.flags(eid)["consensus_open"] == "yes"
    labelled(chair.text_input, "Why it is reopened").set_value("a late clarification")
    next(b for b in chair.button if b.label == "Reopen").click().run()
    assert not chair.exception and db.submitted(eid) == {}
    assert any("Reopened eve@agency.gov" in s.value for s in chair.success)
    eve = open_as("eve@agency.gov")
    assert [b for b in eve.button if b.label == "Save my scores"]  # open again


def test_a_member_sees_nothing_until_they_declare_and_the_chair_decides_a_conflict(
        signed_in, sample_bytes):
    db = Store(os.environ["SSW_DATABASE_URL"])
    bidset = read_workbook(sample_bytes).bidset
    v = db.create("Conflicts", sample_bytes, "sample.xlsx", Evaluation.of(bidset),
                  author="chair@agency.gov", reason="set up")
    eid = v.evaluation_id
    for user in ("eve@agency.gov", "ed@agency.gov"):
        db.set_member(eid, user, "evaluator", by="chair@agency.gov", reason="panel")
    declare(db, eid, "chair@agency.gov")

    open_as = partial(signed_in_app, signed_in, eid)

    def shown(at: AppTest) -> str:
        return " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.info, *at.title,
                                               *at.sidebar.markdown, *at.warning])

    eve = open_as("eve@agency.gov")
    assert [t.value for t in eve.title] == ["Conflict of interest"]
    assert "Cascade" not in shown(eve) and not eve.dataframe and "Conflicts" not in shown(eve)
    labelled(eve.radio, "Your declaration").set_value("I have a conflict of interest to declare")
    next(b for b in eve.button if b.label == "Declare").click().run()
    assert any("Describe the conflict" in e.value for e in eve.error)
    labelled(eve.radio, "Your declaration").set_value("I have a conflict of interest to declare")
    labelled(eve.text_area, "The conflict, if you have one (who, and what the interest is)"
             ).set_value("My brother works for Harbor Data Works")
    next(b for b in eve.button if b.label == "Declare").click().run()
    assert any("The chair decides" in i.value for i in eve.info) and not eve.dataframe

    ed = open_as("ed@agency.gov")
    labelled(ed.radio, "Your declaration").set_value("I have no conflict of interest")
    next(b for b in ed.button if b.label == "Declare").click().run()
    assert [t.value for t in ed.title] == ["Panel"]  # in: the evaluator's page

    chair = open_as("chair@agency.gov")
    chair.switch_page("app_pages/panel.py").run()
    table = frame(chair, "Declaration")
    assert dict(zip(table["Member"], table["Declaration"], strict=True))["eve@agency.gov"] == (
        "conflict declared: awaiting your decision")
    labelled(chair.radio, "Decision").set_value("Recuse them from this evaluation")
    labelled(chair.text_input, "Reason for the decision").set_value("a family tie to a bidder")
    next(b for b in chair.button if b.label == "Record the decision").click().run()
    assert db.declared(eid)["eve@agency.gov"] == "recuse"
    eve = open_as("eve@agency.gov")
    assert any("recused you" in w.value for w in eve.warning) and not eve.dataframe
    said = [e.new_value for e in db.audit(eid) if e.action == "declaration"]
    assert said == ["none", "conflict", "none", "recuse"] and db.verify(eid).intact


def test_the_chair_assigns_cells_and_sees_who_is_late(signed_in, sample_bytes):
    import datetime as dt

    db = Store(os.environ["SSW_DATABASE_URL"])
    bidset = read_workbook(sample_bytes).bidset
    v = db.create("Assignments", sample_bytes, "sample.xlsx", Evaluation.of(bidset),
                  author="chair@agency.gov", reason="set up")
    eid = v.evaluation_id
    for user in ("eve@agency.gov", "sam@agency.gov"):
        db.set_member(eid, user, "evaluator", by="chair@agency.gov", reason="panel")
    declare(db, eid, "chair@agency.gov", "eve@agency.gov", "sam@agency.gov")

    open_as = partial(signed_in_app, signed_in, eid, page="panel")

    chair = open_as("chair@agency.gov")
    labelled(chair.selectbox, "Evaluator to assign").select("eve@agency.gov")
    labelled(chair.multiselect, "Criteria they score").select("Technical approach")
    labelled(chair.multiselect, "Lots they score").select("Security")
    next(b for b in chair.button if b.label == "Assign").click().run()
    assert any("give a reason" in e.value for e in chair.error)  # one message, nothing stored
    assert db.assignments(eid) == {}
    labelled(chair.selectbox, "Evaluator to assign").select("eve@agency.gov")
    labelled(chair.multiselect, "Criteria they score").select("Technical approach")
    labelled(chair.multiselect, "Lots they score").select("Security")
    labelled(chair.text_input, "Reason for the assignment").set_value("security specialist")
    next(b for b in chair.button if b.label == "Assign").click().run()
    assert not chair.error, [e.value for e in chair.error]
    assert db.assignments(eid)["eve@agency.gov"].lots == ("Security",)
    assert any("eve@agency.gov now scores Technical approach · Security" in t.value
               for t in chair.success)

    eve = open_as("eve@agency.gov")
    mine = frame(eve, "Scale")
    assert set(zip(mine["Lot"], mine["Criterion"], strict=True)) == {("Security", "Technical approach")}
    assert len(mine) == 3  # the three Security bids, one criterion
    assert labelled(eve.selectbox, "Lot").options == ["All lots", "Security"]
    assert labelled(eve.selectbox, "Criterion").options == ["All criteria", "Technical approach"]
    assert labelled(eve.selectbox, "Bid").options == [
        "Bastion Security Group (Security)", "Ironclad Cyber (Security)",
        "Cascade Cloud Services (Security)"]
    assert any("0 of 3 cells scored" in p.proto.text for p in eve.get("progress"))
    db.record_scores(eid, "eve@agency.gov", [("Ironclad Cyber", "Security", "Technical approach",
                                              4.0, "layered defence")])

    chair = open_as("chair@agency.gov")
    progress = frame(chair, "Standing")
    eve_row = progress[progress["Evaluator"] == "eve@agency.gov"].iloc[0]
    assert eve_row["Cells"] == "1 of 3" and eve_row["Standing"] == "in progress"
    assert eve_row["Scored"] == pytest.approx(1 / 3)
    sam_row = progress[progress["Evaluator"] == "sam@agency.gov"].iloc[0]
    assert sam_row["Cells"] == "0 of 56" and sam_row["Assigned"] == "every criterion · every lot"
    yesterday = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    labelled(chair.date_input, "Due date").set_value(yesterday)
    chair.text_input(key="scoring_due_reason").set_value("consensus meeting")
    next(b for b in chair.button if b.label == "Set the due date").click().run()
    assert db.flags(eid)["scoring_due"] == yesterday.isoformat()
    assert any("Late" in w.value and "eve@agency.gov, sam@agency.gov" in w.value
               for w in chair.warning)
    standing = dict(zip(*(frame(chair, "Standing")[c] for c in ("Evaluator", "Standing")),
                        strict=True))
    assert standing == {"A. Rivera": "scored in the workbook", "B. Chen": "scored in the workbook",
                        "C. Okafor": "scored in the workbook", "eve@agency.gov": "late",
                        "sam@agency.gov": "late"}  # the workbook's evaluators submit nothing
    assert any(e.action == "assignment" for e in db.audit(eid)) and db.verify(eid).intact
    db.set_flag(eid, "consensus_open", "yes", by="chair@agency.gov", reason="meeting")
    eve = open_as("eve@agency.gov")  # consensus open: still only the cells assigned to her
    consensus = next(df.value for df in eve.dataframe if "Consensus" in df.value.columns
                     and "Flagged" in df.value.columns and len(df.value) > 0)
    assert set(zip(consensus["Lot"], consensus["Criterion"], strict=True)) == {
        ("Security", "Technical approach")}
    assert eve.selectbox(key="panel_findings_bid").options == [
        "Bastion Security Group (Security)", "Ironclad Cyber (Security)",
        "Cascade Cloud Services (Security)"]  # her cells' scores and findings only
    rows = next(df.value for df in eve.dataframe if "Evaluator" in df.value.columns
                and "Rationale" in df.value.columns)
    assert set(rows["Criterion"]) == {"Technical approach"}


def test_the_chair_assigns_before_anyone_has_scored(signed_in):
    from tests.helpers import basic

    data = basic()  # no Scores sheet
    db = Store(os.environ["SSW_DATABASE_URL"])
    v = db.create("Before any score", data, "basic.xlsx", Evaluation.of(read_workbook(data).bidset),
                  author="chair@agency.gov", reason="set up")
    db.set_member(v.evaluation_id, "eve@agency.gov", "evaluator", by="chair@agency.gov",
                  reason="panel")
    declare(db, v.evaluation_id, "chair@agency.gov")
    signed_in["user"] = "chair@agency.gov"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["evaluation"], at.query_params["version"] = str(v.evaluation_id), "1"
    at.run()
    at.switch_page("app_pages/panel.py").run()
    assert any("No panel scores yet" in i.value for i in at.info)
    assert "Assign" in [b.label for b in at.button]
    assert frame(at, "Standing")["Evaluator"].tolist() == ["eve@agency.gov"]
