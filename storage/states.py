"""Repository of conversation states."""

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import to_db
from storage.models import ConversationState
from storage.statements import Statement, connection_dialect
from storage.upsert import dialect_insert

# Every message reads and writes its state, so the statements are built once and run on the
# session's connection. Building a statement, its cache key and the ORM's execution path each time
# cost about 0.55 ms per statement against 0.25 ms this way (SQLite, the 2-core machine).
_GET = Statement(select(ConversationState.step, ConversationState.data, ConversationState.updated_at).where(
    ConversationState.chat_key == bindparam("chat_key")  # type: ignore[arg-type]
))
_COLUMNS = ("chat_key", "step", "data", "updated_at")


@cache
def _put(dialect: str) -> Statement:
    """INSERT … ON CONFLICT (chat_key) DO UPDATE in `dialect`, taking every column as a parameter."""
    insert = dialect_insert(dialect, ConversationState)
    return Statement(insert.on_conflict_do_update(
        index_elements=[col(ConversationState.chat_key)],
        set_={"step": insert.excluded.step, "data": insert.excluded.data, "updated_at": insert.excluded.updated_at},
    ), keys=_COLUMNS)


class StateRepo:
    """Load and save where each consented youth is in the conversation.

    Plain statements rather than the ORM's identity map and flush (one upsert, no flush): the rows
    it returns are snapshots, not attached to the session; save changes with `put`.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, chat_key: str) -> ConversationState | None:
        """The stored state, if any."""
        row = await _GET.first(self._session, {"chat_key": chat_key})
        if row is None:
            return None
        step, data, updated_at = row
        return ConversationState.model_construct(chat_key=chat_key, step=step, data=data, updated_at=updated_at)

    async def put(self, chat_key: str, step: str, data: dict[str, Any], now: datetime) -> None:
        """Create or replace the state."""
        await _put(connection_dialect(self._session).name).run(
            self._session,
            {"chat_key": chat_key, "step": step, "data": dict(data), "updated_at": to_db(now)},
        )
