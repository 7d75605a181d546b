"""/chien_dich: the campaign's dates, shown; admins change them."""

from datetime import date, datetime

from handlers.admin import texts
from handlers.admin.args import parse_date, parse_pairs
from handlers.admin.context import Act, notify
from handlers.campaigns import effective_settings, with_dates as _apply
from handlers.settings import Campaign


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
    """/chien_dich [ngay=…] [han=…]: show the campaign; admins change it."""
    if act.msg.args.strip():
        if act.actor.role != "admin":
            await act.audit("chien_dich", detail="change refused", allowed=False)
            act.say(texts.FORBIDDEN)
            return
        if not await _change(act):
            return
    campaign = act.settings.campaign
    questions = await act.uow.questions.all()
    override = await act.uow.admin.campaign_override()
    act.say(
        texts.CAMPAIGN.format(
            name=campaign.name,
            dialogue=campaign.dialogue_date.strftime("%d/%m/%Y"),
            changed=texts.CAMPAIGN_CHANGED if override is not None else "",
            deadline=campaign.deadline_date.strftime("%d/%m/%Y"),
            days=campaign.deadline_days_before,
            total=len(questions),
            late=sum(q.late for q in questions),
            answered=sum(q.status == "answered" for q in questions),
        )
        + "\n"
        + countdown(campaign, act.now)
    )


async def _change(act: Act) -> bool:
    """Apply ngay=/han=; False (after saying why) when an argument is wrong."""
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
    await act.uow.admin.set_campaign_override(dialogue, days, str(act.actor.address), act.now)
    act.settings = _apply(act.settings, dialogue, days)
    await act.audit("chien_dich", detail=f"dialogue={dialogue} days={days}")
    notify(act.seams.campaign_listeners, act.settings.campaign)  # the scheduler moves the reminders
    act.say(texts.CAMPAIGN_DONE)
    return True


__all__ = ["countdown", "effective_settings", "show"]
