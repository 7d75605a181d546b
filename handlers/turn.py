"""One incoming message being handled: what we know, what we will say, where we go next."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from handlers import campaigns
from handlers.sanitize import collapse_spaces
from handlers.settings import Settings
from handlers.tagging import Tagger
from handlers.types import Button, IncomingMessage, Reply
from storage import UnitOfWork, Youth


class Step(str, Enum):
    """The conversation's steps (see the table in handlers/conversation.py)."""

    CAMPAIGN = "campaign"  # choosing among the open campaigns (after consent, or /doithoai)
    UNIT = "unit"
    NAME = "name"
    QUESTION = "question"
    PICK_TOPIC = "pick_topic"
    FOLLOWUP = "followup"  # a text sent right after a question waits: add to it, or a new question?
    IDLE = "idle"
    DELETE = "delete"

    @classmethod
    def stored(cls, value: str) -> "Step":
        """The step of a stored state; a step of an older version (confirm_topic) becomes IDLE."""
        try:
            return cls(value)
        except ValueError:
            return cls.IDLE


class Phase(str, Enum):
    """Where the campaign stands in time: each phase has its own wording."""

    OPEN = "open"  # before the deadline day
    LAST_DAY = "last_day"  # the deadline day itself: still on time
    LATE = "late"  # past the deadline, up to and including the dialogue day
    AFTER_DIALOGUE = "after_dialogue"  # the dialogue is over


@dataclass
class Turn:
    """Mutable context of one handled message; handlers fill `replies` and set `step`."""

    msg: IncomingMessage
    uow: UnitOfWork
    settings: Settings
    tagger: Tagger | None
    now: datetime
    youth: Youth | None
    step: Step = Step.IDLE
    data: dict[str, Any] = field(default_factory=dict)
    replies: list[Reply] = field(default_factory=list)
    erased: bool = False
    normalise: Callable[[str], str] = collapse_spaces
    _registry: dict[str, Settings] | None = field(default=None, repr=False)

    async def campaigns(self) -> dict[str, Settings]:
        """Every campaign's settings by key (handlers/campaigns.every), read once per message."""
        if self._registry is None:
            self._registry = await campaigns.every(self.settings.province, self.uow)
        return self._registry

    @property
    def chat_key(self) -> str:
        """The state key of this conversation."""
        return str(self.msg.address)

    def say(self, text: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> None:
        """Queue a reply to the sender."""
        self.replies.append(Reply(text=text, buttons=buttons))

    def format_date(self, moment: datetime) -> str:
        """dd/mm/yyyy in the campaign's time zone."""
        return moment.astimezone(self.settings.campaign.zone).strftime("%d/%m/%Y")

    @property
    def deadline_text(self) -> str:
        """The last day for on-time questions, dd/mm/yyyy."""
        return self.settings.campaign.deadline_date.strftime("%d/%m/%Y")

    @property
    def dialogue_text(self) -> str:
        """The dialogue date, dd/mm/yyyy."""
        return self.settings.campaign.dialogue_date.strftime("%d/%m/%Y")

    @property
    def days_left(self) -> int:
        """Whole local days from today to the deadline day (0 on the deadline day itself)."""
        campaign = self.settings.campaign
        return (campaign.deadline_date - self.now.astimezone(campaign.zone).date()).days

    @property
    def phase(self) -> Phase:
        """The campaign's phase at this message's time (local calendar days)."""
        campaign = self.settings.campaign
        today = self.now.astimezone(campaign.zone).date()
        if today > campaign.dialogue_date:
            return Phase.AFTER_DIALOGUE
        if campaign.is_late(self.now):
            return Phase.LATE
        return Phase.LAST_DAY if today == campaign.deadline_date else Phase.OPEN

    @property
    def is_late(self) -> bool:
        """Whether a question sent now is past the deadline."""
        return self.settings.campaign.is_late(self.now)
