"""The reminder opt-in offered with the first receipt (Youth.reminders_ok; silence is not consent)."""

from handlers import choices
from handlers.coordination import texts
from handlers.prompts import after_receipt_buttons
from handlers.turn import Turn
from handlers.types import Button

YES, NO = "remind:yes", "remind:no"


def should_offer(turn: Turn) -> bool:
    """Offer once, with the first receipt, and only while reminders can still be useful."""
    asked = turn.data.get("remind_asked") or (turn.youth is not None and turn.youth.reminders_ok)
    return not turn.is_late and not asked


def offer(turn: Turn) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    """The question's text and its buttons (the receipt's own buttons stay below)."""
    turn.data["remind_asked"] = True
    row = (Button(texts.BTN_OPTIN_YES, YES), Button(texts.BTN_OPTIN_NO, NO))
    return texts.OPTIN_ASK.format(deadline=turn.deadline_text), (row, *after_receipt_buttons())


async def answer(turn: Turn, data: str) -> None:
    """remind:yes / remind:no sets Youth.reminders_ok; the step does not change."""
    assert turn.youth is not None
    turn.youth.reminders_ok = data == YES
    await turn.uow.youth.save(turn.youth)
    turn.say(texts.OPTIN_YES if turn.youth.reminders_ok else texts.OPTIN_NO, _still_offered(turn))


def _still_offered(turn: Turn) -> tuple[tuple[Button, ...], ...]:
    """The receipt's other choices («Đổi chủ đề»…): typed ones name the last offered, so offer them again."""
    kept = [Button(label, data) for label, data in turn.data.get(choices.KEY, []) if not data.startswith("remind:")]
    return tuple((button,) for button in kept) or after_receipt_buttons()
