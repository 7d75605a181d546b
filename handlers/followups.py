"""Follow-ups: a text sent right after a question may continue it.

Until the youth says where it belongs, the text waits in the conversation state (the states table,
`data["followup"]`, step FOLLOWUP), never in memory. If they never say, it is added to the question:
at their next message of any other kind (handlers/asking.py), or by `settle_pending`, a job run
every minute so digests and exports never miss it. Nothing a youth sends is lost.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select

from handlers import texts
from handlers.sanitize import collapse_spaces
from handlers.tagging import Tagger
from handlers.turn import Step
from handlers.types import Address, Reply
from storage import ConversationState, Question, UnitOfWork
from storage.locks import lock_chat
from storage.models_admin import AuditEntry
from storage.coordination import CoordinationRepo

log = logging.getLogger(__name__)

PENDING = "followup"  # state data: {"id", "code", "text", "at", "back"} of the text waiting
RECENT = "recent"  # state data: {"id", "code", "at"} of the last question stored or extended
SEPARATOR = "\n"  # the original text stays as it was, each addition on its own line
AUDIT_ACTION = "bo_sung"


def window(minutes: float) -> timedelta:
    """The configured append window."""
    return timedelta(minutes=minutes)


def stamp(moment: datetime) -> str:
    """A moment as kept in the state's JSON."""
    return moment.isoformat()


def moment_of(entry: dict[str, Any]) -> datetime:
    """The moment kept by `stamp` in a state entry."""
    return datetime.fromisoformat(str(entry["at"]))


async def append(
    uow: UnitOfWork, question_id: int, text: str, now: datetime,
    tagger: Tagger | None, normalise: Callable[[str], str] = collapse_spaces,
) -> Question | None:
    """Add `text` to the question on a new line and tag it again; None when the question is gone."""
    query = select(Question).where(col(Question.id) == question_id).with_for_update()
    question = (await uow.session.exec(query.execution_options(populate_existing=True))).first()
    if question is None:
        return None
    addition = text.strip()
    if question.text_raw.endswith(SEPARATOR + addition):
        return question  # already added: the sweep and the youth's next message met
    question.text_raw = question.text_raw + SEPARATOR + addition
    question.text_norm = normalise(question.text_raw)
    if tagger is not None:
        result = tagger.tag(question.text_raw)
        question.topic_scores = {k: round(float(v), 4) for k, v in result.scores.items()}
        if question.topic_source == "tagger":  # a person's choice of topic stays
            question.topic, question.needs_review = result.topic, bool(result.needs_review)
    digested = await CoordinationRepo(uow.session).undigest(question.id or 0)  # the next digest brings it again
    seen = digested or await _seen_by_staff(uow, question)
    uow.session.add(question)
    await uow.session.flush()
    if seen:
        await uow.admin.audit("youth", "youth", AUDIT_ACTION, now, code=question.code,
                              detail=f"follow-up of {len(addition)} chars added after staff saw the question")
    log.info("follow-up added to %s (seen by staff: %s)", question.code, seen)
    return question


async def _seen_by_staff(uow: UnitOfWork, question: Question) -> bool:
    """Whether a coordinator may already have read the question (/xem, a status change)."""
    if question.status != "new":
        return True
    viewed = select(AuditEntry.id).where(
        col(AuditEntry.question_code) == question.code, col(AuditEntry.allowed).is_(True)
    )
    return (await uow.session.exec(viewed.limit(1))).first() is not None


async def settle_pending(
    uow: UnitOfWork, now: datetime, minutes: float,
    tagger: Tagger | None = None, normalise: Callable[[str], str] = collapse_spaces,
) -> list[Reply]:
    """Add every follow-up left unanswered for longer than the window to its question.

    Returns one note per youth, addressed, for the caller to send (or not).
    """
    cutoff = now - window(minutes)
    query = select(ConversationState.chat_key, ConversationState.data).where(
        col(ConversationState.step) == Step.FOLLOWUP.value
    ).order_by(col(ConversationState.chat_key))  # locks taken in one order
    notes: list[Reply] = []
    for chat_key, raw in (await uow.session.exec(query)).all():
        if not _due(raw, cutoff):
            continue
        # The youth's own update may be running in another worker: take their chat's lock and read
        # the state again, or its new follow-up would be overwritten by this stale copy.
        channel, _, chat_id = chat_key.partition(":")
        await lock_chat(uow.session, channel, chat_id)
        state = await uow.states.get(chat_key)
        if state is None or state.step != Step.FOLLOWUP.value or not _due(state.data, cutoff):
            continue
        data = dict(state.data)
        pending = data[PENDING]
        question = await append(uow, int(pending["id"]), str(pending["text"]), now, tagger, normalise)
        for key in (PENDING, RECENT, "choices"):
            data.pop(key, None)
        await uow.states.put(chat_key, str(pending.get("back") or Step.IDLE.value), data, now)
        if question is not None:
            notes.append(Reply(texts.FOLLOWUP_SWEPT.format(code=question.code), address=Address(channel, chat_id)))
    if notes:
        log.info("%d unanswered follow-ups added to their questions", len(notes))
    return notes


def _due(data: dict[str, Any], cutoff: datetime) -> bool:
    """Whether the state holds a follow-up left unanswered since before `cutoff`."""
    pending = data.get(PENDING)
    return bool(pending) and moment_of(pending) <= cutoff
