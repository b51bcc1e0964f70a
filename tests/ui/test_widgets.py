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
