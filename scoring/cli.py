"""Command-line interface: ``python -m scoring SUBCOMMAND WORKBOOK [options]`` (DESIGN §5).

Exit codes: 0 success; 1 bad options or anything else; 2 the workbook is invalid
(every problem on stderr, one a line, located as Excel shows it).
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
from dataclasses import replace
from typing import NoReturn

from scoring import __version__
from scoring.model import METHODS, PRICE_FORMULAS, BidSet, lot_name
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


def _parser() -> _Parser:
    parser = _Parser(
        prog="python -m scoring",
        description="Source Selection Workbench: score vendor bids from a bid workbook.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    rank = sub.add_parser("rank", help="rank the bids of each lot")
    rank.add_argument("workbook", help="bid workbook (.xlsx)")
    rank.add_argument("--method", choices=METHODS, type=str.casefold,
                      help="default: the workbook's Settings")
    rank.add_argument("--price-formula", choices=PRICE_FORMULAS, type=str.casefold,
                      help="default: the workbook's Settings")
    rank.add_argument("--price-floor", type=_finite_float,
                      help="floor for the linear price formula")
    rank.add_argument("--price-ceiling", type=_finite_float,
                      help="ceiling for the linear price formula")
    rank.add_argument("--sla-gate", action="store_true",
                      help="bids whose SLA is not mission-grade fail a gate (DESIGN §6)")
    rank.add_argument("--settings", metavar="FILE.json",
                      help="settings of a saved version (method, weights, ...); options override it")
    rank.add_argument("--format", choices=("table", "json", "csv"), default="table")

    scen = sub.add_parser("scenarios", help="compare monolithic, modular and optimized awards")
    scen.add_argument("workbook", help="bid workbook (.xlsx) with a Components sheet")
    scen.add_argument("--method", choices=METHODS, type=str.casefold,
                      help="method for the bids' scores (default: the workbook's Settings)")
    scen.add_argument("--draws", type=_positive_int, default=100_000,
                      help="simulated contract terms for the cost distribution (default 100000)")
    scen.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    scen.add_argument("--sla-gate", action="store_true",
                      help="bids whose SLA is not mission-grade fail a gate (DESIGN §6)")
    scen.add_argument("--settings", metavar="FILE.json", help="settings of a saved version")
    scen.add_argument("--format", choices=("table", "json", "csv"), default="table")

    sens = sub.add_parser("sensitivity", help="how robust the ranking is to the weights")
    sens.add_argument("workbook", help="bid workbook (.xlsx)")
    sens.add_argument("--method", choices=METHODS, type=str.casefold,
                      help="default: the workbook's Settings")
    sens.add_argument("--price-formula", choices=PRICE_FORMULAS, type=str.casefold,
                      help="default: the workbook's Settings")
    sens.add_argument("--draws", type=_positive_int, default=10_000,
                      help="weight vectors drawn for rank acceptability (default 10000)")
    sens.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    sens.add_argument("--weights", choices=("stated", "uniform"), default="stated",
                      help="stated: Dirichlet around the stated weights; uniform: no preference")
    sens.add_argument("--concentration", type=_positive_float, default=100.0,
                      help="Dirichlet concentration K for --weights stated (default 100)")
    sens.add_argument("--sla-gate", action="store_true",
                      help="bids whose SLA is not mission-grade fail a gate (DESIGN §6)")
    sens.add_argument("--settings", metavar="FILE.json", help="settings of a saved version")
    sens.add_argument("--format", choices=("table", "json", "csv"), default="table")

    panel = sub.add_parser("panel", help="panel consensus, spreads and flags (Scores sheet)")
    panel.add_argument("workbook", help="bid workbook (.xlsx) with a Scores sheet")
    panel.add_argument("--consensus", choices=("median", "mean"), default="median",
                       help="how evaluators' scores combine (default median)")
    panel.add_argument("--format", choices=("table", "json", "csv"), default="table")

    report = sub.add_parser("report", help="write the Excel evaluation report")
    report.add_argument("workbook", help="bid workbook (.xlsx)")
    report.add_argument("out", help="where to write the report (.xlsx)")
    report.add_argument("--method", choices=METHODS, type=str.casefold)
    report.add_argument("--price-formula", choices=PRICE_FORMULAS, type=str.casefold)
    report.add_argument("--sla-gate", action="store_true")
    report.add_argument("--settings", metavar="FILE.json", help="settings of a saved version")
    report.add_argument("--draws", type=_positive_int, default=10_000)
    report.add_argument("--seed", type=int, default=0)

    template = sub.add_parser("template", help="write the blank bid-workbook template")
    template.add_argument("out", help="where to write the .xlsx")
    return parser


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


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _load(path: str) -> BidSet:
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
    return result.bidset


def _scoring_options(args: argparse.Namespace) -> dict:  # type: ignore[type-arg]
    """Method, price formula, weights and bounds: command-line options over --settings."""
    saved: dict = {}  # type: ignore[type-arg]
    if getattr(args, "settings", None):
        try:
            with open(args.settings, encoding="utf-8") as fh:
                saved = json.load(fh)
        except OSError as exc:
            raise CliError(f"cannot open {args.settings}: {exc.strerror or exc}") from exc
        except ValueError as exc:
            raise CliError(f"{args.settings} is not a settings file (JSON): {exc}") from exc
        if not isinstance(saved, dict):
            raise CliError(f"{args.settings} is not a settings file: expected a JSON object")
    def pick(name: str, key: str) -> object:
        given = getattr(args, name, None)
        return given if given is not None else saved.get(key)
    return {
        "method": pick("method", "method"),
        "price_formula": pick("price_formula", "price_formula"),
        "weights": saved.get("weights"),
        "price_floor": pick("price_floor", "price_floor"),
        "price_ceiling": pick("price_ceiling", "price_ceiling"),
        "sla_gate": bool(getattr(args, "sla_gate", False) or saved.get("sla_gate", False)),
        "scenario": saved.get("scenario") or {},
    }


def _fmt_number(x: float | None, digits: int = 4) -> str:
    return "" if x is None else f"{x:.{digits}f}"


def _rank(args: argparse.Namespace) -> str:
    from scoring.mcda import ScoringError, rank

    bidset = _load(args.workbook)
    options = _scoring_options(args)
    options.pop("scenario")
    try:
        ranking = rank(bidset, **options)
    except ScoringError as exc:
        raise CliError(str(exc)) from exc
    records = ranking.to_records()
    if args.format == "json":
        doc = {
            "method": ranking.method,
            "price_formula": ranking.price_formula,
            "workbook_sha256": ranking.sha256,
            "weights": dict(ranking.weights),
            "normalisation": dict(ranking.normalisation),
            "currency": bidset.settings.currency,
            "bids": records,
        }
        return json.dumps(doc, indent=2)
    if args.format == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["lot", "rank", "vendor", "price", "score", "eligible", "failed_gates"])
        for r in records:
            writer.writerow([r["lot"], "" if r["rank"] is None else r["rank"],
                             _csv_safe(r["vendor"]), r["price"],
                             "" if r["score"] is None else repr(r["score"]),
                             "yes" if r["eligible"] else "no",
                             _csv_safe("; ".join(r["failed_gates"]))])
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


def _scenarios(args: argparse.Namespace) -> str:
    from scoring.mcda import ScoringError, rank
    from scoring.scenarios import FIGURES, Context, ScenarioError, compare, simulate

    bidset = _load(args.workbook)
    options = _scoring_options(args)
    what_if = options.pop("scenario")
    try:
        if what_if:
            bidset = replace(bidset, settings=replace(bidset.settings, **what_if))
        ranking = rank(bidset, **options)
        scenarios = compare(bidset, ranking)
        dist = simulate(Context(bidset, ranking), scenarios, draws=args.draws, seed=args.seed)
    except TypeError as exc:
        raise CliError(f"{args.settings}: unknown scenario setting ({exc})") from exc
    except (ScoringError, ScenarioError) as exc:
        raise CliError(str(exc)) from exc
    records = []
    for s in scenarios:
        record = s.to_record()
        record["cost_distribution"] = dist[s.name].to_record() if s.name in dist else None
        records.append(record)
    if args.format == "json":
        return json.dumps({"method": ranking.method, "workbook_sha256": bidset.sha256,
                           "currency": bidset.settings.currency, "draws": args.draws,
                           "seed": args.seed, "scenarios": records}, indent=2)
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
    from scoring.sensitivity import acceptability, lot_models, rank_reversal, stability_table

    bidset = _load(args.workbook)
    options = _scoring_options(args)
    options.pop("scenario")
    try:
        models = lot_models(bidset, **options)
        acc = acceptability(models, draws=args.draws, seed=args.seed, mode=args.weights,
                            concentration=args.concentration)
        stab = stability_table(models)
        reversals = rank_reversal(bidset, **options)
    except ScoringError as exc:
        raise CliError(str(exc)) from exc
    method = models[0].method if models else (options["method"] or bidset.settings.method)
    doc = {
        "method": method,
        "workbook_sha256": bidset.sha256,
        "draws": args.draws,
        "seed": args.seed,
        "weights": args.weights,
        "concentration": args.concentration,
        "stated_weights": dict(zip(models[0].criteria, map(float, models[0].stated), strict=True))
        if models else {},
        "acceptability": {a.lot: {v: [float(p) for p in a.matrix[i]]
                                  for i, v in enumerate(a.vendors)} for a in acc},
        "stability": {lot: {c: [float(lo), float(hi)] for c, (lo, hi) in rows.items()}
                      for lot, rows in stab.items()},
        "rank_reversal": [r.to_record() for r in reversals],
    }
    if args.format == "json":
        return json.dumps(doc, indent=2)
    if args.format == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["section", "lot", "subject", "rank", "probability", "low", "high"])
        for lot, vendors in doc["acceptability"].items():
            for vendor, probs in vendors.items():
                for k, p in enumerate(probs, start=1):
                    writer.writerow(["acceptability", lot, _csv_safe(vendor), k, p, "", ""])
        for lot, rows in doc["stability"].items():
            for crit, (lo, hi) in rows.items():
                writer.writerow(["stability", lot, _csv_safe(crit), "", "", lo, hi])
        for r in doc["rank_reversal"]:
            for a, b in r["swapped"]:
                writer.writerow(["rank_reversal", r["lot"],
                                 _csv_safe(f"without {r['removed']}: {b} now ahead of {a}"),
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
        swaps = [r for r in doc["rank_reversal"] if r["lot"] == lot and r["swapped"]]
        for r in swaps:
            pairs = "; ".join(f"{b} overtakes {a}" for a, b in r["swapped"])
            lines.append(f"  Rank reversal without {r['removed']}: {pairs}")
        lines.append("")
    return "\n".join(lines).rstrip()


def _panel(args: argparse.Namespace) -> str:
    from scoring.panel import consensus

    bidset = _load(args.workbook)
    if not bidset.panel_scores:
        print("note: the workbook has no Scores sheet (or it is empty): no panel scores",
              file=sys.stderr)
    cells = consensus(bidset, bidset.panel_scores, method=args.consensus)
    records = [c.to_record() for c in cells]
    if args.format == "json":
        return json.dumps({"consensus_method": args.consensus,
                           "spread_flag_pct": bidset.settings.spread_flag_pct,
                           "workbook_sha256": bidset.sha256, "consensus": records}, indent=2)
    evaluators = sorted({e for c in cells for e in c.scores}, key=str.casefold)
    if args.format == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["vendor", "lot", "criterion", "score", "range", "flagged", "moderated",
                         *evaluators])
        for c in cells:
            writer.writerow([_csv_safe(c.vendor), c.lot, _csv_safe(c.criterion), c.score, c.range,
                             "yes" if c.flagged else "no", "yes" if c.moderated else "no",
                             *(c.scores.get(e, "") for e in evaluators)])
        return buf.getvalue().rstrip("\n")
    lines = [f"Consensus: {args.consensus}; spread flag at {bidset.settings.spread_flag_pct:g} % "
             "of the scale", ""]
    for c in cells:
        flag = "  FLAGGED" if c.flagged else ""
        given = ", ".join(f"{e} {v:g}" for e, v in c.scores.items())
        lot = f" [{c.lot}]" if c.lot else ""
        lines.append(f"{c.vendor}{lot} / {c.criterion}: {c.score:g} (range {c.range:g}; {given}){flag}")
    flagged = sum(c.flagged for c in cells)
    lines += ["", f"{flagged} of {len(cells)} cells flagged for discussion."]
    return "\n".join(lines)


def _report(args: argparse.Namespace) -> str:
    from scoring.mcda import ScoringError
    from scoring.report import ReportContext, build_report

    bidset = _load(args.workbook)
    options = _scoring_options(args)
    options.pop("scenario")
    with open(args.workbook, "rb") as fh:
        data = fh.read()
    try:
        content = build_report(bidset, ReportContext(**options, workbook_bytes=data,
                                                     draws=args.draws, seed=args.seed))
    except ScoringError as exc:
        raise CliError(str(exc)) from exc
    try:
        with open(args.out, "wb") as fh:
            fh.write(content)
    except OSError as exc:
        raise CliError(f"cannot write {args.out}: {exc.strerror or exc}") from exc
    return f"Report written to {args.out}"


def _template(args: argparse.Namespace) -> str:
    from scoring.template import write_template

    try:
        path = write_template(args.out)
    except OSError as exc:
        raise CliError(f"cannot write {args.out}: {exc.strerror or exc}") from exc
    return f"Template written to {path}"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {"rank": _rank, "scenarios": _scenarios, "sensitivity": _sensitivity,
                "panel": _panel, "report": _report, "template": _template}
    try:
        out = handlers[args.command](args)
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
    return EXIT_OK
