"""Which items apply to a model and deployment, and at what severity, before any answer.

Pure, like the rest of the engine: the same plan and the same rule evaluator that scoring uses,
so a form that shows only these items shows exactly the items the score will count.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..content.model import Content
from . import rules
from .findings import effective_severity
from .lineage import Facts
from .plan import plan_for


@dataclass(frozen=True)
class Applicable:
    """One item for this deployment: whether it applies, its severity here and the severity
    rules that set it (indexes into the item's `severity_rules`)."""

    item: str
    applies: bool
    severity: str
    fired: tuple[int, ...]


def applicability(content: Content, facts: Facts, deployment: dict) -> dict[str, Applicable]:
    """Every item of the content, in content order, as it stands for this model and deployment."""
    plan = plan_for(content)
    ctx = {"model": facts.model, "deployment": deployment}
    sets = content.context.country_sets
    truth = [rules.holds(conds, ctx, sets) for conds in plan.checks]  # each list once
    out = {}
    for p in plan.items:
        fired = [n for n, at in enumerate(p.severity_at) if truth[at]]
        out[p.id] = Applicable(
            item=p.id,
            applies=p.applies is None or truth[p.applies],
            severity=effective_severity(p, fired),
            fired=tuple(fired),
        )
    return out
