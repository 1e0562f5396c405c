"""The result of an assessment, its PDF, and the reviewers' decision on it."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from .. import labels
from ..application import InputError, accounts, assessments, evidence, reports, reviews
from ..application.errors import FourEyesError, RoleRequired, StateError
from ..application.reports import ReportSettings
from ..store.context import get_db
from . import diff, sessions

bp = Blueprint("results", __name__)


def _content():
    return current_app.extensions["modelrisk.content"]


def _get(assessment_id: str) -> dict:
    return assessments.get(get_db(), assessment_id, _content())


def _actor(user: dict | None) -> dict | None:
    return accounts.actor(user) if user else None


def can_review(stored: dict, user: dict | None) -> bool:
    """True when this user may decide on this assessment (reviewer role, not a submitter of
    any revision of it)."""
    return accounts.has_role(user, "reviewer") and reviews.may_review(
        get_db(), stored, _actor(user)
    )


def _page(
    stored: dict,
    review_errors: dict | None = None,
    form: dict | None = None,
    status: int = 200,
):
    db, content = get_db(), _content()
    previous = _get(stored["previous_id"]) if stored.get("previous_id") else None
    changed = diff.changes(content, previous, stored) if previous else []
    verdict = diff.verdict_changes(previous, stored) if previous else []
    refusal = reviews.four_eyes_refusal(db, stored, _actor(g.user))
    revisions = assessments.revisions(db, stored["root_id"])
    return render_template(
        "result.html",
        a=stored,
        r=stored["result"],
        read=reports.reading(stored),
        earlier_reviews=reports.earlier_reviews(db, stored),
        archived_at=reports.archived_at(db, stored["id"]),
        current=revisions[-1] if revisions else stored,
        content=content,
        previous=previous,
        changed=changed,
        verdict_changed=verdict,
        can_review=can_review(stored, g.user),
        can_revise=not stored["next_id"] and assessments.may_revise(db, stored, _actor(g.user)),
        own=refusal is not None,  # a signed-in person is refused only as a submitter
        revisions=revisions,
        in_force=assessments.approval_in_force(revisions),
        decisions=[(d, labels.label("decision", d)) for d in reviews.REVIEW_DECISIONS],
        min_acceptance=reviews.MIN_ACCEPTANCE,
        review_errors=review_errors or {},
        form=form or {},
    ), status


@bp.get("/assessments/<assessment_id>")
@sessions.login_required
def show(assessment_id: str):
    """The decision and why first (blockers above the fold), what would change it, the
    conditions by due, domains, obligations, findings; reviews of every revision, the diff."""
    return _page(_get(assessment_id))


@bp.get("/assessments/<assessment_id>/report.pdf")
@sessions.login_required
def pdf(assessment_id: str):
    """The PDF report, as a download (the archived one, once the revision was approved)."""
    stored = _get(assessment_id)
    settings = ReportSettings.from_config(current_app.config)
    sent = reports.report_pdf(_content(), get_db(), stored, settings)
    response = current_app.response_class(sent.data, mimetype="application/pdf")
    response.set_etag(sent.sha256)
    response.headers["Content-Disposition"] = f'attachment; filename="{sent.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/evidence/<evidence_id>")
@sessions.login_required
def evidence_file(evidence_id: str):
    """An evidence file, served as the API serves it (the same read rule as an assessment)."""
    record, data, content_type = evidence.download(get_db(), evidence_id)
    response = Response(data, content_type=content_type)
    response.set_etag(record["sha256"])
    response.headers.update(evidence.served_headers(record))
    return response.make_conditional(request)


@bp.post("/assessments/<assessment_id>/review")
@sessions.role_required("reviewer")
def review(assessment_id: str):
    """Record a reviewer's decision; the application refuses the submitter (four eyes)."""
    stored = _get(assessment_id)
    form = {
        "decision": request.form.get("decision", ""),
        "comment": request.form.get("comment", "").strip(),
        "accept_risk": request.form.get("accept_risk") == "yes",
    }
    try:
        reviews.review(
            _content(),
            get_db(),
            assessment_id,
            accounts.actor(g.user),
            form["decision"],
            form["comment"],
            form["accept_risk"],
            settings=ReportSettings.from_config(current_app.config),
        )
    except InputError as exc:
        errors = {e["field"]: e["message"][:1].upper() + e["message"][1:] for e in exc.errors}
        return _page(stored, errors, form, 422)
    except (FourEyesError, RoleRequired) as exc:
        abort(403, description=exc.message)
    except StateError as exc:
        return _page(stored, {"decision": exc.message}, form, 409)
    flash("Your review has been recorded.", "success")
    return redirect(url_for("results.show", assessment_id=assessment_id))
