"""Alembic environment: migrations run on the connection the Store hands over."""

from alembic import context

from scoring.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through scoring.store.migrate(engine)")
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
