"""INSERT … ON CONFLICT in the dialect of the session's database."""

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession


def dialect_insert(dialect: str, table: type) -> sqlite.Insert | postgresql.Insert:
    """The INSERT (with on_conflict_*) for `table` in the dialect named `dialect`."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def insert_for(session: AsyncSession, table: type) -> sqlite.Insert | postgresql.Insert:
    """The dialect's INSERT (with on_conflict_*) for `table`."""
    return dialect_insert(session.get_bind().dialect.name, table)
