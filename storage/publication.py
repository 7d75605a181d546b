"""Publication of answered questions (issue #18): the youth's consent, a coordinator's approval, the public list.

A question is on the public page only while all three hold: the youth allows it (`public_ok`), a
coordinator approved a public text (`public_text`, `public_at`), and it has an answer. Withdrawing
consent also clears the approval, so a later consent needs a fresh review. /xoa deletes the rows.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import to_db
from storage.models import Question, Youth
from storage.models_admin import Answer

ANSWERED = ("answered", "closed")


async def set_consent(session: AsyncSession, question: Question, allowed: bool, now: datetime) -> None:
    """The youth allows (or no longer allows) publishing the question without their name."""
    question.public_ok = allowed
    question.public_ok_at = to_db(now) if allowed else None
    if not allowed:
        question.public_text, question.public_at = None, None
    session.add(question)
    await session.flush()


async def approve(session: AsyncSession, question: Question, text: str, now: datetime) -> None:
    """A coordinator's approved public text: the question goes on the page."""
    question.public_text, question.public_at = text, to_db(now)
    session.add(question)
    await session.flush()


async def withdraw(session: AsyncSession, question: Question) -> None:
    """The approval is taken back: the question leaves the page."""
    question.public_text, question.public_at = None, None
    session.add(question)
    await session.flush()


async def names_of(session: AsyncSession, question: Question) -> list[str]:
    """The names stored for the asker: on the question and on the youth."""
    names = [question.asker_name or ""]
    if question.youth_id is not None:
        youth = await session.get(Youth, question.youth_id)
        names.append(youth.name or "" if youth is not None else "")
    return [name for name in names if name.strip()]


async def published(session: AsyncSession, campaign: str | None = None) -> list[tuple[Question, Answer]]:
    """Every consented, approved, answered question (of one campaign, when given) with its latest
    answer, newest answer first."""
    query = (
        select(Question, Answer)
        .join(Answer, col(Answer.question_id) == col(Question.id))
        .where(col(Question.public_ok).is_(True), col(Question.public_at).is_not(None),
               col(Question.public_text).is_not(None), col(Question.status).in_(ANSWERED))
        .order_by(col(Answer.id))
    )
    if campaign is not None:
        query = query.where(col(Question.campaign) == campaign)
    latest: dict[int, tuple[Question, Answer]] = {}
    for question, answer in (await session.exec(query)).all():
        latest[question.id or 0] = (question, answer)  # ordered by id: the last one wins
    return sorted(latest.values(), key=lambda pair: pair[1].created_at, reverse=True)


def is_published(question: Question) -> bool:
    """Whether a coordinator's approval stands (the page also needs consent and an answer)."""
    return question.public_at is not None and question.public_text is not None


def answered(question: Question, answers: Sequence[Answer]) -> bool:
    """Whether the question has an answer that may be shown."""
    return question.status in ANSWERED and bool(answers)
