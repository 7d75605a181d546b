"""/thongbao: an announcement to youth (all, or one unit), previewed, then handed to the Announcer."""

import re

from handlers.admin import texts
from handlers.admin.args import parse_pairs
from handlers.admin.context import Act
from handlers.campaigns import PRIMARY
from handlers.types import Address, Button, Reply
from storage import UnitOfWork
from storage.announcements import STARTED  # the audit action; its code is the run's occurrence

PENDING_ANNOUNCE = "announce"
ALL, PREVIEW = "all", 120
_STARTED = re.compile(r"unit=(\S+) to (\d+): (.*)", re.DOTALL)


async def recipients(uow: UnitOfWork, unit_code: str | None, campaign: str = PRIMARY) -> list[Address]:
    """Youth to reach: taking part in `campaign` now, consented, reachable, not blocked, optionally of one unit."""
    blocked = await uow.admin.blocked_chats()
    return [
        Address(y.channel, y.chat_id)
        for y in await uow.admin.youth_list(unit_code)
        if y.campaign == campaign and y.reachable and (y.channel, y.chat_id) not in blocked
    ]


async def preview(act: Act) -> None:
    """/thongbao [don_vi=CODE] text: show what will be sent and to how many, with Send/Cancel."""
    pairs, _rest = parse_pairs(act.msg.args)
    unit = None
    if "don_vi" in pairs:
        unit = act.settings.unit(pairs["don_vi"])
        if unit is None:
            act.say(texts.ANNOUNCE_UNKNOWN_UNIT.format(unit=pairs["don_vi"][:32]))
            return
    body = " ".join(w for w in act.msg.args.split() if not w.lower().startswith("don_vi=")).strip()
    if not body:
        act.say(texts.USAGE.format(usage=texts.ANNOUNCE_USAGE))
        return
    count = len(await recipients(act.uow, unit.code if unit else None, act.settings.key))
    previous = await act.uow.admin.pending(act.chat_key)
    n = int(previous.payload.get("n", 0)) + 1 if previous and previous.kind == PENDING_ANNOUNCE else 1
    payload = {"n": n, "text": body, "unit": unit.code if unit else None, "campaign": act.settings.key}
    await act.uow.admin.set_pending(act.chat_key, PENDING_ANNOUNCE, payload, act.now)
    act.say(
        texts.ANNOUNCE_PREVIEW.format(count=count, target=_target(act, unit.name if unit else texts.ANNOUNCE_ALL), text=body),
        ((Button(texts.BTN_SEND, f"adm:ann:yes:{n}"), Button(texts.BTN_CANCEL, f"adm:ann:no:{n}")),),
    )


def _target(act: Act, who: str) -> str:
    """Whom the preview names: a local campaign's youth are named with their campaign."""
    if act.settings.key == PRIMARY:
        return who
    return texts.ANNOUNCE_IN_CAMPAIGN.format(target=who, name=act.settings.campaign.name)


async def confirm_button(act: Act, data: str) -> None:
    """adm:ann:yes|no:N — only the current preview of this admin counts."""
    pending = await act.uow.admin.pending(act.chat_key)
    parts = data.split(":")
    if pending is None or pending.kind != PENDING_ANNOUNCE or len(parts) != 4 or parts[3] != str(pending.payload.get("n")):
        act.say(texts.STALE)
        return
    await act.uow.admin.clear_pending(act.chat_key)
    if parts[2] != "yes":
        act.say(texts.ANNOUNCE_CANCELLED)
        return
    if act.seams.announcer is None:
        act.say(texts.ANNOUNCE_UNAVAILABLE)
        return
    payload = pending.payload
    addresses = await recipients(act.uow, payload.get("unit"), str(payload.get("campaign") or PRIMARY))
    run = act.seams.announcer.submit(addresses, Reply(text=str(payload["text"])))
    await act.audit(STARTED, code=run, detail=started_detail(payload.get("unit"), len(addresses), str(payload["text"])))
    act.say(texts.ANNOUNCE_SENT.format(count=len(addresses)))


def started_detail(unit: str | None, count: int, text: str) -> str:
    """The audit detail of a started run (the desk's announcements page reads it back)."""
    return f"unit={unit or ALL} to {count}: {text[:PREVIEW]}"


def parse_started(detail: str) -> tuple[str | None, int, str]:
    """(unit or None for all, recipients, the text's beginning) of an audit detail; unknown parts empty."""
    found = _STARTED.match(detail)
    if found is None:
        return None, 0, detail
    unit = found.group(1)
    return (None if unit == ALL else unit), int(found.group(2)), found.group(3)
