"""Import and export: pre-fill a draft from a model card or an ML-BOM, export an assessment as
CycloneDX 1.6, and the register as CSV."""

from __future__ import annotations

import json

from flask import Response, request
from marshmallow import ValidationError

from ..application import exchange
from ..application.inputs import flatten_errors
from ..errors import validation_problem
from ..store.context import get_db
from .assessments import content, since_filter
from .auth import require
from .base import ApiBlueprint, documents_json_body, documents_not_found, json_body, json_response
from .exchange_schemas import DraftSchema, PrefillInputSchema
from .inputs import RegisterArgsSchema

PATH = ""
blp = ApiBlueprint(
    "exchange",
    __name__,
    tag="exchange",
    description="Pre-fill from a model card or ML-BOM; export as CycloneDX or CSV.",
)
MULTIPART = {
    "title": "PrefillUpload",
    "type": "object",
    "required": ["document"],
    "properties": {
        "document": {
            "type": "string",
            "format": "binary",
            "description": "README.md (a model card) or a CycloneDX ML-BOM (.json)",
        },
        "files": {
            "type": "string",
            "format": "binary",
            "description": "The Hub's model information (JSON), for a model card",
        },
        "repo_id": {"type": "string", "maxLength": 200},
    },
}
PREFILL_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/PrefillInput"}},
        "multipart/form-data": {"schema": MULTIPART},
    },
}
TEXT = {"type": "string"}


@blp.route("/prefill", methods=["POST"], operation_id="prefillAssessment")
@require("assessments:read")
@blp.doc(requestBody=PREFILL_BODY)
@blp.response(200, DraftSchema)
@documents_json_body
def prefill():
    """Pre-fill an assessment from a model card or an ML-BOM

    Reads a Hugging Face model card (README.md, optionally with the Hub's model information and
    its `siblings` file listing) or a CycloneDX ML-BOM, and returns a draft: the model fields,
    base models, the licence mapped to the knowledge base, the answers the documents settle
    (each with its fact and source) and a warning for everything left to the assessor. Nothing
    is stored; complete the draft's `body` and submit it to POST /api/v1/assessments. Send JSON
    (`model_card` or `bom`) or multipart/form-data (`document`, `files`, `repo_id`).
    """
    if request.mimetype == "multipart/form-data":
        document, files, repo_id = _multipart()
    else:
        document, files, repo_id = _json()
    return json_response(exchange.prefill(content(), document, files, repo_id))


def _json():
    try:
        data = PrefillInputSchema().load(json_body())
    except ValidationError as exc:
        errors = [{**e, "in": "json"} for e in flatten_errors(exc.messages)]
        raise validation_problem(errors) from None
    if "bom" in data:
        return json.dumps(data["bom"]), None, None
    return data["model_card"], data.get("files"), data.get("repo_id")


def _multipart():
    document = request.files.get("document")
    if document is None:
        raise validation_problem(
            [{"field": "document", "pointer": "", "in": "form", "message": "attach the file"}]
        )
    files = request.files.get("files")
    repo_id = request.form.get("repo_id") or None
    return document.read(), files.read() if files else None, repo_id


@blp.route(
    "/assessments/<assessment_id>/cyclonedx.json",
    methods=["GET"],
    operation_id="exportCycloneDx",
)
@require("assessments:read")
@blp.doc(
    responses={
        "200": {
            "description": "A CycloneDX 1.6 JSON document: the model component, the checklists "
            "as a standard, each finding as a claim with evidence, the decision and reviews as "
            "attestations.",
            "content": {
                "application/vnd.cyclonedx+json": {
                    "schema": {"description": "https://cyclonedx.org/docs/1.6/json/"}
                }
            },
        }
    }
)
@documents_not_found
def cyclonedx(assessment_id: str):
    """Export an assessment as CycloneDX 1.6 (ML-BOM with declarations)"""
    document = exchange.cyclonedx(get_db(), assessment_id)
    response = json_response(document)
    response.mimetype = "application/vnd.cyclonedx+json"
    response.headers["Content-Disposition"] = f'attachment; filename="{assessment_id}.cdx.json"'
    return response


@blp.route("/assessments.csv", methods=["GET"], operation_id="exportRegister")
@require("assessments:read")
@blp.arguments(RegisterArgsSchema, location="query", as_kwargs=True)
@blp.doc(
    responses={
        "200": {
            "description": "The register: a header row, then one row per assessment, newest "
            "first. Cells that a spreadsheet would read as a formula start with an apostrophe.",
            "content": {"text/csv": {"schema": TEXT}},
        }
    }
)
@blp.alt_response(422, description="Too many rows match; narrow the filters.")
def register(since=None, **filters):
    """Export the register as CSV, with the list's filters"""
    if since is not None:
        filters["since"] = since_filter(since)
    lines = exchange.register_csv(get_db(), filters)
    response = Response("".join(lines), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="assessments.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
