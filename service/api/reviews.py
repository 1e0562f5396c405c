"""Reviews: a second person approves, rejects or asks for changes (four eyes)."""

from __future__ import annotations

from flask import current_app, g

from ..application import assessments, keys, reviews
from ..application.reports import ReportSettings
from ..store.context import get_db
from .assessments import content, represent
from .auth import require
from .base import ApiBlueprint, documents_json_body, documents_not_found, json_reply, json_response
from .idempotency import idempotent, once, respond
from .inputs import ReviewInputSchema
from .schemas import AssessmentSchema, ReviewSchema

PATH = "/assessments/<assessment_id>/reviews"
blp = ApiBlueprint(
    "reviews",
    __name__,
    tag="reviews",
    description="Review submitted assessments; never by their submitter.",
)


@blp.route("", methods=["POST"], operation_id="createReview")
@require("reviews:write")
@blp.arguments(ReviewInputSchema, as_kwargs=True)
@blp.response(200, AssessmentSchema)
# An approval renders the report it archives; past REPORT_TIME_BUDGET it is refused.
@blp.doc(responses={"503": "SERVICE_UNAVAILABLE"})
@idempotent
@documents_not_found
@documents_json_body
def create_review(assessment_id: str, decision: str, comment: str = "", accept_risk: bool = False):
    """Review a submitted assessment

    `approve` sets status `approved` (expiring after the policy's review interval), `reject`
    sets `rejected`, `request_changes` sets `changes_requested`; a comment is required for the
    last two. Approving against the engine's `reject` decision needs `accept_risk: true` and a
    comment of at least 30 characters; the approval then shows `risk_accepted: true` and lapses
    after the policy's `risk_acceptance_days` at the latest. Reviews are made by a person: the
    key must be owned by an account with the reviewer or admin role (403, role-required), and
    nobody reviews an assessment they submitted any revision of, through their account or any
    key they own; a service key (no owner) never reviews (403, four-eyes). An assessment that
    is not `submitted` cannot be reviewed (409). Deciding a revision ends the approval of an
    older revision of the same assessment. An approval archives the PDF report as it leaves
    the assessment (its SHA-256 is in the approval's audit event) and `report.pdf` of that
    revision serves those bytes from then on; when that report does not render within the
    service's time budget the approval is refused (503, report-timeout) and nothing changes.
    Returns the assessment.
    """
    done = reviews.review(
        content(),
        get_db(),
        assessment_id,
        keys.actor(g.api_key),
        decision,
        comment,
        accept_risk,
        once=once(_reviewed),
        settings=ReportSettings.from_config(current_app.config),
    )
    return respond(done.reply or _reviewed(done))


def _reviewed(done: reviews.Reviewed):
    return json_reply(represent(done.assessment))


@blp.route("", methods=["GET"], operation_id="listReviews")
@require("assessments:read")
@blp.response(200, ReviewSchema(many=True))
@documents_not_found
def list_reviews(assessment_id: str):
    """List the reviews of an assessment, oldest first"""
    return json_response(assessments.get(get_db(), assessment_id)["reviews"])
