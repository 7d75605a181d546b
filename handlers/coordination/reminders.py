"""What each reminder says, to whom: youth who started, youth who opted in, coordinators."""

from collections.abc import Sequence
from datetime import datetime

from handlers.coordination import texts
from handlers.coordination.digest import address_of
from handlers.settings import Person, Settings
from handlers.types import Address, Reply
from storage import UnitOfWork
from storage.coordination import CoordinationRepo

STARTED, OPTED_IN, COORDINATORS = "started", "opted_in", "coordinators"
Message = tuple[Address, Reply]


def days_left(settings: Settings, now: datetime) -> int:
    """Whole local days from today to the last day for on-time questions (0 on that day)."""
    today = now.astimezone(settings.campaign.zone).date()
    return (settings.campaign.deadline_date - today).days


async def youth_reminders(
    uow: UnitOfWork, settings: Settings, now: datetime, channels: Sequence[str], audiences: Sequence[str]
) -> list[Message]:
    """Reminders for youth on channels we can push to; nobody gets two, nothing after the deadline."""
    days = days_left(settings, now)
    if days < 0 or not channels:
        return []
    repo = CoordinationRepo(uow.session)
    deadline = settings.campaign.deadline_date.strftime("%d/%m/%Y")
    seen: set[Address] = set()
    messages: list[Message] = []
    plan = ((STARTED, repo.youth_without_questions, texts.REMIND_STARTED, texts.REMIND_STARTED_TODAY),
            (OPTED_IN, repo.youth_opted_in, texts.REMIND_OPTED, texts.REMIND_OPTED_TODAY))
    for audience, query, ahead, today in plan:
        if audience not in audiences:
            continue
        text = (today if days == 0 else ahead).format(days=days, deadline=deadline)
        for channel, chat_id in await query(channels):
            address = Address(channel, chat_id)
            if address not in seen:
                seen.add(address)
                messages.append((address, Reply(text, address=address)))
    return messages


async def coordinator_reminders(
    uow: UnitOfWork, settings: Settings, now: datetime, people: Sequence[Person]
) -> list[Message]:
    """The deadline countdown with the counts so far against the delegate allocation."""
    repo = CoordinationRepo(uow.session)
    per_unit = await repo.youth_per_unit()
    questions = await repo.question_count()
    days = days_left(settings, now)
    campaign = settings.campaign
    behind = [u for u in settings.units if u.allocation and per_unit.get(u.code, 0) < u.allocation]
    messages = []
    for person in people:
        template = texts.REMIND_COORDINATOR_TODAY if days == 0 else texts.REMIND_COORDINATOR
        lines = [template.format(
            name=person.name or address_of(person), days=days, deadline=campaign.deadline_date.strftime("%d/%m/%Y"),
            dialogue=campaign.dialogue_date.strftime("%d/%m/%Y"), questions=questions,
            youth=sum(min(per_unit.get(u.code, 0), u.allocation) for u in settings.units),
            allocation=sum(u.allocation for u in settings.units),
        )]
        if behind:
            lines.append(texts.REMIND_UNITS_BEHIND)
            lines += [texts.REMIND_UNIT_LINE.format(unit=u.name, youth=per_unit.get(u.code, 0), allocation=u.allocation)
                      for u in behind]
        address = address_of(person)
        messages.append((address, Reply("\n".join(lines), address=address)))
    return messages


def dated_reminders(people: Sequence[Person], title: str, text: str | None) -> list[Message]:
    """A configured dated reminder (e.g. district dialogue plans due in April) for coordinators."""
    messages = []
    for person in people:
        body = text or texts.DATED_DEFAULT.format(name=person.name or address_of(person), title=title)
        address = address_of(person)
        messages.append((address, Reply(body, address=address)))
    return messages
