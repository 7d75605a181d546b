"""The validated campaign settings (schema only; bot/config.py loads and overrides them)."""

from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CODE_PATTERN = r"^[A-Za-z0-9_-]{1,32}$"


class Frozen(BaseModel):
    """Base for every settings model: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Campaign(Frozen):
    """One year's dialogue and its submission deadline."""

    name: str
    theme: str
    organizer: str = "Tỉnh đoàn"
    dialogue_date: date
    deadline_days_before: int = Field(20, ge=0, le=365)
    timezone: str = "Asia/Ho_Chi_Minh"
    receipt_prefix: str = Field("ST2023", pattern=r"^[A-Z0-9]{2,12}$")
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
        return self

    def unit(self, code: str) -> Unit | None:
        """The unit with this code (case-insensitive), if any."""
        wanted = code.strip().upper()
        return next((u for u in self.units if u.code.upper() == wanted), None)

    def topic(self, topic_id: str) -> Topic | None:
        """The topic with this id, if any."""
        return next((t for t in self.topics if t.id == topic_id), None)
