"""Crosswalk: for each framework identifier, the checklist items that cite it."""

from __future__ import annotations

from ..application import InputError, catalogue
from ..errors import validation_problem
from .assessments import content
from .auth import require
from .base import ApiBlueprint, json_response
from .catalogue_schemas import CrosswalkSchema
from .inputs import CrosswalkArgsSchema

PATH = "/crosswalk"
blp = ApiBlueprint(
    "crosswalk",
    __name__,
    tag="crosswalk",
    description="Framework identifiers mapped to checklist items.",
)


@blp.route("", methods=["GET"], operation_id="getCrosswalk")
@require("assessments:read")
@blp.arguments(CrosswalkArgsSchema, location="query", as_kwargs=True)
@blp.response(200, CrosswalkSchema(many=True))
def get_crosswalk(framework: str | None = None):
    """Map framework identifiers to the items that cite them

    Optionally only one framework (`framework`, a key of /checklists frameworks such as
    OWASP-LLM-2025).
    """
    try:
        return json_response(catalogue.crosswalk(content(), framework))
    except InputError as exc:  # a query parameter: no pointer into a body
        raise validation_problem(
            [{**e, "pointer": "", "in": "query"} for e in exc.errors]
        ) from None
