"""Repository of conversation states."""

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, bindparam, cast, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import to_db
from storage.erasure import ERASED
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
_KNOWN = "doithoai.states"  # session.info: the states this unit read or wrote, by chat key


def known(session: AsyncSession) -> dict[str, ConversationState | None]:
    """The states this unit read or wrote, by chat key (storage/opening.py fills it ahead)."""
    return session.info.setdefault(_KNOWN, {})  # type: ignore[no-any-return]


def state_of(chat_key: str, row: Sequence[Any]) -> ConversationState:
    """The state of a row of (step, data, updated_at) (also read by storage/opening.py)."""
    return ConversationState.model_construct(chat_key=chat_key, step=row[0], data=row[1], updated_at=row[2])


def forget(session: AsyncSession, chat_key: str) -> None:
    """Read this chat's state from the database again next time (its lock was just taken)."""
    session.info.get(_KNOWN, {}).pop(chat_key, None)


@cache
def _put(dialect: str) -> Statement:
    """INSERT … ON CONFLICT (chat_key) DO UPDATE in `dialect`, taking every column as a parameter."""
    insert = dialect_insert(dialect, ConversationState)
    return Statement(insert.on_conflict_do_update(
        index_elements=[col(ConversationState.chat_key)],
        set_={"step": insert.excluded.step, "data": insert.excluded.data, "updated_at": insert.excluded.updated_at},
    ), keys=_COLUMNS)


@cache
def _merge(dialect: str) -> Statement:
    """INSERT … ON CONFLICT (chat_key) DO UPDATE that sets only the given keys of `data` (a JSON merge
    in the database: the chat's other keys are never read here, so none can be written back stale)."""
    insert = dialect_insert(dialect, ConversationState)
    column = ConversationState.__table__.c.data  # type: ignore[attr-defined]
    if dialect == "postgresql":
        merged: Any = cast(cast(column, JSONB).op("||")(cast(insert.excluded.data, JSONB)), JSON)
    else:
        merged = func.json_patch(column, insert.excluded.data)  # RFC 7396: an array value replaces the old one
    return Statement(insert.on_conflict_do_update(
        index_elements=[col(ConversationState.chat_key)],
        set_={"data": merged, "updated_at": insert.excluded.updated_at},
    ), keys=_COLUMNS)


class StateRepo:
    """Load and save where each consented youth is in the conversation.

    Plain statements rather than the ORM's identity map and flush (one upsert, no flush): the rows
    it returns are snapshots, not attached to the session; read them, and save changes with `put`.
    A state read or written once in the unit of work is not read again (a staff action or a rating
    read the sender's state up to four times), unless the unit erased someone or took the chat's
    lock since (storage/locks.py: a lock is taken to read what other workers committed).
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._known = known(session)

    async def get(self, chat_key: str) -> ConversationState | None:
        """The stored state, if any."""
        if chat_key in self._known and not self._session.info.get(ERASED):
            return self._known[chat_key]
        row = await _GET.first(self._session, {"chat_key": chat_key})
        state = None if row is None else state_of(chat_key, row)
        self._known[chat_key] = state
        return state

    async def put(self, chat_key: str, step: str, data: dict[str, Any], now: datetime) -> None:
        """Create or replace the state."""
        values = {"chat_key": chat_key, "step": step, "data": dict(data), "updated_at": to_db(now)}
        await _put(connection_dialect(self._session).name).run(self._session, values)
        self._known[chat_key] = ConversationState.model_construct(**values)

    async def merge(self, chat_key: str, values: dict[str, Any], step_if_new: str, now: datetime) -> None:
        """Set these keys of the chat's state data, keeping its other keys and its step, without
        reading it: for writers that do not hold the chat's lock (a staff reply offering a youth buttons)."""
        await _merge(connection_dialect(self._session).name).run(
            self._session, {"chat_key": chat_key, "step": step_if_new, "data": dict(values), "updated_at": to_db(now)})
        self._known.pop(chat_key, None)  # merged in the database: read it again
