"""Portfolio impact: what the content and policy loaded now would decide differently."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..application import portfolio
from ..store.context import get_db
from .assessments import content
from .auth import require
from .base import ApiBlueprint, json_response

PATH = "/portfolio"
blp = ApiBlueprint(
    "portfolio",
    __name__,
    tag="portfolio",
    description="The stored assessments as a whole: the impact of changed content or policy.",
)


class ImpactArgsSchema(Schema):
    policy = fields.String(
        validate=validate.Length(1, 100),
        metadata={"description": "Re-score under this policy instead of each one's own."},
    )


class VerdictSchema(Schema):
    decision = fields.String(required=True)
    rating = fields.String(required=True)
    score = fields.Float(required=True)
    blockers = fields.List(fields.String(), required=True, metadata={"description": "kind:item"})
    policy_version = fields.String(required=True)
    content_versions = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class ImpactIdentity(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.String(required=True)
    model_id = fields.String(allow_none=True, required=True)
    model_name = fields.String(allow_none=True, required=True)
    policy_id = fields.String(required=True)


class ImpactChangeSchema(ImpactIdentity):
    changed = fields.List(
        fields.String(validate=validate.OneOf(("decision", "rating", "blockers"))), required=True
    )
    before = fields.Nested(VerdictSchema, required=True)
    after = fields.Nested(VerdictSchema, required=True)


class ImpactErrorSchema(Schema):
    field = fields.String(required=True)
    pointer = fields.String(required=True)
    message = fields.String(required=True)


class ImpactUnscorableSchema(ImpactIdentity):
    errors = fields.List(fields.Nested(ImpactErrorSchema), required=True)


class ImpactSummarySchema(Schema):
    assessed = fields.Integer(required=True)
    changed = fields.Integer(required=True)
    approved_changed = fields.Integer(required=True)
    unscorable = fields.Integer(required=True)


class ImpactContentSchema(Schema):
    hash = fields.String(required=True)
    versions = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class ImpactSchema(Schema):
    policy = fields.String(allow_none=True, required=True)
    content = fields.Nested(ImpactContentSchema, required=True)
    summary = fields.Nested(ImpactSummarySchema, required=True)
    changes = fields.List(fields.Nested(ImpactChangeSchema), required=True)
    unscorable = fields.List(fields.Nested(ImpactUnscorableSchema), required=True)


@blp.route("/impact", methods=["GET"], operation_id="getPortfolioImpact")
@require("assessments:read")
@blp.arguments(ImpactArgsSchema, location="query", as_kwargs=True)
@blp.response(200, ImpactSchema)
def impact(policy=None):
    """Which current assessments the loaded content would decide differently

    Re-scores every current assessment (the latest revision of each, and an approval still in
    force while a newer revision awaits review) against the checklists, licences, models and
    policies loaded now, under its own policy or `policy`, and lists those whose decision,
    rating or blockers would change, with the content versions before and after; assessments
    whose input the content no longer accepts are listed as `unscorable`.
    Nothing stored changes. Assessments scored with the loaded content, policy and engine are
    not re-scored: they cannot change.
    """
    return json_response(portfolio.impact_report(content(), get_db(), policy))
