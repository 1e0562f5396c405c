"""The deployment gate: may these exact files be deployed for this use now?"""

from __future__ import annotations

from flask import g

from ..application import gate, keys
from ..store.context import get_db
from .auth import require
from .base import ApiBlueprint, documents_json_body, json_body, json_response
from .gate_schemas import GateSchema

PATH = "/gate"
blp = ApiBlueprint(
    "gate",
    __name__,
    tag="gate",
    description="Ask whether exact model files are approved for a use, now.",
)
BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "title": "GateCheck",
                "type": "object",
                "required": ["model", "use"],
                "additionalProperties": False,
                "properties": {
                    "model": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": gate.MAX_TEXT,
                        "description": "Catalogue id or model name, as the assessment has it.",
                    },
                    "use": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": gate.MAX_TEXT,
                        "description": "The assessment's id (any revision) or its title.",
                    },
                    "files": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 4096,
                        "items": {
                            "title": "GateFile",
                            "type": "object",
                            "required": ["path", "sha256"],
                            "properties": {
                                "path": {"type": "string", "minLength": 1, "maxLength": 512},
                                "sha256": {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"},
                            },
                        },
                    },
                    "manifest_digest": {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"},
                },
            }
        }
    },
}


@blp.route("", methods=["POST"], operation_id="checkGate")
@require("gate:read")
@blp.doc(requestBody=BODY)
@blp.response(200, GateSchema)
@documents_json_body
def check_gate():
    """Check files against the approval for a use

    Give the model, the use (the assessment's id or title) and either the files with their
    SHA-256 or their manifest digest. The answer says whether they are allowed now; when not,
    `reasons` says why: no approval, a different model, expired, risk acceptance expired,
    re-assessment overdue past its grace period, no artefact on the approval, or different
    weights (naming the changed, missing and extra files). Every answer is recorded in the
    audit trail. A refusal is a 200 with `allowed: false`.
    """
    return json_response(gate.check(get_db(), json_body(), keys.actor(g.api_key)))
