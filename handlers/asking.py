"""Asking: a valid question is stored the moment it arrives and the receipt carries its code.

The receipt offers «Đổi chủ đề» (the youth's change is kept as a correction). A text sent soon after
a question waits in the state until the youth says whether it continues that question or is a new
one (see handlers/followups.py); whatever they do next, nothing they sent is lost.
"""

import logging
from typing import Any

from handlers import campaigns, followups, joining, prompts, texts
from handlers.coordination import optin
from handlers.followups import PENDING, RECENT
from handlers.smalltalk import SmallTalk, small_talk
from handlers.turn import Phase, Step, Turn
from storage import Question
from storage.clock import to_db

log = logging.getLogger(__name__)

KEPT = "kept"  # state data: ids of questions stored before the youth gave a unit or a name
RETOPIC = "retopic"  # state data: {"id", "code"} of the question whose topic is being changed
LOCKED_STATUSES = ("answered", "closed")


def question_problem(turn: Turn, text: str) -> str | None:
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
    """A text where a question may come: small talk, a follow-up, or a new question stored at once."""
    talk = small_talk(text)
    if talk is SmallTalk.GREETING:
        turn.say(texts.HELLO)
        prompts.prompt(turn)
        return
    if talk is SmallTalk.THANKS:
        turn.say(texts.THANKS)
        return
    recent = _recent(turn)
    if recent is not None and any(ch.isalnum() for ch in text):
        await _follow_up(turn, text.strip(), recent)
        return
    problem = question_problem(turn, text)
    if problem:
        log.info("question rejected on %s: %s", turn.msg.address.channel, problem[:40])
        turn.say(problem)
        if turn.step not in (Step.UNIT, Step.NAME, Step.CAMPAIGN):
            turn.step = Step.QUESTION
        return
    await store(turn, text.strip())


def _recent(turn: Turn) -> dict[str, Any] | None:
    """The question this text may continue: stored or extended within the window, nothing done since."""
    recent = turn.data.get(RECENT)
    minutes = turn.settings.limits.append_window_minutes
    if not recent or minutes <= 0 or turn.now - followups.moment_of(recent) > followups.window(minutes):
        turn.data.pop(RECENT, None)
        return None
    return dict(recent)


async def _follow_up(turn: Turn, text: str, recent: dict[str, Any]) -> None:
    """Keep the text in the state and ask where it belongs (or decide when only one answer fits)."""
    question = await turn.uow.admin.question(int(recent["id"]))
    if question is None or question.youth_id != (turn.youth.id if turn.youth else None):
        turn.data.pop(RECENT, None)
        await question_text(turn, text)
        return
    limits = turn.settings.limits
    problem = question_problem(turn, text)
    if len(question.text_raw) + len(followups.SEPARATOR) + len(text) > limits.question_max_chars:
        if problem:
            turn.say(problem)
            return
        turn.say(texts.FOLLOWUP_TOO_LONG.format(code=question.code, max=limits.question_max_chars))
        await store(turn, text)
        return
    if problem:  # too short to stand alone: it can only continue the question
        await _add(turn, recent, text, texts.FOLLOWUP_ADDED)
        return
    turn.data[PENDING] = {"id": question.id, "code": question.code, "text": text,
                          "at": followups.stamp(turn.now), "back": turn.step.value}
    turn.step = Step.FOLLOWUP
    prompts.followup(turn)


async def _add(turn: Turn, target: dict[str, Any], text: str, note: str) -> None:
    """Append to the target question and say so with its (re-tagged) topic."""
    question = await followups.append(turn.uow, int(target["id"]), text, turn.now, turn.tagger, turn.normalise)
    if question is None:  # erased meanwhile: the text becomes a question of its own
        await store(turn, text)
        return
    turn.data[RECENT] = {"id": question.id, "code": question.code, "at": followups.stamp(turn.now)}
    turn.say(note.format(code=question.code, topic=prompts.topic_label(turn, question.topic)),
             prompts.receipt_buttons(question.id) if turn.step is Step.IDLE else ())
    if turn.step is not Step.IDLE:
        prompts.prompt(turn)


async def followup_button(turn: Turn, data: str) -> None:
    """more:add adds the waiting text to the question; more:new stores it as a new question."""
    pending = turn.data.pop(PENDING, None)
    if turn.step is not Step.FOLLOWUP or pending is None:
        turn.say(texts.FOLLOWUP_GONE)
        prompts.prompt(turn)
        return
    turn.step = Step.stored(str(pending.get("back") or Step.IDLE.value))
    if data == "more:new":
        turn.data.pop(RECENT, None)
        await store(turn, str(pending["text"]))
    else:
        await _add(turn, pending, str(pending["text"]), texts.FOLLOWUP_ADDED)


async def settle_here(turn: Turn) -> None:
    """The youth moved on without answering: the waiting text is added to its question."""
    pending = turn.data.pop(PENDING, None)
    turn.step = Step.stored(str(pending.get("back") or Step.IDLE.value)) if pending else Step.IDLE
    if not pending:
        return
    question = await followups.append(turn.uow, int(pending["id"]), str(pending["text"]), turn.now,
                                      turn.tagger, turn.normalise)
    if question is None:
        await store(turn, str(pending["text"]))
        return
    turn.say(texts.FOLLOWUP_ADDED_EARLIER.format(code=question.code))
    turn.data[RECENT] = {"id": question.id, "code": question.code, "at": pending["at"]}


def next_step(turn: Turn) -> Step:
    """Where the youth goes after a question: still choosing a campaign, a unit or a name missing, else IDLE."""
    assert turn.youth is not None
    if turn.step is Step.CAMPAIGN:  # a question typed while choosing: stored, the choice still offered
        return Step.CAMPAIGN
    if not turn.youth.unit_code:
        return Step.UNIT
    return Step.IDLE if turn.data.get("name_done") else Step.NAME


async def store(turn: Turn, text: str) -> Question:
    """Tag and store the question now, then give its receipt."""
    assert turn.youth is not None and turn.youth.id is not None
    result = turn.tagger.tag(text) if turn.tagger is not None else None
    question = Question(
        youth_id=turn.youth.id,
        channel=turn.msg.address.channel,
        campaign=turn.settings.key,
        unit_code=turn.youth.unit_code,
        asker_name=turn.youth.name,
        text_raw=text,
        text_norm=turn.normalise(text),
        topic=result.topic if result else None,
        topic_source="tagger",
        topic_scores={k: round(float(v), 4) for k, v in result.scores.items()} if result else {},
        needs_review=bool(result.needs_review) if result else True,
        late=turn.is_late,
        created_at=to_db(turn.now),
    )
    await turn.uow.questions.add(question, turn.settings.campaign.receipt_prefix)
    log.info("question %s stored in %s (topic %s, late %s)", question.code, question.campaign, question.topic,
             question.late)
    turn.data[RECENT] = {"id": question.id, "code": question.code, "at": followups.stamp(turn.now)}
    turn.step = next_step(turn)
    if turn.step is not Step.IDLE:
        turn.data[KEPT] = [*turn.data.get(KEPT, []), question.id]
    several = await campaigns.several(turn.settings.province, turn.uow)
    others = await joining.others_open(turn)  # its dialogue is over: say where it went, offer the open ones
    _receipt(turn, question, result.secondary if result else None, several=several, closed=bool(others))
    if others:
        joining.say_closed(turn, others, stored=True)
    return question


def _receipt(turn: Turn, question: Question, secondary: str | None, *, several: bool = False,
             closed: bool = False) -> None:
    """The receipt (naming its campaign when there are several), the phase's note, then what comes next
    (one message where the channel allows). `closed`: the note is the closed campaign's offer, said after."""
    topic = prompts.topic_label(turn, question.topic) if question.topic else texts.TOPIC_NONE
    if secondary and question.topic:
        topic = texts.TOPIC_WITH_SECONDARY.format(topic=topic, secondary=prompts.topic_label(turn, secondary))
    campaign = texts.RECEIPT_CAMPAIGN.format(campaign=turn.settings.campaign.name) + "\n" if several else ""
    receipt = texts.RECEIPT.format(code=question.code, topic=topic, campaign=campaign)
    note = None if closed else _phase_note(turn)
    buttons = prompts.receipt_buttons(question.id)
    if question.topic is None or turn.step is not Step.IDLE:
        turn.say(receipt)
        if note:
            turn.say(note)
        if question.topic is None:  # no tagger: the youth names the topic
            turn.data[RETOPIC] = {"id": question.id, "code": question.code}
            turn.step = Step.PICK_TOPIC
        prompts.prompt(turn)
    elif turn.phase is Phase.OPEN and optin.should_offer(turn):  # rides on the first receipt (issue #4)
        ask, rows = optin.offer(turn)
        turn.say(f"{receipt}\n\n{ask}", (rows[0], *buttons))
    elif note:
        turn.say(receipt)
        turn.say(note, buttons)
    else:
        turn.say(receipt, buttons)


def _phase_note(turn: Turn) -> str | None:
    """What a question sent now becomes, when that is not simply «on time»."""
    if turn.phase is Phase.AFTER_DIALOGUE:
        return texts.RECEIPT_AFTER_DIALOGUE.format(dialogue=turn.dialogue_text)
    if turn.phase is Phase.LATE:
        return texts.RECEIPT_LATE.format(deadline=turn.deadline_text, dialogue=turn.dialogue_text)
    return None


async def retopic(turn: Turn, data: str) -> None:
    """retopic:ID offers every topic for the youth's question; retopic:ID:TOPIC changes it."""
    parts = data.split(":")
    question = await _own_question(turn, parts[1] if len(parts) in (2, 3) else "")
    topic = turn.settings.topic(parts[2]) if len(parts) == 3 else None
    if question is None or (len(parts) == 3 and topic is None):
        turn.say(texts.STALE_BUTTON)
        prompts.prompt(turn)
        return
    if question.topic_source == "coordinator" or question.status in LOCKED_STATUSES:
        turn.say(texts.TOPIC_LOCKED.format(code=question.code))
        return
    if topic is None:
        turn.data[RETOPIC] = {"id": question.id, "code": question.code}
        turn.step = Step.PICK_TOPIC
        prompts.prompt(turn)
        return
    if topic.id != question.topic:
        await turn.uow.questions.correct_topic(question, topic.id, "youth", turn.now)
        question.needs_review = True  # a person disagreed with the tagger: a coordinator looks again
        turn.uow.session.add(question)
        log.info("youth changed the topic of %s to %s", question.code, topic.id)
    turn.data.pop(RETOPIC, None)
    turn.step = next_step(turn)
    turn.say(texts.TOPIC_CHANGED.format(code=question.code, topic=topic.short),
             prompts.after_receipt_buttons() if turn.step is Step.IDLE else ())
    if turn.step is not Step.IDLE:
        prompts.prompt(turn)


async def _own_question(turn: Turn, raw_id: str) -> Question | None:
    """The youth's own question with this id, or None (a forged or foreign id)."""
    if not raw_id.isdigit() or turn.youth is None:
        return None
    question = await turn.uow.admin.question(int(raw_id))
    return question if question is not None and question.youth_id == turn.youth.id else None


async def fill_kept(turn: Turn) -> None:
    """Questions stored before the youth gave a unit or a name get them now."""
    assert turn.youth is not None
    for question_id in turn.data.get(KEPT, []):
        question = await _own_question(turn, str(question_id))
        if question is None:
            continue
        if question.campaign == turn.youth.campaign:  # another campaign's unit list is not this one's
            question.unit_code = question.unit_code or turn.youth.unit_code
        question.asker_name = question.asker_name or turn.youth.name
        turn.uow.session.add(question)
    if turn.youth.unit_code and turn.data.get("name_done"):
        turn.data.pop(KEPT, None)


async def store_legacy_draft(turn: Turn) -> bool:
    """A draft left by the version that asked «Đúng không?» is stored now rather than lost."""
    draft = turn.data.pop("draft", None)
    turn.data.pop("drafts", None)
    if not draft or turn.youth is None or turn.youth.id is None or question_problem(turn, str(draft.get("text", ""))):
        return False
    turn.step = Step.IDLE
    await store(turn, str(draft["text"]).strip())
    return True
