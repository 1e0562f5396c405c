"""Documented shapes of the content resources: checklists, policies, models, crosswalk."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..content.model import BASES, DECISIONS, DUES, SEVERITIES
from .schemas import ReferenceSchema, ResultContentSchema

Str = fields.String
Nullable = {"allow_none": True}


class OptionSchema(Schema):
    value = Str()
    label = Str()
    risk = fields.Float(metadata={"description": "0 (no risk) to 1 (full risk)."})
    severity = Str(
        allow_none=True,
        validate=validate.OneOf(SEVERITIES),
        metadata={
            "title": "AnswerSeverity",
            "description": "The severity this answer represents; null without risk.",
        },
    )
    remediation = Str(
        allow_none=True,
        metadata={"description": "Written for this answer; null: the item's remediation."},
    )
    absent = fields.Boolean(
        metadata={"description": "The answer says it was not done; it blocks as unknown does."}
    )
    in_place = fields.Boolean(
        metadata={"description": "The answer says the control is in place; rules do not raise it."}
    )


class ApplicabilityConditionSchema(Schema):
    """A rule condition as data: {field, op, value|ref} or {any: [[condition, ...], ...]}."""

    field = Str()
    op = Str()
    value = fields.Raw(**Nullable)
    ref = Str()
    any = fields.List(
        fields.List(fields.Nested(lambda: ApplicabilityConditionSchema())),
        metadata={"description": "Alternatives: holds when all conditions of one list hold."},
    )


class ItemSchema(Schema):
    id = Str()
    domain = Str()
    title = Str()
    question = Str()
    why = Str()
    answer_type = Str(validate=validate.OneOf(("choice", "yes_no")))
    options = fields.List(fields.Nested(OptionSchema))
    unknown_value = Str(metadata={"description": "Always accepted: the answer is not known."})
    severity = Str(validate=validate.OneOf(SEVERITIES))
    remediation = Str()
    references = fields.List(fields.Nested(ReferenceSchema))
    applies_when = fields.List(
        fields.Nested(ApplicabilityConditionSchema),
        metadata={"description": "All must hold, else not applicable."},
    )
    derived_from_license = fields.Boolean(
        metadata={"description": "Answered from the licence facts unless overridden."}
    )
    derived_from = fields.List(
        Str(validate=validate.OneOf(BASES)),
        metadata={
            "description": "What its answer may be derived from: license, publisher, deployment."
        },
    )


class ChecklistSummarySchema(Schema):
    domain = Str()
    title = Str()
    version = Str()
    prefix = Str()
    items = fields.Integer(metadata={"description": "How many items."})


class ChecklistSchema(Schema):
    domain = Str()
    title = Str()
    version = Str()
    prefix = Str()
    items = fields.List(fields.Nested(ItemSchema))


class FieldOptionSchema(Schema):
    value = Str()
    label = Str()


class DeploymentFieldSchema(Schema):
    name = Str()
    label = Str()
    help = Str()
    type = Str(
        validate=validate.OneOf(("enum", "bool", "integer", "country", "region_list", "text"))
    )
    required = fields.Boolean()
    options = fields.List(fields.Nested(FieldOptionSchema))
    minimum = fields.Integer()
    maximum = fields.Integer()
    max_length = fields.Integer()


class DeploymentFormSchema(Schema):
    """How to fill the body's `deployment` object: its fields, their types and allowed values."""

    version = Str()
    fields_ = fields.List(fields.Nested(DeploymentFieldSchema), data_key="fields")
    country_sets = fields.Dict(keys=Str(), values=fields.List(Str()))


class ChecklistIndexSchema(Schema):
    checklists = fields.List(fields.Nested(ChecklistSummarySchema))
    deployment = fields.Nested(DeploymentFormSchema)
    content = fields.Nested(ResultContentSchema)


class PolicySchema(Schema):
    id = Str()
    name = Str()
    version = Str()
    description = Str()
    domain_weights = fields.Dict(keys=Str(), values=fields.Float())
    severity_weights = fields.Dict(keys=Str(), values=fields.Float())
    rating = Str(
        metadata={
            "description": "How ratings are set: worst = a domain by its worst risky finding, "
            "the deployment by its worst domain."
        }
    )
    ratings = fields.Dict(
        keys=Str(),
        values=fields.Float(),
        metadata={"description": "Score thresholds that may raise a rating, never lower it."},
    )
    unknown_risk = fields.Float()
    unanswered_risk = fields.Float()
    decisions = fields.Dict(
        keys=Str(validate=validate.OneOf(SEVERITIES)),
        values=Str(validate=validate.OneOf(DECISIONS)),
        metadata={"description": "The decision for each rating when nothing blocks."},
    )
    due = fields.Dict(
        keys=Str(validate=validate.OneOf(SEVERITIES)),
        values=Str(validate=validate.OneOf(DUES)),
        metadata={"description": "When a condition of each severity must be met."},
    )
    policy_conditions = fields.Dict(
        keys=Str(),
        values=Str(validate=validate.OneOf(SEVERITIES)),
        metadata={"description": "The severity of each condition the policy itself asks for."},
    )
    review_met_by = fields.Dict(
        keys=Str(),
        values=fields.List(Str()),
        metadata={"description": "Answers that show the licence review was done, by item."},
    )
    max_unknown_share = fields.Float()
    review_interval_days = fields.Integer()
    risk_acceptance_days = fields.Integer(
        metadata={"description": "The longest an approval against a reject decision lasts."}
    )
    reminder_days = fields.Integer(
        metadata={
            "description": "An approval falls due for re-assessment this long before it expires."
        }
    )
    grace_days = fields.Integer(
        metadata={
            "description": "The deployment gate honours an approval due for "
            "re-assessment this long after it fell due."
        }
    )
    license_stance = fields.Dict(keys=Str(), values=fields.Dict(keys=Str(), values=Str()))
    unknown_license_stance = Str()
    publisher_countries_review = fields.List(Str())
    hash = Str()


class CatalogueModelSchema(Schema):
    id = Str()
    name = Str()
    family = Str(**Nullable)
    publisher = Str()
    publisher_country = Str(**Nullable)
    release_date = Str(**Nullable)
    parameters_b = fields.Float(**Nullable)
    active_parameters_b = fields.Float(**Nullable)
    modality = fields.List(Str())
    multimodal = fields.Boolean()
    license = Str()
    base_models = fields.List(Str())
    relation = Str(**Nullable)
    weight_formats = fields.List(Str())
    gated = fields.Boolean(**Nullable)
    distributed_via = fields.List(Str())
    notes = Str(**Nullable)
    verified = fields.Boolean()
    sourced = fields.Dict(
        keys=Str(),
        values=fields.Nested(lambda: SourcedFactSchema()),
        metadata={"description": "Publisher and release facts, each with its source."},
    )


class SourcedFactSchema(Schema):
    value = Str()
    source = Str()
    verified = fields.Boolean()
    as_of = Str(allow_none=True, metadata={"description": "YYYY-MM or YYYY-MM-DD observed."})


class CrosswalkItemSchema(Schema):
    item = Str()
    domain = Str()
    title = Str()


class CrosswalkReferenceSchema(Schema):
    id = Str(metadata={"description": "The identifier within the framework."})
    items = fields.List(fields.Nested(CrosswalkItemSchema))


class CrosswalkSchema(Schema):
    framework = Str()
    name = Str()
    url = Str(**Nullable)
    references = fields.List(fields.Nested(CrosswalkReferenceSchema))
