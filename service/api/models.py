"""Models: the catalogue a body may name by hub id."""

from __future__ import annotations

from ..application import catalogue
from .assessments import content
from .auth import require
from .base import ApiBlueprint, json_response
from .catalogue_schemas import CatalogueModelSchema

PATH = "/models"
blp = ApiBlueprint("models", __name__, tag="models", description="The model catalogue.")


@blp.route("", methods=["GET"], operation_id="listModels")
@require("assessments:read")
@blp.response(200, CatalogueModelSchema(many=True))
def list_models():
    """List the catalogue models and their facts"""
    return json_response(catalogue.models(content()))
