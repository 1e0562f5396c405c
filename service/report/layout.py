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
COVER_TOP_GAP = 30 * mm
LABEL_WIDTH = 34 * mm
CHART_HEIGHT = 62 * mm
BADGE_WIDTH = 80 * mm
BADGE_HEIGHT = 20 * mm

INK = colors.HexColor("#1F2328")
MUTED = colors.HexColor("#59636E")
RULE = colors.HexColor("#C8CDD2")
SHADE = colors.HexColor("#F1F3F5")
ACCENT = colors.HexColor("#0B4F8A")
# Okabe-Ito based, colour-blind safe; every use also prints the rating as a word.
RATING_COLOURS = {
    "low": colors.HexColor("#009E73"),
    "medium": colors.HexColor("#E69F00"),
    "high": colors.HexColor("#D55E00"),
    "critical": colors.HexColor("#8E1B3A"),
}
RATING_TEXT = {"low": colors.white, "medium": INK, "high": colors.white, "critical": colors.white}
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
    styles = {
        "body": base,
        "small": ParagraphStyle("small", base, fontSize=8.5, leading=11, spaceAfter=0),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=11, spaceAfter=0),
        "cell_label": ParagraphStyle(
            "cell_label", base, fontName=BOLD, fontSize=8, leading=11, textColor=MUTED, spaceAfter=0
        ),
        "cell_head": ParagraphStyle(
            "cell_head", base, fontName=BOLD, fontSize=8.5, leading=11, spaceAfter=0
        ),
        "finding": ParagraphStyle(
            "finding",
            base,
            fontName=BOLD,
            fontSize=9.5,
            leading=12.5,
            backColor=SHADE,
            borderPadding=3,
            leftIndent=3,
            rightIndent=3,
            spaceBefore=2,
            spaceAfter=6,
            keepWithNext=1,
        ),
        "field": ParagraphStyle(
            "field",
            base,
            fontSize=8.5,
            leading=11.5,
            spaceAfter=2.5,
            leftIndent=LABEL_WIDTH,
            bulletIndent=3,
            bulletFontName=BOLD,
            bulletFontSize=8,
            bulletColor=MUTED,
        ),
        "field_flag": ParagraphStyle(
            "field_flag",
            base,
            fontName=ITALIC,
            fontSize=8,
            leading=10,
            spaceAfter=2.5,
            leftIndent=LABEL_WIDTH,
            textColor=THRESHOLD_COLOURS["high"],
        ),
        "flag": ParagraphStyle(
            "flag",
            base,
            fontName=ITALIC,
            fontSize=8,
            leading=10,
            textColor=THRESHOLD_COLOURS["high"],
            spaceAfter=0,
        ),
        "sentence": ParagraphStyle(
            "sentence",
            base,
            fontSize=10,
            leading=14,
            spaceAfter=5,
            leftIndent=4 * mm,
            bulletIndent=0,
            bulletFontName=MAIN,
        ),
        "h1": ParagraphStyle(
            "h1",
            base,
            fontName=BOLD,
            fontSize=15,
            leading=19,
            spaceBefore=6,
            spaceAfter=6,
            textColor=ACCENT,
            keepWithNext=1,
        ),
        "h2": ParagraphStyle(
            "h2",
            base,
            fontName=BOLD,
            fontSize=11.5,
            leading=15,
            spaceBefore=8,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "lead": ParagraphStyle("lead", base, spaceAfter=6, keepWithNext=1),
        "cover_kicker": ParagraphStyle(
            "cover_kicker",
            base,
            fontName=BOLD,
            fontSize=10,
            leading=13,
            textColor=ACCENT,
            spaceAfter=2,
        ),
        "cover_title": ParagraphStyle(
            "cover_title", base, fontName=BOLD, fontSize=22, leading=27, spaceAfter=8
        ),
        "cover_model": ParagraphStyle(
            "cover_model", base, fontSize=13, leading=17, textColor=MUTED, spaceAfter=12
        ),
        "decision": ParagraphStyle(
            "decision", base, fontName=BOLD, fontSize=14, leading=18, spaceBefore=8, spaceAfter=4
        ),
        "acceptance": ParagraphStyle(
            "acceptance",
            base,
            fontSize=9.5,
            leading=12.5,
            textColor=THRESHOLD_COLOURS["high"],
            spaceAfter=4,
        ),
        "mono": ParagraphStyle("mono", base, fontSize=8, leading=10.5, spaceAfter=0),
        "header_title": ParagraphStyle(
            "header_title",
            base,
            fontSize=8,
            leading=10,
            textColor=MUTED,
            spaceAfter=0,
            alignment=TA_RIGHT,
        ),
    }
    # A risky finding's heading differs from any other only in its shade.
    styles["finding_risky"] = ParagraphStyle(
        "finding_risky", styles["finding"], backColor=RISKY_SHADE
    )
    return styles
