"""Licences: the recorded, sourced facts licensing answers are derived from."""

from __future__ import annotations

from ..application import catalogue
from .assessments import content
from .auth import require
from .base import ApiBlueprint, json_response
from .schemas import LicenseFactsSchema

PATH = "/licenses"
blp = ApiBlueprint("licenses", __name__, tag="licenses", description="The licence knowledge base.")


@blp.route("", methods=["GET"], operation_id="listLicenses")
@require("assessments:read")
@blp.response(200, LicenseFactsSchema(many=True))
def list_licenses():
    """List the licences and their facts"""
    return json_response(catalogue.licenses(content()))
