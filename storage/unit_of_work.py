"""One transaction with every repository, committed when the block ends without error."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.admin import AdminRepo
from storage.db import session_factory
from storage.questions import QuestionRepo
from storage.states import StateRepo
from storage.updates import UpdateRepo
from storage.youth import YouthRepo


class UnitOfWork:
    """Repositories sharing one session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.youth = YouthRepo(session)
        self.questions = QuestionRepo(session)
        self.states = StateRepo(session)
        self.updates = UpdateRepo(session)
        self.admin = AdminRepo(session)


class Store:
    """Opens units of work on one engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions: async_sessionmaker[AsyncSession] = session_factory(engine)

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[UnitOfWork]:
        """A transaction: commit on success, roll back on any exception."""
        async with self._sessions() as session:
            async with session.begin():
                yield UnitOfWork(session)

    async def close(self) -> None:
        """Dispose of the engine's connections."""
        await self.engine.dispose()
