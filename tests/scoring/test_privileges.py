"""On PostgreSQL the app logs in as a role that may read and append to the record but never
alter, update or delete it (migrations run as the owner): ``python -m scoring db-setup``."""

from __future__ import annotations

import hashlib
import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from scoring.cli import main
from scoring.evaluation import Evaluation, Scoring
from scoring.store import Store

PG_URL = os.environ.get("TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL is not set: PostgreSQL "
                                "privilege tests skipped")


@pytest.fixture
def databases():  # type: ignore[no-untyped-def]
    """A fresh database owned by the test's superuser, and an app role with no rights yet."""
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name, role = f"ssw_priv_{os.getpid()}", f"ssw_app_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
        conn.execute(text(f"CREATE ROLE {role} LOGIN"))
    base = PG_URL.rsplit("/", 1)[0]
    owner_url = f"{base}/{name}"
    host = base.split("@", 1)[1]
    app_url = f"postgresql+psycopg://{role}@{host}/{name}"
    yield owner_url, app_url, role
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"DROP ROLE IF EXISTS {role}"))


def test_the_apps_login_may_append_but_never_rewrite(databases, capsys):
    owner_url, app_url, role = databases
    assert main(["db-setup", "--database", owner_url, "--app-role", role]) == 0
    assert "may not alter" in capsys.readouterr().out
    app = Store(app_url)  # at head already: the app's login runs no migration
    data = b"privileged workbook"
    ev = Evaluation(hashlib.sha256(data).hexdigest(), Scoring(weights=(("Price", 1.0),)))
    v = app.create("Least privilege", data, "w.xlsx", ev, author="ann", reason="opened")
    eid = v.evaluation_id
    app.save(eid, 1, ev.with_scoring(method="wsm"), author="ann", reason="second")
    app.record_scores(eid, "bob", [("Acme", "", "Technical", 3.0, "fine")])
    app.set_member(eid, "bob", "evaluator", by="ann", reason="panel")
    app.set_flag(eid, "consensus_open", "yes", by="ann", reason="open")
    assert app.verify(eid).intact
    attacks = [
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
        "DROP TRIGGER audit_log_append_only ON audit_log",
        "UPDATE audit_log SET reason = 'rewritten'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "UPDATE versions SET reason = 'rewritten'",
        "DELETE FROM panel_scores",
        "UPDATE evaluations SET name = 'renamed'",
        "DROP TABLE moderations",
        "CREATE TABLE intruder (x int)",
    ]
    for statement in attacks:
        with pytest.raises(DBAPIError), app.engine.begin() as conn:
            conn.execute(text(statement))
    assert app.verify(eid).intact  # nothing of it took effect


def test_the_apps_login_cannot_bring_an_old_schema_up_to_date(databases):
    owner_url, app_url, role = databases
    from scoring.store import StoreError

    with pytest.raises(StoreError, match="db-setup"):
        Store(app_url)  # an empty database, and a login that may not create tables


def test_db_setup_refuses_a_role_that_could_act_as_the_owner(databases, capsys):
    """A member of the owner's role (or a superuser) could disable the triggers whatever it is
    granted: db-setup says so instead of reporting least privilege."""
    owner_url, _, role = databases
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    owner = admin.connect().execute(text("SELECT current_user")).scalar()
    assert main(["db-setup", "--database", owner_url, "--app-role", role]) == 0
    capsys.readouterr()
    with admin.connect() as conn:
        conn.execute(text(f'GRANT "{owner}" TO {role}'))
    try:
        assert main(["db-setup", "--database", owner_url, "--app-role", role]) != 0
        assert "member of their owner" in capsys.readouterr().err
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'REVOKE "{owner}" FROM {role}'))
    assert main(["db-setup", "--database", owner_url, "--app-role", owner]) != 0
    assert "superuser" in capsys.readouterr().err
