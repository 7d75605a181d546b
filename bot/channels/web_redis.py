"""The web chat's per-address counters in Redis (REDIS_URL), so every worker shares one budget."""

import logging
from collections.abc import Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

from storage.secret import pseudonym

log = logging.getLogger(__name__)


class RedisWindowCounter:
    """Counts hits per key in fixed windows across processes; keys expire with their window."""

    def __init__(
        self, client: Redis, limit: int, window_seconds: float, now: Callable[[], float], prefix: str, secret: bytes
    ) -> None:
        self.client, self.limit, self.window_seconds = client, limit, window_seconds
        self._now, self._prefix, self._secret = now, prefix, secret

    async def hit(self, key: str) -> int:
        """Count one hit for `key`; returns its hits in this window. If Redis fails, 0: let it through."""
        slot = int(self._now() // self.window_seconds)
        name = f"{self._prefix}:{pseudonym(self._secret, 'web-limit', key)[:32]}:{slot}"  # no address in clear
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, int(self.window_seconds) + 1)
                count, _ = await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("web chat limits: Redis unavailable (%s); request let through", type(exc).__name__)
            return 0
        return int(count)


def redis_counters(
    client: Redis, sessions: int, consents: int, window_seconds: float, now: Callable[[], float], secret: bytes,
    prefix: str = "doithoai:web",
) -> tuple[RedisWindowCounter, RedisWindowCounter]:
    """The (new sessions, consents) counters on one Redis connection pool."""
    return (
        RedisWindowCounter(client, sessions, window_seconds, now, f"{prefix}:sessions", secret),
        RedisWindowCounter(client, consents, window_seconds, now, f"{prefix}:consents", secret),
    )
