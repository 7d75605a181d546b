"""Repository of consented youth."""

from datetime import datetime

from sqlalchemy import bindparam, delete
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import to_db
from storage.models import ConversationState, ProcessedUpdate, Question, TopicCorrection, Youth
from storage.models_admin import Answer, PendingInput


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

    async def erase(self, youth: Youth, chat_key: str, hashed_chat_key: str) -> int:
        """Delete the youth, their questions, state and cached replies; returns questions deleted."""
        ids = list(
            (await self._session.exec(select(Question.id).where(Question.youth_id == youth.id))).all()
        )
        if ids:
            await self._session.exec(delete(TopicCorrection).where(TopicCorrection.question_id.in_(ids)))  # type: ignore[attr-defined]
            await self._session.exec(delete(Answer).where(Answer.question_id.in_(ids)))  # type: ignore[attr-defined]
            await self._session.exec(delete(Question).where(Question.id.in_(ids)))  # type: ignore[union-attr]
        await self._session.exec(delete(ConversationState).where(ConversationState.chat_key == chat_key))  # type: ignore[arg-type]
        await self._session.exec(delete(PendingInput).where(PendingInput.chat_key == chat_key))  # type: ignore[arg-type]
        await self._session.exec(delete(ProcessedUpdate).where(ProcessedUpdate.chat_key == hashed_chat_key))  # type: ignore[arg-type]
        await self._session.delete(youth)
        await self._session.flush()
        return len(ids)
