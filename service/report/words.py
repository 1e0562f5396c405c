"""Words for the report: labels come from the one table (service.labels), times for people."""

from __future__ import annotations

from .. import times
from ..labels import departures, human, label

__all__ = ["departures", "human", "label", "timestamp"]


def timestamp(value: str | None) -> str | None:
    """A stored timestamp as '2026-11-30 10:15 UTC'; anything else unchanged."""
    if not value:
        return None
    return times.shown(value) or value
