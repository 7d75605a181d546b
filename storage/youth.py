"""Repository of consented youth."""

from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import to_db
from storage.erasure import erase_chat, erase_youth
from storage.models import Youth


# Every message looks its sender up: the statement is built once (building it and its cache key each
# time was about a third of the lookup's cost).
_BY_ADDRESS = select(Youth).where(Youth.channel == bindparam("channel"), Youth.chat_id == bindparam("chat_id"))


class YouthRepo:
    """Find, create and erase youth."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, channel: str, chat_id: str) -> Youth | None:
        """The youth behind a channel address, if they consented."""
        result = await self._session.exec(_BY_ADDRESS, params={"channel": channel, "chat_id": chat_id})
        return result.first()

    async def create(self, channel: str, chat_id: str, now: datetime) -> Youth:
        """Record consent for a new youth."""
        youth = Youth(channel=channel, chat_id=chat_id, consent_at=to_db(now), created_at=to_db(now))
        self._session.add(youth)
        await self._session.flush()
        return youth

    async def save(self, youth: Youth) -> None:
        """Persist changed fields."""
        self._session.add(youth)
        await self._session.flush()

    async def erase(self, youth: Youth) -> int:
        """Erase the youth and every trace of them (storage/erasure.py); returns questions deleted."""
        return await erase_youth(self._session, youth)

    async def erase_chat(self, channel: str, chat_id: str) -> int:
        """/xoa from a chat that never consented: its kept messages (storage/erasure.py); returns how many."""
        return await erase_chat(self._session, channel, chat_id)
