"""The report's flowables, in the order of issue 5: cover to appendix."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, NextPageTemplate, PageBreak, Spacer

from . import evidence
from .chart import domain_chart
from .findings import domain_section
from .flow import Code, RatingBadge, Writer
from .fonts import BOLD, FontSet, fontset
from .layout import FRAME_WIDTH, LABEL_WIDTH, MUTED, stylesheet
from .text import markup

BOX = "\u2610"


def story(report: dict, fonts: FontSet | None = None, styles: dict | None = None) -> list:
    """Every flowable of the report for one report model."""
    w = Writer(fonts or fontset(), styles or stylesheet())
    flow = _cover(report["cover"], w)
    flow += [NextPageTemplate("body"), PageBreak()]
    flow += _summary(report, w) + _chart(report["chart"], w) + _blockers(report["blockers"], w)
    flow += _conditions(report["conditions"], w) + _licences(report["licenses"], w)
    for n, domain in enumerate(report["domains"], 6):
        flow += domain_section(n, domain, w)
    n = 6 + len(report["domains"])
    flow += _reviews(n, report, w) + _signoff(n + 1, report, w) + _appendix(report["appendix"], w)
    return flow + evidence.flowables(report.get("evidence"), w)


def _cover(c: dict, w: Writer) -> list:
    model = c["model"]
    line = " \u00b7 ".join(x for x in (model["name"], model["publisher"]) if x)
    policy = c["policy"]
    requester = c["requester"]
    who = ", ".join(
        x for x in (requester["name"], requester["organisation"], requester["email"]) if x
    )
    revision = f"{c['revision']}" + (f" (previous: {c['previous_id']})" if c["previous_id"] else "")
    rows = [
        ["Model", model["name"]],
        ["Catalogue id", model["id"] or "not in the catalogue"],
        ["Publisher", model["publisher"] or "not stated"],
        ["Version", model["version"] or "not stated"],
        ["Licence", model["license"] or "not stated"],
        ["Requester", who or "not stated"],
        ["Submitted by", c["submitted_by"] or "not recorded"],
        ["Assessment date", c["created_at"] or c["date"]],
        ["Assessment id", c["assessment_id"]],
        ["Revision", revision],
        ["Status", c["status"] or "not recorded"],
        ["Policy", f"{policy['name'] or policy['id']} ({policy['id']} {policy['version']})"],
    ]
    if c["expires_at"]:
        rows.append(["Valid until", c["expires_at"]])
    return [
        w.p("modelrisk \u00b7 AI model risk report", "cover_kicker"),
        w.p(c["title"], "cover_title"),
        w.p(line, "cover_model"),
        RatingBadge(c["rating"], c["score"]),
        w.p(f"Decision: {c['decision_label']}", "decision"),
        *_acceptance(c.get("risk_acceptance"), w),
        Spacer(1, 4 * mm),
        w.table(None, rows, [LABEL_WIDTH, FRAME_WIDTH - LABEL_WIDTH], label_column=True),
    ]


def _acceptance(accepted: dict | None, w: Writer) -> list:
    """The line that says a reviewer approved against the engine's reject decision, and why."""
    if not accepted:
        return []
    text = f"Risk accepted by {accepted['by']} on {accepted['date']}: {accepted['justification']}"
    return [w.p(text, "acceptance")]


def _summary(report: dict, w: Writer) -> list:
    return [w.p("1. Executive summary", "h1")] + [
        w.p(s, "sentence", bulletText="\u2022") for s in report["summary"]
    ]


def _chart(chart: dict, w: Writer) -> list:
    legend = (
        (
            "Each bar is a domain's score from 0 (no risk) to 100, labelled with its rating; "
            "the dashed lines mark the policy's thresholds for the ratings medium, high and "
            "critical."
        )
        if chart["thresholds"]
        else ("The policy's rating thresholds are not recorded in this assessment.")
    )
    return [
        KeepTogether(
            [w.p("2. Domain scores", "h1"), domain_chart(chart, FRAME_WIDTH), w.p(legend, "small")]
        ),
        Spacer(1, 3 * mm),
    ]


def _blockers(blockers: list[dict], w: Writer) -> list:
    flow = [w.p("3. Blockers", "h1")]
    if not blockers:
        return flow + [w.p("None: no item or licence stance stops approval.")]
    rows = []
    for b in blockers:
        rows.append(
            [Code(b["item"]), _labelled(b["title"], b["reason"], w, bold=True), _blocker_fact(b, w)]
        )
    widths = [18 * mm, (FRAME_WIDTH - 18 * mm) * 0.55, (FRAME_WIDTH - 18 * mm) * 0.45]
    return flow + [w.table(["Item", "Blocker and reason", "Fact and source"], rows, widths)]


def _labelled(label: str, text: str, w: Writer, bold: bool = False):
    """One cell paragraph: a label line (ours) over escaped text."""
    face = f'face="{BOLD}"' + ("" if bold else f' size="8" color="#{MUTED.hexval()[2:]}"')
    return w.raw(
        f"<font {face}>{markup(label, w.fonts)}</font><br/>{markup(text, w.fonts)}", "cell"
    )


def _blocker_fact(b: dict, w: Writer) -> list:
    if b.get("fact"):
        verified = "verified" if b.get("verified") else "UNVERIFIED: confirm in the licence text"
        return [
            w.p(b["fact"], "cell"),
            w.p(
                f"Licence {b.get('license')} via {b.get('origin')}; source: "
                f"{b.get('license_source')} ({verified}).",
                "small",
            ),
        ]
    if b["kind"] == "license_stance":
        return w.p(
            f"Licence {b.get('license') or 'unknown'} of {b.get('origin')}; the "
            f"policy's licence stance.",
            "cell",
        )
    if b.get("source") in ("assessor", "derived"):
        return w.p(
            f"Answer: {b.get('answer_label') or b.get('answer')} ({b['source_label'].lower()}).",
            "cell",
        )
    return w.p(f"{b.get('answer_label') or b.get('source_label') or 'Not answered'}.", "cell")


def _conditions(conditions: list[dict], w: Writer) -> list:
    flow = [w.p("4. Conditions of approval", "h1")]
    if not conditions:
        return flow + [w.p("None: the verdict does not depend on any remediation.")]
    flow.append(
        w.p(
            "Each condition must be met before the model goes into use; tick it and "
            "sign when it is done.",
            "small",
        )
    )
    rows = [
        [Code(BOX), Code(c["item"]), _labelled(c["kind_label"], c["text"], w), Code("")]
        for c in conditions
    ]
    widths = [8 * mm, 18 * mm, FRAME_WIDTH - 66 * mm, 40 * mm]
    return flow + [
        Spacer(1, 2 * mm),
        w.table(["", "Item", "Condition", "Done: name, date"], rows, widths),
    ]


def _licences(licences: list[dict], w: Writer) -> list:
    flow = [w.p("5. Licence obligations", "h1")]
    if not licences:
        return flow + [w.p("No licence is recorded for the model or its lineage.")]
    for lic in licences:
        flow.append(w.p(f"{lic['name']} ({lic['id']})", "h2"))
        via = ", ".join(lic["applies_via"]) or "the model"
        status = (
            (
                "Facts checked against the licence text."
                if lic["verified"]
                else "Facts NOT verified against the primary licence text."
            )
            if lic["known"]
            else ""
        )
        flow.append(w.p(f"Applies via {via}. {status}".strip(), "small"))
        if lic["note"]:
            flow.append(w.p(lic["note"], "body"))
            continue
        rows = [
            [
                r["label"],
                [w.p(r["text"], "cell")]
                + (
                    [w.p("Unverified: confirm in the licence text.", "flag")]
                    if r["unverified"]
                    else []
                ),
            ]
            for r in lic["rows"]
        ]
        flow += [
            Spacer(1, 1.5 * mm),
            w.table(
                ["Obligation", "Terms"],
                rows,
                [LABEL_WIDTH, FRAME_WIDTH - LABEL_WIDTH],
                label_column=True,
            ),
        ]
        source = "; ".join(x for x in (lic["source"], lic["url"]) if x)
        if source:
            flow.append(w.p(f"Source: {source}", "small"))
    return flow


def _reviews(n: int, report: dict, w: Writer) -> list:
    flow = [w.p(f"{n}. Review history", "h1")]
    reviews = report["reviews"]
    if reviews:
        rows = [
            [
                r["reviewer"] or "unknown",
                r["time"] or "",
                r["decision_label"] or "",
                r["comment"] or "",
            ]
            for r in reviews
        ]
        flow.append(
            w.table(
                ["Reviewer", "Time", "Decision", "Comment"],
                rows,
                [36 * mm, 38 * mm, 30 * mm, FRAME_WIDTH - 104 * mm],
            )
        )
    else:
        flow.append(w.p("No review is recorded yet."))
    head = report["audit_head"] or "not recorded"
    return flow + [Spacer(1, 2 * mm), w.p(f"Audit trail head hash: {head}", "mono")]


def _signoff(n: int, report: dict, w: Writer) -> list:
    text = (
        "By signing, each role confirms having read this report of assessment "
        f"{report['cover']['assessment_id']} revision {report['cover']['revision']} "
        f"(input hash {report['appendix']['input_hash']})."
    )
    rows = [[s["role"], s["name"] or "", "", ""] for s in report["signoff"]]
    table = w.table(
        ["Role", "Name", "Date", "Signature"],
        rows,
        [30 * mm, 50 * mm, 30 * mm, FRAME_WIDTH - 110 * mm],
        heights=[None] + [14 * mm] * len(rows),
    )
    return [
        KeepTogether([w.p(f"{n}. Sign-off", "h1"), w.p(text, "small"), Spacer(1, 2 * mm), table])
    ]


def _appendix(a: dict, w: Writer) -> list:
    policy = a["policy"]
    thresholds = ", ".join(f"{k} \u2265 {v:g}" for k, v in (a["thresholds"] or {}).items())
    rows = [
        ["Policy", f"{policy['name'] or policy['id']} ({policy['id']} {policy['version']})"],
        ["Policy hash", policy["hash"] or "not recorded"],
        ["Rating thresholds", thresholds or "not recorded"],
        ["Content hash", a["content_hash"] or "not recorded"],
        ["Checklist versions", "; ".join(f"{v['name']} {v['version']}" for v in a["versions"])],
        ["Engine version", a["engine_version"] or "not recorded"],
        ["Input hash", a["input_hash"] or "not recorded"],
        ["Not applicable", ", ".join(a["not_applicable"]) or "none"],
    ]
    flow = [
        PageBreak(),
        w.p("Appendix", "h1"),
        w.table(None, rows, [LABEL_WIDTH, FRAME_WIDTH - LABEL_WIDTH], label_column=True),
        w.p("How the score is computed", "h2"),
    ]
    return flow + [w.p(text) for text in a["method"]]
