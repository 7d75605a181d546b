"""One send limiter per bot token: Telegram's ~30 messages/s overall and ~1/s per chat.

The channel adapter asks the pacer before every send attempt (first tries and retries alike) and
tells it about a 429, which holds every sender back for `retry_after` and lowers the shared rate.
So the broadcast engine's concurrency and the adapter's inline retries share one budget and never
fight; concurrency only bounds how many requests are in flight.
"""

import asyncio
import math
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable

Sleep = Callable[[float], Awaitable[None]]


class Pacer:
    """Spaces send *starts* evenly, globally and per chat, and learns the real limit from 429s.

    Sends leave one at a time through a gate, `1 / (limit * headroom)` apart (GCRA: a token
    bucket without a timer). Spacing the instants sends actually leave, rather than booking slots
    ahead, matters: booked slots whose sleepers all wake late would leave together. Up to `slack`
    seconds lost to a stalled event loop are made up, at `catch_up` times the rate rather than in
    a burst, and never beyond `limit` sends in any `window` seconds: the platform counts a sliding
    second when requests *arrive*, so the window is a little longer than a second to absorb jitter.

    Telegram publishes no exact limit, so a 429 also lowers the limit we believe in (once per
    pause) and each calm second wins a little of it back (AIMD), never above `per_second`.
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
        headroom: float = 0.96,
        slack: float = 0.02,
        catch_up: float = 2.0,
        window: float = 1.04,
        backoff: float = 0.85,
        recovery: float = 0.01,
        floor: float = 0.05,
    ) -> None:
        self.per_second = per_second
        self.limit = per_second  # the limit we believe in: 429s lower it, calm raises it back
        self.headroom = headroom
        self.chat_interval = per_chat_interval
        self.chat_burst = max(1, per_chat_burst)
        self._monotonic = monotonic
        self._sleep = sleep
        self._slack, self._catch_up, self._window = slack, catch_up, window
        self._backoff, self._recovery, self._min_limit = backoff, recovery, per_second * floor
        self._tat = 0.0  # theoretical arrival time of the next global send
        self._left: deque[float] = deque()  # when recent sends left, for the sliding window
        self._paused_until = 0.0
        self._calm_since = 0.0  # the limit grows back from here
        self._chats: OrderedDict[str, float] = OrderedDict()
        self._max_chats = max_chats
        self._gate: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None
        self.paused_total = 0.0
        self.cuts = 0  # how many 429s lowered the limit

    @property
    def rate(self) -> float:
        """Sends per second the pacer spaces at now."""
        return self.limit * self.headroom

    async def acquire(self, chat_id: str | None) -> None:
        """Wait for our turn to send to `chat_id`; returns at the instant the send may leave."""
        while True:
            # Wait for the chat outside the gate, so one busy chat never holds up the others.
            while (wait := self._chat_wait(chat_id, self._monotonic())) > 0:
                await self._sleep(wait)
            async with self._gate_lock():
                now = await self._turn()
                if self._chat_wait(chat_id, now) > 0:
                    continue  # another send to this chat left first; queue again
                self._leave(chat_id, now)
                return

    def pause(self, retry_after: float) -> None:
        """The platform answered 429: nobody sends for `retry_after` s, and the limit drops."""
        now = self._monotonic()
        until = now + retry_after
        if now >= self._paused_until:  # a fresh 429, not an echo of requests already in flight
            self._recover(now)
            self.limit = max(self._min_limit, self.limit * self._backoff)
            self.cuts += 1
        if until > self._paused_until:
            self.paused_total += until - max(now, self._paused_until)
            self._paused_until = until
            self._calm_since = max(self._calm_since, until)

    def delay(self, chat_id: str | None) -> float:
        """How long a send to `chat_id` would wait now, ignoring senders already queued."""
        now = self._monotonic()
        return max(0.0, self._ready_at(now) - now, self._chat_wait(chat_id, now))

    def _gate_lock(self) -> asyncio.Lock:
        """The gate sends leave through, one per event loop (an asyncio.Lock binds to one)."""
        loop = asyncio.get_running_loop()
        if self._gate is None or self._gate[0] is not loop:
            self._gate = (loop, asyncio.Lock())
        return self._gate[1]

    async def _turn(self) -> float:
        """Inside the gate: sleep until the schedule, the window and any pause let a send leave."""
        now = self._monotonic()
        while (wait := self._ready_at(now) - now) > 0:
            await self._sleep(wait)  # a 429 may arrive meanwhile: check again on waking
            now = self._monotonic()
        return now

    def _ready_at(self, now: float) -> float:
        left, cap = self._left, max(1, math.floor(self.limit))
        while left and left[0] <= now - self._window:
            left.popleft()
        full = left[-cap] + self._window if len(left) >= cap else 0.0  # `limit` sends in the window
        quickest = left[-1] + 1.0 / (self.rate * self._catch_up) if left else 0.0  # made-up time, spread
        return max(self._tat, self._paused_until, full, quickest)

    def _leave(self, chat_id: str | None, now: float) -> None:
        self._recover(now)
        self._tat = max(self._tat, now - self._slack) + 1.0 / self.rate
        self._left.append(now)
        if chat_id is None or self.chat_interval <= 0:
            return
        chat_tat = self._chats.pop(chat_id, now)
        self._chats[chat_id] = max(chat_tat, now) + self.chat_interval
        while len(self._chats) > self._max_chats:
            self._chats.popitem(last=False)

    def _chat_wait(self, chat_id: str | None, now: float) -> float:
        """Per-chat GCRA: up to `chat_burst` sends at once, then one per `chat_interval`."""
        if chat_id is None or self.chat_interval <= 0 or chat_id not in self._chats:
            return 0.0
        return self._chats[chat_id] - (self.chat_burst - 1) * self.chat_interval - now

    def _recover(self, now: float) -> None:
        """Additive increase: each calm second wins back `recovery` of `per_second`."""
        if now > self._calm_since:
            gained = self.per_second * self._recovery * (now - self._calm_since)
            self.limit = min(self.per_second, self.limit + gained)
            self._calm_since = now
