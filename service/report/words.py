"""Words for codes: decision and source labels, humanised values, timestamps for people."""

from __future__ import annotations

import re

DECISIONS = {
    "approve": "Approve",
    "approve_with_conditions": "Approve with conditions",
    "reject": "Reject",
    "request_changes": "Request changes",
    "changes_requested": "Changes requested",
}
SOURCES = {
    "assessor": "Given by the assessor",
    "derived": "Derived from the licence facts",
    "unknown": "Answered unknown by the assessor",
    "unanswered": "Not answered",
}
ISO = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z$")


def human(code) -> str:
    """A code such as customer_facing as words: 'customer facing'."""
    return str(code).replace("_", " ") if code is not None else ""


def label(labels: dict, code) -> str | None:
    """The label of a code, or the code in words when there is no label."""
    if code is None:
        return None
    return labels.get(code) or human(code)


def timestamp(value: str | None) -> str | None:
    """An ISO 8601 UTC time as '2026-11-30 10:15 UTC'; anything else unchanged."""
    if not value:
        return None
    match = ISO.match(value)
    return f"{match.group(1)} {match.group(2)} UTC" if match else value
