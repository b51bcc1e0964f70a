import pytest

from scoring.model import PanelScore
from scoring.panel import Moderation, apply, consensus, merge_scores
from scoring.workbook import read_workbook
from tests.helpers import BIDS, basic


def scores(*rows):
    return [PanelScore(e, v, "", c, s) for e, v, c, s in rows]


@pytest.fixture
def bidset():
    return read_workbook(basic()).bidset


def test_median_mean_range_and_flag(bidset):
    panel = scores(("Ann", "Alpha", "Technical", 2), ("Bob", "Alpha", "Technical", 4),
                   ("Cy", "Alpha", "Technical", 5), ("Ann", "Bravo", "Technical", 3),
                   ("Bob", "Bravo", "Technical", 3.5))
    cells = {c.vendor: c for c in consensus(bidset, panel)}
    alpha = cells["Alpha"]
    assert alpha.score == 4 and alpha.range == 3 and alpha.spread_pct == pytest.approx(60)
    assert alpha.flagged and not cells["Bravo"].flagged  # 0.5 of a 0-5 scale is 10 %
    assert alpha.scores == {"Ann": 2, "Bob": 4, "Cy": 5}
    mean = {c.vendor: c for c in consensus(bidset, panel, method="mean")}
    assert mean["Alpha"].score == pytest.approx(11 / 3)


def test_flag_threshold_is_inclusive(bidset):
    panel = scores(("Ann", "Alpha", "Technical", 2), ("Bob", "Alpha", "Technical", 3.5))
    assert consensus(bidset, panel, spread_flag_pct=30)[0].flagged  # 1.5 is exactly 30 % of 5
    assert not consensus(bidset, panel, spread_flag_pct=31)[0].flagged


def test_two_levels_of_spread_a_cell_to_watch_below_the_flag(bidset):
    from dataclasses import replace

    two = replace(bidset, settings=replace(bidset.settings, spread_watch_pct=20, spread_flag_pct=30))
    watch = scores(("Ann", "Alpha", "Technical", 2), ("Bob", "Alpha", "Technical", 3))  # 20 %
    flag = scores(("Ann", "Alpha", "Technical", 2), ("Bob", "Alpha", "Technical", 3.5))  # 30 %
    calm = scores(("Ann", "Alpha", "Technical", 2), ("Bob", "Alpha", "Technical", 2.5))  # 10 %
    (w,), (f,), (c,) = (consensus(two, p) for p in (watch, flag, calm))
    assert (w.watched, w.flagged) == (True, False)
    assert (f.watched, f.flagged) == (False, True)  # a flagged cell is not also "to watch"
    assert (c.watched, c.flagged) == (False, False)


def test_moderation_overrides_with_rationale_and_can_be_withdrawn(bidset):
    panel = scores(("Ann", "Alpha", "Technical", 2), ("Bob", "Alpha", "Technical", 4))
    mod = Moderation("alpha", "", "technical", 3.5, "Panel discussed the staffing plan")
    cell = consensus(bidset, panel, moderations=[mod])[0]
    assert (cell.score, cell.moderated, cell.rationale) == (3.5, True, mod.rationale)
    withdrawn = Moderation("Alpha", "", "Technical", None, "back to the median")
    assert not consensus(bidset, panel, moderations=[withdrawn])[0].moderated


def test_apply_puts_consensus_into_the_bids(bidset):
    cells = consensus(bidset, scores(("Ann", "Alpha", "Technical", 1), ("Bob", "Alpha", "Technical", 2)))
    updated = apply(bidset, cells)
    assert updated.bids[0].scores["Technical"] == 1.5
    assert updated.bids[1].scores == bidset.bids[1].scores


def test_app_scores_replace_the_workbook_score_of_the_same_cell(bidset):
    workbook = scores(("Ann", "Alpha", "Technical", 2))
    entered = [PanelScore("ann", "Alpha", "", "Technical", 4, "revised after clarification")]
    merged = merge_scores(bidset, workbook, entered)
    assert [(s.score, s.rationale) for s in merged] == [(4, "revised after clarification")]


def test_workbook_scores_sheet_gives_the_same_median_as_the_reader():
    bids = [list(BIDS[0]), ["Alpha", "", 100, None, 3], ["Bravo", "", 100, 2, 4]]
    sheet = [["evaluator", "vendor", "criterion", "score"], ["Ann", "Alpha", "Technical", 4],
             ["Bob", "Alpha", "Technical", 2], ["Cy", "Alpha", "Technical", 5]]
    bs = read_workbook(basic(Bids=bids, Scores=sheet)).bidset
    cell = consensus(bs, bs.panel_scores)[0]
    assert cell.score == bs.bids[0].scores["Technical"] == 4


def test_progress_counts_each_evaluator_s_assigned_cells_by_hand(bidset):
    from scoring.model import Finding
    from scoring.panel import Assignment, assigned_cells, progress

    # 4 bids x 2 scored criteria (Technical, Management; Price is not scored by the panel)
    assert len(assigned_cells(bidset, None)) == 8
    ann = Assignment("Ann", ("technical",))  # folded: Technical on the 4 bids
    assert [(b.vendor, c) for b, c in assigned_cells(bidset, ann)] == [
        ("Alpha", "Technical"), ("Bravo", "Technical"), ("Charlie", "Technical"),
        ("Delta", "Technical")]
    panel = [PanelScore("Ann", "Alpha", "", "Technical", 4, "clear plan"),
             PanelScore("Ann", "Bravo", "", "Technical", 3, ""),  # no rationale
             PanelScore("Ann", "Alpha", "", "Management", 3, "not hers: not counted"),
             PanelScore("Bob", "Alpha", "", "Technical", 5, "strong"),
             PanelScore("Bob", "Delta", "", "Management", 4, "fine")]
    found = [Finding("Alpha", "", "Technical", "strength", "x", evaluator="Ann"),
             Finding("Bravo", "", "Management", "risk", "y", evaluator="Bob"),
             Finding("Bravo", "", "Management", "risk", "z", evaluator="Bob")]
    people, criteria = progress(bidset, panel, found, {"ann": ann}, ["Ann", "Bob", "Cy"])
    got = {p.name: (p.assigned, p.scored, p.reasoned, p.findings, p.outside) for p in people}
    # Ann's Management score is outside her cells: kept, counted apart
    assert got == {"Ann": (4, 2, 1, 1, 1), "Bob": (8, 2, 2, 2, 0), "Cy": (8, 0, 0, 0, 0)}
    assert people[0].share == 0.5 and people[2].share == 0.0
    by = {p.name: (p.assigned, p.scored, p.reasoned, p.findings) for p in criteria}
    # Technical: Ann 4 + Bob 4 + Cy 4 assigned; scored Ann 2, Bob 1; one finding
    assert by == {"Technical": (12, 3, 2, 1), "Management": (8, 1, 1, 2)}
    assert Assignment("Ann", ("Technical",), ("Cloud",)).describe() == "Technical · Cloud"
    assert Assignment("Ann").describe() == "every criterion · every lot"


def test_a_scores_sheet_evaluator_is_expected_on_the_lots_and_criteria_they_scored(bidset):
    from scoring.panel import progress

    panel = [PanelScore("Dee", "Alpha", "", "Technical", 4, "ok"),
             PanelScore("Dee", "Bravo", "", "Technical", 3, "")]
    (dee,), _ = progress(bidset, panel, [], {}, ["Dee"], implicit=["dee"])
    assert (dee.assigned, dee.scored, dee.reasoned) == (4, 2, 1)  # Technical on the 4 bids
    (dee,), _ = progress(bidset, panel, [], {}, ["Dee"])  # a member: every cell
    assert (dee.assigned, dee.scored) == (8, 2)
