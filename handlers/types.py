"""Transport-agnostic message types: every channel adapter speaks only these."""

from dataclasses import dataclass, field
from enum import Enum


class Kind(str, Enum):
    """What an incoming message carries."""

    TEXT = "text"
    COMMAND = "command"
    BUTTON = "button"
    UNSUPPORTED = "unsupported"  # sticker, photo, voice, location, …


@dataclass(frozen=True)
class Address:
    """Where a person is reached: a channel name and the chat id on that channel."""

    channel: str  # "telegram", "web", "zalo", …
    chat_id: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.chat_id}"


@dataclass(frozen=True)
class Button:
    """One choice offered to the user; `data` comes back when it is pressed (≤ 64 bytes)."""

    label: str
    data: str


@dataclass(frozen=True)
class IncomingMessage:
    """One thing a user did, already stripped of every platform type."""

    address: Address
    kind: Kind
    text: str = ""
    command: str | None = None  # without the slash, lower case: "start"
    args: str = ""  # what follows the command
    button_data: str | None = None
    update_id: str | None = None  # channel-scoped id used to drop redeliveries
    display_name: str | None = None
    is_private: bool = True
    unsupported_kind: str | None = None  # "sticker", "photo", … when kind is UNSUPPORTED
    attachments: "tuple[Attachment, ...]" = ()  # files staff send (downloaded by the adapter)


@dataclass(frozen=True)
class Attachment:
    """A file to send along with a reply (chart PNG, .xlsx export)."""

    filename: str
    content: bytes
    mime_type: str


@dataclass(frozen=True)
class Reply:
    """One message to send; rows of buttons are rendered natively or as numbered choices."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    address: Address | None = None  # None: the sender of the incoming message
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    erased: bool = False  # the sender's data was just erased: channels keeping a copy (the web page) drop it

    def flat_buttons(self) -> list[Button]:
        """All buttons in reading order (used for numbered-choice rendering)."""
        return [b for row in self.buttons for b in row]


JOIN_LIMIT = 2000  # the shortest message any channel takes (Zalo); a longer join would be split again


def coalesce(replies: list[Reply], limit: int = JOIN_LIMIT) -> list[Reply]:
    """Send consecutive replies to one chat as one message where the youth loses nothing.

    A reply with no buttons and no attachments (an acknowledgement such as «Đã ghi nhận đơn vị…»)
    is joined to the next reply to the same chat (the next prompt) when the joined text fits in
    `limit`. Fewer messages per answer: fewer notifications on the phone, and more youth served
    within Telegram's ~30 messages/s on deadline day.
    """
    joined: list[Reply] = []
    for reply in replies:
        last = joined[-1] if joined else None
        if (
            last is not None
            and last.address == reply.address
            and not last.buttons
            and not last.attachments
            and last.text
            and reply.text
            and len(last.text) + 2 + len(reply.text) <= limit
        ):
            joined[-1] = Reply(
                f"{last.text}\n\n{reply.text}", reply.buttons, reply.address, reply.attachments,
                last.erased or reply.erased,
            )
        else:
            joined.append(reply)
    return joined


def reply_to_dict(reply: Reply) -> dict[str, object]:
    """A JSON-able form of a reply (attachments are not kept)."""
    out: dict[str, object] = {
        "text": reply.text,
        "buttons": [[[b.label, b.data] for b in row] for row in reply.buttons],
    }
    if reply.erased:
        out["erased"] = True
    return out


def reply_from_dict(raw: dict[str, object]) -> Reply:
    """The reply stored by `reply_to_dict`."""
    rows = raw.get("buttons") or []
    buttons = tuple(tuple(Button(str(label), str(data)) for label, data in row) for row in rows)  # type: ignore[union-attr]
    return Reply(text=str(raw.get("text", "")), buttons=buttons, erased=raw.get("erased") is True)
