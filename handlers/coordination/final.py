"""The final export: the morning after a campaign's last on-time day, the consolidated .xlsx (and
chart) of its questions to those who consolidate them."""

import asyncio
from collections.abc import Collection, Sequence
from datetime import datetime

from handlers.admin.roles import admins
from handlers.coordination import texts
from handlers.coordination.digest import digest_files
from handlers.coordination.export import rows_for
from handlers.coordination.naming import is_local, named, stamped
from handlers.scope import Coordinator, Scope, covers, receives_final_export, within
from handlers.settings import Settings
from handlers.types import Address, Attachment, Reply
from storage import UnitOfWork


async def final_exports(
    settings: Settings, uow: UnitOfWork, now: datetime, people: Sequence[Coordinator], consolidator: str,
    channels: Collection[str],
) -> list[Reply]:
    """The export of `settings`' campaign for each of its coordinators scoped "all" or listing the
    consolidator, and for a local campaign its own admins too (they organise its dialogue; the
    province's admins when nobody else would get it)."""
    recipients = {p.address: p.label for p in people if receives_final_export(p.scope, consolidator)}
    if is_local(settings):
        reachable = [a for a in await admins(settings, uow) if a.address.channel in channels]
        own = [a for a in reachable if a.campaign == settings.key]
        for admin in own if own or recipients else reachable:
            recipients.setdefault(admin.address, admin.label)  # a chat both coordinator and admin: once
    if not recipients:
        return []
    campaign = within(Scope.all(), settings.key)
    questions = [q for q in await uow.questions.all() if covers(campaign, q)]
    rows = rows_for(settings, questions)
    stamp = stamped(settings, now.astimezone(settings.campaign.zone).strftime("%Y%m%d-%H%M"))
    files = await asyncio.to_thread(digest_files, settings, Scope.all(), questions, rows, stamp)
    deadline = settings.campaign.deadline_date.strftime("%d/%m/%Y")
    late = sum(r.late for r in rows)
    return [_reply(settings, address, name, deadline, len(rows), late, files) for address, name in recipients.items()]


def _reply(settings: Settings, address: Address, name: str, deadline: str, total: int, late: int,
           files: tuple[Attachment, ...]) -> Reply:
    text = texts.FINAL_EXPORT.format(deadline=deadline, name=name, total=total, late=late)
    return Reply(named(settings, text), address=address, attachments=files)
