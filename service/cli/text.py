"""The plain-text explanation of a result that `assess` prints: the decision and its reasons
first, then the ratings and what set them, blockers, conditions by when they are due,
obligations, and every finding's points.

A result stored before verdict model v2 has no reasons, dues or obligations: those parts are
left out rather than made up.
"""

from __future__ import annotations

from .. import labels

DUE_HEADINGS = (
    ("before_go_live", "Conditions to meet before go-live:"),
    ("follow_up", "Follow-up conditions (each needs an owner and a date):"),
    ("track", "Hygiene findings to track:"),
)


def render_text(body: dict, result: dict) -> str:
    """A plain-text explanation of a result: the decision and why, then every point."""
    policy = result["policy"]
    as_of = f", as of {result['as_of']}" if result.get("as_of") else ""
    reasons = result.get("rating_reasons") or {}
    lines = [
        body["title"],
        f"Decision: {result['decision']}   (policy {policy['id']} {policy['version']}{as_of})",
    ]
    lines += [f"  - {r['text']}" for r in reasons.get("decision", [])]
    lines += [departed] if (departed := labels.departures(result.get("model"))) else []
    overall = result["overall"]
    lines += ["", f"Overall rating: {overall['rating']} (score {overall['score']:.2f})"]
    lines += [f"  - {r['text']}" for r in reasons.get("overall", [])]
    lines += ["", "Domains (score, rating, answered):"]
    for name, d in result["domains"].items():
        lines.append(
            f"  {name:<12} {d['score']:6.2f}  {d['rating']:<8} answered "
            f"{d['answered']}/{d['applicable']}"
        )
        lines += [f"      {r['text']}" for r in reasons.get("domains", {}).get(name, [])]
    lines += _blockers(result)
    lines += _conditions(result)
    lines += _obligations(result)
    lines += ["", "Findings (points within domain, overall points):"]
    lines += [
        f"  {f['item']:<7} {f['points']:6.2f} {f['overall_points']:6.2f} {f['severity']:<8} "
        f"{f['reason']}{_dated(f)}"
        for f in result["findings"]
    ]
    return "\n".join(lines)


def _blockers(result: dict) -> list[str]:
    return [""] * bool(result["blockers"]) + [
        f"BLOCKER {b['item']}: {b['reason']}" + (f" [{b['fact']}]" if b.get("fact") else "")
        for b in result["blockers"]
    ]


def _conditions(result: dict) -> list[str]:
    """Conditions by due; for a reject, what must change for approval comes first."""
    conditions = result["conditions"]
    if not conditions:
        return []
    if any("due" not in c for c in conditions):  # stored before conditions had a due
        return ["", "Conditions:"] + [f"  - [{c['item']}] {c['text']}" for c in conditions]
    out = []
    for due, heading in DUE_HEADINGS:
        listed = [c for c in conditions if c["due"] == due]
        if due == "before_go_live" and result["decision"] == "reject":
            heading = "What must change for approval:"
            listed = [_blocker_change(b) for b in result["blockers"]] + listed
        if listed:
            out += ["", heading] + [
                c if isinstance(c, str) else f"  - [{c['item']}] {c['text']}" for c in listed
            ]
    return out


def _blocker_change(b: dict) -> str:
    return f"  - [{b['item']}] remove the blocker: {b['reason']}"


def _obligations(result: dict) -> list[str]:
    obligations = result.get("obligations") or []
    if not obligations:
        return []
    out = ["", "Obligations (they hold whatever the answers; not conditions):"]
    for o in obligations:
        origin = o["license"] or o["source"]
        out.append(f"  - [{origin}] {o['kind']}: {o['text']}")
    return out


def _dated(f: dict) -> str:
    """For a risky finding, the dated duties it cites that do not yet apply, or only might move."""
    if not f["risky"]:
        return ""
    notes = []
    for ref in f["references"]:
        if "applies_from" not in ref:
            continue
        where = f"{ref['framework']} {ref['id']}"
        if ref.get("applies") is False:
            notes.append(f"{where} applies from {ref['applies_from']}")
        if ref.get("pending"):
            notes.append(
                f"{where}: a move to {ref['pending']['applies_from']} is proposed, not law"
            )
    return f" [{'; '.join(notes)}]" if notes else ""
