"""Evidence files: upload one (multipart), download one."""

from __future__ import annotations

from flask import Response, g, request

from ..application import evidence, keys
from ..errors import Problem, validation_problem
from ..store.context import get_db
from .auth import require
from .base import ApiBlueprint, documents_not_found, json_reply
from .gate_schemas import EvidenceSchema
from .idempotency import idempotent, once, respond

PATH = "/evidence"
blp = ApiBlueprint(
    "evidence",
    __name__,
    tag="evidence",
    description="Upload evidence files that answers cite, and download them.",
)
# The file may be 10 MiB; the multipart framing and the two text fields need a little more.
REQUEST_LIMIT = evidence.MAX_BYTES + 64 * 1024
UPLOAD = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "title": "EvidenceUpload",
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "PDF, PNG, JPEG, JSON, CSV or UTF-8 text; at most 10 MiB. "
                        "The type is read from the bytes.",
                    },
                    "description": {"type": "string", "maxLength": evidence.MAX_DESCRIPTION},
                    "expires_on": {"type": "string", "format": "date"},
                },
            }
        }
    },
}
FILE_TYPES = ("application/pdf", "image/png", "image/jpeg", "application/json", "text/csv")


@blp.route("", methods=["POST"], operation_id="createEvidence")
@require("assessments:write")
@blp.doc(requestBody=UPLOAD)
@blp.response(201, EvidenceSchema)
@blp.alt_response(413, description="The request is larger than 10 MiB and a little framing.")
@blp.alt_response(415, description="Send multipart/form-data.")
@blp.alt_response(422, description="A field is missing or invalid (the file's type, its size).")
@idempotent
def create_evidence():
    """Upload an evidence file

    Stores the file under its SHA-256 with an optional `expires_on` date and a description,
    and returns its id; cite the id in an answer (`answers.SEC-05.evidence: [id]`). The type is
    read from the bytes: PDF, PNG, JPEG, JSON, CSV or UTF-8 text. An upload nobody cites is
    deleted after 7 days (`flask --app wsgi evidence purge`); a cited one is kept unchanged.
    """
    request.max_content_length = REQUEST_LIMIT
    if request.mimetype != "multipart/form-data":
        raise Problem(
            415,
            "Send the file as multipart/form-data, in the field 'file'.",
            "unsupported-media-type",
        )
    upload = request.files.get("file")
    if upload is None:
        raise validation_problem(
            [{"field": "file", "pointer": "", "in": "form", "message": "attach the file"}]
        )
    data = upload.stream.read(evidence.MAX_BYTES + 1)
    done = evidence.upload(
        get_db(),
        data,
        upload.filename,
        keys.actor(g.api_key),
        request.form.get("description"),
        request.form.get("expires_on"),
        once=once(_created),
    )
    return respond(done.reply or _created(done))


def _created(done: evidence.Uploaded):
    """The 201 of an upload: its record (nobody cites it yet)."""
    return json_reply({**done.record, "cited": False}, 201)


@blp.route("/<evidence_id>", methods=["GET"], operation_id="getEvidence")
@require("assessments:read")
@blp.doc(
    responses={
        "200": {
            "description": "The file as an attachment, with the type read from its bytes at "
            "upload (text as text/plain or text/csv with charset=utf-8); ETag is its SHA-256.",
            "content": {
                kind: {"schema": {"type": "string", "format": "binary"}}
                for kind in (*FILE_TYPES, "text/plain")
            },
        }
    }
)
@blp.alt_response(304, description="Not modified (If-None-Match matched the ETag).")
@documents_not_found
def get_evidence(evidence_id: str):
    """Download an evidence file"""
    record, data, content_type = evidence.download(get_db(), evidence_id)
    response = Response(data, content_type=content_type)
    response.set_etag(record["sha256"])
    response.headers.update(evidence.served_headers(record))
    return response.make_conditional(request)
