"""The Redis flood guard: one budget per chat across processes, and it fails open."""

import uuid

from redis.asyncio import Redis

from bot.flood import Verdict
from bot.flood_redis import RedisFloodGuard
from handlers.types import Address
from tests.support import FakeClock, local

SECRET = b"k" * 32  # every worker shares the server secret


async def test_two_workers_share_one_budget(redis_url: str) -> None:
    clock = FakeClock(local(2023, 5, 10))
    prefix = f"doithoai:test:{uuid.uuid4().hex}"
    first = RedisFloodGuard(Redis.from_url(redis_url), clock, limit=3, window=60, prefix=prefix, secret=SECRET)
    second = RedisFloodGuard(Redis.from_url(redis_url), clock, limit=3, window=60, prefix=prefix, secret=SECRET)
    chat = Address("telegram", "7")
    try:
        verdicts = [await guard.verdict(chat) for guard in (first, second, first, second, first)]
        assert verdicts == [Verdict.PASS] * 3 + [Verdict.WARN, Verdict.DROP]
        assert not [key async for key in first.client.scan_iter(f"{prefix}:*") if b"telegram" in key]
        assert await first.verdict(Address("telegram", "8")) is Verdict.PASS
        clock.advance(seconds=130)  # two windows later the chat starts afresh
        assert await second.verdict(chat) is Verdict.PASS
    finally:
        await first.close()
        await second.close()


async def test_a_redis_outage_lets_messages_through() -> None:
    guard = RedisFloodGuard(Redis.from_url("redis://127.0.0.1:1/0"), FakeClock(local(2023, 5, 10)), limit=1, secret=SECRET)
    try:
        assert [await guard.verdict(Address("telegram", "9")) for _ in range(3)] == [Verdict.PASS] * 3
    finally:
        await guard.close()
