"""The local PostgreSQL server used by storage and scale tests: throw-away databases on it."""

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")


async def admin_execute(sql: str) -> None:
    """Run one statement on the server's maintenance database."""
    import asyncpg

    url = make_url(POSTGRES_URL)
    conn = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password, database=url.database
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def database_url(name: str) -> str:
    """The URL of database `name` on the same server."""
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


@asynccontextmanager
async def throwaway_database(prefix: str) -> AsyncIterator[str]:
    """The URL of a new empty database, dropped afterwards even with connections still open.

    Skips the test when the server is not reachable (fails it in CI: tests.conftest.skip_or_fail).
    """
    from tests.conftest import skip_or_fail

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        await admin_execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no server"
        skip_or_fail(f"PostgreSQL not reachable at {POSTGRES_URL}: {exc}")
    try:
        yield database_url(name)
    finally:
        await admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
