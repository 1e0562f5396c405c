"""The report's flowables: the decision page, then numbered sections, then lettered appendices.

SECTIONS and APPENDICES are the order of the report; each entry is (title, flowables) for one
report model. A new part (an appendix of evidence files, say) is one more function in a list.
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from . import evidence
from .chart import DomainChart
from .decision import decision_page
from .findings import clear_table, licence_line, references_table, risky_block, shared_licence
from .flow import Code, Writer
from .fonts import fontset
from .layout import FRAME_WIDTH, stylesheet
from .record import record
from .sections import conditions, obligations

Part = Callable[[dict, Writer], tuple[str, list]]


def story(report: dict, fonts=None, styles: dict | None = None) -> list:
    """Every flowable of the report for one report model."""
    w = Writer(fonts or fontset(), styles or stylesheet())
    flow = decision_page(report, w) + [PageBreak()]
    for n, part in enumerate(SECTIONS, 1):
        title, body = part(report, w)
        flow += [*w.heading(f"{n}. {title}"), *body, Spacer(1, 3 * mm)]
    letters = iter("ABCDEFGH")
    for part in APPENDICES:
        title, body = part(report, w)
        if not body:  # an appendix with nothing to show (no evidence cited) is left out
            continue
        flow += [*w.heading(f"Appendix {next(letters)}. {title}"), *body, Spacer(1, 3 * mm)]
    return flow[:-1]  # no space after the last part: it would start an empty page of its own


def domains(report: dict, w: Writer) -> tuple[str, list]:
    """The chart, then a table with each domain's rating and what set it."""
    chart = report["chart"]
    why = "What set the rating" if chart["reasons_recorded"] else "Worst risky finding"
    rows = [
        [
            d["title"],
            Code(f"{d['score']:.2f}"),
            Code(d["rating"]),
            Code(f"{d['answered']} of {d['applicable']}"),
            Code(str(d["unknown"])),
            "; ".join(d["reasons"]) or "No risky finding.",
        ]
        for d in chart["domains"]
    ]
    legend = (
        "Each bar is a domain's score from 0 (no risk) to 100, coloured by the domain's own "
        "rating; the dashed lines mark the policy's score thresholds."
        if chart["thresholds"]
        else "The policy's score thresholds are not recorded in this assessment."
    )
    widths = [24 * mm, 14 * mm, 15 * mm, 21 * mm, 20 * mm, FRAME_WIDTH - 94 * mm]
    table = w.table(["Domain", "Score", "Rating", "Answered", "Unknown", why], rows, widths)
    return "Ratings by domain", [
        DomainChart(chart, FRAME_WIDTH),
        w.p(legend, "muted"),
        Spacer(1, 2.5 * mm),
        table,
    ]


def findings(report: dict, w: Writer) -> tuple[str, list]:
    """Every risky finding in full, blockers and the worst first."""
    risky = report["risky"]
    if not risky:
        return "Risky findings", [w.p("No answer carries risk.")]
    flow = [
        w.p(
            f"{len(risky)} of {len(risky) + len(report['clear'])} applicable items carry risk; "
            "blockers first, then by the severity of the answer and by points.",
            "lead",
        )
    ]
    shared = shared_licence(risky)
    if shared:
        flow.append(w.p(licence_line(shared), "muted"))
    for f in risky:
        flow += risky_block(f, w, shared)
    return "Risky findings", flow


def clear_items(report: dict, w: Writer) -> tuple[str, list]:
    """One line per applicable item whose answer carries no risk."""
    clear = report["clear"]
    if not clear:
        return "Items without risk", [w.p("Every applicable item carries risk.")]
    points = (
        "; points, where an answer still adds some, are part of the domain score"
        if any(f["points"] for f in clear)
        else ""
    )
    note = w.p(
        f"Applicable items whose answer carries no risk, one line each{points}. Their notes and "
        "evidence links stay with the assessment, on its page and in the API.",
        "lead",
    )
    return "Items without risk", [note, clear_table(clear, w)]


def references(report: dict, w: Writer) -> tuple[str, list]:
    """The framework references of every applicable item."""
    if not report["references"]:
        return "References", [w.p("No item cites a framework.")]
    return "References", references_table(report["references"], w)


SECTIONS: list[Part] = [domains, conditions, obligations, findings]
APPENDICES: list[Part] = [clear_items, references, evidence.appendix, record]

__all__ = ["APPENDICES", "SECTIONS", "story"]
