"""Assessments: submit (and revise), list, read, and download the PDF report."""

from __future__ import annotations

import math

from flask import Response, current_app, g, request, url_for

from .. import times
from ..application import assessments, keys, reports
from ..application.reports import ReportSettings
from ..errors import validation_problem
from ..store.context import get_db
from .auth import require
from .base import (
    ApiBlueprint,
    documents_json_body,
    documents_not_found,
    json_body,
    json_reply,
    json_response,
)
from .idempotency import idempotent, once, respond
from .inputs import ListArgsSchema
from .schemas import AssessmentCreatedSchema, AssessmentPageSchema, AssessmentSchema

PATH = "/assessments"
blp = ApiBlueprint(
    "assessments",
    __name__,
    tag="assessments",
    description="Submit assessments and read their verdicts.",
)
INPUT_REF = {"$ref": "#/components/schemas/AssessmentInput"}
INPUT = {"required": True, "content": {"application/json": {"schema": INPUT_REF}}}
LOCATION = {"Location": {"description": "URL of the new assessment", "schema": {"type": "string"}}}
BINARY = {"type": "string", "format": "binary"}
# The report is a PDF; generic clients (openapi-python-client among them) read bytes only as
# application/octet-stream, so they may ask for the same bytes under that type.
REPORT_TYPES = ("application/pdf", "application/octet-stream")


def content():
    """The validated content the app loaded."""
    return current_app.extensions["modelrisk.content"]


def links(stored: dict) -> dict:
    """Where a client finds the assessment, its report, reviews and revisions."""
    aid = stored["id"]
    return {
        "self": url_for("api_assessments.get_assessment", assessment_id=aid),
        "report": url_for("api_assessments.report", assessment_id=aid),
        "reviews": url_for("api_reviews.list_reviews", assessment_id=aid),
        "revisions": url_for("api_assessments.revise", assessment_id=aid),
        "previous": (
            url_for("api_assessments.get_assessment", assessment_id=stored["previous_id"])
            if stored.get("previous_id")
            else None
        ),
    }


def represent(stored: dict) -> dict:
    """A stored assessment (or summary) as the API shows it: plus `policy` and `links`."""
    return {
        **stored,
        "policy": {"id": stored["policy_id"], "version": stored["policy_version"]},
        "links": links(stored),
    }


def created(done: assessments.Submitted):
    """The 201 of a submission: the assessment's summary, links and verdict (no findings)."""
    body = {**represent(done.assessment), "verdict": done.verdict}
    return json_reply(body, 201, {"Location": body["links"]["self"]})


def _submit(previous_id: str | None = None) -> Response:
    done = assessments.submit(
        content(),
        get_db(),
        json_body(),
        keys.actor(g.api_key),
        previous_id=previous_id,
        once=once(created),
    )
    return respond(done.reply or created(done))


@blp.route("", methods=["POST"], operation_id="createAssessment")
@require("assessments:write")
@blp.doc(requestBody=INPUT)
@blp.response(201, AssessmentCreatedSchema, headers=LOCATION)
@idempotent
@documents_json_body
def create_assessment():
    """Submit an assessment

    Validates the body, scores it against the checklists and the chosen policy, stores it with
    the content and engine versions, and returns the verdict. The assessment then waits for a
    reviewer (status `submitted`).
    """
    return _submit()


@blp.route("/<assessment_id>/revisions", methods=["POST"], operation_id="reviseAssessment")
@require("assessments:write")
@blp.doc(requestBody=INPUT)
@blp.response(201, AssessmentCreatedSchema, headers=LOCATION)
@idempotent
@documents_not_found
@documents_json_body
def revise(assessment_id: str):
    """Submit a new revision of an assessment

    The new assessment links to this one (`previous_id`; this one's `next_id` names it). Only
    the person who submitted the assessment (through any key they own, or a service key its
    own chain) or an administrator may revise it (403, not-owner); only the latest revision can
    be revised, and only with a changed input (409, invalid-state or no-input-changed). An
    `approved` revision keeps its approval in force until the new revision is decided; any
    other status becomes `superseded`.
    """
    return _submit(assessment_id)


@blp.route("", methods=["GET"], operation_id="listAssessments")
@require("assessments:read")
@blp.arguments(ListArgsSchema, location="query", as_kwargs=True)
@blp.response(200, AssessmentPageSchema)
def list_assessments(page: int, per_page: int, since=None, **filters):
    """List assessments, newest first

    Filter by status, decision, rating, model (catalogue id or name) and since (created at or
    after); page with page and per_page.
    """
    if since is not None:
        filters["since"] = since_filter(since)
    items, total = assessments.list_assessments(get_db(), filters, page, per_page)
    pages = max(1, math.ceil(total / per_page))
    nav = _page_links(page, per_page, pages)
    body = {
        "items": [represent(s) for s in items],
        "page": page,
        "per_page": per_page,
        "total": total,
        "total_pages": pages,
        "links": nav,
    }
    link = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in nav.items() if url and rel != "self")
    return json_response(body, headers={"Link": link})


def since_filter(since) -> str:
    """The `since` query value as a stored timestamp; 422 when it has no UTC equivalent."""
    try:
        return times.stamp(since)
    except OverflowError:  # 9999-12-31T23:00:00-05:00 is past the last representable UTC
        raise validation_problem(
            [
                {
                    "field": "since",
                    "pointer": "",
                    "in": "query",
                    "message": "is outside the range of dates in UTC",
                }
            ]
        ) from None


def _page_links(page: int, per_page: int, pages: int) -> dict:
    """Links to other pages, carrying the list's own filters and nothing else from the query
    (url_for reads `_external`, `_method`, `_scheme` and `_anchor` as instructions)."""
    filters = ListArgsSchema.FILTERS
    args = {k: v for k, v in request.args.items() if k in filters}
    args["per_page"] = per_page

    def at(n):
        return url_for("api_assessments.list_assessments", **args, page=n)

    return {
        "self": at(page),
        "first": at(1),
        "last": at(pages),
        "next": at(page + 1) if page < pages else None,
        "prev": at(page - 1) if page > 1 else None,
    }


@blp.route("/<assessment_id>", methods=["GET"], operation_id="getAssessment")
@require("assessments:read")
@blp.response(200, AssessmentSchema)
@documents_not_found
def get_assessment(assessment_id: str):
    """Read one assessment: input, result, status, reviews and audit head"""
    return json_response(represent(assessments.get(get_db(), assessment_id, content())))


@blp.route("/<assessment_id>/report.pdf", methods=["GET"], operation_id="downloadReport")
@require("assessments:read")
@blp.doc(
    responses={
        "200": {
            "description": "The PDF report, as an attachment; ETag is the SHA-256 of the bytes. "
            "The same bytes come as application/octet-stream when Accept prefers that type.",
            "content": {kind: {"schema": BINARY} for kind in REPORT_TYPES},
        },
        # The report did not render within REPORT_TIME_BUDGET (report-timeout).
        "503": "SERVICE_UNAVAILABLE",
    }
)
@blp.alt_response(304, description="Not modified (If-None-Match matched the ETag).")
@documents_not_found
def report(assessment_id: str):
    """Download the assessment's PDF report

    For an approved revision, the report archived at its approval, byte for byte (its
    SHA-256, the ETag, is in the approval's audit event); otherwise rendered from the stored
    result. A report that does not render within the service's time budget is refused with
    503 (report-timeout); the assessment itself is unaffected.
    """
    found = assessments.get(get_db(), assessment_id)
    config = current_app.config
    sent = reports.report_pdf(content(), get_db(), found, ReportSettings.from_config(config))
    mimetype = request.accept_mimetypes.best_match(REPORT_TYPES, default=REPORT_TYPES[0])
    response = Response(sent.data, mimetype=mimetype)
    response.vary.add("Accept")
    response.set_etag(sent.sha256)
    response.headers["Content-Disposition"] = f'attachment; filename="{sent.filename}"'
    response.headers["Cache-Control"] = "private, no-cache"
    return response.make_conditional(request)
