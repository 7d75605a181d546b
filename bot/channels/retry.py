"""One retry policy for every channel, expressed over our own error tree (bot/errors.py)."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.errors import RateLimited, TransientChannelError

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]


async def with_retry(
    make_call: Callable[[], Awaitable[T]],
    *,
    sleep: Sleep = asyncio.sleep,
    attempts: int = 6,
    first_delay: float = 0.5,
    max_delay: float = 30.0,
) -> T:
    """Run a call the adapter already maps to our errors; retry RateLimited and transient ones.

    RateLimited waits its retry_after (or the backoff when the platform gives none, as
    Zalo's 429 "Quota exceeded" does); RecipientUnreachable and PermanentChannelError pass.
    """
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            return await make_call()
        except RateLimited as exc:
            if attempt == attempts:
                raise TransientChannelError(f"still rate limited after {attempts} attempts") from exc
            await sleep(exc.retry_after if exc.retry_after > 0 else delay)
            delay = min(delay * 2, max_delay)
        except TransientChannelError as exc:
            if attempt == attempts:
                raise TransientChannelError(f"{exc} (gave up after {attempts} attempts)") from exc
            await sleep(delay)
            delay = min(delay * 2, max_delay)
    raise AssertionError("unreachable")
