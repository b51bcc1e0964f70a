"""Every surface agrees: random evaluations, read on the pages (AppTest), in the report, from the
command line on the reproduce download, and through a share link in a fresh Chromium context;
and a saved version's figures stay put while the panel scores on.
"""

from __future__ import annotations

import io
import json
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from scoring.model import lot_name
from scoring.scenarios import FIGURES, figure_label, format_figure
from scoring.store import Store
from tests.e2e.conftest import ROOT, shot, wait_idle
from tests.helpers import edit_rows, save_version

METHODS = {"wsm": "Weighted sum (WSM)", "wpm": "Weighted product (WPM)",
           "topsis": "TOPSIS (closeness to the ideal)", "vikor": "VIKOR (compromise ranking, v = 0.5)"}
CRITERIA = ("Technical approach", "Management approach", "Past performance", "Exit and portability")
COLUMNS = [*((figure_label(label, kind, "USD"), kind) for _, label, kind in FIGURES),
           ("Simulated cost, median (USD)", "money"), ("Simulated cost, P90 (USD)", "money")]


def labelled(widgets, label):  # type: ignore[no-untyped-def]
    return next(w for w in widgets if w.label == label)


def go(at: AppTest, page: str) -> None:
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception


def plain(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _digits(x: float | None) -> float | None:
    return None if x is None else float(f"{x:.16g}")


def _num(value: Any) -> float | None:
    return None if value is None or value != value else float(value)  # NaN: not ranked


# -- the pages, through AppTest -------------------------------------------------------------------

def page_figures(at: AppTest) -> dict[str, Any]:
    """Every figure the pages show for the evaluation in use."""
    go(at, "evaluate")
    keep = labelled(at.radio, "Lot").value
    ranking = {}
    for lot in at.session_state["workbook"].bidset.lots:
        labelled(at.radio, "Lot").set_value(lot).run()
        table = next(df.value for df in at.dataframe if "Rank" in df.value.columns)
        for row in table.itertuples(index=False):
            ranking[(lot_name(lot), row.Vendor)] = (_num(row.Rank), _num(row.Score), float(row.Price))
    labelled(at.radio, "Lot").set_value(keep).run()
    go(at, "scenarios")
    scenarios = next(t.value for t in at.table if "Figure" in t.value.columns).set_index("Figure")
    scenarios = {name: ({k: "not available" for k in column} if column.iloc[0] == "not available"
                        else column.to_dict()) for name, column in scenarios.items()}
    go(at, "robustness")
    text = plain(" ".join(m.value for m in at.markdown))
    win = re.search(r"\*\*(.+?)\*\* ranks first with the weights in use and in \*\*([\d.]+%)\*\*", text)
    robust_lot = labelled(at.radio, "Lot").value
    go(at, "compliance")
    awards = {}
    for m in [*at.success, *at.warning]:
        found = re.match(r"\*\*(.+?)\*\*: .*total award of ([\d,]+)", plain(m.value))
        if found:
            awards[found.group(1)] = found.group(2)
    return {"ranking": ranking, "scenarios": scenarios, "robust_lot": robust_lot,
            "win": (win.group(1), win.group(2)) if win else None, "awards": awards}


def randomise(at: AppTest, rng: random.Random) -> None:
    """A random evaluation: method, formula, weights, what-ifs, an edited award, robustness seed."""
    go(at, "evaluate")
    method = rng.choice(list(METHODS))
    labelled(at.selectbox, "Scoring method").select(method).run()
    if method in ("wsm", "wpm") and rng.random() < 0.6:
        labelled(at.selectbox, "Price formula").select("linear").run()
        at.number_input(key="ev_floor").set_value(float(rng.choice([500_000, 1_000_000]))).run()
        at.number_input(key="ev_ceiling").set_value(float(rng.choice([3_000_000, 7_000_000]))).run()
    points = {i: {"Points": round(rng.uniform(0.5, 40), rng.choice([0, 1, 2]))} for i in range(5)}
    edit_rows(at, "points", points)
    at.run()
    labelled(at.radio, "Lot").set_value(rng.choice(at.session_state["workbook"].bidset.lots)).run()
    go(at, "scenarios")
    at.number_input(key="ev_wi_contract_years").set_value(float(rng.randint(1, 20))).run()
    at.number_input(key="ev_wi_vendor_failure_prob").set_value(round(rng.uniform(0, 0.3), 3)).run()
    at.number_input(key="ev_wi_max_components_per_vendor").set_value(rng.choice([None, 2, 3])).run()
    bids = at.session_state["workbook"].bidset.bids
    component = rng.choice(["Infrastructure", "Application", "Analytics", "Security"])
    vendor = rng.choice([b.vendor for b in bids if b.lot == component])
    row = ["Infrastructure", "Application", "Analytics", "Security"].index(component)
    edit_rows(at, "award", {row: {"Vendor": vendor}})
    at.run()
    go(at, "robustness")
    at.number_input(key="ev_rob_seed").set_value(rng.randint(0, 999)).run()
    assert not at.exception


def panel_entries(db: Store, eid: int, rng: random.Random, who: str) -> None:
    bids = [("Cascade Cloud Services", "Infrastructure"), ("Summit Integrators", "Infrastructure"),
            ("Keystone Systems", "ALL"), ("Summit Integrators", "ALL"), ("Northwind Digital", "Application")]
    entries = [(v, lot, rng.choice(CRITERIA), float(rng.choice(range(0, 11))) / 2, f"{who} read the bid")
               for v, lot in rng.sample(bids, 3)]
    db.record_scores(eid, who, entries)


save = save_version


# -- the report and the command line -----------------------------------------------------------------

def report_figures(path: Path) -> dict[str, Any]:
    wb = load_workbook(path)
    rows = [list(r) for r in wb["Summary"].iter_rows(values_only=True)]
    top = next(i for i, r in enumerate(rows) if r[:3] == ["Lot", "Rank", "Vendor"])
    ranking = {}
    for r in rows[top + 1:]:
        if not r[0]:
            break
        ranking[(r[0], r[2])] = (_num(r[1]), _num(r[4]), float(r[3]))
    scen = [list(r) for r in wb["Scenarios"].iter_rows(values_only=True)]
    top = next(i for i, r in enumerate(scen) if r[0] == "Figure")
    names = [n for n in scen[top][1:] if n]
    kinds = dict(COLUMNS)
    scenarios: dict[str, dict[str, str]] = {}
    for r in scen[top + 1:]:
        if not r[0]:
            break
        scenarios[r[0]] = {name: value if isinstance(value, str) else format_figure(value, kinds[r[0]])
                           for name, value in zip(names, r[1:], strict=False)}
    acc = {(r[0], r[1]): r[2] for r in wb["Robustness"].iter_rows(values_only=True)
           if r[0] and r[1] and isinstance(r[2], float)}
    comp = [list(r) for r in wb["Compliance"].iter_rows(values_only=True)]
    gov_top = next(i for i, r in enumerate(comp) if r[0] == "Award")
    awards = {r[0]: r[1] for r in comp[gov_top + 1:] if r[0] and isinstance(r[1], (int, float))}
    return {"ranking": ranking, "scenarios": scenarios, "acceptability": acc, "awards": awards}


def cli(folder: Path, *command: str) -> dict[str, Any]:
    stem = next(folder.glob("*.json")).stem
    out = subprocess.run([sys.executable, "-m", "scoring", *command, str(folder / f"{stem}.xlsx"),
                          "--settings", str(folder / f"{stem}.json"), "--format", "json"],
                         capture_output=True, text=True, cwd=ROOT, check=True, timeout=180)
    return json.loads(out.stdout)


# -- the share link in Chromium --------------------------------------------------------------------

def browser_ranking(page, lots: list[str]) -> dict[tuple[str, str], tuple]:  # type: ignore[no-untyped-def]
    out = {}
    for label in lots:
        page.locator('[data-testid="stRadio"]').filter(has_text="Lot").get_by_text(
            label, exact=True).click()
        wait_idle(page)
        # the page has redrawn for this lot (not only gone idle: a rerun may start late)
        page.get_by_text(re.compile(rf"ranked (bid )?in {re.escape(label)}")).first.wait_for()
        wait_idle(page)
        grid = page.locator('[data-testid="stDataFrame"]').filter(has_text="Rank").last
        cells = grid.locator("table td, table th").all_inner_texts()
        width = 7  # Rank, Vendor, Price, Score, Eligible, Failed gates, Pareto front
        body = cells[width:]
        for i in range(0, len(body), width):
            rank, vendor, price, score = body[i:i + 4]
            out[(label, vendor)] = (float(rank) if rank else None,
                                    _digits(float(score)) if score else None, float(price))
    return out


@pytest.mark.parametrize("seed", [7, 42])
def test_pages_report_cli_and_share_link_agree(browser, servers, database_url, tmp_path,
                                               monkeypatch, seed):
    monkeypatch.setenv("SSW_DATABASE_URL", database_url)
    monkeypatch.setenv("SSW_PUBLIC_URL", servers[1].url)
    rng = random.Random(seed)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    labelled(at.text_input, "Your name").set_value("Chair Ann").run()
    randomise(at, rng)
    save(at, "random evaluation", name=f"Agreement {seed}")
    ref = at.session_state["saved_version"]
    db = Store(database_url)
    panel_entries(db, ref.evaluation_id, rng, "dana@agency.gov")
    panel_entries(db, ref.evaluation_id, rng, "eli@agency.gov")
    db.moderate(ref.evaluation_id, "Summit Integrators", "ALL", "Technical approach", 2.5,
                chair="Chair Ann", rationale="agreed at the consensus meeting")
    go(at, "evaluate")
    next(b for b in at.button if b.label == "Take in the latest panel entries").click().run()
    save(at, "panel entries in")  # version 2: the panel record frozen in it
    ref = at.session_state["saved_version"]
    assert ref.version.number == 2 and len(ref.version.evaluation.panel.scores) == 6
    shown = page_figures(at)

    panel_entries(db, ref.evaluation_id, rng, "fay@agency.gov")  # the panel scores on
    assert page_figures(at) == shown  # version 2's figures do not move

    # The share link, in a fresh browser context, on the other replica.
    go(at, "report")
    link = re.sub(r"\s+", "", next(c.value for c in at.code if "evaluation=" in c.value))
    assert link.startswith(servers[1].url)
    context = browser.new_context(viewport={"width": 1500, "height": 1600}, accept_downloads=True)
    page = context.new_page()
    page.goto(link)
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    lots = sorted({lot for lot, _ in shown["ranking"]}, key=list(dict.fromkeys(
        lot for lot, _ in shown["ranking"])).index)
    # The grid prints numbers to 16 significant digits: the same numbers, as displayed.
    assert browser_ranking(page, lots) == {k: tuple(_digits(x) for x in v)
                                           for k, v in shown["ranking"].items()}
    shot(page, f"agreement-{seed}-evaluate")

    page.locator('[data-testid="stSidebarNav"]').get_by_text("Scenarios", exact=True).click()
    wait_idle(page)
    cells = page.locator('[data-testid="stTable"] table').first.locator("th, td").all_inner_texts()
    header = list(shown["scenarios"])
    width = len(header) + 1
    table = {cells[i]: dict(zip(header, cells[i + 1:i + width], strict=True))
             for i in range(width, len(cells), width)}
    assert {k: table[k] for k in shown["scenarios"]["Monolithic"]} == {
        k: {s: shown["scenarios"][s][k] for s in header} for k in shown["scenarios"]["Monolithic"]}

    page.locator('[data-testid="stSidebarNav"]').get_by_text("Report & share", exact=True).click()
    wait_idle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the evaluation report (.xlsx)").click()
    report_path = tmp_path / f"report-{seed}.xlsx"
    info.value.save_as(report_path)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the snapshot and settings (.zip)").click()
    bundle = tmp_path / f"bundle-{seed}"
    with zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes())) as zf:
        zf.extractall(bundle)
    context.close()

    # The report the recipient downloaded.
    report = report_figures(report_path)
    # An .xlsx holds 16 significant digits (openpyxl writes %.16g; Excel keeps 15).
    assert report["ranking"] == {k: tuple(_digits(x) for x in v) for k, v in shown["ranking"].items()}
    for figure, by_scenario in report["scenarios"].items():
        assert by_scenario == {s: shown["scenarios"][s][figure] for s in by_scenario}, figure
    if shown["win"] is not None:
        key = (shown["robust_lot"], shown["win"][0])
        assert f"{report['acceptability'][key]:.1%}" == shown["win"][1]
    assert {a: f"{t:,.0f}" for a, t in report["awards"].items()} == shown["awards"]

    # The command line on the reproduce download.
    ranked = cli(bundle, "rank")
    assert {(lot_name(b["lot"]), b["vendor"]): (b["rank"], b["score"], b["price"])
            for b in ranked["bids"]} == shown["ranking"]
    scen = cli(bundle, "scenarios")
    for (key, _, kind), (column, _) in zip(FIGURES, COLUMNS, strict=False):
        got = {s["name"].capitalize(): "not available" if s[key] is None else format_figure(s[key], kind)
               for s in scen["scenarios"]}
        assert got == {s: shown["scenarios"][s][column] for s in got}, column
    for q, column in (("p50", "Simulated cost, median (USD)"), ("p90", "Simulated cost, P90 (USD)")):
        got = {s["name"].capitalize(): f"{s['cost_distribution'][q]:,.0f}" for s in scen["scenarios"]
               if s["cost_distribution"]}
        assert got == {s: shown["scenarios"][s][column] for s in got}, column
    if shown["win"] is not None:
        sens = cli(bundle, "sensitivity")
        assert f"{sens['acceptability'][shown['robust_lot']][shown['win'][0]][0]:.1%}" == shown["win"][1]
    gov = cli(bundle, "compliance")["governance"]
    assert {g["award"]: f"{g['total']:,.0f}" for g in gov} == shown["awards"]
