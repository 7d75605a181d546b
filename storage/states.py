"""Repository of conversation states."""

from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import to_db
from storage.models import ConversationState
from storage.upsert import insert_for


class StateRepo:
    """Load and save where each consented youth is in the conversation.

    Every message reads and writes its state, so this uses plain statements rather than the ORM's
    identity map and flush (one upsert, no flush). The rows it returns are snapshots, not attached
    to the session; save changes with `put`.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, chat_key: str) -> ConversationState | None:
        """The stored state, if any."""
        query = select(ConversationState.step, ConversationState.data, ConversationState.updated_at).where(
            ConversationState.chat_key == chat_key
        )
        row = (await self._session.exec(query)).first()
        if row is None:
            return None
        step, data, updated_at = row
        return ConversationState.model_construct(chat_key=chat_key, step=step, data=data, updated_at=updated_at)

    async def put(self, chat_key: str, step: str, data: dict[str, Any], now: datetime) -> None:
        """Create or replace the state."""
        values = {"step": step, "data": dict(data), "updated_at": to_db(now)}
        statement = (
            insert_for(self._session, ConversationState)
            .values(chat_key=chat_key, **values)
            .on_conflict_do_update(index_elements=[col(ConversationState.chat_key)], set_=values)
        )
        await self._session.exec(statement)  # type: ignore[call-overload]
