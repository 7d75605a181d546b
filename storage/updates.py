"""Repository of processed updates (drops redeliveries, replays their replies)."""

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import to_db
from storage.models import ProcessedUpdate


def digest(*parts: str) -> str:
    """A stable, non-reversible key for identifiers we must not keep in clear."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class UpdateRepo:
    """Remember which updates were handled and what was answered (plain statements: every message
    reads and writes here, and the ORM's identity map and flush would only add cost)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def replies_for(self, channel: str, update_id: str) -> list[Any] | None:
        """The stored replies when this update was already handled, else None."""
        query = select(ProcessedUpdate.replies).where(ProcessedUpdate.key == digest(channel, update_id))
        replies = (await self._session.exec(query)).first()
        return None if replies is None else list(replies)

    async def record(
        self, channel: str, update_id: str, chat_key: str, replies: list[Any], now: datetime
    ) -> None:
        """Mark the update handled (the primary key rejects a concurrent twin)."""
        statement = insert(ProcessedUpdate).values(
            key=digest(channel, update_id), chat_key=digest(chat_key), replies=replies, processed_at=to_db(now)
        )
        await self._session.exec(statement)  # type: ignore[call-overload]

    async def prune(self, before: datetime) -> int:
        """Forget updates handled before `before` (platforms stop redelivering within a day); returns how many."""
        result = await self._session.exec(  # type: ignore[call-overload]
            delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < to_db(before))  # type: ignore[arg-type]
        )
        return int(result.rowcount or 0)
