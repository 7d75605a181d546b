"""Test doubles at our own seams: a movable clock, a scripted tagger and an in-memory channel."""

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from handlers.types import Address, IncomingMessage, Kind, Reply


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


def local(year: int, month: int, day: int, hour: int = 9) -> datetime:
    """An aware datetime in Asia/Ho_Chi_Minh (UTC+7) expressed in UTC."""
    return datetime(year, month, day, hour, tzinfo=timezone(timedelta(hours=7))).astimezone(timezone.utc)


@dataclass(frozen=True)
class ScriptedResult:
    topic: str
    scores: dict[str, float]
    secondary: str | None = None
    needs_review: bool = False
    evidence: tuple[str, ...] = ()


class ScriptedTagger:
    """Answers a fixed topic: handler tests check the conversation's branches, not the model."""

    def __init__(self, topic: str = "khoi_nghiep", secondary: str | None = None, needs_review: bool = False) -> None:
        self.topic, self.secondary, self.needs_review = topic, secondary, needs_review
        self.seen: list[str] = []

    def tag(self, text: str) -> ScriptedResult:
        self.seen.append(text)
        return ScriptedResult(self.topic, {self.topic: 1.0}, self.secondary, self.needs_review, ("scripted",))


@dataclass
class MemoryChannel:
    """Drives a Dispatcher like an adapter would, without any network."""

    handle: object  # Callable[[IncomingMessage], Awaitable[list[Reply]]]
    channel: str = "memory"
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))
    last: dict[str, list[Reply]] = field(default_factory=dict)

    def _address(self, user: str) -> Address:
        return Address(self.channel, user)

    async def _send(self, msg: IncomingMessage) -> list[Reply]:
        replies: list[Reply] = await self.handle(msg)  # type: ignore[operator]
        self.last[msg.address.chat_id] = replies
        return replies

    def next_id(self) -> str:
        return str(next(self.counter))

    async def text(self, user: str, text: str, *, update_id: str | None = None, private: bool = True) -> list[Reply]:
        if text.startswith("/"):
            command, _, args = text[1:].partition(" ")
            msg = IncomingMessage(self._address(user), Kind.COMMAND, text=text, command=command.lower(),
                                  args=args.strip(), update_id=update_id or self.next_id(), is_private=private)
        else:
            msg = IncomingMessage(self._address(user), Kind.TEXT, text=text,
                                  update_id=update_id or self.next_id(), is_private=private)
        return await self._send(msg)

    async def press(self, user: str, data: str, *, update_id: str | None = None) -> list[Reply]:
        msg = IncomingMessage(self._address(user), Kind.BUTTON, button_data=data, update_id=update_id or self.next_id())
        return await self._send(msg)

    async def press_label(self, user: str, label_part: str) -> list[Reply]:
        """Press the button whose label contains `label_part` in the last replies."""
        for reply in reversed(self.last.get(user, [])):
            for button in reply.flat_buttons():
                if label_part in button.label:
                    return await self.press(user, button.data)
        raise AssertionError(f"no button {label_part!r} in {self.last.get(user)}")

    async def other(self, user: str, kind: str) -> list[Reply]:
        msg = IncomingMessage(self._address(user), Kind.UNSUPPORTED, unsupported_kind=kind, update_id=self.next_id())
        return await self._send(msg)


def texts_of(replies: list[Reply]) -> str:
    """All reply texts joined, for assertions."""
    return "\n".join(r.text for r in replies)


def buttons_of(replies: list[Reply]) -> list[str]:
    """All button data in the replies."""
    return [b.data for r in replies for b in r.flat_buttons()]
