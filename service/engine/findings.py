"""One finding: what an applicable item's answer is, where it came from, and how much it weighs.

A finding holds only what is particular to the assessment: the answer, its source, its risk,
the effective severity of the answer, which severity rules moved it, the fact a derived answer
rests on, and the assessor's note. A finding is risky when its answer carries risk; its severity
is then the answer's own (option severity, or the item's for unknown and no answer) moved by the
severity rules that fire, clamped to low..critical. Rules that raise the item leave an answer
marked `in_place` at its own severity: context makes gaps worse, not controls that are in place.
A riskless finding shows the item's effective severity, from which its weight is read either way.
What the content says about the item (title, question, remediation, references, option labels,
the rules' reasons) is joined to it for reading (document.py).
"""

from __future__ import annotations

from ..content.model import SEVERITIES, UNKNOWN, Item, Policy
from .lineage import Derived
from .plan import ItemPlan


def finding(
    plan: ItemPlan, truth: list[bool], given, found: Derived | None, policy: Policy
) -> dict:
    """The finding of an applicable item; its points are set when its domain is scored."""
    fired = [n for n, at in enumerate(plan.severity_at) if truth[at]] if plan.severity_at else []
    if not isinstance(given, dict):
        given = {"value": given} if given else {}
    value, source, override = given.get("value"), "assessor", None
    if found is not None:
        value, source, override = _resolve(plan.item, given, value, found)
    risk, source = _risk(plan, value, source, policy)
    item_level = _moved(plan, plan.base_level, fired)
    level, moved = item_level, fired
    if risk > 0:
        level = plan.answer_levels.get(value, plan.base_level)
        if fired:
            option = plan.options.get(value)
            if option is not None and option.in_place:
                moved = [n for n in fired if plan.severity_changes[n] < 0]
            level = _moved(plan, level, moved)
    return {
        "item": plan.id,
        "answer": value,
        "source": source,
        "risk": risk,
        "risky": risk > 0,
        "weight": policy.severity_weights[SEVERITIES[item_level]],
        "points": 0.0,
        "overall_points": 0.0,
        "severity": SEVERITIES[level],
        "severity_rules": moved,
        "derived": derived_dict(found) if found is not None else None,
        "override": override,
        "note": given.get("note"),
        "evidence_url": given.get("evidence_url"),
    }


def effective_severity(plan: ItemPlan, fired: list[int]) -> str:
    """The item's severity for this deployment, before any answer: its base severity moved by
    the severity rules that fire (what its weight is read from)."""
    return SEVERITIES[_moved(plan, plan.base_level, fired)]


def _moved(plan: ItemPlan, level: int, rules: list[int]) -> int:
    """A severity level moved by the given severity rules, within low..critical."""
    if not rules:
        return level
    for n in rules:
        level += plan.severity_changes[n]
    return max(0, min(len(SEVERITIES) - 1, level))


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

    An answer that stands (see `stands`) is the assessor's; an override needs a justification;
    anything else is the derived answer. A justification given for an answer that departs from
    the derived one is kept as the override even where none was needed, so that a reader sees
    why the assessor set a fact aside.
    """
    if value in (None, derived.answer):
        return derived.answer, "derived", None
    said = given.get("justification")
    override = {"derived_answer": derived.answer, "fact": derived.fact, "justification": said}
    if stands(item, value, derived):
        departs = said and not resolves(item, value, derived.answer)
        return value, "assessor", override if departs else None
    if not said:
        return derived.answer, "derived", None
    return value, "assessor", override


def stands(item: Item, value, derived: Derived) -> bool:
    """True when the assessor's answer needs no justification beside a derived one: it reports
    how the derived duty was met, or, beside a publisher, deployment or artefact fact, it is at
    least as risky (the deployed artefact may be worse than the publisher's release: an own
    fine-tune, a conversion; a signed file may still go unchecked at load). A licence fact is a
    fact of law: any other answer is an override."""
    if resolves(item, value, derived.answer):
        return True
    option = item.option(value) if value else None
    return option is not None and derived.basis != "license" and option.risk >= derived.risk


def resolves(item: Item, value, derived_answer: str) -> bool:
    """True when the assessor's answer reports how the derived duty was met (no override)."""
    option = item.option(value) if value else None
    return option is not None and derived_answer in option.resolves


def derived_dict(d: Derived) -> dict:
    """What a derived answer rests on, as stored: what is content (a licence's name and source,
    a publisher fact's source) is joined for reading (document.py), and a key at its usual value
    is left out: `basis` license, `license` none, no unverified facts (then it is verified).
    An artefact's source is the assessment's own, so it is stored."""
    out = {"answer": d.answer, "fact": d.fact, "origin": d.origin}
    if d.license is not None:
        out["license"] = d.license
    if d.unverified:
        out["unverified_facts"] = list(d.unverified)
    if d.basis != "license":
        out["basis"] = d.basis
    if d.basis == "publisher":
        out["uses"] = list(d.uses)
    if d.basis == "artifact":
        out["source"] = d.source  # read from the assessment itself, not from content
    return out
