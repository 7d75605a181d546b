"""What each reminder says, to whom: youth who started, youth who opted in, coordinators."""

from collections.abc import Sequence
from datetime import datetime

from handlers.coordination import texts
from handlers.coordination.naming import is_local
from handlers.scope import Coordinator, covers, units
from handlers.settings import Settings
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
    """Reminders for the youth of `settings`' campaign on channels we can push to; nobody gets two,
    nothing after the deadline."""
    days = days_left(settings, now)
    if days < 0 or not channels:
        return []
    repo = CoordinationRepo(uow.session)
    deadline = settings.campaign.deadline_date.strftime("%d/%m/%Y")
    seen: set[Address] = set()
    messages: list[Message] = []
    if is_local(settings):  # the province's wording speaks of the province's leaders
        plan = ((STARTED, repo.youth_without_questions, texts.REMIND_STARTED_CAMPAIGN, texts.REMIND_STARTED_CAMPAIGN_TODAY),
                (OPTED_IN, repo.youth_opted_in, texts.REMIND_OPTED_CAMPAIGN, texts.REMIND_OPTED_CAMPAIGN_TODAY))
    else:
        plan = ((STARTED, repo.youth_without_questions, texts.REMIND_STARTED, texts.REMIND_STARTED_TODAY),
                (OPTED_IN, repo.youth_opted_in, texts.REMIND_OPTED, texts.REMIND_OPTED_TODAY))
    for audience, query, ahead, today in plan:
        if audience not in audiences:
            continue
        text = (today if days == 0 else ahead).format(days=days, deadline=deadline, campaign=settings.campaign.name)
        for channel, chat_id in await query(channels, settings.key):  # youth taking part in this campaign
            address = Address(channel, chat_id)
            if address not in seen:
                seen.add(address)
                messages.append((address, Reply(text, address=address)))
    return messages


async def coordinator_reminders(
    uow: UnitOfWork, settings: Settings, now: datetime, people: Sequence[Coordinator]
) -> list[Message]:
    """The deadline countdown with the counts of each coordinator's scope against the allocation of its units."""
    questions = await uow.questions.all()
    days = days_left(settings, now)
    campaign = settings.campaign
    messages = []
    for person in people:
        mine = [q for q in questions if covers(person.scope, q)]
        asked: dict[str, set[int]] = {}
        for q in mine:
            if q.youth_id is not None:
                asked.setdefault((q.unit_code or "").upper(), set()).add(q.youth_id)
        per_unit = {u.code: len(asked.get(u.code.upper(), ())) for u in settings.units}
        listed = units(settings, person.scope)
        if is_local(settings):
            template = texts.REMIND_COORDINATOR_CAMPAIGN_TODAY if days == 0 else texts.REMIND_COORDINATOR_CAMPAIGN
        else:
            template = texts.REMIND_COORDINATOR_TODAY if days == 0 else texts.REMIND_COORDINATOR
        lines = [template.format(
            name=person.label, campaign=campaign.name, days=days, deadline=campaign.deadline_date.strftime("%d/%m/%Y"),
            dialogue=campaign.dialogue_date.strftime("%d/%m/%Y"), questions=len(mine),
            youth=sum(min(per_unit[u.code], u.allocation) for u in listed),
            allocation=sum(u.allocation for u in listed),
        )]
        behind = [u for u in listed if u.allocation and per_unit[u.code] < u.allocation]
        if behind:
            lines.append(texts.REMIND_UNITS_BEHIND)
            lines += [texts.REMIND_UNIT_LINE.format(unit=u.name, youth=per_unit[u.code], allocation=u.allocation)
                      for u in behind]
        messages.append((person.address, Reply("\n".join(lines), address=person.address)))
    return messages


def dated_reminders(people: Sequence[Coordinator], title: str, text: str | None) -> list[Message]:
    """A configured dated reminder (e.g. district dialogue plans due in April) for coordinators."""
    messages = []
    for person in people:
        body = text or texts.DATED_DEFAULT.format(name=person.label, title=title)
        messages.append((person.address, Reply(body, address=person.address)))
    return messages
