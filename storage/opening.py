"""The reads every update begins with, in one statement: one round trip instead of four on PostgreSQL.

Each incoming message asks, in turn, whether its update was handled already (a redelivery), who
sent it (the youth row), where their conversation is (its state) and whether a staff reply or a
rating comment awaits their next message (the pending input). Run one by one they were four
statements; on PostgreSQL four round trips, each costing the worker CPU in asyncpg and the event
loop besides the server's own work. Read together after the chat's lock (so they see what the
chat's previous update committed), the rows go to the repositories that would have read them:
the state into the state cache (storage/states.py), the youth and the pending input primed for
their first read (storage/primed.py).
"""

from typing import Any

from sqlalchemy import and_, bindparam, literal_column, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.admin import pending_of
from storage.models import ConversationState, ProcessedUpdate, Youth
from storage.models_admin import PendingInput
from storage.primed import pending_key, prime, youth_key
from storage.statements import Statement
from storage.states import known, state_of
from storage.youth import youth_of

_UPDATES = ProcessedUpdate.__table__  # type: ignore[attr-defined]
_YOUTH = Youth.__table__  # type: ignore[attr-defined]
_STATES = ConversationState.__table__  # type: ignore[attr-defined]
_PENDING = PendingInput.__table__  # type: ignore[attr-defined]
_ONE = select(literal_column("1").label("one")).subquery("one")
_OPEN = Statement(
    select(_UPDATES.c.replies, *_YOUTH.c, _STATES.c.step, _STATES.c.data, _STATES.c.updated_at, *_PENDING.c)
    .select_from(
        _ONE.outerjoin(_UPDATES, _UPDATES.c.key == bindparam("update_key"))
        .outerjoin(_YOUTH, and_(_YOUTH.c.channel == bindparam("channel"), _YOUTH.c.chat_id == bindparam("chat_id")))
        .outerjoin(_STATES, _STATES.c.chat_key == bindparam("chat_key"))
        .outerjoin(_PENDING, _PENDING.c.chat_key == bindparam("chat_key"))
    )
)
_Y = slice(1, 1 + len(_YOUTH.c))
_S = slice(_Y.stop, _Y.stop + 3)
_P = slice(_S.stop, _S.stop + len(_PENDING.c))


async def open_chat(session: AsyncSession, channel: str, chat_id: str, update_key: str | None) -> list[Any] | None:
    """The replies stored for `update_key` (a handled update's digest), else None; reads the chat's
    youth, state and pending input with it for the repositories. Run right after the chat's lock."""
    chat_key = f"{channel}:{chat_id}"
    row = await _OPEN.first(session, {"update_key": update_key, "channel": channel, "chat_id": chat_id,
                                      "chat_key": chat_key})
    assert row is not None  # the one-row table: always a row
    youth = row[_Y]
    prime(session.info, youth_key(channel, chat_id), None if youth[0] is None else youth_of(youth))
    state = row[_S]
    known(session)[chat_key] = None if state[0] is None else state_of(chat_key, state)
    pending = row[_P]
    prime(session.info, pending_key(chat_key), None if pending[0] is None else pending_of(pending))
    return None if row[0] is None else list(row[0])
