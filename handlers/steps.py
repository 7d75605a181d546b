"""What each step does with the input it receives."""

import logging

from handlers import prompts, texts
from handlers.admin import texts as admin_texts
from handlers.admin.answers import answers_for_youth
from handlers.coordination import optin
from handlers.sanitize import collapse_spaces
from handlers.turn import Step, Turn
from storage import Question
from storage.clock import to_db

log = logging.getLogger(__name__)


async def flow_next(turn: Turn) -> None:
    """Move to the first thing still missing before a question can be asked."""
    assert turn.youth is not None
    if not turn.youth.unit_code:
        turn.step = Step.UNIT
    elif not turn.data.get("name_done"):
        turn.step = Step.NAME
    else:
        turn.step = Step.QUESTION
    prompts.prompt(turn)


async def consent(turn: Turn, data: str) -> None:
    """consent:yes[:UNIT] creates the youth; consent:no stores nothing."""
    parts = data.split(":")
    if parts[1] != "yes":
        turn.say(texts.CONSENT_DECLINED)
        return
    if turn.youth is None:
        address = turn.msg.address
        turn.youth = await turn.uow.youth.create(address.channel, address.chat_id, turn.now)
        log.info("consent recorded on %s", address.channel)
    unit = turn.settings.unit(parts[2]) if len(parts) > 2 else None
    if unit:
        turn.youth.unit_code = unit.code
        await turn.uow.youth.save(turn.youth)
        turn.say(texts.UNIT_CHOSEN.format(unit=unit.name))
    await flow_next(turn)


async def unit_chosen(turn: Turn, data: str) -> None:
    """unit:CODE sets the youth's unit."""
    assert turn.youth is not None
    unit = turn.settings.unit(data.split(":", 1)[1])
    if unit is None:
        turn.say(texts.UNIT_UNKNOWN)
        prompts.prompt(turn)
        return
    turn.youth.unit_code = unit.code
    await turn.uow.youth.save(turn.youth)
    turn.say(texts.UNIT_CHOSEN.format(unit=unit.name))
    await flow_next(turn)


async def name_text(turn: Turn, text: str) -> None:
    """A typed name, validated."""
    assert turn.youth is not None
    name = collapse_spaces(text)
    limit = turn.settings.limits.name_max_chars
    if not name or len(name) > limit or not any(ch.isalpha() for ch in name):
        turn.say(texts.NAME_INVALID.format(max=limit), ((prompts.Button(texts.BTN_ANONYMOUS, "name:anon"),),))
        return
    turn.youth.name = name
    await turn.uow.youth.save(turn.youth)
    turn.data["name_done"] = True
    turn.say(texts.NAME_SAVED.format(name=name))
    await flow_next(turn)


async def name_anonymous(turn: Turn, _data: str) -> None:
    """name:anon keeps the youth anonymous."""
    assert turn.youth is not None
    turn.youth.name = None
    await turn.uow.youth.save(turn.youth)
    turn.data["name_done"] = True
    turn.say(texts.NAME_ANONYMOUS)
    await flow_next(turn)


def _question_problem(turn: Turn, text: str) -> str | None:
    """Why this text cannot be a question, in Vietnamese, or None."""
    stripped = text.strip()
    limits = turn.settings.limits
    if not any(ch.isalnum() for ch in stripped):
        return texts.QUESTION_EMPTY
    if len(stripped) > limits.question_max_chars:
        return texts.QUESTION_TOO_LONG.format(length=len(stripped), max=limits.question_max_chars)
    if len(stripped) < limits.question_min_chars:
        return texts.QUESTION_TOO_SHORT.format(length=len(stripped), min=limits.question_min_chars)
    return None


async def question_text(turn: Turn, text: str) -> None:
    """A question: validate, tag, then ask the youth to confirm the topic."""
    problem = _question_problem(turn, text)
    if problem:
        log.info("question rejected on %s: %s", turn.msg.address.channel, problem[:40])
        turn.say(problem)
        turn.step = Step.QUESTION
        return
    n = int(turn.data.get("drafts", 0)) + 1
    turn.data["drafts"] = n
    draft: dict[str, object] = {"n": n, "text": text.strip(), "topic": None, "scores": {}, "needs_review": True}
    if turn.tagger is not None:
        result = turn.tagger.tag(text)
        draft.update(
            topic=result.topic,
            scores={k: round(float(v), 4) for k, v in result.scores.items()},
            needs_review=bool(result.needs_review),
            secondary=result.secondary,
            evidence=list(result.evidence)[:5],
        )
    turn.data["draft"] = draft
    if draft["topic"] is None:
        turn.say(texts.TOPIC_UNKNOWN)
        turn.step = Step.PICK_TOPIC
    else:
        turn.step = Step.CONFIRM_TOPIC
    prompts.prompt(turn)


def _draft_matches(turn: Turn, data: str) -> bool:
    """Whether a topic button belongs to the current draft (not an old message)."""
    draft = turn.data.get("draft")
    parts = data.split(":")
    return bool(draft) and len(parts) >= 3 and parts[2] == str(draft["n"])


async def topic_button(turn: Turn, data: str) -> None:
    """topic:ok:N stores; topic:pick:N offers all topics; topic:set:N:ID stores with ID."""
    if not _draft_matches(turn, data):
        await stale(turn)
        return
    action = data.split(":")[1]
    if action == "pick":
        turn.step = Step.PICK_TOPIC
        prompts.prompt(turn)
        return
    draft = turn.data["draft"]
    chosen = draft["topic"]
    if action == "set":
        chosen = data.split(":")[3]
        if turn.settings.topic(chosen) is None:
            await stale(turn)
            return
    elif action != "ok" or chosen is None:
        await stale(turn)
        return
    await store_question(turn, chosen)


async def store_question(turn: Turn, topic: str) -> None:
    """Persist the draft with its topic and give the receipt code."""
    assert turn.youth is not None and turn.youth.id is not None
    draft = turn.data.pop("draft")
    overridden = draft["topic"] is not None and topic != draft["topic"]
    question = Question(
        youth_id=turn.youth.id,
        channel=turn.msg.address.channel,
        unit_code=turn.youth.unit_code,
        asker_name=turn.youth.name,
        text_raw=draft["text"],
        text_norm=turn.normalise(draft["text"]),
        topic=topic,
        topic_source="youth" if overridden or draft["topic"] is None else "tagger",
        topic_scores=draft.get("scores") or {},
        needs_review=bool(draft.get("needs_review")) or overridden,
        late=turn.is_late,
        created_at=to_db(turn.now),
    )
    await turn.uow.questions.add(question, turn.settings.campaign.receipt_prefix)
    log.info("question %s stored (topic %s, late %s)", question.code, topic, question.late)
    receipt = texts.RECEIPT.format(code=question.code, topic=prompts.topic_label(turn, topic))
    if optin.should_offer(turn):  # the reminder opt-in rides on the first receipt (issue #4)
        ask, buttons = optin.offer(turn)
        turn.say(f"{receipt}\n\n{ask}", buttons)
    else:
        turn.say(receipt, prompts.after_receipt_buttons() if not turn.is_late else ())
    if turn.is_late:
        turn.say(texts.RECEIPT_LATE.format(deadline=turn.deadline_text), prompts.after_receipt_buttons())
    turn.step = Step.IDLE


async def again(turn: Turn, _data: str) -> None:
    """Start another question."""
    turn.data.pop("draft", None)
    await flow_next(turn)


async def mine(turn: Turn, _data: str = "") -> None:
    """List the youth's questions with their status."""
    if turn.youth is None or turn.youth.id is None:
        turn.say(texts.MY_QUESTIONS_NONE)
        return
    questions = await turn.uow.questions.of_youth(turn.youth.id, limit=10)
    if not questions:
        turn.say(texts.MY_QUESTIONS_NONE)
        return
    total = await turn.uow.questions.count_of_youth(turn.youth.id)
    lines = [texts.MY_QUESTIONS_HEAD.format(count=total)]
    answers = await answers_for_youth(turn.uow, questions)  # kept here when delivery failed
    for q in questions:
        excerpt = q.text_raw if len(q.text_raw) <= 80 else q.text_raw[:77] + "…"
        lines.append(
            texts.MY_QUESTIONS_ITEM.format(
                code=q.code,
                status=texts.STATUS.get(q.status, q.status),
                late=texts.LATE_MARK if q.late else "",
                excerpt=excerpt,
            )
        )
        if q.id in answers:
            lines.append(admin_texts.MY_ANSWER.format(text=answers[q.id]))
    turn.say("\n".join(lines))


async def delete_button(turn: Turn, data: str) -> None:
    """del:yes erases everything; del:no goes back."""
    if data == "del:yes" and turn.youth is not None:
        await turn.uow.youth.erase(turn.youth)
        log.info("youth erased on %s", turn.msg.address.channel)
        turn.youth = None
        turn.erased = True
        turn.say(texts.DELETED)
        return
    turn.say(texts.DELETE_KEPT)
    turn.step = Step(turn.data.pop("return_step", Step.IDLE.value))
    prompts.prompt(turn)


async def stale(turn: Turn, _data: str = "") -> None:
    """A button from an old message or another step."""
    turn.say(texts.STALE_BUTTON)
    prompts.prompt(turn)
