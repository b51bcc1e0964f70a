"""The optional Strategy sheet: a programme's delivery-strategy assessment, so that it travels
with the evaluation (read into ``BidSet.strategy``; the template and the sample write it).

One row per item, columns ``item, value, weight, owner, chance_pct, low, likely, high, note``:

- the seven questions (``capability_gap`` ... ``partnership_years``): ``value`` the answer,
  ``weight`` its relative points (blank: 1);
- ``delivery_model`` (blank: the best fit), ``traditional_cost``, ``partnership_cost``,
  ``competitive_neutrality``, ``risk_premium_pct``, ``draws``, ``seed``: ``value``;
- the risks, the standard ones by name and any of the programme's own (a row with an owner,
  a chance or a cost): ``owner`` public, private, shared or none (blank: the usual owner under the
  model), ``chance_pct`` a year, and its cost if it happens: ``low``, ``likely``, ``high``.
"""

from __future__ import annotations

from typing import Any

from scoring.model import header_key
from scoring.strategy import (
    MAX_DRAWS,
    MAX_PREMIUM,
    MAX_SEED,
    MAX_WEIGHT,
    NONE,
    OWNERS,
    PROFILES,
    QUESTIONS,
    RISK_NAMES,
    YEARS,
    Assessment,
    RiskLine,
    answer_bounds,
    as_percent,
    model_named,
)

SHEET = "Strategy"
HEADERS = ("item", "value", "weight", "owner", "chance_pct", "low", "likely", "high", "note")
SETTINGS = ("delivery_model", "traditional_cost", "partnership_cost", "competitive_neutrality",
            "risk_premium_pct", "draws", "seed")
_QUESTION = {header_key(q): q for q, _ in QUESTIONS}
_SETTING = {header_key(s): s for s in SETTINGS}
_RISK = {header_key(r): r for r in RISK_NAMES}
_RISK_COLUMNS = ("owner", "chance pct", "low", "likely", "high")
_USED = ("value", "weight", *_RISK_COLUMNS)


def read_strategy(reader: Any) -> Assessment | None:
    """The Strategy sheet of the workbook ``reader`` (scoring.workbook's) reads, or None when
    it has none, an empty one, or a sheet of that name that is not this one (no item and value
    columns: noted and left alone); problems go to the reader, located at the cell."""
    from scoring.workbook import HEADER_SCAN_ROWS, Location, norm_header

    found = reader.sheets.get("strategy")
    if found is None:
        return None
    if not any({"item", "value"} <= {norm_header(v) for v in row}
               for row in found.grid[:HEADER_SCAN_ROWS]):
        reader.note(Location(found.name), "this sheet has no item and value columns, so it was "
                    "not read as the delivery-strategy sheet (see the template); it was ignored")
        return None
    sheet = reader.sheet("strategy", ("item", "value"), optional=True)
    if sheet is None:
        return None
    rows = _Rows(reader, sheet)
    for row, values in sheet.rows():
        rows.read(row, values)
    return rows.assessment()


class _Rows:
    """The Strategy sheet read row by row: answers, weights, settings and risks."""

    def __init__(self, reader: Any, sheet: Any) -> None:
        self.reader, self.sheet = reader, sheet
        self.answers: dict[str, float] = {}
        self.weights: dict[str, float] = {}
        self.given: dict[str, Any] = {}
        self.risks: list[RiskLine] = []
        self.seen: dict[str, int] = {}
        self.unknown = False  # an item named wrongly: said once, no "missing" cascade after it
        self.refused = False
        self.last_row = sheet.header_row
        self.weight_rows: dict[str, int] = {}

    def problem(self, row: int, column: str, message: str, fix: str) -> None:
        self.reader.problem(self.sheet.loc(row, column), message, fix)
        self.refused = True

    def number(self, row: int, values: list[Any], column: str, **kw: Any) -> float | None:
        before = len(self.reader.problems)
        value = self.reader.number(self.sheet, row, values, column, **kw)
        if len(self.reader.problems) > before:
            self.refused = True
        return value

    def read(self, row: int, values: list[Any]) -> None:
        from scoring.workbook import cell_text, is_blank, norm_header

        sheet = self.sheet
        self.last_row = row
        text = cell_text(sheet.get(values, "item"))
        key = norm_header(text)
        if not key:
            if all(is_blank(sheet.get(values, c)) for c in _USED):
                return  # a note alone: ignored
            self.problem(row, "item", "this row has no item",
                         "Name the question, setting or risk, or clear the row")
            return
        if key in self.seen:
            self.problem(row, "item", f"'{text}' is given twice (first on row {self.seen[key]})",
                         "Keep one row for it")
            return
        self.seen[key] = row
        if key in _QUESTION:
            self.question(row, values, _QUESTION[key])
        elif key in _SETTING:
            self.setting(row, values, _SETTING[key])
        elif key in _RISK or any(not is_blank(sheet.get(values, c)) for c in _RISK_COLUMNS):
            self.risk(row, values, _RISK.get(key, text))
        else:
            from scoring.workbook import closest

            known = [q for q, _ in QUESTIONS] + list(SETTINGS) + list(RISK_NAMES)
            guess = closest(text, known)
            self.unknown = True
            self.problem(row, "item", f"'{text}' is not a question, setting or standard risk of "
                         "the Strategy sheet" + (f"; did you mean '{guess}'?" if guess else ""),
                         "Correct the name (the questions are " + ", ".join(
                             q for q, _ in QUESTIONS) + "); a risk of the programme's own needs "
                         "an owner, a chance or a cost")

    def question(self, row: int, values: list[Any], q: str) -> None:
        low, high = answer_bounds(q)
        a = self.number(row, values, "value", what=f"the answer to {q}", required=True,
                        minimum=low, maximum=high, fix=f"Answer from {low} to {high}")
        if a is not None and q == YEARS and not a.is_integer():
            self.problem(row, "value", f"the answer to {q} is {a:g}; it must be a whole number "
                         "of years", "Type a whole number of years")
        elif a is not None:
            self.answers[q] = a
        w = self.number(row, values, "weight", what=f"the weight of {q}", minimum=0,
                        maximum=MAX_WEIGHT, fix=f"Give the question relative points, 0 to "
                                                 f"{MAX_WEIGHT:,.0f}")
        if w is not None:
            self.weights[q] = w
            self.weight_rows[q] = row

    def setting(self, row: int, values: list[Any], name: str) -> None:
        from scoring.workbook import cell_text, closest, norm_header

        raw = self.sheet.get(values, "value")
        if name == "delivery_model":
            model = model_named(cell_text(raw))
            if model is None and norm_header(raw):
                guess = closest(cell_text(raw), list(PROFILES))
                self.problem(row, "value", f"'{cell_text(raw)}' is not a delivery model"
                             + (f"; did you mean '{guess}'?" if guess else ""),
                             f"Write one of: {', '.join(PROFILES)} (or leave it blank for the "
                             "best fit)")
            elif model:
                self.given[name] = model
            return
        whole = name in ("draws", "seed")
        low, high = {"risk_premium_pct": (0, 100 * MAX_PREMIUM), "draws": (1, MAX_DRAWS),
                     "seed": (0, MAX_SEED)}.get(name, (0, None))
        v = self.number(row, values, "value", what=name, minimum=low, maximum=high,
                        fix="Type a figure in range")
        if v is not None and whole and not v.is_integer():
            self.problem(row, "value", f"{name} is {v:g}; it must be a whole number",
                         "Type a whole number")
        elif v is not None:
            self.given[name] = int(v) if whole else v

    def risk(self, row: int, values: list[Any], name: str) -> None:
        from scoring.workbook import cell_text, is_blank, norm_header

        sheet = self.sheet
        owner = norm_header(sheet.get(values, "owner"))
        bad_owner = bool(owner) and owner not in (*OWNERS, NONE)
        if bad_owner:
            self.problem(row, "owner", f"'{cell_text(sheet.get(values, 'owner'))}' is not an "
                         "owner", "Write public, private, shared or none (blank: the usual owner "
                         "under the model)")
        chance = self.number(row, values, "chance pct", what=f"the chance of {name}", minimum=0,
                             maximum=100, fix="Give the chance a year, 0 to 100")
        costed = any(not is_blank(sheet.get(values, c)) for c in ("low", "likely", "high"))
        costs = [self.number(row, values, c, what=f"the {c} cost of {name}", minimum=0,
                             required=costed, fix="Type the cost if it happens, 0 or more (all "
                                                  "three, or none)")
                 for c in ("low", "likely", "high")]
        if bad_owner or None in costs and costed:
            return
        low, likely, high = (c or 0.0 for c in costs)
        if not low <= likely <= high:
            self.problem(row, "likely", f"{name}: the costs are low {low:,.0f}, likely "
                         f"{likely:,.0f}, high {high:,.0f}", "Order them: low ≤ likely ≤ high")
            return
        self.risks.append(RiskLine(name, owner, (chance or 0.0) / 100.0, low, likely, high))

    def assessment(self) -> Assessment | None:
        from scoring.model import header_key

        if not self.seen:
            return None
        missing = [q for q, _ in QUESTIONS if q not in self.answers and header_key(q) not in
                   self.seen]
        if missing and not self.unknown:
            self.problem(self.last_row + 1, "item", f"the Strategy sheet has no answer to "
                         f"{missing[0]}" + (f" (nor {len(missing) - 1} other questions)"
                                           if len(missing) > 1 else ""),
                         "Add a row for each question (see the template), or clear the sheet")
        if self.refused or missing:
            return None
        weights = {q: self.weights.get(q, 1.0) for q, _ in QUESTIONS}
        if sum(weights.values()) <= 0:
            q = QUESTIONS[0][0]
            self.problem(self.weight_rows.get(q, self.seen[header_key(q)]), "weight",
                         "every question weighs 0", "Give at least one question a weight above 0")
            return None
        g = self.given
        out = Assessment(
            answers=tuple((q, self.answers[q]) for q, _ in QUESTIONS),
            weights=tuple((q, self.weights[q]) for q, _ in QUESTIONS if q in self.weights),
            model=g.get("delivery_model", ""), risks=tuple(self.risks),
            traditional_cost=float(g.get("traditional_cost", 0.0)),
            partnership_cost=float(g.get("partnership_cost", 0.0)),
            neutrality=float(g.get("competitive_neutrality", 0.0)),
            risk_premium=float(g.get("risk_premium_pct", 20.0)) / 100.0,
            draws=int(g.get("draws", 20_000)), seed=int(g.get("seed", 0)))
        if problems := out.problems():  # a rule the rows above did not check: still located
            self.problem(self.sheet.header_row, "item", problems[0], "Correct the sheet")
            return None
        return out


def strategy_rows(a: Assessment) -> list[tuple[Any, ...]]:
    """The Strategy sheet's rows for ``a`` (what ``read_strategy`` reads back)."""
    weights = dict(a.weights)
    rows: list[tuple[Any, ...]] = [(q, a.answer_map[q], weights.get(q), None, None, None, None,
                                    None, label) for q, label in QUESTIONS]
    rows += [("delivery_model", a.model or None, None, None, None, None, None, None,
              "one of: " + ", ".join(PROFILES) + " (blank: the best fit)"),
             ("traditional_cost", a.traditional_cost, *[None] * 6,
              "the agency delivering itself over the term: raw cost and financing"),
             ("partnership_cost", a.partnership_cost, *[None] * 6,
              "the price of the delivery model over the term"),
             ("competitive_neutrality", a.neutrality, *[None] * 6,
              "what the agency's own delivery escapes (taxes, insurance), added to it"),
             ("risk_premium_pct", as_percent(a.risk_premium), *[None] * 6,
              "what a provider charges over the expected cost of the risk it takes on"),
             ("draws", a.draws, *[None] * 6, "Monte Carlo draws"),
             ("seed", a.seed, *[None] * 6, "the draws' seed")]
    rows += [(r.name, None, None, r.owner or None, as_percent(r.chance), r.low, r.likely,
              r.high, "owner: public, private, shared or none; blank: the usual owner")
             for r in a.risks]
    return rows
