"""The validated campaign settings (schema only; bot/config.py loads and overrides them)."""

from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from storage.models import PRIMARY_CAMPAIGN

CODE_PATTERN = r"^[A-Za-z0-9_-]{1,32}$"
# A campaign's key: in deep links (/start KEY, KEY-UNIT, ?campaign=KEY) and on every stored question.
KEY_PATTERN = r"^[a-z][a-z0-9]{1,15}$"
PREFIX_PATTERN = r"^[A-Z0-9]{2,12}$"


class Frozen(BaseModel):
    """Base for every settings model: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Campaign(Frozen):
    """One dialogue and its submission deadline (the file's is the province's, key "tinh")."""

    key: str = Field(PRIMARY_CAMPAIGN, pattern=KEY_PATTERN)
    name: str
    theme: str
    organizer: str = "Tỉnh đoàn"
    dialogue_date: date
    deadline_days_before: int = Field(20, ge=0, le=365)
    timezone: str = "Asia/Ho_Chi_Minh"
    receipt_prefix: str = Field("ST2023", pattern=PREFIX_PATTERN)
    demo_days_ahead: int = Field(30, ge=1, le=365)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The campaign's local time zone."""
        return ZoneInfo(self.timezone)

    @property
    def deadline_date(self) -> date:
        """Last local day on which questions count as on time."""
        return self.dialogue_date - timedelta(days=self.deadline_days_before)

    @property
    def deadline(self) -> datetime:
        """The first instant after the deadline day, as an aware local datetime."""
        return datetime.combine(self.deadline_date + timedelta(days=1), time(0), tzinfo=self.zone)

    def is_late(self, now: datetime) -> bool:
        """True when `now` (aware) is past the submission deadline."""
        return now >= self.deadline


class Privacy(Frozen):
    """What the processing notice tells youth (Law 91/2025/QH15)."""

    controller: str
    contact: str
    retention_months: int = Field(12, ge=1, le=120)


class Department(Frozen):
    """A provincial body that prepares answers."""

    code: str = Field(pattern=CODE_PATTERN)
    name: str


class Topic(Frozen):
    """One of the five focus topics, or `khac`."""

    id: Literal["suc_khoe", "van_hoa_tinh_than", "khoi_nghiep", "chuyen_doi_so", "doan_hoi", "khac"]
    name: str
    short: str
    departments: tuple[str, ...] = ()


class Unit(Frozen):
    """A delegate-sending unit (district-level Youth Union, Đoàn Khối, armed forces, …)."""

    code: str = Field(pattern=CODE_PATTERN)
    name: str
    allocation: int = Field(0, ge=0)


class Person(Frozen):
    """An admin or coordinator, identified per channel."""

    name: str = ""
    channel: str
    chat_id: str
    scope: Literal["all"] | tuple[str, ...] = "all"


class Roles(Frozen):
    """Who runs the campaign."""

    admins: tuple[Person, ...] = ()
    coordinators: tuple[Person, ...] = ()


class CampaignSpec(Frozen):
    """A local dialogue beside the province's (a commune's, a ward's…): in config.yaml under
    `campaigns:` or created by an admin (stored, handlers/campaigns.py). Topics, departments, the
    privacy notice, limits and the time zone are the province's; units default to the province's."""

    key: str = Field(pattern=KEY_PATTERN)
    name: str = Field(min_length=3, max_length=200)
    theme: str = Field("", max_length=300)
    organizer: str = Field("", max_length=200)
    dialogue_date: date
    deadline_days_before: int = Field(20, ge=0, le=365)
    receipt_prefix: str = Field(pattern=PREFIX_PATTERN)
    units: tuple[Unit, ...] = Field((), max_length=500)  # empty: the province's units
    roles: Roles = Roles()


class Limits(Frozen):
    """Input bounds for the conversation."""

    question_min_chars: int = Field(10, ge=1)
    question_max_chars: int = Field(4000, ge=100, le=100_000)
    name_max_chars: int = Field(80, ge=10, le=200)
    flood_messages: int = Field(20, ge=1)  # per chat …
    flood_window_seconds: float = Field(60.0, gt=0)  # … per this many seconds
    append_window_minutes: float = Field(2.0, ge=0, le=60)  # a text this soon after a question may extend it; 0: never


class Settings(Frozen):
    """Everything the conversation needs to know about the campaign."""

    campaign: Campaign
    privacy: Privacy
    departments: tuple[Department, ...]
    topics: tuple[Topic, ...]
    units: tuple[Unit, ...]
    roles: Roles = Roles()
    limits: Limits = Limits()
    campaigns: tuple[CampaignSpec, ...] = ()  # local dialogues from the file (more are created at run time)
    _province: "Settings | None" = PrivateAttr(default=None)  # a local campaign's: the province's settings

    @model_validator(mode="after")
    def _consistent(self) -> "Settings":
        dept_codes = {d.code for d in self.departments}
        for topic in self.topics:
            unknown = set(topic.departments) - dept_codes
            if unknown:
                raise ValueError(f"topic {topic.id}: unknown departments {sorted(unknown)}")
        ids = [t.id for t in self.topics]
        if sorted(ids) != sorted(set(ids)) or "khac" not in ids:
            raise ValueError("topics must be unique and include 'khac'")
        codes = [u.code for u in self.units]
        if len(codes) != len(set(codes)) or not codes:
            raise ValueError("units must be a non-empty list of unique codes")
        if self.campaigns:
            if self.campaign.key != PRIMARY_CAMPAIGN:
                raise ValueError(f"campaign.key: the file's campaign is the province's, {PRIMARY_CAMPAIGN!r}")
            taken: list[CampaignSpec] = []
            for spec in self.campaigns:
                problems = campaign_conflicts(self, taken, spec)
                if problems:
                    raise ValueError(f"campaigns.{spec.key}: " + "; ".join(problems))
                taken.append(spec)
        return self

    @property
    def key(self) -> str:
        """The campaign these settings describe ("tinh": the province's)."""
        return self.campaign.key

    def for_campaign(self, spec: CampaignSpec) -> "Settings":
        """The settings of a local campaign: its dates, prefix, units and people; the rest the province's."""
        campaign = self.campaign.model_copy(update={
            "key": spec.key, "name": spec.name, "theme": spec.theme or self.campaign.theme,
            "organizer": spec.organizer or self.campaign.organizer, "dialogue_date": spec.dialogue_date,
            "deadline_days_before": spec.deadline_days_before, "receipt_prefix": spec.receipt_prefix,
        })
        local = self.model_copy(update={
            "campaign": campaign, "units": spec.units or self.units, "roles": spec.roles, "campaigns": (),
        })
        local._province = self
        return local

    @property
    def province(self) -> "Settings":
        """The province's settings (itself, for the province's campaign)."""
        return self._province or self

    def unit(self, code: str) -> Unit | None:
        """The unit with this code (case-insensitive), if any."""
        wanted = code.strip().upper()
        return next((u for u in self.units if u.code.upper() == wanted), None)

    def topic(self, topic_id: str) -> Topic | None:
        """The topic with this id, if any."""
        return next((t for t in self.topics if t.id == topic_id), None)


def campaign_conflicts(province: "Settings", others: "list[CampaignSpec] | tuple[CampaignSpec, ...]",
                       spec: CampaignSpec) -> list[str]:
    """Why `spec` cannot run beside the province's campaign and `others` (empty: it can; to change
    a campaign, leave it out of `others`).

    The one check for the file's `campaigns:` and for a campaign created at run time (English:
    the admin command and the desk translate each kind)."""
    problems = []
    keys = {PRIMARY_CAMPAIGN} | {o.key for o in others}
    if spec.key in keys:
        problems.append(f"key {spec.key!r} is taken")
    if province.unit(spec.key) is not None:  # /start KESACH is a province unit link: never a campaign's
        problems.append(f"key {spec.key!r} is a unit code of the province")
    prefixes = {province.campaign.receipt_prefix} | {o.receipt_prefix for o in others}
    if spec.receipt_prefix in prefixes:
        problems.append(f"receipt prefix {spec.receipt_prefix!r} is taken")
    codes = [u.code.upper() for u in spec.units]
    if len(codes) != len(set(codes)):
        problems.append("unit codes repeat")
    return problems
