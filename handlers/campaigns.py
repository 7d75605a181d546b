"""The one registry of campaigns: the province's (config.yaml's `campaign:`, key "tinh") and the
local ones (the file's `campaigns:`, then those admins created, stored in the database).

Every reader asks here: the conversation (which campaign a youth is in, deep links), staff roles
and scopes, the scheduler's jobs, the desk and the public page. A local campaign's settings are
the province's with its own name, dates, receipt prefix, units and people (Settings.for_campaign).
"""

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import ValidationError

from handlers.settings import CampaignSpec, Settings, campaign_conflicts
from storage import Question, UnitOfWork
from storage.models import PRIMARY_CAMPAIGN

log = logging.getLogger(__name__)

PRIMARY = PRIMARY_CAMPAIGN


async def effective_settings(settings: Settings, uow: UnitOfWork) -> Settings:
    """The province's settings with the admins' stored change to its dialogue date or deadline rule."""
    if settings.key != PRIMARY:  # that change is the province's; a local campaign's dates are its spec's
        return settings
    override = await uow.admin.campaign_override()
    if override is None:
        return settings
    return with_dates(settings, override.dialogue_date, override.deadline_days_before)


def with_dates(settings: Settings, dialogue: date | None, days: int | None) -> Settings:
    """The settings with a new dialogue date and/or deadline rule (model_copy skips validation)."""
    changes: dict[str, object] = {}
    if dialogue is not None:
        changes["dialogue_date"] = dialogue
    if days is not None:
        changes["deadline_days_before"] = days
    return settings.model_copy(update={"campaign": settings.campaign.model_copy(update=changes)})


@dataclass(frozen=True)
class _Known:
    """The local campaigns as last read, validated once: every message asks (roles, the conversation)."""

    sources: tuple[object, ...]  # what they were built from, held so no id() below is reused
    specs: tuple[CampaignSpec, ...]
    by_key: dict[str, CampaignSpec]
    staff: dict[tuple[str, str], CampaignSpec]  # (channel, chat_id) of a configured person → their campaign


_known: dict[tuple[int, ...], _Known] = {}


async def _local(settings: Settings, uow: UnitOfWork) -> _Known:
    """The file's local campaigns, then the stored ones, validated and indexed once per read of the
    table (the Store keeps that read a few seconds, so a message usually costs one dict lookup)."""
    rows = await uow.admin.stored_campaigns()
    sources = (rows, settings.campaigns, settings.units, settings.campaign.receipt_prefix)  # shared by copies
    cache_key = tuple(id(source) for source in sources)
    known = _known.get(cache_key)
    if known is not None:
        return known
    found = list(settings.campaigns)
    for row in rows:
        try:
            spec = CampaignSpec.model_validate(row.spec)
        except ValidationError as exc:
            log.error("stored campaign %s is not valid any more: left out (%s)", row.key, exc.errors()[:1])
            continue
        problems = campaign_conflicts(settings, found, spec)
        if problems:
            log.error("stored campaign %s clashes with the configuration: left out (%s)", row.key, "; ".join(problems))
            continue
        found.append(spec)
    staff = {(p.channel, p.chat_id): spec for spec in reversed(found) for p in (*spec.roles.admins, *spec.roles.coordinators)}
    if len(_known) > 8:  # a new read of the table every few seconds: keep the last few
        _known.clear()
    known = _known[cache_key] = _Known(sources, tuple(found), {spec.key: spec for spec in found}, staff)
    return known


async def specs(settings: Settings, uow: UnitOfWork) -> list[CampaignSpec]:
    """The local campaigns: the file's, then the stored ones (a stored one that no longer validates
    against the file, e.g. its prefix was given to a new file campaign, is logged and left out)."""
    return list((await _local(settings, uow)).specs)


async def several(settings: Settings, uow: UnitOfWork) -> bool:
    """Whether any local campaign runs beside the province's (receipts and help then name campaigns);
    cheaper than `every`, which builds each campaign's settings."""
    return bool((await _local(settings, uow)).specs)


async def staff_campaign(settings: Settings, uow: UnitOfWork, channel: str, chat_id: str) -> Settings | None:
    """The local campaign whose configured admins or coordinators include this chat, if any."""
    spec = (await _local(settings, uow)).staff.get((channel, chat_id))
    return None if spec is None else (await effective_settings(settings, uow)).for_campaign(spec)


async def every(settings: Settings, uow: UnitOfWork) -> dict[str, Settings]:
    """Each campaign's settings by key: the province's first (with the admins' date change)."""
    province = await effective_settings(settings, uow)
    found = {PRIMARY: province}
    for spec in await specs(settings, uow):
        found[spec.key] = province.for_campaign(spec)
    return found


async def of(settings: Settings, uow: UnitOfWork, key: str | None) -> Settings | None:
    """One campaign's settings (None or "tinh": the province's); None when no campaign has that key."""
    if key is None or key == PRIMARY:
        return await effective_settings(settings, uow)
    spec = (await _local(settings, uow)).by_key.get(key)
    return None if spec is None else (await effective_settings(settings, uow)).for_campaign(spec)


def is_open(campaign: Settings, now: datetime) -> bool:
    """Whether youth may still send questions to it: until its dialogue day (late ones are flagged)."""
    return now.astimezone(campaign.campaign.zone).date() <= campaign.campaign.dialogue_date


def open_ones(campaigns: dict[str, Settings], now: datetime) -> list[Settings]:
    """The campaigns taking questions now, the province's first, then by dialogue date."""
    found = [c for c in campaigns.values() if is_open(c, now)]
    return sorted(found, key=lambda c: (c.key != PRIMARY, c.campaign.dialogue_date, c.key))


def by_campaign(questions: Iterable[Question]) -> dict[str, list[Question]]:
    """The questions grouped by their campaign's key, in the order given."""
    grouped: dict[str, list[Question]] = {}
    for question in questions:
        grouped.setdefault(question.campaign, []).append(question)
    return grouped


def tally(questions: Sequence[Question]) -> dict[str, int]:
    """The counts every per-campaign line shows (/chien_dich, /thongke tatca, the desk's overview):
    total, on_time, late and answered, answered counted as /thongke counts it."""
    late = sum(q.late for q in questions)
    return {"total": len(questions), "on_time": len(questions) - late, "late": late,
            "answered": sum(q.status == "answered" for q in questions)}


def parse_link(payload: str, campaigns: dict[str, Settings]) -> tuple[str | None, str | None]:
    """(campaign key, unit code) of a deep link's payload: `KEY`, `KEY-UNIT` or a province `UNIT`.

    A campaign key never equals a province unit code (campaign_conflicts), so `/start KESACH`
    printed on last year's posters still means the province's unit. A unit the campaign does not
    have is dropped (the youth then picks one)."""
    word = payload.strip()
    if not word:
        return None, None
    lowered = word.lower()
    if lowered in campaigns:
        return lowered, None
    head, sep, tail = word.partition("-")
    if sep and head.lower() in campaigns:
        campaign = campaigns[head.lower()]
        unit = campaign.unit(tail)
        return head.lower(), unit.code if unit is not None else None
    unit = campaigns[PRIMARY].unit(word) if PRIMARY in campaigns else None
    return (PRIMARY, unit.code) if unit is not None else (None, None)


# What an admin reads when a new or changed campaign is refused (the command and the desk both).
FIELD_NAMES = {
    "key": "mã chiến dịch (2–16 chữ thường không dấu và số, bắt đầu bằng chữ)",
    "name": "tên", "theme": "chủ đề", "organizer": "đơn vị tổ chức",
    "dialogue_date": "ngày đối thoại (dd/mm/yyyy)", "deadline_days_before": "số ngày hạn trước đối thoại (0–365)",
    "receipt_prefix": "tiền tố mã câu hỏi (2–12 chữ in hoa không dấu và số)", "units": "đơn vị", "roles": "người phụ trách",
}
CONFLICTS = {
    "is taken": "đã được dùng", "unit code of the province": "trùng mã một đơn vị của tỉnh",
    "unit codes repeat": "mã đơn vị bị lặp",
}


def _vietnamese(problem: str) -> str:
    """A conflict from campaign_conflicts, in words an admin reads."""
    subject = "Mã chiến dịch" if problem.startswith("key") else "Tiền tố mã câu hỏi" if problem.startswith("receipt") else "Đơn vị"
    reason = next((v for k, v in CONFLICTS.items() if k in problem), problem)
    return f"{subject}: {reason}"


TAKEN = "Mã chiến dịch: đã được dùng"
IN_FILE = "Chiến dịch này khai báo trong config.yaml: sửa trong tệp cấu hình"


async def create(settings: Settings, uow: UnitOfWork, raw: dict[str, object], by: str, now: datetime,
                 *, replace: bool = False) -> tuple[CampaignSpec | None, list[str]]:
    """Validate and store a new local campaign (`replace`: change a stored one under its key): the
    spec, or the Vietnamese reasons it was refused. Validated exactly as the file's `campaigns:` are;
    the caller audits and tells the scheduler once committed (Seams.campaign_listeners)."""
    try:
        spec = CampaignSpec.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            problems.append(f"Sai {FIELD_NAMES.get(field, field or 'dữ liệu')}")
        return None, list(dict.fromkeys(problems))
    if spec.key in {s.key for s in settings.campaigns}:
        return None, [IN_FILE if replace else TAKEN]
    known = await specs(settings, uow)
    if not replace and any(s.key == spec.key for s in known):  # creating never replaces a campaign
        return None, [TAKEN]
    problems = [_vietnamese(p) for p in campaign_conflicts(settings, [s for s in known if s.key != spec.key], spec)]
    if problems:
        return None, problems
    await uow.admin.save_campaign(spec.key, spec.model_dump(mode="json"), by, now)
    return spec, []


def parse_units(text: str) -> tuple[list[dict[str, object]], list[str]]:
    """Units typed as `MÃ:Tên[:chỉ tiêu]`, one a line or separated by commas (the desk's form and
    /tao_chien_dich): the units, and the items that are not of that form."""
    units: list[dict[str, object]] = []
    bad: list[str] = []
    for item in (i.strip() for i in re.split(r"[\n,]", text)):
        if not item:
            continue
        parts = [part.strip() for part in item.split(":")]
        allocation = parts[2] if len(parts) == 3 else "0"
        if len(parts) not in (2, 3) or not parts[0] or not parts[1] or not allocation.isdigit():
            bad.append(item[:60])
            continue
        units.append({"code": parts[0].upper(), "name": parts[1], "allocation": int(allocation)})
    return units, bad


def links(key: str, web_base: str | None, units: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(kind, link) a campaign is reached by: `start` (typed or sent by Telegram and Zalo), `web`
    (the web chat), `public` (its published answers), `unit:CODE` (a unit's own). The province's
    are the links printed before there were several campaigns."""
    root = (web_base or "").rstrip("/")
    if key == PRIMARY:
        return [("start", "/start")] + ([("web", f"{root}/"), ("public", f"{root}/cong-khai")] if root else [])
    found = [("start", f"/start {key}")]
    if root:
        found += [("web", f"{root}/?campaign={key}"), ("public", f"{root}/cong-khai/{key}")]
    found += [(f"unit:{code}", f"/start {key}-{code}" + (f" · {root}/?campaign={key}&unit={code}" if root else ""))
              for code in units]
    return found
