"""The last appendix: the proposal, the reviews of every revision, how the result was scored,
and the hashes and versions that tie this report to what was stored."""

from __future__ import annotations

from reportlab.lib.units import mm

from .flow import Writer
from .layout import FRAME_WIDTH, LABEL_WIDTH


def record(report: dict, w: Writer) -> tuple[str, list]:
    """Proposal, review history, method, then the hashes and versions."""
    r = report["record"]
    flow = [
        *w.heading("Proposal", "h2"),
        w.p(r["proposal"], "small"),
        w.p(f"{r['deployment']} {r['coverage']}", "small"),
        *_reviews(r["reviews"], w),
        *w.heading("How the result was scored", "h2"),
        *[w.p(text, "small") for text in r["method"]],
        *w.heading("Hashes and versions", "h2"),
        w.table(
            None, _facts(r), [LABEL_WIDTH, FRAME_WIDTH - LABEL_WIDTH], label_column=True, dense=True
        ),
    ]
    return "Method and record", flow


def _reviews(reviews: list[dict], w: Writer) -> list:
    flow = [*w.heading("Review history", "h2")]
    if not reviews:
        return flow + [w.p("No review is recorded yet.", "small")]
    rows = [
        [
            str(r["revision"]),
            r["reviewer"] or "unknown",
            r["time"] or "",
            r["decision_label"] + (" (risk accepted)" if r["accept_risk"] else ""),
            r["comment"],
        ]
        for r in reviews
    ]
    # Wide enough that a time ("2026-12-01 10:00 UTC") and a decision stay on one line.
    widths = [12 * mm, 30 * mm, 35 * mm, 31 * mm, FRAME_WIDTH - 108 * mm]
    head = ["Rev.", "Reviewer", "Time", "Decision", "Comment"]
    return flow + [w.table(head, rows, widths, dense=True)]


def _facts(r: dict) -> list[list[str]]:
    policy = r["policy"]
    thresholds = ", ".join(f"{k} \u2265 {v:g}" for k, v in (r["thresholds"] or {}).items())
    head = r["audit_head"] or "not recorded"
    if r["archived"]:
        head += " (before the approval; the approval's own event records this report's SHA-256)"
    return [
        ["Policy", f"{policy['name'] or policy['id']} ({policy['id']} {policy['version']})"],
        ["Policy hash", policy["hash"] or "not recorded"],
        *([["Score thresholds", thresholds]] if thresholds else []),  # v2 policies may set none
        ["Content hash", r["content_hash"] or "not recorded"],
        ["Checklist versions", "; ".join(f"{v['name']} {v['version']}" for v in r["versions"])],
        ["Engine version", r["engine_version"] or "not recorded"],
        ["Assessed as of", r["as_of"] or "not recorded"],
        ["Input hash", r["input_hash"] or "not recorded"],
        ["Audit trail head", head],
        ["Report", r["renderer"]],
        ["Not applicable", ", ".join(r["not_applicable"]) or "none"],
    ]
