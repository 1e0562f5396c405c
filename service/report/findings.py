"""One report section per domain: every applicable finding as a labelled block of paragraphs."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from .flow import Writer
from .fonts import BOLD, MAIN
from .layout import MUTED, RATING_COLOURS
from .text import markup


def domain_section(n: int, domain: dict, w: Writer) -> list:
    """Heading, domain summary line, then one block per finding (the first one with the head)."""
    head = [
        w.p(f"{n}. {domain['title']}", "h1"),
        w.p(
            f"Score {domain['score']:.2f} of 100, rated {domain['rating']}; "
            f"{domain['answered']} of {domain['applicable']} applicable items answered, "
            f"{domain['unknown']} unknown or unanswered; the domain weighs "
            f"{domain['weight'] * 100:g}% in the overall score.",
            "lead",
        ),
    ]
    if not domain["findings"]:
        return [*head, w.p("No item of this checklist applies to the deployment.")]
    flow = []
    for i, finding in enumerate(domain["findings"]):
        flow += finding_block(finding, w, head if i == 0 else [])
    return flow


def finding_block(f: dict, w: Writer, before: list | None = None) -> list:
    """A finding's head (id, title, points, severity) and its facts, each under a label.

    Labelled paragraphs rather than a table: a long note splits across pages like any text.
    `before` (a section heading) is kept on the page of the block.
    """
    flow = [*(before or []), _head(f, w)]
    rows = [("Question", f["question"]), ("Answer", _answer(f))]
    if f["derived"]:
        rows.append(
            (_FACT_LABEL.get(f["derived"].get("basis"), "Licence fact"), _derived(f["derived"]))
        )
    if f["override"]:
        o = f["override"]
        rows.append(
            (
                "Override",
                f"The assessor replaced the derived answer "
                f"'{o.get('derived_answer')}' ({o.get('fact')}). "
                f"Justification: {o.get('justification')}",
            )
        )
    if f["note"]:
        rows.append(("Note", f["note"]))
    if f["evidence_url"]:
        rows.append(("Evidence", f["evidence_url"]))
    if f["severity"] != f["base_severity"] or f["severity_reasons"]:
        rows.append(
            (
                "Severity",
                f"{f['severity']}, from base {f['base_severity']}: "
                f"{' '.join(f['severity_reasons'])}",
            )
        )
    if f["points"] or f["overall_points"]:  # a zero-point finding has nothing to explain
        rows.append(("Why it counts", f["reason"]))
    rows.append(("Remediation", f["remediation"]))
    if f["references"]:
        rows.append(("References", "; ".join(f["references"])))
    flow += [w.p(text, "field", bulletText=label) for label, text in rows]
    if f["derived"] and not f["derived"]["verified"]:
        facts = ", ".join(f["derived"]["unverified_facts"] or []) or "the licence facts"
        flow.append(
            w.p(f"Unverified licence fact ({facts}): confirm in the licence text.", "field_flag")
        )
    # Kept on one page when it fits, so a signer never reads a finding without its head.
    return [KeepTogether(flow), Spacer(1, 3 * mm)]


def _head(f: dict, w: Writer):
    colour = RATING_COLOURS.get(f["severity"], MUTED).hexval()[2:]
    muted = "#" + MUTED.hexval()[2:]
    meta = (
        f"{f['points']:.2f} points in the domain \u00b7 {f['overall_points']:.2f} overall \u00b7 "
    )
    risky = " \u00b7 risky answer" if f["risky"] else ""
    text = (
        f"{markup(f['item'] + '  ' + f['title'], w.fonts)}<br/>"
        f'<font face="{MAIN}" size="8.5" color="{muted}">{markup(meta, w.fonts)}</font>'
        f'<font face="{BOLD}" size="8.5" color="#{colour}">severity '
        f"{markup(f['severity'], w.fonts)}</font>"
        f'<font face="{MAIN}" size="8.5" color="{muted}">{markup(risky, w.fonts)}</font>'
    )
    return w.raw(text, "finding_risky" if f["risky"] else "finding")


def _answer(f: dict) -> str:
    if f["source"] in ("assessor", "derived"):
        return f"{f['answer']} ({f['source_label'].lower()})"
    return f["answer"]


_FACT_LABEL = {
    "publisher": "Publisher fact",
    "deployment": "Deployment fact",
    "artifact": "Artefact fact",
}


def _derived(d: dict) -> str:
    if not d.get("license"):  # a publisher or deployment fact (verdict model v2)
        return d["fact"] + (f" Source: {d['source']}." if d.get("source") else "")
    return (
        f"{d['fact']} Licence: {d['license_name']} ({d['license']}) via {d['origin']}; "
        f"source: {d['source']}."
    )
