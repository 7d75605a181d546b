"""Async engine and session factory: SQLite (WAL) by default, PostgreSQL via DATABASE_URL."""

import logging
import sqlite3
import time
from functools import partial
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import event, exc
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import tables  # noqa: F401  (registers every table)

log = logging.getLogger(__name__)
_RETURNED = "doithoai.returned_at"  # a pooled connection's record: when it was last given back


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


def create_engine(url: str, *, pool_size: int = 20, max_overflow: int = 0, ping_idle: float = 5.0) -> AsyncEngine:
    """An async engine for `url`; creates the SQLite file's folder when needed.

    On PostgreSQL the pool keeps `pool_size` connections open. SQLAlchemy's default (5, plus 10
    overflow connections that are closed as soon as they are returned) made a busy worker open and
    close PostgreSQL connections all the time: each one a new server process. A connection idle in
    the pool for `ping_idle` seconds or more is pinged when it is taken (see `_ping_when_idle`).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, async_creator=_sqlite_creator(parsed))
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_async_engine(url, pool_size=pool_size, max_overflow=max_overflow)
    _ping_when_idle(engine, ping_idle)
    return engine


def _ping_when_idle(engine: AsyncEngine, seconds: float) -> None:
    """Ping a pooled connection at checkout only if it sat idle for `seconds`, instead of every time.

    `pool_pre_ping` pinged every checkout: on asyncpg three round trips (BEGIN, an empty query,
    ROLLBACK), 9 % of a busy worker's CPU. A busy worker takes its connections back within
    milliseconds; a server restart or a dropped connection is found in two ways instead: after a
    quiet spell (when restarts are done) the ping finds the connection dead and the pool opens a
    new one, so nothing fails; on a busy worker the first statement on a dead connection fails
    (that one update gets the polite error reply) and SQLAlchemy, seeing a disconnect, discards
    every connection of the pool opened before it, so the next units reconnect.
    (tests/storage/test_pool.py kills the server's connections both ways.)
    """
    def returned(_dbapi: Any, record: Any) -> None:
        record.info[_RETURNED] = time.monotonic()

    def taken(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop(_RETURNED, None)
        if since is None or time.monotonic() - since < seconds:
            return
        try:
            dbapi_connection.ping()
        except Exception as error:  # noqa: BLE001 - any failure: the pool replaces the connection
            log.info("a pooled database connection idle for %.0f s was lost (%s): reconnecting",
                     time.monotonic() - since, type(error).__name__)
            raise exc.DisconnectionError() from error

    event.listen(engine.sync_engine.pool, "checkin", returned)
    event.listen(engine.sync_engine.pool, "checkout", taken)


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
