"""Flowable helpers: every string becomes an escaped Paragraph; tables split with repeated heads."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Table, TableStyle

from .fonts import BOLD, MAIN, FontSet
from .layout import (
    BAND_HEIGHT,
    BAND_SPLIT,
    INK,
    MUTED,
    RATING_COLOURS,
    RATING_TEXT,
    RULE,
    SHADE,
)
from .text import markup

# A heading starts a new page unless this much room is left below it for what it heads, so that
# no heading sits alone at a page foot. (keepWithNext would move a heading and a whole table
# that fits on one page to the next page, leaving the rest of this one empty.)
ROOM = {"h1": 40 * mm, "h2": 26 * mm, "h3": 16 * mm}
PAD = 4  # points of padding left and right of every table cell
# Font, size and leading of a table cell drawn as plain lines, by the paragraph style it stands
# for; the table's style commands below give each cell the same.
PLAIN = {
    "cell": (MAIN, 8.5, 11),
    "dense": (MAIN, 7.6, 9.2),
    "cell_head": (BOLD, 8.5, 11),
    "cell_label": (BOLD, 8, 11),
    "finding_plain": (BOLD, 9.5, 12),
    "field": (MAIN, 8.2, 10.4),
}
DENSE = [
    ("FONTSIZE", (0, 0), (-1, -1), 7.6),
    ("LEADING", (0, 0), (-1, -1), 9.2),
    ("TOPPADDING", (0, 0), (-1, -1), 1.6),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.9),
]
# A borderless block (a finding): tight rows, no rules.
BLOCK = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("FONTNAME", (0, 0), (-1, -1), MAIN),
    ("FONTSIZE", (0, 0), (-1, -1), 8.2),
    ("LEADING", (0, 0), (-1, -1), 10.4),
    ("TEXTCOLOR", (0, 0), (-1, -1), INK),
    ("LEFTPADDING", (0, 0), (-1, -1), PAD),
    ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
    ("TOPPADDING", (0, 0), (-1, -1), 1),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
]
GRID = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("FONTNAME", (0, 0), (-1, -1), MAIN),
    ("FONTSIZE", (0, 0), (-1, -1), 8.5),
    ("LEADING", (0, 0), (-1, -1), 11),
    ("TEXTCOLOR", (0, 0), (-1, -1), INK),
    ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
    ("BOX", (0, 0), (-1, -1), 0.6, RULE),
    ("LEFTPADDING", (0, 0), (-1, -1), PAD),
    ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
]


class Para(Paragraph):
    """A Paragraph that keeps its line breaks for a width it was already wrapped to.

    Tables wrap every cell when measuring, again when splitting and again when drawing; the
    lines only depend on the width, so the repeats are skipped.
    """

    _wrapped_width = None

    def wrap(self, availWidth, availHeight):
        if availWidth == self._wrapped_width and "blPara" in self.__dict__:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_width = availWidth
        return size


class Code(str):
    """A short code of ours (item id, tick box) drawn as a plain table string: never parsed."""


class Writer:
    """Turns report strings into Paragraphs with one stylesheet and one font set."""

    def __init__(self, fonts: FontSet, styles: dict):
        self.fonts, self.styles = fonts, styles

    def p(self, text, style: str = "body", **kwargs) -> Paragraph:
        """A Paragraph that shows `text` literally (escaped, fallback fonts for other scripts)."""
        return Para(markup(text, self.fonts), self.style(style, text), **kwargs)

    def style(self, name: str, text=None):
        """The named style, with complex shaping switched on when `text` needs it."""
        style = self.styles[name]
        if not self.fonts.shapes(text):
            return style
        shaped = f"{name}+shaped"
        if shaped not in self.styles:
            self.styles[shaped] = style.clone(shaped, shaping=1)
        return self.styles[shaped]

    def heading(self, text: str, style: str = "h1") -> list:
        """A heading, preceded by a page break when less than ROOM is left below it."""
        return [CondPageBreak(ROOM[style]), self.p(text, style)]

    def raw(self, built_markup: str, style: str = "body", **kwargs) -> Paragraph:
        """A Paragraph of markup the caller built from our tags and markup() of every string."""
        return Para(built_markup, self.styles[style], **kwargs)

    def table(
        self,
        head: list[str] | None,
        rows: list[list],
        widths: list[float],
        extra: list | None = None,
        label_column: bool = False,
        heights: list | None = None,
        repeat_first: bool = False,
        dense: bool = False,
        whole_rows: bool = False,
    ) -> Table:
        """A table that splits across pages, repeating its head row; with `whole_rows`, only
        between rows.

        A cell of plain text the main font draws is laid out as lines (reportlab's
        simpleSplit) rather than parsed as a Paragraph: the same look for a fraction of the
        cost. Other text (another script, a line break, a word wider than its column) is a
        Paragraph with fallback fonts, as everywhere else.
        """
        body = "dense" if dense else "cell"
        cells = (
            [[self.cell(c, "cell_head", w) for c, w in zip(head, widths, strict=True)]]
            if head
            else []
        )
        for row in rows:
            cells.append(
                [
                    self.cell(c, "cell_label" if label_column and i == 0 else body, widths[i])
                    for i, c in enumerate(row)
                ]
            )
        style = list(GRID) + (DENSE if dense else [])
        if head:
            style += [
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ("FONTSIZE", (0, 0), (-1, 0), 8.5),
                ("LEADING", (0, 0), (-1, 0), 11),
            ]
        if label_column:
            first = 1 if head else 0
            style += [
                ("BACKGROUND", (0, first), (0, -1), SHADE),
                ("FONTNAME", (0, first), (0, -1), BOLD),
                ("FONTSIZE", (0, first), (0, -1), 8),
                ("LEADING", (0, first), (0, -1), 11),
            ]
        table = Table(
            cells,
            colWidths=widths,
            repeatRows=1 if head or repeat_first else 0,
            splitInRow=0 if whole_rows else 1,
            rowHeights=heights,
            hAlign="LEFT",
        )
        table.setStyle(TableStyle(style + (extra or [])))
        return table

    def cell(self, value, style: str, width: float):
        """A table cell for a column `width` points wide: plain lines, or a Paragraph."""
        if isinstance(value, Flowable | list | Code):
            return value
        return self.plain(value, style, width - 2 * PAD) or self.p(value, style)

    def block(self, cells: list[list], widths: list[float], style: list) -> Table:
        """A borderless table of cells made by `cell`, splitting across pages by rows."""
        table = Table(cells, colWidths=widths, splitInRow=1, hAlign="LEFT")
        table.setStyle(TableStyle(BLOCK + style))
        return table

    def plain(self, value, style: str, width: float) -> str | None:
        """`value` broken into lines of at most `width` points, or None when a Paragraph must
        draw it (a character the main font lacks, a control character or line break, a word
        wider than the column, a style without plain lines)."""
        text = str(value) if value is not None else ""
        if style not in PLAIN or not text.isprintable():
            return None
        if not text.isascii() and not all(ord(c) in self.fonts.main for c in text if c != " "):
            return None
        font, size, _ = PLAIN[style]
        lines = simpleSplit(text, font, size, width)
        # A line of several words fits by construction; only a lone word may be too wide.
        if any(" " not in line and stringWidth(line, font, size) > width for line in lines):
            return None
        return "\n".join(lines)


class DecisionBand(Flowable):
    """The decision at a glance: the rating (coloured, in words, with the score) on the left,
    the decision in words on the right; never colour alone."""

    def __init__(self, rating: str, score: float, decision: str, detail: str, width: float):
        super().__init__()
        self.rating, self.score, self.decision, self.detail = rating, score, decision, detail
        self.width, self.height = width, BAND_HEIGHT

    def wrap(self, avail_width, avail_height):
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        colour = RATING_COLOURS.get(self.rating, MUTED)
        canvas.setFillColor(SHADE)
        canvas.setStrokeColor(RULE)
        canvas.roundRect(0, 0, self.width, self.height, 2 * mm, stroke=1, fill=1)
        canvas.setFillColor(colour)
        canvas.setStrokeColor(colour)
        canvas.roundRect(0, 0, BAND_SPLIT, self.height, 2 * mm, stroke=1, fill=1)
        canvas.setFillColor(RATING_TEXT.get(self.rating, INK))
        canvas.setFont(BOLD, 17)
        canvas.drawString(5 * mm, self.height - 10 * mm, f"{str(self.rating).upper()} RISK")
        canvas.setFont(MAIN, 8.5)
        canvas.drawString(5 * mm, 5 * mm, f"Overall score {self.score:.2f} of 100")
        left = BAND_SPLIT + 6 * mm
        canvas.setFillColor(MUTED)
        canvas.setFont(BOLD, 8)
        canvas.drawString(left, self.height - 6.5 * mm, "ENGINE DECISION")
        canvas.setFillColor(INK)
        canvas.setFont(BOLD, 16)
        canvas.drawString(left, self.height - 13.5 * mm, self.decision)
        canvas.setFillColor(MUTED)
        canvas.setFont(MAIN, 8.5)
        canvas.drawString(left, 4.5 * mm, self.detail)
