"""Retention, as the processing notice promises: youth data goes `retention_months` after the dialogue.

Admins are told `NOTICE_DAYS` before, with the final export attached; on the day, everything stored
before it goes (storage/retention.py says what that covers). Only aggregate counts stay, in one
audit line. The nightly job (bot/coordination.py) calls these with the clock's date.

Each campaign keeps its own promise (issue #18): a local campaign's youth and questions go
`retention_months` after its own dialogue, told to its own admins; the province's day takes
everything else (rows of a campaign that no longer exists included, so nothing is kept forever).
"""

import asyncio
import calendar
from datetime import date, datetime, time

from handlers import campaigns
from handlers.admin.roles import admins as all_admins
from handlers.coordination import texts
from handlers.coordination.digest import digest_files
from handlers.coordination.export import rows_for
from handlers.coordination.naming import named, stamped
from handlers.scope import Scope
from handlers.settings import Settings
from handlers.types import Reply
from storage import Question, UnitOfWork
from storage.retention import RetentionRepo

NOTICE_DAYS = 14
SYSTEM = "system"  # the audit actor of what the bot does by itself


def erase_on(settings: Settings) -> date:
    """The local day youth data goes: `retention_months` after the dialogue (clamped to month end)."""
    dialogue, months = settings.campaign.dialogue_date, settings.privacy.retention_months
    year, month = divmod(dialogue.month - 1 + months, 12)
    year, month = dialogue.year + year, month + 1
    return date(year, month, min(dialogue.day, calendar.monthrange(year, month)[1]))


def notice_on(settings: Settings) -> date:
    """The local day admins are told, with the final export."""
    return date.fromordinal(erase_on(settings).toordinal() - NOTICE_DAYS)


def cutoff(settings: Settings) -> datetime:
    """The first instant of the erase day: what was stored before it goes."""
    return datetime.combine(erase_on(settings), time(0), tzinfo=settings.campaign.zone)


async def _repo(settings: Settings, uow: UnitOfWork) -> RetentionRepo:
    """The rows `settings`' campaign's retention covers: a local campaign's own; for the province's,
    every row no local campaign has."""
    if settings.key != campaigns.PRIMARY:
        return RetentionRepo(uow.session, campaign=settings.key)
    return RetentionRepo(uow.session, other_than=[spec.key for spec in await campaigns.specs(settings, uow)])


async def _covered(settings: Settings, uow: UnitOfWork) -> list[Question]:
    """The questions `settings`' campaign's retention erases (when stored before its day)."""
    if settings.key != campaigns.PRIMARY:
        return [q for q in await uow.questions.all() if q.campaign == settings.key]
    local = {spec.key for spec in await campaigns.specs(settings, uow)}
    return [q for q in await uow.questions.all() if q.campaign not in local]


async def admin_notices(settings: Settings, uow: UnitOfWork, now: datetime, channels: set[str]) -> list[Reply]:
    """The notice to each admin of the campaign reachable on `channels`, with the final export (chart
    and .xlsx) of what will go: a local campaign's own admins (the province's when it has none)."""
    admins = [a for a in await all_admins(settings, uow) if a.address.channel in channels]
    own = [a for a in admins if a.campaign == settings.key]
    admins = own or admins
    if not admins:
        return []
    questions = await _covered(settings, uow)
    rows = rows_for(settings, questions)
    stamp = stamped(settings, now.astimezone(settings.campaign.zone).strftime("%Y%m%d-%H%M"))
    files = await asyncio.to_thread(digest_files, settings, Scope.all(), questions, rows, stamp)
    day = erase_on(settings).strftime("%d/%m/%Y")
    return [
        Reply(named(settings, texts.RETENTION_NOTICE.format(
            name=a.label, day=day, months=settings.privacy.retention_months, total=len(rows),
        )), address=a.address, attachments=files)
        for a in admins
    ]


async def erase_batch(settings: Settings, uow: UnitOfWork, batch: int = 200) -> tuple[int, int]:
    """Erase up to `batch` youth of the expired dialogue: (youth, questions); (0, 0) when none is left."""
    return await (await _repo(settings, uow)).erase_youth_before(cutoff(settings), batch)


async def erase_rest(settings: Settings, uow: UnitOfWork, now: datetime, erased: tuple[int, int]) -> int:
    """After the youth: the rest of the expired data, and one audit line with the counts."""
    questions = await (await _repo(settings, uow)).erase_rest_before(cutoff(settings))
    youth, theirs = erased
    if youth or questions or theirs:
        detail = f"{youth} youth, {theirs + questions} questions erased (retention)"
        if settings.key != campaigns.PRIMARY:
            detail += f" of {settings.key}"
        await uow.admin.audit(SYSTEM, SYSTEM, "retention", now, detail=detail)
    return questions
