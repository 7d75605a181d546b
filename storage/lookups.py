"""A short-lived cache of the rows every message reads and admins rarely change."""

import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any


class LookupCache:
    """Role grants, blocked chats and the campaign override (small tables), kept for `ttl` seconds.

    Every message reads them (3 of its ~9 statements) and they change only by an admin command.
    A write in this process clears the cache at once and again after its transaction ends; another
    worker's write is seen within `ttl`.
    """

    def __init__(self, ttl: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._entries: dict[Hashable, tuple[float, Any]] = {}

    async def fetch(self, key: Hashable, load: Callable[[], Awaitable[Any]]) -> Any:
        """The value kept under `key`, or what `load()` returns (then kept for `ttl` seconds)."""
        entry = self._entries.get(key)
        if entry is not None and entry[0] > self._clock():
            return entry[1]
        value = await load()
        if self.ttl > 0:
            self._entries[key] = (self._clock() + self.ttl, value)
        return value

    def clear(self) -> None:
        """Forget everything (after any write to the cached tables)."""
        self._entries.clear()
