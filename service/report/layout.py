"""Page geometry (mm), colours and the one stylesheet every paragraph of the report uses."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from .fonts import BOLD, ITALIC, MAIN

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = 18 * mm
MARGIN_RIGHT = 18 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 20 * mm
HEADER_Y = PAGE_HEIGHT - 12 * mm
HEADER_RULE_Y = PAGE_HEIGHT - 15 * mm
FOOTER_RULE_Y = 14 * mm
FOOTER_Y = 9 * mm
FRAME_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
FRAME_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
LABEL_WIDTH = 34 * mm
BAND_HEIGHT = 22 * mm
BAND_SPLIT = 66 * mm
CHART_ROW = 9 * mm

INK = colors.HexColor("#1F2328")
MUTED = colors.HexColor("#59636E")
RULE = colors.HexColor("#C8CDD2")
SHADE = colors.HexColor("#F1F3F5")
ACCENT = colors.HexColor("#0B4F8A")
# Darkened from the Okabe-Ito hues so that each bar has at least 3:1 contrast with the chart's
# track (and white text 4.5:1 on a badge); every use also prints the rating as a word.
RATING_COLOURS = {
    "low": colors.HexColor("#1A7F4B"),
    "medium": colors.HexColor("#A86400"),
    "high": colors.HexColor("#C04F00"),
    "critical": colors.HexColor("#8E1B3A"),
}
RATING_TEXT = {rating: colors.white for rating in RATING_COLOURS}
TRACK = colors.HexColor("#E9ECEF")
RISKY_SHADE = colors.HexColor("#FBE9E1")
THRESHOLD_COLOURS = {
    "medium": colors.HexColor("#B07A00"),
    "high": colors.HexColor("#D55E00"),
    "critical": colors.HexColor("#8E1B3A"),
}


def stylesheet() -> dict[str, ParagraphStyle]:
    """Every paragraph style of the report, by name."""
    base = ParagraphStyle(
        "body",
        fontName=MAIN,
        fontSize=9.5,
        leading=13,
        textColor=INK,
        alignment=TA_LEFT,
        spaceAfter=4,
        splitLongWords=1,
    )

    def style(name: str, parent=base, **kw) -> ParagraphStyle:
        return ParagraphStyle(name, parent, **kw)

    small = {"fontSize": 8.5, "leading": 11, "spaceAfter": 0}
    styles = {
        "body": base,
        "small": style("small", **small),
        "muted": style("muted", textColor=MUTED, **small),
        "cell": style("cell", **small),
        "cell_muted": style("cell_muted", textColor=MUTED, **small),
        "dense": style("dense", fontSize=7.6, leading=9.2, spaceAfter=0),
        "dense_para": style("dense_para", fontSize=7.6, leading=9.2, spaceAfter=3),
        "finding_plain": style(
            "finding_plain", fontName=BOLD, fontSize=9.5, leading=12, spaceAfter=0
        ),
        "cell_label": style("cell_label", fontName=BOLD, fontSize=8, leading=11, spaceAfter=0),
        "cell_head": style("cell_head", fontName=BOLD, fontSize=8.5, leading=11, spaceAfter=0),
        "kicker": style(
            "kicker", fontName=BOLD, fontSize=9, leading=12, textColor=ACCENT, spaceAfter=2
        ),
        "title": style("title", fontName=BOLD, fontSize=19, leading=23, spaceAfter=3),
        "model_line": style("model_line", fontSize=11, leading=14, textColor=MUTED, spaceAfter=8),
        "facts": style("facts", fontSize=8.5, leading=11.5, textColor=MUTED, spaceBefore=5),
        "reason": style(
            "reason", fontSize=9.5, leading=12.5, spaceAfter=2.5, leftIndent=4 * mm, bulletIndent=0
        ),
        "more": style("more", fontSize=8.5, leading=11, textColor=MUTED, leftIndent=4 * mm),
        # Headings: never started low on a page (Writer.heading).
        "h1": style(
            "h1",
            fontName=BOLD,
            fontSize=14,
            leading=18,
            spaceBefore=4,
            spaceAfter=5,
            textColor=ACCENT,
        ),
        "h2": style(
            "h2",
            fontName=BOLD,
            fontSize=11,
            leading=14,
            spaceBefore=7,
            spaceAfter=3,
        ),
        "h3": style(
            "h3",
            fontName=BOLD,
            fontSize=9.5,
            leading=12,
            spaceBefore=5,
            spaceAfter=2,
        ),
        "lead": style("lead", fontSize=9, leading=12, textColor=MUTED),
        "finding": style(
            "finding",
            fontName=BOLD,
            fontSize=9.5,
            leading=12.5,
            backColor=SHADE,
            borderPadding=(2.5, 3, 2.5, 3),
            leftIndent=3,
            rightIndent=3,
            spaceBefore=5,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "field": style(
            "field",
            fontSize=8.2,
            leading=10.4,
            spaceAfter=1.5,
            leftIndent=26 * mm,
            bulletIndent=3,
            bulletFontName=BOLD,
            bulletFontSize=8,
            bulletColor=MUTED,
        ),
        "flag": style(
            "flag",
            fontName=ITALIC,
            fontSize=8,
            leading=10,
            textColor=THRESHOLD_COLOURS["high"],
            spaceAfter=0,
        ),
        "acceptance": style(
            "acceptance",
            fontSize=9,
            leading=12,
            textColor=THRESHOLD_COLOURS["high"],
            spaceBefore=4,
            spaceAfter=2,
        ),
        "mono": style("mono", fontSize=8, leading=10.5, spaceAfter=0),
        "header_title": style(
            "header_title",
            fontSize=8,
            leading=10,
            textColor=MUTED,
            spaceAfter=0,
            alignment=TA_RIGHT,
        ),
    }
    # A blocker's heading differs from any other only in its shade.
    styles["finding_blocker"] = style("finding_blocker", styles["finding"], backColor=RISKY_SHADE)
    return styles
