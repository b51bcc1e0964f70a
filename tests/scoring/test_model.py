import pytest

from scoring.model import BUNDLE_LOT, Bid, BidSet, Component, Criterion, Location, column_letter, fold


@pytest.mark.parametrize(("n", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (52, "AZ"), (703, "AAA")])
def test_column_letter(n, letters):
    assert column_letter(n) == letters


def test_location_is_shown_as_excel_does():
    assert str(Location("Bids", 7, 4)) == "Bids!D7"
    assert str(Location("Bids", 7)) == "Bids!7:7"
    assert str(Location("Criteria", None, 2)) == "Criteria!B:B"
    assert str(Location("Workbook")) == "Workbook"


def test_fold_ignores_case_and_surrounding_space():
    assert fold("  Acme  Corp ") == fold("acme corp")


def test_gate_direction():
    assert Criterion("t", 1, "max", min_acceptable=2).fails_gate(1.5)
    assert not Criterion("t", 1, "max", min_acceptable=2).fails_gate(2)
    assert Criterion("d", 1, "min", min_acceptable=10).fails_gate(11)


def test_lots_follow_components_then_bundles():
    bids = tuple(Bid(v, lot, 1.0, {}) for v, lot in [("a", BUNDLE_LOT), ("b", "Sec"), ("c", "App")])
    bs = BidSet(criteria=(), bids=bids, components=(Component("App"), Component("Sec")))
    assert bs.lots == ("App", "Sec", BUNDLE_LOT)
