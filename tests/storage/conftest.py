"""Storage backends: a SQLite file, and a throw-away database on the local PostgreSQL server."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import create_engine
from storage.migrate import upgrade
from tests.pg import throwaway_database

@pytest.fixture(params=["sqlite", "postgresql"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An empty database on each backend."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'store.db'}")
        yield engine
        await engine.dispose()
        return
    async with throwaway_database("doithoai_test") as url:
        engine = create_engine(url)
        yield engine
        await engine.dispose()


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A throw-away PostgreSQL database, migrated."""
    async with throwaway_database("doithoai_test") as url:
        engine = create_engine(url)
        await upgrade(engine)
        await engine.dispose()
        yield url
