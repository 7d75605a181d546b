"""Repository of consented youth."""

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import to_db
from storage.erasure import erase_chat, erase_youth
from storage.models import PRIMARY_CAMPAIGN, Youth
from storage.primed import take, youth_key
from storage.statements import Statement, attached, changes, columns, detached, saved

# Every message looks its sender up, and a conversation creates and changes the row: plain
# statements built once (storage/statements.py), no identity map or flush. The rows come back as
# detached Youth objects (storage/statements.detached); `save` writes only the changed columns.
_COLUMNS = columns(Youth)
_NAMES = [c.key for c in _COLUMNS]
_BY_ADDRESS = Statement(select(*_COLUMNS).where(
    col(Youth.channel) == bindparam("channel"), col(Youth.chat_id) == bindparam("chat_id")))
_CREATE = Statement(insert(Youth).returning(col(Youth.id)), keys=_NAMES[1:])


def youth_of(row: Sequence[Any]) -> Youth:
    """The Youth of a row of every column, in table order (also read by storage/opening.py)."""
    return detached(Youth, _NAMES, row)


@cache
def _update(names: tuple[str, ...]) -> Statement:
    """UPDATE youth SET <names> WHERE id = :youth_id."""
    return Statement(update(Youth).where(col(Youth.id) == bindparam("youth_id")), keys=names)


class YouthRepo:
    """Find, create and erase youth."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, channel: str, chat_id: str) -> Youth | None:
        """The youth behind a channel address, if they consented."""
        primed, youth = take(self._session.info, youth_key(channel, chat_id))
        if primed:
            return youth  # type: ignore[no-any-return]
        row = await _BY_ADDRESS.first(self._session, {"channel": channel, "chat_id": chat_id})
        return None if row is None else youth_of(row)

    async def create(self, channel: str, chat_id: str, now: datetime, campaign: str = PRIMARY_CAMPAIGN) -> Youth:
        """Record consent for a new youth, taking part in `campaign`."""
        values = {"channel": channel, "chat_id": chat_id, "name": None, "unit_code": None, "campaign": campaign,
                  "consent_at": to_db(now),
                  "reminders_ok": False, "reachable": True, "created_at": to_db(now)}
        youth_id = await _CREATE.scalar(self._session, values)
        return detached(Youth, _NAMES, [values.get(name, youth_id) for name in _NAMES])

    async def save(self, youth: Youth) -> None:
        """Persist changed fields."""
        if attached(youth):  # loaded through the ORM elsewhere: its flush writes it
            self._session.add(youth)
            await self._session.flush()
            return
        changed = changes(youth, _NAMES[1:])
        if changed:
            await _update(tuple(changed)).run(self._session, {**changed, "youth_id": youth.id})
            saved(youth, changed)

    async def erase(self, youth: Youth) -> int:
        """Erase the youth and every trace of them (storage/erasure.py); returns questions deleted."""
        return await erase_youth(self._session, youth)

    async def erase_chat(self, channel: str, chat_id: str) -> int:
        """/xoa from a chat that never consented: its kept messages (storage/erasure.py); returns how many."""
        return await erase_chat(self._session, channel, chat_id)
