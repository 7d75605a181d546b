"""The desk's campaigns: which one a page works on, the province-wide overview, and «Tạo chiến dịch».

The desk works on one campaign at a time, by the chat's rule: a local campaign's staff work on
theirs only; the province's admins choose (the `chien_dich` link parameter; a question's page is
its question's campaign). The page's Act then carries that campaign's settings and the person's
scope narrowed to it (handlers/scope.within), so every list, export and action is the campaign's.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from handlers import campaigns
from handlers.admin.args import parse_date
from handlers.admin.context import Act
from handlers.admin.roles import ADMIN, Actor, admins
from handlers.desk import texts
from handlers.scope import coordinators, within
from handlers.settings import CampaignSpec, Settings
from storage import Question, UnitOfWork

CHOICE = "chien_dich"  # the link parameter naming the campaign a province admin works on
FORM_FIELDS = ("key", "name", "theme", "dialogue_date", "deadline_days_before", "receipt_prefix", "units")
MAX_UNITS = 200
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Where:
    """The campaign a desk page works on, and those its person may switch to (empty: no switcher)."""

    key: str
    name: str
    choices: tuple[tuple[str, str], ...] = ()  # (key, name), the province's first
    wide: bool = False  # the province's admins: the overview of every campaign and «Tạo chiến dịch»

    def params(self) -> dict[str, str]:
        """The link parameter keeping this campaign on the next page (none for the province's)."""
        return {CHOICE: self.key} if self.choices and self.key != campaigns.PRIMARY else {}


@dataclass(frozen=True)
class Chosen:
    """The outcome of choosing: the campaign's settings and the person narrowed to it, or a refusal."""

    settings: Settings | None
    actor: Actor
    where: Where | None
    refused: str = ""  # "unknown" (404) or "forbidden" (403)


async def choose(province: Settings, uow: UnitOfWork, actor: Actor, wanted: str | None,
                 question: Question | None = None) -> Chosen:
    """The campaign of a desk page: the question's, else `wanted`, else the person's own."""
    if not actor.province_wide:  # a local campaign's staff (or the province's coordinators): their campaign only
        if wanted and wanted != actor.campaign:
            return Chosen(None, actor, None, "forbidden")
        own = await campaigns.of(province, uow, actor.campaign)
        if own is None:
            return Chosen(None, actor, None, "unknown")
        return Chosen(own, actor, Where(own.key, own.campaign.name))
    every = await campaigns.every(province, uow)
    key = question.campaign if question is not None else (wanted or campaigns.PRIMARY)
    found = every.get(key)
    if found is None:
        log.info("desk: no campaign %r to choose", key[:32])
        return Chosen(None, actor, None, "unknown")
    narrowed = replace(actor, scope=within(actor.scope, key), campaign=key)
    choices = tuple((k, s.campaign.name) for k, s in every.items()) if len(every) > 1 else ()
    wide = actor.role == ADMIN
    return Chosen(found, narrowed, Where(key, found.campaign.name, choices, wide))


async def own_staff(act: Act, real: Actor) -> set[str] | None:
    """Whose audit lines and announcements the admin pages show ("channel:chat_id"): the page's
    campaign's own admins and coordinators; None (everyone's) for the province's admins on the
    province's campaign, as before there were several. Those rows name no campaign, so their
    author decides."""
    if real.province_wide and act.settings.key == campaigns.PRIMARY:
        return None
    people = [a.address for a in await admins(act.settings, act.uow) if a.campaign == act.settings.key]
    people += [c.address for c in await coordinators(act.settings, act.uow)]
    return {str(address) for address in people}


def mine(code: str | None, actor: str, settings: Settings, staff: set[str]) -> bool:
    """Whether an audit line belongs to the campaign: its question's, or its staff's own line naming none."""
    return (code or "").startswith(settings.campaign.receipt_prefix + "-") or (not code and actor in staff)


@dataclass(frozen=True)
class Row:
    """One campaign on the province-wide overview."""

    key: str
    name: str
    dialogue: str
    deadline: str
    questions: int
    late: int
    answered: int
    is_open: bool


async def rows(uow: UnitOfWork, province: Settings, now: datetime) -> list[Row]:
    """Every campaign with its counts, the province's first (the overview's table)."""
    every = await campaigns.every(province, uow)
    counted = campaigns.by_campaign(await uow.questions.all())
    found = []
    for key, settings in every.items():
        counts, campaign = campaigns.tally(counted.get(key, [])), settings.campaign
        found.append(Row(
            key=key, name=campaign.name, dialogue=campaign.dialogue_date.strftime("%d/%m/%Y"),
            deadline=campaign.deadline_date.strftime("%d/%m/%Y"), questions=counts["total"],
            late=counts["late"], answered=counts["answered"], is_open=campaigns.is_open(settings, now),
        ))
    return found


async def overview(act: Act, real: Actor) -> list[Row] | None:
    """The province-wide overview (None for anyone but the province's admins, audited)."""
    if not (real.province_wide and real.role == ADMIN):
        await act.audit("desk_chien_dich", allowed=False)
        return None
    found = await rows(act.uow, act.settings.province, act.now)
    await act.audit("desk_chien_dich", detail=f"{len(found)} campaigns")
    return found


LINK_LABELS = {"start": texts.LINK_TELEGRAM, "web": texts.LINK_WEB, "public": texts.LINK_PUBLIC}


def deep_links(key: str, base: str | None, units: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(label, link) a campaign is reached by (handlers.campaigns.links), labelled for the desk."""
    return [(LINK_LABELS.get(kind) or texts.LINK_UNIT.format(unit=kind.partition(":")[2]), link)
            for kind, link in campaigns.links(key, base, units[:20])]


def units_of(text: str) -> tuple[list[dict[str, object]], list[str]]:
    """The form's units (handlers.campaigns.parse_units); the reasons an item is refused."""
    units, bad = campaigns.parse_units(text)
    problems = [texts.CREATE_BAD_UNIT.format(item=item) for item in bad]
    if len(units) > MAX_UNITS:
        problems.append(texts.CREATE_TOO_MANY_UNITS.format(count=MAX_UNITS))
    return units, problems


def raw_spec(form: Mapping[str, str]) -> tuple[dict[str, object], list[str]]:
    """The typed form as a campaign's settings for handlers.campaigns.create; unit lines it cannot read."""
    raw: dict[str, object] = {"key": form.get("key", "").strip().lower(), "name": form.get("name", "").strip(),
                              "receipt_prefix": form.get("receipt_prefix", "").strip().upper()}
    if form.get("theme", "").strip():
        raw["theme"] = form["theme"].strip()
    typed_date = form.get("dialogue_date", "").strip()
    day = parse_date(typed_date)
    raw["dialogue_date"] = day.isoformat() if day is not None else typed_date
    if form.get("deadline_days_before", "").strip():
        raw["deadline_days_before"] = form["deadline_days_before"].strip()
    units, problems = units_of(form.get("units", ""))
    if units:
        raw["units"] = units
    return raw, problems


async def create(act: Act, real: Actor, form: Mapping[str, str]) -> tuple[CampaignSpec | None, list[str]]:
    """«Tạo chiến dịch»: validated by handlers.campaigns.create (the one rule), audited; the new
    campaign, or the Vietnamese reasons it was refused. A key already in use is refused here: the
    form creates, it never replaces a campaign."""
    if not (real.province_wide and real.role == ADMIN):
        await act.audit("tao_chien_dich", detail="desk", allowed=False)
        return None, [texts.FORBIDDEN]
    raw, problems = raw_spec(form)
    province = act.settings.province
    if problems:
        await act.audit("tao_chien_dich", detail=f"desk refused: {'; '.join(problems)}"[:200], allowed=False)
        return None, problems
    spec, problems = await campaigns.create(province, act.uow, raw, str(real.address), act.now)
    if spec is None:
        await act.audit("tao_chien_dich", detail=f"desk refused: {'; '.join(problems)}"[:200], allowed=False)
        return None, problems
    await act.audit("tao_chien_dich", detail=f"desk {spec.key} {spec.receipt_prefix} {spec.dialogue_date}")
    log.info("campaign %s created on the desk", spec.key)
    return spec, []
