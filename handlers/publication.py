"""Answers published after the dialogue (issue #18): the youth's side and the public page's content.

A youth allows publication on the receipt («Cho phép công khai câu hỏi, không kèm tên», off by
default) or in /cauhoi, where each question shows its state and a toggle. Staff approve in
handlers/admin/publication.py. `public_view` builds what /cong-khai shows: for one campaign's
settings today, so a campaign id can be passed in later.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from handlers import texts
from handlers.coordination.routing import departments_for
from handlers.coordination.similar import fold_fast
from handlers.scope import coordinators
from handlers.settings import Settings
from handlers.turn import Turn
from handlers.types import Button
from storage import Question, UnitOfWork
from storage import publication as repo
from storage.clock import from_db

log = logging.getLogger(__name__)

PREFIX = "public"  # button data: public:QUESTION_ID:on|off (the receipt's is in prompts.receipt_buttons)
Rows = tuple[tuple[Button, ...], ...]


def toggle_button(question: Question) -> Button:
    """The /cauhoi toggle of one question, named by its code so a typed label picks the right one."""
    if question.public_ok:
        return Button(texts.BTN_PUBLIC_OFF.format(code=question.code), f"{PREFIX}:{question.id}:off")
    return Button(texts.BTN_PUBLIC_ON.format(code=question.code), f"{PREFIX}:{question.id}:on")


def mine_buttons(questions: Sequence[Question]) -> Rows:
    """One toggle per listed question."""
    return tuple((toggle_button(q),) for q in questions)


def state_line(question: Question) -> str:
    """Whether the question may be, or is, on the public page."""
    if not question.public_ok:
        return texts.PUBLIC_STATE_OFF
    return texts.PUBLIC_STATE_LIVE if repo.is_published(question) else texts.PUBLIC_STATE_ON


async def toggle(turn: Turn, data: str) -> None:
    """public:ID:on allows publication of the youth's own question; public:ID:off withdraws it."""
    parts = data.split(":")
    question = await _own(turn, parts[1]) if len(parts) == 3 and parts[2] in ("on", "off") else None
    if question is None:
        log.info("a publication button for no question of this youth on %s", turn.msg.address.channel)
        turn.say(texts.STALE_BUTTON)
        return
    allowed = parts[2] == "on"
    await repo.set_consent(turn.uow.session, question, allowed, turn.now)
    log.info("publication of %s %s by the youth", question.code, "allowed" if allowed else "withdrawn")
    text = texts.PUBLIC_ALLOWED if allowed else texts.PUBLIC_WITHDRAWN
    buttons = ((toggle_button(question),), _after_buttons())
    turn.say(text.format(code=question.code), buttons)


def _after_buttons() -> tuple[Button, ...]:
    return (Button(texts.BTN_ASK_ANOTHER, "again"), Button(texts.BTN_MY_QUESTIONS, "mine"))


async def _own(turn: Turn, raw_id: str) -> Question | None:
    """The youth's own question with this id, or None (a forged, foreign or erased id)."""
    if not raw_id.isdigit() or turn.youth is None:
        return None
    question = await turn.uow.admin.question(int(raw_id))
    return question if question is not None and question.youth_id == turn.youth.id else None


# --- the public page ------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One published question as the page shows it: nothing of the youth but the approved text."""

    text: str
    answer: str
    departments: str
    answered_at: datetime


@dataclass(frozen=True)
class Section:
    """The published questions of one topic."""

    topic: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class PublicView:
    """What /cong-khai shows for a campaign and a search."""

    sections: tuple[Section, ...]
    query: str
    total: int  # published questions before the search


async def public_view(uow: UnitOfWork, settings: Settings, query: str = "") -> PublicView:
    """Consented, approved, answered questions grouped by topic (in the configured order), searched
    without diacritics in the question and the answer."""
    pairs = await repo.published(uow.session, settings.key)  # the campaign's own: each has its page
    needle = " ".join(fold_fast(query).split())
    answerers = {str(c.address): c.scope.entries for c in await coordinators(settings, uow)}
    by_topic: dict[str, list[Entry]] = {}
    for question, answer in pairs:
        text = question.public_text or ""
        if needle and needle not in " ".join(fold_fast(f"{text} {answer.text}").split()):
            continue
        topic = settings.topic(question.topic or "khac")
        codes = _answering(settings, question.topic, answerers.get(answer.answered_by, ()))
        entry = Entry(text=text, answer=answer.text, answered_at=from_db(answer.created_at),
                      departments=", ".join(d.name for d in settings.departments if d.code in codes))
        by_topic.setdefault(topic.id if topic else "khac", []).append(entry)
    order = [t.id for t in settings.topics] + [t for t in by_topic if settings.topic(t) is None]
    sections = tuple(
        Section(topic=_topic_name(settings, tid), entries=tuple(by_topic[tid])) for tid in order if tid in by_topic
    )
    return PublicView(sections=sections, query=query.strip(), total=len(pairs))


def _answering(settings: Settings, topic: str | None, entries: Sequence[str]) -> Sequence[str]:
    """The departments named in the answering coordinator's scope; else (an admin, a coordinator scoped by
    topic or unit) every department that answers the topic. Staff names are not published."""
    named = [code for code in entries if any(d.code == code for d in settings.departments)]
    return named or departments_for(settings, topic)


def _topic_name(settings: Settings, topic_id: str) -> str:
    topic = settings.topic(topic_id)
    return topic.name if topic else topic_id
