import csv
import io
import json
import subprocess
import sys

import pytest

from scoring.cli import main
from tests.conftest import ROOT
from tests.helpers import basic


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def sample_path():
    return ROOT / "data" / "sample_evaluation.xlsx"


def test_rank_json_contract(capsys, sample_path):
    code, out, err = run(capsys, "rank", sample_path, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["method"] == "topsis"
    bids = doc["bids"]
    assert {tuple(sorted(b)) for b in bids} == {
        ("eligible", "failed_gates", "lot", "price", "rank", "score", "vendor")}
    lots = {b["lot"] for b in bids}
    assert lots == {"Infrastructure", "Application", "Analytics", "Security", "ALL"}
    for lot in lots:
        ranks = [b["rank"] for b in bids if b["lot"] == lot and b["eligible"]]
        assert min(ranks) == 1
    assert any(b["failed_gates"] == ["Past performance"] and b["rank"] is None for b in bids)


def test_rank_options_change_method_and_formula(capsys, tmp_path):
    path = tmp_path / "b.xlsx"
    path.write_bytes(basic())
    code, out, _ = run(capsys, "rank", path, "--method", "wsm", "--price-formula", "linear",
                       "--price-floor", "50000", "--price-ceiling", "150000", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    scores = {b["vendor"]: b["score"] for b in doc["bids"]}
    assert doc["method"] == "wsm" and scores["Alpha"] == pytest.approx(0.67)
    assert {b["lot"] for b in doc["bids"]} == {""}


def test_rank_csv_and_table(capsys, sample_path):
    code, out, _ = run(capsys, "rank", sample_path, "--format", "csv", "--method", "vikor")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0].keys() >= {"lot", "rank", "vendor", "price", "score", "eligible", "failed_gates"}
    code, out, _ = run(capsys, "rank", sample_path)
    assert code == 0 and "Lot: Infrastructure" in out and "SHA-256" in out


def test_invalid_workbook_exits_2_with_located_problems(capsys, tmp_path):
    bids = [["vendor", "lot", "price", "Technical", "Management"], ["Alpha", "", -5, 9, 3]]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(basic(Bids=bids))
    code, out, err = run(capsys, "rank", path)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["Bids!C2", "Bids!D2"]


def test_bad_options_exit_1(capsys, sample_path):
    with pytest.raises(SystemExit) as exc:
        main(["rank", str(sample_path), "--method", "nope"])
    assert exc.value.code == 1
    code, _, err = run(capsys, "rank", "/no/such/file.xlsx")
    assert code == 1 and "cannot open" in err
    code, _, err = run(capsys, "rank", sample_path, "--method", "wsm", "--price-formula", "linear")
    assert code == 1 and "price floor" in err


def test_template_subcommand(capsys, tmp_path):
    code, out, _ = run(capsys, "template", tmp_path / "t.xlsx")
    assert code == 0 and (tmp_path / "t.xlsx").stat().st_size > 0


def test_module_entry_point_never_prints_a_traceback(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("vendor,price\nA,1\n")
    proc = subprocess.run([sys.executable, "-m", "scoring", "rank", str(path)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "CSV" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "scoring", "frobnicate"], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr


def test_method_names_are_case_insensitive(capsys, sample_path):
    code, out, _ = run(capsys, "rank", sample_path, "--method", "WSM", "--format", "json")
    assert code == 0 and json.loads(out)["method"] == "wsm"


def test_scenarios_json_contract(capsys, sample_path):
    code, out, err = run(capsys, "scenarios", sample_path, "--format", "json", "--draws", "20000")
    assert code == 0, err
    doc = json.loads(out)
    assert [s["name"] for s in doc["scenarios"]] == ["monolithic", "modular", "optimized"]
    keys = {"name", "awards", "total_price", "total_cost", "hhi", "top_vendor_share", "spof_exposure",
            "replaceability", "expected_replacement_cost", "score"}
    for s in doc["scenarios"]:
        assert keys <= set(s)
        assert [a["component"] for a in s["awards"]] == ["Infrastructure", "Application", "Analytics",
                                                         "Security"]
        assert s["cost_distribution"]["p50"] <= s["cost_distribution"]["p90"]
    mono = doc["scenarios"][0]
    assert mono["hhi"] == 10000 and mono["replaceability"] == 0
    assert {a["vendor"] for a in mono["awards"]} == {"Summit Integrators"}


def test_scenarios_table_csv_and_errors(capsys, sample_path, tmp_path):
    code, out, _ = run(capsys, "scenarios", sample_path, "--draws", "1000")
    assert code == 0 and "Total cost (USD)" in out and "optimized:" in out
    code, out, _ = run(capsys, "scenarios", sample_path, "--format", "csv", "--draws", "1000")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["name"] for r in rows] == ["monolithic", "modular", "optimized"]
    path = tmp_path / "single.xlsx"
    path.write_bytes(basic())
    code, _, err = run(capsys, "scenarios", path)
    assert code == 1 and "Components sheet" in err
    with pytest.raises(SystemExit) as exc:
        main(["scenarios", str(sample_path), "--draws", "0"])
    assert exc.value.code == 1


def test_price_bounds_must_be_finite_and_ordered(capsys, sample_path):
    with pytest.raises(SystemExit) as exc:
        main(["rank", str(sample_path), "--price-formula", "linear", "--price-floor", "nan",
              "--price-ceiling", "200"])
    assert exc.value.code == 1
    code, _, err = run(capsys, "rank", sample_path, "--method", "wsm", "--price-formula", "linear",
                       "--price-floor", "500", "--price-ceiling", "100")
    assert code == 1 and "must be above the price floor" in err and "Traceback" not in err
    code, _, err = run(capsys, "rank", sample_path, "--price-formula", "linear")
    assert code == 1 and "price floor" in err


def test_sensitivity_json_contract(capsys, sample_path):
    code, out, err = run(capsys, "sensitivity", sample_path, "--format", "json", "--draws", "2000",
                         "--seed", "3", "--method", "wsm")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["draws"] == 2000
    infra = doc["acceptability"]["Infrastructure"]
    assert set(infra) == {"Cascade Cloud Services", "Summit Integrators", "Harbor Data Works"}
    assert all(len(p) == 3 and abs(sum(p) - 1) < 1e-9 for p in infra.values())
    low, high = doc["stability"]["Infrastructure"]["Price"]
    assert 0 <= low <= 0.3 <= high <= 1
    assert {"lot", "removed", "swapped"} <= set(doc["rank_reversal"][0])
    again = json.loads(run(capsys, "sensitivity", sample_path, "--format", "json", "--draws", "2000",
                           "--seed", "3", "--method", "wsm")[1])
    assert again["acceptability"] == doc["acceptability"]
    # the evaluators' disagreement, as the app computes it for the same evaluation
    from scoring.evaluation import Evaluation, RobustnessOptions, Scoring
    from scoring.results import Results
    from scoring.workbook import read_workbook

    bs = read_workbook(sample_path.read_bytes()).bidset
    res = Results(bs, Evaluation.of(bs, Scoring.of(bs, method="wsm"),
                                    robustness=RobustnessOptions(draws=2000, seed=3)))
    assert [(x["lot"], x["vendor"], x["weights"], x["scores"], x["both"])
            for x in doc["first_chance"]] == res.robustness().first_chances()
    assert any(x["scores"] is not None for x in doc["first_chance"])


def test_sensitivity_table_csv_and_options(capsys, sample_path):
    code, out, _ = run(capsys, "sensitivity", sample_path, "--draws", "500", "--weights", "uniform")
    assert code == 0 and "probability of each rank" in out
    code, out, _ = run(capsys, "sensitivity", sample_path, "--draws", "500", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["section"] for r in rows} >= {"acceptability", "stability"}
    with pytest.raises(SystemExit) as exc:
        main(["sensitivity", str(sample_path), "--concentration", "0"])
    assert exc.value.code == 1


def test_panel_json_contract(capsys, sample_path):
    code, out, err = run(capsys, "panel", sample_path, "--format", "json")
    assert code == 0, err
    cells = json.loads(out)["consensus"]
    assert {"vendor", "lot", "criterion", "score", "scores", "range", "flagged", "moderated"} <= set(cells[0])
    flagged = [c for c in cells if c["flagged"]]
    assert len(flagged) == 3 and all(c["range"] >= 1.5 for c in flagged)
    assert all(len(c["scores"]) == 3 and not c["moderated"] for c in cells)
    code, out, _ = run(capsys, "panel", sample_path)
    assert code == 0 and "3 of 28 cells flagged" in out
    code, out, _ = run(capsys, "panel", sample_path, "--format", "csv", "--consensus", "mean")
    assert out.splitlines()[0].startswith("vendor,lot,criterion,score")


def test_report_subcommand(capsys, sample_path, tmp_path):
    out = tmp_path / "report.xlsx"
    code, text, err = run(capsys, "report", sample_path, out, "--draws", "300")
    assert code == 0, err
    from openpyxl import load_workbook

    assert load_workbook(out).sheetnames[0] == "Summary"


def test_csv_never_starts_a_cell_with_a_formula_character(capsys, tmp_path):
    from tests.scoring.test_report import as_text

    lot, who = "=HYPERLINK(\"http://e\",\"x\")", "@SUM(A1)"
    bids = [["vendor", "lot", "price", "Technical", "Management"], ["Alpha", lot, 100, 4, 3],
            ["Bravo", lot, 90, 3, 4]]
    scores = [["evaluator", "vendor", "lot", "criterion", "score", "rationale"],
              [who, "Alpha", lot, "Technical", 3, "ok"], ["Ann", "Alpha", lot, "Technical", 4, "ok"]]
    data = basic(Bids=bids, Scores=scores)
    for sheet, ref in (("Bids", "B2"), ("Bids", "B3"), ("Scores", "A2"), ("Scores", "C2"), ("Scores", "C3")):
        data = as_text(data, sheet, ref)
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(data)
    for command in ("rank", "panel", "sensitivity", "compliance"):
        code, out, err = run(capsys, command, path, "--format", "csv")
        assert code == 0, err
        for row in csv.reader(io.StringIO(out)):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), (command, cell)


def test_verify_names_an_intact_record_and_the_first_broken_entry(capsys, tmp_path):
    import hashlib

    from sqlalchemy import text

    from scoring.evaluation import Evaluation, Scoring
    from scoring.store import Store

    url = f"sqlite:///{tmp_path / 'v.db'}"
    store = Store(url)
    ev = Evaluation(hashlib.sha256(b"w").hexdigest(), Scoring(weights=(("Price", 1.0),)))
    eid = store.create("Verified", b"w", "w.xlsx", ev, author="ann", reason="opened").evaluation_id
    code, out, _ = run(capsys, "verify", "--database", url)
    assert code == 0 and f"evaluation #{eid}: intact" in out
    with store.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = (SELECT min(id) FROM "
                          "audit_log)"))
    code, _, err = run(capsys, "verify", "--database", url, "--evaluation", eid)
    assert code == 1 and "BROKEN at audit entry" in err


@pytest.mark.parametrize("command", ["scenarios", "sensitivity", "report"])
@pytest.mark.parametrize("seed", ["-1", "2147483648", "x"])
def test_a_seed_out_of_range_is_a_bad_option_not_a_crash(capsys, sample_path, tmp_path, command, seed):
    args = [command, str(sample_path), *([str(tmp_path / "r.xlsx")] if command == "report" else [])]
    with pytest.raises(SystemExit) as exc:
        main([*args, "--seed", seed])
    err = capsys.readouterr().err
    assert exc.value.code == 1 and "--seed" in err and "Error" not in err.replace("error:", "")
    assert "from 0 to 2,147,483,647" in err or "not a whole number" in err
    assert not (tmp_path / "r.xlsx").exists()


def test_checks_lists_the_record_s_open_points_and_strict_fails_on_them(capsys, sample_path):
    code, out, err = run(capsys, "checks", sample_path)
    assert code == 0, err
    assert out.startswith("3 open points:")
    assert "Deficiency on a bid that is still ranked [Findings!9:9]" in out
    assert "Summit Integrators (Application) / Exit and portability" in out
    code, out, _ = run(capsys, "checks", sample_path, "--strict")
    assert code == 1 and out.startswith("3 open points:")
    code, out, _ = run(capsys, "checks", sample_path, "--format", "json")
    doc = json.loads(out)
    assert [c["check"] for c in doc["checks"]] == ["evaluator_offset", "evaluator_offset",
                                                   "deficiency_eligible"]
    assert {o["evaluator"] for o in doc["evaluator_offsets"]} == {"A. Rivera", "B. Chen", "C. Okafor"}
    # a workbook whose record is complete (no panel, no score at the end of a scale): nothing
    # open, and --strict passes
    bids = [["vendor", "lot", "price", "Technical", "Management"], ["Alpha", "", 100_000, 4, 3],
            ["Bravo", "", 80_000, 3, 4]]
    code, out, _ = run(capsys, "checks", _write(basic(Bids=bids)), "--strict")
    assert (code, out.strip()) == (0, "No open points in the record.")


def _write(data: bytes):  # type: ignore[no-untyped-def]
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "w.xlsx"
    path.write_bytes(data)
    return path


def test_documents_writes_the_decision_document_and_each_debrief(capsys, sample_path, tmp_path):
    from docx import Document

    code, out, err = run(capsys, "documents", sample_path, tmp_path / "docs", "--draws", "200",
                         "--name", "DOR-2026-114")
    assert code == 0, err
    # the sample's lot and bundle bids compete: without a stated award, no debrief
    assert out.strip() == f"Decision document and 0 debriefing letters written to {tmp_path / 'docs'}"
    assert "no debriefs" in err and "Edit an award by hand" in err
    names = sorted(p.name for p in (tmp_path / "docs").iterdir())
    assert names == ["decision-document.docx"]
    doc = Document(str(tmp_path / "docs" / "decision-document.docx"))
    assert any(p.text.startswith("Evaluation: DOR-2026-114.") for p in doc.paragraphs)


def test_scenarios_frontier_json_gives_each_point_s_award_and_figures(capsys, sample_path):
    code, out, err = run(capsys, "scenarios", sample_path, "--frontier", "--format", "json",
                         "--points", "4", "--quality-price", "50000")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["options"]["points"] == 4 and 2 <= len(doc["points"]) <= 4
    costs = [p["total_cost"] for p in doc["points"]]
    assert costs == sorted(costs) and all(p["awards"] for p in doc["points"])
    assert doc["value_for_money"]["name"] == "value for money"
    code, out, err = run(capsys, "scenarios", sample_path, "--frontier", "--points", "1")
    assert code == 1 and "--points" in err and "Traceback" not in err
    code, out, err = run(capsys, "scenarios", sample_path, "--budget", "5000000")
    assert code == 1 and "add --frontier" in err


def test_sensitivity_inside_published_ranges_and_weighting_by_settings(capsys, tmp_path):
    """Published ranges: the JSON says whether the winner holds everywhere inside them (the
    same answer as the app's); an AHP settings file weights the criteria from its judgements."""
    from tests.scoring.test_workbook import RANGED

    book = tmp_path / "ranged.xlsx"
    book.write_bytes(basic(Criteria=RANGED))
    code, out, err = run(capsys, "sensitivity", str(book), "--format", "json", "--draws", "2000",
                         "--method", "wsm", "--weights", "ranges")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["published_ranges"] == {"Technical": [40, 60], "Management": [10, 30], "Price": [30, 40]}
    (check,) = doc["inside_published_ranges"]
    assert check["exact"] and check["draws"] == 2000
    assert check["same_everywhere"] == (check["beaten_by"] is None)
    code, text, _ = run(capsys, "sensitivity", str(book), "--draws", "500", "--method", "wsm")
    assert code == 0 and "the same everywhere inside the published weight ranges" in text
    plain = tmp_path / "plain.xlsx"
    plain.write_bytes(basic())
    code, _, err = run(capsys, "sensitivity", str(plain), "--weights", "ranges", "--draws", "10")
    assert code == 1 and "published weight range" in err and "Traceback" not in err

    from scoring.evaluation import Evaluation
    from scoring.workbook import read_workbook

    bidset = read_workbook(plain.read_bytes()).bidset
    settings = Evaluation.of(bidset).to_dict()
    del settings["weights"]
    settings |= {"weighting": "ahp", "ahp": [
        {"a": "Technical", "b": "Management", "value": 3}, {"a": "Technical", "b": "Price", "value": 1},
        {"a": "Management", "b": "Price", "value": 1 / 3}]}
    path = tmp_path / "ahp.json"
    path.write_text(json.dumps(settings))
    code, out, err = run(capsys, "rank", str(plain), "--settings", str(path), "--format", "json")
    assert code == 0, err
    weights = json.loads(out)["weights"]
    assert weights["Technical"] == pytest.approx(weights["Price"]) == pytest.approx(3 / 7)
    settings["ahp"][0]["value"] = 2.5
    path.write_text(json.dumps(settings))
    code, _, err = run(capsys, "rank", str(plain), "--settings", str(path))
    assert code == 1 and "not on Saaty's scale" in err


def test_monitor_json_and_a_bad_performance_workbook(capsys, sample_path, tmp_path):
    from scoring.monitor import fee_at_risk
    from scoring.performance import read_performance
    from scoring.workbook import read_workbook

    perf = ROOT / "data" / "sample_performance.xlsx"
    code, out, err = run(capsys, "monitor", str(sample_path), str(perf), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    book = read_performance(perf.read_bytes(), read_workbook(sample_path.read_bytes()).bidset).book
    assert doc["credits_due"] == sum(m.credit for m in fee_at_risk(book))
    assert sum(m["capped"] for m in doc["fee_at_risk"]) == 2 and doc["month"] == "2026-12"
    assert all(0 <= m["credit"] <= m["at_risk"] for m in doc["fee_at_risk"])
    code, out, _ = run(capsys, "monitor", str(sample_path), str(perf), "--month", "2026-06")
    assert code == 0 and "review month 2026-06" in out and "(capped)" not in out  # July's is later
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(basic())  # a bid workbook is not a performance workbook
    code, _, err = run(capsys, "monitor", str(sample_path), str(bad))
    assert code == 2 and "no 'Actuals' sheet" in err and "Traceback" not in err
