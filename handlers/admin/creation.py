"""/tao_chien_dich: the province's admins create a local campaign, typed as key=value pairs and
validated by handlers.campaigns.create (the one validation, shared with the staff desk)."""

import logging

from handlers import campaigns
from handlers.admin import texts
from handlers.admin.args import parse_date, parse_fields
from handlers.admin.context import Act, notify

log = logging.getLogger(__name__)

# What the admin types -> the CampaignSpec field.
FIELDS = {
    "ma": "key", "ten": "name", "ngay": "dialogue_date", "han": "deadline_days_before",
    "tien_to": "receipt_prefix", "chu_de": "theme", "to_chuc": "organizer", "don_vi": "units",
}


async def create_command(act: Act) -> None:
    """/tao_chien_dich ma=… ten=… ngay=… han=… tien_to=… [chu_de=…] [to_chuc=…] [don_vi=…]."""
    if not act.actor.province_wide:  # the desk's tools call this too: checked here as well
        await act.audit("tao_chien_dich", detail="not a province admin", allowed=False)
        act.say(texts.FORBIDDEN)
        return
    fields, before = parse_fields(act.msg.args)
    if not fields:
        act.say(texts.USAGE.format(usage=texts.CREATE_USAGE))
        return
    unknown = [before] if before else [f"{k}=" for k in fields if k not in FIELDS]
    if unknown:
        log.info("/tao_chien_dich: not a field (%d characters)", len(unknown[0]))
        act.say(texts.CREATE_UNKNOWN_KEY.format(item=unknown[0][:40]) + "\n" + texts.USAGE.format(usage=texts.CREATE_USAGE))
        return
    raw = _raw(fields)
    if raw is None:
        act.say(texts.CREATE_BAD_UNIT.format(item=fields["don_vi"][:60]))
        return
    province = act.settings.province
    spec, problems = await campaigns.create(province, act.uow, raw, str(act.actor.address), act.now)
    if spec is None:
        await act.audit("tao_chien_dich", detail="; ".join(problems)[:300], allowed=False)
        act.say(texts.CREATE_REFUSED.format(reasons="\n".join(f"• {p}" for p in problems)))
        return
    created = province.for_campaign(spec)
    await act.audit("tao_chien_dich", detail=f"{spec.key} {spec.receipt_prefix} {spec.dialogue_date}")
    campaign = created.campaign  # reminders and digests without a restart, once it is committed
    act.uow.after_commit(lambda: notify(act.seams.campaign_listeners, campaign))
    base = act.seams.desk_url() if act.seams.desk_url is not None else None
    campaign = created.campaign
    act.say(texts.CREATE_DONE.format(
        name=campaign.name, key=spec.key, dialogue=campaign.dialogue_date.strftime("%d/%m/%Y"),
        deadline=campaign.deadline_date.strftime("%d/%m/%Y"), prefix=campaign.receipt_prefix,
        units=", ".join(u.code for u in created.units),
        web=dict(campaigns.links(spec.key, base)).get("web") or texts.CREATE_WEB_PATH.format(key=spec.key),
    ))


def _raw(fields: dict[str, str]) -> dict[str, object] | None:
    """The typed fields as a CampaignSpec's raw data (validated by create); None: bad units."""
    raw: dict[str, object] = {FIELDS[k]: v for k, v in fields.items() if k != "don_vi"}
    if "key" in raw:
        raw["key"] = str(raw["key"]).lower()
    if "receipt_prefix" in raw:
        raw["receipt_prefix"] = str(raw["receipt_prefix"]).upper()
    if "dialogue_date" in raw and (day := parse_date(str(raw["dialogue_date"]))) is not None:
        raw["dialogue_date"] = day.isoformat()
    if "don_vi" in fields:
        units, bad = campaigns.parse_units(fields["don_vi"])
        if bad or not units:
            return None
        raw["units"] = units
    return raw
