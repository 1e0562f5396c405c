"""marshmallow schemas for every content file; unknown keys are refused."""

from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from . import sourced
from .model import (
    BASES,
    DECISIONS,
    DUES,
    MODALITIES,
    POLICY_CONDITIONS,
    RATING_RULES,
    SEVERITIES,
    BlockerRule,
    Condition,
    DeriveFromRule,
    DeriveRule,
    Obligation,
    ObligationRule,
    Option,
    PrefillRule,
    Reference,
    SeverityRule,
)

OPERATORS = (
    "eq",
    "ne",
    "in",
    "not_in",
    "gt",
    "gte",
    "lt",
    "lte",
    "contains",
    "contains_any",
    "in_set",
    "not_in_set",
    "intersects_set",
    "exists",
)
LIST_OPERATORS = ("in", "not_in", "contains_any")
SET_OPERATORS = ("in_set", "not_in_set", "intersects_set")
FIELD_PATH = re.compile(
    r"^(deployment|model|license|origin|answers|evidence|sourced|artifact)\.[A-Za-z0-9_\-]+$"
)
ITEM_ID = re.compile(r"^[A-Z]{2,5}-\d{2,3}$")
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
NON_EMPTY = validate.Length(min=1)


def text(**kw):
    kw.setdefault("validate", NON_EMPTY)
    return fields.String(required=True, **kw)


class ConditionSchema(Schema):
    field = fields.String(
        validate=validate.Regexp(FIELD_PATH, error="must be a path like deployment.exposure")
    )
    op = fields.String(validate=validate.OneOf(OPERATORS))
    value = fields.Raw(allow_none=True)
    ref = fields.String(validate=validate.Regexp(FIELD_PATH))
    any = fields.List(fields.List(fields.Nested(lambda: ConditionSchema()), validate=NON_EMPTY))

    @validates_schema
    def shape(self, data, **kwargs):
        if "any" in data:
            if set(data) - {"any"}:
                raise ValidationError("'any' stands alone in its condition", "any")
            return
        for key in ("field", "op"):
            if key not in data:
                raise ValidationError("Missing data for required field.", key)
        if ("value" in data) == ("ref" in data):
            raise ValidationError("give exactly one of 'value' or 'ref'", "value")
        op, value = data["op"], data.get("value")
        if op in LIST_OPERATORS and "value" in data and not isinstance(value, list):
            raise ValidationError(f"operator '{op}' needs a list", "value")
        if op in SET_OPERATORS and not isinstance(value, str):
            raise ValidationError(f"operator '{op}' needs the name of a country set", "value")
        if op == "exists" and not isinstance(value, bool):
            raise ValidationError("operator 'exists' needs true or false", "value")
        # Facts are compared with plain values: a mapping (or a list in a list) never matches.
        if isinstance(value, dict) or (
            isinstance(value, list) and any(isinstance(v, dict | list) for v in value)
        ):
            raise ValidationError("must be a plain value or a list of plain values", "value")

    @post_load
    def make(self, data, **kwargs):
        if "any" in data:
            return Condition(any=tuple(tuple(group) for group in data["any"]))
        return Condition(
            field=data["field"],
            op=data["op"],
            value=_freeze(data.get("value")),
            ref=data.get("ref"),
        )


def _freeze(value):
    return tuple(value) if isinstance(value, list) else value


def conditions(**kw):
    if not kw.get("required"):
        kw["load_default"] = list
    return fields.List(fields.Nested(ConditionSchema), **kw)


class OptionSchema(Schema):
    value = fields.String(
        required=True, validate=validate.Regexp(SNAKE, error="must be snake_case")
    )
    label = text()
    risk = fields.Float(required=True, validate=validate.Range(0, 1))
    resolves = fields.List(fields.String(), load_default=list)
    severity = fields.String(load_default=None, validate=validate.OneOf(SEVERITIES))
    remediation = fields.String(load_default=None, validate=NON_EMPTY)
    absent = fields.Boolean(load_default=False)
    in_place = fields.Boolean(load_default=False)

    @post_load
    def make(self, data, **kwargs):
        return Option(
            value=data["value"],
            label=data["label"],
            risk=data["risk"],
            resolves=tuple(data["resolves"]),
            severity=data["severity"],
            remediation=data["remediation"],
            absent=data["absent"],
            in_place=data["in_place"],
        )


class ReferenceSchema(Schema):
    framework = text()
    id = text()

    @post_load
    def make(self, data, **kwargs):
        return Reference(**data)


class SeverityRuleSchema(Schema):
    when = conditions(required=True, validate=NON_EMPTY)
    change = fields.Integer(required=True, validate=validate.Range(-3, 3))
    reason = text()

    @post_load
    def make(self, data, **kwargs):
        return SeverityRule(when=tuple(data["when"]), change=data["change"], reason=data["reason"])


class BlockerRuleSchema(Schema):
    when = conditions()
    min_risk = fields.Float(load_default=1.0, validate=validate.Range(0.01, 1))
    reason = text()

    @post_load
    def make(self, data, **kwargs):
        return BlockerRule(
            when=tuple(data["when"]), min_risk=data["min_risk"], reason=data["reason"]
        )


class ObligationSchema(Schema):
    kind = fields.String(required=True, validate=validate.Regexp(SNAKE))
    text = text()

    @post_load
    def make(self, data, **kwargs):
        return Obligation(**data)


class DeriveRuleSchema(Schema):
    answer = text()
    when = conditions(required=True, validate=NON_EMPTY)
    fact = text()
    uses = fields.List(fields.String(), load_default=list)
    # A duty of the licence that holds whatever the answers, listed when this rule holds.
    obligation = fields.Nested(ObligationSchema, load_default=None)

    @post_load
    def make(self, data, **kwargs):
        return DeriveRule(
            answer=data["answer"],
            when=tuple(data["when"]),
            fact=data["fact"],
            uses=tuple(data["uses"]),
            obligation=data["obligation"],
        )


class DeriveFromRuleSchema(Schema):
    basis = fields.String(required=True, validate=validate.OneOf(BASES[1:]))
    answer = text()
    when = conditions(required=True, validate=NON_EMPTY)
    fact = text()
    uses = fields.List(fields.String(), load_default=list)

    @validates_schema
    def uses_fit_the_basis(self, data, **kwargs):
        if data.get("basis") == "publisher" and not data.get("uses"):
            raise ValidationError("a publisher-basis rule names the sourced facts it uses", "uses")
        if data.get("basis") in ("deployment", "artifact") and data.get("uses"):
            raise ValidationError(f"{data['basis']}-basis rules use no sourced facts", "uses")

    @post_load
    def make(self, data, **kwargs):
        return DeriveFromRule(
            basis=data["basis"],
            answer=data["answer"],
            when=tuple(data["when"]),
            fact=data["fact"],
            uses=tuple(data["uses"]),
        )


class ObligationRuleSchema(Schema):
    kind = fields.String(required=True, validate=validate.Regexp(SNAKE))
    when = conditions()
    text = text()
    reference = fields.Nested(lambda: ReferenceSchema(), required=True)

    @post_load
    def make(self, data, **kwargs):
        return ObligationRule(
            kind=data["kind"],
            when=tuple(data["when"]),
            text=data["text"],
            reference=data["reference"],
        )


class PrefillRuleSchema(Schema):
    answer = fields.String(validate=NON_EMPTY)
    when = conditions(required=True, validate=NON_EMPTY)
    fact = text()

    @post_load
    def make(self, data, **kwargs):
        return PrefillRule(when=tuple(data["when"]), fact=data["fact"], answer=data.get("answer"))


class ItemSchema(Schema):
    id = fields.String(
        required=True, validate=validate.Regexp(ITEM_ID, error="must look like SEC-01")
    )
    title = text(validate=validate.Length(1, 120))
    question = text()
    why = text()
    answer_type = fields.String(required=True, validate=validate.OneOf(("choice", "yes_no")))
    options = fields.List(
        fields.Nested(OptionSchema), required=True, validate=validate.Length(2, 8)
    )
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    remediation = text()
    references = fields.List(fields.Nested(ReferenceSchema), required=True, validate=NON_EMPTY)
    applies_when = conditions()
    severity_rules = fields.List(fields.Nested(SeverityRuleSchema), load_default=list)
    blocker_when = fields.List(fields.Nested(BlockerRuleSchema), load_default=list)
    derive = fields.List(fields.Nested(DeriveRuleSchema), load_default=list)
    prefill = fields.List(fields.Nested(PrefillRuleSchema), load_default=list)
    derive_from = fields.List(fields.Nested(DeriveFromRuleSchema), load_default=list)
    obligations = fields.List(fields.Nested(ObligationRuleSchema), load_default=list)


class ChecklistSchema(Schema):
    domain = fields.String(required=True, validate=validate.Regexp(SNAKE))
    title = text()
    version = text()
    prefix = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2,5}$"))
    # Who usually answers this checklist (the form labels its section with it).
    answered_by = text(validate=validate.Length(1, 60))
    description = fields.String(load_default="")
    items = fields.List(fields.Nested(ItemSchema), required=True, validate=NON_EMPTY)


class ContextFieldSchema(Schema):
    label = text()
    help = text()
    type = fields.String(
        required=True,
        validate=validate.OneOf(("enum", "bool", "integer", "country", "region_list", "text")),
    )
    required = fields.Boolean(load_default=False)
    options = fields.List(fields.Nested(lambda: ContextOptionSchema()))
    minimum = fields.Integer()
    maximum = fields.Integer()
    max_length = fields.Integer(validate=validate.Range(1, 100_000))


class ContextOptionSchema(Schema):
    value = text(validate=validate.Regexp(SNAKE, error="must be snake_case"))
    label = text()
    # This value counts as at least that one of the same field wherever rules compare values.
    counts_as = fields.String(load_default=None, validate=validate.Regexp(SNAKE))


class ContextSchema(Schema):
    version = text()
    field_specs = fields.Dict(
        keys=fields.String(validate=validate.Regexp(SNAKE)),
        values=fields.Nested(ContextFieldSchema),
        required=True,
        data_key="fields",
    )
    country_sets = fields.Dict(
        keys=fields.String(),
        values=fields.List(
            fields.String(validate=validate.Regexp(r"^[A-Z]{2}$")), validate=NON_EMPTY
        ),
        required=True,
    )
    # Country names the form accepts for a country code; without them it takes codes only.
    countries = fields.List(fields.Nested(lambda: CountrySchema()), load_default=list)


class CountrySchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2}$"))
    name = text(validate=validate.Length(3, 80))
    aliases = fields.List(fields.String(validate=validate.Length(3, 80)), load_default=list)


class FrameworkSchema(Schema):
    name = text()
    url = fields.String(allow_none=True, load_default=None)
    # When the provisions items cite apply; once given, every reference needs a dated provision.
    application = fields.Nested(sourced.ApplicationSchema, load_default=None)


class FrameworksSchema(Schema):
    version = text()
    frameworks = fields.Dict(
        keys=fields.String(), values=fields.Nested(FrameworkSchema), required=True
    )


class AcceptableUseSchema(Schema):
    url = fields.String(allow_none=True, load_default=None)
    prohibited = fields.List(fields.String(), load_default=list)


LICENSE_KINDS = (
    "permissive",
    "copyleft",
    "community",
    "rail",
    "non_commercial",
    "research",
    "non_production",
    "proprietary_open",
)


ATTRIBUTION_TRIGGERS = ("copies", "distribution", "any_product")


class LicenseSchema(Schema):
    id = text()
    name = text()
    aliases = fields.List(fields.String(), load_default=list)
    kind = fields.String(required=True, validate=validate.OneOf(LICENSE_KINDS))
    version_date = fields.String(allow_none=True, load_default=None)
    commercial = fields.String(required=True, validate=validate.OneOf(("yes", "no", "conditional")))
    mau_cap = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(1))
    mau_measured = fields.String(allow_none=True, load_default=None)
    revenue_cap_usd = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(1))
    attribution = fields.String(allow_none=True, load_default=None)
    # What makes the attribution duty bite: passing copies on, distribution as the licence
    # defines it (a hosted service too where hosting_is_distribution), or any product or
    # service made available with the model ("Built with Llama").
    attribution_trigger = fields.String(
        load_default="distribution", validate=validate.OneOf(ATTRIBUTION_TRIGGERS)
    )
    naming = fields.String(allow_none=True, load_default=None)
    acceptable_use = fields.Nested(AcceptableUseSchema, allow_none=True, load_default=None)
    # Rights the licensor keeps over a deployment already approved: a use policy incorporated by
    # reference to the page at acceptable_use.url, which it can change; a right to restrict use
    # remotely. None: the knowledge base records nothing either way.
    use_policy_by_reference = fields.Boolean(allow_none=True, load_default=None)
    remote_restriction = fields.Boolean(allow_none=True, load_default=None)
    output_training = fields.String(
        required=True,
        validate=validate.OneOf(
            (
                "allowed",
                "allowed_with_naming",
                "family_only",
                "derivative_passthrough",
                "research_only",
                "forbidden",
            )
        ),
    )
    pass_through = fields.String(
        required=True, validate=validate.OneOf(("none", "share_alike", "use_restrictions"))
    )
    territorial = fields.String(
        required=True, validate=validate.OneOf(("none", "eu_multimodal_excluded"))
    )
    field_of_use = fields.List(fields.String(validate=validate.Regexp(SNAKE)), load_default=list)
    hosting_is_distribution = fields.Boolean(load_default=False)
    patent = fields.String(
        required=True,
        validate=validate.OneOf(("express_grant", "ip_suit_termination", "none", "not_licensed")),
    )
    governing_law = fields.String(allow_none=True, load_default=None)
    url = fields.String(allow_none=True, load_default=None)
    notes = fields.String(allow_none=True, load_default=None)
    source = text()
    verified = fields.Boolean(required=True)
    unverified_facts = fields.List(fields.String(), load_default=list)


class LicensesSchema(Schema):
    version = text()
    licenses = fields.List(fields.Nested(LicenseSchema), required=True, validate=NON_EMPTY)


FORMATS = ("safetensors", "gguf", "pickle", "onnx", "other")


class ModelSchema(Schema):
    id = text()
    name = text()
    family = text()
    publisher = text()
    publisher_country = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2}$"))
    release_date = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-\d{2}$"))
    parameters_b = fields.Float(required=True, validate=validate.Range(0, min_inclusive=False))
    active_parameters_b = fields.Float(allow_none=True, load_default=None)
    modality = fields.List(
        fields.String(validate=validate.OneOf(MODALITIES)), required=True, validate=NON_EMPTY
    )
    license = text()
    base_models = fields.List(fields.String(), load_default=list)
    relation = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf(("finetune", "adapter", "distill", "merge", "quantized")),
    )
    weight_formats = fields.List(
        fields.String(validate=validate.OneOf(FORMATS)), required=True, validate=NON_EMPTY
    )
    gated = fields.Boolean(required=True)
    distributed_via = fields.List(fields.String(), load_default=list)
    notes = fields.String(allow_none=True, load_default=None)
    verified = fields.Boolean(required=True)
    # Sourced facts about this release (publisher-wide facts sit under `publishers`).
    maintenance = sourced.fact_field("maintenance")
    alignment = sourced.fact_field("alignment")


class ModelsSchema(Schema):
    version = text()
    # Facts about a publisher (by the exact `publisher` string of its models), each sourced.
    publishers = fields.Dict(
        keys=fields.String(validate=NON_EMPTY),
        values=fields.Nested(sourced.PublisherSchema),
        load_default=dict,
    )
    models = fields.List(fields.Nested(ModelSchema), required=True, validate=NON_EMPTY)


STANCES = ("allow", "review", "deny")


class LicenseStanceSchema(Schema):
    kinds = fields.Dict(
        keys=fields.String(validate=validate.OneOf(LICENSE_KINDS)),
        values=fields.String(validate=validate.OneOf(STANCES)),
        load_default=dict,
    )
    licenses = fields.Dict(
        keys=fields.String(),
        values=fields.String(validate=validate.OneOf(STANCES)),
        load_default=dict,
    )
    unknown = fields.String(load_default="review", validate=validate.OneOf(STANCES))
    # Answers that show the review a `review` stance asks for was done: {item id: [answers]}.
    review_met_by = fields.Dict(
        keys=fields.String(validate=validate.Regexp(ITEM_ID)),
        values=fields.List(fields.String(), validate=NON_EMPTY),
        load_default=dict,
    )


def weight_map(keys, required=True, **kw):
    return fields.Dict(
        keys=fields.String(validate=validate.OneOf(keys)),
        values=fields.Float(validate=validate.Range(0, min_inclusive=False)),
        required=required,
        **kw,
    )


class PolicySchema(Schema):
    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9_\-]*$"))
    name = text()
    version = text()
    description = fields.String(load_default="")
    domain_weights = fields.Dict(
        keys=fields.String(), values=fields.Float(validate=validate.Range(0, 1)), required=True
    )
    severity_weights = weight_map(SEVERITIES)
    rating = fields.String(required=True, validate=validate.OneOf(RATING_RULES))
    # Score thresholds that may raise a rating (never lower it); none when left out.
    ratings = weight_map(SEVERITIES[1:], required=False, load_default=dict)
    unknown_risk = fields.Float(required=True, validate=validate.Range(0, 1))
    unanswered_risk = fields.Float(required=True, validate=validate.Range(0, 1))
    decisions = fields.Dict(
        keys=fields.String(validate=validate.OneOf(SEVERITIES)),
        values=fields.String(validate=validate.OneOf(DECISIONS)),
        required=True,
    )
    due = fields.Dict(
        keys=fields.String(validate=validate.OneOf(SEVERITIES)),
        values=fields.String(validate=validate.OneOf(DUES)),
        required=True,
    )
    policy_conditions = fields.Dict(
        keys=fields.String(validate=validate.OneOf(POLICY_CONDITIONS)),
        values=fields.String(validate=validate.OneOf(SEVERITIES)),
        required=True,
    )
    max_unknown_share = fields.Float(required=True, validate=validate.Range(0, 1))
    review_interval_days = fields.Integer(required=True, validate=validate.Range(1, 3650))
    # An approval against a reject decision (risk accepted) lasts at most this long.
    risk_acceptance_days = fields.Integer(load_default=90, validate=validate.Range(1, 3650))
    # An approval falls due for re-assessment this many days before it expires...
    reminder_days = fields.Integer(load_default=30, validate=validate.Range(1, 3650))
    # ...and the deployment gate still honours it this many days after it fell due.
    grace_days = fields.Integer(load_default=14, validate=validate.Range(0, 3650))
    license_stance = fields.Nested(LicenseStanceSchema, required=True)
    publisher_countries_review = fields.List(
        fields.String(validate=validate.Regexp(r"^[A-Z]{2}$")), load_default=list
    )
