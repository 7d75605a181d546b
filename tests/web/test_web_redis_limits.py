"""With Redis, two workers share one budget of new sessions per address, and an outage lets requests through."""

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.app import build_app
from bot.channels.web import WebChannel
from bot.channels.web_guard import Limits
from bot.channels.web_redis import RedisWindowCounter, redis_counters
from bot.config import load_config
from bot.flood_redis import RedisFloodGuard
from handlers.types import IncomingMessage, Reply
from tests.conftest import ROOT, skip_or_fail
from tests.support import FakeClock

REDIS_URL = os.environ.get("TEST_WEB_REDIS_URL", "redis://127.0.0.1:6379/13")  # not the scale tests' database
SECRET = b"web-redis-test-secret-0123456789abcdef"


async def nobody(message: IncomingMessage) -> list[Reply]:
    return []


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        await client.aclose()
        skip_or_fail(f"Redis not reachable at {REDIS_URL}: {exc}")
    yield client
    await client.aclose()


def worker(client: Redis, prefix: str, now: list[float]) -> WebChannel:
    counters = redis_counters(client, 3, 3, 600, lambda: now[0], SECRET, prefix=prefix)
    return WebChannel(nobody, secret=SECRET, limits=Limits(sessions=3, consents=3), counters=counters)


async def test_two_workers_share_the_per_address_budget(redis: Redis) -> None:
    prefix, now = f"doithoai:test:{uuid.uuid4().hex}", [1_000_000.0]
    statuses = []
    async with TestClient(TestServer(worker(redis, prefix, now).app, host="127.0.0.1")) as first, \
            TestClient(TestServer(worker(redis, prefix, now).app, host="127.0.0.1")) as second:
        for client in (first, second, first, second, first):
            resp = await client.post("/api/session", json={})
            statuses.append(resp.status)
            await resp.read()
        now[0] += 600
        resp = await second.post("/api/session", json={})
        assert resp.status == 200  # the next window starts afresh
        await resp.read()
    assert statuses == [200, 200, 200, 429, 429]
    keys = [key async for key in redis.scan_iter(f"{prefix}:*")]
    assert keys and all(b"127.0.0.1" not in key for key in keys)  # addresses are not stored in clear
    ttls = [await redis.ttl(key) for key in keys]
    assert all(0 < ttl <= 601 for ttl in ttls)  # and they expire with their window


async def test_a_redis_outage_lets_sessions_through() -> None:
    broken = Redis.from_url("redis://127.0.0.1:1/0")
    try:
        async with TestClient(TestServer(worker(broken, "doithoai:test:down", [0.0]).app, host="127.0.0.1")) as c:
            for _ in range(5):
                resp = await c.post("/api/session", json={})
                assert resp.status == 200
                await resp.read()
    finally:
        await broken.aclose()


async def test_the_app_counts_in_redis_when_it_has_redis(redis: Redis, tmp_path: Path, clock: FakeClock) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'r.db'}", "REDIS_URL": REDIS_URL}
    app = await build_app(load_config(ROOT / "config.yaml", env=env), clock=clock, tagger=None, secret=SECRET)
    try:
        assert isinstance(app.web.sessions, RedisWindowCounter)
        assert isinstance(app.web.consents, RedisWindowCounter)
    finally:
        assert isinstance(app.dispatcher.flood, RedisFloodGuard)
        await app.dispatcher.flood.close()
        await app.store.close()
