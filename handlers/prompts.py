"""What each step says to ask for its input, with its buttons."""

from collections.abc import Sequence

from handlers import followups, texts, units
from handlers.settings import Unit
from handlers.turn import Phase, Step, Turn
from handlers.types import Button
from storage import Youth
from storage.models import PRIMARY_CAMPAIGN

Rows = tuple[tuple[Button, ...], ...]


def rows_of(buttons: list[Button], per_row: int) -> Rows:
    """Lay buttons out in rows of `per_row`."""
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


def greeting(turn: Turn, unit: Unit | None, payload: str, note: str | None = None) -> None:
    """The first screen: who asks and why, the dates, then the short notice and the consent choice.

    `payload` (a deep link's campaign and unit, handlers/joining.py) rides on the consent buttons."""
    lines = [note] if note else []
    lines.append(_campaign_text(turn))
    if unit:
        lines.append(texts.GREETING_UNIT.format(unit=unit.name))
    turn.say("\n\n".join(lines))
    notice(turn, payload)


def notice(turn: Turn, payload: str) -> None:
    """The short notice with «Đồng ý», «Không đồng ý» and «Xem chi tiết», each carrying the link."""
    suffix = f":{payload}" if payload else ""
    more = (Button(texts.BTN_NOTICE_FULL, f"notice:full{suffix}"),)
    turn.say(texts.NOTICE_SHORT.format(controller=turn.settings.privacy.controller), (*consent_rows(suffix), more))


def consent_rows(suffix: str = "") -> Rows:
    """«Đồng ý» (carrying a deep link's campaign and unit) and «Không đồng ý»."""
    return ((Button(texts.BTN_CONSENT_YES, f"consent:yes{suffix}"), Button(texts.BTN_CONSENT_NO, "consent:no")),)


def full_notice(turn: Turn, payload: str, *, ask: bool) -> None:
    """Everything Law 91/2025 asks the notice to say; with the consent buttons while not yet given."""
    privacy = turn.settings.privacy
    text = texts.PRIVACY.format(controller=privacy.controller, months=privacy.retention_months, contact=privacy.contact)
    turn.say(text, consent_rows(f":{payload}" if payload else "") if ask else ())


OFFERED = "campaigns"  # state data: [[key, name], …] of the campaigns offered at the CAMPAIGN step


def campaign_rows(offered: Sequence[Sequence[str]]) -> Rows:
    """One button per campaign, named (typed: its number, or words of its name)."""
    return tuple((Button(name, f"camp:{key}"),) for key, name in offered)


def ask_campaign(turn: Turn) -> None:
    """Which open campaign the questions go to (after a question typed here: the next ones)."""
    recent = turn.data.get(followups.RECENT)
    if recent and recent.get("at") == followups.stamp(turn.now):  # one was stored just now, in this campaign
        text = texts.ASK_CAMPAIGN_AFTER_QUESTION.format(campaign=turn.settings.campaign.name)
    else:
        text = texts.ASK_CAMPAIGN
    turn.say(text, campaign_rows(turn.data.get(OFFERED, [])))


def ask_unit(turn: Turn) -> None:
    """Offer the units as buttons; when there are too many (a province's communes), ask for a name."""
    all_units = turn.settings.units
    if len(all_units) <= units.BUTTON_LIMIT:
        turn.say(texts.ASK_UNIT, rows_of(unit_buttons(all_units), 2))
        return
    name, plain = units.example(all_units)
    turn.say(texts.ASK_UNIT_TYPED.format(example=name, plain=plain))


def unit_buttons(found: Sequence[Unit]) -> list[Button]:
    """One button per unit."""
    return [Button(u.name, f"unit:{u.code}") for u in found]


def offer_units(turn: Turn, found: Sequence[Unit], typed: str) -> None:
    """Several units match what the youth typed: offer the best ones, one per row."""
    shown = found[: units.MATCH_LIMIT]
    template = texts.UNIT_MATCHES if len(found) == len(shown) else texts.UNIT_MATCHES_MORE
    text = template.format(query=_quoted(typed), count=len(found), shown=len(shown))
    turn.say(text, rows_of(unit_buttons(shown), 1))


def explain_no_unit(turn: Turn, typed: str) -> None:
    """No unit matches: say what to type, with an example (and the buttons again when there are few)."""
    all_units = turn.settings.units
    name, plain = units.example(all_units)
    if len(all_units) <= units.BUTTON_LIMIT:
        text = texts.UNIT_NOT_FOUND_LIST.format(query=_quoted(typed), example=name, plain=plain)
        turn.say(text, rows_of(unit_buttons(all_units), 2))
    else:
        turn.say(texts.UNIT_NOT_FOUND.format(query=_quoted(typed), example=name, plain=plain))


def _quoted(typed: str, limit: int = 40) -> str:
    """What the youth typed, on one line and short enough to quote back."""
    line = " ".join(typed.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def ask_name(turn: Turn) -> None:
    """Ask for a name, or anonymity (after a question typed here: keep «Đổi chủ đề» at hand)."""
    anonymous = (Button(texts.BTN_ANONYMOUS, "name:anon"),)
    kept = turn.data.get("kept")
    if turn.data.get("linked_unit") and not kept:  # the unit came from a link: the youth may change it
        turn.say(texts.ASK_NAME, (anonymous, (Button(texts.BTN_CHANGE_UNIT, "reunit"),)))
    elif kept:
        turn.say(texts.NAME_AFTER_QUESTION, (anonymous, (Button(texts.BTN_CHANGE_TOPIC, f"retopic:{kept[-1]}"),)))
    else:
        turn.say(texts.ASK_NAME, (anonymous,))


def ask_question(turn: Turn) -> None:
    """Ask for the question text."""
    turn.say(_invitation(turn))


def topic_label(turn: Turn, topic_id: str | None) -> str:
    """The short Vietnamese name of a topic."""
    topic = turn.settings.topic(topic_id or "khac")
    return topic.short if topic else (topic_id or "")


def pick_topic(turn: Turn) -> None:
    """Offer every topic as a button for the question being changed."""
    target = turn.data["retopic"]
    buttons = [Button(t.short, f"retopic:{target['id']}:{t.id}") for t in turn.settings.topics]
    turn.say(texts.ASK_TOPIC.format(code=target["code"]), rows_of(buttons, 2))


def followup(turn: Turn) -> None:
    """Ask whether the waiting text continues the last question or is a new one."""
    code = turn.data["followup"]["code"]
    add = Button(texts.BTN_FOLLOWUP_ADD.format(code=code), "more:add")
    turn.say(texts.FOLLOWUP_ASK.format(code=code), ((add,), (Button(texts.BTN_FOLLOWUP_NEW, "more:new"),)))


def idle(turn: Turn) -> None:
    """Between questions: invite another one."""
    turn.say(_invitation(turn), after_receipt_buttons())


def after_receipt_buttons() -> Rows:
    """Ask another, or list mine."""
    return ((Button(texts.BTN_ASK_ANOTHER, "again"), Button(texts.BTN_MY_QUESTIONS, "mine")),)


def receipt_buttons(question_id: int | None) -> Rows:
    """Change this question's topic, allow its publication (handlers/publication.py), ask another, or list mine."""
    return ((Button(texts.BTN_CHANGE_TOPIC, f"retopic:{question_id}"),),
            (Button(texts.BTN_PUBLIC_ALLOW, f"public:{question_id}:on"),), *after_receipt_buttons())


def stored_items(youth: Youth, count: int) -> str:
    """What erasure would remove, naming only what exists: «đơn vị, tên và 2 câu hỏi»."""
    items = [texts.DELETE_ITEM_UNIT] if youth.unit_code else []
    items += [texts.DELETE_ITEM_NAME] if youth.name else []
    items += [texts.DELETE_ITEM_QUESTIONS.format(count=count)] if count else []
    return ", ".join(items[:-1]) + texts.DELETE_ITEMS_AND + items[-1] if len(items) > 1 else "".join(items)


def confirm_delete(turn: Turn, items: str) -> None:
    """Ask before erasing everything."""
    text = texts.DELETE_ASK.format(items=items) if items else texts.DELETE_ASK_BARE
    turn.say(text, ((Button(texts.BTN_DELETE_YES, "del:yes"), Button(texts.BTN_DELETE_NO, "del:no")),))


def prompt(turn: Turn) -> None:
    """Say again what the current step waits for."""
    match turn.step:
        case Step.CAMPAIGN:
            ask_campaign(turn)
        case Step.UNIT:
            ask_unit(turn)
        case Step.NAME:
            ask_name(turn)
        case Step.QUESTION:
            ask_question(turn)
        case Step.PICK_TOPIC:
            pick_topic(turn)
        case Step.FOLLOWUP:
            followup(turn)
        case Step.DELETE:
            confirm_delete(turn, str(turn.data.get("delete_items", "")))
        case Step.IDLE:
            idle(turn)


def greeting_short(turn: Turn) -> None:
    """A returning youth's greeting: campaign dates only."""
    turn.say(_campaign_text(turn))


def _campaign_text(turn: Turn) -> str:
    """The campaign, its theme, and what its dates mean today."""
    campaign = turn.settings.campaign
    greeting = texts.GREETING.format(organizer=campaign.organizer, campaign=campaign.name, theme=campaign.theme)
    return greeting + "\n" + time_text(turn)


def time_text(turn: Turn) -> str:
    """The dialogue date and the deadline, worded for where the campaign stands today (issue 19)."""
    template, note = {
        Phase.OPEN: (texts.TIME_OPEN, ""),
        Phase.LAST_DAY: (texts.TIME_LAST_DAY, ""),
        Phase.LATE: (texts.TIME_LATE, texts.GREETING_LATE),
        Phase.AFTER_DIALOGUE: (texts.TIME_AFTER_DIALOGUE, texts.GREETING_AFTER_DIALOGUE),
    }[turn.phase]
    line = template.format(dialogue=turn.dialogue_text, deadline=turn.deadline_text, days=turn.days_left)
    return f"{line}\n\n{note}" if note else line


def _invitation(turn: Turn) -> str:
    """The invitation to type a question, naming whose dialogue it is."""
    return texts.ASK_QUESTION if turn.settings.key == PRIMARY_CAMPAIGN else texts.ASK_QUESTION_LOCAL
