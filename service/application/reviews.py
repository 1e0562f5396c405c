"""Reviews: a second person approves, rejects or asks for changes; the workflow's states."""

from __future__ import annotations

from .. import store, times
from ..content.model import Content
from ..store import assessments as stored_assessments
from ..store import audit
from . import webhooks
from .errors import FourEyesError, InputError, NotFound, StateError
from .inputs import field_error

# Every status an assessment can have; only a submitted one can be reviewed.
STATUSES = ("submitted", "approved", "rejected", "changes_requested", "superseded")
REVIEWABLE = ("submitted",)
# A reviewer's decision and the status it sets, in the order the review form offers them.
REVIEW_DECISIONS = {
    "approve": "approved",
    "reject": "rejected",
    "request_changes": "changes_requested",
}
NEEDS_COMMENT = ("reject", "request_changes")
MAX_COMMENT = 4000


def review(
    content: Content, db, assessment_id: str, actor: dict, decision: str, comment: str | None
) -> dict:
    """Record a second person's decision (approve | reject | request_changes); returns it stored.

    Four eyes: the key or user that submitted an assessment never reviews it. Only a submitted
    assessment can be reviewed; an approval expires after the policy's review interval.
    """
    comment = (comment or "").strip()
    check_review(decision, comment)
    with store.write(db):
        current = stored_assessments.get_summary(db, assessment_id)
        if current is None:
            raise NotFound(f"There is no such assessment: {assessment_id}.")
        if submitted_by(current, actor):
            raise FourEyesError("You submitted this assessment; someone else must review it.")
        if current["status"] not in REVIEWABLE:
            raise StateError(
                f"This assessment is {current['status'].replace('_', ' ')}; only a "
                "submitted assessment can be reviewed."
            )
        status = REVIEW_DECISIONS[decision]
        stored_assessments.add_review(db, assessment_id, actor, decision, comment)
        stored_assessments.set_status(db, assessment_id, status, _expiry(content, current, status))
        audit.append_audit_event(
            db,
            actor,
            "assessment.review",
            {"decision": decision, "status": status, "comment": comment},
            assessment_id=assessment_id,
        )
        stored = stored_assessments.get_assessment(db, assessment_id)
        webhooks.enqueue(db, "assessment.decided", stored, stored["reviews"][-1])
        return stored


def submitted_by(assessment: dict, actor: dict | None) -> bool:
    """True when this actor (a user or a key) submitted the assessment."""
    by = assessment["submitted_by"]
    return actor is not None and (by["kind"], str(by["id"])) == (actor["kind"], str(actor["id"]))


def may_review(assessment: dict, actor: dict | None) -> bool:
    """True when the assessment waits for review and this actor did not submit it."""
    return assessment["status"] in REVIEWABLE and not submitted_by(assessment, actor)


def check_review(decision: str, comment: str) -> None:
    """The review's own rules: a known decision, a bounded comment, a comment to refuse."""
    errors = []
    if decision not in REVIEW_DECISIONS:
        errors.append(field_error(("decision",), f"must be one of: {', '.join(REVIEW_DECISIONS)}"))
    if len(comment) > MAX_COMMENT:
        errors.append(field_error(("comment",), f"at most {MAX_COMMENT} characters"))
    elif decision in NEEDS_COMMENT and not comment:
        errors.append(
            field_error(
                ("comment",),
                "say what must change: a comment is required to reject or request changes",
            )
        )
    if errors:
        raise InputError(errors)


def _expiry(content: Content, current: dict, status: str) -> str | None:
    if status != "approved":
        return None
    policy = content.policies.get(current["policy_id"])
    # A policy no longer loaded: the shortest interval any loaded policy sets, to err early.
    days = (
        policy or min(content.policies.values(), key=lambda p: p.review_interval_days)
    ).review_interval_days
    return times.shifted(days=days)
