"""The API's building blocks: strict JSON bodies, a parser that speaks problem+json, a Blueprint
that names every operation and documents its auth, errors and idempotency, and JSON responses."""

from __future__ import annotations

import json
import re
from copy import deepcopy

import flask_smorest
from flask import Response, current_app, request
from marshmallow import fields
from webargs import core
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import RequestEntityTooLarge

from ..application.idempotency import Reply
from ..application.inputs import flatten_errors, surrogate_errors
from ..errors import Problem, validation_problem

JSON_BODY_RESPONSES = {
    400: "BAD_REQUEST",
    413: "REQUEST_ENTITY_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "UNPROCESSABLE_ENTITY",
}
AUTH_RESPONSES = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 429: "TOO_MANY_REQUESTS"}
IDEMPOTENT_RESPONSES = {409: "CONFLICT", 422: "UNPROCESSABLE_ENTITY", 428: "PRECONDITION_REQUIRED"}
SECURITY = [{"bearerAuth": []}, {"apiKeyHeader": []}]
IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": "A unique value (a UUID) per operation: a retry with the same key and body "
    "replays the first response instead of acting twice.",
}
# Generated clients name their methods after these (create_assessment, createAssessment...).
OPERATION_ID = re.compile(r"^[a-z]+(?:[A-Z][a-z0-9]*)*$")


def json_body():
    """The request body as JSON: 415 unless it is declared JSON, 400 when it does not parse.

    A string holding an unpaired UTF-16 surrogate (`"\\ud800"`) parses but is not Unicode and
    cannot be stored, hashed or shown: 422 naming the field.
    """
    if not core.is_json(request.mimetype):
        raise Problem(
            415,
            "Send the body as JSON with the header Content-Type: application/json"
            f" (got {request.mimetype or 'no Content-Type'}).",
            "unsupported-media-type",
        )
    raw = request.get_data(cache=True)  # raises 413 past MAX_CONTENT_LENGTH
    limit = request.max_content_length
    if request.content_length is None and limit is not None and len(raw) >= limit:
        # A chunked body (no Content-Length) is cut at the limit, not refused: refuse it here.
        raise RequestEntityTooLarge()
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Problem(400, f"The body is not valid JSON: {exc}.", "invalid-json") from None
    except RecursionError:
        raise Problem(
            400, "The body is not valid JSON: it is nested too deeply.", "invalid-json"
        ) from None
    if not raw.isascii() or b"\\u" in raw:  # only then can a surrogate be in a string
        errors = [{**e, "in": "json"} for e in surrogate_errors(data)]
        if errors:
            raise validation_problem(errors)
    return data


def mark(func, **flags):
    """Record documentation flags (operation id, scope, json_body, idempotent, not_found)."""
    func._apidoc = deepcopy(getattr(func, "_apidoc", {}))
    func._apidoc.setdefault("modelrisk", {}).update(flags)
    return func


def documents_json_body(func):
    """Mark a view that reads a JSON body (documents 400, 413, 415 and 422)."""
    return mark(func, json_body=True)


def documents_not_found(func):
    """Mark a view that answers 404 for an unknown id."""
    return mark(func, not_found=True)


class ComponentRef(fields.Raw):
    """Documented as a reference to a named component that is built at start-up (from the
    content), where a Nested field could name no schema class."""

    def __init__(self, component: str, **kwargs):
        super().__init__(**kwargs)
        self.component = component


class ApiParser(FlaskParser):
    """webargs parser: JSON bodies go through `json_body`; errors become problem details."""

    def _raw_load_json(self, req):
        return json_body()

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        errors = []
        for location, messages in error.normalized_messages().items():
            for e in flatten_errors(messages):
                if location != "json":
                    e["pointer"] = ""
                errors.append({**e, "in": location})
        raise validation_problem(errors)


class ApiBlueprint(flask_smorest.Blueprint):
    """One resource of /api/v1, tagged with its resource name and documented from view flags.

    The tag needs a description and every operation a stable camelCase operation id: generated
    clients name their classes and methods after them, so both are part of the contract.
    """

    ARGUMENTS_PARSER = ApiParser()

    def __init__(self, name: str, import_name: str, *, tag: str, description: str, **kwargs):
        if not description:
            raise ValueError(f"the tag {tag!r} needs a description")
        super().__init__(f"api_{name}", import_name, description=description, **kwargs)
        self.tag = tag
        self._prepare_doc_cbks.append(self._prepare_modelrisk_doc)

    def route(self, rule, *, operation_id: str, methods, parameters=None, tags=None, **options):
        """Register a view for one method under this resource's tag, named `operation_id`."""
        if not OPERATION_ID.match(operation_id):
            raise ValueError(f"operation id {operation_id!r} is not camelCase (createAssessment)")
        if len(methods) != 1:
            raise ValueError(f"{operation_id}: one method per view, so one operation id per view")
        register = super().route(
            rule, parameters=parameters, tags=tags or [self.tag], methods=methods, **options
        )

        def decorator(view):
            return register(mark(view, operation_id=operation_id))

        return decorator

    @staticmethod
    def _prepare_modelrisk_doc(doc, doc_info, **kwargs):
        flags = doc_info.get("modelrisk", {})
        doc["operationId"] = flags["operation_id"]
        responses = doc.setdefault("responses", {})
        wanted = {}
        if flags.get("scope"):
            wanted.update(AUTH_RESPONSES)
            doc["security"] = deepcopy(SECURITY)
            scope = flags["scope"]
            note = f"Requires an API key with the scope `{scope}` (or `admin`)."
            docstring = doc_info.setdefault("docstring", {})
            docstring["description"] = (docstring.get("description", "") + "\n\n" + note).strip()
            doc["x-required-scope"] = scope
        if flags.get("json_body"):
            wanted.update(JSON_BODY_RESPONSES)
        if flags.get("idempotent"):
            wanted.update(IDEMPOTENT_RESPONSES)
            doc.setdefault("parameters", []).append(deepcopy(IDEMPOTENCY_PARAMETER))
        if flags.get("not_found"):
            wanted[404] = "NOT_FOUND"
        for code, ref in wanted.items():
            if code not in responses and str(code) not in responses:
                responses[code] = ref
        return doc


def json_reply(data, status: int = 200, headers: dict | None = None) -> Reply:
    """A JSON reply of `data`, encoded once: the body a response sends and a replay repeats."""
    body = (current_app.json.dumps(data) + "\n").encode()
    return Reply(status, {"Content-Type": "application/json", **(headers or {})}, body)


def json_response(data, status: int = 200, headers: dict | None = None) -> Response:
    """A JSON response of `data` as it is (never filtered through a schema)."""
    response = current_app.json.response(data)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
