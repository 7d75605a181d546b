"""Real services for the scale tests: a throw-away PostgreSQL database, Redis, the fake Bot API."""

import os
from collections.abc import AsyncIterator

import pytest

from storage import Store, create_engine
from storage.migrate import upgrade
from tests.conftest import skip_or_fail
from tests.pg import throwaway_database
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.scale.cluster import TOKEN

SECRET = b"shared-server-secret-for-every-worker"  # every worker of one deployment keys pseudonyms alike
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """The URL of an empty database, dropped afterwards (even with workers still connected)."""
    async with throwaway_database("doithoai_scale") as url:
        yield url


@pytest.fixture
async def stores(pg_url: str) -> AsyncIterator[tuple[Store, Store]]:
    """Two stores on separate engines: what two worker processes hold."""
    first, second = Store(create_engine(pg_url), secret=SECRET), Store(create_engine(pg_url), secret=SECRET)
    await upgrade(first.engine)
    yield first, second
    await first.close()
    await second.close()


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    """A reachable Redis (test database 15)."""
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
        # Flood counters of an earlier test (same chat ids, within the minute) would throttle this one.
        await client.flushdb()
    except (RedisError, OSError) as exc:
        await client.aclose()
        skip_or_fail(f"Redis not reachable at {REDIS_URL}: {exc}")
    await client.aclose()
    yield REDIS_URL


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    """The fake Telegram Bot API."""
    async with FakeTelegramAPI(TOKEN) as fake:
        yield fake
