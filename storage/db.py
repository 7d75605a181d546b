"""Async engine and session factory: SQLite (WAL) by default, PostgreSQL via DATABASE_URL."""

import sqlite3
from functools import partial
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import event
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import tables  # noqa: F401  (registers every table)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA secure_delete=ON")  # erased text is overwritten, not left in free space
    cursor.close()


class LoopThreadConnection(aiosqlite.Connection):
    """An aiosqlite connection whose sqlite3 calls run on the event loop's own thread.

    A statement on a local SQLite file in WAL mode takes tens of microseconds, while aiosqlite hands
    every call to its worker thread and back: four hand-offs per statement (cursor, execute, fetch,
    close), each waiting for a turn of a busy event loop. Measured with 300 youth at once, that made
    the intake about ten times slower than the SQL itself. Units of work already take turns on SQLite
    (see `Store`), so a call never waits on another of our connections; only opening and closing the
    file still go through aiosqlite's thread.
    """

    async def _execute(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    @property
    def sqlite(self) -> sqlite3.Connection:
        """The sqlite3 connection, for statements run directly on the loop's thread (storage/statements.py)."""
        return self._conn


def _sqlite_creator(parsed: Any) -> Any:
    """An `async_creator` for SQLAlchemy that opens `LoopThreadConnection`s with the dialect's own arguments."""
    args, kwargs = SQLiteDialect_aiosqlite().create_connect_args(parsed)
    kwargs["check_same_thread"] = False  # opened on aiosqlite's thread, used on the loop's

    async def connect() -> aiosqlite.Connection:
        connection = LoopThreadConnection(partial(sqlite3.connect, *args, **kwargs), iter_chunk_size=64)
        connection._thread.daemon = True  # as SQLAlchemy's own aiosqlite dialect does
        return await connection

    return connect


def create_engine(url: str, *, pool_size: int = 20, max_overflow: int = 0) -> AsyncEngine:
    """An async engine for `url`; creates the SQLite file's folder when needed.

    On PostgreSQL the pool keeps `pool_size` connections open. SQLAlchemy's default (5, plus 10
    overflow connections that are closed as soon as they are returned) made a busy worker open and
    close PostgreSQL connections all the time: each one a new server process.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, async_creator=_sqlite_creator(parsed))
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def create_all(engine: AsyncEngine) -> None:
    """Create every table directly (tests); production uses Alembic migrations."""
    async with engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)


async def drop_all(engine: AsyncEngine) -> None:
    """Drop every table (tests against a shared server)."""
    async with engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.drop_all)
