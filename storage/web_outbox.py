"""Repository of the web chat outbox: store a message for a session, read those after an id."""

from datetime import datetime
from typing import Any

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import to_db
from storage.models_channels import WebOutboxMessage


class WebOutboxRepo:
    """Messages waiting for a web chat session, in id order."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, chat_id: str, reply: dict[str, Any], now: datetime) -> int:
        """Queue one reply; returns its id (the page's cursor)."""
        row = WebOutboxMessage(chat_id=chat_id, reply=reply, created_at=to_db(now))
        self._session.add(row)
        await self._session.flush()
        assert row.id is not None
        return row.id

    async def after(self, chat_id: str, after_id: int, limit: int = 50) -> list[tuple[int, dict[str, Any]]]:
        """The session's messages with an id above `after_id`, oldest first."""
        query = (
            select(WebOutboxMessage)
            .where(WebOutboxMessage.chat_id == chat_id, col(WebOutboxMessage.id) > after_id)
            .order_by(col(WebOutboxMessage.id))
            .limit(limit)
        )
        return [(row.id or 0, dict(row.reply)) for row in (await self._session.exec(query)).all()]

    async def forget(self, chat_id: str) -> None:
        """Erase a session's messages (/xoa)."""
        await self._session.exec(delete(WebOutboxMessage).where(col(WebOutboxMessage.chat_id) == chat_id))  # type: ignore[call-overload]

    async def prune(self, before: datetime) -> int:
        """Drop messages older than `before` (a page that never came back); returns how many."""
        result = await self._session.exec(  # type: ignore[call-overload]
            delete(WebOutboxMessage).where(col(WebOutboxMessage.created_at) < to_db(before))
        )
        return int(result.rowcount or 0)
