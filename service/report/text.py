"""User text to paragraph markup: escaped, split into runs per font, line breaks kept."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from ..bounds import MAX_LINE_BREAKS
from .fonts import FontSet

# Control characters would break reportlab's XML parser; show them as U+FFFD instead of dropping.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def bounded_lines(text: str) -> str:
    """Text with at most MAX_LINE_BREAKS line breaks kept; the lines past them are joined with
    spaces. Input is refused past that bound, so only rows stored before it lose breaks (and a
    stored note of thousands of empty lines no longer costs seconds of layout)."""
    if text.count("\n") <= MAX_LINE_BREAKS:
        return text
    lines = text.split("\n")
    rest = " ".join(line for line in lines[MAX_LINE_BREAKS:] if line.strip())
    return "\n".join(lines[:MAX_LINE_BREAKS] + [rest])


def markup(text, fonts: FontSet) -> str:
    """Paragraph markup that shows `text` literally, with runs the main font lacks in a fallback."""
    if text is None:
        return ""
    text = CONTROL.sub("\ufffd", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    text = bounded_lines(text)
    if text.isascii():
        return escape(text).replace("\n", "<br/>")
    out = []
    for font, run in runs(text, fonts):
        body = escape(run).replace("\n", "<br/>")
        out.append(f'<font face="{font}">{body}</font>' if font else body)
    return "".join(out)


def runs(text: str, fonts: FontSet) -> list[tuple[str | None, str]]:
    """Split text into (font name or None for the main font, run) pairs, in order."""
    out: list[tuple[str | None, str]] = []
    current, start = None, 0
    for i, char in enumerate(text):
        font = fonts.font_for(char)
        if font != current and not (char.isspace() and current):
            if i > start:
                out.append((current, text[start:i]))
            current, start = font, i
    if len(text) > start:
        out.append((current, text[start:]))
    return out
