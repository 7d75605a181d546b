"""INSERT … ON CONFLICT in the dialect of the session's database."""

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession


def insert_for(session: AsyncSession, table: type) -> sqlite.Insert | postgresql.Insert:
    """The dialect's INSERT (with on_conflict_*) for `table`."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
