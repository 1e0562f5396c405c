"""The chart of domain scores against the policy's rating thresholds (reportlab graphics)."""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib.colors import white
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from .fonts import BOLD, MAIN
from .layout import CHART_HEIGHT, INK, MUTED, RATING_COLOURS, RULE, THRESHOLD_COLOURS

LABEL_SPACE = 30 * mm
VALUE_SPACE = 26 * mm
TOP_SPACE = 9 * mm
BOTTOM_SPACE = 8 * mm


def domain_chart(chart: dict, width: float) -> Drawing:
    """Horizontal bars of the domain scores (first domain on top) with dashed threshold lines."""
    drawing = Drawing(width, CHART_HEIGHT)
    domains = list(reversed(chart["domains"]))
    bars = _bars(domains, width)
    drawing.add(bars)
    for n, (level, value) in enumerate(
        sorted((chart.get("thresholds") or {}).items(), key=lambda kv: kv[1])
    ):
        _threshold(drawing, bars, level, value, raised=n % 2 == 1)
    slot = bars.height / max(1, len(domains))
    for i, domain in enumerate(domains):
        _value_label(
            drawing,
            bars.x + bars.width * min(domain["score"], 100) / 100 + 2,
            bars.y + slot * (i + 0.5) - 3,
            f"{domain['score']:.2f}  {domain['rating']}",
        )
    return drawing


def _value_label(drawing: Drawing, x: float, y: float, text: str) -> None:
    """A bar's value on a white ground, so that no threshold line crosses it."""
    width = stringWidth(text, BOLD, 8)
    drawing.add(Rect(x - 1, y - 2.5, width + 2, 10, fillColor=white, strokeColor=None))
    drawing.add(String(x, y, text, fontName=BOLD, fontSize=8, fillColor=INK))


def _bars(domains: list[dict], width: float) -> HorizontalBarChart:
    bars = HorizontalBarChart()
    bars.x, bars.y = LABEL_SPACE, BOTTOM_SPACE
    bars.width = width - LABEL_SPACE - VALUE_SPACE
    bars.height = CHART_HEIGHT - TOP_SPACE - BOTTOM_SPACE
    bars.data = [[d["score"] for d in domains] or [0]]
    bars.barSpacing = 0
    bars.groupSpacing = 6
    bars.bars.strokeColor = None
    for i, domain in enumerate(domains):
        bars.bars[(0, i)].fillColor = RATING_COLOURS.get(domain["rating"], MUTED)
    axis = bars.valueAxis
    axis.valueMin, axis.valueMax, axis.valueStep = 0, 100, 20
    axis.labels.fontName, axis.labels.fontSize, axis.labels.fillColor = MAIN, 7, MUTED
    axis.strokeColor = RULE
    axis.visibleGrid, axis.gridStrokeColor, axis.gridStrokeWidth = 1, RULE, 0.3
    cats = bars.categoryAxis
    cats.categoryNames = [d["title"] for d in domains] or [""]
    cats.labels.fontName, cats.labels.fontSize, cats.labels.fillColor = MAIN, 8.5, INK
    cats.labels.boxAnchor, cats.labels.dx = "e", -3
    cats.strokeColor = RULE
    return bars


def _threshold(
    drawing: Drawing, bars: HorizontalBarChart, level: str, value: float, raised: bool
) -> None:
    x = bars.x + bars.width * min(max(value, 0), 100) / 100
    colour = THRESHOLD_COLOURS.get(level, MUTED)
    top = bars.y + bars.height
    drawing.add(
        Line(
            x, bars.y, x, top + 1.5 * mm, strokeColor=colour, strokeWidth=1, strokeDashArray=[3, 2]
        )
    )
    drawing.add(
        String(
            x,
            top + (4.8 if raised else 2) * mm,
            f"{level} \u2265 {value:g}",
            fontName=MAIN,
            fontSize=6.5,
            fillColor=colour,
            textAnchor="middle",
        )
    )
