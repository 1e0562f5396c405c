"""Findings: each risky one in full, worst first; the rest one line each; references compact."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from .flow import Code, Writer
from .fonts import BOLD, ITALIC
from .layout import FRAME_WIDTH, MUTED, RATING_COLOURS, RISKY_SHADE, SHADE, THRESHOLD_COLOURS
from .text import markup

FIELD_LABEL = 24 * mm
FLAG = THRESHOLD_COLOURS["high"]

CLEAR_WIDTHS = [15 * mm, 58 * mm, FRAME_WIDTH - 106 * mm, 19 * mm, 14 * mm]


def shared_licence(risky: list[dict]) -> tuple | None:
    """(licence name, id, origin, source) when every licence fact among the findings cites the
    same licence the same way, so the section can say it once; None otherwise."""
    cited = {
        (d["license_name"], d["license"], d["origin"], d["source"])
        for f in risky
        if (d := f["derived"]) and d.get("license")
    }
    return cited.pop() if len(cited) == 1 else None


def licence_line(shared: tuple) -> str:
    """The one line that names where the section's licence facts come from."""
    name, licence, origin, source = shared
    return f"Licence facts below: {name} ({licence}) via {origin}; source: {source}."


def risky_block(f: dict, w: Writer, shared: tuple | None = None) -> list:
    """A risky finding's head (id, title, severity, points) and its facts, each under a label
    (the engine's reason already says why the severity differs from the item's base).

    One borderless table, so that a long note splits across pages like any text; the head
    rows are kept with the first fact.
    """
    rows = [("Question", f["question"])]
    if f["source"] in ("unknown", "unanswered"):
        # The engine's reason starts with the answer ("Answered unknown; ..."): one row.
        rows.append(("Answer", f["reason"]))
    elif f["source"] == "assessor":
        # So does its reason for an answer the assessor gave, with the risk it carries.
        rows.append(("Answer", f"{f['reason']} Given by the assessor."))
    else:
        rows.append(("Answer", _answer(f)))
    if f["derived"]:
        rows.append(
            (
                _FACT_LABEL.get(f["derived"].get("basis"), "Licence fact"),
                _derived(f["derived"], shared),
            )
        )
    if f["override"]:
        o = f["override"]
        rows.append(
            (
                "Override",
                f"The assessor replaced the derived answer '{o.get('derived_answer')}' "
                f"({o.get('fact')}). Justification: {o.get('justification')}",
            )
        )
    if f["note"]:
        rows.append(("Note", f["note"]))
    if f["evidence_url"]:
        rows.append(("Evidence", f["evidence_url"]))
    rows.append(("Remediation", f["remediation"]))
    unverified = f["derived"] and not f["derived"]["verified"]
    if unverified:
        rows.append(("Unverified", _unverified(f["derived"])))
    blocker = "BLOCKER \u00b7 " if f["blocker"] else ""
    meta = (
        f"{blocker}{f['severity']} severity \u00b7 {f['points']:.2f} points in the domain, "
        f"{f['overall_points']:.2f} overall"
    )
    text_width = FRAME_WIDTH - FIELD_LABEL
    cells = [
        [w.cell(f"{f['item']}  {f['title']}", "finding_plain", FRAME_WIDTH), ""],
        [w.cell(meta, "cell", FRAME_WIDTH), ""],
    ] + [[Code(label), w.cell(text, "field", text_width)] for label, text in rows]
    style = [
        ("SPAN", (0, 0), (1, 0)),
        ("SPAN", (0, 1), (1, 1)),
        ("BACKGROUND", (0, 0), (1, 1), RISKY_SHADE if f["blocker"] else SHADE),
        ("FONTNAME", (0, 0), (0, 0), BOLD),
        ("FONTSIZE", (0, 0), (0, 0), 9.5),
        ("LEADING", (0, 0), (0, 0), 12),
        ("TEXTCOLOR", (0, 1), (0, 1), RATING_COLOURS.get(f["severity"], MUTED)),
        ("TOPPADDING", (0, 0), (-1, 0), 3),
        ("BOTTOMPADDING", (0, 1), (-1, 1), 3),
        ("TOPPADDING", (0, 2), (-1, 2), 3.5),
        ("FONTNAME", (0, 2), (0, -1), BOLD),
        ("FONTSIZE", (0, 2), (0, -1), 8),
        ("TEXTCOLOR", (0, 2), (0, -1), MUTED),
        ("NOSPLIT", (0, 0), (-1, 2)),
    ]
    if unverified:
        style += [("TEXTCOLOR", (1, -1), (1, -1), FLAG), ("FONTNAME", (1, -1), (1, -1), ITALIC)]
    return [w.block(cells, [FIELD_LABEL, text_width], style), Spacer(1, 2.5 * mm)]


def _answer(f: dict) -> str:
    if f["source"] in ("assessor", "derived"):
        return f"{f['answer']} ({f['source_label'].lower()})"
    return f["answer"]


_FACT_LABEL = {
    "publisher": "Publisher fact",
    "deployment": "Deployment fact",
    "artifact": "Artefact fact",
}


def _unverified(d: dict) -> str:
    """What to confirm, and where: a licence fact in the licence text, others at their source."""
    facts = ", ".join(d["unverified_facts"])
    if d.get("basis", "license") == "license":
        return f"Licence fact ({facts or 'the licence facts'}): confirm it in the licence text."
    kind = _FACT_LABEL.get(d["basis"], "Fact")
    return f"{kind} ({facts or 'as stated'}): confirm it at its source."


def _derived(d: dict, shared: tuple | None = None) -> str:
    if not d.get("license"):  # a publisher or deployment fact (verdict model v2)
        return d["fact"] + (f" Source: {d['source']}." if d.get("source") else "")
    if shared == (d["license_name"], d["license"], d["origin"], d["source"]):
        return d["fact"]  # the section names the licence and its source once
    return (
        f"{d['fact']} Licence: {d['license_name']} ({d['license']}) via {d['origin']}; "
        f"source: {d['source']}."
    )


def clear_table(clear: list[dict], w: Writer):
    """One line per item whose answer carries no risk: id, title, answer, source, and points
    where an answer without risk still adds some (a result rated before verdict model 2)."""
    points = any(f["points"] for f in clear)
    rows = [
        [Code(f["item"]), f["title"], f["answer"], Code(f["source_short"])]
        + ([Code(f"{f['points']:.2f}" if f["points"] else "")] if points else [])
        for f in clear
    ]
    head = ["Item", "Title", "Answer", "Source"] + (["Points"] if points else [])
    widths = CLEAR_WIDTHS if points else [CLEAR_WIDTHS[0], 66 * mm, FRAME_WIDTH - 100 * mm, 19 * mm]
    return w.table(head, rows, widths, dense=True)


def references_table(references: list[dict], w: Writer) -> list:
    """One paragraph per framework, its name first: each reference with the items citing it.

    Paragraphs rather than a two-column table: the lists run the full width of the page.
    """
    return [
        w.raw(
            f'<font face="{BOLD}">{markup(f["framework"], w.fonts)}</font>  '
            + markup("; ".join(f"{r['id']} ({', '.join(r['items'])})" for r in f["refs"]), w.fonts),
            "dense_para",
        )
        for f in references
    ]
