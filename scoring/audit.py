"""The audit log as people read it: the same rows on the Report & share page and in the report."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scoring.settings import METHOD_LABELS, PRICE_FORMULA_LABELS, SPECS

ITEM_LABELS = {
    "method": "scoring method", "price_formula": "price formula", "price_floor": "price floor",
    "price_ceiling": "price ceiling", "weights": "weights", "sla_gate": "mission-grade SLA gate",
    "weighting": "how weights are entered", "edited_award": "hand-edited award",
    "consensus": "consensus method", "panel": "panel record", "robustness": "robustness settings",
    "simulation": "cost simulation", "scenario": "scenario what-ifs", "snapshot": "workbook snapshot",
    "frontier": "best-value frontier options",
    "revised bid book": "revised bid book (workbook replaced)",
    "consensus_open": "consensus open", "prices_visible": "evaluators see prices",
    "consensus_method": "consensus method", "scoring_due": "scoring due by",
    "consensus_locked": "technical consensus locked", "prices_unsealed": "prices unsealed",
    "weights_locked": "weights locked",
    **{f"what-if {k}": f"what-if: {s.label.lower()}" for k, s in SPECS.items() if s.what_if},
}
ACTION_LABELS = {"setting": "Setting", "workbook": "Workbook", "create evaluation": "Created",
                 "member": "Membership", "panel": "Panel switch", "score": "Score",
                 "moderation": "Moderated value", "version": "Version", "finding": "Finding",
                 "narrative": "Consensus narrative", "submission": "Submission",
                 "declaration": "Conflict-of-interest declaration",
                 "assignment": "Assignment", "weights": "Weights",
                 "performance": "Performance workbook"}
ITEM_LABELS["stored"] = "stored (hash of the version's evaluation)"


def readable(value: str | None, item: str = "weights") -> str:
    """An audited value as a person reads it: labels, percentages, '(not set)'. Numbers in a
    mapping read as weights only for the item ``weights``."""
    if value is None or value == "null":
        return "(not set)"
    if item == "weight inputs":
        return weight_inputs(value)
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
    if isinstance(parsed, dict) and set(parsed) == {"criteria", "lots"}:  # an assignment
        from scoring.panel import Assignment

        return Assignment("", tuple(parsed["criteria"]), tuple(parsed["lots"])).describe()
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


def finding_parts(value: str | None) -> tuple[str, str, str]:
    """(kind, proposal reference, entry number) of a finding's audited value."""
    try:
        parsed = json.loads(value or "")
    except ValueError:
        return str(value or "finding"), "", ""
    if not isinstance(parsed, dict):
        return str(value), "", ""
    return (str(parsed.get("kind", "finding")), str(parsed.get("reference", "")),
            str(parsed.get("entry", "")))


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
         "Old value": _value(e, e.old_value), "New value": _value(e, e.new_value), "Why": e.reason}
        for e in entries
    ]


def _value(e: Any, value: str | None) -> str:
    """An entry's value in the audit table (what a weights lock fixed, in words)."""
    if e.action == "weights" and e.item == "locked" and value:
        from scoring.weight_lock import read

        lock = read([e])
        return f"{readable(json.dumps(lock.weights))}; {lock.before_opening()}" if lock else value
    return readable(value, "weights" if e.action == "weights" else e.item)


def weight_inputs(value: str) -> str:
    """A weighting method's inputs (the audit item ``weight inputs``) in words."""
    data = json.loads(value)
    parts = []
    for key, label in (("factor_ranks", "factor ranks"), ("importance_ranks", "ranks"),
                       ("factor_swing", "factor swing ratings"), ("swing", "swing ratings")):
        if data.get(key):
            parts.append(f"{label} " + ", ".join(f"{k} {_number(v)}" for k, v in data[key].items()))
    if data.get("ahp"):
        parts.append("AHP " + "; ".join(
            f"{j['member'] or 'panel'}: {j['a']} {_ratio(j['value'])} as important as {j['b']}"
            for j in data["ahp"]))
    return "; ".join(parts) or "(none)"


def _ratio(value: float) -> str:
    """A judgement as read: '3×' as important, or '1/3×'."""
    return f"{value:g}×" if value >= 1 else f"1/{1 / value:.0f}×"




def report_zone() -> dt.tzinfo:
    """The time zone the report states times in: SSW_TIMEZONE (an IANA name such as
    America/New_York, the agency's), else UTC."""
    name = os.environ.get("SSW_TIMEZONE", "").strip()
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return dt.UTC


def local_time(at: str, zone: dt.tzinfo | None = None) -> str:
    """An audit time (ISO, UTC) as a person reads it: '1 December 2026, 11:30 EST'."""
    zone = zone or report_zone()
    try:
        when = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return at
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    when = when.astimezone(zone)
    return f"{when.day} {when:%B %Y, %H:%M} {when.tzname() or ''}".strip()


def sentence(e: Any) -> str:
    """One audit entry as a sentence a reader of the record follows."""
    who = e.actor or "someone"
    label = ITEM_LABELS.get(e.item, e.item)
    old, new = readable(e.old_value, e.item), readable(e.new_value, e.item)
    version = f" (version {e.version})" if e.version is not None else ""
    if e.action == "create evaluation":
        text = f"{who} created the evaluation \u201c{new}\u201d"
    elif e.action == "version":
        text = f"{who} saved version {e.version if e.version is not None else ''}".rstrip()
        version = ""
    elif e.action == "workbook":
        text = f"{who} recorded the workbook snapshot {new[:16]}…"
    elif e.action == "score":
        text = (f"{who} scored {label} {new}" if e.old_value in (None, "null")
                else f"{who} changed their score for {label} from {old} to {new}")
    elif e.action == "moderation":
        text = (f"{who} withdrew the moderation of {label}"
                if e.new_value in (None, "null", "withdrawn") else f"{who} moderated {label} to {new}")
    elif e.action == "finding":
        if e.new_value == "withdrawn":
            text = f"{who} withdrew their finding {e.old_value or ''} on {label}".replace("  ", " ")
        else:
            kind, ref, entry = finding_parts(e.new_value)
            number = f" #{entry}" if entry else ""
            text = (f"{who} recorded {'an' if kind[:1] in 'aeiou' else 'a'} {kind}{number} on "
                    f"{label}: "
                    f"\u201c{e.reason}\u201d" + (f" (proposal reference {ref})" if ref else ""))
            return f"{text}{version}."
    elif e.action == "declaration":
        text = {"none": f"{who} declared no conflict of interest",
                "conflict": f"{who} declared a conflict of interest",
                "recuse": f"{who} recused {label} for a declared conflict of interest",
                "accept": f"{who} allowed {label} to go on despite a declared conflict of "
                          "interest"}.get(str(e.new_value), f"{who} recorded a declaration")
        if e.new_value == "none":
            return f"{text}{version}."  # the declaration's text itself is in the record
        if e.new_value == "conflict":
            return f"{text}: \u201c{e.reason}\u201d{version}."
    elif e.action == "submission":
        text = (f"{who} submitted their scores, which locks them" if e.new_value == "submitted"
                else f"{who} reopened {label}'s submitted scores")
    elif e.action == "narrative":
        return f"{who} wrote the consensus narrative for {label}: \u201c{e.reason}\u201d{version}."
    elif e.action == "assignment":
        text = f"{who} assigned {label} to score {new}"
    elif e.action == "panel" and e.item == "consensus_locked":
        text = f"{who} {'locked' if e.new_value == 'yes' else 'unlocked'} the technical consensus"
    elif e.action == "panel" and e.item == "weights_locked":
        text = f"{who} locked the weights"
    elif e.action == "performance":
        text = f"{who} stored the performance workbook {label} ({str(e.new_value)[:16]}…)"
    elif e.action == "weights" and e.item == "locked":
        from scoring.weight_lock import read

        lock = read([e])
        return (f"The weights locked: {readable(json.dumps(lock.weights))}, "
                f"{lock.before_opening()}{version}." if lock else f"The weights locked{version}.")
    elif e.action == "weights":
        text = (f"{who} changed the weights after they were locked, from "
                f"{readable(e.old_value)} to {readable(e.new_value)}")
    elif e.action == "panel" and e.item == "prices_unsealed":
        text = f"{who} unsealed the prices"
    elif e.action == "panel" and e.item == "scoring_due":
        text = (f"{who} set the date scoring is due to {new}" if e.new_value
                else f"{who} cleared the date scoring is due")
    elif e.action == "member":
        text = (f"{who} removed {label} from the panel" if e.new_value in (None, "null")
                else f"{who} made {label} a panel {new}")
    elif e.old_value in (None, "null"):
        text = f"{who} set the {label} to {new}"
    else:
        text = f"{who} changed the {label} from {old} to {new}"
    why = f", because: {e.reason}" if e.reason else ""
    return f"{text}{version}{why}."


def audit_sentences(entries: Iterable[Any], zone: dt.tzinfo | None = None) -> list[dict[str, Any]]:
    """Audit entries as the report's Audit log reads them: the local time with its zone, who,
    and what happened in a sentence (labels, not keys; weights as percentages)."""
    zone = zone or report_zone()
    return [{"When": local_time(e.at, zone), "Who": e.actor, "What happened": sentence(e)}
            for e in entries]
