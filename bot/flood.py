"""Per-user flood guard: a sliding window of recent messages per chat (in memory, per process)."""

from collections import OrderedDict, deque
from enum import Enum
from typing import Protocol

from handlers.clock import Clock
from handlers.types import Address


class Verdict(str, Enum):
    """What to do with one more message from a chat."""

    PASS = "pass"
    WARN = "warn"  # the first message over the limit: tell the youth to slow down
    DROP = "drop"  # further messages inside the same window: ignore (logged)


class Flood(Protocol):
    """Judges one more message from a chat (in memory, or in Redis shared by every worker)."""

    async def verdict(self, address: Address) -> Verdict: ...


class FloodGuard:
    """Allows `limit` messages per `window` seconds per chat; remembers at most `size` chats.

    A chat silent for a whole window is forgotten (what it sent before no longer counts), so the
    guard holds only the chats of the last minute: about 1.2 KB each, which for every chat of a
    campaign would otherwise stay for the life of the process (bench/pipeline.py's memory trail).
    """

    def __init__(self, clock: Clock, limit: int = 20, window: float = 60.0, size: int = 50_000) -> None:
        self.clock, self.limit, self.window, self.size = clock, limit, window, size
        self._seen: OrderedDict[Address, deque[float]] = OrderedDict()
        self._warned: dict[Address, float] = {}

    def __len__(self) -> int:
        """How many chats the guard remembers now."""
        return len(self._seen)

    def check(self, address: Address) -> Verdict:
        """Record one message and judge it."""
        now = self.clock.now().timestamp()
        times = self._seen.pop(address, None) or deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        self._forget_idle(now)  # the others: this chat is out of the dict until the next line
        self._seen[address] = times
        if len(self._seen) > self.size:
            dropped, _ = self._seen.popitem(last=False)
            self._warned.pop(dropped, None)
        if len(times) < self.limit:
            times.append(now)
            self._warned.pop(address, None)
            return Verdict.PASS
        if address in self._warned and self._warned[address] > now - self.window:
            return Verdict.DROP
        self._warned[address] = now
        return Verdict.WARN

    def _forget_idle(self, now: float) -> None:
        """Drop the least recently seen chats while nothing of theirs is inside the window any more."""
        while self._seen:
            oldest, times = next(iter(self._seen.items()))
            if (times and times[-1] > now - self.window) or self._warned.get(oldest, 0.0) > now - self.window:
                return
            del self._seen[oldest]
            self._warned.pop(oldest, None)

    async def verdict(self, address: Address) -> Verdict:
        """check() behind the awaitable interface the Redis guard shares (bot/flood_redis.py)."""
        return self.check(address)
