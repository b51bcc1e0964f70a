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
from dataclasses import dataclass

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
        happens = rng.random((draws, years)) < r.annual_probability
        cost = rng.triangular(r.low, r.likely, r.high, size=(draws, years)) if r.high > r.low \
            else np.full((draws, years), r.likely)
        hit = (happens * cost).sum(axis=1)
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
