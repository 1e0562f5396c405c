"""The assessment register as CSV: one row per assessment summary, safe to open in a spreadsheet.

A cell that starts with = + - @, a tab or a carriage return (or their full-width forms) would be
read as a formula by spreadsheet programs, so it is prefixed with an apostrophe (OWASP's advice
on CSV injection); the value is otherwise unchanged.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

COLUMNS = (
    "id",
    "revision",
    "title",
    "status",
    "decision",
    "rating",
    "score",
    "model_id",
    "model_name",
    "policy_id",
    "policy_version",
    "submitted_by",
    "created_at",
    "updated_at",
    "expires_at",
    "risk_accepted",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def lines(summaries: Iterable[dict]) -> Iterator[str]:
    """The header, then one CSV line per summary (RFC 4180: CRLF, quoted where needed)."""
    out = _Line()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield out.take()
    for summary in summaries:
        writer.writerow([neutralise(_cell(summary, column)) for column in COLUMNS])
        yield out.take()


def to_csv(summaries: Iterable[dict]) -> str:
    """The whole register as one CSV text."""
    return "".join(lines(summaries))


def neutralise(text: str) -> str:
    """The cell as text a spreadsheet shows literally, never evaluates."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(summary: dict, column: str) -> str:
    value = summary.get(column)
    if column == "submitted_by" and isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


class _Line:
    """The smallest file the csv module can write a row to."""

    def __init__(self):
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def take(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text
