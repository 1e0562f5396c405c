"""Flowable helpers: every string becomes an escaped Paragraph; tables split with repeated heads."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from .fonts import BOLD, MAIN, FontSet
from .layout import (
    BADGE_HEIGHT,
    BADGE_WIDTH,
    INK,
    MUTED,
    RATING_COLOURS,
    RATING_TEXT,
    RULE,
    SHADE,
)
from .text import markup

GRID = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("FONTNAME", (0, 0), (-1, -1), MAIN),
    ("FONTSIZE", (0, 0), (-1, -1), 8.5),
    ("TEXTCOLOR", (0, 0), (-1, -1), INK),
    ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
    ("BOX", (0, 0), (-1, -1), 0.6, RULE),
    ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
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

    def raw(self, built_markup: str, style: str = "body") -> Paragraph:
        """A Paragraph of markup the caller built from our tags and markup() of every string."""
        return Para(built_markup, self.styles[style])

    def table(
        self,
        head: list[str] | None,
        rows: list[list],
        widths: list[float],
        extra: list | None = None,
        label_column: bool = False,
        heights: list | None = None,
        repeat_first: bool = False,
    ) -> Table:
        """A table of Paragraph cells that splits across pages, repeating its head row."""
        cells = [[self._cell(c, "cell_head") for c in head]] if head else []
        for row in rows:
            cells.append(
                [
                    self._cell(c, "cell_label" if label_column and i == 0 else "cell")
                    for i, c in enumerate(row)
                ]
            )
        style = list(GRID)
        if head:
            style.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
        if label_column:
            style.append(("BACKGROUND", (0, 1 if head else 0), (0, -1), SHADE))
        table = Table(
            cells,
            colWidths=widths,
            repeatRows=1 if head or repeat_first else 0,
            splitInRow=1,
            rowHeights=heights,
            hAlign="LEFT",
        )
        table.setStyle(TableStyle(style + (extra or [])))
        return table

    def _cell(self, value, style: str):
        if isinstance(value, Flowable | list | Code):
            return value
        return self.p(value, style)


class RatingBadge(Flowable):
    """A coloured badge with the rating in words and the score, never colour alone."""

    def __init__(self, rating: str, score: float):
        super().__init__()
        self.rating, self.score = rating, score
        self.width, self.height = BADGE_WIDTH, BADGE_HEIGHT

    def wrap(self, avail_width, avail_height):
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        canvas.setFillColor(RATING_COLOURS.get(self.rating, MUTED))
        canvas.setStrokeColor(RATING_COLOURS.get(self.rating, MUTED))
        canvas.roundRect(0, 0, self.width, self.height, 3 * mm, stroke=1, fill=1)
        canvas.setFillColor(RATING_TEXT.get(self.rating, INK))
        canvas.setFont(BOLD, 16)
        canvas.drawString(6 * mm, self.height - 9 * mm, f"{str(self.rating).upper()} RISK")
        canvas.setFont(BOLD, 9)
        canvas.drawString(6 * mm, 4.5 * mm, f"Overall score {self.score:.2f} of 100")
