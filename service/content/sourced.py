"""Dated and sourced facts: when a cited provision applies, and what a publisher is known to do.

Schemas for `frameworks.yaml` application dates and for publisher facts in `models.yaml`, the
views the loader builds from them, and the cross-checks no single schema can make.
"""

from __future__ import annotations

import datetime as dt

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .model import ContentError, Pending, Provision

# Publisher facts and their values. The values are the option values of the checklist items
# they pre-answer (docs/content-format.md), so a rule can map a fact to an answer one to one.
PUBLISHER_FACTS = {
    "backing": ("established_org", "small_org", "individual"),
    "security_policy": ("policy_and_advisories", "channel_only", "none"),
    "signed_releases": ("signed_with_provenance", "signed", "digests_only", "nothing"),
}
MODEL_FACTS = {
    "maintenance": ("active", "some_activity", "stale", "archived"),
    "alignment": ("official_aligned", "no_safety_tuning", "safety_removed"),
}
# A fact about activity is only evidence as of the day it was observed.
NEEDS_AS_OF = ("maintenance",)
SOURCED_FACTS = (*PUBLISHER_FACTS, *MODEL_FACTS)
# Rules read a sourced fact's value as `sourced.<fact>`, and for a dated fact its age on the
# assessment date as `sourced.<fact>_age_days`.
AGE = "_age_days"
RULE_FACTS = frozenset(SOURCED_FACTS) | {f"{f}{AGE}" for f in SOURCED_FACTS}


def age_days(observed: str, on: str) -> int:
    """Days from an observation (YYYY-MM, read as its month's first day, or YYYY-MM-DD) to the
    date `on` (YYYY-MM-DD); the month's first day makes a month-dated fact as old as it can be."""
    start = dt.date.fromisoformat(observed if len(observed) > 7 else f"{observed}-01")
    return (dt.date.fromisoformat(on) - start).days


def _iso_date(value: str, pattern: str = "%Y-%m-%d") -> None:
    try:
        dt.datetime.strptime(value, pattern)
    except (TypeError, ValueError):
        shape = "YYYY-MM-DD" if pattern == "%Y-%m-%d" else "YYYY-MM or YYYY-MM-DD"
        raise ValidationError(f"'{value}' is not a calendar date ({shape})") from None


def date_field(**kw) -> fields.String:
    """A required ISO date (YYYY-MM-DD) that exists in the calendar."""
    return fields.String(required=True, validate=_iso_date, **kw)


def _month_or_date(value: str) -> None:
    pattern = "%Y-%m" if len(value or "") == 7 else "%Y-%m-%d"
    _iso_date(value, pattern)


class PendingSchema(Schema):
    applies_from = date_field()
    note = fields.String(required=True, validate=validate.Length(min=1))
    source = fields.String(required=True, validate=validate.Length(min=1))


class ProvisionSchema(Schema):
    applies_from = date_field()
    note = fields.String(load_default=None)
    pending = fields.Nested(PendingSchema, load_default=None)

    @validates_schema
    def pending_moves_the_date(self, data, **kwargs):
        pending = data.get("pending")
        if pending and pending["applies_from"] == data["applies_from"]:
            raise ValidationError("a pending change must move the date", "pending")


class ApplicationSchema(Schema):
    source = fields.String(required=True, validate=validate.Length(min=1))
    provisions = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1)),
        values=fields.Nested(ProvisionSchema),
        required=True,
        validate=validate.Length(min=1),
    )


def provisions(application: dict | None) -> dict[str, Provision]:
    """Provision views of a framework's `application` block, by reference id."""
    if not application:
        return {}
    out = {}
    for ref_id, spec in application["provisions"].items():
        pending = spec.get("pending")
        out[ref_id] = Provision(
            id=ref_id,
            applies_from=spec["applies_from"],
            note=spec.get("note"),
            pending=Pending(**pending) if pending else None,
        )
    return out


def _fact_schema(name: str, values: tuple[str, ...]) -> type[Schema]:
    class FactSchema(Schema):
        value = fields.String(required=True, validate=validate.OneOf(values))
        source = fields.String(required=True, validate=validate.Length(min=1))
        verified = fields.Boolean(required=True)
        as_of = fields.String(load_default=None, validate=_month_or_date)

        @validates_schema
        def dated_when_needed(self, data, **kwargs):
            if name in NEEDS_AS_OF and not data.get("as_of"):
                raise ValidationError(f"a '{name}' fact needs the date it was observed", "as_of")

    FactSchema.__name__ = f"{name.title().replace('_', '')}FactSchema"
    return FactSchema


def fact_field(name: str) -> fields.Nested:
    """An optional sourced fact: {value, source, verified, as_of}."""
    values = {**PUBLISHER_FACTS, **MODEL_FACTS}[name]
    return fields.Nested(_fact_schema(name, values), load_default=None)


class PublisherSchema(Schema):
    backing = fact_field("backing")
    security_policy = fact_field("security_policy")
    signed_releases = fact_field("signed_releases")


def sourced_facts(entry: dict, publishers: dict) -> dict[str, dict]:
    """A model's sourced facts: its publisher's, then its own, each {value, source, verified,
    as_of}. They stay out of the model's rule facts until the engine reads them with their
    source (docs/content-format.md)."""
    found = {k: v for k, v in (publishers.get(entry["publisher"]) or {}).items() if v}
    found.update({k: entry[k] for k in MODEL_FACTS if entry.get(k)})
    return found


def publishers_known(fname: str, publishers: dict, models: dict) -> None:
    """Every publisher with facts names the publisher of at least one catalogue model."""
    named = {m.publisher for m in models.values()}
    for name in publishers:
        if name not in named:
            raise ContentError(
                f"{fname}: field publishers.{name}: no catalogue model has this publisher"
            )


def references_dated(fname: str, item, frameworks) -> None:
    """A reference to a framework with application dates must cite a dated provision."""
    for i, ref in enumerate(item.references):
        framework = frameworks.get(ref.framework)
        if framework is None or not framework.provisions:
            continue
        if framework.provision(ref.id) is None:
            raise ContentError(
                f"{fname}: item {item.id}: field references[{i}].id: '{ref.id}' has no "
                f"application date in checklists/frameworks.yaml ({ref.framework})"
            )
