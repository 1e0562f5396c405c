"""Policies: each organisation's risk appetite that a body may name."""

from __future__ import annotations

from ..application import catalogue
from .assessments import content
from .auth import require
from .base import ApiBlueprint, json_response
from .catalogue_schemas import PolicySchema

PATH = "/policies"
blp = ApiBlueprint(
    "policies",
    __name__,
    tag="policies",
    description="Risk appetites: weights, thresholds, decisions, licence stance.",
)


@blp.route("", methods=["GET"], operation_id="listPolicies")
@require("assessments:read")
@blp.response(200, PolicySchema(many=True))
def list_policies():
    """List the policies"""
    return json_response(catalogue.policies(content()))
