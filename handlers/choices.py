"""Typed answers to offered buttons: one mechanism for every choice, in every chat, on every channel.

Every reply that offers buttons records them for the chat it goes to (`data["choices"]` in that
chat's stored state): the youth's own prompts, the staff desk's pickers and confirmations, and an
answer with its rating buttons sent to a youth from a coordinator's chat. A message typed later that
names one of them — its number, or its label with or without diacritics, ignoring case, emoji and
punctuation — is handled as that button's press before the staff desk or the conversation sees it.
Zalo shows the same choices as a numbered list, so there typing is the only way to answer.
"""

import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from handlers.turn import Step
from handlers.types import Address, IncomingMessage, Kind, Reply
from storage import UnitOfWork

log = logging.getLogger(__name__)

KEY = "choices"  # the stored state's key: [[label, data], …] in reading order
Choices = list[list[str]]

_NOT_WORD = re.compile(r"[^\w\s]", re.UNICODE)
# Exactly a choice number ("2", "2.", "2)"): a question that merely starts with a digit is not one.
_NUMBER = re.compile(r"^\s*(\d{1,3})\s*[.)]?\s*$")


def fold(text: str) -> str:
    """Lower-case, accent-free, emoji/punctuation-free, single-spaced text for matching."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", bare).lower().split())


def match_choice(text: str, choices: Sequence[Sequence[str]]) -> str | None:
    """The button data a typed answer selects among (label, data) choices, if any."""
    number = _NUMBER.match(text)
    if number:
        index = int(number.group(1)) - 1
        return choices[index][1] if 0 <= index < len(choices) else None
    folded = fold(text)
    if not folded:
        return None
    return next((data for label, data in choices if fold(label) == folded), None)


def as_pressed(msg: IncomingMessage, choices: Sequence[Sequence[str]]) -> IncomingMessage:
    """A typed message that names one of the chat's offered choices, as that button's press."""
    if msg.kind is not Kind.TEXT or not choices:
        return msg
    data = match_choice(msg.text, choices)
    if data is None:
        return msg
    log.debug("typed %r taken as the button %s on %s", msg.text[:40], data[:40], msg.address.channel)
    return replace(msg, kind=Kind.BUTTON, button_data=data)


def as_pressed_label(msg: IncomingMessage, choices: Sequence[Sequence[str]]) -> IncomingMessage:
    """Like as_pressed, by label only: for choices that stay valid whatever was offered last."""
    return msg if msg.kind is Kind.TEXT and _NUMBER.match(msg.text) else as_pressed(msg, choices)


def offered(replies: Sequence[Reply], previous: Choices, chat: Address, sender: Address) -> Choices:
    """What a typed answer in `chat` refers to after `replies`: the last buttons offered to it.

    Replies to the chat that offer no buttons at all clear them (what it read last offers nothing);
    when no reply goes to the chat, its previous choices stay.
    """
    mine = [reply for reply in replies if (reply.address or sender) == chat]
    for reply in reversed(mine):
        if reply.buttons:
            return [[b.label, b.data] for b in reply.flat_buttons()]
    return [] if mine else previous


def recipients(replies: Iterable[Reply], sender: Address) -> list[Address]:
    """Every chat the replies go to, in order, each once."""
    return list(dict.fromkeys(reply.address or sender for reply in replies))


async def remember(
    uow: UnitOfWork, chats: Iterable[Address], replies: Sequence[Reply], sender: Address, now: datetime
) -> None:
    """Store in each chat's state the choices the replies offer it (the step is kept).

    A chat with no stored state gets one only when it is offered choices: nothing is written for
    people who never consented, and nothing changes for a reply without buttons to a chat without any.
    Another chat than the sender's is written by a JSON merge of its choices alone: this transaction
    does not hold that chat's lock, so it must not write back the rest of a state it read.
    """
    for chat in chats:
        key = str(chat)
        state = await uow.states.get(key)
        previous: Choices = list(state.data.get(KEY, [])) if state is not None else []
        choices = offered(replies, previous, chat, sender)
        if choices == previous:
            continue
        if chat != sender:
            await uow.states.merge(key, {KEY: choices}, Step.IDLE.value, now)
            continue
        data = {**(state.data if state is not None else {}), KEY: choices}
        await uow.states.put(key, state.step if state is not None else Step.IDLE.value, data, now)
