"""The JSON API under /api/v1: flask-smorest, one blueprint per resource, OpenAPI 3.0.3."""

from __future__ import annotations

from flask import Flask

from ..application.inputs import AnswerObjectSchema, AnswersField, assessment_schema
from . import (
    assessments,
    auth,
    checklists,
    crosswalk,
    evidence,
    exchange,
    gate,
    licenses,
    models,
    policies,
    portfolio,
    reviews,
    score,
    webhooks,
)
from .document import ModelriskApi, tags
from .exchange_schemas import PrefillInputSchema

PREFIX = "/api/v1"
BLUEPRINTS = (
    assessments,
    score,
    reviews,
    evidence,
    gate,
    exchange,
    portfolio,
    checklists,
    policies,
    licenses,
    models,
    crosswalk,
    webhooks,
)
DESCRIPTION = """\
Risk assessments of open-weight AI model deployments, for procurement and GRC tools.

**Keys.** Send `Authorization: Bearer <key>` (or `X-API-Key: <key>`) on every call except this
document. Keys look like `mr_live_XXXXXXXX_...`, carry scopes (`assessments:read`,
`assessments:write`, `reviews:write`, `gate:read`, `admin`; admin implies all) and are created with
`flask --app wsgi keys create --name NAME --scopes a,b [--owner EMAIL]`. A missing or invalid
key gives 401, a key without the operation's scope 403.

**Errors.** Every error is RFC 9457 `application/problem+json` with `type`, `title`, `status`,
`detail`, `instance`; validation problems (422) list `errors: [{field, pointer, message, in}]`
(the first 50) and `error_count`, `pointer` being a JSON Pointer into the body. Problem types
are `tag:modelrisk,2026:problem:<name>`: validation-error, invalid-json,
unsupported-media-type, body-too-large, unauthorized, insufficient-scope, four-eyes,
role-required, not-owner, invalid-state, no-input-changed, report-timeout,
idempotency-key-reused, idempotency-key-required, rate-limited, too-many-rows; plain HTTP
errors use about:blank.

**People.** A key created with an owner (`keys create --owner EMAIL`) acts for that account; a
key without one is a service key. Reviews are made by people: nobody reviews an assessment they
submitted any revision of, through their account or any key they own, and service keys never
review. Only the submitter of an assessment, or an administrator, may revise it.

**Retries.** POST operations that store accept `Idempotency-Key` (1-255 characters, a UUID per
operation): a repeat with the same key and body replays the first response (with
`Idempotent-Replayed: true`), the same key with another body is 422, and a repeat sent while
the first is still running waits for it and replays its response. The header is optional unless
the service is configured to require it (428). Keys are kept 24 hours.

**Limits.** Bodies up to 2 MiB (413); strings and lists are bounded (422 names the field); each
key has a request budget per time window (429 with `Retry-After`, and `X-RateLimit-*` headers).

**Lists** take `page` and `per_page` (at most 100) and return `{items, page, per_page, total,
total_pages, links}`, with an RFC 8288 `Link` header (next, prev, first, last).
"""


def init_app(app: Flask, content) -> ModelriskApi:
    """Register the API, its blueprints and its document on the app."""
    # The document's text is part of the API, not a setting (service.config has the settings).
    app.config["API_SPEC_OPTIONS"] = {
        "info": {"description": DESCRIPTION},
        "tags": tags(m.blp for m in BLUEPRINTS),
    }
    api = ModelriskApi(app)
    auth.init_app(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "mr_live_... API key"}
    )
    api.spec.components.security_scheme(
        "apiKeyHeader", {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    )
    api.register_field(AnswersField, "object", None)
    _register_input_schema(api, content)
    for module in BLUEPRINTS:
        api.register_blueprint(module.blp, url_prefix=PREFIX + module.PATH)
    return api


def _register_input_schema(api: ModelriskApi, content) -> None:
    api.spec.components.schema("PrefillInput", schema=PrefillInputSchema)
    api.spec.components.schema("Answer", schema=AnswerObjectSchema)
    api.spec.components.schema("AssessmentInput", schema=assessment_schema(content))
    props = api.spec.components.schemas["AssessmentInput"]["properties"]
    props["answers"].update(
        additionalProperties={
            "title": "AnswerValue",
            "oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/Answer"}],
        },
        description="Item id (see /api/v1/checklists) to an option value, or to {value, note, "
        "evidence_url, justification}. `unknown` is accepted for every item; "
        "unanswered applicable items count as fully risky.",
        example={
            "SEC-01": "official",
            "SEC-02": {"value": "safetensors_only", "note": "Checked the repository files."},
        },
    )
    props["policy"]["description"] = "Policy id (see /api/v1/policies); default `default`."
