"""Repository of questions."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, update
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import to_db
from storage.models import Question, ReceiptCounter, TopicCorrection
from storage.statements import Statement, columns, connection_dialect, detached
from storage.upsert import dialect_insert

# The row id is no receipt number: SQLite reuses the largest rowid after a delete, so an erased
# youth's code would be given to the next question. A counter row per prefix, bumped with
# UPDATE … RETURNING inside the question's transaction, never goes back; on PostgreSQL the UPDATE
# locks the row, so concurrent workers wait for each other's commit and never share a number.
_BUMP = Statement(
    update(ReceiptCounter)
    .where(col(ReceiptCounter.prefix) == bindparam("for_prefix"))
    .values(last=col(ReceiptCounter.last) + 1)
    .returning(col(ReceiptCounter.last))
)
# A question is stored on arrival and a conversation lists them: statements built once
# (storage/statements.py); the rows come back as detached Question objects.
_COLUMNS = columns(Question)
_NAMES = [c.key for c in _COLUMNS]
_INSERT = Statement(insert(Question).returning(col(Question.id)), keys=_NAMES[1:])
_OF_YOUTH = Statement(select(*_COLUMNS).where(col(Question.youth_id) == bindparam("youth_id"))
                      .order_by(col(Question.id).desc()).limit(bindparam("limit")))
_COUNT_OF_YOUTH = Statement(select(func.count()).where(col(Question.youth_id) == bindparam("youth_id")))


class QuestionRepo:
    """Store questions and give them receipt codes."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, question: Question, prefix: str) -> Question:
        """Insert a question with the next receipt code of `prefix` (PREFIX-0042)."""
        question.code = f"{prefix}-{await self._next_number(prefix):04d}"
        values = {name: getattr(question, name) for name in _NAMES[1:]}
        question.id = await _INSERT.scalar(self._session, values)
        make_transient_to_detached(question)  # stored: a later change and session.add write an UPDATE
        return question

    async def _next_number(self, prefix: str) -> int:
        """Take the next number of `prefix` (its counter row is created on first use)."""
        number = await _BUMP.scalar(self._session, {"for_prefix": prefix})
        if number is None:
            connection = await self._session.connection()
            first = dialect_insert(connection_dialect(self._session).name, ReceiptCounter).values(prefix=prefix, last=0)
            await connection.execute(first.on_conflict_do_nothing(index_elements=["prefix"]))
            number = await _BUMP.scalar(self._session, {"for_prefix": prefix})
        return int(number)

    async def by_code(self, code: str) -> Question | None:
        """A question by its receipt code (case-insensitive)."""
        result = await self._session.exec(select(Question).where(Question.code == code.strip().upper()))
        return result.first()

    async def of_youth(self, youth_id: int, limit: int = 20) -> Sequence[Question]:
        """The youth's latest questions, newest first."""
        rows = await _OF_YOUTH.all(self._session, {"youth_id": youth_id, "limit": limit})
        return [detached(Question, _NAMES, row) for row in rows]

    async def count_of_youth(self, youth_id: int) -> int:
        """How many questions the youth has stored."""
        return int(await _COUNT_OF_YOUTH.scalar(self._session, {"youth_id": youth_id}))

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
