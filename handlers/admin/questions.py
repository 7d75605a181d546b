"""/xem and /gan_chu_de: one question in full, and retagging it (a correction the tagger learns from)."""

from handlers import campaigns, texts as youth_texts
from handlers.admin import texts
from handlers.admin.args import looks_like_code
from handlers.admin.context import Act
from handlers.coordination.routing import departments_for
from handlers.scope import coordinators, covers
from handlers.types import Button
from storage import Question


async def find(act: Act, code: str, action: str) -> Question | None:
    """The question with this code if the actor may handle it; otherwise say why and audit."""
    question = await act.uow.questions.by_code(code) if looks_like_code(code) else None
    if question is not None and question.campaign != act.settings.key:
        if not covers(act.actor.scope, question):  # another campaign's: as if it did not exist
            await act.audit(action, code=code[:32].upper(), detail="another campaign", allowed=False)
            question = None
        elif act.actor.province_wide:  # they see every campaign: name it and say how to switch
            other = await campaigns.of(act.settings.province, act.uow, question.campaign)
            act.say(texts.QUESTION_OTHER_CAMPAIGN.format(
                code=question.code, key=question.campaign, name=other.campaign.name if other else question.campaign))
            return None
    if question is None:
        act.say(texts.NOT_FOUND.format(code=code[:32]))
        return None
    if not covers(act.scope, question):
        await act.audit(action, code=question.code, detail="out of scope", allowed=False)
        act.say(texts.FORBIDDEN_QUESTION.format(code=question.code))
        return None
    return question


def departments_text(act: Act, topic: str | None) -> str:
    """The names of the departments answering a topic."""
    codes = departments_for(act.settings, topic)
    names = [d.name for d in act.settings.departments if d.code in codes]
    return ", ".join(names) or "—"


async def view(act: Act) -> None:
    """/xem MÃ: the question, its tagging evidence and its answer."""
    code = act.msg.args.strip()
    if not code:
        act.say(texts.USAGE.format(usage="/xem MÃ"))
        return
    question = await find(act, code, "xem")
    if question is None:
        return
    await act.audit("xem", code=question.code)
    unit = act.settings.unit(question.unit_code or "")
    scores = sorted((question.topic_scores or {}).items(), key=lambda kv: -float(kv[1]))
    text = texts.VIEW.format(
        code=question.code,
        status=_status(question.status),
        late=" • gửi trễ" if question.late else "",
        time=act.date_text(question.created_at),
        channel=texts.CHANNEL_NAMES.get(question.channel, question.channel),
        source=question.source,
        unit=unit.name if unit else (question.unit_code or "—"),
        asker=question.asker_name or texts.ANONYMOUS,
        topic=act.topic_label(question.topic),
        topic_source=texts.TOPIC_SOURCES.get(question.topic_source, question.topic_source),
        review=texts.VIEW_REVIEW if question.needs_review else "",
        departments=departments_text(act, question.topic),
        scores=", ".join(f"{act.topic_label(k)} {float(v):.2f}" for k, v in scores[:4]) or "—",
        text=question.text_raw,
    )
    answer = (await act.uow.admin.answers_of([question.id or 0])).get(question.id or 0)
    if answer is not None:
        rating = texts.VIEW_RATING.get(answer.rating or "", "")
        if answer.comment:
            rating += texts.VIEW_COMMENT.format(comment=answer.comment)
        text += texts.VIEW_ANSWER.format(
            by=answer.answerer_name or answer.answered_by, time=act.date_text(answer.created_at),
            text=answer.text, rating=rating,
        )
    act.say(text)


def _status(status: str) -> str:
    return youth_texts.STATUS.get(status, status)


async def retag_command(act: Act) -> None:
    """/gan_chu_de MÃ [chủ đề]: retag, or offer the topics as buttons."""
    words = act.msg.args.split()
    if not words:
        act.say(texts.USAGE.format(usage=texts.RETAG_USAGE))
        return
    question = await find(act, words[0], "gan_chu_de")
    if question is None:
        return
    if len(words) == 1:
        buttons = [Button(t.short, f"adm:retag:{question.id}:{t.id}") for t in act.settings.topics]
        rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
        act.say(texts.RETAG_PICK.format(code=question.code, topic=act.topic_label(question.topic)), rows)
        return
    await retag(act, question, words[1])


async def retag_button(act: Act, data: str) -> None:
    """adm:retag:QUESTION_ID:TOPIC."""
    parts = data.split(":")
    question = await act.uow.admin.question(int(parts[2])) if len(parts) == 4 and parts[2].isdigit() else None
    if question is None or question.code is None:
        act.say(texts.STALE)
        return
    question = await find(act, question.code, "gan_chu_de")
    if question is not None:
        await retag(act, question, parts[3])


async def retag(act: Act, question: Question, topic_id: str) -> None:
    """Store the new topic as a correction and notify the coordinators it is now routed to."""
    topic = act.settings.topic(topic_id.strip().lower())
    if topic is None:
        act.say(texts.RETAG_UNKNOWN_TOPIC.format(topic=topic_id[:32], topics=", ".join(t.id for t in act.settings.topics)))
        return
    old = question.topic
    if old == topic.id:
        act.say(texts.RETAG_SAME.format(code=question.code, topic=topic.short))
        return
    await act.uow.questions.correct_topic(question, topic.id, str(act.actor.address), act.now)
    question.needs_review = False
    await act.uow.admin.save(question)
    await act.audit("gan_chu_de", code=question.code, detail=f"{old} -> {topic.id}")
    act.say(texts.RETAG_DONE.format(
        code=question.code, old=act.topic_label(old), new=topic.short, departments=departments_text(act, topic.id)
    ))
    for person in await coordinators(act.settings, act.uow):
        if person.address != act.actor.address and not person.scope.everything and covers(person.scope, question):
            act.send(person.address, texts.ROUTED_NOTICE.format(code=question.code, topic=topic.short))
