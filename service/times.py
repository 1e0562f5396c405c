"""Timestamps: every stored time is ISO 8601 UTC to the microsecond with a trailing Z.

One format for every time the service writes, so that times compare as text in SQL and sort
the way they happened. Nothing else in the service formats or parses a stored time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def stamp(moment: datetime) -> str:
    """A datetime as a stored timestamp (a naive one is taken to be UTC)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime(FORMAT)


def now() -> str:
    """The current time as a stored timestamp."""
    return stamp(datetime.now(UTC))


def shifted(since: str | None = None, **delta: float) -> str:
    """Now (or the stored time `since`) moved by a timedelta's keyword arguments (days=30,
    seconds=-900), as a timestamp."""
    start = parse(since) if since else datetime.now(UTC)
    return stamp(start + timedelta(**delta))


def parse(value: str | None) -> datetime | None:
    """A stored timestamp as an aware datetime; None for an empty or unreadable value."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def shown(value: str | None, with_time: bool = True) -> str | None:
    """A stored timestamp for people: '2026-11-30 14:05 UTC' (or the date alone); None if
    the value is not a timestamp."""
    moment = parse(value)
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC" if with_time else "%Y-%m-%d")
