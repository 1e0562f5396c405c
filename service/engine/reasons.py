"""Why each rating and the decision are what they are, in sentences a reader can check.

A reason names what set a rating: the risky findings at its severity, the policy's score
threshold when that raised it, or nothing at risk; and for the decision, the blockers, or the
policy's rule for the rating and the conditions that make an approval conditional. Every reason
of kind finding or blocker names an item that has a finding or a blocker in the result. A
finding's reason is stored as the item alone: its sentence cites the content (title, answer
label, the rules' reasons) and is joined when the result is read, as findings are.
"""

from __future__ import annotations

from ..content.model import DUES, RATINGS, Content, Policy
from .conditions import DEPARTURES

_DUE_WORDS = {
    "before_go_live": "before go-live",
    "follow_up": "at a follow-up",
    "track": "to track",
}


def rating_reasons(
    findings, groups: dict, domains: dict, overall: dict, content: Content, policy: Policy
) -> dict:
    """The reasons of each domain's rating and of the overall one (the decision's come later).
    `findings` are ranked (largest points first); `groups` holds each domain's findings."""
    rank = {f["item"]: n for n, f in enumerate(findings)}
    out = {}
    for d in domains:
        ranked = sorted(groups[d], key=lambda f: rank[f["item"]])
        out[d] = _reasons(ranked, domains[d], content.checklists[d].title, policy)
    # A domain's score may have raised the overall rating where no finding and no overall
    # score did: the domain's score reasons are then the overall's.
    raised = [r for d in domains for r in out[d] if r["kind"] == "score"]
    return {
        "overall": _reasons(findings, overall, "Overall", policy, raised),
        "domains": out,
    }


def _reasons(findings, summary: dict, name: str, policy: Policy, raised=()) -> list:
    rating = summary["rating"]
    out = [finding_reason(f) for f in findings if f["risky"] and f["severity"] == rating]
    if out:
        return out
    if rating == RATINGS[0]:
        return [_none(f"{name}: no answer carries risk, so low")]
    if policy.rating_for(summary["score"]) == rating:
        text = (
            f"{name} score {summary['score']:g} reaches the {rating} threshold "
            f"({policy.ratings[rating]:g}) of policy {policy.id}, so {rating}"
        )
        return [{"kind": "score", "item": None, "severity": rating, "text": text}]
    return [r for r in raised if r["severity"] == rating]


def _none(text: str) -> dict:
    return {"kind": "none", "item": None, "severity": None, "text": text}


def finding_reason(f: dict) -> dict:
    """A finding that set a rating; its sentence ("SEC-13 <title>: '<answer>', high (<why the
    rules moved it>)") is written when the result is read (document.reason_text)."""
    return {"kind": "finding", "item": f["item"]}


def decision(rating: str, blockers, conditions, by_id: dict, policy: Policy) -> tuple[str, list]:
    """The decision and its reasons: blockers reject; otherwise the policy maps the rating, and
    an approval with a condition due before go-live or at follow-up is conditional."""
    # A departure from a known fact is named whatever the decision, so a reviewer sees it.
    departed = [
        _policy(f"{c['text']} (due {_DUE_WORDS[c['due']]})")
        for c in conditions
        if c["kind"] in DEPARTURES
    ]
    if blockers:
        why = [_blocker_reason(b, by_id) for b in blockers]
        why.append(_policy(f"Policy {policy.id} rejects a deployment with a blocker."))
        return "reject", why + departed
    mapped = policy.decisions[rating]
    why = [_policy(f"Policy {policy.id} maps a {rating} rating to {mapped}."), *departed]
    due = {c["due"] for c in conditions}
    if mapped == "approve":
        pressing = [d for d in DUES[:-1] if d in due]
        if pressing:
            why.append(
                _policy(
                    f"Conditions are due {' and '.join(_DUE_WORDS[d] for d in pressing)}, "
                    "so the approval is conditional."
                )
            )
            return "approve_with_conditions", why
        if due:
            count = len(conditions)
            why.append(_policy(f"{count} low finding{'s' if count > 1 else ''} listed to track."))
        else:
            why.append(_none("No answer carries risk and nothing is due."))
    return mapped, why


def _policy(text: str) -> dict:
    return {"kind": "policy", "item": None, "severity": None, "text": text}


def _blocker_reason(b: dict, by_id: dict) -> dict:
    found = by_id.get(b["item"])
    return {
        "kind": "blocker",
        "item": b["item"],
        "severity": found["severity"] if found else None,
        "text": f"{b['item']} blocks: {b['reason']}",
    }
