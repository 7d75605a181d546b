"""Queries for coordinators: audiences for reminders, and which questions each digest brought whom."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, literal
from sqlmodel import col, select, update
from sqlmodel.sql.sqltypes import UTCDateTime
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import to_db
from storage.models import Question, Youth
from storage.models_coordination import DigestedQuestion
from storage.upsert import insert_for

MARK_CHUNK = 1000  # question ids per INSERT … SELECT, below SQLite's and asyncpg's parameter limits


class CoordinationRepo:
    """Read-mostly queries behind digests and reminders."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def youth_without_questions(self, channels: Sequence[str], campaign: str | None = None) -> list[tuple[str, str]]:
        """(channel, chat_id) of reachable youth who consented but stored no question yet (in
        `campaign`, among the youth taking part in it, when one is given)."""
        asked = select(Question.youth_id).where(col(Question.youth_id).is_not(None))
        query = select(Youth.channel, Youth.chat_id).where(col(Youth.channel).in_(channels), col(Youth.reachable).is_(True))
        if campaign is not None:
            asked = asked.where(col(Question.campaign) == campaign)
            query = query.where(col(Youth.campaign) == campaign)
        result = await self._session.exec(query.where(col(Youth.id).not_in(asked)).order_by(col(Youth.id)))
        return [(c, i) for c, i in result.all()]

    async def youth_opted_in(self, channels: Sequence[str], campaign: str | None = None) -> list[tuple[str, str]]:
        """(channel, chat_id) of reachable youth who asked for reminders (taking part in `campaign`, if given)."""
        query = (
            select(Youth.channel, Youth.chat_id)
            .where(col(Youth.channel).in_(channels), col(Youth.reachable).is_(True))
            .where(col(Youth.reminders_ok).is_(True))
        )
        if campaign is not None:
            query = query.where(col(Youth.campaign) == campaign)
        result = await self._session.exec(query.order_by(col(Youth.id)))
        return [(c, i) for c, i in result.all()]

    async def mark_reachable(self, channel: str, chat_id: str) -> None:
        """The youth wrote again (a Zalo OA message window reopens): send to them again."""
        await self._session.exec(
            update(Youth)  # type: ignore[call-overload]
            .where(col(Youth.channel) == channel, col(Youth.chat_id) == chat_id, col(Youth.reachable).is_(False))
            .values(reachable=True)
            .execution_options(synchronize_session=False)
        )

    async def mark_unreachable(self, channel: str, chat_id: str) -> None:
        """The youth blocked the bot: stop sending them anything."""
        await self._session.exec(
            update(Youth).where(col(Youth.channel) == channel, col(Youth.chat_id) == chat_id).values(reachable=False).execution_options(synchronize_session=False)  # type: ignore[call-overload]
        )

    async def digested(self, coordinator: str) -> set[int]:
        """The ids of the questions this coordinator has already received in a digest."""
        query = select(DigestedQuestion.question_id).where(col(DigestedQuestion.coordinator) == coordinator)
        return set((await self._session.exec(query)).all())

    async def undigest(self, question_id: int) -> bool:
        """Forget every digest that brought this question (its text grew): True when one had."""
        result = await self._session.exec(  # type: ignore[call-overload]
            delete(DigestedQuestion).where(col(DigestedQuestion.question_id) == question_id)
        )
        return bool(result.rowcount)

    async def mark_digested(self, coordinator: str, question_ids: Sequence[int], now: datetime) -> None:
        """Record that these questions went out in the coordinator's digest (again, or erased since: no change)."""
        for start in range(0, len(question_ids), MARK_CHUNK):
            chunk = question_ids[start : start + MARK_CHUNK]
            existing = select(literal(coordinator), col(Question.id), literal(to_db(now), UTCDateTime())).where(
                col(Question.id).in_(chunk)
            )
            insert = insert_for(self._session, DigestedQuestion).from_select(
                ["coordinator", "question_id", "digested_at"], existing
            )
            await self._session.exec(insert.on_conflict_do_nothing())  # type: ignore[call-overload]
