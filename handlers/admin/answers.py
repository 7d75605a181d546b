"""The answer loop: /tra_loi, delivery to the youth, their rating, and flags for unanswered questions."""

from collections.abc import Sequence
from datetime import datetime

from handlers.admin import texts
from handlers.admin.args import parse_codes
from handlers.admin.campaign import effective_settings
from handlers.admin.context import Act
from handlers.admin.questions import find
from handlers.campaigns import PRIMARY
from handlers.coordination.similar import group_similar
from handlers.scope import Coordinator, coordinators, covers
from handlers.settings import Settings
from handlers.types import Address, Button, Reply
from storage import Question, UnitOfWork
from storage.models_admin import Answer

PENDING_ANSWER = "answer"
PENDING_COMMENT = "rating_comment"
OPEN_STATUSES = ("new", "routed")
SIMILAR_FLAG = "tuong_tu"  # /tra_loi MÃ tuong_tu: also its open near-duplicates (issue #4 grouping)


async def start(act: Act) -> None:
    """/tra_loi MÃ[,MÃ…]: the next message is the answer to these questions."""
    words = act.msg.args.split()
    similar = SIMILAR_FLAG in words
    codes = parse_codes(" ".join(w for w in words if w != SIMILAR_FLAG))
    if codes is None:
        act.say(texts.USAGE.format(usage=texts.ANSWER_USAGE))
        return
    ids: list[int] = []
    for code in codes:
        question = await find(act, code, "tra_loi")
        if question is None:
            return
        ids.append(question.id or 0)
    if similar:
        ids, codes = await with_near_duplicates(act, ids)
    await act.uow.admin.set_pending(act.chat_key, PENDING_ANSWER, {"ids": ids, "codes": codes}, act.now)
    act.say(texts.ANSWER_ASK.format(codes=", ".join(codes)))


async def with_near_duplicates(act: Act, ids: list[int]) -> tuple[list[int], list[str]]:
    """The chosen questions plus every open, in-scope question grouped with them as near-identical."""
    pool = [q for q in await act.uow.questions.all()
            if covers(act.scope, q) and (q.status in OPEN_STATUSES or q.id in ids)]
    chosen = set(ids)
    for group in group_similar([q.text_norm for q in pool]):
        if chosen & {pool[i].id or 0 for i in group}:
            chosen |= {pool[i].id or 0 for i in group}
    kept = [q for q in pool if q.id in chosen]
    return [q.id or 0 for q in kept], [q.code or "" for q in kept]


async def answer_text(act: Act, payload: dict) -> None:
    """The awaited answer text: store it, mark the questions answered, send it to each youth."""
    text = act.msg.text.strip()
    if not text or act.msg.attachments:
        act.say(texts.ANSWER_NEED_TEXT)
        return
    await act.uow.admin.clear_pending(act.chat_key)
    reach = 0
    codes = []
    for question_id in payload.get("ids", []):
        question = await act.uow.admin.question(int(question_id))
        if question is None or not covers(act.actor.scope, question):
            continue  # erased meanwhile, or the scope changed
        codes.append(question.code or "")
        reach += await _answer_one(act, question, text)
    act.say(texts.ANSWER_DONE.format(codes=", ".join(codes) or "—", reach=reach))


async def _answer_one(act: Act, question: Question, text: str) -> int:
    """Store one answer; queue it to the youth; 1 when someone is there to receive it."""
    answer = await act.uow.admin.add_answer(Answer(
        question_id=question.id or 0, text=text, answered_by=str(act.actor.address),
        answerer_name=act.actor.name, created_at=act.now,
    ))
    question.status = "answered"
    await act.uow.admin.save(question)
    await act.audit("tra_loi", code=question.code, detail=f"answer {answer.id}")
    youth = await act.uow.admin.youth_by_id(question.youth_id) if question.youth_id else None
    if youth is None or await act.uow.admin.is_blocked(youth.channel, youth.chat_id):
        return 0
    act.replies.append(answer_reply(question, answer, Address(youth.channel, youth.chat_id)))
    answer.delivered = True  # handed to the dispatcher; if the channel fails, /cauhoi still shows it
    await act.uow.admin.save(answer)
    return 1


def answer_reply(question: Question, answer: Answer, address: Address) -> Reply:
    """The message a youth receives with the answer and the rating buttons."""
    return Reply(
        text=texts.ANSWER_TO_YOUTH.format(
            code=question.code, by=answer.answerer_name or texts.ANSWER_BY_DEFAULT, text=answer.text
        ),
        buttons=((Button(texts.BTN_GOOD, f"rate:{answer.id}:good"), Button(texts.BTN_BAD, f"rate:{answer.id}:bad")),),
        address=address,
    )


async def rate_button(act: Act, data: str) -> None:
    """rate:ANSWER_ID:good|bad|skip from the youth who asked; anyone else's press is refused."""
    parts = data.split(":")
    answer = await act.uow.admin.answer(int(parts[1])) if len(parts) == 3 and parts[1].isdigit() else None
    youth = await act.uow.youth.get(act.msg.address.channel, act.msg.address.chat_id)
    question = await act.uow.admin.question(answer.question_id) if answer else None
    if answer is None or question is None or youth is None or question.youth_id != youth.id:
        await act.audit("rate", detail=data[:64], allowed=False)
        act.say(texts.STALE)
        return
    if parts[2] == "skip":
        await act.uow.admin.clear_pending(act.chat_key)
        act.say(texts.SKIP_DONE)
        return
    if parts[2] not in ("good", "bad"):
        act.say(texts.STALE)
        return
    answer.rating, answer.rated_at = parts[2], act.now
    await act.uow.admin.save(answer)
    await act.uow.admin.set_pending(act.chat_key, PENDING_COMMENT, {"answer_id": answer.id}, act.now)
    act.say(texts.RATING_THANKS, ((Button(texts.BTN_SKIP, f"rate:{answer.id}:skip"),),))


async def comment_text(act: Act, payload: dict) -> None:
    """The optional comment after a rating."""
    await act.uow.admin.clear_pending(act.chat_key)
    answer = await act.uow.admin.answer(int(payload.get("answer_id", 0)))
    if answer is not None:
        answer.comment = act.msg.text.strip()[:2000]
        await act.uow.admin.save(answer)
    act.say(texts.COMMENT_THANKS)


async def answers_for_youth(uow: UnitOfWork, questions: Sequence[Question]) -> dict[int, str]:
    """Answer texts by question id, for /cauhoi."""
    found = await uow.admin.answers_of([q.id for q in questions if q.id is not None])
    return {question_id: answer.text for question_id, answer in found.items()}


async def overdue_notices(settings: Settings, uow: UnitOfWork, now: datetime, days_before: int = 7) -> list[Reply]:
    """Scheduler job: from `days_before` days before the dialogue, remind each coordinator of their
    open questions (of `settings`' campaign: each coordinator's scope is within their campaign)."""
    if settings.key == PRIMARY:  # the admins' date change is the province's only
        settings = await effective_settings(settings, uow)
    campaign = settings.campaign
    today = now.astimezone(campaign.zone).date()
    left = (campaign.dialogue_date - today).days
    if left > days_before or left < 0:
        return []
    open_questions = [q for q in await uow.questions.all() if q.status in OPEN_STATUSES]
    replies = []
    for person in await coordinators(settings, uow):
        mine = [q for q in open_questions if covers(person.scope, q)]
        if mine:
            replies.append(_overdue_reply(settings, person, mine, left))
    return replies


def _overdue_reply(settings: Settings, person: Coordinator, questions: list[Question], left: int) -> Reply:
    lines = [texts.OVERDUE_HEAD.format(
        count=len(questions), days=left, dialogue=settings.campaign.dialogue_date.strftime("%d/%m/%Y")
    )]
    for q in questions[:50]:
        topic = settings.topic(q.topic or "khac")
        lines.append(texts.OVERDUE_ITEM.format(code=q.code, topic=topic.short if topic else q.topic))
    return Reply(text="\n".join(lines), address=person.address)

