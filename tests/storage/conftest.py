"""Storage backends: a SQLite file, and a throw-away database on the local PostgreSQL server."""

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import create_engine
from tests.conftest import skip_or_fail
from tests.pg import POSTGRES_URL, admin_execute, database_url

@pytest.fixture(params=["sqlite", "postgresql"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An empty database on each backend."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'store.db'}")
        yield engine
        await engine.dispose()
        return
    name = f"doithoai_test_{uuid.uuid4().hex[:12]}"
    try:
        await admin_execute(f'CREATE DATABASE "{name}"')
    except (OSError, Exception) as exc:  # noqa: BLE001 - any connection failure means "no server"
        skip_or_fail(f"PostgreSQL not reachable at {POSTGRES_URL}: {exc}")
    engine = create_engine(database_url(name))
    yield engine
    await engine.dispose()
    await admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
