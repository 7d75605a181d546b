"""/chien_dich: the working campaign's dates, shown; admins change them; the province's admins
see every campaign and switch between them (handlers/admin/working.py keeps the choice)."""

from datetime import date, datetime

from handlers import campaigns
from handlers.admin import texts, working
from handlers.admin.args import parse_date, parse_pairs
from handlers.admin.context import Act, notify
from handlers.admin.roles import ADMIN
from handlers.campaigns import effective_settings, with_dates as _apply
from handlers.settings import Campaign, Settings
from handlers.types import Button
from storage import Question

SWITCH = "adm:camp:"  # + the campaign key: the province's admins' campaign picker


def countdown(campaign: Campaign, now: datetime) -> str:
    """Days left until the deadline, in Vietnamese."""
    today = now.astimezone(campaign.zone).date()
    days = (campaign.deadline_date - today).days
    values = {
        "deadline": campaign.deadline_date.strftime("%d/%m/%Y"),
        "dialogue": campaign.dialogue_date.strftime("%d/%m/%Y"),
    }
    if days > 0:
        return texts.COUNTDOWN_LEFT.format(days=days, **values)
    if days == 0:
        return texts.COUNTDOWN_TODAY.format(**values)
    return texts.COUNTDOWN_PAST.format(days=-days, **values)


async def show(act: Act) -> None:
    """/chien_dich [MÃ] [ngay=…] [han=…]: show the working campaign; admins change its dates; the
    province's admins also see every campaign and select one."""
    args = act.msg.args.strip()
    if args and "=" not in args:
        await _switch(act, args)
        return
    if args:
        if act.actor.role != ADMIN:
            await act.audit("chien_dich", detail="change refused", allowed=False)
            act.say(texts.FORBIDDEN)
            return
        if not await _change(act):
            return
    await _describe(act)


async def _describe(act: Act) -> None:
    """The working campaign; for the province's admins, the list of campaigns with a picker."""
    questions = await act.uow.questions.all()
    mine = [q for q in questions if q.campaign == act.settings.key]
    campaign = act.settings.campaign
    override = await act.uow.admin.campaign_override() if act.settings.key == campaigns.PRIMARY else None
    text = texts.CAMPAIGN.format(
        name=campaign.name,
        dialogue=campaign.dialogue_date.strftime("%d/%m/%Y"),
        changed=texts.CAMPAIGN_CHANGED if override is not None else "",
        deadline=campaign.deadline_date.strftime("%d/%m/%Y"),
        days=campaign.deadline_days_before,
        **campaigns.tally(mine),
    ) + "\n" + countdown(campaign, act.now)
    if act.settings.key != campaigns.PRIMARY:
        text = texts.CAMPAIGN_KEY.format(key=act.settings.key) + "\n" + text
    if not act.actor.province_wide:
        act.say(text)
        return
    every = await campaigns.every(act.settings.province, act.uow)
    if len(every) == 1:  # one campaign: exactly as before several campaigns existed
        act.say(text)
        return
    grouped = campaigns.by_campaign(questions)
    lines = [text, "", texts.CAMPAIGN_LIST_HEAD]
    for key, one in every.items():
        lines.append(_line(one, grouped.get(key, []), key == act.settings.key))
    lines.append(texts.CAMPAIGN_SWITCH_HINT)
    act.say("\n".join(lines), _picker(every))


def _line(one: Settings, questions: list[Question], current: bool) -> str:
    campaign = one.campaign
    return texts.CAMPAIGN_LINE.format(
        mark=texts.CAMPAIGN_CURRENT if current else "•", key=one.key, name=campaign.name,
        dialogue=campaign.dialogue_date.strftime("%d/%m/%Y"), deadline=campaign.deadline_date.strftime("%d/%m/%Y"),
        **campaigns.tally(questions),
    )


def _picker(every: dict[str, Settings]) -> tuple[tuple[Button, ...], ...]:
    """One button per campaign, labelled with its key (typed on Zalo: its number or its key)."""
    buttons = [Button(key, SWITCH + key) for key in every]
    return tuple(tuple(buttons[i:i + 2]) for i in range(0, len(buttons), 2))


async def switch_button(act: Act, data: str) -> None:
    """adm:camp:KEY — the picker of /chien_dich."""
    await _switch(act, data[len(SWITCH):])


async def _switch(act: Act, typed: str) -> None:
    """Select the campaign the chat works on (the province's admins only)."""
    if not act.actor.province_wide and typed.strip().lower() == act.settings.key:
        await _describe(act)  # their own campaign: nothing to switch
        return
    if not act.actor.province_wide:
        await act.audit("chien_dich", detail="switch refused", allowed=False)
        act.say(texts.CAMPAIGN_SWITCH_FORBIDDEN)
        return
    every = await campaigns.every(act.settings.province, act.uow)
    key = typed.strip().lower()
    if key not in every:
        act.say(texts.CAMPAIGN_UNKNOWN.format(key=typed.strip()[:32], keys=", ".join(every)))
        return
    await working.select(act.uow, act.chat_key, key, act.now)
    act.settings = every[key]
    await act.audit("chien_dich", detail=f"working on {key}")
    act.say(texts.CAMPAIGN_SWITCHED.format(name=act.settings.campaign.name, key=key))
    await _describe(act)


async def _change(act: Act) -> bool:
    """Apply ngay=/han= to the working campaign; False (after saying why) when it cannot be."""
    pairs, rest = parse_pairs(act.msg.args)
    dialogue: date | None = None
    days: int | None = None
    for key, value in pairs.items():
        if key == "ngay" and (parsed := parse_date(value)) is not None:
            dialogue = parsed
        elif key == "han" and value.isdigit() and 0 <= int(value) <= 365:
            days = int(value)
        else:
            act.say(texts.CAMPAIGN_BAD.format(item=f"{key}={value}") + "\n" + texts.USAGE.format(usage=texts.CAMPAIGN_USAGE))
            return False
    if rest or (dialogue is None and days is None):
        act.say(texts.USAGE.format(usage=texts.CAMPAIGN_USAGE))
        return False
    if act.settings.key == campaigns.PRIMARY:
        await act.uow.admin.set_campaign_override(dialogue, days, str(act.actor.address), act.now)
        act.settings = _apply(act.settings, dialogue, days)
    elif not await _change_local(act, dialogue, days):
        return False
    await act.audit("chien_dich", detail=f"{act.settings.key} dialogue={dialogue} days={days}")
    campaign = act.settings.campaign  # the scheduler moves the reminders, once the change is committed
    act.uow.after_commit(lambda: notify(act.seams.campaign_listeners, campaign))
    act.say(texts.CAMPAIGN_DONE)
    return True


async def _change_local(act: Act, dialogue: date | None, days: int | None) -> bool:
    """A stored local campaign: stored again with the new dates (validated by campaigns.create);
    one from config.yaml is changed in the file only."""
    province = act.settings.province
    if any(spec.key == act.settings.key for spec in province.campaigns):
        await act.audit("chien_dich", detail=f"{act.settings.key} is in config.yaml", allowed=False)
        act.say(texts.CAMPAIGN_IN_FILE)
        return False
    found = [s for s in await campaigns.specs(province, act.uow) if s.key == act.settings.key]
    if not found:
        act.say(texts.CAMPAIGN_GONE)
        return False
    raw = found[0].model_dump(mode="json")
    if dialogue is not None:
        raw["dialogue_date"] = dialogue.isoformat()
    if days is not None:
        raw["deadline_days_before"] = days
    spec, problems = await campaigns.create(province, act.uow, raw, str(act.actor.address), act.now, replace=True)
    if spec is None:
        act.say(texts.CAMPAIGN_REFUSED.format(reasons="\n".join(f"• {p}" for p in problems)))
        return False
    act.settings = province.for_campaign(spec)
    return True


__all__ = ["countdown", "effective_settings", "show", "switch_button"]
