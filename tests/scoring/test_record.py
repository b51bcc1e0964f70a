"""Record checks: each open point of a panel's written record, located."""

import pytest

from scoring.evaluation import Evaluation, PanelRecord, Scoring
from scoring.panel import Moderation
from scoring.record import evaluator_offsets
from scoring.results import results
from scoring.workbook import read_workbook
from tests.helpers import BIDS, basic

SCORES_HEAD = ["evaluator", "vendor", "lot", "criterion", "score", "rationale"]
FINDINGS_HEAD = ["evaluator", "vendor", "lot", "criterion", "kind", "text", "reference"]
# Bravo's management 3.5: no tie for second place (WSM: Charlie 0.90, Alpha 0.76, Bravo 0.74)
TEST_BIDS = [list(BIDS[0]), list(BIDS[1]), ["Bravo", "", 80_000, 3, 3.5], *[list(r) for r in BIDS[3:]]]


def _bidset(scores=None, findings=None):  # type: ignore[no-untyped-def]
    if scores is None:  # three evaluators agree on Technical, each with a rationale
        scores = [SCORES_HEAD] + [[e, v, "", "Technical", t, "Meets the requirement"]
                                  for e in ("E1", "E2", "E3")
                                  for v, t in (("Alpha", 4), ("Bravo", 3), ("Charlie", 5))]
    if findings is None:
        findings = [FINDINGS_HEAD] + [  # behind every score at the top of its scale
            ["E1", v, "", c, "strength", f"{c} beyond the requirement", "Vol. I, p. 2"]
            for v, c in (("Charlie", "Technical"), ("Charlie", "Management"), ("Delta", "Management"))]
    result = read_workbook(basic(Bids=TEST_BIDS, Scores=scores, Findings=findings))
    assert result.ok, [str(p) for p in result.problems]
    return result.bidset


def _checks(bs, moderations=()):  # type: ignore[no-untyped-def]
    ev = Evaluation.of(bs, Scoring.of(bs, method="wsm"), panel=PanelRecord(moderations=tuple(moderations)))
    return results(bs, ev).record


def _kinds(found):  # type: ignore[no-untyped-def]
    return [k.kind for k in found]


def test_a_complete_record_has_no_open_points():
    assert _checks(_bidset()) == []


def test_a_moderation_that_alone_changes_the_winner_is_named_with_the_margin():
    bs = _bidset()
    moderation = Moderation("Charlie", "", "Technical", 3.5, "Failover untested", by="chair")
    found = [k for k in _checks(bs, [moderation]) if k.kind == "moderation_decides"]
    assert len(found) == 1
    k = found[0]
    assert (k.vendor, k.criterion) == ("Charlie", "Technical")
    assert "from 5 to 3.5" in k.message and "from Charlie to Alpha" in k.message
    assert "Alpha now leads Charlie by 0.0100" in k.message  # 0.76 against 0.75


def test_a_moderation_that_leaves_the_winner_is_not_reported():
    bs = _bidset()
    moderation = Moderation("Charlie", "", "Technical", 4.5, "Minor gap", by="chair")
    assert "moderation_decides" not in _kinds(_checks(bs, [moderation]))


def test_missing_rationale_and_missing_scores_are_located():
    scores = [SCORES_HEAD,
              ["E1", "Alpha", "", "Technical", 4, ""], ["E2", "Alpha", "", "Technical", 4, ""],
              ["E1", "Bravo", "", "Technical", 3, "Thin plan"], ["E2", "Bravo", "", "Technical", 3, "ok"],
              ["E3", "Bravo", "", "Technical", 3, "ok"]]
    found = _checks(_bidset(scores))
    no_why = [k for k in found if k.kind == "no_rationale"]
    assert [(k.vendor, k.where) for k in no_why] == [("Alpha", "Scores!2:2, Scores!3:3")]
    missing = [k for k in found if k.kind == "missing_score"]
    assert [(k.vendor, k.criterion) for k in missing] == [("Alpha", "Technical")]
    assert missing[0].message.startswith("E3 has not scored this cell")


def test_a_top_score_needs_a_finding_and_a_deficiency_on_a_ranked_bid_is_flagged():
    findings = [FINDINGS_HEAD, ["E2", "Alpha", "", "Management", "deficiency",
                                "No staffing plan", "Vol. II"]]
    found = _checks(_bidset(findings=findings))
    extreme = [k for k in found if k.kind == "extreme_without_finding"]
    # Charlie's Technical (panel, 5) and Management (Bids, 5), Delta's Management (5); Delta's
    # Technical 1 is not the bottom of 0-5
    assert [(k.vendor, k.criterion) for k in extreme] == [
        ("Charlie", "Technical"), ("Charlie", "Management"), ("Delta", "Management")]
    deficiency = [k for k in found if k.kind == "deficiency_eligible"]
    assert [(k.vendor, k.criterion, k.where) for k in deficiency] == [
        ("Alpha", "Management", "Findings!2:2")]


def test_the_same_finding_on_bids_rated_differently_is_flagged():
    findings = [FINDINGS_HEAD,
                ["E1", "Charlie", "", "Technical", "strength", "Tested failover", ""],
                ["E2", "Alpha", "", "Technical", "strength", "tested  failover.", ""]]
    same = [k for k in _checks(_bidset(findings=findings)) if k.kind == "same_finding"]
    assert len(same) == 1
    assert "Charlie rated 5" in same[0].message
    assert "Alpha rated 4" in same[0].message
    assert same[0].where == "Findings!2:2, Findings!3:3"


def test_an_evaluator_consistently_above_the_others_is_reported_with_a_z_score():
    rows = [SCORES_HEAD]
    for v, t, m in (("Alpha", 4, 3), ("Bravo", 3, 3.5), ("Charlie", 4, 4)):
        for crit, base in (("Technical", t), ("Management", m)):
            rows += [["E1", v, "", crit, base, "ok"], ["E2", v, "", crit, base, "ok"],
                     ["E3", v, "", crit, min(5, base + 1), "generous"]]
    bs = _bidset(rows)
    offsets = {o.evaluator: o for o in evaluator_offsets(results(bs).cells)}
    assert offsets["E3"].mean_offset == 1.0 and offsets["E3"].cells == 6
    assert offsets["E1"].mean_offset == 0.0 and offsets["E1"].z == 0.0
    flagged = [k for k in _checks(bs) if k.kind == "evaluator_offset"]
    assert len(flagged) == 1 and flagged[0].message.startswith("E3 scores 20% of the scale above")
    # as a share of each criterion's scale: one point on 0-5 is a fifth of it
    assert evaluator_offsets(results(bs).cells, {"technical": 5.0, "management": 5.0})[2].mean_offset \
        == pytest.approx(0.2)


def test_a_moderation_that_makes_or_breaks_a_tie_for_first_is_reported():
    bids = [list(BIDS[0]), ["Alpha", "", 80_000, 4, 4], ["Bravo", "", 80_000, 4, 4]]
    scores = [SCORES_HEAD] + [[e, v, "", "Technical", 4, "ok"] for e in ("E1", "E2", "E3")
                              for v in ("Alpha", "Bravo")]
    result = read_workbook(basic(Bids=bids, Scores=scores, Findings=[FINDINGS_HEAD]))
    bs = result.bidset
    found = [k for k in _checks(bs, [Moderation("Alpha", "", "Technical", 4.5, "Better plan")])
             if k.kind == "moderation_decides"]
    assert len(found) == 1 and "from a tie between Alpha and Bravo to Alpha" in found[0].message


def test_evaluators_are_expected_only_where_they_score_and_compared_as_the_reader_compares():
    bids = [list(BIDS[0]), ["Alpha", "A", 100_000, 4, 3], ["Bravo", "A", 90_000, 3, 4],
            ["Alpha", "B", 100_000, 4, 3], ["Bravo", "B", 90_000, 3, 4]]
    components = [["component"], ["A"], ["B"]]
    # lot A is E1 and E2's (E2 written "e2" once: the same evaluator), lot B is E3 and E4's
    scores = [SCORES_HEAD,
              ["E1", "Alpha", "A", "Technical", 4, "ok"], ["E2", "Alpha", "A", "Technical", 4, "ok"],
              ["E1", "Bravo", "A", "Technical", 3, "ok"], ["e2", "Bravo", "A", "Technical", 3, "ok"],
              ["E3", "Alpha", "B", "Technical", 4, "ok"], ["E4", "Alpha", "B", "Technical", 4, "ok"],
              ["E3", "Bravo", "B", "Technical", 3, "ok"]]
    result = read_workbook(basic(Bids=bids, Components=components, Scores=scores,
                                 Findings=[FINDINGS_HEAD]))
    assert result.ok, [str(p) for p in result.problems]
    missing = [(k.vendor, k.lot, k.message.split(" has")[0]) for k in _checks(result.bidset)
               if k.kind == "missing_score"]
    assert missing == [("Bravo", "B", "E4")]


def test_a_blank_lot_names_the_vendor_s_only_bid():
    bids = [list(BIDS[0]), ["Alpha", "A", 100_000, 4, 3], ["Bravo", "B", 90_000, 3, 4]]
    scores = [SCORES_HEAD, ["E1", "Alpha", "", "Technical", 4, "solid plan"],
              ["E2", "Alpha", "A", "Technical", 4, ""], ["E3", "Alpha", "a", "Technical", 4, ""]]
    result = read_workbook(basic(Bids=bids, Components=[["component"], ["A"], ["B"]],
                                 Scores=scores, Findings=[FINDINGS_HEAD]))
    assert result.ok, [str(p) for p in result.problems]
    assert "no_rationale" not in _kinds(_checks(result.bidset))


def test_a_top_score_is_supported_by_a_strength_not_by_a_weakness():
    findings = [FINDINGS_HEAD] + [
        ["E1", "Charlie", "", "Technical", "weakness", "Thin staffing", ""],
        ["E1", "Charlie", "", "Management", "strength", "Strong plan", ""],
        ["E1", "Delta", "", "Management", "strength", "Strong plan", ""]]
    extreme = [(k.vendor, k.criterion) for k in _checks(_bidset(findings=findings))
               if k.kind == "extreme_without_finding"]
    assert extreme == [("Charlie", "Technical")]


def test_findings_and_narratives_entered_in_the_app_count_in_the_record():
    from scoring.model import Finding
    from scoring.panel import Narrative

    no_findings = _bidset(findings=[FINDINGS_HEAD])
    no_rationale = [SCORES_HEAD] + [[e, "Alpha", "", "Technical", 4, ""] for e in ("E1", "E2")]
    bs = read_workbook(basic(Bids=TEST_BIDS, Scores=no_rationale,
                             Findings=[FINDINGS_HEAD])).bidset
    before = _kinds(_checks(no_findings))
    assert before.count("extreme_without_finding") == 3
    entered = tuple(Finding(v, "", c, "strength", f"{c} beyond the requirement", "p. 2", "E2",
                            entry=n) for n, (v, c) in enumerate(
        (("Charlie", "Technical"), ("Charlie", "Management"), ("Delta", "Management")), 1))
    ev = Evaluation.of(no_findings, Scoring.of(no_findings, method="wsm"),
                       panel=PanelRecord(findings=entered))
    assert "extreme_without_finding" not in _kinds(results(no_findings, ev).record)
    # a deficiency entered in the app on a ranked bid: located to its Panel entry
    deficiency = Finding("Alpha", "", "Technical", "deficiency", "No exit plan", "", "E1", entry=9)
    ev = Evaluation.of(no_findings, Scoring.of(no_findings, method="wsm"),
                       panel=PanelRecord(findings=(*entered, deficiency)))
    found = [k for k in results(no_findings, ev).record if k.kind == "deficiency_eligible"]
    assert [(k.vendor, k.where) for k in found] == [("Alpha", "Panel finding #9")]
    # a consensus without any rationale is supported once the chair writes its narrative
    assert "no_rationale" in _kinds(_checks(bs))
    narrated = PanelRecord(narratives=(Narrative("Alpha", "", "Technical", "Agreed 4: meets it",
                                                 "chair"),))
    ev = Evaluation.of(bs, Scoring.of(bs, method="wsm"), panel=narrated)
    assert "no_rationale" not in _kinds(results(bs, ev).record)
    cell = next(c for c in results(bs, ev).cells if c.vendor == "Alpha")
    assert cell.narrative == "Agreed 4: meets it"
