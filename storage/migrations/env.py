"""Alembic environment: runs on a connection handed in by storage.migrate (async engines)."""

from alembic import context
from sqlmodel import SQLModel

from storage import tables  # noqa: F401  (registers every table)

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    """Migrate on the connection storage.migrate passed in config.attributes."""
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `doithoai migrate`")
run_migrations_online()
