"""The one error handler: RFC 9457 problem details under /api, an HTML error page elsewhere.

Application errors (service.application.errors) are mapped here, by their kind, to a status;
the edges raise them as they come and never translate them on their own.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus

from flask import Flask, Response, current_app, render_template, request
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError

from .application.errors import ApplicationError

API_PREFIX = "/api/"
PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "tag:modelrisk,2026:problem:"
log = logging.getLogger(__name__)

# Problem types named once here and in docs/api.md; generic statuses use about:blank.
TYPES = {
    "validation-error": "The request has fields that are missing or invalid; see `errors`.",
    "invalid-json": "The body is not well-formed JSON.",
    "unsupported-media-type": "Send the body as JSON with Content-Type: application/json.",
    "body-too-large": "The request body is larger than the service accepts.",
    "unauthorized": "No valid API key was given.",
    "insufficient-scope": "The API key lacks the scope this operation needs.",
    "four-eyes": "Nobody reviews an assessment they submitted a revision of; a service key "
    "never reviews.",
    "role-required": "The account the credential acts for lacks the role this operation needs.",
    "not-owner": "Only the person who submitted an assessment, or an administrator, may revise it.",
    "invalid-state": "The assessment's status does not allow this operation.",
    "no-input-changed": "A new revision must change the input of the latest one.",
    "report-timeout": "The report did not render within the service's time budget.",
    "idempotency-key-reused": "The Idempotency-Key was used before with a different request.",
    "idempotency-key-required": "This operation needs an Idempotency-Key header.",
    "rate-limited": "Too many requests for this API key; wait for Retry-After seconds.",
    "too-many-rows": "More rows match than one export carries; narrow the filters.",
}
# The HTTP status of each kind of application error.
STATUS = {
    "validation-error": 422,
    "not-found": 404,
    "four-eyes": 403,
    "role-required": 403,
    "not-owner": 403,
    "invalid-state": 409,
    "no-input-changed": 409,
    "report-timeout": 503,
    "login-refused": 401,
    "password-expired": 401,
    "throttled": 429,
    "unauthorized": 401,
    "insufficient-scope": 403,
    "rate-limited": 429,
    "idempotency-key-reused": 422,
    "too-many-rows": 422,
}
CHALLENGE = 'Bearer realm="modelrisk"'
MAX_ERRORS = 50  # field errors listed in a problem; `error_count` says how many there were


class Problem(HTTPException):
    """An HTTP error with a problem type, a detail and optional field errors and headers."""

    def __init__(
        self,
        status: int,
        detail: str,
        kind: str | None = None,
        errors: list[dict] | None = None,
        headers: dict | None = None,
        title: str | None = None,
    ):
        super().__init__(description=detail)
        self.code = status
        self.kind = kind
        self.errors = errors
        self.extra_headers = headers or {}
        self.title = title


def problem_type(kind: str | None) -> str:
    """The `type` URI of a named problem, or about:blank."""
    return TYPE_BASE + kind if kind else "about:blank"


def validation_problem(errors: list[dict], status: int = 422) -> Problem:
    """A validation problem listing every {field, pointer, message}."""
    shown = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:3])
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return Problem(
        status, f"{len(errors)} field(s) need fixing: {shown}{more}", "validation-error", errors
    )


def from_application(exc: ApplicationError) -> Problem:
    """The problem an application error stands for: its status, type, fields and headers."""
    if exc.errors is not None:
        # The application is handed bodies: a field error is `in` the JSON body unless it says.
        errors = [{**e, "in": e.get("in", "json")} for e in exc.errors]
        problem = validation_problem(errors, STATUS.get(exc.kind, 422))
        problem.kind = exc.kind
        return problem
    kind = exc.kind if exc.kind in TYPES else None
    return Problem(STATUS.get(exc.kind, 400), exc.message, kind, headers=_headers(exc))


def _headers(exc: ApplicationError) -> dict:
    """Headers an error needs on the wire: the auth challenge, the rate-limit state."""
    headers = rate_limit_headers(exc.facts.get("limits"))
    if exc.kind == "unauthorized":
        invalid = ', error="invalid_token"' if exc.facts.get("presented") else ""
        headers["WWW-Authenticate"] = CHALLENGE + invalid
    elif exc.kind == "insufficient-scope":
        headers["WWW-Authenticate"] = (
            CHALLENGE + f', error="insufficient_scope", scope="{exc.facts["scope"]}"'
        )
    elif exc.kind == "rate-limited":
        headers["Retry-After"] = str(exc.facts["limits"]["reset"])
    return headers


def rate_limit_headers(limits: dict | None) -> dict:
    """X-RateLimit-Limit, -Remaining and -Reset for a key's window (none when it is off)."""
    if not limits:
        return {}
    return {
        "X-RateLimit-Limit": str(limits["limit"]),
        "X-RateLimit-Remaining": str(limits["remaining"]),
        "X-RateLimit-Reset": str(limits["reset"]),
    }


def _from_exception(exc: Exception) -> Problem:
    """Map application and framework exceptions onto problems."""
    if isinstance(exc, Problem):
        return exc
    if isinstance(exc, ApplicationError):
        return from_application(exc)
    if isinstance(exc, HTTPException):
        kind = "body-too-large" if exc.code == 413 else None
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        return Problem(exc.code or 500, exc.description or "", kind, headers=headers)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return Problem(500, InternalServerError.description)


def handle(exc: Exception) -> Response:
    """Render any error: problem+json for /api paths, an HTML page for everything else."""
    problem = _from_exception(exc)
    status = problem.code
    title = problem.title or HTTPStatus(status).phrase
    if request.path.startswith(API_PREFIX):
        response = Response(json.dumps(_body(problem, title)), status, mimetype=PROBLEM_JSON)
    else:
        response = Response(_page(status, title, problem.description), status, mimetype="text/html")
    for name, value in problem.extra_headers.items():
        response.headers[name] = value
    return response


def _body(problem: Problem, title: str) -> dict:
    body = {
        "type": problem_type(problem.kind),
        "title": title,
        "status": problem.code,
        "detail": problem.description,
        "instance": request.path,
    }
    if problem.errors is not None:
        # A body of 150,000 unknown keys must not come back as 150,000 errors (megabytes).
        body["errors"] = problem.errors[:MAX_ERRORS]
        body["error_count"] = len(problem.errors)
    return body


def _page(status: int, title: str, detail: str) -> str:
    try:
        return render_template("error.html", status=status, title=title, detail=detail)
    except Exception:  # noqa: BLE001 - the error page must render even when templates cannot
        if current_app.debug:
            log.exception("error.html could not be rendered")
        return (
            f'<!doctype html><html lang="en"><meta charset="utf-8">'
            f"<title>{status} {escape(title)}</title><h1>{escape(title)}</h1>"
            f"<p>{escape(detail)}</p></html>"
        )


def init_app(app: Flask) -> None:
    """Route every exception through `handle`."""
    for exc in (HTTPException, ApplicationError, Exception):
        app.register_error_handler(exc, handle)
