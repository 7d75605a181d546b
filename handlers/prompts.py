"""What each step says to ask for its input, with its buttons."""

from collections.abc import Sequence

from handlers import texts, units
from handlers.settings import Unit
from handlers.turn import Step, Turn
from handlers.types import Button

Rows = tuple[tuple[Button, ...], ...]


def rows_of(buttons: list[Button], per_row: int) -> Rows:
    """Lay buttons out in rows of `per_row`."""
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


def greeting(turn: Turn, unit_code: str | None) -> None:
    """Greeting with the campaign, then the processing notice and the consent buttons."""
    lines = [_campaign_text(turn)]
    unit = turn.settings.unit(unit_code) if unit_code else None
    if unit:
        lines.append(texts.GREETING_UNIT.format(unit=unit.name))
    if turn.is_late:
        lines.append(texts.GREETING_LATE)
    turn.say("\n\n".join(lines))
    privacy = turn.settings.privacy
    suffix = f":{unit.code}" if unit else ""
    turn.say(
        texts.PRIVACY.format(
            controller=privacy.controller, months=privacy.retention_months, contact=privacy.contact
        ),
        ((Button(texts.BTN_CONSENT_YES, f"consent:yes{suffix}"), Button(texts.BTN_CONSENT_NO, "consent:no")),),
    )


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
    """Ask for a name, or anonymity."""
    turn.say(texts.ASK_NAME, ((Button(texts.BTN_ANONYMOUS, "name:anon"),),))


def ask_question(turn: Turn) -> None:
    """Ask for the question text."""
    turn.say(texts.ASK_QUESTION)


def topic_label(turn: Turn, topic_id: str | None) -> str:
    """The short Vietnamese name of a topic."""
    topic = turn.settings.topic(topic_id or "khac")
    return topic.short if topic else (topic_id or "")


def confirm_topic(turn: Turn) -> None:
    """Show the detected topic with buttons to confirm or pick another."""
    draft = turn.data["draft"]
    n = draft["n"]
    secondary = draft.get("secondary")
    if secondary:
        text = texts.TOPIC_DETECTED_TWO.format(
            topic=topic_label(turn, draft["topic"]), secondary=topic_label(turn, secondary)
        )
    else:
        text = texts.TOPIC_DETECTED.format(topic=topic_label(turn, draft["topic"]))
    turn.say(
        text,
        ((Button(texts.BTN_TOPIC_OK, f"topic:ok:{n}"), Button(texts.BTN_TOPIC_PICK, f"topic:pick:{n}")),),
    )


def pick_topic(turn: Turn) -> None:
    """Offer every topic as a button."""
    n = turn.data["draft"]["n"]
    buttons = [Button(t.short, f"topic:set:{n}:{t.id}") for t in turn.settings.topics]
    turn.say(texts.ASK_TOPIC, rows_of(buttons, 2))


def idle(turn: Turn) -> None:
    """Between questions: invite another one."""
    turn.say(texts.ASK_QUESTION, after_receipt_buttons())


def after_receipt_buttons() -> Rows:
    """Ask another, or list mine."""
    return ((Button(texts.BTN_ASK_ANOTHER, "again"), Button(texts.BTN_MY_QUESTIONS, "mine")),)


def confirm_delete(turn: Turn, count: int) -> None:
    """Ask before erasing everything."""
    turn.say(
        texts.DELETE_ASK.format(count=count),
        ((Button(texts.BTN_DELETE_YES, "del:yes"), Button(texts.BTN_DELETE_NO, "del:no")),),
    )


def prompt(turn: Turn) -> None:
    """Say again what the current step waits for."""
    match turn.step:
        case Step.UNIT:
            ask_unit(turn)
        case Step.NAME:
            ask_name(turn)
        case Step.QUESTION:
            ask_question(turn)
        case Step.CONFIRM_TOPIC:
            confirm_topic(turn)
        case Step.PICK_TOPIC:
            pick_topic(turn)
        case Step.DELETE:
            confirm_delete(turn, int(turn.data.get("delete_count", 0)))
        case Step.IDLE:
            idle(turn)


def greeting_short(turn: Turn) -> None:
    """A returning youth's greeting: campaign dates only."""
    turn.say(_campaign_text(turn) + ("\n\n" + texts.GREETING_LATE if turn.is_late else ""))


def _campaign_text(turn: Turn) -> str:
    """The campaign, its theme, the dialogue date and the deadline."""
    campaign = turn.settings.campaign
    return texts.GREETING.format(
        campaign=campaign.name,
        theme=campaign.theme,
        dialogue=campaign.dialogue_date.strftime("%d/%m/%Y"),
        deadline=turn.deadline_text,
    )
