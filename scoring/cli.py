"""Command-line interface: ``python -m scoring SUBCOMMAND WORKBOOK [options]``.

Every command builds one Evaluation (the workbook's own settings, or a saved version's JSON
given with ``--settings``, with any option here replacing its part) and prints figures from
the same Results the app shows. Exit codes: 0 success; 1 bad options or anything else; 2 the
workbook is invalid (every problem on stderr, one a line, located as Excel shows it).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from scoring import __version__
from scoring.evaluation import (
    MAX_DRAWS,
    MAX_SEED,
    DrawModel,
    Evaluation,
    EvaluationError,
    RobustnessOptions,
    SimulationOptions,
    check,
)
from scoring.model import METHODS, PRICE_FORMULAS, BidSet, lot_name
from scoring.panel import CONSENSUS_METHODS
from scoring.workbook import read_workbook

EXIT_OK, EXIT_ERROR, EXIT_INVALID = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad options; the contract says 1 (2 means an invalid workbook)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code


def _shared() -> dict[str, argparse.ArgumentParser]:
    """Options shared by several commands, declared once."""
    scoring = argparse.ArgumentParser(add_help=False)
    scoring.add_argument("--settings", metavar="FILE.json",
                         help="a saved version's evaluation (the app's reproduce download); the "
                              "options below replace its parts")
    scoring.add_argument("--method", choices=METHODS, type=str.casefold,
                         help="scoring method (default: the settings, else the workbook's)")
    scoring.add_argument("--price-formula", choices=PRICE_FORMULAS, type=str.casefold,
                         help="price formula (default: the settings, else the workbook's)")
    scoring.add_argument("--price-floor", type=_finite_float, help="floor for the linear formula")
    scoring.add_argument("--price-ceiling", type=_finite_float,
                         help="ceiling for the linear formula")
    scoring.add_argument("--sla-gate", action="store_true",
                         help="bids whose SLA is not mission-grade fail a gate")
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("--format", choices=("table", "json", "csv"), default="table")
    robust = argparse.ArgumentParser(add_help=False)
    robust.add_argument("--draws", type=_draws,
                        help="weight vectors drawn for rank acceptability (default 10000)")
    robust.add_argument("--seed", type=_seed, help=f"random seed, 0 to {MAX_SEED:,} (default 0)")
    robust.add_argument("--weights", choices=tuple(DrawModel),
                        help="stated: Dirichlet around the weights in use (default); uniform: "
                             "no preference; ranges: uniform inside the criteria's published "
                             "weight ranges")
    robust.add_argument("--concentration", type=_positive_float,
                        help="Dirichlet concentration K for --weights stated (default 100)")
    return {"scoring": scoring, "output": output, "robustness": robust}


def _parser() -> _Parser:
    parser = _Parser(
        prog="python -m scoring",
        description="Source Selection Workbench: score vendor bids from a bid workbook.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    shared = _shared()
    scoring, output, robust = shared["scoring"], shared["output"], shared["robustness"]

    rank = sub.add_parser("rank", help="rank the bids of each lot", parents=[scoring, output])
    rank.add_argument("workbook", help="bid workbook (.xlsx)")

    scen = sub.add_parser("scenarios", help="compare monolithic, modular, optimized (and edited) "
                          "awards", parents=[scoring, output])
    scen.add_argument("workbook", help="bid workbook (.xlsx) with a Components sheet")
    scen.add_argument("--draws", type=_draws,
                      help="simulated contract terms for the cost distribution (default 100000)")
    scen.add_argument("--seed", type=_seed, help=f"random seed, 0 to {MAX_SEED:,} (default 0)")
    scen.add_argument("--frontier", action="store_true",
                      help="the best-value frontier instead: awards under the caps that no "
                           "other beats on both total cost and quality")
    scen.add_argument("--points", type=int, help="frontier points, 2 to 100 (default 20)")
    scen.add_argument("--budget", type=float, help="frontier: total cost at most")
    scen.add_argument("--min-vendors", type=int, help="frontier: at least this many vendors")
    scen.add_argument("--min-quality", type=float,
                      help="frontier: the minimum score (0-1) of each awarded bid")
    scen.add_argument("--quality-price", type=float,
                      help="frontier: the price of one quality point (0.01 of quality), for "
                           "the value-for-money award")

    sens = sub.add_parser("sensitivity", help="how robust the ranking is to the weights",
                          parents=[scoring, output, robust])
    sens.add_argument("workbook", help="bid workbook (.xlsx)")

    comp = sub.add_parser("compliance", help="SLA mission-grade matrix and the governance check",
                          parents=[scoring, output])
    comp.add_argument("workbook", help="bid workbook (.xlsx)")

    panel = sub.add_parser("panel", help="panel consensus, spreads and flags",
                           parents=[scoring, output])
    panel.add_argument("workbook", help="bid workbook (.xlsx); its Scores sheet, and the app's "
                       "panel entries when --settings names a saved version")
    panel.add_argument("--consensus", choices=CONSENSUS_METHODS,
                       help="how evaluators' scores combine (default: the settings, else median)")

    checks = sub.add_parser("checks", help="record checks: what the panel's written record still "
                            "lacks (rationales, findings, missing scores, decisive moderations...)",
                            parents=[scoring, output])
    checks.add_argument("workbook", help="bid workbook (.xlsx); its Scores and Findings sheets, and "
                        "the app's panel entries when --settings names a saved version")
    checks.add_argument("--strict", action="store_true",
                        help="exit with status 1 when any point is open (for a filing pipeline)")

    report = sub.add_parser("report", help="write the Excel evaluation report",
                            parents=[scoring, robust])
    report.add_argument("workbook", help="bid workbook (.xlsx)")
    report.add_argument("out", help="where to write the report (.xlsx)")

    documents = sub.add_parser("documents", help="write the decision document draft and a "
                               "debriefing letter per unsuccessful bid (Word)",
                               parents=[scoring, robust])
    documents.add_argument("workbook", help="bid workbook (.xlsx)")
    documents.add_argument("out", help="folder to write them to (created if missing)")
    documents.add_argument("--name", default="", help="the evaluation's name in the documents "
                           "(default: the workbook's file name)")

    template = sub.add_parser("template", help="write the bid-workbook template")
    template.add_argument("out", help="where to write the .xlsx")

    strat = sub.add_parser("strategy", help="before the bids: how to buy (delivery-model fit, "
                           "risk allocation, value for money) from the workbook's Strategy sheet",
                           parents=[output])
    strat.add_argument("workbook", help="bid workbook (.xlsx) with a Strategy sheet")
    strat.add_argument("--settings", metavar="FILE.json",
                       help="a saved version's evaluation: its strategy, as changed in the app")
    strat.add_argument("--model", help="the delivery model chosen (default: the assessment's, "
                       "else the best fit)")
    strat.add_argument("--template", metavar="OUT.xlsx", help="also write the bid-workbook "
                       "template for the model chosen (its criteria and SLA terms suggested, "
                       "the assessment in its Strategy sheet)")

    mon = sub.add_parser("monitor", help="after the award: the contract's KPIs, the fee at risk "
                         "and credits, trend flags and the registers, from a performance workbook",
                         parents=[output])
    mon.add_argument("workbook", help="the evaluation's bid workbook (.xlsx)")
    mon.add_argument("performance", help="the performance workbook (.xlsx)")
    mon.add_argument("--month", type=_month, help="the review month, YYYY-MM (default: the "
                     "last month reported)")

    verify = sub.add_parser("verify", help="check that saved evaluations' records are what the app "
                            "wrote (the audit log's hash chain and what it records)")
    verify.add_argument("--database", help="SQLAlchemy URL (default: SSW_DATABASE_URL, else the "
                        "app's SQLite file)")
    verify.add_argument("--evaluation", type=_positive_int, help="one evaluation (default: all)")
    verify.add_argument("--anchor", action="append", type=_anchor, default=[],
                        help="an anchor an earlier check printed (EVALUATION:ENTRIES:HASH), kept "
                        "outside the database: also finds entries removed from the end of that "
                        "evaluation's audit log, or the evaluation removed whole (repeatable)")

    setup = sub.add_parser("db-setup", help="as the database's owner: bring the schema up to date "
                           "and give the app's own login only the rights it needs (PostgreSQL)")
    setup.add_argument("--database", required=True, help="SQLAlchemy URL of the schema's owner")
    setup.add_argument("--app-role", help="the login the app connects as (created beforehand)")
    return parser


def _month(text: str) -> str:
    import re

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a month: write it as 2026-01")
    return text


def _finite_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError("must be a finite number")
    return value


def _positive_float(text: str) -> float:
    value = _finite_float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be above 0")
    return value


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None


def _positive_int(text: str) -> int:
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _draws(text: str) -> int:
    value = _positive_int(text)
    if value > MAX_DRAWS:
        raise argparse.ArgumentTypeError(f"at most {MAX_DRAWS:,} draws")
    return value


def _seed(text: str) -> int:
    value = _whole(text)
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"a seed is a whole number from 0 to {MAX_SEED:,}")
    return value


def _read(path: str) -> tuple[bytes, BidSet]:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise CliError(f"cannot open {path}: {exc.strerror or exc}") from exc
    result = read_workbook(data)
    if result.bidset is None:
        # one problem a line, whatever line breaks a sheet name or a cell may hold
        raise CliError("\n".join(" ".join(str(p).split("\n")) for p in result.problems),
                       EXIT_INVALID)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    return data, result.bidset


def _evaluation(args: argparse.Namespace, bidset: BidSet) -> Evaluation:
    """The evaluation the command runs: --settings (or the workbook's own), options over it."""
    ev = Evaluation.of(bidset)
    if getattr(args, "settings", None):
        try:
            with open(args.settings, encoding="utf-8") as fh:
                data = json.load(fh)
        except OSError as exc:
            raise CliError(f"cannot open {args.settings}: {exc.strerror or exc}") from exc
        except ValueError as exc:
            raise CliError(f"{args.settings} is not a settings file (JSON): {exc}") from exc
        try:
            ev = Evaluation.from_dict(data, workbook_sha256=bidset.sha256)
        except EvaluationError as exc:
            raise CliError(f"{args.settings}: {exc}") from exc
    changes = {name: getattr(args, name) for name in ("method", "price_formula", "price_floor",
                                                      "price_ceiling")
               if getattr(args, name, None) is not None}
    if getattr(args, "sla_gate", False):
        changes["sla_gate"] = True
    if changes:
        ev = ev.with_scoring(**changes)
    if args.command in ("sensitivity", "report"):
        r = ev.robustness
        ev = ev.replace(robustness=RobustnessOptions(
            draws=args.draws or r.draws, seed=r.seed if args.seed is None else args.seed,
            weights=args.weights or r.weights, concentration=args.concentration or r.concentration))
    if args.command == "scenarios":
        m = ev.simulation
        ev = ev.replace(simulation=SimulationOptions(
            draws=args.draws or m.draws, seed=m.seed if args.seed is None else args.seed))
        asked = {k: v for k, v in (("points", args.points), ("budget", args.budget),
                                   ("min_vendors", args.min_vendors),
                                   ("min_component_quality", args.min_quality),
                                   ("quality_price", args.quality_price)) if v is not None}
        if asked and not args.frontier:
            raise CliError("--points, --budget, --min-vendors, --min-quality and --quality-price "
                           "shape the frontier: add --frontier")
        if asked:
            from scoring.evaluation import _frontier_options

            try:
                ev = ev.replace(frontier=_frontier_options({**vars(ev.frontier), **asked}))
            except EvaluationError as exc:
                flag = str(exc).split(":")[0].replace("frontier.", "--").replace("_", "-")
                raise CliError(f"{flag.replace('--min-component-quality', '--min-quality')}: "
                               f"{str(exc).split(':', 1)[1].strip()}") from exc
    if getattr(args, "consensus", None):
        ev = ev.replace(consensus=args.consensus)
    try:
        return check(ev, bidset)
    except EvaluationError as exc:
        where = f"{args.settings}: " if getattr(args, "settings", None) else ""
        raise CliError(f"{where}{exc}") from exc


def _results(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from scoring.results import Results

    data, bidset = _read(args.workbook)
    return data, Results(bidset, _evaluation(args, bidset))


def _fmt_number(x: float | None, digits: int = 4) -> str:
    return "" if x is None else f"{x:.{digits}f}"


def _rank(args: argparse.Namespace) -> str:
    from scoring.mcda import ScoringError

    _, res = _results(args)
    try:
        ranking = res.ranking
    except ScoringError as exc:
        raise CliError(str(exc)) from exc
    bidset = res.bidset
    records = ranking.to_records()
    if args.format == "json":
        doc = {
            "method": ranking.method,
            "price_formula": ranking.price_formula,
            "workbook_sha256": ranking.sha256,
            "weights": dict(ranking.weights),
            "normalisation": dict(ranking.normalisation),
            "currency": bidset.settings.currency,
            "warnings": [text for _, text in ranking.warnings],
            "bids": records,
        }
        return json.dumps(doc, indent=2)
    if args.format == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["lot", "rank", "vendor", "price", "score", "eligible", "failed_gates"])
        for r in records:
            writer.writerow([_csv_safe(r["lot"]), "" if r["rank"] is None else r["rank"],
                             _csv_safe(r["vendor"]), r["price"],
                             "" if r["score"] is None else repr(r["score"]),
                             "yes" if r["eligible"] else "no",
                             _csv_safe("; ".join(r["failed_gates"]))])
        for _, text in ranking.warnings:  # CSV carries data only: warnings go to stderr
            print(f"warning: {text}", file=sys.stderr)
        return buf.getvalue().rstrip("\n")
    return _table(ranking, bidset)


def _csv_safe(text: str) -> str:
    """Neutralise cells a spreadsheet would run as a formula (= + - @, tab, CR)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _table(ranking, bidset: BidSet) -> str:  # type: ignore[no-untyped-def]
    lines = [ranking.describe(), "Advisory: the panel, not this tool, selects the winner.", ""]
    currency = bidset.settings.currency
    for lot in ranking.lots:
        title = f"Lot: {lot}" if lot not in ("", "ALL") else lot_name(lot)
        lines.append(title)
        lines.extend(f"Note: {text}" for text in ranking.warnings_for(lot))
        rows = [("Rank", "Vendor", f"Price ({currency})", "Score", "Eligible")]
        for b in ranking.in_lot(lot):
            rows.append((
                "-" if b.rank is None else str(b.rank),
                b.vendor,
                f"{b.price:,.0f}",
                _fmt_number(b.score),
                "yes" if b.eligible else "no: fails " + ", ".join(b.failed_gates),
            ))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for r in rows:
            lines.append("  " + "  ".join(
                cell.rjust(w) if i in (0, 2, 3) else cell.ljust(w)
                for i, (cell, w) in enumerate(zip(r, widths, strict=True))
            ).rstrip())
        lines.append("")
    if ranking.lower_is_better:
        lines.append("VIKOR score is Q: lower is better.")
    return "\n".join(lines).rstrip()


def _frontier(res, as_json: bool) -> str:  # type: ignore[no-untyped-def]
    """The best-value frontier as JSON: each point's award and figures (and the value-for-money
    award when a price of a quality point is given)."""
    from scoring.mcda import ScoringError

    try:
        found = res.frontier
    except ScoringError as exc:
        raise CliError(str(exc)) from exc
    if found.unavailable:
        raise CliError(found.unavailable)
    ev = res.evaluation
    if as_json:
        return json.dumps({"method": res.ranking.method, "workbook_sha256": res.bidset.sha256,
                           "currency": res.bidset.settings.currency, "what_ifs": dict(ev.what_ifs),
                           "options": vars(ev.frontier), **found.to_record()}, indent=2)
    currency = res.bidset.settings.currency
    lines = [f"Best-value frontier ({len(found.points)} awards; total cost in {currency}, "
             "quality = criticality-weighted score of the awarded bids):"]
    for p in (*found.points, *([found.value_for_money] if found.value_for_money else [])):
        awards = ", ".join(f"{a.component}: {a.vendor}" for a in p.awards)
        lines.append(f"{p.name}: total cost {p.figures.total_cost:,.0f}, quality "
                     f"{p.figures.score:.3f}, {p.figures.vendors} vendor(s) - {awards}")
    return "\n".join(lines)


def _scenarios(args: argparse.Namespace) -> str:
    from scoring.mcda import ScoringError
    from scoring.scenarios import FIGURES

    _, res = _results(args)
    if args.frontier:
        if args.format == "csv":
            raise CliError("--frontier prints a table or JSON (--format json), not CSV")
        return _frontier(res, args.format == "json")
    try:
        found = res.scenarios
    except ScoringError as exc:
        raise CliError(str(exc)) from exc
    if not found.scenarios:
        raise CliError(found.unavailable)
    bidset, dist = res.bidset, found.distributions or {}
    records = []
    for s in found.scenarios:
        record = s.to_record()
        record["cost_distribution"] = dist[s.name].to_record() if s.name in dist else None
        records.append(record)
    if args.format == "json":
        ev = res.evaluation
        return json.dumps({"method": res.ranking.method, "workbook_sha256": bidset.sha256,
                           "currency": bidset.settings.currency, "draws": ev.simulation.draws,
                           "seed": ev.simulation.seed, "what_ifs": dict(ev.what_ifs),
                           "scenarios": records}, indent=2)
    if args.format == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        keys = [k for k, _, _ in FIGURES]
        writer.writerow(["name", "available", *keys, "cost_p50", "cost_p90", "awards", "note"])
        for r in records:
            d = r["cost_distribution"] or {}
            awards = "; ".join(f"{a['component']}: {a['vendor']}" for a in r["awards"])
            writer.writerow([r["name"], "yes" if r["available"] else "no",
                             *("" if r[k] is None else repr(r[k]) for k in keys),
                             d.get("p50", ""), d.get("p90", ""), _csv_safe(awards),
                             _csv_safe(r.get("note", ""))])
        return buf.getvalue().rstrip("\n")
    return _scenario_table(records, bidset)


def _scenario_table(records: list[dict], bidset: BidSet) -> str:  # type: ignore[type-arg]
    from scoring.scenarios import FIGURES, figure_label, format_figure

    currency = bidset.settings.currency
    header = ["", *(r["name"] for r in records)]
    rows = [header]
    for key, label, kind in FIGURES:
        rows.append([figure_label(label, kind, currency),
                     *("-" if r[key] is None else format_figure(r[key], kind) for r in records)])
    for q in ("p50", "p90"):
        rows.append([f"Cost {q.upper()} ({currency})", *(
            f"{r['cost_distribution'][q]:,.0f}" if r["cost_distribution"] else "-" for r in records)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip()
             for row in rows]
    lines.append("")
    for r in records:
        if r["available"]:
            awards = ", ".join(f"{a['component']}: {a['vendor']}" for a in r["awards"])
            lines.append(f"{r['name']}: {awards}")
        else:
            lines.append(f"{r['name']}: not available. {r.get('note', '')}")
    return "\n".join(lines)


def _sensitivity(args: argparse.Namespace) -> str:
    from scoring.mcda import ScoringError

    _, res = _results(args)
    try:
        found = res.robustness()
    except ScoringError as exc:
        raise CliError(str(exc)) from exc
    models, r = found.models, res.evaluation.robustness
    doc = {
        "method": res.evaluation.scoring.method,
        "workbook_sha256": res.bidset.sha256,
        "draws": r.draws,
        "seed": r.seed,
        "weights": r.weights,
        "concentration": r.concentration,
        "stated_weights": dict(zip(models[0].criteria, map(float, models[0].stated), strict=True))
        if models else {},
        "acceptability": {a.lot: {v: [float(p) for p in a.matrix[i]]
                                  for i, v in enumerate(a.vendors)} for a in found.acceptability},
        "stability": {lot: {c: [float(lo), float(hi)] for c, (lo, hi) in rows.items()}
                      for lot, rows in found.stability.items()},
        "rank_reversal": [x.to_record() for x in found.reversals],
        # the chance of ranking first with the weights, the evaluators' scores, or both drawn
        "first_chance": [{"lot": lot, "vendor": v, "weights": w, "scores": sc, "both": both}
                         for lot, v, w, sc, both in found.first_chances()],
    }
    if found.ranges:  # the winner against the published weight ranges
        doc["published_ranges"] = {c.name: list(c.weight_range) for c in res.bidset.criteria
                                   if c.weight_range}
        doc["inside_published_ranges"] = [
            {"lot": x.lot, "winner": x.winner, "same_everywhere": x.holds,
             "exact": x.exact is not None, "share_first": x.share, "draws": x.draws,
             "beaten_by": None if x.counter is None else {"vendor": x.counter[0],
                                                          "at_weights": x.counter[1]}}
            for x in found.ranges]
    if args.format == "json":
        return json.dumps(doc, indent=2)
    if args.format == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["section", "lot", "subject", "rank", "probability", "low", "high"])
        for lot, vendors in doc["acceptability"].items():
            for vendor, probs in vendors.items():
                for k, p in enumerate(probs, start=1):
                    writer.writerow(["acceptability", _csv_safe(lot), _csv_safe(vendor), k, p, "", ""])
        for lot, rows in doc["stability"].items():
            for crit, (lo, hi) in rows.items():
                writer.writerow(["stability", _csv_safe(lot), _csv_safe(crit), "", "", lo, hi])
        for x in doc["first_chance"]:
            for kind in ("weights", "scores", "both"):
                if x[kind] is not None:
                    writer.writerow([f"first_chance_{kind}", _csv_safe(x["lot"]),
                                     _csv_safe(x["vendor"]), 1, x[kind], "", ""])
        for x in doc["rank_reversal"]:
            for a, b in x["swapped"]:
                writer.writerow(["rank_reversal", _csv_safe(x["lot"]),
                                 _csv_safe(f"without {x['removed']}: {b} now ahead of {a}"),
                                 "", "", "", ""])
        return buf.getvalue().rstrip("\n")
    return _sensitivity_table(doc)


def _sensitivity_table(doc: dict) -> str:  # type: ignore[type-arg]
    lines = [f"Method: {doc['method']}; {doc['draws']:,} weight draws ({doc['weights']}"
             + (f", concentration {doc['concentration']:g}" if doc["weights"] == "stated" else "")
             + f", seed {doc['seed']}); workbook SHA-256: {doc['workbook_sha256']}", ""]
    for lot, vendors in doc["acceptability"].items():
        title = f"Lot: {lot}" if lot not in ("", "ALL") else lot_name(lot)
        lines.append(f"{title}: probability of each rank")
        width = max(len(v) for v in vendors)
        ranks = len(next(iter(vendors.values())))
        lines.append("  " + "Vendor".ljust(width) + "".join(f"{'#' + str(k):>8}" for k in
                                                            range(1, ranks + 1)))
        for vendor, probs in vendors.items():
            lines.append("  " + vendor.ljust(width) + "".join(f"{p:>8.1%}" for p in probs))
        if lot in doc["stability"]:
            lines.append("  Weight range in which the current winner stays first:")
            stated = doc["stated_weights"]
            for crit, (lo, hi) in doc["stability"][lot].items():
                lines.append(f"    {crit}: {lo:.3f} to {hi:.3f} (stated {stated[crit]:.3f})")
        for x in doc.get("inside_published_ranges", ()):
            if x["lot"] == lot:
                how = "exact" if x["exact"] else f"in {x['share_first']:.1%} of {x['draws']:,} draws"
                lines.append(f"  The winner ({x['winner']}) is the same everywhere inside the "
                             f"published weight ranges: {'yes' if x['same_everywhere'] else 'no'}"
                             f" ({how})" + (f"; {x['beaten_by']['vendor']} beats it somewhere"
                                            if x["beaten_by"] else ""))
        swaps = [r for r in doc["rank_reversal"] if r["lot"] == lot and r["swapped"]]
        for r in swaps:
            pairs = "; ".join(f"{b} overtakes {a}" for a, b in r["swapped"])
            lines.append(f"  Rank reversal without {r['removed']}: {pairs}")
        drawn = [x for x in doc["first_chance"] if x["lot"] == lot and x["scores"] is not None]
        if drawn:
            width = max(len(x["vendor"]) for x in drawn)
            lines.append("  Chance of ranking first: weights / evaluators' scores / both drawn "
                         "(panels drawn again from the evaluators; gates as scored)")
            lines += [f"    {x['vendor'].ljust(width)}{x['weights']:>8.1%}{x['scores']:>8.1%}"
                      f"{x['both']:>8.1%}" for x in drawn]
        lines.append("")
    return "\n".join(lines).rstrip()


def _compliance(args: argparse.Namespace) -> str:
    from scoring.compliance import ELEMENTS
    from scoring.mcda import ScoringError

    _, res = _results(args)
    try:
        awards = res.awards
    except ScoringError as exc:
        raise CliError(str(exc)) from exc
    sla = [{"vendor": r.vendor, "lot": r.lot, "mission_grade": r.mission_grade,
            "elements": {key: {"value": value, "status": status} for key, value, status in r.cells}}
           for r in res.sla]
    governance = [{"award": a.award, "total": a.total, "threshold": a.check.threshold,
                   "mission_okrs": a.check.mission_okrs, "flagged": a.check.flagged,
                   "message": a.check.message} for a in awards]
    if args.format == "json":
        return json.dumps({"workbook_sha256": res.bidset.sha256,
                           "sla_gate": res.evaluation.scoring.sla_gate, "sla": sla,
                           "governance": governance}, indent=2)
    if args.format == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["vendor", "lot", "mission_grade", *(e.key for e in ELEMENTS)])
        for row in sla:
            writer.writerow([_csv_safe(row["vendor"]), _csv_safe(row["lot"]),
                             "yes" if row["mission_grade"] else "no",
                             *(row["elements"][e.key]["status"] for e in ELEMENTS)])
        return buf.getvalue().rstrip("\n")
    passing = sum(r["mission_grade"] for r in sla)
    lines = [f"{passing} of {len(sla)} bids offer a mission-grade SLA"
             + (" (required: a gate on every ranking)." if res.evaluation.scoring.sla_gate else "."), ""]
    for row in sla:
        missed = [e.label for e in ELEMENTS if row["elements"][e.key]["status"] != "pass"]
        lot = f" [{lot_name(row['lot'])}]" if row["lot"] else ""
        lines.append(f"{row['vendor']}{lot}: " + ("mission-grade" if not missed
                                                   else "misses " + ", ".join(missed)))
    lines.append("")
    for g in governance:
        lines.append(f"{g['award']}: {g['message']}" + (" (FLAGGED)" if g["flagged"] else ""))
    return "\n".join(lines)


def _panel(args: argparse.Namespace) -> str:
    _, res = _results(args)
    bidset = res.bidset
    if not res.cells:
        print("note: no panel scores (no Scores sheet, and no panel entries in the settings)",
              file=sys.stderr)
    cells = res.cells
    method = res.evaluation.consensus
    records = [c.to_record() for c in cells]
    if args.format == "json":
        return json.dumps({"consensus_method": method,
                           "spread_flag_pct": bidset.settings.spread_flag_pct,
                           "workbook_sha256": bidset.sha256, "consensus": records}, indent=2)
    evaluators = sorted({e for c in cells for e in c.scores}, key=str.casefold)
    if args.format == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["vendor", "lot", "criterion", "score", "range", "flagged", "moderated",
                         *(_csv_safe(e) for e in evaluators)])
        for c in cells:
            writer.writerow([_csv_safe(c.vendor), _csv_safe(c.lot), _csv_safe(c.criterion), c.score,
                             c.range, "yes" if c.flagged else "no", "yes" if c.moderated else "no",
                             *(c.scores.get(e, "") for e in evaluators)])
        return buf.getvalue().rstrip("\n")
    lines = [f"Consensus: {method}; spread flag at {bidset.settings.spread_flag_pct:g} % "
             "of the scale", ""]
    for c in cells:
        flag = "  FLAGGED" if c.flagged else ""
        given = ", ".join(f"{e} {v:g}" for e, v in c.scores.items())
        lot = f" [{c.lot}]" if c.lot else ""
        mod = f"; moderated: {c.rationale}" if c.moderated else ""
        lines.append(f"{c.vendor}{lot} / {c.criterion}: {c.score:g} (range {c.range:g}; {given}"
                     f"{mod}){flag}")
    flagged = sum(c.flagged for c in cells)
    lines += ["", f"{flagged} of {len(cells)} cells flagged for discussion."]
    return "\n".join(lines)


def _checks(args: argparse.Namespace) -> str | tuple[str, int]:
    from scoring.record import describe, evaluator_offsets, scale_ranges

    _, res = _results(args)
    found = res.record
    if args.format == "json":
        out = json.dumps({"workbook_sha256": res.workbook.sha256, "summary": describe(found),
                          "checks": [k.to_record() for k in found],
                          "evaluator_offsets": [
                              {"evaluator": o.evaluator, "cells": o.cells,
                               "mean_offset": o.mean_offset,
                               "z": None if o.z != o.z or abs(o.z) == float("inf") else o.z}
                              for o in evaluator_offsets(res.cells, scale_ranges(res.workbook))]},
                         indent=2)
    elif args.format == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["check", "vendor", "lot", "criterion", "where", "message", "fix"])
        for k in found:
            writer.writerow([_csv_safe(x) for x in (k.title, k.vendor, k.lot, k.criterion,
                                                    k.where, k.message, k.fix)])
        out = buf.getvalue().rstrip("\n")
    else:
        lines = [describe(found)]
        for k in found:
            where = f" [{k.where}]" if k.where else ""
            subject = f"{k.subject}: " if k.subject else ""
            lines += ["", f"{k.title}{where}", f"  {subject}{k.message}", f"  To do: {k.fix}"]
        out = "\n".join(lines)
    return (out, EXIT_ERROR) if args.strict and found else out


def _report(args: argparse.Namespace) -> str:
    from scoring.mcda import ScoringError
    from scoring.report import ReportContext, build_report

    data, res = _results(args)
    label = "from --settings " + os.path.basename(args.settings) if args.settings else "not saved"
    try:
        content = build_report(res, ReportContext(version_label=label, workbook_bytes=data,
                                                  audit=None if args.settings else ()))
    except ScoringError as exc:
        raise CliError(str(exc)) from exc
    try:
        with open(args.out, "wb") as fh:
            fh.write(content)
    except OSError as exc:
        raise CliError(f"cannot write {args.out}: {exc.strerror or exc}") from exc
    return f"Report written to {args.out}"


def _documents(args: argparse.Namespace) -> str:
    from pathlib import Path

    from scoring.documents import AWARD_NEEDED, DocumentContext, awarded, debriefs, decision_document
    from scoring.mcda import ScoringError

    _, res = _results(args)
    label = "from --settings " + os.path.basename(args.settings) if args.settings else "not saved"
    ctx = DocumentContext(args.name or Path(args.workbook).stem, label)
    out = Path(args.out)
    try:
        files = {"decision-document.docx": decision_document(res, ctx), **debriefs(res, ctx)}
        if awarded(res) is None:
            print(f"note: no debriefs: {AWARD_NEEDED} (On the command line: the evaluation "
                  "JSON's edited_award, through --settings.)", file=sys.stderr)
    except ScoringError as exc:
        raise CliError(str(exc)) from exc
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            (out / name).write_bytes(content)
    except OSError as exc:
        raise CliError(f"cannot write to {out}: {exc.strerror or exc}") from exc
    return (f"Decision document and {len(files) - 1} debriefing letter"
            f"{'' if len(files) == 2 else 's'} written to {out}")


def _template(args: argparse.Namespace) -> str:
    from scoring.template import write_template

    try:
        path = write_template(args.out)
    except OSError as exc:
        raise CliError(f"cannot write {args.out}: {exc.strerror or exc}") from exc
    return f"Template written to {path}"


def _anchor(text: str) -> Any:
    from scoring.ledger import Anchor

    try:
        return Anchor.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _verify(args: argparse.Namespace) -> str:
    from scoring.store import Store, StoreError

    anchors = {a.evaluation_id: a for a in args.anchor}
    try:
        store = Store(args.database or None, upgrade=False)
        if args.evaluation:
            verdicts = [store.verify(args.evaluation, anchors.pop(args.evaluation, None))]
            ids = [args.evaluation]
        else:
            verdicts = store.verify_all(anchors)
            ids = [v.evaluation_id for v in verdicts]
        verdicts += [store.verify(eid, a) for eid, a in anchors.items() if eid not in ids]
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    lines = [v.describe() for v in verdicts] or ["no saved evaluations"]
    if any(not v.intact for v in verdicts):
        raise CliError("\n".join(lines))
    return "\n".join(lines)


def _db_setup(args: argparse.Namespace) -> str:
    from scoring.store import Store, StoreError, grant_app_role, schema_revisions

    try:
        store = Store(args.database)  # migrates, as the owner
        done = [f"schema at revision {schema_revisions(store.engine)[0]}"]
        if args.app_role:
            grant_app_role(store.engine, args.app_role)
            done.append(f"{args.app_role} may read and append to the record, and change members "
                        "and panel switches; it may not alter, update or delete the record")
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    return "; ".join(done)


def _strategy(args: argparse.Namespace) -> str:
    """The Strategy page's figures: the models ranked, the allocation and value for money."""
    from scoring.strategy import PROFILES, QUESTIONS, model_named, stability_sentence, summary

    _, bidset = _read(args.workbook)
    assessment = _evaluation(args, bidset).assessment(bidset)
    if assessment is None:
        raise CliError(f"{args.workbook} has no Strategy sheet, and the settings change no "
                       "delivery strategy: add the sheet (see the template) and run again",
                       EXIT_INVALID)
    if args.model:
        model = model_named(args.model)
        if model is None:
            raise CliError(f"--model: '{args.model}' is not a delivery model; choose one of "
                           + ", ".join(PROFILES), EXIT_INVALID)
        assessment = assessment.replace(model=model)
    found = summary(assessment)
    currency = bidset.settings.currency
    if args.template:
        from scoring.template import template_bytes

        try:
            with open(args.template, "wb") as fh:
                fh.write(template_bytes(assessment))
        except OSError as exc:
            raise CliError(f"cannot write {args.template}: {exc.strerror or exc}") from exc
        print(f"Template for {found.model.lower()} written to {args.template}", file=sys.stderr)
    doc = {
        "workbook_sha256": bidset.sha256, "model": found.model, "years": assessment.years,
        "answers": assessment.answer_map, "weights": assessment.weight_map,
        "ranking": [{"rank": f.rank, "model": f.model, "fit": f.score,
                     "first_share": f.first_share, "fits": f.fits} for f in found.ranking],
        "stability": [{"question": s.question, "answer": s.answer, "low": s.low, "high": s.high,
                       "below": s.below, "above": s.above} for s in found.stability],
        "allocation": [{"risk": a.risk, "owner": a.owner, "usual": a.usual, "flag": a.flag}
                       for a in found.allocation],
        "value_for_money": {"traditional": found.traditional, "model": found.partnership,
                            "model_cheaper_share": found.cheaper, "draws": assessment.draws,
                            "seed": assessment.seed, "risk_premium": assessment.risk_premium},
    }
    if args.format == "json":
        return json.dumps(doc, indent=2)
    if args.format == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["rank", "model", "fit", "first_share", *(q for q, _ in QUESTIONS)])
        for f in found.ranking:
            writer.writerow([f.rank, f.model, f"{f.score:.4f}", f"{f.first_share:.4f}",
                             *(f"{f.fits[q]:.4f}" for q, _ in QUESTIONS)])
        return buf.getvalue().rstrip("\n")
    from scoring.report import strategy_line

    lines = ["Delivery-model fit (weighted sum of each model's fit, 0-5; first: share of weight "
             "draws ranking it first):"]
    for r in found.fit_rows():
        lines.append(f"  {r['Rank']}. {r['Model']:<20} {r['Fit (0-5)']:5.2f}  "
                     f"first {r['First in weight draws']:3d}%  fits on {r['Fits on']}"
                     + (f"; less on {r['Fits less on']}" if r["Fits less on"] else ""))
    lines += ["", stability_sentence(found), "", f"Chosen: {strategy_line(found)}", "",
              f"Risk allocation under {found.model.lower()}:"]
    for a in found.allocation:
        lines.append((f"  {a.risk:<24} {a.owner:<8}" + (f" RECONSIDER: {a.flag}" if a.flag else "")).rstrip())
    lines += ["", f"Value for money over {assessment.years} years ({currency}):"]
    for name, x in found.options:
        lines.append(f"  {name:<22} mean {x['mean']:>14,.0f}  P50 {x['p50']:>14,.0f}  "
                     f"P90 {x['p90']:>14,.0f}")
    lines.append("  " + found.verdict(currency))
    return "\n".join(lines)


def _monitor(args: argparse.Namespace) -> str:
    """The Monitor page's figures for a performance workbook, as a table, JSON or CSV."""
    from scoring.monitor import debt_by_deferral, fee_at_risk, stale_risks, trends
    from scoring.performance import read_performance

    _, bidset = _read(args.workbook)
    try:
        with open(args.performance, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise CliError(f"cannot open {args.performance}: {exc.strerror or exc}") from exc
    found = read_performance(data, bidset)
    if found.book is None:
        raise CliError("\n".join(" ".join(str(p).split("\n")) for p in found.problems),
                       EXIT_INVALID)
    month = args.month or (found.book.months[-1] if found.book.months else "")
    book = found.book.through(month) if month else found.book  # as it stood at the month's end
    credits = fee_at_risk(book)
    series = trends(book)
    doc = {
        "performance_sha256": book.sha256, "workbook_sha256": bidset.sha256, "month": month,
        "kpis": [{"kpi": k.name, "vendor": k.vendor, "component": k.component,
                  "target": k.target, "direction": k.direction, "unit": k.unit,
                  "weight_pct": k.weight_pct, "critical": k.critical, "source": k.source}
                 for k in book.kpis],
        "fee_at_risk": [{"month": m.month, "vendor": m.vendor, "component": m.component,
                         "invoice": m.invoice, "fee_at_risk_pct": m.fee_at_risk_pct,
                         "at_risk": m.at_risk, "credit": m.credit, "capped": m.capped,
                         "misses": [{"kpi": x.kpi, "component": x.component, "value": x.value,
                                     "target": x.target, "allocation_pct": x.allocation_pct,
                                     "repeat": x.repeat, "credit": x.credit} for x in m.misses],
                         "unreported": list(m.unreported)} for m in credits],
        "credits_due": sum(m.credit for m in credits),  # to the review month
        "flags": [{"kpi": s.kpi.name, "vendor": s.kpi.vendor, "component": s.kpi.component,
                   "kind": f.kind, "month": f.month, "text": f.text}
                  for s in series for f in s.flags],
        "stale_risks": [r.risk for r in stale_risks(book, month)] if month else [],
        "tech_debt": [{"item": d.item, "system": d.system, "cost_of_deferral": d.cost_of_deferral,
                       "remediation_cost": d.remediation_cost} for d in debt_by_deferral(book)],
    }
    if args.format == "json":
        return json.dumps(doc, indent=2)
    if args.format == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["month", "vendor", "component", "invoice", "at_risk", "credit", "capped",
                         "missed"])
        for m in doc["fee_at_risk"]:
            writer.writerow([m["month"], _csv_safe(m["vendor"]), _csv_safe(m["component"]),
                             m["invoice"], m["at_risk"], m["credit"], "yes" if m["capped"] else "no",
                             _csv_safe("; ".join(x["kpi"] for x in m["misses"]))])
        return buf.getvalue().rstrip("\n")
    lines = [f"Performance workbook {book.sha256[:16]}… for workbook {bidset.sha256[:16]}…; "
             f"{len(book.months)} months, review month {month}", "",
             f"Credits due to date: {doc['credits_due']:,.2f} {book.currency}"]
    for m in credits:
        if m.misses:
            lines.append(f"  {m.month} {m.vendor}{f' ({m.component})' if m.component else ''}: "
                         f"{m.credit:,.2f} of {m.at_risk:,.2f} at risk"
                         + (" (capped)" if m.capped else "") + " — "
                         + ", ".join(f"{x.kpi} {x.value:g}" for x in m.misses))
    lines += ["", "Flags:"] + [f"  {f['month']} {f['vendor']} {f['kpi']}: {f['text']}"
                               for f in doc["flags"] if f["kind"] != "breach"]
    if doc["stale_risks"]:
        lines += ["", f"Stale risks (not updated within {book.review_days} days of {month}'s end): "
                  + "; ".join(doc["stale_risks"])]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {"rank": _rank, "scenarios": _scenarios, "sensitivity": _sensitivity,
                "compliance": _compliance, "panel": _panel, "checks": _checks, "report": _report,
                "documents": _documents, "monitor": _monitor, "strategy": _strategy,
                "template": _template, "verify": _verify, "db-setup": _db_setup}
    code = EXIT_OK
    try:
        out = handlers[args.command](args)
        if isinstance(out, tuple):  # (what to print, exit status)
            out, code = out
    except CliError as exc:
        print(str(exc), file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return EXIT_ERROR
    except Exception as exc:  # never a traceback for the user
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        print(out)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return code
