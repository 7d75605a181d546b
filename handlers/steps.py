"""What each step does with the input it receives."""

import logging
from collections.abc import Sequence

from handlers import asking, campaigns, joining, prompts, publication, texts, units
from handlers.admin import texts as admin_texts
from handlers.admin.answers import answers_for_youth
from handlers.sanitize import collapse_spaces
from handlers.settings import Unit
from handlers.smalltalk import small_talk
from handlers.turn import Step, Turn
from storage import Question

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
    """consent:yes[:LINK] creates the youth in the link's campaign (or the only open one; with several
    open and no link they choose next); consent:no stores nothing. LINK is a /start payload."""
    parts = data.split(":", 2)
    if parts[1] != "yes":
        turn.say(texts.CONSENT_DECLINED)
        return
    where = await joining.arrival(turn, parts[2] if len(parts) > 2 else "")
    target = where.settings or where.opens[0]  # choosing: the province's (or first open) until they choose
    if turn.youth is None:
        address = turn.msg.address
        turn.youth = await turn.uow.youth.create(address.channel, address.chat_id, turn.now, campaign=target.key)
        log.info("consent recorded on %s (campaign %s)", address.channel, target.key)
    turn.settings = target
    if where.settings is None:
        if where.closed is not None:
            turn.say(joining.closed_note(where.closed))
        joining.offer(turn, where.opens)
        return
    unit = where.unit
    if unit:
        turn.youth.unit_code = unit.code
        await turn.uow.youth.save(turn.youth)
        turn.data["linked_unit"] = True  # «Đổi đơn vị» is offered at the next step
        turn.say(texts.UNIT_CHOSEN.format(unit=unit.name))
    await flow_next(turn)


async def change_unit(turn: Turn, _data: str = "") -> None:
    """/donvi or «Đổi đơn vị»: back to the unit step (before consent: the greeting without a unit)."""
    if turn.youth is None:
        await joining.greet(turn, "")
        return
    turn.data.pop("linked_unit", None)
    turn.data.pop("return_step", None)
    turn.step = Step.UNIT
    prompts.prompt(turn)


async def choose_campaign(turn: Turn, _data: str = "") -> None:
    """/doithoai: offer the open campaigns (or say there is no other to choose)."""
    if turn.youth is None:
        await joining.greet(turn, "")
        return
    opens = campaigns.open_ones(await turn.campaigns(), turn.now)
    if not [c for c in opens if c.key != turn.settings.key]:
        only = opens[0].campaign.name if opens else None
        turn.say(texts.CAMPAIGN_ONLY.format(campaign=only) if only else texts.CAMPAIGN_NONE_OPEN)
        prompts.prompt(turn)
        return
    joining.offer(turn, opens)


async def campaign_chosen(turn: Turn, data: str) -> None:
    """camp:KEY: the youth's questions go to that campaign from now on."""
    await join(turn, data.split(":", 1)[1], None)


async def join(turn: Turn, key: str, unit_code: str | None) -> None:
    """Switch to the campaign `key` (a link's unit too) and go on; a closed one is refused while others are open."""
    every = await turn.campaigns()
    target = every.get(key)
    if turn.youth is None or target is None:
        await stale(turn)
        return
    opens = campaigns.open_ones(every, turn.now)
    if not campaigns.is_open(target, turn.now) and opens:
        turn.say(joining.closed_note(target))
        joining.offer(turn, opens)
        return
    await joining.switch(turn, target, unit_code)
    await asking.fill_kept(turn)
    await flow_next(turn)


async def campaign_text(turn: Turn, text: str) -> None:
    """A text at the campaign choice: a campaign named (key or name words), else a question kept, else asked again."""
    if small_talk(text) is not None:
        turn.say(texts.HELLO)
        prompts.prompt(turn)
        return
    key = joining.typed(turn, text) if not looks_like_question(turn, text) else None
    if key is not None:
        await campaign_chosen(turn, f"camp:{key}")
        return
    if await keep_probable_question(turn, text):  # stored in the youth's current campaign; the receipt names it
        return
    log.info("no campaign matches a typed text on %s", turn.msg.address.channel)
    turn.say(texts.CAMPAIGN_UNKNOWN)
    prompts.prompt(turn)


async def notice_again(turn: Turn, _data: str = "") -> None:
    """«Xem chi tiết» after consent: the full notice again, without the consent buttons."""
    prompts.full_notice(turn, "", ask=False)
    prompts.prompt(turn)


async def unit_chosen(turn: Turn, data: str) -> None:
    """unit:CODE sets the youth's unit."""
    unit = turn.settings.unit(data.split(":", 1)[1])
    if unit is None:
        turn.say(texts.UNIT_UNKNOWN)
        prompts.prompt(turn)
        return
    await _set_unit(turn, unit)


async def unit_text(turn: Turn, text: str) -> None:
    """A unit typed by code or name: one match is chosen, several are offered, none is explained."""
    found = units.search(turn.settings.units, text)
    if len(found) == 1:
        await _set_unit(turn, found[0])
    elif found:
        log.info("%d units match a typed text on %s", len(found), turn.msg.address.channel)
        prompts.offer_units(turn, found, text)
    else:
        if await keep_probable_question(turn, text):  # a question typed here is kept, not lost
            return
        log.info("no unit matches a typed text on %s", turn.msg.address.channel)
        prompts.explain_no_unit(turn, text)


async def _set_unit(turn: Turn, unit: Unit) -> None:
    assert turn.youth is not None
    turn.data.pop("linked_unit", None)
    turn.youth.unit_code = unit.code
    await turn.uow.youth.save(turn.youth)
    await asking.fill_kept(turn)
    turn.say(texts.UNIT_CHOSEN.format(unit=unit.name))
    await flow_next(turn)


QUESTION_WORDS = 6  # a name has fewer words than this; a question usually more


def looks_like_question(turn: Turn, text: str) -> bool:
    """Whether a text typed where a name or a unit was asked is probably the youth's question."""
    words = collapse_spaces(text)
    return (
        len(words.split()) >= QUESTION_WORDS or "?" in words or len(words) > turn.settings.limits.name_max_chars
    ) and small_talk(text) is None


async def keep_probable_question(turn: Turn, text: str) -> bool:
    """Take a question typed at the name or unit step as the question (True), not as a bad answer.

    It is stored at once (anonymous and without a unit until the youth gives them, see
    asking.fill_kept) and the step's prompt follows the receipt. True also when it was refused with
    its reason (too long); False when the text does not look like a question.
    """
    if not looks_like_question(turn, text):
        return False
    await asking.question_text(turn, text)
    return True


async def name_text(turn: Turn, text: str) -> None:
    """A typed name, validated (a greeting or a question typed here is not taken for a name)."""
    assert turn.youth is not None
    if small_talk(text) is not None:
        turn.say(texts.HELLO)
        prompts.prompt(turn)
        return
    if await keep_probable_question(turn, text):
        return
    name = collapse_spaces(text)
    limit = turn.settings.limits.name_max_chars
    if not name or len(name) > limit or not any(ch.isalpha() for ch in name):
        turn.say(texts.NAME_INVALID.format(max=limit), ((prompts.Button(texts.BTN_ANONYMOUS, "name:anon"),),))
        return
    turn.youth.name = name
    await turn.uow.youth.save(turn.youth)
    turn.data["name_done"] = True
    turn.data.pop("linked_unit", None)
    turn.data.pop(asking.RECENT, None)  # giving a name is doing something else: no follow-up now
    await asking.fill_kept(turn)
    turn.say(texts.NAME_SAVED.format(name=name))
    await flow_next(turn)


async def name_anonymous(turn: Turn, _data: str) -> None:
    """name:anon keeps the youth anonymous."""
    assert turn.youth is not None
    turn.youth.name = None
    await turn.uow.youth.save(turn.youth)
    turn.data["name_done"] = True
    turn.data.pop("linked_unit", None)
    await asking.fill_kept(turn)
    turn.say(texts.NAME_ANONYMOUS)
    await flow_next(turn)


async def again(turn: Turn, _data: str) -> None:
    """Start another question."""
    await flow_next(turn)


async def mine(turn: Turn, _data: str = "") -> None:
    """List the youth's questions with their status."""
    if turn.youth is None or turn.youth.id is None:  # never consented, or erased
        turn.say(texts.MY_QUESTIONS_NONE_STORED)
        return
    shown = 10
    questions = await turn.uow.questions.of_youth(turn.youth.id, limit=shown)
    if not questions:
        turn.say(texts.MY_QUESTIONS_NONE)
        return
    # Fewer than a full page is all of them: no count to ask the database for.
    total = len(questions) if len(questions) < shown else await turn.uow.questions.count_of_youth(turn.youth.id)
    lines = [texts.MY_QUESTIONS_HEAD.format(count=total)]
    answers = await answers_for_youth(turn.uow, questions)  # kept here when delivery failed
    named = await _campaign_names(turn, questions)
    if named:  # grouped by campaign, newest first within each (a stable sort)
        questions = sorted(questions, key=lambda q: list(named).index(q.campaign))
    heading = None
    for q in questions:
        if named and q.campaign != heading:  # asked in several campaigns: grouped under each one's name
            heading = q.campaign
            lines.append(texts.MY_QUESTIONS_CAMPAIGN.format(campaign=named[q.campaign]))
        excerpt = q.text_raw if len(q.text_raw) <= 80 else q.text_raw[:77] + "…"
        lines.append(
            texts.MY_QUESTIONS_ITEM.format(
                code=q.code,
                status=texts.STATUS.get(q.status, q.status),
                late=texts.LATE_MARK if q.late else "",
                excerpt=excerpt,
            )
        )
        lines.append(publication.state_line(q))
        if q.id in answers:
            lines.append(admin_texts.MY_ANSWER.format(text=answers[q.id]))
    turn.say("\n".join(lines), publication.mine_buttons(questions))


async def _campaign_names(turn: Turn, questions: Sequence[Question]) -> dict[str, str]:
    """Each campaign's name in the order its newest question comes, when the questions are in
    several campaigns or not in the youth's current one (else empty: the list stays as it was)."""
    keys = list(dict.fromkeys(q.campaign for q in questions))
    if keys == [turn.settings.key]:
        return {}
    every = await turn.campaigns()
    return {key: every[key].campaign.name if key in every else key for key in keys}


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
