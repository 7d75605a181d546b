"""Repository of questions."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import to_db
from storage.models import Question, TopicCorrection


class QuestionRepo:
    """Store questions and give them receipt codes."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, question: Question, prefix: str) -> Question:
        """Insert a question and give it its receipt code (PREFIX-0042)."""
        self._session.add(question)
        await self._session.flush()
        question.code = f"{prefix}-{question.id:04d}"
        self._session.add(question)
        await self._session.flush()
        return question

    async def by_code(self, code: str) -> Question | None:
        """A question by its receipt code (case-insensitive)."""
        result = await self._session.exec(select(Question).where(Question.code == code.strip().upper()))
        return result.first()

    async def of_youth(self, youth_id: int, limit: int = 20) -> Sequence[Question]:
        """The youth's latest questions, newest first."""
        result = await self._session.exec(
            select(Question)
            .where(Question.youth_id == youth_id)
            .order_by(col(Question.id).desc())
            .limit(limit)
        )
        return result.all()

    async def count_of_youth(self, youth_id: int) -> int:
        """How many questions the youth has stored."""
        result = await self._session.exec(select(Question.id).where(Question.youth_id == youth_id))
        return len(result.all())

    async def all(self) -> Sequence[Question]:
        """Every question, oldest first."""
        return (await self._session.exec(select(Question).order_by(col(Question.id)))).all()

    async def correct_topic(
        self, question: Question, new_topic: str, by: str, now: datetime, scores: dict[str, Any] | None = None
    ) -> None:
        """Change a question's topic and keep the correction as training data."""
        self._session.add(
            TopicCorrection(
                question_id=question.id or 0,
                old_topic=question.topic,
                new_topic=new_topic,
                by=by,
                created_at=to_db(now),
            )
        )
        question.topic = new_topic
        question.topic_source = "youth" if by == "youth" else "coordinator"
        if scores is not None:
            question.topic_scores = scores
        self._session.add(question)
        await self._session.flush()

    async def corrections(self, *, include_youth: bool = True) -> list[tuple[str, str]]:
        """(text, label) pairs of stored corrections, oldest first."""
        query = select(Question.text_raw, TopicCorrection.new_topic).join(
            Question, col(Question.id) == col(TopicCorrection.question_id)
        )
        if not include_youth:
            query = query.where(TopicCorrection.by != "youth")
        result = await self._session.exec(query.order_by(col(TopicCorrection.id)))
        return [(text, label) for text, label in result.all()]
