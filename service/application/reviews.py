"""Reviews: a second person approves, rejects or asks for changes; the workflow's states.

Statuses of a revision: `submitted` (waits for review), `approved` (its approval is in force
until `expires_at`), `rejected`, `changes_requested`, `superseded`. At most one revision of a
chain is `approved`: a newer revision waiting for review leaves that approval in force, and once
the newer one is decided (whatever the decision) the older approval becomes `superseded`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from .. import store, times
from ..bounds import line_break_problem
from ..content.model import Content
from ..store import assessments as stored_assessments
from ..store import audit
from ..store import reviews as stored_reviews
from . import people, reassessment, reports, webhooks
from .assessments import get
from .errors import FourEyesError, InputError, NotFound, RoleRequired, StateError
from .idempotency import Once, Reply, fingerprint, keep, replay
from .inputs import field_error
from .reports import ReportSettings

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
REVIEWER_ROLES = ("reviewer", "admin")
MAX_COMMENT = 4000
MIN_ACCEPTANCE = 30  # characters of justification to approve against a reject decision


@dataclass
class Reviewed:
    """A review: the assessment as it now stands; with an Idempotency-Key, the reply kept."""

    assessment: dict | None
    reply: Reply | None = None


def review(
    content: Content,
    db: Database,
    assessment_id: str,
    actor: dict,
    decision: str,
    comment: str | None,
    accept_risk: bool = False,
    once: Once | None = None,
    settings: ReportSettings | None = None,
) -> Reviewed:
    """Record a second person's decision (approve | reject | request_changes), audited, in one
    transaction; with `once` (an Idempotency-Key) a repeat gets the first reply.

    Four eyes, per person: nobody reviews a chain they submitted any revision of, through their
    account or a key they own, and a service key never reviews; such attempts are refused and
    audited. Approving against a reject decision accepts its risk: `accept_risk` and a comment
    of MIN_ACCEPTANCE characters, and the approval lasts at most the policy's
    risk_acceptance_days. Approving, rejecting or asking for changes ends the approval of an
    older revision of the chain.

    An approval archives the report as it leaves the assessment: rendered first, outside the
    write lock (within the report time budget of `settings`), then stored with the approval in
    its transaction, its SHA-256 in the approval's event. Should the assessment change in
    between, the approval is refused (StateError) and nothing is written.
    """
    comment = (comment or "").strip()
    check_review(decision, comment)
    request = fingerprint("review", assessment_id, decision, comment, str(accept_risk))
    approval = None
    if decision == "approve":
        approval = _prepare(content, db, assessment_id, actor, comment, accept_risk, settings)
    with store.write(db):
        kept = replay(db, once, request) if once else None
        if kept:
            return Reviewed(None, kept)
        current = stored_assessments.get_summary(db, assessment_id)
        if current is None:
            raise NotFound(f"There is no such assessment: {assessment_id}.")
        refusal = four_eyes_refusal(db, current, actor)
        if refusal:
            audit.append_audit_event(
                db,
                actor,
                "assessment.review_refused",
                {"decision": decision, "reason": refusal},
                assessment_id=assessment_id,
            )
            error = FourEyesError(refusal)
            error.keep_writes = True  # the refusal's event stays on record
            raise error
        _check_reviewer(db, actor)
        _check_state(current)
        _check_acceptance(current, decision, comment, accept_risk)
        if decision == "approve" and (approval is None or reports.basis(current) != approval.basis):
            raise StateError(
                f"Assessment {assessment_id} changed while the report for this approval was "
                "being prepared; reload it and review again."
            )
        _record(content, db, current, actor, (decision, comment, accept_risk), approval)
        done = Reviewed(get(db, assessment_id, content))
        # In the review's own transaction: the event exists exactly when the decision does.
        webhooks.enqueue(db, "assessment.decided", done.assessment, done.assessment["reviews"][-1])
        if once:
            done.reply = keep(db, once, request, done)
        return done


def _prepare(content, db, assessment_id, actor, comment, accept_risk, settings):
    """The report an approval will archive, rendered now; None when the approval will be
    refused anyway (the transaction then says why), so that no report is rendered for it."""
    found = stored_assessments.get_summary(db, assessment_id)
    if found is None or found["status"] not in REVIEWABLE:
        return None
    if four_eyes_refusal(db, found, actor):
        return None
    _check_acceptance(found, "approve", comment, accept_risk)
    days = _approval_days(content, found["policy_id"], accept_risk)
    return reports.prepare_approval(
        content,
        db,
        get(db, assessment_id, content),
        actor,
        comment,
        accept_risk,
        days,
        settings or ReportSettings(),
    )


def _record(content, db, current, actor, asked: tuple, approval) -> None:
    """The review, the new status (and for an approval its archived report), and the end of an
    older approval, each with its event."""
    decision, comment, accept_risk = asked
    aid, status = current["id"], REVIEW_DECISIONS[decision]
    details = {"decision": decision, "status": status, "comment": comment}
    if accept_risk:
        details["accept_risk"] = True
    touches = (("assessment", aid),)
    at = approval.at if approval else None
    with audit.recorded(db, actor, "assessment.review", details, aid, touches) as change:
        review_id = stored_reviews.add_review(
            db, aid, actor, decision, comment, accept_risk, created_at=at
        )
        change.created("review", review_id)
        change.details["review_id"] = review_id
        expires = approval.expires_at if approval else None
        stored_assessments.set_status(db, aid, status, expires, risk_accepted=accept_risk)
        if expires:
            reassessment.watch(db, content, current, expires)
            change.created("reassessment", aid)
        if approval:
            reports.keep(db, aid, review_id, approval)
            change.created("report", aid)
            change.details["report_sha256"] = approval.report.sha256
            change.details["report_renderer"] = approval.renderer
    for older in stored_assessments.approved_revisions(db, current["root_id"]):
        if older == aid:
            continue
        touches = (("assessment", older),)
        with audit.recorded(db, actor, "assessment.superseded", {"by": aid}, older, touches):
            stored_assessments.supersede(db, older)


def four_eyes_refusal(db: Database, assessment: dict, actor: dict | None) -> str | None:
    """Why this actor may not review this assessment's chain, or None when they may."""
    if actor is None:
        return "Sign in to review."
    mine = people.principal(actor)
    if people.person_id(actor) is None:
        return (
            "This API key belongs to no person (a service key), so it cannot review; reviews "
            "need a key owned by a reviewer's account (keys create --owner EMAIL)."
        )
    for submitter in stored_assessments.chain_submitters(db, assessment["root_id"]):
        if people.principal(submitter) == mine or (submitter["kind"], submitter["id"]) == (
            actor["kind"],
            str(actor["id"]),
        ):
            return (
                "You submitted a revision of this assessment (with your account or a key you "
                "own); someone else must review it."
            )
    return None


def may_review(db: Database, assessment: dict, actor: dict | None) -> bool:
    """True when the assessment waits for review and this actor may decide on it."""
    return assessment["status"] in REVIEWABLE and four_eyes_refusal(db, assessment, actor) is None


def _check_reviewer(db: Database, actor: dict) -> None:
    """The person must be enabled and hold the reviewer or admin role."""
    found = people.person(db, actor)
    if found is None or found["disabled"] or found["role"] not in REVIEWER_ROLES:
        role = found["role"] if found else "none"
        raise RoleRequired(
            f"Reviews need a reviewer or an administrator; {actor['name']} acts for an account "
            f"with the role {role}{' (disabled)' if found and found['disabled'] else ''}."
        )


def _check_state(current: dict) -> None:
    if current["status"] not in REVIEWABLE:
        raise StateError(
            f"This assessment is {current['status'].replace('_', ' ')}; only a "
            "submitted assessment can be reviewed."
        )


def _check_acceptance(current: dict, decision: str, comment: str, accept_risk: bool) -> None:
    """Approving against a reject decision accepts its risk, explicitly and with reasons."""
    against = decision == "approve" and current["decision"] == "reject"
    if against and not accept_risk:
        raise InputError(
            [
                field_error(
                    ("accept_risk",),
                    f"the engine decided reject ({current['rating']} risk); to approve anyway, "
                    f"accept the risk (accept_risk: true) and say why in the comment",
                )
            ]
        )
    if against and len(comment) < MIN_ACCEPTANCE:
        raise InputError(
            [
                field_error(
                    ("comment",),
                    f"say why the risk is accepted: at least {MIN_ACCEPTANCE} characters",
                )
            ]
        )
    if accept_risk and not against:
        raise InputError(
            [
                field_error(
                    ("accept_risk",),
                    "only an approval against a reject decision accepts a risk",
                )
            ]
        )


def check_review(decision: str, comment: str) -> None:
    """The review's own rules: a known decision, a bounded comment, a comment to refuse."""
    errors = []
    if decision not in REVIEW_DECISIONS:
        errors.append(field_error(("decision",), f"must be one of: {', '.join(REVIEW_DECISIONS)}"))
    lines = line_break_problem(comment)
    if len(comment) > MAX_COMMENT:
        errors.append(field_error(("comment",), f"at most {MAX_COMMENT} characters"))
    elif lines:
        errors.append(field_error(("comment",), lines))
    elif decision in NEEDS_COMMENT and not comment:
        errors.append(
            field_error(
                ("comment",),
                "say what must change: a comment is required to reject or request changes",
            )
        )
    if errors:
        raise InputError(errors)


def approval_expiry(content: Content, policy_id: str, accept_risk: bool) -> str:
    """When an approval made now would lapse under its policy (capped for an accepted risk)."""
    return times.shifted(days=_approval_days(content, policy_id, accept_risk))


def _approval_days(content: Content, policy_id: str, accept_risk: bool) -> int:
    """How many days an approval lasts: the policy's review interval, capped for an accepted
    risk."""
    policy = content.policies.get(policy_id)
    # A policy no longer loaded: the shortest period any loaded policy sets, to err early.
    candidates = [policy] if policy else list(content.policies.values())
    days = min(p.review_interval_days for p in candidates)
    if accept_risk:
        days = min(days, min(p.risk_acceptance_days for p in candidates))
    return days
