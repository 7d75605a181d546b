"""The pending-update queue of the fake Bot API, with getUpdates offset semantics."""

import asyncio
import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]


class Signal:
    """Wakes every waiter whenever something changes; waiters re-check their predicate."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake all current waiters."""
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float | None) -> bool:
        """Wait until predicate() is true; False on timeout."""
        try:
            async with asyncio.timeout(timeout):
                while not predicate():
                    await self._event.wait()
        except TimeoutError:
            return predicate()
        return True


@dataclass
class QueuedUpdate:
    """One update awaiting confirmation (polling) or a 2xx answer (webhook)."""

    update: JsonDict
    redelivery: bool = False
    delivered: bool = False
    in_flight: bool = False
    attempts: int = field(default=0)

    @property
    def update_id(self) -> int:
        """The update's id."""
        return int(self.update["update_id"])


class UpdateQueue:
    """Updates in delivery order; an update leaves once the bot confirmed it.

    Polling confirms with `offset`: every update with a smaller id that the bot
    has already been given is forgotten. A redelivered copy (same update_id)
    is handed out once even if its id is below the current offset, which is
    what a bot sees when Telegram re-sends an update it did not count as confirmed.
    """

    def __init__(self, signal: Signal) -> None:
        self._signal = signal
        self._entries: list[QueuedUpdate] = []
        self._history: dict[int, JsonDict] = {}
        self._last_id = 100_000

    def push(self, update: JsonDict) -> int:
        """Queue an update (owned by the queue from now on), numbering it if needed."""
        if "update_id" not in update:
            self._last_id += 1
            update["update_id"] = self._last_id
        else:
            self._last_id = max(self._last_id, int(update["update_id"]))
        self._history[int(update["update_id"])] = update
        self._entries.append(QueuedUpdate(update))
        self._signal.notify()
        return int(update["update_id"])

    def redeliver(self, update_id: int) -> None:
        """Queue an earlier update again with the same update_id."""
        if update_id not in self._history:
            raise KeyError(f"no update with id {update_id} was ever queued")
        self._entries.append(QueuedUpdate(copy.deepcopy(self._history[update_id]), redelivery=True))
        self._signal.notify()

    def confirm(self, offset: int | None) -> None:
        """Apply a getUpdates offset: drop handed-out updates below it."""
        if offset is None:
            return
        if offset < 0:
            self._entries = self._entries[offset:]
        else:
            self._entries = [e for e in self._entries if not _confirmed(e, offset)]
        self._signal.notify()

    def ready(self, offset: int | None) -> list[QueuedUpdate]:
        """Updates a getUpdates call with this offset may return."""
        if offset is None or offset < 0:
            return list(self._entries)
        return [e for e in self._entries if e.update_id >= offset or e.redelivery]

    def has_ready(self, offset: int | None) -> bool:
        """Would a getUpdates call with this offset return anything?"""
        if offset is None or offset < 0:
            return bool(self._entries)
        return any(e.update_id >= offset or e.redelivery for e in self._entries)

    def take(self, offset: int | None, limit: int) -> list[JsonDict]:
        """Hand out up to `limit` updates (they stay queued until confirmed).

        The dicts are the queued ones, not copies: callers serialise them at once.
        """
        entries = self.ready(offset)[:limit]
        for entry in entries:
            entry.delivered = True
        return [entry.update for entry in entries]

    def claim(self) -> QueuedUpdate | None:
        """Webhook mode: take the oldest update no other worker is sending."""
        for entry in self._entries:
            if not entry.in_flight:
                entry.in_flight = True
                return entry
        return None

    def has_claimable(self) -> bool:
        """Webhook mode: is there an update no worker is sending?"""
        return any(not entry.in_flight for entry in self._entries)

    def acknowledge(self, entry: QueuedUpdate) -> None:
        """Webhook mode: the receiver answered 2xx (or we gave up)."""
        if entry in self._entries:
            self._entries.remove(entry)
        self._signal.notify()

    def release(self, entry: QueuedUpdate) -> None:
        """Webhook mode: delivery failed; the update may be claimed again."""
        entry.in_flight = False
        self._signal.notify()

    def clear(self) -> None:
        """Drop every pending update (deleteWebhook drop_pending_updates)."""
        self._entries.clear()
        self._signal.notify()

    def pending(self) -> list[JsonDict]:
        """Copies of the unconfirmed updates, in delivery order."""
        return [copy.deepcopy(entry.update) for entry in self._entries]

    def __len__(self) -> int:
        return len(self._entries)


def _confirmed(entry: QueuedUpdate, offset: int) -> bool:
    if entry.update_id >= offset:
        return False
    return entry.delivered or not entry.redelivery
