"""One send limiter per bot token: Telegram's ~30 messages/s overall and ~1/s per chat.

The channel adapter asks the pacer before every send attempt (first tries and retries alike) and
tells it about a 429, which holds every sender back for `retry_after`. So the broadcast engine's
concurrency and the adapter's inline retries share one budget and never fight.
"""

import asyncio
import math
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable

Sleep = Callable[[float], Awaitable[None]]


class Pacer:
    """GCRA (a token bucket without a timer): global rate plus a per-chat rate with a small burst.

    A sliding window over the instants sends actually left (after event-loop lag) also caps them
    at `per_second` in any `window` seconds, the way Telegram (and our fake) counts: late wake-ups
    cannot bunch into a 429, which would cost a whole retry_after for everyone.
    """

    def __init__(
        self,
        per_second: float = 30.0,
        *,
        per_chat_interval: float = 1.0,
        per_chat_burst: int = 3,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        max_chats: int = 100_000,
        window: float = 1.01,
        burst_seconds: float = 0.0,
    ) -> None:
        self.interval = 1.0 / per_second
        self.burst = max(1, int(per_second * burst_seconds))
        self.chat_interval = per_chat_interval
        self.chat_burst = max(1, per_chat_burst)
        self._monotonic = monotonic
        self._sleep = sleep
        self._tat = 0.0  # theoretical arrival time of the next global send
        self._chats: OrderedDict[str, float] = OrderedDict()
        self._max_chats = max_chats
        self.paused_total = 0.0
        self._window = window
        self._cap = max(1, math.floor(per_second))
        self._sent: deque[float] = deque()

    def reserve(self, chat_id: str | None) -> float:
        """Book the next send to `chat_id`; returns how long to wait before sending."""
        now = self._monotonic()
        start = max(now, self._tat - (self.burst - 1) * self.interval)  # a lagging loop may catch up a little
        self._tat = max(self._tat, start) + self.interval
        if chat_id is not None and self.chat_interval > 0:
            chat_tat = self._chats.pop(chat_id, now)
            chat_start = max(now, chat_tat - (self.chat_burst - 1) * self.chat_interval)
            self._chats[chat_id] = max(chat_tat, chat_start) + self.chat_interval
            while len(self._chats) > self._max_chats:
                self._chats.popitem(last=False)
            start = max(start, chat_start)
        return start - now

    async def acquire(self, chat_id: str | None) -> None:
        """Wait for our turn to send to `chat_id`."""
        wait = self.reserve(chat_id)
        if wait > 0:
            await self._sleep(wait)
        while True:
            now = self._monotonic()
            while self._sent and self._sent[0] <= now - self._window:
                self._sent.popleft()
            if len(self._sent) < self._cap:
                self._sent.append(now)
                return
            await self._sleep(self._sent[0] + self._window - now)

    def pause(self, retry_after: float) -> None:
        """The platform answered 429: nobody sends for `retry_after` seconds."""
        until = self._monotonic() + retry_after
        if until > self._tat:
            self.paused_total += until - self._tat
            self._tat = until
