"""The audit log as people read it: the same rows on the Report & share page and in the report."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from scoring.settings import METHOD_LABELS, PRICE_FORMULA_LABELS, SPECS

ITEM_LABELS = {
    "method": "scoring method", "price_formula": "price formula", "price_floor": "price floor",
    "price_ceiling": "price ceiling", "weights": "weights", "sla_gate": "mission-grade SLA gate",
    "weighting": "how weights are entered", "edited_award": "hand-edited award",
    "consensus": "consensus method", "panel": "panel record", "robustness": "robustness settings",
    "simulation": "cost simulation", "scenario": "scenario what-ifs", "snapshot": "workbook snapshot",
    "revised bid book": "revised bid book (workbook replaced)",
    "consensus_open": "consensus open", "prices_visible": "evaluators see prices",
    "consensus_method": "consensus method",
    **{f"what-if {k}": f"what-if: {s.label.lower()}" for k, s in SPECS.items() if s.what_if},
}
ACTION_LABELS = {"setting": "Setting", "workbook": "Workbook", "create evaluation": "Created",
                 "member": "Membership", "panel": "Panel switch", "score": "Score",
                 "moderation": "Moderated value", "version": "Version"}
ITEM_LABELS["stored"] = "stored (hash of the version's evaluation)"


def readable(value: str | None, item: str = "weights") -> str:
    """An audited value as a person reads it: labels, percentages, '(not set)'. Numbers in a
    mapping read as weights only for the item ``weights``."""
    if value is None or value == "null":
        return "(not set)"
    if value in METHOD_LABELS:
        return METHOD_LABELS[value]
    if value in PRICE_FORMULA_LABELS:
        return PRICE_FORMULA_LABELS[value]
    try:
        parsed = json.loads(value)
    except ValueError:
        return value
    if isinstance(parsed, list) and parsed and all(
            isinstance(x, list) and len(x) == 2 and isinstance(x[0], str) for x in parsed):
        parsed = dict(parsed)  # (name, value) pairs, e.g. weights in criterion order
    if isinstance(parsed, dict):
        numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool)
                      for x in parsed.values())
        total = sum(parsed.values()) if numbers else 0
        if numbers and item == "weights" and abs(total - 1) < 1e-6:
            return ", ".join(f"{k} {x:.1%}" for k, x in parsed.items())
        if numbers and item == "weights" and total > 0:  # points: as typed, and their weight
            return ", ".join(f"{k} {x:g} ({x / total:.1%})" for k, x in parsed.items())
        if all(isinstance(x, str) for x in parsed.values()):  # e.g. component: vendor
            return "; ".join(f"{k}: {x}" for k, x in parsed.items())
        return ", ".join(f"{k.replace('_', ' ')} {_number(x)}" for k, x in parsed.items())
    if isinstance(parsed, bool):
        return "on" if parsed else "off"
    if isinstance(parsed, (int, float)):
        return _number(parsed)
    return value


def _number(x: Any) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) >= 1_000:
        return f"{x:,.0f}"
    return f"{x:g}" if isinstance(x, float) else str(x)


def audit_rows(entries: Iterable[Any]) -> list[dict[str, Any]]:
    """Audit entries (``store.AuditEntry``) as table rows: labels, readable values, UTC times."""
    return [
        {"When (UTC)": e.at.replace("T", " ")[:19], "Who": e.actor,
         "Version": "" if e.version is None else e.version,
         "What": f"{ACTION_LABELS.get(e.action, e.action)}: {ITEM_LABELS.get(e.item, e.item)}",
         "Old value": readable(e.old_value, e.item),
         "New value": readable(e.new_value, e.item), "Why": e.reason}
        for e in entries
    ]


