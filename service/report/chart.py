"""The chart of domain scores against the policy's rating thresholds, drawn on the canvas."""

from __future__ import annotations

from reportlab.lib.colors import white
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from .fonts import BOLD, MAIN
from .layout import CHART_ROW, INK, MUTED, RATING_COLOURS, RULE, THRESHOLD_COLOURS, TRACK

LABEL_SPACE = 30 * mm
VALUE_SPACE = 30 * mm
TOP_SPACE = 7 * mm
BOTTOM_SPACE = 5 * mm
BAR = 5.5 * mm


class DomainChart(Flowable):
    """One bar per domain (first domain on top) on a track, coloured by that domain's own
    rating and labelled with its score and rating; dashed lines mark the thresholds."""

    def __init__(self, chart: dict, width: float):
        super().__init__()
        self.domains = chart["domains"]
        self.thresholds = sorted((chart.get("thresholds") or {}).items(), key=lambda kv: kv[1])
        self.width = width
        self.height = TOP_SPACE + CHART_ROW * len(self.domains) + BOTTOM_SPACE
        self.bar_width = width - LABEL_SPACE - VALUE_SPACE

    def wrap(self, avail_width, avail_height):
        return self.width, self.height

    def x(self, score: float) -> float:
        """Where a score of 0 to 100 falls on the bars."""
        return LABEL_SPACE + self.bar_width * min(max(score, 0), 100) / 100

    def draw(self):
        canvas = self.canv
        bottom = BOTTOM_SPACE
        for n, domain in enumerate(reversed(self.domains)):
            y = bottom + CHART_ROW * n + (CHART_ROW - BAR) / 2
            canvas.setFillColor(TRACK)
            canvas.rect(LABEL_SPACE, y, self.bar_width, BAR, stroke=0, fill=1)
            canvas.setFillColor(RATING_COLOURS.get(domain["rating"], MUTED))
            canvas.rect(LABEL_SPACE, y, max(self.x(domain["score"]) - LABEL_SPACE, 0.8), BAR, 0, 1)
            canvas.setFillColor(INK)
            canvas.setFont(BOLD, 8.5)
            canvas.drawRightString(LABEL_SPACE - 2.5 * mm, y + 1.8 * mm, domain["title"])
            canvas.setFont(BOLD, 8.5)
            canvas.drawString(
                LABEL_SPACE + self.bar_width + 2.5 * mm,
                y + 1.8 * mm,
                f"{domain['score']:.2f}  {domain['rating']}",
            )
        self._thresholds(bottom)
        self._axis(bottom)

    def _thresholds(self, bottom: float) -> None:
        canvas = self.canv
        top = bottom + CHART_ROW * len(self.domains)
        for n, (level, value) in enumerate(self.thresholds):
            x = self.x(value)
            colour = THRESHOLD_COLOURS.get(level, MUTED)
            canvas.setStrokeColor(colour)
            canvas.setLineWidth(1)
            canvas.setDash(3, 2)
            canvas.line(x, bottom, x, top + 1 * mm)
            canvas.setDash()
            text = f"{level} \u2265 {value:g}"
            y = top + (4.2 if n % 2 else 1.6) * mm
            canvas.setFillColor(white)
            width = canvas.stringWidth(text, MAIN, 6.5)
            canvas.rect(x - width / 2 - 1, y - 1, width + 2, 7.5, stroke=0, fill=1)
            canvas.setFillColor(colour)
            canvas.setFont(MAIN, 6.5)
            canvas.drawCentredString(x, y, text)

    def _axis(self, bottom: float) -> None:
        canvas = self.canv
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(LABEL_SPACE, bottom, LABEL_SPACE + self.bar_width, bottom)
        canvas.setFillColor(MUTED)
        canvas.setFont(MAIN, 6.5)
        for tick in range(0, 101, 20):
            canvas.drawCentredString(self.x(tick), bottom - 3 * mm, str(tick))
