"""Checklists: every item, option, label and risk fraction, to build a form from."""

from __future__ import annotations

from ..application import catalogue
from .assessments import content
from .auth import require
from .base import ApiBlueprint, documents_not_found, json_response
from .catalogue_schemas import ChecklistIndexSchema, ChecklistSchema

PATH = "/checklists"
blp = ApiBlueprint(
    "checklists",
    __name__,
    tag="checklists",
    description="The questions, their options and risk fractions.",
)


@blp.route("", methods=["GET"], operation_id="listChecklists")
@require("assessments:read")
@blp.response(200, ChecklistIndexSchema)
def list_checklists():
    """List the checklists and the deployment fields of the body

    `deployment` describes the body's `deployment` object: each field's type, whether it is
    required and its allowed values.
    """
    c = content()
    versions = dict(sorted(c.versions.items()))
    return json_response(
        {
            "checklists": catalogue.checklists(c),
            "deployment": catalogue.deployment_fields(c),
            "content": {"hash": c.hash, "versions": versions},
        }
    )


@blp.route("/<domain>", methods=["GET"], operation_id="getChecklist")
@require("assessments:read")
@blp.response(200, ChecklistSchema)
@documents_not_found
def get_checklist(domain: str):
    """Read one checklist with every item and option"""
    return json_response(catalogue.checklist(content(), domain))
