"""Time helpers: the database keeps aware UTC datetimes (SQLModel refuses naive ones)."""

from datetime import datetime, timezone


def to_db(moment: datetime) -> datetime:
    """An aware datetime in UTC for storage."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to storage")
    return moment.astimezone(timezone.utc)


def from_db(moment: datetime) -> datetime:
    """A stored datetime as aware UTC (SQLite may hand back naive UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
