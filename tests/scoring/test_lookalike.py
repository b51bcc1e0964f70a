from scoring.lookalike import skeleton
from scoring.workbook import read_workbook
from tests.helpers import BIDS, basic


def test_look_alikes_from_the_unicode_table_share_a_skeleton():
    for twin in ("Ꭺcme", "ᴀcme", "Аcme", "Acmе", "ACME", "Αcme", "Ａｃｍｅ"):
        assert skeleton(twin) == skeleton("Acme") == "acme", twin
    assert skeleton("Acme") != skeleton("Acne")


def test_a_vendor_spelled_with_look_alike_letters_is_noted():
    bids = [list(BIDS[0]), ["Acme", "", 100, 4, 3], ["Ꭺcme", "", 90, 3, 4]]
    result = read_workbook(basic(Bids=bids))
    assert result.ok
    assert any("looks like 'Acme'" in n.message for n in result.notes)
