"""A short-lived cache of the rows every message reads and admins rarely change."""

import time
from collections.abc import Callable, Hashable
from typing import Any

_MISSING = object()


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

    def get(self, key: Hashable) -> Any:
        """The cached value, or `MISSING`."""
        entry = self._entries.get(key)
        if entry is None or entry[0] <= self._clock():
            return _MISSING
        return entry[1]

    def put(self, key: Hashable, value: Any) -> None:
        """Keep `value` for `ttl` seconds."""
        if self.ttl <= 0:
            return
        self._entries[key] = (self._clock() + self.ttl, value)

    def clear(self) -> None:
        """Forget everything (after any write to the cached tables)."""
        self._entries.clear()


MISSING = _MISSING
