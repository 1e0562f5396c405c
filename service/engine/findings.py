"""One finding: what an applicable item's answer is, where it came from, and how much it weighs.

A finding holds only what is particular to the assessment: the answer, its source, its risk and
effective severity, which severity rules fired, the licence fact a derived answer rests on, and
the assessor's note. What the content says about the item (title, question, remediation,
references, option labels, the rules' reasons) is joined to it for reading (document.py).
"""

from __future__ import annotations

from ..content.model import SEVERITIES, UNKNOWN, Item, Policy
from .lineage import Derived
from .plan import ItemPlan


def finding(
    plan: ItemPlan, truth: list[bool], given, found: Derived | None, policy: Policy
) -> dict:
    """The finding of an applicable item; its points are set when its domain is scored."""
    fired = [n for n, at in enumerate(plan.severity_at) if truth[at]]
    severity = effective_severity(plan, fired)
    if not isinstance(given, dict):
        given = {"value": given} if given else {}
    value, source, override = given.get("value"), "assessor", None
    if found is not None:
        value, source, override = _resolve(plan.item, given, value, found)
    risk, source = _risk(plan, value, source, policy)
    return {
        "item": plan.id,
        "answer": value,
        "source": source,
        "risk": risk,
        "risky": risk >= policy.risky_at,
        "weight": policy.severity_weights[severity],
        "points": 0.0,
        "overall_points": 0.0,
        "severity": severity,
        "severity_rules": fired,
        "derived": derived_dict(found) if found is not None else None,
        "override": override,
        "note": given.get("note"),
        "evidence_url": given.get("evidence_url"),
    }


def effective_severity(plan: ItemPlan, fired: list[int]) -> str:
    """The item's base severity moved by the severity rules that fire, within low..critical."""
    level = plan.base_level
    for n in fired:
        level += plan.severity_changes[n]
    return SEVERITIES[max(0, min(len(SEVERITIES) - 1, level))]


def _risk(plan: ItemPlan, value, source: str, policy: Policy) -> tuple[float, str]:
    """The answer's risk (0 to 1) and its source as the result names it."""
    if value is None:
        return policy.unanswered_risk, "unanswered"
    if value == UNKNOWN:
        return policy.unknown_risk, "unknown" if source == "assessor" else source
    option = plan.options.get(value)
    if option is None:
        raise ValueError(f"{plan.id}: '{value}' is not an option; validate input first")
    return option.risk, source


def _resolve(item: Item, given: dict, value, derived: Derived) -> tuple:
    """(value, source, override) of an item with a derived answer.

    An answer that reports how the derived duty was met stands; an override needs a
    justification; anything else is the derived answer.
    """
    if resolves(item, value, derived.answer):
        return value, "assessor", None
    if value in (None, derived.answer) or not given.get("justification"):
        return derived.answer, "derived", None
    return (
        value,
        "assessor",
        {
            "derived_answer": derived.answer,
            "fact": derived.fact,
            "justification": given["justification"],
        },
    )


def resolves(item: Item, value, derived_answer: str) -> bool:
    """True when the assessor's answer reports how the derived duty was met (no override)."""
    option = item.option(value) if value else None
    return option is not None and derived_answer in option.resolves


def derived_dict(d: Derived) -> dict:
    """What a derived answer rests on; the licence's name and source come from the content."""
    return {
        "answer": d.answer,
        "fact": d.fact,
        "license": d.license,
        "origin": d.origin,
        "verified": d.verified,
        "unverified_facts": list(d.unverified),
    }
