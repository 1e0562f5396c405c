"""Bounds on user text, shared by the input rules and the report.

The application refuses input past them (application/inputs.py); the report honours them for
rows stored before they existed (report/text.py), so no stored text costs more to lay out than
a new one may.
"""

from __future__ import annotations

import re

# Notes, justifications, free-text deployment fields and review comments: a reader's paragraph,
# not a page of blank lines (each line break costs layout work in the report).
MAX_LINE_BREAKS = 40

# Every line end str.splitlines knows, with \r\n counted once.
_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def line_breaks(text: str) -> int:
    r"""How many line breaks a text holds (\n, \r\n, \r and the other Unicode line ends)."""
    return len(_LINE_BREAK.findall(text)) if text else 0


def line_break_problem(text: str | None) -> str | None:
    """Why a note or comment has too many lines, or None: the one rule for every free text."""
    if text and line_breaks(text) > MAX_LINE_BREAKS:
        return f"at most {MAX_LINE_BREAKS} line breaks"
    return None
