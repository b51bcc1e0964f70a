"""Persistence: evaluations, workbook snapshots, numbered versions, the panel's entries, audit log.

SQLAlchemy 2 Core over SQLite (embedded default: WAL, busy timeout, ``BEGIN IMMEDIATE``
writes) or PostgreSQL (psycopg 3). The schema is defined once in ``scoring.schema`` and built
by the Alembic migrations. Snapshots, versions, panel entries and the audit log are
append-only: triggers in the database refuse UPDATE and DELETE on them. A version stores one
Evaluation value as JSON, the panel record as of the save included, so a saved version's
figures never move. A save names the version it was based on; if someone saved in between,
it is refused with who and when, and nothing is overwritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from scoring import weight_lock
from scoring.evaluation import Evaluation, EvaluationError, PanelRecord, is_legacy
from scoring.ledger import (
    Anchor,
    Verdict,
    assignment_value,
    cell_item,
    entry_hash,
    finding_value,
    number_text,
    plain_text,
    text_hash,
)
from scoring.ledger import audit_key as ledger_key
from scoring.ledger import check as ledger_check
from scoring.model import FINDING_KINDS, Finding, PanelScore, fold
from scoring.panel import Assignment, Consensus, Moderation, Narrative
from scoring.schema import (
    ROLES,
    assignments,
    audit_log,
    declarations,
    evaluations,
    members,
    metadata,
    moderations,
    narratives,
    panel_findings,
    panel_flags,
    panel_scores,
    performance_books,
    snapshots,
    submissions,
    versions,
)

APP_DIR_NAME = "source-selection-workbench"
ENV_URL = "SSW_DATABASE_URL"
CONNECT_TIMEOUT_S = 5  # PostgreSQL: seconds to wait for a connection
FLAG_DEFAULTS = {"consensus_open": "no", "prices_visible": "no", "consensus_method": "median",
                 "scoring_due": "", "consensus_locked": "no", "prices_unsealed": "no",
                 "price_envelope": "open", "weights_locked": ""}
FLAG_VALUES = {"consensus_open": ("yes", "no"), "prices_visible": ("yes", "no"),
               "consensus_locked": ("yes", "no"), "prices_unsealed": ("yes", "no"),
               "consensus_method": tuple(Consensus), "price_envelope": ("open", "sealed")}
LOCKED = ("the technical consensus is locked: scores, findings, moderations, narratives, "
          "assignments, reopenings and the consensus switches no longer change")
__all__ = ["ROLES", "FLAG_DEFAULTS", "Store", "StoreError", "StaleVersion", "Version", "metadata"]


class StoreError(Exception):
    """A storage request that cannot be honoured; the message says why, plainly."""


class StaleVersion(StoreError):
    """A save based on an old version: someone else saved first. Nothing was written."""

    def __init__(self, current: int, changed_by: str, changed_at: str) -> None:
        super().__init__(
            f"This evaluation was changed by {changed_by} at {changed_at} (now version "
            f"{current}). Reload to see their changes; your own changes are kept until you do."
        )
        self.current = current
        self.changed_by = changed_by
        self.changed_at = changed_at


@dataclass(frozen=True)
class Version:
    evaluation_id: int
    number: int
    snapshot_sha256: str
    settings: dict[str, Any]  # the stored JSON
    author: str
    created_at: str
    reason: str
    evaluation: Evaluation  # what the version froze: every figure derives from it


@dataclass(frozen=True)
class EvaluationInfo:
    id: int
    name: str
    created_by: str
    created_at: str
    latest_version: int


@dataclass(frozen=True)
class AuditEntry:
    id: int
    evaluation_id: int
    version: int | None
    at: str
    actor: str
    action: str
    item: str
    old_value: str | None
    new_value: str | None
    reason: str


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def default_url() -> str:
    """``SSW_DATABASE_URL`` if set, else a SQLite file in the user's data directory."""
    url = os.environ.get(ENV_URL)
    if url:
        return url
    from platformdirs import user_data_dir

    folder = Path(user_data_dir(APP_DIR_NAME, appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'evaluations.db'}"


def _sqlite_setup(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, busy timeout, foreign keys; writes start with BEGIN IMMEDIATE (no lock upgrades,
    so two writers can never deadlock: the second waits up to the busy timeout)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # let SQLAlchemy's begin event issue BEGIN
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str | None = None, *, busy_timeout_ms: int = 15_000) -> Engine:
    url = url or default_url()
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000})
        return prepare_engine(engine, busy_timeout_ms=busy_timeout_ms)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    # a database that does not answer is said so within seconds, not after the system's TCP
    # timeout (minutes)
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})


def prepare_engine(engine: Engine, *, busy_timeout_ms: int = 15_000) -> Engine:
    """Give an engine made elsewhere (e.g. by ``st.connection``) the store's SQLite settings."""
    if engine.dialect.name == "sqlite" and not getattr(engine, "_ssw_prepared", False):
        _sqlite_setup(engine, busy_timeout_ms)
        engine._ssw_prepared = True  # type: ignore[attr-defined]
        engine.dispose()  # connections opened before the settings are dropped
    return engine


def _alembic_config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    return cfg


def schema_revisions(engine: Engine) -> tuple[str | None, str | None]:
    """(the database's schema revision, the revision this release needs)."""
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current, ScriptDirectory.from_config(_alembic_config()).get_current_head()


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest Alembic revision (nothing to do, and no schema rights
    needed, when it is there already: the app may log in as a role that cannot change it)."""
    from alembic import command

    current, head = schema_revisions(engine)
    if current == head:
        return
    cfg = _alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # replicas starting together migrate one at a time
            conn.execute(text("SELECT pg_advisory_xact_lock(727301)"))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class Store:
    """All reads and writes of saved evaluations."""

    def __init__(self, engine: Engine | str | None = None, *, upgrade: bool = True,
                 audit_key: bytes | None = None) -> None:
        self.engine = engine if isinstance(engine, Engine) else make_engine(engine)
        self.audit_key = ledger_key() if audit_key is None else audit_key
        if upgrade:
            try:
                migrate(self.engine)
            except OperationalError as exc:
                raise StoreError(f"The evaluation database cannot be reached: {exc.orig}") from exc
            except ProgrammingError as exc:  # e.g. a least-privilege login on an old schema
                raise StoreError(
                    "The evaluation database's schema is older than this release needs, and the "
                    "app's login may not change it. The database's owner runs: python -m scoring "
                    "db-setup --database OWNER_URL --app-role APP_ROLE") from exc

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    # -- writes -------------------------------------------------------------------------------
    def _put_snapshot(
        self, conn: Connection, data: bytes, filename: str, author: str, at: str
    ) -> str:
        """Store a workbook's bytes once; two saves of the same workbook at once both succeed."""
        sha = hashlib.sha256(data).hexdigest()
        exists = conn.execute(select(snapshots.c.sha256).where(snapshots.c.sha256 == sha)).first()
        if exists is None:
            values = dict(sha256=sha, filename=filename[:300], size=len(data), data=data,
                          created_by=author, created_at=at)
            conn.execute(_insert_ignoring_conflict(conn, snapshots, values))
        return sha

    def _lock(self, conn: Connection, evaluation_id: int) -> None:
        """Writes to one evaluation take turns (SQLite's BEGIN IMMEDIATE already serialises every
        write): the old value an audit entry records, and the chain it extends, are never raced."""
        if conn.dialect.name == "postgresql":  # an advisory lock: no right to UPDATE needed
            conn.execute(text("SELECT pg_advisory_xact_lock(727302, :e)"), {"e": int(evaluation_id)})

    def create(
        self,
        name: str,
        workbook: bytes,
        filename: str,
        evaluation: Evaluation,
        *,
        author: str,
        reason: str,
    ) -> Version:
        """A new evaluation with its first version (the evaluation must be of ``workbook``)."""
        _require(name=name, author=author, reason=reason)
        _same_workbook(evaluation, hashlib.sha256(workbook).hexdigest())
        at = utc_now()
        with self._write() as conn:
            sha = self._put_snapshot(conn, workbook, filename, author, at)
            eid = conn.execute(insert(evaluations).values(
                name=plain_text(name)[:200], created_by=author, created_at=at)).inserted_primary_key[0]
            conn.execute(insert(members).values(evaluation_id=eid, user_id=author, role="chair"))
            version = self._insert_version(conn, int(eid), 1, sha, evaluation, author, at, reason)
            self._audit(conn, eid, 1, at, author, "create evaluation", name, None, filename, reason)
            self._audit(conn, eid, 1, at, author, "version", "stored", None,
                        text_hash(evaluation.to_json()), reason)
            self._audit(conn, eid, 1, at, author, "workbook", "snapshot", None, sha, reason)
            for key, value in evaluation.audit_items().items():
                if value is not None:
                    self._audit(conn, eid, 1, at, author, "setting", key, None, value, reason)
        return version

    def save(
        self,
        evaluation_id: int,
        based_on: int,
        evaluation: Evaluation,
        *,
        author: str,
        reason: str,
        workbook: bytes | None = None,
        filename: str = "",
        replace_workbook: bool = False,
        weights_reason: str = "",
    ) -> Version:
        """Save a new version on top of ``based_on``; StaleVersion if it is not the latest.

        A version of another workbook (a revised bid book for the same procurement) needs its
        bytes and ``replace_workbook=True``: the audit log records both snapshots. Once the
        weights are locked, a version that changes them needs ``weights_reason``.
        """
        _require(author=author, reason=reason)
        if workbook is not None:
            _same_workbook(evaluation, hashlib.sha256(workbook).hexdigest())
        at = utc_now()
        try:
            with self._write() as conn:
                self._lock(conn, evaluation_id)
                latest = self._latest(conn, evaluation_id)
                if latest is None:
                    raise StoreError(f"There is no evaluation #{evaluation_id}")
                if latest.number != based_on:
                    raise StaleVersion(latest.number, latest.author, latest.created_at)
                sha = latest.snapshot_sha256
                self._refuse_if_locked_change(conn, evaluation_id, latest, evaluation)
                if evaluation.workbook_sha256 != sha:
                    if workbook is None or not replace_workbook:
                        raise StoreError(
                            f"This evaluation is of the workbook {sha[:12]}…; saving one of another "
                            f"workbook ({evaluation.workbook_sha256[:12]}…) into it must be chosen "
                            "explicitly, as a revised bid book")
                    sha = self._put_snapshot(conn, workbook, filename or "workbook.xlsx", author, at)
                moved = self._refuse_unexplained_weights(conn, evaluation_id, latest, evaluation,
                                                         weights_reason)
                version = self._insert_version(conn, evaluation_id, based_on + 1, sha, evaluation,
                                               author, at, reason)
                if moved is not None:
                    self._audit(conn, evaluation_id, version.number, at, author, weight_lock.CHANGE,
                                weight_lock.CHANGED, *moved, weights_reason.strip())
                if sha != latest.snapshot_sha256:
                    self._audit(conn, evaluation_id, version.number, at, author, "workbook",
                                "revised bid book", latest.snapshot_sha256, sha, reason)
                before, after = latest.evaluation.audit_items(), evaluation.audit_items()
                changed = [k for k in [*before, *(k for k in after if k not in before)]
                           if before.get(k) != after.get(k)]
                for key in changed:
                    self._audit(conn, evaluation_id, version.number, at, author, "setting",
                                key, before.get(key), after.get(key), reason)
                return version
        except IntegrityError as exc:  # a concurrent writer took this number first (PostgreSQL)
            with self.engine.connect() as conn:
                latest = self._latest(conn, evaluation_id)
            if latest is not None and latest.number != based_on:
                raise StaleVersion(latest.number, latest.author, latest.created_at) from exc
            raise

    def _insert_version(self, conn: Connection, eid: int, number: int, sha: str,
                        evaluation: Evaluation, author: str, at: str, reason: str) -> Version:
        payload = evaluation.to_json()
        conn.execute(insert(versions).values(
            evaluation_id=eid, number=number, snapshot_sha256=sha, settings=payload,
            author=author, created_at=at, reason=plain_text(reason)))
        if number > 1:  # the first version's entry follows the evaluation's creation (create)
            self._audit(conn, eid, number, at, author, "version", "stored", None,
                        text_hash(payload), reason)
        return Version(eid, number, sha, json.loads(payload), author, at, plain_text(reason), evaluation)

    def _audit(self, conn: Connection, eid: int, version: int | None, at: str, actor: str,
               action: str, item: str, old: str | None, new: str | None, reason: str) -> None:
        """Append an entry, chained to the evaluation's last one (writes to an evaluation take
        turns, so the chain never forks)."""
        prev = conn.execute(select(audit_log.c.hash).where(audit_log.c.evaluation_id == eid)
                            .order_by(audit_log.c.id.desc()).limit(1)).scalar() or ""
        entry = dict(evaluation_id=eid, version=version, at=at, actor=actor, action=action,
                     item=plain_text(item)[:300], old_value=old, new_value=new, reason=plain_text(reason))
        conn.execute(insert(audit_log).values(**entry, prev_hash=prev,
                                              hash=entry_hash(entry, prev, self.audit_key)))

    def record(self, evaluation_id: int, *, actor: str, action: str, item: str, reason: str,
               old: str | None = None, new: str | None = None, version: int | None = None) -> None:
        """Append one entry to an evaluation's audit log."""
        _require(author=actor, reason=reason)
        with self._write() as conn:
            self._audit(conn, evaluation_id, version, utc_now(), actor, action, item, old, new, reason)

    # -- panel: members, switches, scores, moderations --------------------------------------
    def set_member(self, evaluation_id: int, user_id: str, role: str | None, *, by: str,
                   reason: str) -> None:
        """Give ``user_id`` a role on the evaluation (None removes them); audited."""
        if role is not None and role not in ROLES:
            raise StoreError(f"role must be one of {', '.join(ROLES)}")
        _require(user=user_id, author=by, reason=reason)
        with self._write() as conn:
            self._lock(conn, evaluation_id)
            old = conn.execute(select(members.c.role).where(
                members.c.evaluation_id == evaluation_id, members.c.user_id == user_id)).scalar()
            if old == "chair" and role != "chair":
                chairs = conn.execute(select(func.count()).select_from(members).where(
                    members.c.evaluation_id == evaluation_id, members.c.role == "chair")).scalar()
                if chairs == 1:
                    raise StoreError("this is the evaluation's only chair: make someone else chair "
                                     "first")
            if old is not None:
                conn.execute(members.delete().where(members.c.evaluation_id == evaluation_id,
                                                    members.c.user_id == user_id))
            if role is not None:
                conn.execute(insert(members).values(evaluation_id=evaluation_id, user_id=user_id,
                                                    role=role))
            self._audit(conn, evaluation_id, None, utc_now(), by, "member", user_id, old, role,
                        reason)

    def members(self, evaluation_id: int) -> dict[str, str]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(members.c.user_id, members.c.role)
                                .where(members.c.evaluation_id == evaluation_id)).all()
        return {u: r for u, r in rows}

    def role(self, evaluation_id: int, user_id: str) -> str | None:
        return self.members(evaluation_id).get(user_id)

    def evaluations_for(self, user_id: str) -> list[EvaluationInfo]:
        with self.engine.connect() as conn:
            mine = {r[0] for r in conn.execute(select(members.c.evaluation_id)
                                               .where(members.c.user_id == user_id))}
        return [e for e in self.evaluations() if e.id in mine]

    def set_flag(self, evaluation_id: int, name: str, value: str, *, by: str, reason: str) -> None:
        if name not in FLAG_DEFAULTS:
            raise StoreError(f"unknown panel switch {name}")
        if name == weight_lock.FLAG:
            raise StoreError("the weights are locked with lock_weights, once")
        if name in FLAG_VALUES and value not in FLAG_VALUES[name]:
            raise StoreError(f"{name} is one of {', '.join(FLAG_VALUES[name])}")
        _require(author=by, reason=reason)
        with self._write() as conn:
            self._lock(conn, evaluation_id)
            now = self._flags(conn, evaluation_id)
            old = conn.execute(select(panel_flags.c.value).where(
                panel_flags.c.evaluation_id == evaluation_id, panel_flags.c.name == name)).scalar()
            if now[name] != value:
                _refuse_switch(now, name, value)
            if old is not None:
                conn.execute(panel_flags.delete().where(panel_flags.c.evaluation_id == evaluation_id,
                                                        panel_flags.c.name == name))
            conn.execute(insert(panel_flags).values(evaluation_id=evaluation_id, name=name,
                                                    value=value))
            self._audit(conn, evaluation_id, None, utc_now(), by, "panel", name,
                        old or FLAG_DEFAULTS[name], value, reason)

    def lock_weights(self, evaluation_id: int, *, by: str, reason: str,
                     version: int | None = None) -> None:
        """Lock the weights of the latest version (once; audited); ``version``, the one whose
        weights the chair saw (StaleVersion if another was saved since). It records how many
        panel scores had been entered and the state of the price envelope, so that the record
        says whether the weights were fixed before the scores and prices were opened."""
        _require(author=by, reason=reason)
        with self._write() as conn:
            self._lock(conn, evaluation_id)
            now = self._flags(conn, evaluation_id)
            if now[weight_lock.FLAG]:
                raise StoreError("the weights are already locked")
            latest = self._latest(conn, evaluation_id)
            if latest is None:
                raise StoreError(f"There is no evaluation #{evaluation_id}")
            if version is not None and latest.number != version:
                raise StaleVersion(latest.number, latest.author, latest.created_at)
            scores = conn.execute(select(func.count()).select_from(panel_scores).where(
                panel_scores.c.evaluation_id == evaluation_id)).scalar() or 0
            prices = ("open" if now["price_envelope"] != "sealed" else
                      "unsealed" if now["prices_unsealed"] == "yes" else "sealed")
            at = utc_now()
            conn.execute(insert(panel_flags).values(evaluation_id=evaluation_id,
                                                    name=weight_lock.FLAG, value="yes"))
            self._audit(conn, evaluation_id, latest.number, at, by, "panel", weight_lock.FLAG,
                        "", "yes", reason)
            self._audit(conn, evaluation_id, latest.number, at, by, weight_lock.CHANGE,
                        weight_lock.LOCKED, None, weight_lock.value(
                            latest.number, latest.evaluation.scoring.normalised_weights(),
                            int(scores), prices), reason)

    def weights_lock(self, evaluation_id: int) -> weight_lock.WeightsLock | None:
        """The weights' lock and every change after it (None when the weights are not locked)."""
        return weight_lock.read(self.audit(evaluation_id))

    def _flags(self, conn: Connection, evaluation_id: int) -> dict[str, str]:
        rows = conn.execute(select(panel_flags.c.name, panel_flags.c.value)
                            .where(panel_flags.c.evaluation_id == evaluation_id)).all()
        return {**FLAG_DEFAULTS, **dict(rows)}

    def _refuse_if_locked_change(self, conn: Connection, evaluation_id: int, latest: Version,
                                 evaluation: Evaluation) -> None:
        """While the technical consensus is locked, a new version keeps the workbook, the
        consensus method and the panel record (the latest version's, or the live one)."""
        if self._flags(conn, evaluation_id)["consensus_locked"] != "yes":
            return
        if (evaluation.workbook_sha256 != latest.snapshot_sha256
                or evaluation.consensus != latest.evaluation.consensus
                or not (evaluation.panel.same_entries(latest.evaluation.panel)
                        or evaluation.panel.same_entries(
                            self._panel_record(conn, evaluation_id, None)))):
            raise StoreError(LOCKED + "; a new version cannot replace the workbook, change the "
                             "consensus method or go back to another panel record")

    def _refuse_unexplained_weights(self, conn: Connection, evaluation_id: int, latest: Version,
                                    evaluation: Evaluation, why: str) -> tuple[str, str] | None:
        """With the weights locked, a version whose weights differ from the latest's needs a
        reason; the weights before and after (JSON), or None when they do not change."""
        if not self._flags(conn, evaluation_id)[weight_lock.FLAG]:
            return None
        before = latest.evaluation.scoring.normalised_weights()
        after = evaluation.scoring.normalised_weights()
        keys = set(before) | set(after)
        if all(abs(before.get(k, 0.0) - after.get(k, 0.0)) <= 1e-9 for k in keys):
            return None
        if not why.strip():
            raise StoreError("the weights are locked: a version that changes them needs the "
                             "reason for the change")
        return json.dumps(before), json.dumps(after)

    def _refuse_if_locked(self, conn: Connection, evaluation_id: int) -> None:
        if self._flags(conn, evaluation_id)["consensus_locked"] == "yes":
            raise StoreError(LOCKED)

    def flags(self, evaluation_id: int) -> dict[str, str]:
        with self.engine.connect() as conn:
            return self._flags(conn, evaluation_id)

    # -- conflict-of-interest declarations ------------------------------------------------------
    def declare(self, evaluation_id: int, user_id: str, *, conflict: bool, statement: str,
                detail: str = "") -> None:
        """A member's declaration: no conflict of interest, or one (described) for the chair to
        decide on. ``statement`` is the declaration's text as the member read it."""
        _require(user=user_id, statement=statement)
        if conflict:
            _require(description=detail)
        at, answer = utc_now(), "conflict" if conflict else "none"
        with self._write() as conn:
            self._lock(conn, evaluation_id)
            conn.execute(insert(declarations).values(
                evaluation_id=evaluation_id, user_id=user_id, answer=answer,
                statement=plain_text(statement), detail=plain_text(detail), by=user_id, at=at))
            self._audit(conn, evaluation_id, None, at, user_id, "declaration", user_id, None,
                        answer, plain_text(detail) if conflict else plain_text(statement))

    def decide_conflict(self, evaluation_id: int, user_id: str, *, recuse: bool, chair: str,
                        reason: str) -> None:
        """The chair's decision on a declared conflict: the member recused, or allowed to go on."""
        _require(chair=chair, reason=reason)
        at, answer = utc_now(), "recuse" if recuse else "accept"
        with self._write() as conn:
            self._lock(conn, evaluation_id)
            if self._declared(conn, evaluation_id).get(user_id) != "conflict":
                raise StoreError(f"{user_id} has no conflict of interest awaiting a decision")
            conn.execute(insert(declarations).values(
                evaluation_id=evaluation_id, user_id=user_id, answer=answer,
                statement=plain_text(reason), detail="", by=chair, at=at))
            self._audit(conn, evaluation_id, None, at, chair, "declaration", user_id, "conflict",
                        answer, reason)

    def _declared(self, conn: Connection, evaluation_id: int) -> dict[str, str]:
        latest = self._latest_per_person(conn, declarations, "user_id", "answer", evaluation_id)
        return {who: answer for who, (answer, _) in latest.items()}

    def declared(self, evaluation_id: int) -> dict[str, str]:
        """Each member's standing: none (declared no conflict), conflict (awaiting the chair),
        recuse or accept (the chair's decision). A member who has not declared is absent."""
        with self.engine.connect() as conn:
            return self._declared(conn, evaluation_id)

    def declaration_rows(self, evaluation_id: int) -> list[dict[str, Any]]:
        """Every declaration and decision, oldest first."""
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(
                select(declarations).where(declarations.c.evaluation_id == evaluation_id)
                .order_by(declarations.c.id)).mappings()]

    # -- submissions: an evaluator's scores locked until the chair reopens them ----------------
    @staticmethod
    def _latest_per_person(conn: Connection, table: Any, who: str, what: str, evaluation_id: int
                           ) -> dict[str, tuple[str, str]]:
        """Each person's latest entry in an append-only table: person -> (``what``, when)."""
        latest: dict[str, tuple[str, str]] = {}
        for r in conn.execute(select(table.c[who], table.c[what], table.c.at)
                              .where(table.c.evaluation_id == evaluation_id)
                              .order_by(table.c.id)):
            latest[r[0]] = (r[1], r[2])
        return latest

    def _submitted(self, conn: Connection, evaluation_id: int) -> dict[str, str]:
        """Evaluators whose scores are submitted now (their latest entry): name -> when."""
        latest = self._latest_per_person(conn, submissions, "evaluator", "action", evaluation_id)
        return {who: at for who, (action, at) in latest.items() if action == "submitted"}

    def submitted(self, evaluation_id: int) -> dict[str, str]:
        """Evaluators whose scores are submitted and locked: name -> when (UTC)."""
        with self.engine.connect() as conn:
            return self._submitted(conn, evaluation_id)

    def _refuse_if_submitted(self, conn: Connection, evaluation_id: int, evaluator: str) -> None:
        if evaluator in self._submitted(conn, evaluation_id):
            raise StoreError(f"{evaluator}'s scores are submitted and locked; the chair can reopen "
                             "them, with a reason")

    def submit(self, evaluation_id: int, evaluator: str) -> None:
        """An evaluator submits their scores and findings: they are locked from now on."""
        _require(evaluator=evaluator)
        at = utc_now()
        with self._write() as conn:
            self._lock(conn, evaluation_id)
            self._refuse_if_submitted(conn, evaluation_id, evaluator)
            reason = "submitted for consensus"
            conn.execute(insert(submissions).values(
                evaluation_id=evaluation_id, evaluator=evaluator, action="submitted",
                by=evaluator, reason=reason, at=at))
            self._audit(conn, evaluation_id, None, at, evaluator, "submission", evaluator,
                        None, "submitted", reason)

    def reopen(self, evaluation_id: int, evaluator: str, *, chair: str, reason: str) -> None:
        """The chair reopens an evaluator's submitted scores, with a reason."""
        _require(chair=chair, reason=reason)
        at = utc_now()
        with self._write() as conn:
            self._lock(conn, evaluation_id)
            self._refuse_if_locked(conn, evaluation_id)
            if evaluator not in self._submitted(conn, evaluation_id):
                raise StoreError(f"{evaluator}'s scores are not submitted")
            conn.execute(insert(submissions).values(
                evaluation_id=evaluation_id, evaluator=evaluator, action="reopened", by=chair,
                reason=plain_text(reason), at=at))
            self._audit(conn, evaluation_id, None, at, chair, "submission", evaluator,
                        "submitted", "reopened", reason)

    # -- performance workbooks: the contract's monitoring, after the award ----------------------
    def save_performance(self, evaluation_id: int, data: bytes, filename: str, *, by: str,
                         reason: str) -> int:
        """Store a performance workbook with the evaluation (its bytes once, content-addressed),
        as the next numbered book; audited. The latest book is the one in force."""
        _require(author=by, reason=reason)
        at = utc_now()
        with self._write() as conn:
            self._lock(conn, evaluation_id)
            if self._latest(conn, evaluation_id) is None:
                raise StoreError(f"There is no evaluation #{evaluation_id}")
            sha = self._put_snapshot(conn, data, filename or "performance.xlsx", by, at)
            number = (conn.execute(select(func.max(performance_books.c.number)).where(
                performance_books.c.evaluation_id == evaluation_id)).scalar() or 0) + 1
            conn.execute(insert(performance_books).values(
                evaluation_id=evaluation_id, number=number, snapshot_sha256=sha,
                filename=plain_text(filename)[:300], by=by, reason=plain_text(reason), at=at))
            self._audit(conn, evaluation_id, None, at, by, "performance",
                        plain_text(filename)[:300], None, sha, reason)
        return number

    def performance_books(self, evaluation_id: int) -> list[dict[str, Any]]:
        """The evaluation's stored performance workbooks, oldest first (number, snapshot_sha256,
        filename, by, reason, at)."""
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(performance_books).where(
                performance_books.c.evaluation_id == evaluation_id)
                .order_by(performance_books.c.number)).mappings()]

    # -- assignments: which lots and criteria each evaluator scores ------------------------------
    def assign(self, evaluation_id: int, evaluator: str, criteria: Sequence[str],
               lots: Sequence[str], *, chair: str, reason: str) -> None:
        """The chair assigns ``evaluator`` to score ``criteria`` in ``lots`` (empty: every one);
        the latest assignment replaces the earlier."""
        _require(evaluator=evaluator, chair=chair, reason=reason)
        at = utc_now()
        crit, lot = json.dumps(list(criteria), ensure_ascii=False), json.dumps(list(lots),
                                                                                ensure_ascii=False)
        with self._write() as conn:
            self._lock(conn, evaluation_id)
            self._refuse_if_locked(conn, evaluation_id)
            conn.execute(insert(assignments).values(
                evaluation_id=evaluation_id, evaluator=evaluator, criteria=crit, lots=lot,
                by=chair, reason=plain_text(reason), at=at))
            self._audit(conn, evaluation_id, None, at, chair, "assignment", evaluator, None,
                        assignment_value(crit, lot), reason)

    def _assignments(self, conn: Connection, evaluation_id: int) -> dict[str, Assignment]:
        out: dict[str, Assignment] = {}
        for r in conn.execute(select(assignments).where(assignments.c.evaluation_id == evaluation_id)
                              .order_by(assignments.c.id)).mappings():
            out[fold(r["evaluator"])] = Assignment(r["evaluator"], tuple(json.loads(r["criteria"])),
                                                   tuple(json.loads(r["lots"])), r["by"], r["at"])
        return out

    def assignments(self, evaluation_id: int) -> dict[str, Assignment]:
        """Each assigned evaluator's latest assignment, keyed by their folded name (``fold``): an
        evaluator absent scores every cell."""
        with self.engine.connect() as conn:
            return self._assignments(conn, evaluation_id)

    def _refuse_unassigned(self, conn: Connection, evaluation_id: int, evaluator: str,
                           cells: Sequence[tuple[str, str, str]]) -> None:
        mine = self._assignments(conn, evaluation_id).get(fold(evaluator))
        if mine is None:
            return
        for vendor, lot, criterion in cells:
            if not mine.covers(lot, criterion):
                raise StoreError(f"{vendor} / {criterion} is not among the cells assigned to "
                                 f"{evaluator} ({mine.describe()}); the chair assigns cells")

    def record_scores(self, evaluation_id: int, evaluator: str,
                      entries: list[tuple[str, str, str, float, str]]) -> int:
        """Append an evaluator's scores: (vendor, lot, criterion, score, rationale) each."""
        _require(evaluator=evaluator)
        for *_, rationale in entries:
            _require(rationale=rationale)
        at = utc_now()
        with self._write() as conn:
            self._lock(conn, evaluation_id)
            self._refuse_if_locked(conn, evaluation_id)
            self._refuse_if_submitted(conn, evaluation_id, evaluator)
            self._refuse_unassigned(conn, evaluation_id, evaluator, [e[:3] for e in entries])
            for vendor, lot, criterion, score, rationale in entries:
                old = conn.execute(
                    select(panel_scores.c.score).where(
                        panel_scores.c.evaluation_id == evaluation_id,
                        panel_scores.c.evaluator == evaluator, panel_scores.c.vendor == vendor,
                        panel_scores.c.lot == lot, panel_scores.c.criterion == criterion)
                    .order_by(panel_scores.c.id.desc()).limit(1)).scalar()
                conn.execute(insert(panel_scores).values(
                    evaluation_id=evaluation_id, evaluator=evaluator, vendor=vendor, lot=lot,
                    criterion=criterion, score=float(score), rationale=plain_text(rationale), at=at))
                self._audit(conn, evaluation_id, None, at, evaluator, "score",
                            cell_item(vendor, lot, criterion),
                            None if old is None else number_text(old), number_text(score), rationale)
        return len(entries)

    def moderate(self, evaluation_id: int, vendor: str, lot: str, criterion: str,
                 value: float | None, *, chair: str, rationale: str) -> None:
        """The chair's moderated value for a cell (None withdraws it), with a rationale."""
        _require(chair=chair, rationale=rationale)
        at = utc_now()
        with self._write() as conn:
            self._lock(conn, evaluation_id)
            self._refuse_if_locked(conn, evaluation_id)
            conn.execute(insert(moderations).values(
                evaluation_id=evaluation_id, vendor=vendor, lot=lot, criterion=criterion,
                value=value, rationale=plain_text(rationale), chair=chair, at=at))
            self._audit(conn, evaluation_id, None, at, chair, "moderation",
                        cell_item(vendor, lot, criterion), None,
                        "withdrawn" if value is None else number_text(value), rationale)

    def record_finding(self, evaluation_id: int, evaluator: str, vendor: str, lot: str,
                       criterion: str, kind: str, text: str, reference: str = "") -> int:
        """Append an evaluator's finding on a cell; its entry number (to withdraw it by)."""
        _require(evaluator=evaluator, finding=text)
        if kind not in FINDING_KINDS:
            raise StoreError(f"a finding is one of: {', '.join(FINDING_KINDS)}")
        at, text, reference = utc_now(), plain_text(text), plain_text(reference)
        with self._write() as conn:
            self._lock(conn, evaluation_id)
            self._refuse_if_locked(conn, evaluation_id)
            self._refuse_if_submitted(conn, evaluation_id, evaluator)
            self._refuse_unassigned(conn, evaluation_id, evaluator, [(vendor, lot, criterion)])
            entry = conn.execute(insert(panel_findings).values(
                evaluation_id=evaluation_id, evaluator=evaluator, vendor=vendor, lot=lot,
                criterion=criterion, kind=kind, text=text, reference=reference, withdraws=None,
                at=at)).inserted_primary_key[0]
            self._audit(conn, evaluation_id, None, at, evaluator, "finding",
                        cell_item(vendor, lot, criterion), None,
                        finding_value(kind, reference, int(entry)), text)
        return int(entry)

    def withdraw_finding(self, evaluation_id: int, entry: int, *, evaluator: str,
                         reason: str) -> None:
        """Withdraw a finding its evaluator entered (the entry stays in the record)."""
        _require(evaluator=evaluator, reason=reason)
        with self._write() as conn:
            self._lock(conn, evaluation_id)
            self._refuse_if_locked(conn, evaluation_id)
            row = conn.execute(select(panel_findings).where(
                panel_findings.c.evaluation_id == evaluation_id, panel_findings.c.id == entry,
                panel_findings.c.withdraws.is_(None))).mappings().first()
            if row is None:
                raise StoreError(f"there is no finding #{entry} in this evaluation")
            if row["evaluator"] != evaluator:
                raise StoreError(f"finding #{entry} is {row['evaluator']}'s: only they may "
                                 "withdraw it")
            self._refuse_if_submitted(conn, evaluation_id, evaluator)
            done = conn.execute(select(panel_findings.c.id).where(
                panel_findings.c.evaluation_id == evaluation_id,
                panel_findings.c.withdraws == entry)).first()
            if done is not None:
                raise StoreError(f"finding #{entry} is already withdrawn")
            at, reason = utc_now(), plain_text(reason)
            conn.execute(insert(panel_findings).values(
                evaluation_id=evaluation_id, evaluator=evaluator, vendor=row["vendor"],
                lot=row["lot"], criterion=row["criterion"], kind="withdrawn", text=reason,
                reference="", withdraws=entry, at=at))
            self._audit(conn, evaluation_id, None, at, evaluator, "finding",
                        cell_item(row["vendor"], row["lot"], row["criterion"]), f"#{entry}",
                        "withdrawn", reason)

    def narrate(self, evaluation_id: int, vendor: str, lot: str, criterion: str, text: str, *,
                chair: str) -> None:
        """The chair's consensus narrative for a cell (a later one replaces it)."""
        _require(chair=chair, narrative=text)
        at, text = utc_now(), plain_text(text)
        with self._write() as conn:
            self._lock(conn, evaluation_id)
            self._refuse_if_locked(conn, evaluation_id)
            conn.execute(insert(narratives).values(
                evaluation_id=evaluation_id, vendor=vendor, lot=lot, criterion=criterion,
                text=text, chair=chair, at=at))
            self._audit(conn, evaluation_id, None, at, chair, "narrative",
                        cell_item(vendor, lot, criterion), None, None, text)

    def scores(self, evaluation_id: int, *, as_of: str | None = None) -> list[PanelScore]:
        """Each evaluator's latest score per (vendor, lot, criterion), as of ``as_of`` (UTC)."""
        return list(self.panel_record(evaluation_id, as_of=as_of).scores)

    def moderations(self, evaluation_id: int, *, as_of: str | None = None) -> list[Moderation]:
        """The latest moderation per cell (a withdrawn one is left out)."""
        return list(self.panel_record(evaluation_id, as_of=as_of).moderations)

    def panel_record(self, evaluation_id: int, *, as_of: str | None = None) -> PanelRecord:
        """The panel's entries now (or as they stood at ``as_of``): each evaluator's latest score
        per cell and the chair's latest moderation per cell, with the last entry numbers."""
        with self.engine.connect() as conn:
            return self._panel_record(conn, evaluation_id, as_of)

    def _panel_record(self, conn: Connection, evaluation_id: int, as_of: str | None) -> PanelRecord:
        def entries(table: Any) -> list[Any]:
            query = select(table).where(table.c.evaluation_id == evaluation_id)
            if as_of is not None:
                query = query.where(table.c.at <= as_of)
            return list(conn.execute(query.order_by(table.c.id)).mappings().all())

        rows, mod_rows = entries(panel_scores), entries(moderations)
        finding_rows, narrative_rows = entries(panel_findings), entries(narratives)
        latest: dict[tuple[str, str, str, str], PanelScore] = {}
        for r in rows:
            latest[(r["evaluator"], r["vendor"], r["lot"], r["criterion"])] = PanelScore(
                r["evaluator"], r["vendor"], r["lot"], r["criterion"], r["score"], r["rationale"],
                0, r["at"])
        mods: dict[tuple[str, str, str], Moderation] = {}
        for r in mod_rows:
            mods[(r["vendor"], r["lot"], r["criterion"])] = Moderation(
                r["vendor"], r["lot"], r["criterion"], r["value"], r["rationale"], r["chair"],
                r["at"])
        found: dict[int, Finding] = {}
        for r in finding_rows:
            if r["withdraws"] is not None:
                found.pop(r["withdraws"], None)
            else:
                found[r["id"]] = Finding(r["vendor"], r["lot"], r["criterion"], r["kind"],
                                         r["text"], r["reference"], r["evaluator"], 0, r["id"],
                                         r["at"])
        narrated: dict[tuple[str, str, str], Narrative] = {}
        for r in narrative_rows:
            narrated[(r["vendor"], r["lot"], r["criterion"])] = Narrative(
                r["vendor"], r["lot"], r["criterion"], r["text"], r["chair"], r["at"])
        through = tuple(part[-1]["id"] if part else 0
                        for part in (rows, mod_rows, finding_rows, narrative_rows))
        return PanelRecord(tuple(latest.values()),
                           tuple(m for m in mods.values() if m.value is not None), through,
                           tuple(found.values()), tuple(narrated.values()))

    def _consensus_as_of(self, conn: Connection, evaluation_id: int, at: str) -> Consensus:
        """The panel's consensus switch as it stood at ``at`` (for versions saved before the
        consensus method was part of each version)."""
        row = conn.execute(select(audit_log.c.new_value).where(
            audit_log.c.evaluation_id == evaluation_id, audit_log.c.action == "panel",
            audit_log.c.item == "consensus_method", audit_log.c.at <= at)
            .order_by(audit_log.c.id.desc()).limit(1)).scalar()
        return Consensus(row) if row in tuple(Consensus) else Consensus.MEDIAN

    # -- reads --------------------------------------------------------------------------------
    def _latest(self, conn: Connection, evaluation_id: int) -> Version | None:
        row = conn.execute(
            select(versions).where(versions.c.evaluation_id == evaluation_id)
            .order_by(versions.c.number.desc()).limit(1)
        ).mappings().first()
        return self._version(conn, row) if row else None

    def latest(self, evaluation_id: int) -> Version | None:
        with self.engine.connect() as conn:
            return self._latest(conn, evaluation_id)

    def version(self, evaluation_id: int, number: int) -> Version | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(versions).where(
                versions.c.evaluation_id == evaluation_id, versions.c.number == number)
            ).mappings().first()
            return self._version(conn, row) if row else None

    def versions(self, evaluation_id: int) -> list[Version]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(versions).where(versions.c.evaluation_id == evaluation_id)
                                .order_by(versions.c.number)).mappings().all()
            return [self._version(conn, r) for r in rows]

    def _version(self, conn: Connection, row: Mapping[str, Any]) -> Version:
        data = json.loads(row["settings"])
        try:
            ev = Evaluation.from_dict(data, workbook_sha256=row["snapshot_sha256"])
        except EvaluationError as exc:
            raise StoreError(f"Version {row['number']} of evaluation #{row['evaluation_id']} "
                             f"cannot be read: {exc}") from exc
        if is_legacy(data):
            # Saved before versions froze the panel: the panel as it stood when it was saved.
            eid, at = row["evaluation_id"], row["created_at"]
            ev = replace(ev, panel=self._panel_record(conn, eid, at),
                         consensus=self._consensus_as_of(conn, eid, at))
        return Version(row["evaluation_id"], row["number"], row["snapshot_sha256"], data,
                       row["author"], row["created_at"], row["reason"], ev)

    def snapshot(self, sha256: str) -> bytes | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(snapshots.c.data).where(snapshots.c.sha256 == sha256)).first()
        return bytes(row[0]) if row else None

    def snapshot_name(self, sha256: str) -> str:
        """The file name the snapshot was uploaded with ("" when unknown)."""
        with self.engine.connect() as conn:
            name = conn.execute(select(snapshots.c.filename).where(snapshots.c.sha256 == sha256)).scalar()
        return str(name or "")

    def evaluation(self, evaluation_id: int) -> EvaluationInfo | None:
        found = [e for e in self.evaluations() if e.id == evaluation_id]
        return found[0] if found else None

    def evaluations(self) -> list[EvaluationInfo]:
        latest = (select(versions.c.evaluation_id, func.max(versions.c.number).label("latest"))
                  .group_by(versions.c.evaluation_id).subquery())
        query = (select(evaluations, latest.c.latest)
                 .join(latest, latest.c.evaluation_id == evaluations.c.id)
                 .order_by(evaluations.c.id.desc()))
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [EvaluationInfo(r["id"], r["name"], r["created_by"], r["created_at"], r["latest"])
                for r in rows]

    def audit(self, evaluation_id: int) -> list[AuditEntry]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(audit_log).where(audit_log.c.evaluation_id == evaluation_id)
                                .order_by(audit_log.c.id)).mappings().all()
        return [AuditEntry(**{k: v for k, v in r.items() if k not in ("prev_hash", "hash")})
                for r in rows]

    def verify(self, evaluation_id: int, anchor: Anchor | None = None) -> Verdict:
        """Whether the evaluation's record is what the app wrote (``scoring.ledger``); with an
        anchor kept from an earlier check, also that nothing was removed from its end."""
        with self.engine.connect() as conn:
            def rows(table: Any) -> list[dict[str, Any]]:
                query = select(table).where(table.c.evaluation_id == evaluation_id)
                if "id" in table.c:
                    query = query.order_by(table.c.id)
                return [dict(r) for r in conn.execute(query).mappings().all()]

            entries, found_versions, books = rows(audit_log), rows(versions), rows(performance_books)
            shas = {v["snapshot_sha256"] for v in (*found_versions, *books)}
            data = {r[0]: bytes(r[1]) for r in conn.execute(
                select(snapshots.c.sha256, snapshots.c.data).where(snapshots.c.sha256.in_(shas)))}
            evaluation = conn.execute(select(evaluations).where(
                evaluations.c.id == evaluation_id)).mappings().first()
            if evaluation is None and not entries and anchor is None:
                raise StoreError(f"There is no evaluation #{evaluation_id}")
            return ledger_check(
                evaluation_id, entries, versions=found_versions, snapshots=data,
                scores=rows(panel_scores), moderations=rows(moderations),
                findings=rows(panel_findings), narratives=rows(narratives),
                submissions=rows(submissions), declarations=rows(declarations),
                assignments=rows(assignments), books=books,
                members={r["user_id"]: r["role"] for r in rows(members)},
                flags={r["name"]: r["value"] for r in rows(panel_flags)},
                evaluation=dict(evaluation) if evaluation else None, key=self.audit_key,
                anchor=anchor)

    def verify_all(self, anchors: Mapping[int, Anchor] | None = None) -> list[Verdict]:
        """Every evaluation in the database (each with its anchor, when one is given)."""
        with self.engine.connect() as conn:
            ids = [r[0] for r in conn.execute(select(evaluations.c.id).order_by(evaluations.c.id))]
        return [self.verify(i, (anchors or {}).get(i)) for i in ids]


# What the app's own login may do on PostgreSQL (see ``grant_app_role``): read and append to the
# record, change only membership and panel switches; never alter, update or delete the record,
# never own a table (an owner can disable its triggers).
APP_PRIVILEGES = {
    "snapshots": "SELECT, INSERT", "versions": "SELECT, INSERT", "audit_log": "SELECT, INSERT",
    "panel_scores": "SELECT, INSERT", "moderations": "SELECT, INSERT", "evaluations": "SELECT, INSERT",
    "panel_findings": "SELECT, INSERT", "narratives": "SELECT, INSERT",
    "submissions": "SELECT, INSERT", "declarations": "SELECT, INSERT",
    "assignments": "SELECT, INSERT", "performance_books": "SELECT, INSERT",
    "members": "SELECT, INSERT, UPDATE, DELETE", "panel_flags": "SELECT, INSERT, UPDATE, DELETE",
    "alembic_version": "SELECT",
}


def grant_app_role(engine: Engine, role: str) -> None:
    """As the schema's owner: give the app's login ``role`` exactly APP_PRIVILEGES (PostgreSQL)."""
    if engine.dialect.name != "postgresql":
        raise StoreError("roles and grants exist on PostgreSQL only (a SQLite file is whoever can "
                         "write it: its audit log is a hash chain that shows any change)")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
        raise StoreError(f"'{role}' is not a plain role name (lower-case letters, digits, _)")
    with engine.begin() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
        if exists is None:
            raise StoreError(f"there is no role {role}: create it first (CREATE ROLE {role} LOGIN "
                             "PASSWORD '...')")
        # A role that is a superuser, or may act as the tables' owner, could alter the record
        # whatever it is granted: least privilege would be a claim, not a fact.
        power = conn.execute(text(
            "SELECT r.rolsuper OR r.rolbypassrls, "
            "  EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = 'public' "
            "          AND t.tablename = ANY(:tables) AND pg_has_role(r.oid, t.tableowner, 'MEMBER')) "
            "FROM pg_roles r WHERE r.rolname = :r"),
            {"r": role, "tables": list(APP_PRIVILEGES)}).one()
        if power[0]:
            raise StoreError(f"the role {role} is a superuser (or bypasses row security): it could "
                             "change the record whatever it is granted. Create a plain login role "
                             "for the app")
        if power[1]:
            raise StoreError(f"the role {role} owns the tables, or is a member of their owner's "
                             "role: it could alter the record whatever it is granted. Use a login "
                             "role that is not (REVOKE the membership, or create a new role)")
        conn.execute(text(f'GRANT USAGE ON SCHEMA public TO "{role}"'))
        for table, privileges in APP_PRIVILEGES.items():
            conn.execute(text(f'REVOKE ALL ON {table} FROM "{role}"'))
            conn.execute(text(f'GRANT {privileges} ON {table} TO "{role}"'))
        conn.execute(text(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"'))


def _insert_ignoring_conflict(conn: Connection, table: Any, values: dict[str, Any]) -> Any:
    """INSERT that does nothing when the row is already there (a concurrent writer's)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(table).values(**values).on_conflict_do_nothing()


def _same_workbook(evaluation: Evaluation, sha: str) -> None:
    if evaluation.workbook_sha256 != sha:
        raise StoreError(f"These settings are for the workbook {evaluation.workbook_sha256[:12]}…, "
                         f"not the one given ({sha[:12]}…)")


def _refuse_switch(now: Mapping[str, str], name: str, value: str) -> None:
    """The order of the technical lock and the price envelope: consensus open, then the lock,
    then the prices unsealed; unsealed stays unsealed, and the lock stays once they are."""
    locked, unsealed = now["consensus_locked"] == "yes", now["prices_unsealed"] == "yes"
    if name == "price_envelope" and value != "sealed":
        raise StoreError("a sealed price envelope stays sealed until the prices are unsealed")
    if name == "prices_unsealed":
        if unsealed:
            raise StoreError("the prices are unsealed: they cannot be sealed again")
        if not locked:
            raise StoreError("the prices are unsealed only once the technical consensus is locked")
    elif name == "consensus_locked":
        if value == "yes" and now["consensus_open"] != "yes":
            raise StoreError("open consensus before locking it")
        if value != "yes" and unsealed:
            raise StoreError("the technical consensus stays locked once the prices are unsealed")
    elif name in ("consensus_open", "consensus_method") and locked:
        raise StoreError(LOCKED)


def _require(**fields: str) -> None:
    for name, value in fields.items():
        if not str(value or "").strip():
            raise StoreError(f"A {name} is required")
