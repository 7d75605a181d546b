"""One retry policy for every channel, expressed over our own error tree (bot/errors.py)."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.errors import RateLimited, TransientChannelError
from bot.pacing import Pacer

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]


async def with_retry(
    make_call: Callable[[], Awaitable[T]],
    *,
    sleep: Sleep = asyncio.sleep,
    attempts: int = 6,
    first_delay: float = 0.5,
    max_delay: float = 30.0,
    pacer: Pacer | None = None,
    chat_id: str | None = None,
) -> T:
    """Run a call the adapter already maps to our errors; retry RateLimited and transient ones.

    RateLimited waits its retry_after (or the backoff when the platform gives none, as
    Zalo's 429 "Quota exceeded" does); RecipientUnreachable and PermanentChannelError pass.
    With a pacer (bot/pacing.py) every attempt waits for its turn, and a 429 holds back every
    sender sharing that pacer instead of sleeping alone.
    """
    delay = first_delay
    for attempt in range(1, attempts + 1):
        if pacer is not None:
            await pacer.acquire(chat_id)
        try:
            return await make_call()
        except RateLimited as exc:
            if attempt == attempts:
                raise TransientChannelError(f"still rate limited after {attempts} attempts") from exc
            wait = exc.retry_after if exc.retry_after > 0 else delay
            if pacer is not None:
                pacer.pause(wait)
            else:
                await sleep(wait)
            delay = min(delay * 2, max_delay)
        except TransientChannelError as exc:
            if attempt == attempts:
                raise TransientChannelError(f"{exc} (gave up after {attempts} attempts)") from exc
            await sleep(delay)
            delay = min(delay * 2, max_delay)
    raise AssertionError("unreachable")
