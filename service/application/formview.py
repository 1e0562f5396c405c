"""The assessment form's view of what has been typed so far.

For the values of a form: which items apply (the engine's own rule evaluator, as scoring uses
it), each item's severity for this deployment with the reasons that set it, the answers known
from a source (licence, publisher, deployment: `assessments.derived_answers`), the answer shown
selected, progress per section in the report's order, the answers kept for items that no longer
apply, and the body the form would submit. Nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import engine
from ..content.model import SEVERITIES, Content, Policy
from ..report.model import domain_order
from . import assessments, formbody
from .errors import InputError
from .formbody import Values


@dataclass(frozen=True)
class ItemView:
    """One item as the form shows it."""

    id: str
    applies: bool
    severity: str  # for this deployment
    base_severity: str
    reasons: tuple[str, ...]  # why it moved from the base severity (the rules that fired)
    derived: engine.Derived | None  # the answer a source gives, if any
    chosen: str  # the option shown selected: the person's, else the derived answer, else ''
    offered: bool  # the selection is the derived answer offered, not one the person chose

    @property
    def moved(self) -> str:
        """'raised' or 'lowered' when this deployment moves the severity, else ''."""
        here, base = SEVERITIES.index(self.severity), SEVERITIES.index(self.base_severity)
        return "raised" if here > base else "lowered" if here < base else ""


@dataclass(frozen=True)
class SectionView:
    """A checklist as a section of the form: who answers it, its items, its progress."""

    domain: str
    title: str
    answered_by: str
    version: str
    items: tuple[ItemView, ...]  # every item, content order; the form shows those that apply
    applicable: int
    answered: int


@dataclass(frozen=True)
class FormView:
    """What the form shows for its values, and what it would submit."""

    sections: tuple[SectionView, ...]  # in the report's order
    items: dict[str, ItemView]
    kept: tuple[str, ...]  # items that do not apply but hold something typed (not submitted)
    unknown_label: str
    unanswered_share: str  # how the policy counts a question left unanswered, in words
    body: dict
    errors: list[dict]  # what could not be read from the typed values

    @property
    def applicable(self) -> int:
        return sum(s.applicable for s in self.sections)

    @property
    def answered(self) -> int:
        return sum(s.answered for s in self.sections)

    def progress(self) -> list[dict]:
        """Per section: title, answered and applicable (what a draft keeps for the dashboard)."""
        return [
            {
                "domain": s.domain,
                "title": s.title,
                "answered": s.answered,
                "applicable": s.applicable,
            }
            for s in self.sections
        ]


def read(content: Content, values: Values) -> FormView:
    """The form's view of these values (see the module docstring)."""
    model = formbody.model(content, values)
    deployment, _ = formbody.deployment(content, values)
    # One read of the facts, as of today, gives both the derived answers (as
    # `assessments.derived_answers` reads them) and the model facts applicability reads.
    facts = engine.facts(content, model, deployment, assessments.today())
    derived = facts.derived
    applies = engine.applicability(content, facts, deployment)
    items = {
        item_id: _item(content.items[item_id], found, derived.get(item_id), values)
        for item_id, found in applies.items()
    }
    sections = tuple(
        _section(content.checklists[domain], items)
        for domain in domain_order({"domains": content.checklists})
    )
    applicable = {i for i, v in items.items() if v.applies}
    body, errors = formbody.body(content, values, derived, applicable)
    kept = tuple(i for i, v in items.items() if not v.applies and formbody.given(values, i))
    policy = content.policies.get(body["policy"]) or content.policies["default"]
    unanswered = risk_share(policy.unanswered_risk)
    return FormView(sections, items, kept, unknown_label(policy), unanswered, body, errors)


def problems(content: Content, view: FormView) -> list[dict]:
    """Every error of the form's values: what could not be read, then what the body's schema and
    rules refuse; a field that could not be read is named once, for that."""
    try:
        assessments.validate(content, view.body)
    except InputError as exc:
        unread = {e["field"] for e in view.errors}
        return view.errors + [e for e in exc.errors if e["field"] not in unread]
    return list(view.errors)


def _item(item, found: engine.Applicable, derived, values: Values) -> ItemView:
    own = formbody.chosen(values, item.id)
    chosen = own or (derived.answer if derived else "")
    return ItemView(
        id=item.id,
        applies=found.applies,
        severity=found.severity,
        base_severity=item.severity,
        reasons=tuple(item.severity_rules[n].reason for n in found.fired),
        derived=derived,
        chosen=chosen,
        offered=bool(derived) and not own,
    )


def _section(checklist, items: dict[str, ItemView]) -> SectionView:
    members = tuple(items[i.id] for i in checklist.items)
    shown = [v for v in members if v.applies]
    return SectionView(
        domain=checklist.domain,
        title=checklist.title,
        answered_by=checklist.answered_by,
        version=checklist.version,
        items=members,
        applicable=len(shown),
        answered=sum(1 for v in shown if v.chosen),
    )


def unknown_label(policy: Policy) -> str:
    """The label of the Unknown answer, saying how the policy counts it."""
    return f"Unknown (counts as {risk_share(policy.unknown_risk)})"


def risk_share(risk: float) -> str:
    """A risk fraction in words: 'full risk', 'half the risk', '75% of full risk'."""
    if risk >= 1:
        return "full risk"
    if risk == 0.5:
        return "half the risk"
    return f"{round(risk * 100)}% of full risk"
