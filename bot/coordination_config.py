"""The `coordination:` section of config.yaml: digest time, reminders, final export, send limits."""

from datetime import date, time
from typing import Literal

from pydantic import Field

from handlers.settings import CODE_PATTERN, Frozen

Audience = Literal["started", "opted_in", "coordinators"]


class Reminder(Frozen):
    """A reminder N local days before the last on-time day (0: that day's morning)."""

    id: str = Field(pattern=CODE_PATTERN)
    days_before_deadline: int = Field(ge=0, le=365)
    audiences: tuple[Audience, ...] = ("started", "opted_in", "coordinators")


class DatedReminder(Frozen):
    """A reminder to coordinators on a fixed date (e.g. district dialogue plans due in April)."""

    id: str = Field(pattern=CODE_PATTERN)
    day: date  # not "on": YAML reads that key as true
    at: time = time(8, 0)
    title: str
    text: str | None = None  # the whole message; default: a short line naming `title`


class BroadcastLimits(Frozen):
    """Telegram's limits and how hard the engine pushes."""

    # None sends unpaced: only for a local Bot API server or a benchmark, never Telegram's cloud API.
    per_second: float | None = Field(30.0, gt=0, le=1000)
    per_chat_interval: float = Field(1.0, ge=0, le=60)
    per_chat_burst: int = Field(3, ge=1, le=20)
    concurrency: int = Field(8, ge=1, le=256)
    lease_minutes: float = Field(10, gt=0, le=1440)  # fractions for tests of a crashed sender
    # Outcomes written per transaction: a crash between a send and its mark re-sends at most
    # this many (plus the sends in flight), so keep it small; 30 commits/s cost nothing.
    mark_every: int = Field(1, ge=1, le=500)


DEFAULT_REMINDERS = tuple(
    Reminder(id=f"d{days}", days_before_deadline=days) for days in (14, 7, 3, 1, 0)
)


class Coordination(Frozen):
    """When coordinators get digests and reminders, and who gets the final export."""

    enabled: bool = True
    digest_time: time = time(17, 0)
    reminder_time: time = time(8, 0)
    final_export_time: time = time(7, 0)  # local time on the morning after the last on-time day
    # Each morning from this many days before the dialogue, coordinators get their still-open
    # questions (None: never).
    overdue_days_before: int | None = Field(7, ge=0, le=60)
    misfire_grace_minutes: int = Field(360, ge=1, le=1440)
    consolidator: str = Field("so_noi_vu", pattern=CODE_PATTERN)
    reminders: tuple[Reminder, ...] = DEFAULT_REMINDERS
    dated: tuple[DatedReminder, ...] = ()
    broadcast: BroadcastLimits = BroadcastLimits()
