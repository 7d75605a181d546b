"""Storage backends: a SQLite file, and a throw-away database on the local PostgreSQL server."""

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import create_engine
from tests.conftest import skip_or_fail

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")


async def _admin_execute(sql: str) -> None:
    import asyncpg

    url = make_url(POSTGRES_URL)
    conn = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password, database=url.database
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


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
        await _admin_execute(f'CREATE DATABASE "{name}"')
    except (OSError, Exception) as exc:  # noqa: BLE001 - any connection failure means "no server"
        skip_or_fail(f"PostgreSQL not reachable at {POSTGRES_URL}: {exc}")
    engine = create_engine(make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False))
    yield engine
    await engine.dispose()
    await _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
