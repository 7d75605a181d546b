"""The local PostgreSQL server used by storage and scale tests: throw-away databases on it."""

import os

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
