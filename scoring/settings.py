"""The evaluation settings, each defined once: type, default, bounds, unit, label and help.

The workbook's Settings sheet is read against this specification (a value outside its bounds
is a located error naming the allowed range), the template documents it, the what-if widgets
take their ranges from it (so no accepted workbook can put a widget out of range), and the
command line and the report label settings with it.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

MAX_FIGURE = 1e15  # no figure in a workbook may exceed this in size (Excel keeps 15 digits)


class Method(StrEnum):
    """The aggregation methods (all through scikit-criteria)."""

    WSM = "wsm"
    WPM = "wpm"
    TOPSIS = "topsis"
    VIKOR = "vikor"


class PriceFormula(StrEnum):
    LOWEST_RATIO = "lowest_ratio"
    LINEAR = "linear"


class Kind(StrEnum):
    NUMBER = "number"
    WHOLE = "whole number"
    CHOICE = "choice"
    TEXT = "text"


METHODS: tuple[Method, ...] = tuple(Method)
PRICE_FORMULAS: tuple[PriceFormula, ...] = tuple(PriceFormula)
METHOD_LABELS: dict[str, str] = {
    Method.WSM: "Weighted sum (WSM)",
    Method.WPM: "Weighted product (WPM)",
    Method.TOPSIS: "TOPSIS (closeness to the ideal)",
    Method.VIKOR: "VIKOR (compromise ranking, v = 0.5)",
}
PRICE_FORMULA_LABELS: dict[str, str] = {
    PriceFormula.LOWEST_RATIO: "Lowest price / bid price",
    PriceFormula.LINEAR: "Linear between a preset floor and ceiling",
}


@dataclass(frozen=True)
class Spec:
    """One setting: what it is, what it may be, and how people read it."""

    label: str
    help: str
    kind: Kind = Kind.NUMBER
    unit: str = ""  # "years", "%", "currency", ... ("currency" means the workbook's currency)
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    choices: tuple[str, ...] = ()
    optional: bool = False  # may be left blank
    unset: str = "not set"  # what a blank means
    what_if: bool = False  # the Scenarios page may change it as a what-if
    key: str = ""  # the Settings key (filled in from the field name)
    default: Any = None  # filled in from the field's default

    def range_text(self) -> str:
        """The allowed values in words: 'a number from 0.25 to 50 (years)'."""
        if self.kind == Kind.CHOICE:
            return "one of " + ", ".join(self.choices)
        if self.kind == Kind.TEXT:
            return (f"text of at most {int(self.maximum or 0)} characters: letters, digits, spaces, "
                    "currency signs and . - '")
        noun = "a whole number" if self.kind == Kind.WHOLE else "a number"
        unit = f" ({self.unit})" if self.unit else ""
        low, high = _g(self.minimum), _g(self.maximum)
        text = f"{noun} from {low} to {high}{unit}"
        if not self.optional:
            return text
        return text + (", or blank" if self.unset == "not set" else f", or blank for {self.unset}")

    def fix(self) -> str:
        """What to do about a value out of range."""
        if self.default is None:
            return f"Type {self.range_text()}"
        return f"Type {self.range_text()}, or clear it for the default ({self.show(self.default)})"

    def problem(self, value: Any) -> str | None:
        """Why ``value`` cannot be this setting (None when it can)."""
        if value is None:
            return None if self.optional else "is required"
        if self.kind == Kind.CHOICE:
            return None if value in self.choices else f"must be {self.range_text()}"
        if self.kind == Kind.TEXT:
            text = str(value)
            if len(text) > (self.maximum or 0) or not all(_plain_char(ch) for ch in text):
                return f"must be {self.range_text()}"
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return f"must be {self.range_text()}"
        if self.kind == Kind.WHOLE and not float(value).is_integer():
            return f"must be {self.range_text()}"
        if (self.minimum is not None and value < self.minimum) or (
                self.maximum is not None and value > self.maximum):
            return f"must be {self.range_text()}"
        return None

    def coerce(self, value: Any) -> Any:
        """A checked value in the setting's own type (whole numbers as int)."""
        if value is None:
            return None
        if self.kind == Kind.WHOLE:
            return int(value)
        if self.kind == Kind.NUMBER:
            return float(value)
        if self.kind == Kind.CHOICE:
            return next(c for c in self.choices if c == value)  # the enum member
        return value

    def show(self, value: Any, currency: str = "") -> str:
        """A value as people read it, with its unit."""
        if value is None:
            return self.unset
        if self.kind == Kind.CHOICE:
            labels = {**METHOD_LABELS, **PRICE_FORMULA_LABELS}
            return labels.get(value, str(value))
        if self.kind == Kind.TEXT:
            return str(value)
        number = f"{value:,.0f}" if self.unit == "currency" else _g(value)
        unit = {"currency": f" {currency}".rstrip(), "%": " %", "": ""}.get(self.unit, f" {self.unit}")
        if value == 1 and unit.endswith("s"):
            unit = unit[:-1]  # 1 component, 1 year
        return f"{number}{unit}"


def _plain_char(ch: str) -> bool:
    """A character a currency name may hold: nothing that Markdown or a link could be made of."""
    return ch.isalnum() or ch in " .-'" or unicodedata.category(ch) == "Sc"


def _g(x: float | None) -> str:
    if x is None:
        return "any"
    if x >= 1e12 and math.log10(x).is_integer():
        return f"10^{int(math.log10(x))}"
    return f"{x:,.0f}" if abs(x) >= 10_000 and float(x).is_integer() else f"{x:g}"


def setting(default: Any, label: str, help: str, **spec: Any) -> Any:
    """A Settings field carrying its specification."""
    return field(default=default, metadata={"spec": Spec(label=label, help=help, **spec)})


@dataclass(frozen=True)
class Settings:
    """The workbook's Settings sheet, checked; every field's specification is in its metadata."""

    method: str = setting(
        Method.TOPSIS, "Scoring method", "How the criteria combine into one score per bid.",
        kind=Kind.CHOICE, choices=METHODS)
    price_formula: str = setting(
        PriceFormula.LOWEST_RATIO, "Price formula",
        "How WSM and WPM score price: lowest price / bid price, or linear between a floor and a "
        "ceiling set before bids open.", kind=Kind.CHOICE, choices=PRICE_FORMULAS)
    price_floor: float | None = setting(
        None, "Price floor (linear formula)", "A price at or below it scores 1.",
        unit="currency", minimum=0.0, maximum=MAX_FIGURE, step=10_000.0, optional=True)
    price_ceiling: float | None = setting(
        None, "Price ceiling (linear formula)", "A price at or above it scores 0.",
        unit="currency", minimum=0.0, maximum=MAX_FIGURE, step=10_000.0, optional=True)
    contract_years: float = setting(
        5.0, "Contract term", "The contract term over which vendors may fail and be replaced.",
        unit="years", minimum=0.25, maximum=50.0, step=1.0, what_if=True)
    vendor_failure_prob: float = setting(
        0.02, "Default annual vendor failure probability",
        "The yearly probability that a vendor must be replaced, for vendors without their own "
        "in the Vendors sheet (0.02 = 2 %).", unit="per year", minimum=0.0, maximum=1.0,
        step=0.01, what_if=True)
    integration_overhead_pct: float = setting(
        0.0, "Integration overhead",
        "The agency's integration cost, as % of each separately awarded lot's price.",
        unit="%", minimum=0.0, maximum=300.0, step=0.5, what_if=True)
    coordination_cost_per_vendor: float = setting(
        0.0, "Coordination cost per extra vendor",
        "Management cost for each vendor beyond the first, over the term.",
        unit="currency", minimum=0.0, maximum=MAX_FIGURE, step=10_000.0, what_if=True)
    max_components_per_vendor: int | None = setting(
        None, "Cap: components per vendor", "The most components the optimized award may give "
        "one vendor.", kind=Kind.WHOLE, unit="components", minimum=1, maximum=10_000, step=1,
        optional=True, unset="no cap", what_if=True)
    max_vendor_share_pct: float | None = setting(
        None, "Cap: vendor share of the total price",
        "The largest share of the total price the optimized award may give one vendor.",
        unit="%", minimum=0.1, maximum=100.0, step=5.0, optional=True, unset="no cap",
        what_if=True)
    okr_threshold: float = setting(
        2_000_000.0, "Award size needing two mission-outcome OKRs",
        "A total award above this needs at least two OKRs marked as mission outcomes.",
        unit="currency", minimum=0.0, maximum=MAX_FIGURE, step=100_000.0)
    spread_watch_pct: float = setting(
        20.0, "Panel spread watch",
        "A cell whose evaluators' range reaches this % of the scale (but not the flag) is marked "
        "to watch: worth a look at the consensus meeting.",
        unit="%", minimum=0.0, maximum=100.0, step=5.0)
    spread_flag_pct: float = setting(
        30.0, "Panel spread flag",
        "A cell whose evaluators' range reaches this % of the scale goes to the consensus meeting.",
        unit="%", minimum=0.0, maximum=100.0, step=5.0)
    currency: str = setting(
        "USD", "Currency", "The currency of every price and cost.", kind=Kind.TEXT, maximum=40)
    price_envelope: str = setting(
        "open", "Price envelope",
        "sealed: no one, the chair included, sees a price or anything ranked on price in the app "
        "until the chair locks the technical consensus and unseals the prices (a two-envelope "
        "evaluation); open: prices show from the start.", kind=Kind.CHOICE,
        choices=("open", "sealed"))

    def problems(self) -> list[tuple[str, str, str]]:
        """(key, message, what to do) for settings that cannot stand together."""
        out = bounds_problems(self.price_formula, self.price_floor, self.price_ceiling)
        if self.spread_watch_pct > self.spread_flag_pct:
            out.append(("spread_watch_pct", f"the spread watch level ({self.spread_watch_pct:g} %) "
                        f"is above the spread flag ({self.spread_flag_pct:g} %)",
                        "Set the watch level at or below the flag"))
        return out


def bounds_problems(formula: str, floor: float | None, ceiling: float | None
                    ) -> list[tuple[str, str, str]]:
    """The linear price formula needs a floor below a ceiling (set before bids open)."""
    if formula != PriceFormula.LINEAR:
        return []
    if floor is None or ceiling is None:
        return [("price_formula", "the linear price formula needs a price floor and a price ceiling",
                 "Give both (set before bids open), or use lowest_ratio")]
    if ceiling <= floor:
        return [("price_ceiling", f"the price ceiling ({ceiling:,.0f}) must be above the price "
                 f"floor ({floor:,.0f})", "Raise the ceiling or lower the floor")]
    return []


SPECS: dict[str, Spec] = {}
for _f in fields(Settings):
    SPECS[_f.name] = Spec(**{**vars(_f.metadata["spec"]), "key": _f.name, "default": _f.default})
WHAT_IFS: tuple[str, ...] = tuple(k for k, s in SPECS.items() if s.what_if)


def spec(key: str) -> Spec:
    return SPECS[key]
