"""The web chat's outbox in the database: messages that are not a direct reply to the page."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from storage import Store
from storage.web_outbox import WebOutboxRepo


class WebOutbox:
    """Queues messages per web session; the page fetches them with GET /api/poll."""

    def __init__(self, store: Store, now: Callable[[], datetime]) -> None:
        self._store = store
        self._now = now

    async def put(self, chat_id: str, message: dict[str, Any]) -> int:
        """Store one message; returns its id."""
        async with self._store.unit() as uow:
            return await WebOutboxRepo(uow.session).add(chat_id, message, self._now())

    async def since(self, chat_id: str, after: int) -> list[tuple[int, dict[str, Any]]]:
        """The session's messages after id `after`, oldest first."""
        async with self._store.unit() as uow:
            return await WebOutboxRepo(uow.session).after(chat_id, after)

    async def forget(self, chat_id: str) -> None:
        """Erase the session's waiting messages (after /xoa)."""
        async with self._store.unit() as uow:
            await WebOutboxRepo(uow.session).forget(chat_id)
