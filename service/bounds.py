"""Bounds on user text, shared by the input rules and the report.

The application refuses input past them (application/inputs.py); the report honours them for
rows stored before they existed (report/text.py), so no stored text costs more to lay out than
a new one may.
"""

from __future__ import annotations

# Notes, justifications, free-text deployment fields and review comments: a reader's paragraph,
# not a page of blank lines (each line break costs layout work in the report).
MAX_LINE_BREAKS = 40
