"""The append-only triggers every record table gets, written once for the migrations that
create such tables (the SQL they run is the same for every table: only its name differs)."""

from __future__ import annotations

from alembic import op


def append_only(*tables: str) -> None:
    """Refuse UPDATE and DELETE on ``tables`` (and TRUNCATE on PostgreSQL, whose function
    ``ssw_append_only`` the first migration creates)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in tables:
        if postgres:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION ssw_append_only()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION ssw_append_only()")
            continue
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: rows are never "
                       "updated or deleted'); END")
