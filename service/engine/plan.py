"""The engine's plan: the content arranged once for scoring.

Pure, like the engine it serves: content in, an immutable arrangement out. Items with the same
conditions share them: a few dozen distinct condition lists stand for the applies_when and
severity rules of the shipped content, so each list is tested once per assessment.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..content.model import SEVERITIES, Condition, Content, Item, Option


@dataclass(frozen=True)
class ItemPlan:
    """An item with its conditions found in Plan.checks and its options by value."""

    item: Item
    id: str
    index: int  # position in the content (the order of not_applicable)
    rank: int  # position by item id (ties in the findings' order)
    applies: int | None  # where its applies_when is in Plan.checks; None: always applies
    severity_at: tuple[int, ...]  # where each severity rule's conditions are in Plan.checks
    severity_changes: tuple[int, ...]  # each severity rule's change, in bands
    base_level: int  # the base severity's place in SEVERITIES
    answer_levels: dict[str, int]  # each option with risk: the severity it represents, as a level
    blockers: tuple[tuple[tuple[Condition, ...], float, str], ...]  # (when, min risk, reason)
    options: dict[str, Option]


@dataclass(frozen=True)
class Plan:
    items: tuple[ItemPlan, ...]  # content order
    checks: tuple[tuple[Condition, ...], ...]  # every distinct condition list
    domains: tuple[tuple[str, tuple[ItemPlan, ...]], ...]  # content's domain order, items by id
    domain_names: tuple[str, ...]  # sorted: the order in which overall points are apportioned
    blocking: tuple[ItemPlan, ...]  # items with blocker rules, by id
    deriving: tuple[Item, ...]  # items with licence derive rules, content order
    deriving_from: tuple[Item, ...]  # items with derive_from rules, content order
    obliging: tuple[ItemPlan, ...]  # items with obligation rules, content order
    blockers_read_answers: bool  # whether a blocker rule reads other answers
    versions: tuple[tuple[str, str], ...]


_PLANS: dict[str, Plan] = {}  # one per content hash: bounded by the content loaded


def plan_for(content: Content) -> Plan:
    """The plan of this content, made on first use."""
    if content.hash not in _PLANS:
        _PLANS[content.hash] = _make(content)
    return _PLANS[content.hash]


def _make(content: Content) -> Plan:
    ids = sorted(content.items)
    checks: dict[tuple[Condition, ...], int] = {}

    def at(conds) -> int:
        return checks.setdefault(tuple(conds), len(checks))

    items = tuple(
        ItemPlan(
            item=item,
            id=item.id,
            index=n,
            rank=ids.index(item.id),
            applies=at(item.applies_when) if item.applies_when else None,
            severity_at=tuple(at(r.when) for r in item.severity_rules),
            severity_changes=tuple(r.change for r in item.severity_rules),
            base_level=SEVERITIES.index(item.severity),
            answer_levels={
                o.value: SEVERITIES.index(item.answer_severity(o.value))
                for o in item.options
                if o.risk > 0
            },
            blockers=tuple((r.when, r.min_risk, r.reason) for r in item.blocker_when),
            options={o.value: o for o in item.options},
        )
        for n, item in enumerate(content.items.values())
    )
    by_id = sorted(items, key=lambda p: p.rank)
    return Plan(
        items=items,
        checks=tuple(checks),
        domains=tuple(
            (d, tuple(p for p in by_id if p.item.domain == d)) for d in content.checklists
        ),
        domain_names=tuple(sorted(content.checklists)),
        blocking=tuple(p for p in by_id if p.blockers),
        deriving=tuple(i for i in content.items.values() if i.derive),
        deriving_from=tuple(i for i in content.items.values() if i.derive_from),
        obliging=tuple(p for p in items if p.item.obligations),
        blockers_read_answers=any(
            _reads(rule.when, "answers")
            for item in content.items.values()
            for rule in item.blocker_when
        ),
        versions=tuple(sorted(content.versions.items())),
    )


def _reads(conds, scope: str) -> bool:
    """Whether any condition reads a field (or a ref) of `scope`."""
    prefix = f"{scope}."
    return any(_reads(group, scope) for c in conds for group in c.any) or any(
        (c.field or "").startswith(prefix) or (c.ref or "").startswith(prefix) for c in conds
    )
