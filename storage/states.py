"""Repository of conversation states."""

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import to_db
from storage.models import ConversationState


class StateRepo:
    """Load and save where each consented youth is in the conversation."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, chat_key: str) -> ConversationState | None:
        """The stored state, if any."""
        return await self._session.get(ConversationState, chat_key)

    async def put(self, chat_key: str, step: str, data: dict[str, Any], now: datetime) -> None:
        """Create or replace the state."""
        state = await self._session.get(ConversationState, chat_key)
        if state is None:
            state = ConversationState(chat_key=chat_key, step=step, data=dict(data), updated_at=to_db(now))
        else:
            state.step, state.data, state.updated_at = step, dict(data), to_db(now)
        self._session.add(state)
        await self._session.flush()
