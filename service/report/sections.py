"""Sections 2 and 3: what must change or the conditions, by when they are due; licence duties."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from .flow import Code, Writer
from .layout import FRAME_WIDTH, LABEL_WIDTH

BOX = "\u2610"
TRACKED = (
    "Low risks to track, not conditions of the approval: {}. Each one's remediation is given "
    "with its finding in section 4."
)
DENSE_FROM = 12  # conditions in a group past which its table is set in the smaller type


def conditions(report: dict, w: Writer) -> tuple[str, list]:
    """Blockers (for a reject), then the conditions grouped by when they are due."""
    c = report["conditions"]
    title = "What must change for approval" if c["reject"] else "Conditions of approval"
    flow = [w.p(line, "reason", bulletText="\u2022") for line in c["changes"]]
    flow += _blockers(report["blockers"], w) if report["blockers"] else []
    if not c["groups"]:
        return title, flow + [w.p("No condition is recorded.")]
    for group in c["groups"]:
        # A tick box to sign off, only where an approval waits on the condition.
        ticks = not c["reject"] and group["due"] in ("before_go_live", None)
        flow += w.heading(f"{group['title']} ({len(group['conditions'])})", "h2")
        listed = group["conditions"]
        if group["due"] == "track":
            # Low risks to keep an eye on: each remediation is printed with its finding in
            # section 4, so here they are named, not repeated.
            named = [c["item"] for c in listed if c["kind"] == "remediation"]
            listed = [c for c in listed if c["kind"] != "remediation"]
            if named:
                flow.append(w.p(TRACKED.format(", ".join(named)), "lead"))
        if listed:
            flow.append(_table(listed, ticks, w))
    return title, flow


def _blockers(blockers: list[dict], w: Writer) -> list:
    """The blockers and why each stands; what to do about each leads the conditions below."""
    rows = [[Code(b["item"]), b["title"], _why(b)] for b in blockers]
    widths = [17 * mm, 50 * mm, FRAME_WIDTH - 67 * mm]
    intro = w.p(
        "Each blocker stops approval on its own, whatever the rating; what to do about it "
        "comes first among the conditions below.",
        "lead",
    )
    table = w.table(["Item", "Blocker", "Why"], rows, widths)
    return [*w.heading(f"Blockers ({len(blockers)})", "h2"), intro, table, Spacer(1, 2 * mm)]


def _why(b: dict) -> str:
    if b.get("fact"):
        return f"{b['reason']} {b['fact']} (licence {b.get('license')} via {b.get('origin')})"
    return b["reason"]


def _table(listed: list[dict], ticks: bool, w: Writer):
    dense = len(listed) > DENSE_FROM

    def text(c: dict) -> str:
        kind = "" if c["kind"] == "remediation" else f"{c['kind_label']}: "
        return kind + c["text"] + (" (blocker)" if c["blocker"] else "")

    # A condition is read, and ticked off, whole: its row never splits across pages.
    if ticks:
        rows = [[Code(BOX), Code(c["item"]), text(c), Code("")] for c in listed]
        widths = [7 * mm, 16 * mm, FRAME_WIDTH - 51 * mm, 28 * mm]
        head = ["", "Item", "Condition", "Done: who, when"]
        return w.table(head, rows, widths, dense=dense, whole_rows=True)
    rows = [[Code(c["item"]), text(c)] for c in listed]
    widths = [17 * mm, FRAME_WIDTH - 17 * mm]
    return w.table(["Item", "Condition"], rows, widths, dense=dense, whole_rows=True)


def obligations(report: dict, w: Writer) -> tuple[str, list]:
    """Licence duties that hold whatever the answers: the engine's, or for a result stored
    before it recorded them, the licence terms from the knowledge base."""
    title = "Licence obligations"
    if report["obligations"] is not None:
        if not report["obligations"]:
            return title, [w.p("No licence duty is recorded for this deployment.")]
        flow = []
        for lic in report["obligations"]:
            flow += w.heading(lic["heading"], "h2")
            if lic["source"]:
                flow.append(w.p(f"Source of each: {lic['source']}", "muted"))
            rows = [[r["kind"], [w.p(r["text"], "cell"), *_source(r, w)]] for r in lic["rows"]]
            flow.append(
                w.table(
                    ["Obligation", "What it requires"],
                    rows,
                    [LABEL_WIDTH, FRAME_WIDTH - LABEL_WIDTH],
                    label_column=True,
                )
            )
        return title, flow
    return title, _terms(report["licenses"], w)


def _source(row: dict, w: Writer) -> list:
    flow = [w.p(f"Source: {row['source']}", "cell_muted")] if row["source"] else []
    if not row["verified"]:
        where = "in the licence text" if row["licence_fact"] else "at its source"
        flow.append(w.p(f"Unverified: confirm {where}.", "flag"))
    return flow


def _terms(licences: list[dict], w: Writer) -> list:
    if not licences:
        return [w.p("No licence is recorded for the model or its lineage.")]
    flow = []
    for lic in licences:
        flow += w.heading(f"{lic['name']} ({lic['id']})", "h2")
        via = ", ".join(lic["applies_via"]) or "the model"
        status = ""
        if lic["known"]:
            status = (
                "Facts checked against the licence text."
                if lic["verified"]
                else "Facts NOT verified against the primary licence text."
            )
        flow.append(w.p(f"Applies via {via}. {status}".strip(), "muted"))
        if lic["note"]:
            flow.append(w.p(lic["note"]))
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
                ["Term", "What the licence says"],
                rows,
                [LABEL_WIDTH, FRAME_WIDTH - LABEL_WIDTH],
                label_column=True,
                dense=True,
            ),
        ]
        source = "; ".join(x for x in (lic["source"], lic["url"]) if x)
        if source:
            flow.append(w.p(f"Source: {source}", "muted"))
    return flow
