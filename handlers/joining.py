"""Which campaign a youth takes part in (issue #18): the one their deep link names, else the only one
open, else the one they choose among the open ones right after consent; later `/doithoai` or a new
link switches.

Choosing comes after consent, not before: before «Đồng ý» nothing is stored, so a typed «2» could
not be told from the notice's own numbered choices; after it the choice is one more step whose
buttons are remembered like every other (typed numbers and labels work on Zalo). The first screen
still names every open campaign with its dates, so the youth knows what they consent for.
"""

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from handlers import campaigns, prompts, texts
from handlers.choices import fold
from handlers.settings import Settings, Unit
from handlers.turn import Step, Turn

log = logging.getLogger(__name__)

OFFERED = prompts.OFFERED


@dataclass(frozen=True)
class Arrival:
    """Where a youth who has not consented yet is heading."""

    settings: Settings | None  # None: several campaigns are open, the youth chooses after consent
    unit: Unit | None  # a deep link's unit of that campaign
    payload: str  # what the consent buttons carry: "", "KESACH", "tinh", "kesach2023", "kesach2023-ANMY"
    closed: Settings | None  # the linked campaign when its dialogue is over and others are open
    opens: list[Settings]  # the campaigns open now, the province's first


async def arrival(turn: Turn, payload: str) -> Arrival:
    """The campaign (and unit) a `/start` payload or a consent button's payload leads to.

    No link: the only open campaign, the province's when none is open (today's single-campaign
    flow), or a choice when several are open. A link to a closed campaign leads to that choice
    (with a note) while any campaign is open."""
    every = await turn.campaigns()
    key, unit_code = campaigns.parse_link(payload, every) if payload else (None, None)
    opens = campaigns.open_ones(every, turn.now)
    closed = None
    if key is not None and opens and not campaigns.is_open(every[key], turn.now):
        log.info("a link to the closed campaign %s on %s", key, turn.msg.address.channel)
        closed, key, unit_code = every[key], None, None
    explicit = key is not None
    if key is None:
        if len(opens) > 1:
            return Arrival(None, None, "", closed, opens)
        key = opens[0].key if opens else campaigns.PRIMARY
    settings = every[key]
    unit = settings.unit(unit_code) if unit_code else None
    return Arrival(settings, unit, _payload(settings, unit, explicit and len(opens) > 1), closed, opens)


def _payload(settings: Settings, unit: Unit | None, name_province: bool) -> str:
    """The consent buttons' payload (parse_link reads it back); the province's stays as it always was."""
    if settings.key != campaigns.PRIMARY:
        return f"{settings.key}-{unit.code}" if unit else settings.key
    return unit.code if unit else (campaigns.PRIMARY if name_province else "")


async def greet(turn: Turn, payload: str) -> Arrival:
    """The first screen for a link (or none): the campaign's greeting and the consent choice."""
    where = await arrival(turn, payload)
    note = closed_note(where.closed) if where.closed else None
    if where.settings is None:
        items = "\n".join(_item(c) for c in where.opens)
        organizer = turn.settings.province.campaign.organizer
        greeting = texts.GREETING_SEVERAL.format(organizer=organizer, items=items)
        turn.say(f"{note}\n\n{greeting}" if note else greeting)
        prompts.notice(turn, "")
        return where
    turn.settings = where.settings  # its name, theme, organizer and dates, before consent too
    prompts.greeting(turn, where.unit, where.payload, note)
    return where


def closed_note(campaign: Settings) -> str:
    """«Buổi … đã diễn ra ngày … nên không nhận câu hỏi mới.»"""
    return texts.CAMPAIGN_CLOSED.format(campaign=campaign.campaign.name, dialogue=_date(campaign))


def _item(campaign: Settings) -> str:
    return texts.CAMPAIGN_ITEM.format(
        campaign=campaign.campaign.name, dialogue=_date(campaign),
        deadline=campaign.campaign.deadline_date.strftime("%d/%m/%Y"))


def _date(campaign: Settings) -> str:
    return campaign.campaign.dialogue_date.strftime("%d/%m/%Y")


def offer(turn: Turn, opens: list[Settings]) -> None:
    """The CAMPAIGN step: one button per open campaign (what a typed number refers to is kept)."""
    turn.data[OFFERED] = [[c.key, c.campaign.name] for c in opens]
    turn.step = Step.CAMPAIGN
    prompts.prompt(turn)


def typed(turn: Turn, text: str) -> str | None:
    """The offered campaign a typed text names: its key, or words of its name (without diacritics)."""
    folded = fold(text)
    if not folded:
        return None
    offered = turn.data.get(OFFERED, [])
    exact = [key for key, name in offered if folded in (key, fold(name))]
    if exact:
        return str(exact[0])
    found = [key for key, name in offered if f" {folded} " in f" {fold(name)} "]
    return str(found[0]) if len(found) == 1 else None


async def switch(turn: Turn, target: Settings, unit_code: str | None) -> None:
    """Take part in `target` from now on: the name stays; a unit it does not have is asked again."""
    youth = turn.youth
    assert youth is not None
    before = youth.campaign
    youth.campaign = target.key
    unit = target.unit(unit_code) if unit_code else None
    if unit is not None:
        youth.unit_code = unit.code
        turn.data["linked_unit"] = True
    elif youth.unit_code and target.unit(youth.unit_code) is None:
        youth.unit_code = None
        turn.data.pop("linked_unit", None)
    await turn.uow.youth.save(youth)
    turn.data.pop(OFFERED, None)
    turn.settings = target
    if before != target.key:
        log.info("youth moved from campaign %s to %s on %s", before, target.key, turn.msg.address.channel)
    lines = [texts.CAMPAIGN_CHOSEN.format(campaign=target.campaign.name), prompts.time_text(turn)]
    if unit is not None:
        lines.append(texts.UNIT_CHOSEN.format(unit=unit.name))
    turn.say("\n".join(lines))


async def others_open(turn: Turn) -> list[Settings]:
    """The open campaigns besides the youth's, when the youth's dialogue is over (else none)."""
    if campaigns.is_open(turn.settings, turn.now):
        return []
    return [c for c in campaigns.open_ones(await turn.campaigns(), turn.now) if c.key != turn.settings.key]


def say_closed(turn: Turn, others: list[Settings], *, stored: bool) -> None:
    """The youth's campaign is over: say so (and where a question just went) and offer the open ones."""
    template = texts.CAMPAIGN_CLOSED_STORED if stored else texts.CAMPAIGN_CLOSED_OFFER
    turn.say(template.format(campaign=turn.settings.campaign.name, dialogue=_date(turn.settings)),
             prompts.campaign_rows([[c.key, c.campaign.name] for c in others]))


class LinkMemo:
    """The deep link a chat came with, until it consents: held in memory only, never stored.

    Before consent nothing is written about a chat, yet «Đồng ý» typed on Zalo (no buttons, so no
    button data) must still join the linked campaign. Bounded and short-lived; a chat whose consent
    reaches another worker is asked to choose among the open campaigns instead (nothing lost)."""

    def __init__(self, size: int = 20_000, seconds: float = 3600.0, now: Callable[[], float] = time.monotonic) -> None:
        self._links: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._size, self._seconds, self._now = size, seconds, now

    def put(self, chat: str, payload: str) -> None:
        """Remember the payload the chat's greeting carries ("" forgets it)."""
        self._links.pop(chat, None)
        if payload:
            self._links[chat] = (payload, self._now() + self._seconds)
            while len(self._links) > self._size:
                self._links.popitem(last=False)

    def get(self, chat: str) -> str:
        """The payload the chat's last greeting carried, if still fresh."""
        found = self._links.get(chat)
        if found is None or found[1] < self._now():
            self._links.pop(chat, None)
            return ""
        return found[0]

    def forget(self, chat: str) -> None:
        """The chat consented or declined."""
        self._links.pop(chat, None)
