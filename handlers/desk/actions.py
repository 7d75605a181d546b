"""Desk actions through the chat commands' own functions: view, retag, answer, mark reviewed, export."""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from handlers.admin import answers, export, publication, questions, roles
from handlers.admin.args import looks_like_code
from handlers.admin.context import Act, Seams
from handlers.admin.roles import Actor
from handlers.admin.stats import Overview, overview, scoped_questions
from handlers.desk import texts
from handlers.scope import covers
from handlers.settings import Settings
from handlers.types import Attachment, IncomingMessage, Kind, Reply
from storage import Question, TopicCorrection, UnitOfWork
from storage.models_admin import Answer, AuditEntry

log = logging.getLogger(__name__)


def desk_act(uow: UnitOfWork, settings: Settings, now: datetime, actor: Actor, seams: Seams, text: str = "") -> Act:
    """An Act as if the staff member had typed `text` in their chat (the handlers need nothing else)."""
    msg = IncomingMessage(address=actor.address, kind=Kind.TEXT, text=text)
    return Act(msg=msg, uow=uow, settings=settings, now=now, actor=actor, seams=seams)


def outcome(act: Act) -> tuple[list[str], list[Reply]]:
    """What the handler said to the staff member (shown on the page), and what goes to others."""
    mine = [r.text for r in act.replies if r.address is None or r.address == act.actor.address]
    others = [r for r in act.replies if r.address is not None and r.address != act.actor.address]
    return mine, others


@dataclass(frozen=True)
class Detail:
    """Everything the question page shows."""

    question: Question
    answer: Answer | None
    corrections: list[TopicCorrection]
    audit: list[AuditEntry]
    similar: list[str]  # codes of open near-duplicates in scope
    evidence: list[str]  # the words the tagger reads as deciding its topic (read again now)
    names: dict[str, str] = field(default_factory=dict)  # "channel:chat_id" of staff in the history → name


async def campaign(act: Act) -> Overview:
    """The overview of the actor's scope (the /thongke numbers)."""
    mine = await scoped_questions(act)
    await act.audit("desk_tongquan", detail=f"{len(mine)} questions")
    return await overview(act, mine)


async def in_scope(act: Act, code: str, action: str) -> tuple[Question | None, bool]:
    """(the question, False) when the actor covers it; (None, True) when it is out of scope (audited);
    (None, False) when there is none, or it is another campaign's (its existence is not shown)."""
    question = await act.uow.questions.by_code(code) if looks_like_code(code) else None
    if question is None:
        return None, False
    if not covers(act.actor.scope, question):
        await act.audit(action, code=question.code, detail="desk: out of scope", allowed=False)
        campaigns = act.actor.scope.campaigns
        return None, campaigns is None or question.campaign in campaigns  # another campaign's: not found, as for none
    return question, False


async def detail(act: Act, question: Question) -> Detail:
    """The question's history: retags, answer with rating, audit lines; and its near-duplicates."""
    await act.audit("xem", code=question.code, detail="desk")
    answer = (await act.uow.admin.answers_of([question.id or 0])).get(question.id or 0)
    _, codes = await answers.with_near_duplicates(act, [question.id or 0])
    corrections = await act.uow.desk.corrections_of(question.id or 0)
    audit = await act.uow.desk.audit_of(question.code or "")
    return Detail(
        question=question, answer=answer, corrections=corrections, audit=audit,
        similar=[c for c in codes if c != question.code],
        evidence=evidence(act, question),
        names=await _names(act, [c.by for c in corrections] + [a.actor for a in audit]),
    )


async def _names(act: Act, written: list[str]) -> dict[str, str]:
    """How the history names each staff member it lists: their configured or granted name."""
    names: dict[str, str] = {}
    for text in dict.fromkeys(written):
        address = roles.parse_address(text)
        if address is not None:
            actor = await roles.resolve(act.settings.province, act.uow, address)
            if actor.name:
                names[text] = actor.name
    return names


def evidence(act: Act, question: Question) -> list[str]:
    """What the tagger points to in the text (empty without a tagger or when it fails)."""
    tagger = act.seams.tagger
    if tagger is None:
        return []
    try:
        return [str(word) for word in tagger.tag(question.text_raw).evidence][:12]
    except Exception:  # noqa: BLE001 - the page shows the stored scores still
        log.exception("the tagger failed on a desk question page")
        return []


async def retag(act: Act, question: Question, topic: str) -> None:
    """/gan_chu_de's retag: a correction for training, and routing follows."""
    await questions.retag(act, question, topic)


async def answer(act: Act, question: Question, text: str, similar: bool) -> None:
    """/tra_loi's answer: stored, delivered with the rating buttons, optionally to the whole group."""
    ids = [question.id or 0]
    if similar:
        ids, _ = await answers.with_near_duplicates(act, ids)
    act.msg = IncomingMessage(address=act.actor.address, kind=Kind.TEXT, text=text)
    await answers.answer_text(act, {"ids": ids})


async def reviewed(act: Act, question: Question) -> None:
    """Clear the needs-review flag."""
    question.needs_review = False
    await act.uow.admin.save(question)
    await act.audit("xem_lai", code=question.code, detail="desk")
    act.say(texts.A_REVIEWED_DONE.format(code=question.code))


async def export_files(act: Act, chosen: list[Question], filters: str) -> tuple[Attachment, Attachment]:
    """/xuat's two files of the filtered view."""
    await act.audit("xuat", detail=f"desk {filters}"[:200] + f" ({len(chosen)})")
    return await export.files(act, [q for q in chosen if covers(act.actor.scope, q)])


async def publish(act: Act, question: Question, text: str) -> None:
    """/cong_khai's approval with the page's (possibly edited) public text."""
    await publication.approve(act, question, text)


async def unpublish(act: Act, question: Question) -> None:
    """/bo_cong_khai: off the public page."""
    await publication.withdraw(act, question)
