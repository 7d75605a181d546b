"""One staff (or rating youth) message being handled, and the seams the admin features need."""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from handlers.admin.roles import Actor
from handlers.sanitize import collapse_spaces
from handlers.scope import Scope, within
from handlers.settings import Campaign, Settings
from handlers.tagging import Tagger
from handlers.types import Address, Button, IncomingMessage, Reply
from storage import UnitOfWork
from storage.clock import from_db

Rows = tuple[tuple[Button, ...], ...]
log = logging.getLogger(__name__)


class Announcer(Protocol):
    """Sends one announcement to many people in the background (bot/ implements it)."""

    def submit(self, recipients: Sequence[Address], reply: Reply) -> str:
        """Queue the sends; returns the run's id (its occurrence in the sent-log)."""
        ...

    def resume_now(self, occurrence: str) -> None:
        """Resume a half-sent run whose claims passed their lease (the desk's «Tiếp tục gửi»)."""
        ...


CampaignListener = Callable[[Campaign], None]
RoleListener = Callable[[Address, str, bool], None]  # (chat, its role now, province-wide): the app republishes its menu


@dataclass
class Seams:
    """What the admin desk gets from outside handlers/: injected by the app, fakes in tests."""

    tagger: Tagger | None = None
    normalise: Callable[[str], str] = collapse_spaces
    announcer: Announcer | None = None
    # Called with the campaign (its `.key` says which) after /chien_dich changes its dates or
    # /tao_chien_dich creates it: the scheduler (re)schedules that campaign's jobs.
    campaign_listeners: list[CampaignListener] = field(default_factory=list)
    # Called after /cap_quyen or /thu_quyen with the chat and its effective role (the menu follows).
    role_listeners: list[RoleListener] = field(default_factory=list)
    # The public base URL of the web server (the desk's login links); None: the desk is not served.
    desk_url: Callable[[], str | None] | None = None


def notify(listeners: Sequence[Callable[..., None]], *args: object) -> None:
    """Call the app's hooks after a change; one that fails is logged and must not undo the change."""
    for listener in listeners:
        try:
            listener(*args)
        except Exception:  # noqa: BLE001 - a hook (scheduler, menus) must not undo the change
            log.exception("admin hook %r failed", listener)


@dataclass
class Act:
    """Mutable context of one handled staff message."""

    msg: IncomingMessage
    uow: UnitOfWork
    settings: Settings
    now: datetime
    actor: Actor
    seams: Seams
    replies: list[Reply] = field(default_factory=list)

    @property
    def scope(self) -> Scope:
        """What the actor handles now: their scope within the campaign they work on (`settings`)."""
        mine = self.actor.scope
        if mine.campaigns is not None and self.settings.key not in mine.campaigns:
            return mine  # settings not of their campaign (a caller that did not ask working.py): never widened
        return within(mine, self.settings.key)

    @property
    def chat_key(self) -> str:
        """The pending-input key of this chat."""
        return str(self.msg.address)

    def say(self, text: str, buttons: Rows = (), attachments: tuple = ()) -> None:
        """Queue a reply to the sender."""
        self.replies.append(Reply(text=text, buttons=buttons, attachments=attachments))

    def send(self, address: Address, text: str, buttons: Rows = ()) -> None:
        """Queue a message to someone else (the dispatcher delivers it on their channel)."""
        self.replies.append(Reply(text=text, buttons=buttons, address=address))

    async def audit(self, action: str, *, code: str | None = None, detail: str = "", allowed: bool = True) -> None:
        """Log this action in the audit table."""
        await self.uow.admin.audit(
            str(self.actor.address), self.actor.role, action, self.now, code=code, detail=detail, allowed=allowed
        )

    def topic_label(self, topic_id: str | None) -> str:
        """The short Vietnamese topic name."""
        topic = self.settings.topic(topic_id or "khac")
        return topic.short if topic else (topic_id or "")

    def date_text(self, moment: datetime) -> str:
        """dd/mm/yyyy hh:mm in the campaign's time zone."""
        return from_db(moment).astimezone(self.settings.campaign.zone).strftime("%d/%m/%Y %H:%M")
