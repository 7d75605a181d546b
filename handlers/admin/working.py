"""The campaign a staff chat works on: their own, or for the province's admins the one they selected.

The selection is kept per chat in a pending-input row of its own (`campaign|<chat>`, kind
"campaign"), so it survives restarts and is shared by every worker without a new table; the chat's
real pending input (an awaited answer, an import file) lives under the chat's own key beside it.
"""

import logging
from datetime import datetime

from handlers import campaigns
from handlers.admin.roles import Actor
from handlers.settings import Settings
from storage import UnitOfWork

log = logging.getLogger(__name__)

SELECTION = "campaign"


def selection_key(chat_key: str) -> str:
    """The pending-input key holding a chat's selected campaign."""
    return f"{SELECTION}|{chat_key}"


async def selected(uow: UnitOfWork, chat_key: str) -> str | None:
    """The campaign key this chat selected with /chien_dich KEY, if any."""
    row = await uow.admin.pending(selection_key(chat_key))
    if row is None or row.kind != SELECTION:
        return None
    key = row.payload.get("key")
    return key if isinstance(key, str) else None


async def select(uow: UnitOfWork, chat_key: str, key: str, now: datetime) -> None:
    """Remember the campaign a province admin's chat works on (the province's: forget the choice)."""
    if key == campaigns.PRIMARY:
        await uow.admin.clear_pending(selection_key(chat_key))
    else:
        await uow.admin.set_pending(selection_key(chat_key), SELECTION, {"key": key}, now)


async def settings_for(province: Settings, uow: UnitOfWork, actor: Actor, chat_key: str) -> Settings:
    """The settings of the campaign `actor` works on (`province`: the province's effective settings).

    A local campaign's staff: theirs. The province's admins: the one their chat selected, else the
    province's (a selected campaign that is gone falls back to the province's). Anyone else: the
    province's."""
    key = await selected(uow, chat_key) if actor.province_wide else actor.campaign
    if key is None or key == campaigns.PRIMARY:
        return province
    found = await campaigns.of(province, uow, key)
    if found is None:
        log.info("the campaign %s is gone: back to the province's", key)
    return found or province
