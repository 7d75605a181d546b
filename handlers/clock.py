"""Injected time: rules about cutoffs ask a clock, so tests move time instead of sleeping."""

from datetime import datetime, timezone
from typing import Protocol


class Clock(Protocol):
    """Tells the current time as an aware datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock, in UTC."""

    def now(self) -> datetime:
        """Current aware UTC time."""
        return datetime.now(timezone.utc)
