"""One transaction with every repository, committed when the block ends without error."""

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from contextvars import ContextVar

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.admin import AdminRepo
from storage.db import session_factory
from storage.desk import DeskRepo
from storage.lookups import LookupCache
from storage.questions import QuestionRepo
from storage.erasure import ERASED
from storage.secret import SESSION_KEY
from storage.states import StateRepo
from storage.updates import UpdateRepo
from storage.youth import YouthRepo


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


_inside_unit: ContextVar[bool] = ContextVar("inside_unit", default=False)


class Store:
    """Opens units of work on one engine.

    SQLite has one writer: concurrent transactions of one process would wait on its file lock
    and fail with "database is locked" under load (seen with 300 youth at once), so on SQLite
    units of work take turns on an asyncio lock instead. PostgreSQL runs them concurrently.

    `secret` keys every pseudonym the repositories store (storage/secret.py): the app passes its
    server secret; without one (tests, tools that write no pseudonym) a random one is used.
    """

    def __init__(self, engine: AsyncEngine, lookup_seconds: float = 5.0, *, secret: bytes | None = None) -> None:
        self.engine = engine
        self.secret = secret or secrets.token_bytes(32)
        self._sessions: async_sessionmaker[AsyncSession] = session_factory(engine)
        self.lookups = LookupCache(lookup_seconds)
        self._turns = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[UnitOfWork]:
        """A transaction: commit on success, roll back on any exception."""
        async with AsyncExitStack() as stack:
            if self._turns is not None and not _inside_unit.get():
                await stack.enter_async_context(self._turns)
            token = _inside_unit.set(True)
            uow: UnitOfWork | None = None
            try:
                async with self._sessions() as session:
                    session.info[SESSION_KEY] = self.secret
                    async with session.begin():
                        uow = UnitOfWork(session, self.lookups)
                        yield uow
                if session.info.get(ERASED):
                    await self._checkpoint()
            finally:
                _inside_unit.reset(token)
                if uow is not None and uow.admin.wrote_lookups:
                    self.lookups.clear()  # drop what was cached from inside the transaction

    async def _checkpoint(self) -> None:
        """Copy SQLite's WAL into the database file and empty it: the pages an erasure overwrote
        (secure_delete) would otherwise still hold the erased text in the WAL until it is reused."""
        if self.engine.dialect.name != "sqlite":
            return
        async with self.engine.connect() as conn:
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    async def close(self) -> None:
        """Dispose of the engine's connections."""
        await self.engine.dispose()
