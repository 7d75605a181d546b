"""Repository of processed updates (drops redeliveries, replays their replies)."""

import hashlib
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import to_db
from storage.models import ProcessedUpdate


def digest(*parts: str) -> str:
    """A stable, non-reversible key for identifiers we must not keep in clear."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class UpdateRepo:
    """Remember which updates were handled and what was answered."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def replies_for(self, channel: str, update_id: str) -> list[Any] | None:
        """The stored replies when this update was already handled, else None."""
        row = await self._session.get(ProcessedUpdate, digest(channel, update_id))
        return None if row is None else list(row.replies)

    async def record(
        self, channel: str, update_id: str, chat_key: str, replies: list[Any], now: datetime
    ) -> None:
        """Mark the update handled (the primary key rejects a concurrent twin)."""
        self._session.add(
            ProcessedUpdate(
                key=digest(channel, update_id),
                chat_key=digest(chat_key),
                replies=replies,
                processed_at=to_db(now),
            )
        )
        await self._session.flush()
