"""Render a report model to PDF bytes: page templates, running header and footer, metadata."""

from __future__ import annotations

import io
import time

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

from .flow import Para
from .fonts import BOLD, MAIN, FontSet, fontset
from .layout import (
    FOOTER_RULE_Y,
    FOOTER_Y,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    HEADER_RULE_Y,
    HEADER_Y,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MUTED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
    stylesheet,
)
from .story import story
from .text import markup

HEADER_TITLE_WIDTH = FRAME_WIDTH * 0.75
# Binary (Flate-only) streams: a smaller file and no slow ASCII85 pass. reportlab reads this
# process-wide setting at save time; it is set once here so every render is alike.
rl_config.useA85 = 0

__all__ = ["RenderTimeout", "render", "story"]


class RenderTimeout(Exception):
    """The report did not finish within its time budget."""


def render(
    report: dict, font_dir=None, shaping: bool | None = None, budget: float | None = None
) -> bytes:
    """The PDF of a report model; the same model always gives the same bytes.

    With `budget` (seconds), RenderTimeout is raised once layout runs past it: the check comes
    before every flowable and every piece of a split one, so the thread is freed soon after.
    """
    deadline = None if budget is None else time.monotonic() + budget
    fonts = fontset(font_dir, shaping)
    styles = stylesheet()
    flowables = story(report, fonts, styles)
    buffer = io.BytesIO()
    doc = _document(buffer, report, Decorations(report, fonts, styles), deadline)
    doc.build(flowables, canvasmaker=NumberedCanvas)
    fonts.warn_missing(f"report of assessment {report['decision']['assessment_id']}")
    return buffer.getvalue()


class Document(BaseDocTemplate):
    """reportlab's document template, checking a deadline before each flowable it lays out."""

    def __init__(self, *args, deadline: float | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def handle_flowable(self, flowables):
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise RenderTimeout("the report did not render within its time budget")
        return super().handle_flowable(flowables)


def _document(buffer, report: dict, deco: Decorations, deadline: float | None) -> Document:
    meta = report["meta"]
    doc = Document(
        buffer,
        deadline=deadline,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        invariant=1,
        lang="en",
        title=meta["title"],
        author=meta["author"],
        subject=meta["subject"],
        keywords=meta["keywords"],
        creator=meta["creator"],
    )
    body = Frame(
        MARGIN_LEFT,
        MARGIN_BOTTOM,
        FRAME_WIDTH,
        FRAME_HEIGHT,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates(
        [PageTemplate("body", [body], onPage=deco.header, onPageEnd=deco.footer_later)]
    )
    return doc


class Decorations:
    """The header and footer callbacks: product, assessment title, Confidential, page x of y."""

    def __init__(self, report: dict, fonts: FontSet, styles: dict):
        self.product = report["product"]
        cover = report["decision"]
        self.reference = f"Assessment {cover['assessment_id']} rev {cover['revision']}"
        style = styles["header_title"]
        if fonts.shapes(report["title"]):
            style = style.clone("header_title+shaped", shaping=1)
        self.title = _fitted_title(report["title"], fonts, style)

    def header(self, canvas: Canvas, doc) -> None:
        """Product name left, the assessment title right, a rule below (every page)."""
        canvas.saveState()
        canvas.setFont(BOLD, 9)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN_LEFT, HEADER_Y, self.product)
        self.title.wrap(HEADER_TITLE_WIDTH, 20)
        self.title.drawOn(canvas, MARGIN_LEFT + FRAME_WIDTH - HEADER_TITLE_WIDTH, HEADER_Y - 1)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_LEFT, HEADER_RULE_Y, MARGIN_LEFT + FRAME_WIDTH, HEADER_RULE_Y)
        canvas.restoreState()

    def footer_later(self, canvas: Canvas, doc) -> None:
        """Ask the canvas to draw this page's footer once the page count is known."""
        canvas.footer = self.footer

    def footer(self, canvas: Canvas, page: int, total: int) -> None:
        """Confidential left, the assessment reference centred, page x of y right."""
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_LEFT, FOOTER_RULE_Y, MARGIN_LEFT + FRAME_WIDTH, FOOTER_RULE_Y)
        canvas.setFillColor(MUTED)
        canvas.setFont(BOLD, 8)
        canvas.drawString(MARGIN_LEFT, FOOTER_Y, "Confidential")
        canvas.setFont(MAIN, 8)
        canvas.drawCentredString(MARGIN_LEFT + FRAME_WIDTH / 2, FOOTER_Y, self.reference)
        canvas.drawRightString(MARGIN_LEFT + FRAME_WIDTH, FOOTER_Y, f"page {page} of {total}")
        canvas.restoreState()


def _fitted_title(title: str, fonts: FontSet, style) -> Paragraph:
    """The title as one header line, shortened with an ellipsis when it would wrap."""
    text = " ".join(str(title).split())
    # Para keeps its lines for the width, so drawing the header on every page does not break
    # the title into lines again.
    para = Para(markup(text, fonts), style)
    while len(text) > 1 and para.wrap(HEADER_TITLE_WIDTH, 1000)[1] > style.leading:
        text = text[: int(len(text) * 0.9) if len(text) > 20 else -1].rstrip()
        para = Para(markup(text + "\u2026", fonts), style)
    return para


class NumberedCanvas(Canvas):
    """A canvas that holds finished pages until the total is known, then draws their footers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._held: list[dict] = []
        self.footer = None

    def showPage(self):
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._held)
        for number, state in enumerate(self._held, 1):
            self.__dict__.update(state)
            if self.footer:
                self.footer(self, number, total)
            super().showPage()
        super().save()
