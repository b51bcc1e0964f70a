"""Locked weights: the chair fixes the weights before the scores or prices are opened.

The lock is a panel switch (``weights_locked``), and its audit entry (action ``weights``,
item ``locked``) records what was locked: the version, the weights as fractions, how many
panel scores had been entered and the state of the price envelope. From then on a version
whose weights differ from the version before it needs a reason, which the audit log keeps
(action ``weights``); the report and the decision document state the lock and every change
after it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

FLAG = "weights_locked"
CHANGE = "weights"  # the audit action of a change of weights after the lock
CHANGED = "changed after the lock"  # its item
LOCKED = "locked"  # the item of the entry that records what was locked


@dataclass(frozen=True)
class WeightChange:
    at: str
    by: str
    version: int | None
    before: dict[str, float]
    after: dict[str, float]
    reason: str


@dataclass(frozen=True)
class WeightsLock:
    at: str
    by: str
    reason: str
    version: int
    weights: dict[str, float]  # as fractions summing to 1
    scores: int  # panel scores entered in the app before the lock
    prices: str  # "sealed", "unsealed" or "open" (the envelope when locked)
    changes: tuple[WeightChange, ...] = ()

    def before_opening(self) -> str:
        """When the lock came, in words: before any score and with the prices sealed, or not."""
        scores = ("before any panel score was entered in the app" if not self.scores else
                  f"after {self.scores} panel score{'s' if self.scores != 1 else ''} had been "
                  "entered in the app")
        prices = {"sealed": "with the prices still sealed",
                  "unsealed": "after the prices were unsealed",
                  "open": "with the prices open to the chair (no sealed envelope)"}[self.prices]
        return f"{scores}, {prices}"

    def moved(self, weights: Mapping[str, float]) -> dict[str, tuple[float, float]]:
        """Criteria whose weight in ``weights`` (fractions) differs from the locked one."""
        names = list(self.weights) + [k for k in weights if k not in self.weights]
        return {k: (self.weights.get(k, 0.0), weights.get(k, 0.0)) for k in names
                if abs(self.weights.get(k, 0.0) - weights.get(k, 0.0)) > 1e-9}


def value(version: int, weights: Mapping[str, float], scores: int, prices: str) -> str:
    """What is locked, as its audit entry records it."""
    return json.dumps({"version": version, "weights": dict(weights), "scores": scores,
                       "prices": prices}, sort_keys=True)


def read(entries: Iterable[Any]) -> WeightsLock | None:
    """The lock and the changes after it, from an evaluation's audit entries (oldest first)."""
    lock: WeightsLock | None = None
    changes: list[WeightChange] = []
    for e in entries:
        if e.action == CHANGE and e.item == LOCKED and e.new_value:
            data = json.loads(e.new_value)
            lock = WeightsLock(e.at, e.actor, e.reason, int(data["version"]),
                               {k: float(v) for k, v in data["weights"].items()},
                               int(data["scores"]), str(data["prices"]))
        elif lock is not None and e.action == CHANGE and e.item == CHANGED:
            changes.append(WeightChange(e.at, e.actor, e.version, json.loads(e.old_value or "{}"),
                                        json.loads(e.new_value or "{}"), e.reason))
    if lock is None:
        return None
    return WeightsLock(**{**vars(lock), "changes": tuple(changes)})


def statement(lock: WeightsLock | None, weights: Mapping[str, float]) -> list[tuple[str, bool]]:
    """The lock in sentences, for the report and the decision document, each with whether it
    is to stand out (a change after the lock): when and by whom it was locked, every change
    after it with its reason, and whether the weights in use are the ones locked."""
    if lock is None:
        return [("The weights were not locked before the evaluation.", False)]
    out = [(f"The weights were locked by {lock.by} on {lock.at[:16].replace('T', ' ')} UTC "
            f"(version {lock.version}), {lock.before_opening()}. Reason: {lock.reason}.", False)]
    for c in lock.changes:
        moved = ", ".join(f"{k} {c.before.get(k, 0.0):.1%} to {c.after.get(k, 0.0):.1%}"
                          for k in dict.fromkeys([*c.before, *c.after])
                          if abs(c.before.get(k, 0.0) - c.after.get(k, 0.0)) > 1e-9)
        out.append((f"Changed after the lock by {c.by} on {c.at[:16].replace('T', ' ')} UTC"
                    f"{f' (version {c.version})' if c.version else ''}: {moved}. "
                    f"Reason: {c.reason}.", True))
    moved = lock.moved(weights)
    if not moved:
        out.append(("The weights in use are the ones locked.", False))
    else:
        out.append(("The weights in use differ from those locked: " + ", ".join(
            f"{k} locked at {a:.1%}, now {b:.1%}" for k, (a, b) in moved.items()) + ".", True))
    return out
