"""Queries for coordinators: audiences for reminders, new questions for digests, counts."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import to_db
from storage.models import Question, TopicCorrection, Youth
from storage.models_coordination import DigestMark


class CoordinationRepo:
    """Read-mostly queries behind digests and reminders."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def youth_without_questions(self, channels: Sequence[str]) -> list[tuple[str, str]]:
        """(channel, chat_id) of reachable youth who consented but stored no question yet."""
        asked = select(Question.youth_id).where(col(Question.youth_id).is_not(None))
        result = await self._session.exec(
            select(Youth.channel, Youth.chat_id)
            .where(col(Youth.channel).in_(channels), col(Youth.reachable).is_(True))
            .where(col(Youth.id).not_in(asked))
            .order_by(col(Youth.id))
        )
        return [(c, i) for c, i in result.all()]

    async def youth_opted_in(self, channels: Sequence[str]) -> list[tuple[str, str]]:
        """(channel, chat_id) of reachable youth who asked for reminders."""
        result = await self._session.exec(
            select(Youth.channel, Youth.chat_id)
            .where(col(Youth.channel).in_(channels), col(Youth.reachable).is_(True))
            .where(col(Youth.reminders_ok).is_(True))
            .order_by(col(Youth.id))
        )
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

    async def questions_after(self, last_id: int) -> Sequence[Question]:
        """Questions stored after `last_id`, oldest first."""
        result = await self._session.exec(select(Question).where(col(Question.id) > last_id).order_by(col(Question.id)))
        return result.all()

    async def last_question_id(self) -> int:
        """The newest question id (0 when there is none)."""
        return int((await self._session.exec(select(func.max(Question.id)))).one() or 0)

    async def question_count(self) -> int:
        """How many questions are stored."""
        return int((await self._session.exec(select(func.count(col(Question.id))))).one() or 0)

    async def youth_per_unit(self) -> dict[str, int]:
        """How many distinct youth asked, per unit."""
        result = await self._session.exec(
            select(Question.unit_code, func.count(func.distinct(Question.youth_id))).group_by(Question.unit_code)
        )
        return {unit or "": int(n) for unit, n in result.all()}

    async def since_mark(self, coordinator: str) -> tuple[int, set[int]]:
        """Where this coordinator's last digest stopped: the last question id it covered, and the
        questions whose topic a person changed after it (none before the first digest)."""
        row = await self._session.get(DigestMark, coordinator)
        if row is None:
            return 0, set()
        query = select(TopicCorrection.question_id).where(col(TopicCorrection.created_at) > row.updated_at)
        return row.last_question_id, set((await self._session.exec(query)).all())

    async def set_mark(self, coordinator: str, last_id: int, now: datetime) -> None:
        """Move the coordinator's digest mark forward."""
        row = await self._session.get(DigestMark, coordinator)
        if row is None:
            row = DigestMark(coordinator=coordinator, last_question_id=last_id, updated_at=to_db(now))
        else:
            row.last_question_id, row.updated_at = max(row.last_question_id, last_id), to_db(now)
        self._session.add(row)
        await self._session.flush()
