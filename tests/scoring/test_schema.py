"""The schema is defined once (scoring.schema); migrating an empty database builds exactly it."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from scoring.schema import APPEND_ONLY, metadata
from scoring.store import Store

PG_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated(request, tmp_path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.db'}"
    else:
        if not PG_URL:
            pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL schema test skipped (SQLite ran)")
        base = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        name = f"ssw_schema_{os.getpid()}"
        with base.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            conn.execute(text(f"CREATE DATABASE {name}"))
        url = PG_URL.rsplit("/", 1)[0] + "/" + name
    store = Store(url)  # migrates the empty database to the latest revision
    yield store.engine
    store.engine.dispose()


def test_migrations_build_exactly_the_models(migrated):
    with migrated.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_constraints_and_indexes_match(migrated):
    found = inspect(migrated)
    for table in metadata.sorted_tables:
        checks = {c["name"] for c in found.get_check_constraints(table.name)}
        assert checks == {c.name for c in table.constraints if c.__class__.__name__ == "CheckConstraint"}
        assert {i["name"] for i in found.get_indexes(table.name)} == {i.name for i in table.indexes}


def test_every_append_only_table_has_its_triggers(migrated):
    with migrated.connect() as conn:
        if migrated.dialect.name == "sqlite":
            rows = conn.execute(text("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"))
        else:
            rows = conn.execute(text("SELECT event_object_table, trigger_name "
                                     "FROM information_schema.triggers"))
        tables = {t for t, _ in rows}
    assert set(APPEND_ONLY) <= tables
