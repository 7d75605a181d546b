"""One transaction with every repository, committed when the block ends without error."""

import asyncio
import logging
import secrets
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.admin import AdminRepo
from storage.db import LoopThreadConnection, session_factory
from storage.desk import DeskRepo
from storage.lookups import LookupCache
from storage.questions import QuestionRepo
from storage.erasure import ERASED
from storage.inbox import InboxRepo
from storage.opening import open_chat
from storage.postgres import Direct
from storage.secret import SESSION_KEY
from storage.states import StateRepo
from storage.statements import DIRECT
from storage.updates import UpdateRepo, digest
from storage.youth import YouthRepo

log = logging.getLogger(__name__)


class UnitOfWork:
    """Repositories sharing one session."""

    def __init__(self, session: AsyncSession, lookups: LookupCache | None = None) -> None:
        self.session = session
        self.youth = YouthRepo(session)
        self.questions = QuestionRepo(session)
        self.states = StateRepo(session)
        self.updates = UpdateRepo(session)
        self.admin = AdminRepo(session, lookups)
        self.desk = DeskRepo(session)
        self.inbox = InboxRepo(session)
        self.committed: list[Callable[[], None]] = []  # run once this unit's transaction has committed

    async def open_chat(self, channel: str, chat_id: str, update_id: str | None) -> list[Any] | None:
        """The replies `update_id` got when it was handled before (a redelivery), else None; reads
        the chat's youth, state and awaited input in the same statement (storage/opening.py).
        Call it right after taking the chat's lock."""
        key = None if update_id is None else digest(channel, update_id)
        return await open_chat(self.session, channel, chat_id, key)

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the transaction has committed (never if it rolls back).

        For what must not see or hold the transaction: the scheduler's job store writes the same
        SQLite file through a connection of its own, and would wait on this transaction's lock."""
        self.committed.append(callback)


# The task whose unit of work is open. A task started from inside a unit copies this context; it
# is another task, so its own units still wait for their turn instead of joining a transaction
# they do not own (an announcement started by a command ran beside the command's own unit).
_inside_unit: ContextVar["asyncio.Task[Any] | None"] = ContextVar("inside_unit", default=None)


def _in_a_unit() -> bool:
    """Whether this task already holds an open unit (a nested unit needs no turn of its own)."""
    owner = _inside_unit.get()
    return owner is not None and owner is asyncio.current_task()


class Store:
    """Opens units of work on one engine.

    SQLite has one writer: concurrent transactions of one process would wait on its file lock
    and fail with "database is locked" under load (seen with 300 youth at once), so on SQLite
    units of work take turns on an asyncio lock instead. While units queue for their turn, they run
    one after another on one connection, handed on rather than checked into the pool and out again
    (that cost about a fifth of an empty unit's CPU); the last of a queue gives it back. A unit
    opened inside another takes a connection of its own, as before. PostgreSQL runs units
    concurrently, each on a pooled connection that the unit takes and gives back itself, its
    session bound to it, so statements run on it directly and a unit without ORM work commits
    without the session's machinery (storage/postgres.py).

    `secret` keys every pseudonym the repositories store (storage/secret.py): the app passes its
    server secret; without one (tests, tools that write no pseudonym) a random one is used.
    """

    def __init__(self, engine: AsyncEngine, lookup_seconds: float = 5.0, *, secret: bytes | None = None) -> None:
        self.engine = engine
        self.secret = secret or secrets.token_bytes(32)
        self._sessions: async_sessionmaker[AsyncSession] = session_factory(engine)
        self.lookups = LookupCache(lookup_seconds)
        self._turns = asyncio.Lock() if engine.dialect.name == "sqlite" else None
        self._kept: AsyncConnection | None = None  # SQLite: the connection handed from turn to turn
        self._queued = 0  # SQLite: units waiting for their turn
        self._direct: sqlite3.Connection | None = None  # its sqlite3 connection, for storage/statements.py
        self._asyncpg = engine.dialect.driver == "asyncpg"  # each unit holds its connection (below)

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[UnitOfWork]:
        """A transaction: commit on success, roll back on any exception."""
        async with AsyncExitStack() as stack:
            bind: AsyncConnection | None = None
            if self._turns is not None and not _in_a_unit():
                self._queued += 1
                try:
                    await stack.enter_async_context(self._turns)
                finally:
                    self._queued -= 1
                stack.push_async_callback(self._hand_on)
                bind = await self._kept_connection()
            direct: Direct | None = None
            if self._asyncpg:  # statements run on its asyncpg connection, committed without the session
                bind = await stack.enter_async_context(self.engine.connect())
                direct = Direct(bind, (await bind.get_raw_connection()).dbapi_connection)
            token = _inside_unit.set(asyncio.current_task())
            uow: UnitOfWork | None = None
            try:
                async with (self._sessions() if bind is None else self._sessions(bind=bind)) as session:
                    session.info[SESSION_KEY] = self.secret
                    if direct is not None:
                        session.info[DIRECT] = (direct, self.engine.dialect)
                    elif bind is not None and self._direct is not None:
                        session.info[DIRECT] = (self._direct, self.engine.dialect)
                    uow = UnitOfWork(session, self.lookups)
                    try:
                        yield uow
                        await self._commit(session)
                    except BaseException:
                        _rollback_direct(session)
                        raise  # leaving `async with` closes the session, which rolls back what it began
                _run_committed(uow)
                if session.info.get(ERASED):
                    await self._checkpoint()
            finally:
                _inside_unit.reset(token)
                if uow is not None and uow.admin.wrote_lookups:
                    self.lookups.clear()  # drop what was cached from inside the transaction

    @staticmethod
    async def _commit(session: AsyncSession) -> None:
        """Commit what the session began (it begins on first use) and what ran directly on the connection."""
        if session.in_transaction():
            await session.commit()
        direct = session.info.get(DIRECT)
        if direct is None:
            return
        if isinstance(direct[0], Direct):
            await direct[0].commit()
        elif direct[0].in_transaction:
            direct[0].commit()

    async def _kept_connection(self) -> AsyncConnection:
        """The connection units take turns on (SQLite), opened again if it was lost."""
        if self._kept is None or self._kept.closed or self._kept.invalidated:
            self._kept = await self.engine.connect()
            driver = (await self._kept.get_raw_connection()).driver_connection
            self._direct = driver.sqlite if isinstance(driver, LoopThreadConnection) else None
        return self._kept

    async def _hand_on(self) -> None:
        """At the end of a turn: keep the connection for the next unit waiting, else give it back to the pool."""
        if self._queued == 0 and self._kept is not None:
            kept, self._kept, self._direct = self._kept, None, None
            await kept.close()

    async def _checkpoint(self) -> None:
        """Copy SQLite's WAL into the database file and empty it: the pages an erasure overwrote
        (secure_delete) would otherwise still hold the erased text in the WAL until it is reused."""
        if self.engine.dialect.name != "sqlite":
            return
        async with self.engine.connect() as conn:
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    async def close(self) -> None:
        """Dispose of the engine's connections."""
        if self._kept is not None:
            kept, self._kept, self._direct = self._kept, None, None
            await kept.close()
        await self.engine.dispose()


def _rollback_direct(session: AsyncSession) -> None:
    """Undo what ran directly on SQLite (storage/statements.py) in a unit that failed. (On
    PostgreSQL the pool rolls the connection back when the unit gives it back.)"""
    direct = session.info.get(DIRECT)
    if direct is not None and isinstance(direct[0], sqlite3.Connection) and direct[0].in_transaction:
        direct[0].rollback()


def _run_committed(uow: UnitOfWork) -> None:
    """The unit's after-commit callbacks; one that fails is logged and does not undo the commit."""
    for callback in uow.committed:
        try:
            callback()
        except Exception:  # noqa: BLE001 - the transaction is committed: report, go on
            log.exception("after-commit callback %r failed", callback)
