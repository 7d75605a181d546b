"""The flood guard shared by every worker: per-chat counters in Redis (REDIS_URL).

A sliding window approximated from two fixed windows (Cloudflare's method): the current window's
count plus the previous one's, weighted by how much of it still overlaps the sliding window. Keys
expire after two windows, so Redis holds only chats active in the last two minutes. The first
message over the limit in a window gets the "slow down" warning (a SET NX key), the rest are
dropped. If Redis fails, messages pass: a flood guard must never silence the bot.
"""

import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.flood import Verdict
from handlers.clock import Clock
from handlers.types import Address
from storage.secret import pseudonym

log = logging.getLogger(__name__)


class RedisFloodGuard:
    """Allows `limit` messages per `window` seconds per chat, counted across every process."""

    def __init__(
        self, client: Redis, clock: Clock, limit: int = 20, window: float = 60.0, prefix: str = "doithoai:flood",
        *, secret: bytes,
    ) -> None:
        self.client, self.clock, self.limit, self.window, self.prefix = client, clock, limit, window, prefix
        self._secret = secret

    async def verdict(self, address: Address) -> Verdict:
        """Count one message from `address` and judge it."""
        now = self.clock.now().timestamp()
        slot, into = divmod(now, self.window)
        chat = pseudonym(self._secret, "flood", str(address))  # no chat id in Redis, not even hashed bare
        current, previous = f"{self.prefix}:{chat}:{int(slot)}", f"{self.prefix}:{chat}:{int(slot) - 1}"
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.incr(current)
                pipe.expire(current, int(self.window * 2) + 1)
                pipe.get(previous)
                count, _, before = await pipe.execute()
            weight = 1.0 - into / self.window
            if count + int(before or 0) * weight <= self.limit:
                return Verdict.PASS
            warned = await self.client.set(f"{self.prefix}:{chat}:warned", 1, nx=True, ex=max(1, int(self.window)))
        except (RedisError, OSError) as exc:
            log.warning("flood guard: Redis unavailable (%s); message let through", type(exc).__name__)
            return Verdict.PASS
        return Verdict.WARN if warned else Verdict.DROP

    async def close(self) -> None:
        """Close the connection pool."""
        await self.client.aclose()


def redis_flood_guard(url: str, clock: Clock, limit: int, window: float, *, secret: bytes) -> RedisFloodGuard:
    """A guard on the Redis server at `url` (redis://host:port/db); chats are keyed with `secret`."""
    return RedisFloodGuard(Redis.from_url(url), clock, limit, window, secret=secret)
