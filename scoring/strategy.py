"""How to buy, before whom to buy: the delivery model that fits a programme, and value for money.

Pure: a future Strategy page, the command line and the report read the same figures from here.

**Delivery-model fit.** The programme answers seven questions on a 1-5 scale (the length of the
partnership in years). Each model states the answer it suits best on each question (its
profile, below, after the public frameworks' descriptions of when each model fits); a model's
fit on a question runs from 5, at its ideal answer, down to 0 at the scale's far end (4 points
away; 25 years for the partnership's length). The models are
ranked on those fits by scikit-criteria's weighted sum, with the programme's weights; the
reasons each model fits or not are its best and worst questions. The ranking's robustness is
the share of Dirichlet weight draws around the weights in which each model ranks first.

**Value for money.** Traditional delivery against a partnership over the term, each its cost
plus the risks it keeps and the price of the risks it transfers: each risk an annual chance of
happening and a triangular cost (low, most likely, high) if it does; a partnership transfers a
share of each risk, at a premium on that share's expected cost. Monte Carlo, seeded: the mean,
P50 and P90 of each, and the share of draws in which the partnership is cheaper.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

QUESTIONS: tuple[tuple[str, str], ...] = (
    ("capability_gap", "How far the agency lacks the skills to deliver and run it (1 none, 5 all)"),
    ("capital_available", "How much capital the agency can put up front (1 none, 5 all of it)"),
    ("innovation_speed", "How fast the service must keep changing (1 stable, 5 continuously)"),
    ("risk_transfer", "How much delivery and operating risk to hand over (1 none, 5 most)"),
    ("governance_capacity", "The agency's capacity to manage contracts and partners (1 low, 5 high)"),
    ("data_ownership", "How much the agency must own the data and IP (1 little, 5 all)"),
    ("partnership_years", "How long the arrangement should run, in years"),
)
YEARS = "partnership_years"


def percent(share: float) -> int:
    """A share as whole percent, half up: what every surface shows (the page, the report, the
    decision document and the command line print this one number)."""
    return int(Decimal(repr(100 * share)).quantize(Decimal(1), ROUND_HALF_UP))


def shown(x: float, places: int = 2) -> float:
    """A figure rounded half up to ``places`` decimals, as every surface shows it."""
    return float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def as_percent(share: float) -> float:
    """A fraction as a percent, the shortest decimal that reads back as exactly the same
    fraction (7 for 0.07, not 7.000000000000001): what the Strategy sheet and the page's inputs
    hold, so that a fraction typed as a percent comes back unchanged."""
    for places in range(16):
        p = round(100 * share, places)
        if p / 100 == share:
            return p
    return 100 * share


def question_name(q: str) -> str:
    """A question's short name (capability_gap: Capability gap)."""
    return q.replace("_", " ").capitalize()


def answer_bounds(q: str) -> tuple[int, int]:
    """The answers a question takes: 1-5, or 1-50 whole years for the partnership's length."""
    return (1, 50) if q == YEARS else (1, 5)

# The answer each model suits best, question by question (the order of QUESTIONS).
PROFILES: dict[str, tuple[float, ...]] = {
    "Monolithic contract": (3, 4, 2, 3, 2, 4, 5),
    "Modular contracts": (2, 4, 4, 2, 5, 5, 3),
    "Managed services": (5, 3, 3, 4, 2, 3, 5),
    "Concession / BOT": (4, 1, 2, 5, 3, 2, 20),
    "Joint venture": (4, 2, 4, 3, 4, 3, 10),
    "Alliance": (3, 3, 5, 2, 4, 3, 7),
    "Data partnership": (3, 2, 4, 2, 3, 1, 5),
}


@dataclass(frozen=True)
class Fit:
    model: str
    score: float  # the weighted sum of the fits, 0 to 5
    rank: int
    fits: dict[str, float]  # question -> fit, 0 to 5
    first_share: float  # share of weight draws in which it ranks first

    def reasons(self, n: int = 2) -> tuple[list[str], list[str]]:
        """Its best-fitting and worst-fitting questions."""
        order = sorted(self.fits, key=lambda q: (-self.fits[q], q))
        return order[:n], order[::-1][:n]

    def why(self, answers: Mapping[str, float]) -> tuple[str, str]:
        """Why it fits and why not, in words: its two best and two worst questions, each with
        the programme's answer and the model's ideal one (the name alone where they match)."""
        ideal = dict(zip((q for q, _ in QUESTIONS), PROFILES[self.model], strict=True))
        best, worst = self.reasons()

        def said(q: str) -> str:  # an exact fit needs no numbers
            name = question_name(q).lower()
            return name if self.fits[q] >= 5 else f"{name} {answers[q]:g} (suits {ideal[q]:g})"

        return "; ".join(map(said, best)), "; ".join(said(q) for q in worst if self.fits[q] < 5)


def _fit(answer: float, ideal: float, question: str) -> float:
    """5 where the answer is the model's ideal, 0 at the scale's far end (4 points away; for
    the partnership's length, 25 years)."""
    span = 25.0 if question == YEARS else 4.0
    return 5.0 * max(0.0, 1.0 - abs(answer - ideal) / span)


def fit_matrix(answers: Mapping[str, float]) -> np.ndarray:
    """Models x questions: each model's fit to the programme's answer on each question."""
    names = [q for q, _ in QUESTIONS]
    return np.array([[_fit(float(answers[q]), ideal, q) for q, ideal in zip(names, profile,
                                                                              strict=True)]
                     for profile in PROFILES.values()])


def model_fit(answers: Mapping[str, float], weights: Mapping[str, float] | None = None, *,
              draws: int = 5_000, seed: int = 0, concentration: float = 50.0) -> list[Fit]:
    """The delivery models ranked for the programme's ``answers`` (question -> 1-5, the years
    for the partnership's length), by scikit-criteria's weighted sum with ``weights`` (question
    -> relative points; equal by default); best first."""
    from scoring.mcda import _skc

    names = [q for q, _ in QUESTIONS]
    missing = [q for q in names if q not in answers]
    if missing:
        raise ValueError(f"no answer to {missing[0]}")
    w = np.array([float((weights or {}).get(q, 1.0)) for q in names])
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError("weights are 0 or more, at least one above 0")
    w = w / w.sum()
    matrix = fit_matrix(answers)
    skc = _skc()
    # the fits are already on one 0-5 scale: scikit-criteria adds them up with the weights
    dm = skc["mkdm"](matrix + 1e-9, [max] * len(names), weights=w, criteria=names,
                     alternatives=list(PROFILES))
    result = skc["wsm"].evaluate(dm)
    scores = matrix @ w
    ranks = dict(zip(PROFILES, (int(r) for r in result.rank_), strict=True))
    rng = np.random.default_rng(seed)
    drawn = rng.dirichlet(concentration * w + 1e-6, size=draws) @ matrix.T
    first = np.bincount(drawn.argmax(axis=1), minlength=len(PROFILES)) / draws
    out = [Fit(m, float(scores[i]), ranks[m], dict(zip(names, map(float, matrix[i]), strict=True)),
               float(first[i])) for i, m in enumerate(PROFILES)]
    return sorted(out, key=lambda f: (f.rank, f.model))


@dataclass(frozen=True)
class Stability:
    """How far one answer can move, the others as given, before another model fits best."""

    question: str
    answer: float
    low: float  # the best model stays best from ``low`` to ``high``
    high: float
    below: str | None  # the model that fits best just below ``low`` (None: the scale's end)
    above: str | None

    @property
    def anywhere(self) -> bool:
        """True when no answer on the scale changes the best fit."""
        return self.below is None and self.above is None

    def describe(self) -> str:
        """What would change the best fit, in words."""
        if self.anywhere:
            return "any answer on the scale"
        parts = []
        if self.below is not None:
            parts.append(f"below {self.low:g}, {self.below} fits best")
        if self.above is not None:
            parts.append(f"above {self.high:g}, {self.above} fits best")
        return f"from {self.low:g} to {self.high:g}; " + "; ".join(parts)


def answer_stability(answers: Mapping[str, float], weights: Mapping[str, float] | None = None,
                     best_now: str | None = None) -> list[Stability]:
    """For each question, the range of its answer (in steps of 0.1; whole years) over which the
    best-fitting model stays best, the other answers as given: what would have to change for
    another model to fit better. The weighted sum of the fits, as the ranking computes it."""
    names = [q for q, _ in QUESTIONS]
    w = np.array([float((weights or {}).get(q, 1.0)) for q in names])
    w = w / w.sum()
    models = list(PROFILES)

    def best(given: Mapping[str, float]) -> str:
        return models[int(np.argmax(fit_matrix(given) @ w))]

    winner = best_now or best(answers)  # the ranking's first (a tie: as the ranking breaks it)
    out = []
    for q in names:
        grid = np.arange(1, 51) if q == YEARS else np.round(np.arange(10, 51) / 10, 1)
        here = float(answers[q])
        steps = sorted({*map(float, grid), here})
        i = steps.index(here)
        tops = [winner if x == here else best({**answers, q: x}) for x in steps]
        lo = i
        while lo > 0 and tops[lo - 1] == winner:
            lo -= 1
        hi = i
        while hi < len(steps) - 1 and tops[hi + 1] == winner:
            hi += 1
        out.append(Stability(q, here, steps[lo], steps[hi], tops[lo - 1] if lo > 0 else None,
                             tops[hi + 1] if hi < len(steps) - 1 else None))
    return out


# -- value for money ------------------------------------------------------------------------


@dataclass(frozen=True)
class Risk:
    name: str
    annual_probability: float  # 0-1
    low: float
    likely: float
    high: float
    transferred_share: float  # the share a partnership takes on, 0-1

    @property
    def expected_cost(self) -> float:
        """Its expected cost in one year: the chance times the triangle's mean."""
        return self.annual_probability * (self.low + self.likely + self.high) / 3.0


@dataclass(frozen=True)
class Comparison:
    years: int
    traditional: np.ndarray  # total cost over the term, per draw
    partnership: np.ndarray

    def summary(self, which: str) -> dict[str, float]:
        x = self.traditional if which == "traditional" else self.partnership
        return {"mean": float(x.mean()), "p50": float(np.percentile(x, 50)),
                "p90": float(np.percentile(x, 90))}

    @property
    def partnership_cheaper(self) -> float:
        """The share of draws in which the partnership costs less."""
        return float((self.partnership < self.traditional).mean())


def value_for_money(years: int, traditional_cost: float, partnership_cost: float,
                    risks: Sequence[Risk], *, risk_premium: float = 0.2, draws: int = 20_000,
                    seed: int = 0) -> Comparison:
    """Traditional delivery (its cost, keeping every risk) against a partnership (its cost,
    keeping the untransferred share of each risk, and paying ``risk_premium`` over the expected
    cost of the share it transfers, every year), over ``years``; each year each risk happens
    with its chance and costs a triangular draw. Seeded; the same draws for both."""
    rng = np.random.default_rng(seed)
    trad = np.full(draws, float(traditional_cost))
    part = np.full(draws, float(partnership_cost))
    for r in risks:
        hit = np.zeros(draws)
        for _ in range(years):  # a year at a time: memory of a few draws-long vectors
            happens = rng.random(draws) < r.annual_probability
            cost = rng.triangular(r.low, r.likely, r.high, size=draws) if r.high > r.low \
                else np.full(draws, r.likely)
            hit += happens * cost
        trad += hit
        part += (1 - r.transferred_share) * hit
        part += years * (1 + risk_premium) * r.transferred_share * r.expected_cost
    return Comparison(years, trad, part)


def expected_totals(years: int, traditional_cost: float, partnership_cost: float,
                    risks: Sequence[Risk], risk_premium: float = 0.2) -> tuple[float, float]:
    """The analytic means the Monte Carlo estimates."""
    trad = traditional_cost + years * sum(r.expected_cost for r in risks)
    part = partnership_cost + years * sum(
        r.expected_cost * ((1 - r.transferred_share) + (1 + risk_premium) * r.transferred_share)
        for r in risks)
    return trad, part


# -- risk allocation -------------------------------------------------------------------------

PUBLIC, PRIVATE, SHARED, NONE = "public", "private", "shared", "none"
OWNERS = (PUBLIC, PRIVATE, SHARED)
TRANSFERRED = {PUBLIC: 0.0, PRIVATE: 1.0, SHARED: 0.5, NONE: 0.0}  # the share a provider takes
_LETTER = {"P": PUBLIC, "V": PRIVATE, "S": SHARED}

# The standard risks of a technology programme: the usual owner under each model (the order of
# PROFILES: P public, V private, S shared) and who is best placed to manage it, and why.
RISKS: tuple[tuple[str, str, str], ...] = (
    ("Design", "VSVVSSS", "whoever designs the solution controls whether it meets the "
     "requirement; the agency keeps it only where it integrates the design of several suppliers"),
    ("Build and migration", "VSVVSSS", "the builder controls the schedule, the quality and the "
     "data migration; the agency shares it where it integrates several contracts"),
    ("Operations", "SPVVSSS", "the operator controls availability and running cost; with "
     "modular contracts the agency runs the whole and the suppliers their parts"),
    ("Demand", "PPPVSSS", "the agency decides how much the service is used; a provider takes "
     "demand risk only where users pay it and it can shape demand (a concession)"),
    ("Technology obsolescence", "PPVVSSS", "whoever owns and refreshes the technology; under a "
     "service or a concession the provider refreshes it within the price"),
    ("Cyber security", "SSSVSSS", "the provider secures what it runs; the agency stays "
     "accountable for its systems and its users, so the risk is nearly always shared"),
    ("Data protection", "PPSSSSS", "the agency is the data controller and cannot hand that "
     "duty over; a provider processing the data shares the risk of a breach"),
    ("Regulatory change", "PPPSPPS", "the government makes the law; a provider takes only "
     "changes it could foresee or that apply to every business alike"),
    ("Political", "PPPPPPP", "only the government controls policy, budgets and its own "
     "decisions; no provider can manage them"),
    ("Financing", "PPPVSPS", "whoever raises the capital: the agency's budget, or the "
     "concessionaire's or the joint venture's funding"),
    ("Force majeure", "SSSSSSS", "no party controls it; each bears its own loss, and the "
     "contract sets relief and termination"),
    ("Exit and transition", "PPSSSSS", "the agency must be able to move the service; the "
     "incumbent's cooperation at exit has to be a contractual duty"),
)
RISK_NAMES = tuple(name for name, _, _ in RISKS)
_USUAL = {name: dict(zip(PROFILES, (_LETTER[x] for x in letters), strict=True))
          for name, letters, _ in RISKS}
_WHY = {name: why for name, _, why in RISKS}
_STANDARD = {name.casefold(): name for name in RISK_NAMES}
MAX_DRAWS = 200_000  # simulated terms: up to 50 years of a dozen risks in a few seconds
MAX_SEED = 2**31 - 1
MAX_WEIGHT = 1_000.0  # a question's relative points
MAX_PREMIUM = 5.0  # 500 % over a transferred risk's expected cost


def model_named(text: str) -> str | None:
    """The delivery model ``text`` names (case, spaces, _ and - ignored), or None."""
    from scoring.model import header_key

    return {header_key(m): m for m in PROFILES}.get(header_key(text))


def usual_owner(risk: str, model: str) -> str | None:
    """The usual owner of a standard risk under ``model`` (None for a risk of the programme's
    own, which has no usual allocation)."""
    return _USUAL.get(risk, {}).get(model)


@dataclass(frozen=True)
class RiskLine:
    """One risk of the programme: who owns it (blank: the usual owner under the model chosen;
    ``none``: no one) and, for value for money, its annual chance and its cost if it happens."""

    name: str
    owner: str = ""
    chance: float = 0.0  # per year, 0-1
    low: float = 0.0
    likely: float = 0.0
    high: float = 0.0

    def __post_init__(self) -> None:  # one spelling: the page, the sheet and JSON agree
        object.__setattr__(self, "name", risk_name(self.name))


def risk_name(text: str) -> str:
    """A risk's name as the assessment keeps it: one line, single spaces, and a standard risk
    spelt as the standard list spells it (whatever its case)."""
    name = " ".join(str(text).split())
    return _STANDARD.get(name.casefold(), name)


@dataclass(frozen=True)
class Allocation:
    risk: str
    owner: str  # public, private, shared or none
    usual: str | None  # the usual owner under the model (None: a risk of the programme's own)
    flag: str  # why to reconsider ("" when the allocation is the usual one)


@dataclass(frozen=True)
class Assessment:
    """A programme's delivery strategy: its answers to the questions (with their weights), the
    model chosen (blank: the best fit), its risks and what each costs, and the costs of
    traditional delivery and of the model over the term (the partnership's length)."""

    answers: tuple[tuple[str, float], ...]
    weights: tuple[tuple[str, float], ...] = ()  # question -> relative points (missing: 1)
    model: str = ""
    risks: tuple[RiskLine, ...] = ()
    traditional_cost: float = 0.0  # raw cost and financing of the agency delivering itself
    partnership_cost: float = 0.0  # the price of the model over the term
    neutrality: float = 0.0  # competitive neutrality: what the agency's own delivery escapes
    risk_premium: float = 0.2
    draws: int = 20_000
    seed: int = 0

    def __post_init__(self) -> None:  # one order (the questions'), so that equal means equal
        order = [q for q, _ in QUESTIONS]
        for name in ("answers", "weights"):
            given = dict(getattr(self, name))
            object.__setattr__(self, name, tuple((q, float(given[q])) for q in order if q in given)
                               + tuple((q, float(v)) for q, v in given.items() if q not in order))

    @property
    def answer_map(self) -> dict[str, float]:
        return dict(self.answers)

    @property
    def weight_map(self) -> dict[str, float]:
        given = dict(self.weights)
        return {q: float(given.get(q, 1.0)) for q, _ in QUESTIONS}

    @property
    def years(self) -> int:
        """The term value for money runs over: the partnership's length (whole years)."""
        return max(1, int(self.answer_map.get(YEARS, 1)))

    def ranking(self, draws: int = 5_000) -> list[Fit]:
        return model_fit(self.answer_map, self.weight_map, draws=draws, seed=self.seed)

    def chosen(self, ranking: Sequence[Fit] | None = None) -> str:
        """The model chosen, or the best fit when none is."""
        return self.model or (ranking or self.ranking())[0].model

    def replace(self, **changes: object) -> Assessment:
        return replace(self, **changes)  # type: ignore[arg-type]

    def problems(self) -> list[str]:
        """What stops the assessment being used, in words (empty when it can be)."""
        out = []
        for q, _ in QUESTIONS:
            a = self.answer_map.get(q)
            low, high = answer_bounds(q)
            if a is None or not low <= a <= high:
                out.append(f"{question_name(q)}: the answer must be from {low} to {high}")
            elif q == YEARS and not float(a).is_integer():
                out.append(f"{question_name(q)}: the answer must be a whole number of years")
        w = self.weight_map
        if any(not 0 <= v <= MAX_WEIGHT for v in w.values()) or sum(w.values()) <= 0:
            out.append(f"the questions' weights must be from 0 to {MAX_WEIGHT:,.0f}, at least "
                       "one above 0")
        if self.model and self.model not in PROFILES:
            out.append(f"'{self.model}' is not one of the delivery models ({', '.join(PROFILES)})")
        seen: set[str] = set()
        for r in self.risks:
            if r.name.casefold() in seen:
                out.append(f"the risk '{r.name}' is listed twice")
            seen.add(r.name.casefold())
            if r.owner not in ("", NONE, *OWNERS):
                out.append(f"{r.name}: the owner must be public, private, shared or none")
            if not 0 <= r.chance <= 1:
                out.append(f"{r.name}: the chance must be from 0 to 100 % a year")
            if not 0 <= r.low <= r.likely <= r.high:
                out.append(f"{r.name}: the costs must be 0 or more, low ≤ likely ≤ high")
        if min(self.traditional_cost, self.partnership_cost, self.neutrality) < 0:
            out.append("the costs must be 0 or more")
        if not 0 <= self.risk_premium <= MAX_PREMIUM:
            out.append(f"the risk premium must be from 0 to {100 * MAX_PREMIUM:g} %")
        if isinstance(self.draws, bool) or not 1 <= self.draws <= MAX_DRAWS:
            out.append(f"the draws must be from 1 to {MAX_DRAWS:,}")
        if isinstance(self.seed, bool) or not 0 <= self.seed <= MAX_SEED:
            out.append(f"the seed must be from 0 to {MAX_SEED:,}")
        return out

    def allocation(self, model: str | None = None) -> list[Allocation]:
        """Each risk's owner under ``model`` (the one chosen by default), against the usual
        allocation; deviations and risks with no owner flagged with the reason to reconsider."""
        model = model or self.chosen()
        out = []
        for r in self.risks:
            usual = usual_owner(r.name, model)
            owner = r.owner or usual or NONE
            why = _WHY.get(r.name, "")
            if owner == NONE:
                flag = "no one owns it: give it to the party best placed to manage it" + (
                    f" (usually {usual} under {model}: {why})" if usual else "")
            elif usual is not None and owner != usual:
                flag = f"usually {usual} under {model}, here {owner}: {why}"
            else:
                flag = ""
            out.append(Allocation(r.name, owner, usual, flag))
        return out

    def risk_inputs(self, model: str | None = None) -> list[Risk]:
        """The risks as value for money reads them: the share transferred by their owner."""
        owners = {a.risk: a.owner for a in self.allocation(model)}
        return [Risk(r.name, r.chance, r.low, r.likely, r.high, TRANSFERRED[owners[r.name]])
                for r in self.risks]

    def value_for_money(self, model: str | None = None) -> Comparison:
        return value_for_money(self.years, self.traditional_cost + self.neutrality,
                               self.partnership_cost, self.risk_inputs(model),
                               risk_premium=self.risk_premium, draws=self.draws, seed=self.seed)

    # -- JSON (a saved version's and the settings file's "strategy") ---------------------------
    def to_dict(self) -> dict[str, object]:
        return {"answers": dict(self.answers), "weights": dict(self.weights), "model": self.model,
                "risks": [{"name": r.name, "owner": r.owner, "chance": r.chance, "low": r.low,
                           "likely": r.likely, "high": r.high} for r in self.risks],
                "traditional_cost": self.traditional_cost,
                "partnership_cost": self.partnership_cost, "neutrality": self.neutrality,
                "risk_premium": self.risk_premium, "draws": self.draws, "seed": self.seed}

    @classmethod
    def from_dict(cls, data: object) -> Assessment:
        """Read ``to_dict``'s shape; ValueError naming the key at fault."""
        if not isinstance(data, dict):
            raise ValueError("expected an object")

        def number(value: object, key: str) -> float:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                    not np.isfinite(value):
                raise ValueError(f"{key}: expected a number")
            return float(value)

        def pairs(key: str) -> tuple[tuple[str, float], ...]:
            given = data.get(key, {})
            if not isinstance(given, dict):
                raise ValueError(f"{key}: expected an object of question: number")
            known = {q for q, _ in QUESTIONS}
            for q in given:
                if q not in known:
                    raise ValueError(f"{key}.{q}: not one of the questions ({', '.join(known)})")
            return tuple((q, number(given[q], f"{key}.{q}")) for q, _ in QUESTIONS if q in given)

        risks = data.get("risks", [])
        if not isinstance(risks, list) or not all(isinstance(r, dict) for r in risks):
            raise ValueError("risks: expected a list of objects")
        lines = []
        for i, r in enumerate(risks):
            if not isinstance(r.get("name"), str) or not r["name"].strip():
                raise ValueError(f"risks[{i}].name: expected the risk's name")
            lines.append(RiskLine(r["name"].strip(), str(r.get("owner", "") or ""),
                                  *(number(r.get(k, 0.0), f"risks[{i}].{k}")
                                    for k in ("chance", "low", "likely", "high"))))
        draws, seed = data.get("draws", 20_000), data.get("seed", 0)
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in (draws, seed)):
            raise ValueError("draws and seed: expected whole numbers")
        out = cls(pairs("answers"), pairs("weights"), str(data.get("model", "") or ""),
                  tuple(lines), *(number(data.get(k, 0.0), k) for k in (
                      "traditional_cost", "partnership_cost", "neutrality")),
                  number(data.get("risk_premium", 0.2), "risk_premium"), draws, seed)
        if problems := out.problems():
            raise ValueError(problems[0])
        return out


# A programme with no assessment of its own starts from these answers (a mid-sized system
# replacement at an agency that can fund and govern it) and the standard risks.
DEFAULT_ANSWERS: tuple[tuple[str, float], ...] = (
    ("capability_gap", 3), ("capital_available", 4), ("innovation_speed", 3),
    ("risk_transfer", 3), ("governance_capacity", 4), ("data_ownership", 5),
    ("partnership_years", 5))
DEFAULT_RISKS: tuple[RiskLine, ...] = (
    RiskLine("Design", "", 0.20, 50_000, 150_000, 400_000),
    RiskLine("Build and migration", "", 0.30, 100_000, 300_000, 900_000),
    RiskLine("Operations", "", 0.25, 30_000, 80_000, 250_000),
    RiskLine("Demand", "", 0.10, 20_000, 60_000, 200_000),
    RiskLine("Technology obsolescence", "", 0.10, 50_000, 120_000, 300_000),
    RiskLine("Cyber security", "", 0.05, 100_000, 400_000, 2_000_000),
    RiskLine("Data protection", "", 0.03, 50_000, 200_000, 1_000_000),
    RiskLine("Regulatory change", "", 0.15, 20_000, 80_000, 250_000),
    RiskLine("Political", "", 0.05, 50_000, 150_000, 500_000),
    RiskLine("Financing", "", 0.02, 20_000, 50_000, 150_000),
    RiskLine("Force majeure", "", 0.01, 100_000, 300_000, 1_500_000),
    RiskLine("Exit and transition", "", 0.04, 80_000, 250_000, 800_000),
)


def default_assessment() -> Assessment:
    return Assessment(DEFAULT_ANSWERS, risks=DEFAULT_RISKS, traditional_cost=5_400_000.0,
                      partnership_cost=5_700_000.0)


# -- into the evaluation: criteria and SLA terms suggested for each model --------------------

# each model's suggested criteria: name and description (the template adds them at 10 points)
SUGGESTED_CRITERIA: dict[str, tuple[tuple[str, str], ...]] = {
    "Monolithic contract": (
        ("Integration approach", "How one prime integrates design, build and run"),
        ("Schedule realism", "A credible plan to one go-live, with its critical path"),),
    "Modular contracts": (
        ("Interface conformance", "Works to the published APIs and data standards"),
        ("Replaceability", "How easily the module can be re-competed or replaced"),),
    "Managed services": (
        ("Service management", "ITIL-grade service desk, incident and change management"),
        ("Transition in and out", "Plans to take the service over and to hand it back"),),
    "Concession / BOT": (
        ("Financial strength", "Capacity to fund the build and carry the demand risk"),
        ("Handback condition", "The state the assets and data are returned in"),),
    "Joint venture": (
        ("Governance proposal", "Board, decision rights and dispute resolution"),
        ("Capability contribution", "What the partner brings the agency lacks"),),
    "Alliance": (
        ("Collaboration and culture", "Joint planning, open books, best-for-programme behaviour"),
        ("Gain-share proposal", "How pain and gain are shared against target cost"),),
    "Data partnership": (
        ("Data stewardship", "Controls on the agency's data, access and reuse"),
        ("IP and licensing", "Who owns what is built from the data, on what licence"),),
}
# the SLA terms to ask for (the Bids sheet's columns): uptime %, fee at risk %, notice days,
# version pinning days, then the yes/no terms
SUGGESTED_SLA: dict[str, tuple[float, float, float, float, str, str, str, str, str]] = {
    "Monolithic contract": (99.9, 10, 60, 180, "yes", "yes", "yes", "yes", "no"),
    "Modular contracts": (99.9, 10, 60, 180, "yes", "yes", "yes", "yes", "yes"),
    "Managed services": (99.95, 15, 90, 365, "yes", "yes", "yes", "yes", "yes"),
    "Concession / BOT": (99.95, 20, 90, 365, "yes", "yes", "yes", "yes", "no"),
    "Joint venture": (99.9, 10, 60, 180, "yes", "yes", "yes", "yes", "no"),
    "Alliance": (99.9, 8, 60, 180, "yes", "yes", "no", "yes", "yes"),
    "Data partnership": (99.5, 5, 90, 365, "yes", "no", "yes", "yes", "no"),
}


@dataclass(frozen=True)
class Summary:
    """An assessment's figures, as the Strategy page, the report, the decision document and the
    command line show them: the ranking, the model chosen, its allocation and value for money."""

    assessment: Assessment
    ranking: tuple[Fit, ...]
    model: str
    allocation: tuple[Allocation, ...]
    comparison: Comparison
    stability: tuple[Stability, ...]  # each answer's range keeping the best fit best

    def fit_rows(self) -> list[dict[str, object]]:
        """The ranking as every surface tabulates it: rank, model, the fit and the share of
        weight draws ranking it first as shown (half up), and why it fits or not."""
        rows = []
        for f in self.ranking:
            good, bad = f.why(self.assessment.answer_map)
            rows.append({"Rank": f.rank, "Model": f.model, "Fit (0-5)": shown(f.score),
                         "First in weight draws": percent(f.first_share), "Fits on": good,
                         "Fits less on": bad})
        return rows

    @property
    def options(self) -> tuple[tuple[str, dict[str, float]], ...]:
        """Traditional delivery and the model, each with its mean, P50 and P90 over the term."""
        return (("Traditional delivery", self.traditional), (self.model, self.partnership))

    @property
    def fit(self) -> Fit:
        return next(f for f in self.ranking if f.model == self.model)

    @property
    def flags(self) -> tuple[Allocation, ...]:
        return tuple(a for a in self.allocation if a.flag)

    @property
    def traditional(self) -> dict[str, float]:
        return self.comparison.summary("traditional")

    @property
    def partnership(self) -> dict[str, float]:
        return self.comparison.summary("partnership")

    @property
    def cheaper(self) -> float:
        """The share of draws in which the model costs less than traditional delivery."""
        return self.comparison.partnership_cheaper

    def verdict(self, currency: str = "") -> str:
        """Which is cheaper, at what confidence, in one sentence."""
        t, p = self.traditional["mean"], self.partnership["mean"]
        unit = f" {currency}" if currency else ""
        terms = f"{self.assessment.draws:,} simulated terms"
        if round(t) == round(p):
            return (f"{self.model} and traditional delivery cost the same on average over "
                    f"{self.assessment.years} years; {self.model} is cheaper in "
                    f"{percent(self.cheaper)} % of {terms}.")
        which = f"{self.model} is" if p < t else "Traditional delivery is"
        share = self.cheaper if p < t else 1 - self.cheaper
        return (f"{which} cheaper on average over {self.assessment.years} years "
                f"({abs(t - p):,.0f}{unit} less in expectation), and cheaper in "
                f"{percent(share)} % of {terms}.")


def stability_sentence(found: Summary) -> str:
    """What would change the best fit, one answer at a time, in one sentence."""
    best = found.ranking[0].model
    moves = [s for s in found.stability if not s.anywhere]
    if not moves:
        return (f"{best} fits best whatever any one answer changes to (the others as given).")
    return (f"{best} stays the best fit unless one answer moves: "
            + "; ".join(f"{question_name(s.question).lower()} {s.describe()}" for s in moves)
            + ".")


def summary(a: Assessment) -> Summary:
    """The figures of assessment ``a``: its ranking, the model chosen (the best fit when none
    is), that model's allocation, and value for money against traditional delivery."""
    ranking = tuple(a.ranking())
    model = a.chosen(ranking)
    return Summary(a, ranking, model, tuple(a.allocation(model)), a.value_for_money(model),
                   tuple(answer_stability(a.answer_map, a.weight_map, ranking[0].model)))
