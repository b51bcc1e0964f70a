from scoring.model import Location, Problem
from scoring.workbook import read_workbook
from tests.helpers import basic
from ui.widgets import bids_frame, criteria_frame, lot_label, md_escape, problems_frame, settings_frame


def test_md_escape_makes_markup_literal():
    out = md_escape("<script>alert(1)</script> **b** [x](http://e) $5 :red[x]")
    for token in ("\\<script\\>", "\\*\\*b\\*\\*", "\\[x\\]\\(http\\:", "\\$5", "\\:red\\["):
        assert token in out


def test_md_escape_collapses_newlines():
    assert md_escape("a\nb\r\nc") == "a b c"


def test_lot_labels():
    assert lot_label("") == "All bids"
    assert lot_label("ALL").startswith("Bundle")
    assert lot_label("App_1") == "App\\_1"


def test_frames_use_plain_language_headers():
    bs = read_workbook(basic()).bidset
    assert list(criteria_frame(bs).columns) == ["Criterion", "Group", "Weight", "Direction", "Scale",
                                                "Pass/fail threshold"]
    assert "Technical" in bids_frame(bs).columns
    settings = settings_frame(bs)
    assert "price_formula" not in set(settings["Setting"]) and "Price formula" in set(settings["Setting"])
    frame = problems_frame([Problem(Location("Bids", 3, 4), "bad", "fix it")])
    assert frame.to_dict("records") == [{"Where": "Bids!D3", "Problem": "bad", "What to do": "fix it"}]


def test_the_contributions_note_says_when_the_bars_disagree_with_the_ranking(sample_bytes):
    from scoring.evaluation import Evaluation, Scoring
    from scoring.results import results
    from scoring.workbook import read_workbook
    from ui.widgets import contributions_note

    bs = read_workbook(sample_bytes).bidset
    vikor = results(bs, Evaluation.of(bs, Scoring.of(bs, method="vikor"))).ranking
    note = contributions_note(vikor, "ALL")
    eligible = [b for b in vikor.in_lot("ALL") if b.eligible]
    by_points = sorted(eligible, key=lambda b: -sum(b.contributions.values()))
    assert [b.vendor for b in by_points] != [b.vendor for b in eligible]  # the case in question
    assert "VIKOR ranks by Q" in note and "differs from the ranking's" in note
    agree = results(bs, Evaluation.of(bs, Scoring.of(bs, method="topsis"))).ranking
    note = contributions_note(agree, "Application")
    eligible = [b for b in agree.in_lot("Application") if b.eligible]
    same = [b.vendor for b in sorted(eligible, key=lambda b: -sum(b.contributions.values()))] == [
        b.vendor for b in eligible]
    assert ("differs from the ranking's" in note) is (not same) and "TOPSIS ranks by closeness" in note
