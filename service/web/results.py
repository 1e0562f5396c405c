"""The result of an assessment, its PDF, and the reviewers' decision on it."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from .. import assessments, auth
from ..db import get_db
from ..store import assessments as store_assessments
from . import diff

bp = Blueprint("results", __name__)
DECISIONS = (("approve", "Approve"), ("request_changes", "Request changes"), ("reject", "Reject"))
REVIEWABLE = ("submitted",)


def _content():
    return current_app.extensions["modelrisk.content"]


def _get(assessment_id: str) -> dict:
    try:
        return assessments.get(get_db(), assessment_id)
    except assessments.NotFound:
        abort(404, description="There is no such assessment.")


def submitted_by(stored: dict, user: dict | None) -> bool:
    """True when this user submitted the assessment (an API key with the same id did not)."""
    submitter = stored["submitted_by"]
    return submitter["kind"] == "user" and str(submitter["id"]) == str(user and user["id"])


def can_review(stored: dict, user: dict | None) -> bool:
    """True when this user may decide on this assessment (reviewer role, not its submitter)."""
    return (
        auth.has_role(user, "reviewer")
        and not submitted_by(stored, user)
        and stored["status"] in REVIEWABLE
    )


def _page(stored: dict, review_errors: dict | None = None, comment: str = "", status: int = 200):
    previous = _get(stored["previous_id"]) if stored.get("previous_id") else None
    content = _content()
    changed = diff.changes(content, previous, stored) if previous else []
    verdict = diff.verdict_changes(previous, stored) if previous else []
    own = submitted_by(stored, g.user)
    revisions = store_assessments.list_revisions(get_db(), stored["root_id"])
    return render_template(
        "result.html",
        a=stored,
        r=stored["result"],
        content=content,
        previous=previous,
        changed=changed,
        verdict_changed=verdict,
        can_review=can_review(stored, g.user),
        own=own,
        revisions=revisions,
        decisions=DECISIONS,
        review_errors=review_errors or {},
        comment=comment,
    ), status


@bp.get("/assessments/<assessment_id>")
@auth.login_required
def show(assessment_id: str):
    """Overall badge, decision, domains, blockers, conditions, findings, reviews, audit head."""
    return _page(_get(assessment_id))


@bp.get("/assessments/<assessment_id>/report.pdf")
@auth.login_required
def pdf(assessment_id: str):
    """The PDF report, as a download."""
    stored = _get(assessment_id)
    data, digest, filename = assessments.report_pdf(_content(), stored)
    response = current_app.response_class(data, mimetype="application/pdf")
    response.set_etag(digest)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/assessments/<assessment_id>/review")
@auth.role_required("reviewer")
def review(assessment_id: str):
    """Record a reviewer's decision; the application refuses the submitter (four eyes)."""
    stored = _get(assessment_id)
    decision = request.form.get("decision", "")
    comment = request.form.get("comment", "").strip()
    if decision not in dict(DECISIONS):
        return _page(
            stored, {"decision": "Choose approve, request changes or reject"}, comment, 422
        )
    try:
        assessments.review(
            _content(), get_db(), assessment_id, auth.actor(g.user), decision, comment
        )
    except assessments.InputError as exc:
        errors = {e["field"]: e["message"].capitalize() for e in exc.errors}
        return _page(stored, errors, comment, 422)
    except assessments.FourEyesError as exc:
        abort(403, description=str(exc) or "You cannot review an assessment you submitted.")
    except assessments.StateError as exc:
        return _page(stored, {"decision": str(exc)}, comment, 409)
    flash("Your review has been recorded.", "success")
    return redirect(url_for("results.show", assessment_id=assessment_id))
