"""The optional Strategy sheet: a programme's delivery-strategy assessment, so that it travels
with the evaluation (read into ``BidSet.strategy``; the template and the sample write it).

One row per item, columns ``item, value, weight, owner, chance_pct, low, likely, high, note``:

- the seven questions (``capability_gap`` ... ``partnership_years``): ``value`` the answer,
  ``weight`` its relative points (blank: 1);
- ``delivery_model`` (blank: the best fit), ``traditional_cost``, ``partnership_cost``,
  ``competitive_neutrality``, ``risk_premium_pct``, ``draws``, ``seed``: ``value``;
- the risks, the standard ones by name and any of the programme's own (a row with an owner or
  a chance): ``owner`` public, private, shared or none (blank: the usual owner under the
  model), ``chance_pct`` a year, and its cost if it happens: ``low``, ``likely``, ``high``.
"""

from __future__ import annotations

from typing import Any

from scoring.model import header_key
from scoring.strategy import (
    NONE,
    OWNERS,
    PROFILES,
    QUESTIONS,
    RISK_NAMES,
    YEARS,
    Assessment,
    RiskLine,
)

SHEET = "Strategy"
HEADERS = ("item", "value", "weight", "owner", "chance_pct", "low", "likely", "high", "note")
SETTINGS = ("delivery_model", "traditional_cost", "partnership_cost", "competitive_neutrality",
            "risk_premium_pct", "draws", "seed")
_QUESTION = {header_key(q): q for q, _ in QUESTIONS}
_SETTING = {header_key(s): s for s in SETTINGS}
_RISK = {header_key(r): r for r in RISK_NAMES}
_MODEL = {header_key(m): m for m in PROFILES}
_RISK_COLUMNS = ("owner", "chance pct", "low", "likely", "high")


def read_strategy(reader: Any) -> Assessment | None:
    """The Strategy sheet of the workbook ``reader`` (scoring.workbook's) reads, or None when
    it has none or an empty one; problems go to the reader, located at the cell."""
    from scoring.workbook import cell_text, closest, is_blank, norm_header

    sheet = reader.sheet("strategy", ("item", "value"), optional=True)
    if sheet is None:
        return None
    answers: dict[str, float] = {}
    weights: dict[str, float] = {}
    given: dict[str, Any] = {}
    risks: list[RiskLine] = []
    seen: dict[str, int] = {}
    guessed: set[str] = set()  # what misspelt items likely meant: not missing, misspelt
    last_row = sheet.header_row
    for row, values in sheet.rows():
        last_row = row
        text = cell_text(sheet.get(values, "item"))
        key = norm_header(text)
        if not key:
            reader.problem(sheet.loc(row, "item"), "this row has no item",
                           "Name the question, setting or risk, or clear the row")
            continue
        if key in seen:
            reader.problem(sheet.loc(row, "item"), f"'{text}' is given twice (first on row "
                           f"{seen[key]})", "Keep one row for it")
            continue
        seen[key] = row
        is_risk = key in _RISK or any(not is_blank(sheet.get(values, c)) for c in _RISK_COLUMNS)
        if key in _QUESTION:
            q = _QUESTION[key]
            low, high = (1, 50) if q == YEARS else (1, 5)
            a = reader.number(sheet, row, values, "value", what=f"the answer to {q}",
                              required=True, minimum=low, maximum=high,
                              fix=f"Answer from {low} to {high}")
            w = reader.number(sheet, row, values, "weight", what=f"the weight of {q}", minimum=0,
                              fix="Give the question relative points, 0 or more")
            if a is not None:
                answers[q] = a
            if w is not None:
                weights[q] = w
        elif key in _SETTING:
            name = _SETTING[key]
            raw = sheet.get(values, "value")
            if name == "delivery_model":
                model = norm_header(raw)
                if model and model not in _MODEL:
                    guess = closest(cell_text(raw), list(PROFILES))
                    reader.problem(sheet.loc(row, "value"), f"'{cell_text(raw)}' is not a "
                                   "delivery model" + (f"; did you mean '{guess}'?" if guess else ""),
                                   f"Write one of: {', '.join(PROFILES)} (or leave it blank for "
                                   "the best fit)")
                elif model:
                    given[name] = _MODEL[model]
                continue
            whole = name in ("draws", "seed")
            limits = {"risk_premium_pct": (0, 500), "draws": (1, 1_000_000),
                      "seed": (0, 2**31 - 1)}.get(name, (0, None))
            v = reader.number(sheet, row, values, "value", what=name, minimum=limits[0],
                              maximum=limits[1], fix="Type a figure in range")
            if v is not None and whole and not float(v).is_integer():
                reader.problem(sheet.loc(row, "value"), f"{name} is {v:g}; it must be a whole "
                               "number", "Type a whole number")
            elif v is not None:
                given[name] = int(v) if whole else v
        elif is_risk:
            name = _RISK.get(key, text)
            owner = norm_header(sheet.get(values, "owner"))
            if owner and owner not in (*OWNERS, NONE):
                reader.problem(sheet.loc(row, "owner"), f"'{cell_text(sheet.get(values, 'owner'))}'"
                               " is not an owner", "Write public, private, shared or none (blank: "
                               "the usual owner under the model)")
                continue
            chance = reader.number(sheet, row, values, "chance pct", what=f"the chance of {name}",
                                   minimum=0, maximum=100, fix="Give the chance a year, 0 to 100")
            costs = [reader.number(sheet, row, values, c, what=f"the {c} cost of {name}",
                                   minimum=0, fix="Type the cost if it happens, 0 or more")
                     for c in ("low", "likely", "high")]
            low, likely, high = (c or 0.0 for c in costs)
            if None not in costs and not low <= likely <= high:
                reader.problem(sheet.loc(row, "likely"), f"{name}: the costs are low {low:,.0f}, "
                               f"likely {likely:,.0f}, high {high:,.0f}",
                               "Order them: low ≤ likely ≤ high")
                continue
            risks.append(RiskLine(name, owner, (chance or 0.0) / 100.0, low, likely, high))
        else:
            known = [q for q, _ in QUESTIONS] + list(SETTINGS) + list(RISK_NAMES)
            guess = closest(text, known)
            guessed.add(guess or "")
            reader.problem(sheet.loc(row, "item"), f"'{text}' is not a question, setting or "
                           "standard risk of the Strategy sheet"
                           + (f"; did you mean '{guess}'?" if guess else ""),
                           "Correct the name; a risk of the programme's own needs an owner or a "
                           "chance")
    if not seen:
        return None
    missing = [q for q, _ in QUESTIONS
               if q not in answers and header_key(q) not in seen and q not in guessed]
    if missing:
        reader.problem(sheet.loc(last_row + 1, "item"), f"the Strategy sheet has no answer to "
                       f"{missing[0]}" + (f" (nor {len(missing) - 1} other questions)"
                                         if len(missing) > 1 else ""),
                       "Add a row for each question (see the template), or clear the sheet")
        return None
    if len(answers) < len(QUESTIONS):
        return None  # an answer refused above, with its own message
    return Assessment(
        answers=tuple((q, answers[q]) for q, _ in QUESTIONS),
        weights=tuple((q, weights[q]) for q, _ in QUESTIONS if q in weights),
        model=given.get("delivery_model", ""), risks=tuple(risks),
        traditional_cost=float(given.get("traditional_cost", 0.0)),
        partnership_cost=float(given.get("partnership_cost", 0.0)),
        neutrality=float(given.get("competitive_neutrality", 0.0)),
        risk_premium=float(given.get("risk_premium_pct", 20.0)) / 100.0,
        draws=int(given.get("draws", 20_000)), seed=int(given.get("seed", 0)))


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
             ("risk_premium_pct", round(100 * a.risk_premium, 6), *[None] * 6,
              "what a provider charges over the expected cost of the risk it takes on"),
             ("draws", a.draws, *[None] * 6, "Monte Carlo draws"),
             ("seed", a.seed, *[None] * 6, "the draws' seed")]
    rows += [(r.name, None, None, r.owner or None, round(100 * r.chance, 6), r.low, r.likely,
              r.high, "owner: public, private, shared or none; blank: the usual owner")
             for r in a.risks]
    return rows
