"""The engine's plan: the content arranged once for scoring, findings memoised per answer.

Pure, like the engine it serves: content and policy in, reusable structures out. A plan is bounded
by the content (items x options x severity outcomes), never by the inputs scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from ..content.model import RATINGS, SEVERITIES, UNKNOWN, Condition, Content, Item, Option, Policy


@dataclass(frozen=True)
class ItemPlan:
    """An item with its rules indexed once per content, and the finding fields that never vary."""

    item: Item
    id: str
    index: int  # position in the content (the order of not_applicable)
    rank: int  # position by item id (ties in the findings' order)
    applies: int | None  # where its applies_when is in Plan.checks; None: always applies
    severity_rules: tuple[tuple[int, int, str], ...]  # (where in Plan.checks, change, reason)
    severity_at: tuple[int, ...]  # where each severity rule is in Plan.checks
    derives: bool  # has derive rules
    blockers: tuple[tuple[tuple[Condition, ...], float, str], ...]  # (when, min risk, reason)
    options: dict[str, Option]
    static: dict


@dataclass(frozen=True)
class Plan:
    items: tuple[ItemPlan, ...]  # content order
    # Every distinct condition list of applies_when and severity rules: 38 lists stand for 168,
    # so each is tested once per assessment.
    checks: tuple[tuple[Condition, ...], ...]
    # (domain, title, its item plans by id)
    domains: tuple[tuple[str, str, tuple[ItemPlan, ...]], ...]
    domain_names: tuple[str, ...]  # sorted: the order in which overall points are apportioned
    blocking: tuple[ItemPlan, ...]  # items with blocker rules, by id
    blockers_read_answers: bool
    size: int
    versions: tuple[tuple[str, str], ...]


_PLANS: dict[str, Plan] = {}


def plan_for(content: Content) -> Plan:
    if content.hash not in _PLANS:
        ids = sorted(content.items)
        checks: dict[tuple[Condition, ...], int] = {}

        def at(conds) -> int:
            return checks.setdefault(tuple(conds), len(checks))

        items = tuple(
            _itemplan_for(item, n, ids.index(item.id), at)
            for n, item in enumerate(content.items.values())
        )
        by_id = sorted(items, key=lambda p: p.rank)
        domains = tuple(
            (
                d,
                c.title,
                tuple(p for p in by_id if p.item.domain == d),
            )
            for d, c in content.checklists.items()
        )
        _PLANS[content.hash] = Plan(
            items=items,
            checks=tuple(checks),
            domains=domains,
            domain_names=tuple(sorted(content.checklists)),
            blocking=tuple(p for p in by_id if p.blockers),
            blockers_read_answers=any(
                _reads(rule.when, "answers")
                for item in content.items.values()
                for rule in item.blocker_when
            ),
            size=len(items),
            versions=tuple(sorted(content.versions.items())),
        )
    return _PLANS[content.hash]


def _itemplan_for(item: Item, index: int, rank: int, at) -> ItemPlan:
    static = {
        "item": item.id,
        "domain": item.domain,
        "title": item.title,
        "question": item.question,
        "base_severity": item.severity,
        "remediation": item.remediation,
        "references": [{"framework": r.framework, "id": r.id} for r in item.references],
    }
    return ItemPlan(
        item=item,
        id=item.id,
        index=index,
        rank=rank,
        applies=at(item.applies_when) if item.applies_when else None,
        severity_rules=tuple((at(r.when), r.change, r.reason) for r in item.severity_rules),
        severity_at=tuple(at(r.when) for r in item.severity_rules),
        derives=bool(item.derive),
        blockers=tuple((r.when, r.min_risk, r.reason) for r in item.blocker_when),
        options={o.value: o for o in item.options},
        static=static,
    )


def _reads(conds, scope: str) -> bool:
    """Whether any condition reads a field (or a ref) of `scope`."""
    prefix = f"{scope}."
    return any(_reads(group, scope) for c in conds for group in c.any) or any(
        (c.field or "").startswith(prefix) or (c.ref or "").startswith(prefix) for c in conds
    )


# Per content and policy, one memo per item: (answer, severity rules fired) -> _Template.
# Bounded by the content (items x options x severity outcomes), never by the inputs scored.
_MEMOS: dict[tuple, tuple[dict, ...]] = {}


def memos_for(content: Content, policy: Policy) -> tuple[dict, ...]:
    # Keyed by the policy values a finding reads, not by its id and hash: a policy built in
    # code (tests do) may carry the hash of the file it was changed from.
    key = (
        content.hash,
        policy.risky_at,
        policy.unknown_risk,
        policy.unanswered_risk,
        tuple(policy.severity_weights.items()),
        tuple(policy.floors.items()),
    )
    memos = _MEMOS.get(key)
    if memos is None:
        memos = _MEMOS[key] = tuple({} for _ in content.items)
    return memos


class Scored(NamedTuple):
    """A memoised finding and what apportioning needs from it."""

    finding: dict
    weight: float
    raw: float  # 10000 * weight * risk: the finding's share before apportioning, in cents
    counted: int  # 0 answered, 1 unknown, 2 unanswered
    floor: int  # the rating index a risky answer of this severity floors the rating to
    reasons: tuple[str, ...]  # the severity rules' reasons
    rank: int  # the item's place by id
    middle: str  # a derived answer's reason after the licence fact ...
    end: str  # ... and its end


_COUNTED = {"unknown": 1, "unanswered": 2}


def template(plan: ItemPlan, value, source: str, fired: int, policy: Policy) -> Scored:
    """The finding for an answer from a source ("assessor" or "derived") with these severity
    rules firing, and what apportioning needs from it; a derived answer's reason is left to
    the caller, as (middle, end) of its text after the licence fact."""
    severity, reasons = _severity(plan, fired)
    risk, label, source = _risk(plan, value, source, policy)
    finding = dict(plan.static)
    finding.update(
        answer=value,
        answer_label=label,
        source=source,
        risk=risk,
        risky=risk >= policy.risky_at,
        weight=policy.severity_weights[severity],
        points=0.0,
        overall_points=0.0,
        severity=severity,
        severity_reasons=reasons,
        reason=_reason(plan.item, label, source, risk, severity, reasons),
        derived=None,
        override=None,
        note=None,
        evidence_url=None,
    )
    floor_index = 0
    if finding["risky"] and severity in policy.floors:
        floor_index = RATINGS.index(policy.floors[severity])
    middle = f" Answer '{label}', {_weight(risk, severity)}"
    end = _severity_note(plan.item, reasons) + "."
    return Scored(
        finding=finding,
        weight=finding["weight"],
        raw=10000 * finding["weight"] * risk,
        counted=_COUNTED.get(source, 0),
        floor=floor_index,
        reasons=tuple(reasons),
        rank=plan.rank,
        middle=middle,
        end=end,
    )


def _severity(plan: ItemPlan, fired: int) -> tuple[str, list[str]]:
    """The effective severity and the reasons of the severity rules that fire (bits of fired)."""
    level, reasons = SEVERITIES.index(plan.item.severity), []
    for bit, (_n, change, reason) in enumerate(plan.severity_rules):
        if fired & (1 << bit):
            level += change
            reasons.append(reason)
    return SEVERITIES[max(0, min(len(SEVERITIES) - 1, level))], reasons


def _risk(plan: ItemPlan, value, source: str, policy: Policy) -> tuple[float, str, str]:
    if value is None:
        return policy.unanswered_risk, "Not answered", "unanswered"
    if value == UNKNOWN:
        return policy.unknown_risk, "Unknown", "unknown" if source == "assessor" else source
    option = plan.options.get(value)
    if option is None:
        raise ValueError(f"{plan.item.id}: '{value}' is not an option; validate input first")
    return option.risk, option.label, source


def _reason(item, label, source, risk, severity, reasons) -> str | None:
    """Why a finding counts; None for a derived answer (its reason names the licence fact)."""
    weight = _weight(risk, severity)
    if source == "unanswered":
        text = f"Not answered; the policy counts that as {weight}"
    elif source == "unknown":
        text = f"Answered unknown; the policy counts that as {weight}"
    elif source == "derived":
        return None
    else:
        text = f"Answered '{label}', {weight}"
    return text + _severity_note(item, reasons) + "."


def _weight(risk: float, severity: str) -> str:
    return f"{round(risk * 100)}% risk on a {severity}-severity item"


def _severity_note(item, reasons) -> str:
    return f" (base severity {item.severity}; {' '.join(reasons)})" if reasons else ""
