"""The audit log as a hash chain, and the check that the record is what the app wrote.

Each audit entry carries the hash of its own content and of the entry before it in the same
evaluation (an HMAC-SHA-256, keyed with ``SSW_AUDIT_KEY`` when the deployment sets one, else
plain SHA-256). Changing, removing or reordering an entry breaks the chain from there on; with a
key, someone with database access but not the key cannot forge a new entry either.

``verify`` checks, for an evaluation: the chain; that every version's stored evaluation, every
workbook snapshot, every panel score and moderation has the audit entry that recorded it; and
that the members, panel switches and name in the database are what the audit log's entries
make them. It names the first thing that does not hold.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

KEY_VARIABLE = "SSW_AUDIT_KEY"
FIELDS = ("evaluation_id", "version", "at", "actor", "action", "item", "old_value", "new_value",
          "reason")


def audit_key() -> bytes:
    return os.environ.get(KEY_VARIABLE, "").encode()


def entry_hash(entry: Mapping[str, Any], prev_hash: str, key: bytes | None = None) -> str:
    """The hash of one entry's content chained to the previous entry's hash."""
    content = json.dumps([entry.get(f) for f in FIELDS] + [prev_hash], ensure_ascii=False,
                         separators=(",", ":"))
    return hmac.new(audit_key() if key is None else key, content.encode(), hashlib.sha256).hexdigest()


def text_hash(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


@dataclass(frozen=True)
class Verdict:
    """What ``verify`` found: intact, or the first entry (or row) that does not hold and why."""

    evaluation_id: int
    entries: int
    head: str  # the last entry's hash: print it, and a later check can compare
    problem: str = ""
    entry_id: int | None = None

    @property
    def intact(self) -> bool:
        return not self.problem

    def describe(self) -> str:
        if self.intact:
            return (f"evaluation #{self.evaluation_id}: intact, {self.entries} audit entries, chain "
                    f"head {self.head[:16]}…")
        where = f" at audit entry {self.entry_id}" if self.entry_id is not None else ""
        return f"evaluation #{self.evaluation_id}: BROKEN{where}: {self.problem}"


def check(evaluation_id: int, entries: Sequence[Mapping[str, Any]], *, versions: Sequence[Mapping[str, Any]],
          snapshots: Mapping[str, bytes], scores: Sequence[Mapping[str, Any]],
          moderations: Sequence[Mapping[str, Any]], members: Mapping[str, str],
          flags: Mapping[str, str], evaluation: Mapping[str, Any] | None,
          key: bytes | None = None) -> Verdict:
    """The checks of ``verify`` on rows already read (see the module's note)."""
    prev = ""
    for e in entries:
        if e.get("prev_hash") != prev:
            return Verdict(evaluation_id, len(entries), prev, "the entry does not follow the one "
                           "before it (an entry was removed, inserted or reordered)", e["id"])
        if e.get("hash") != entry_hash(e, prev, key):
            return Verdict(evaluation_id, len(entries), prev, "the entry's content is not what was "
                           "recorded (changed after it was written, or written outside the app)",
                           e["id"])
        prev = e["hash"]
    head = prev
    verdict = _records(evaluation_id, entries, versions, snapshots, scores, moderations, members,
                       flags, evaluation)
    return Verdict(evaluation_id, len(entries), head, verdict[0], verdict[1]) if verdict else Verdict(
        evaluation_id, len(entries), head)


def _records(evaluation_id: int, entries: Sequence[Mapping[str, Any]], versions: Sequence[Mapping[str, Any]],
             snapshots: Mapping[str, bytes], scores: Sequence[Mapping[str, Any]],
             moderations: Sequence[Mapping[str, Any]], members: Mapping[str, str],
             flags: Mapping[str, str], evaluation: Mapping[str, Any] | None
             ) -> tuple[str, int | None] | None:
    stored = {e["version"]: e["new_value"] for e in entries
              if e["action"] == "version" and e["item"] == "stored"}
    for v in versions:
        if stored.get(v["number"]) != text_hash(v["settings"]):
            return (f"version {v['number']}'s stored evaluation is not the one its audit entry "
                    "recorded", None)
        data = snapshots.get(v["snapshot_sha256"])
        if data is None or text_hash(data) != v["snapshot_sha256"]:
            return f"the workbook snapshot of version {v['number']} is missing or changed", None
    audited = Counter((e["actor"], e["item"], e["new_value"], e["reason"]) for e in entries
                      if e["action"] == "score")
    found = Counter((s["evaluator"], f"{s['vendor']} / {s['lot'] or '-'} / {s['criterion']}",
                     f"{float(s['score']):g}", s["rationale"]) for s in scores)
    if found != audited:
        return "the panel scores in the database are not the ones the audit log recorded", None
    audited = Counter((e["actor"], e["item"], e["new_value"], e["reason"]) for e in entries
                      if e["action"] == "moderation")
    found = Counter((m["chair"], f"{m['vendor']} / {m['lot'] or '-'} / {m['criterion']}",
                     "withdrawn" if m["value"] is None else f"{float(m['value']):g}", m["rationale"])
                    for m in moderations)
    if found != audited:
        return "the moderations in the database are not the ones the audit log recorded", None
    created = next((e for e in entries if e["action"] == "create evaluation"), None)
    if created is None or evaluation is None or evaluation["name"] != created["item"].strip()[:200] \
            or evaluation["created_by"] != created["actor"]:
        return "the evaluation's name or creator is not the one the audit log recorded", None
    expected = {created["actor"]: "chair"}
    for e in entries:
        if e["action"] == "member":
            if e["new_value"] is None:
                expected.pop(e["item"], None)
            else:
                expected[e["item"]] = e["new_value"]
    if dict(members) != expected:
        return "the members and roles in the database are not the ones the audit log recorded", None
    switches: dict[str, str] = {}
    for e in entries:
        if e["action"] == "panel" and e["new_value"] is not None:
            switches[e["item"]] = e["new_value"]
    if dict(flags) != switches:
        return "the panel switches in the database are not the ones the audit log recorded", None
    return None
