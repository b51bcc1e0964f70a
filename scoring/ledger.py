"""The audit log as a hash chain, and the check that the record is what the app wrote.

Each audit entry carries the hash of its own content and of the entry before it in the same
evaluation (an HMAC-SHA-256, keyed with ``SSW_AUDIT_KEY`` when the deployment sets one, else
plain SHA-256). Changing, removing or reordering an entry breaks the chain from there on; with a
key, someone with database access but not the key cannot forge a new entry either.

``verify`` checks, for an evaluation: the chain; that every version's stored evaluation, every
workbook snapshot, every panel score, moderation, finding and consensus narrative has the audit
entry that recorded it; and that the members, panel switches and name in the database are what
the audit log's entries make them. It names the first thing that does not hold.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
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


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain_text(text: str) -> str:
    """Free text as the record keeps it: control characters (pasted from another program; no
    report cell may hold them) become spaces, tabs and line breaks stay, ends are trimmed."""
    return _CONTROL.sub(" ", text).strip()


def number_text(value: float) -> str:
    """A number as the audit log records it: the shortest text that reads back as exactly the
    same float (3.0 → "3", 0.1 → "0.1"), so ``verify`` can compare it exactly."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True)
class Anchor:
    """What a check printed, kept outside the database: the evaluation had at least ``entries``
    audit entries, and entry number ``entries`` had a hash starting ``prefix``. A chain alone
    cannot show that its newest entries, or a whole evaluation, were removed; an anchor can."""

    evaluation_id: int
    entries: int
    prefix: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        parts = text.strip().split(":")
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() \
                or not re.fullmatch(r"[0-9a-f]{16,64}", parts[2].lower()):
            raise ValueError(f"{text!r} is not an anchor: give it as verify printed it, "
                             "EVALUATION:ENTRIES:HASH (the hash at least 16 hex digits)")
        if int(parts[0]) < 1 or int(parts[1]) < 1:
            raise ValueError(f"{text!r} is not an anchor: the evaluation and the entry count "
                             "start at 1")
        return cls(int(parts[0]), int(parts[1]), parts[2].lower())

    def __str__(self) -> str:
        return f"{self.evaluation_id}:{self.entries}:{self.prefix}"


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

    @property
    def anchor(self) -> str:
        """Keep this outside the database; ``verify --anchor`` then also finds entries removed
        from the end of the chain, or the evaluation removed whole."""
        return str(Anchor(self.evaluation_id, self.entries, self.head[:32]))

    def describe(self) -> str:
        if self.intact:
            return (f"evaluation #{self.evaluation_id}: intact, {self.entries} audit entries, chain "
                    f"head {self.head[:16]}…, anchor {self.anchor}")
        where = f" at audit entry {self.entry_id}" if self.entry_id is not None else ""
        return f"evaluation #{self.evaluation_id}: BROKEN{where}: {self.problem}"


def check(evaluation_id: int, entries: Sequence[Mapping[str, Any]], *, versions: Sequence[Mapping[str, Any]],
          snapshots: Mapping[str, bytes], scores: Sequence[Mapping[str, Any]],
          moderations: Sequence[Mapping[str, Any]], members: Mapping[str, str],
          flags: Mapping[str, str], evaluation: Mapping[str, Any] | None,
          key: bytes | None = None, anchor: Anchor | None = None,
          findings: Sequence[Mapping[str, Any]] = (),
          narratives: Sequence[Mapping[str, Any]] = (),
          submissions: Sequence[Mapping[str, Any]] = (),
          declarations: Sequence[Mapping[str, Any]] = (),
          assignments: Sequence[Mapping[str, Any]] = (),
          books: Sequence[Mapping[str, Any]] = ()) -> Verdict:
    """The checks of ``verify`` on rows already read (see the module's note)."""
    if anchor is not None and evaluation is None and not entries:
        return Verdict(evaluation_id, 0, "", f"the evaluation is not in the database, but the anchor "
                       f"{anchor} says it had at least {anchor.entries} audit entries (it was removed)")
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
    if anchor is not None:
        if anchor.entries > len(entries):
            return Verdict(evaluation_id, len(entries), head, f"the audit log has {len(entries)} "
                           f"entries, but the anchor {anchor} says it had at least {anchor.entries} "
                           "(entries were removed from its end)")
        at = entries[anchor.entries - 1]
        if not at["hash"].startswith(anchor.prefix):
            return Verdict(evaluation_id, len(entries), head, f"entry number {anchor.entries} is not "
                           f"the one the anchor {anchor} recorded (the chain was rewritten)", at["id"])
    verdict = _records(evaluation_id, entries, versions, snapshots, scores, moderations, members,
                       flags, evaluation) or _written(entries, findings, narratives,
                                                       submissions, declarations, assignments) \
        or _books(entries, books, snapshots)
    return Verdict(evaluation_id, len(entries), head, verdict[0], verdict[1]) if verdict else Verdict(
        evaluation_id, len(entries), head)


def _records(evaluation_id: int, entries: Sequence[Mapping[str, Any]], versions: Sequence[Mapping[str, Any]],
             snapshots: Mapping[str, bytes], scores: Sequence[Mapping[str, Any]],
             moderations: Sequence[Mapping[str, Any]], members: Mapping[str, str],
             flags: Mapping[str, str], evaluation: Mapping[str, Any] | None
             ) -> tuple[str, int | None] | None:
    created = next((e for e in entries if e["action"] == "create evaluation"), None)
    if created is None or evaluation is None or evaluation["name"] != created["item"].strip()[:200] \
            or evaluation["created_by"] != created["actor"] \
            or (created["actor"] != UPGRADE and evaluation["created_at"] != created["at"]):
        return "the evaluation's name, creator or date is not the one the audit log recorded", None
    problem = _versions(entries, versions, snapshots)
    if problem:
        return problem, None
    audited = [(e["actor"], e["item"], e["new_value"], e["reason"], e["at"]) for e in entries
               if e["action"] == "score"]
    found = [(s["evaluator"], _item(s), float(s["score"]), s["rationale"], s["at"]) for s in scores]
    if not _same(found, audited):
        return "the panel scores in the database are not the ones the audit log recorded", None
    audited = [(e["actor"], e["item"], e["new_value"], e["reason"], e["at"]) for e in entries
               if e["action"] == "moderation"]
    found = [(m["chair"], _item(m), None if m["value"] is None else float(m["value"]),
              m["rationale"], m["at"]) for m in moderations]
    if not _same(found, audited):
        return "the moderations in the database are not the ones the audit log recorded", None
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


def _written(entries: Sequence[Mapping[str, Any]], findings: Sequence[Mapping[str, Any]],
             narratives: Sequence[Mapping[str, Any]],
             submissions: Sequence[Mapping[str, Any]] = (),
             declarations: Sequence[Mapping[str, Any]] = (),
             assignments: Sequence[Mapping[str, Any]] = ()) -> tuple[str, int | None] | None:
    """The findings and consensus narratives in the database are, in order, the ones the audit
    log recorded: same person, cell, kind, reference, text and time."""
    audited = [(e["actor"], e["item"], e["old_value"], e["new_value"], e["reason"], e["at"])
               for e in entries if e["action"] == "finding"]
    found = [(f["evaluator"], _item(f), None if f["withdraws"] is None else f"#{f['withdraws']}",
              "withdrawn" if f["withdraws"] is not None
              else finding_value(f["kind"], f["reference"], f["id"]),
              f["text"], f["at"]) for f in findings]
    by_id = {f["id"]: f for f in findings if f["withdraws"] is None}
    # a withdrawal takes back a finding of the same evaluator on the same cell
    misplaced = [f for f in findings if f["withdraws"] is not None and (
        (target := by_id.get(f["withdraws"])) is None or target["evaluator"] != f["evaluator"]
        or _item(target) != _item(f))]
    if found != audited or misplaced:
        return "the findings in the database are not the ones the audit log recorded", None
    audited = [(e["actor"], e["item"], e["reason"], e["at"]) for e in entries
               if e["action"] == "narrative"]
    found = [(n["chair"], _item(n), n["text"], n["at"]) for n in narratives]
    if found != audited:
        return "the consensus narratives in the database are not the ones the audit log recorded", None
    audited = [(e["actor"], e["item"], e["new_value"], e["reason"], e["at"]) for e in entries
               if e["action"] == "submission"]
    found = [(x["by"], plain_text(x["evaluator"])[:300], x["action"], x["reason"], x["at"])
             for x in submissions]
    if found != audited:
        return "the submissions in the database are not the ones the audit log recorded", None
    audited = [(e["actor"], e["item"], e["new_value"], e["reason"], e["at"]) for e in entries
               if e["action"] == "declaration"]
    found = [(x["by"], plain_text(x["user_id"])[:300], x["answer"],
              x["detail"] if x["answer"] == "conflict" else x["statement"], x["at"])
             for x in declarations]
    if found != audited:
        return "the declarations in the database are not the ones the audit log recorded", None
    audited = [(e["actor"], e["item"], e["new_value"], e["reason"], e["at"]) for e in entries
               if e["action"] == "assignment"]
    found = [(x["by"], plain_text(x["evaluator"])[:300], assignment_value(x["criteria"], x["lots"]),
              x["reason"], x["at"]) for x in assignments]
    if found != audited:
        return "the assignments in the database are not the ones the audit log recorded", None
    return None


def _books(entries: Sequence[Mapping[str, Any]], books: Sequence[Mapping[str, Any]],
           snapshots: Mapping[str, bytes]) -> tuple[str, int | None] | None:
    """The performance workbooks stored are, in order, the ones the audit log recorded, each
    snapshot's bytes still hashing to its name."""
    audited = [(e["actor"], e["item"], e["new_value"], e["reason"], e["at"]) for e in entries
               if e["action"] == "performance"]
    found = [(b["by"], plain_text(b["filename"])[:300], b["snapshot_sha256"], b["reason"], b["at"])
             for b in sorted(books, key=lambda b: b["number"])]
    if found != audited:
        return "the performance workbooks in the database are not the ones the audit log recorded", None
    for b in books:
        data = snapshots.get(b["snapshot_sha256"])
        if data is None or hashlib.sha256(data).hexdigest() != b["snapshot_sha256"]:
            return (f"performance workbook {b['number']}'s bytes are missing or not the ones "
                    "stored", None)
    return None


def assignment_value(criteria: str, lots: str) -> str:
    """An assignment's criteria and lots (each a JSON list) as its audit entry records them."""
    return json.dumps({"criteria": json.loads(criteria), "lots": json.loads(lots)},
                      ensure_ascii=False)


def finding_value(kind: str, reference: str, entry: int) -> str:
    """A finding's kind, proposal reference and entry number as its audit entry records them."""
    return json.dumps({"kind": kind, "reference": reference, "entry": int(entry)},
                      ensure_ascii=False)


UPGRADE = "schema upgrade"  # the actor of entries a migration wrote for records older than it


def _versions(entries: Sequence[Mapping[str, Any]], versions: Sequence[Mapping[str, Any]],
              snapshots: Mapping[str, bytes]) -> str:
    """Every version is the one its audit entries recorded: its stored evaluation, author, date and
    reason, and the workbook the audit log says it is of (a revised bid book from its version on)."""
    stored = {e["version"]: e for e in entries if e["action"] == "version" and e["item"] == "stored"}
    books = sorted((e["version"], e["new_value"]) for e in entries if e["action"] == "workbook")
    missing = sorted(set(stored) - {v["number"] for v in versions})
    if missing:
        return f"version {missing[0]}, which the audit log recorded, is not in the database"
    for v in versions:
        entry = stored.get(v["number"])
        if entry is None or entry["new_value"] != text_hash(v["settings"]):
            return f"version {v['number']}'s stored evaluation is not the one its audit entry recorded"
        if entry["actor"] != UPGRADE and (v["author"], v["created_at"], v["reason"]) != (
                entry["actor"], entry["at"], entry["reason"]):
            return (f"version {v['number']}'s author, date or reason is not the one its audit entry "
                    "recorded")
        book = [sha for number, sha in books if number <= v["number"]]
        if book and v["snapshot_sha256"] != book[-1]:
            return (f"version {v['number']} is not of the workbook the audit log recorded for it "
                    "(its snapshot was repointed)")
        data = snapshots.get(v["snapshot_sha256"])
        if data is None or text_hash(data) != v["snapshot_sha256"]:
            return f"the workbook snapshot of version {v['number']} is missing or changed"
    return ""


def cell_item(vendor: str, lot: str, criterion: str) -> str:
    """A panel cell as its audit entry names it (the store writes it, ``verify`` compares it)."""
    return plain_text(f"{vendor} / {lot or '-'} / {criterion}")[:300]


def _item(row: Mapping[str, Any]) -> str:
    return cell_item(row["vendor"], row["lot"], row["criterion"])


def _same(found: Sequence[tuple[Any, ...]], audited: Sequence[tuple[Any, ...]]) -> bool:
    """The rows, in the order they were written, are the entries that recorded them: same person,
    cell, text and time, and the same number exactly (the audit text reads back as the float)."""
    if len(found) != len(audited):
        return False
    return all(_matches(f, a) for f, a in zip(found, audited, strict=True))


def _matches(found: tuple[Any, ...], audited: tuple[Any, ...]) -> bool:
    who, item, value, text, at = found
    actor, entry_item, recorded, reason, entry_at = audited
    if (who, item, plain_text(text or ""), at) != (actor, entry_item, reason or "", entry_at):
        return False
    if value is None:
        return recorded == "withdrawn"
    try:
        return float(recorded) == value
    except (TypeError, ValueError):
        return False
