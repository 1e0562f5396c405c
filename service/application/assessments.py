"""Assessments: validate and score a body, submit it (or a revision), read, list, report."""

from __future__ import annotations

import hashlib

from marshmallow import ValidationError

from .. import engine, report, store, times
from ..content.model import UNKNOWN, Content
from ..engine import lineage, rules
from ..store import assessments as stored_assessments
from ..store import audit, drafts
from . import people, webhooks
from .errors import InputError, NoChange, NotFound, NotOwner, ReportTimeout, StateError
from .inputs import assessment_loader, field_error, flatten_errors, surrogate_errors


def validate(content: Content, body) -> dict:
    """Check an assessment body against the shared schema and the derived-answer rules."""
    return _validate(content, body)[0]


def _validate(content: Content, body) -> tuple[dict, engine.Facts]:
    """The clean body, and the model facts read for it (the engine reads the same ones)."""
    if not isinstance(body, dict):
        raise InputError([field_error((), "must be a JSON object")])
    broken = surrogate_errors(body)
    if broken:
        raise InputError(broken)
    try:
        data = assessment_loader(content).load(body)
    except ValidationError as exc:
        raise InputError(flatten_errors(exc.messages)) from None
    errors = _model_errors(content, data["model"])
    clean = _drop_empty(data)
    facts = engine.facts(content, clean["model"], clean["deployment"])
    errors += _override_errors(content, clean, facts)
    if errors:
        raise InputError(errors)
    return clean, facts


def _model_errors(content: Content, model: dict) -> list[dict]:
    errors = []
    if model.get("id") and not content.model(model["id"]) and not model.get("name"):
        errors.append(
            field_error(
                ("model", "id"),
                f"'{model['id']}' is not in the catalogue; describe the model "
                "with name, publisher and license",
            )
        )
    if model.get("license") and not content.license(model["license"]):
        errors.append(
            field_error(
                ("model", "license"),
                f"unknown licence '{model['license']}'; see /api/v1/licenses",
            )
        )
    return errors


def _override_errors(content: Content, data: dict, facts: engine.Facts) -> list[dict]:
    """A derived licence answer may be overridden only with a written justification.

    `unknown` adds nothing to a known fact, so the derived answer stands without an error.
    """
    ctx = {"model": facts.model, "deployment": data["deployment"]}
    errors = []
    for item_id, given in data["answers"].items():
        found = facts.derived.get(item_id)
        if found is None:
            continue
        if not rules.holds(content.items[item_id].applies_when, ctx, content.context.country_sets):
            continue  # an item that does not apply is not scored, so nothing is overridden
        if (
            given["value"] not in (found.answer, UNKNOWN)
            and not given.get("justification")
            and not engine.resolves(content.items[item_id], given["value"], found.answer)
        ):
            errors.append(
                field_error(
                    ("answers", item_id, "justification"),
                    f"{item_id} is derived from the licence facts as '{found.answer}' "
                    f"({found.fact}); give a justification to override it",
                )
            )
    return errors


def _drop_empty(data: dict) -> dict:
    data["model"] = {k: v for k, v in data["model"].items() if v not in (None, "", [])}
    data["deployment"] = {k: v for k, v in data["deployment"].items() if v is not None}
    return data


def evaluate(content: Content, body) -> tuple[dict, dict]:
    """Validate a body and score it; returns (clean body, result). Nothing is stored."""
    clean, facts = _validate(content, body)
    # The engine reads the very facts validation read (model, lineage, derived answers), so
    # they are worked out once per evaluation.
    result = engine.score(clean, content, content.policies[clean["policy"]], facts)
    result["input_hash"] = engine.input_hash(clean)
    return clean, result


def derived_answers(content: Content, model: dict, deployment: dict) -> dict[str, engine.Derived]:
    """Licence answers derived for a model and deployment as a form describes them so far."""
    if not model.get("id") and not model.get("license"):
        return {}
    resolved = lineage.resolve_model(content, model)
    chain = lineage.lineage(content, resolved)
    return lineage.derive_answers(content, resolved, deployment, chain)


def submit(
    content: Content,
    db,
    body,
    actor: dict,
    previous_id: str | None = None,
    draft_id: str | None = None,
) -> dict:
    """Validate, score, save and audit an assessment in one write transaction; returns it stored.

    With `previous_id` the assessment is a new revision of that one: only the person who
    submitted the chain, or an administrator, may revise it, and only with a changed input. An
    approved revision stays approved (in force) until the new one is decided; any other becomes
    superseded. With `draft_id` the actor's draft it came from is deleted in the same transaction.
    """
    # Scoring is pure: done before the write lock is taken, so other writers do not queue on it.
    clean, result = evaluate(content, body)
    with store.write(db):
        previous = _revisable(db, previous_id, actor, result) if previous_id else None
        details = _submit_details(result, previous, previous_id)
        with audit.recorded(db, actor, "assessment.submit", details) as change:
            assessment_id = stored_assessments.save_assessment(db, clean, result, actor, previous)
            change.created("assessment", assessment_id)
            change.assessment_id = assessment_id
        if previous:
            _follow(db, actor, previous, assessment_id)
        if draft_id and drafts.delete_draft(db, draft_id, actor["id"]):
            audit.append_audit_event(
                db, actor, "draft.delete", {"draft_id": draft_id, "submitted": assessment_id}
            )
        stored = stored_assessments.get_assessment(db, assessment_id)
        webhooks.enqueue(db, "assessment.submitted", stored)
        return stored


def _follow(db, actor: dict, previous: dict, assessment_id: str) -> None:
    """Link the previous revision to its successor; it is superseded unless its approval is in
    force, which it stays until the successor is decided (reviews.review)."""
    pid = previous["id"]
    keeps = previous["status"] == "approved"
    action = "assessment.revised" if keeps else "assessment.superseded"
    touches = (("assessment", pid),)
    with audit.recorded(db, actor, action, {"by": assessment_id}, pid, touches):
        stored_assessments.set_next(db, pid, assessment_id)
        if not keeps:
            stored_assessments.supersede(db, pid)


def _submit_details(result: dict, previous: dict | None, previous_id: str | None) -> dict:
    return {
        "revision": previous["revision"] + 1 if previous else 1,
        "previous_id": previous_id,
        "input_hash": result["input_hash"],
        "decision": result["decision"],
        "rating": result["overall"]["rating"],
        "score": result["overall"]["score"],
        "policy": {"id": result["policy"]["id"], "version": result["policy"]["version"]},
        "content_hash": result["content"]["hash"],
    }


def _revisable(db, previous_id: str, actor: dict, result: dict) -> dict:
    """The revision to follow, when this actor may revise it with this input."""
    previous = stored_assessments.get_summary(db, previous_id)
    if previous is None:
        raise NotFound(f"There is no such assessment: {previous_id}.")
    if previous["next_id"] or previous["status"] == "superseded":
        raise StateError(
            f"Assessment {previous_id} already has a newer revision; revise the latest one."
        )
    if not may_revise(db, previous, actor):
        raise NotOwner(
            "Only the person who submitted this assessment "
            f"({previous['submitted_by']['name']}) or an administrator may revise it."
        )
    if stored_assessments.input_hash(db, previous_id) == result["input_hash"]:
        raise NoChange(
            f"No input changed: revision {previous['revision']} has this very input. Change "
            "an answer, the deployment or the model before submitting a new revision."
        )
    return previous


def may_revise(db, assessment: dict, actor: dict | None) -> bool:
    """True when the actor is the chain's submitter (the same person, or the same service key)
    or an administrator."""
    if actor is None:
        return False
    root = assessment
    if assessment["root_id"] != assessment["id"]:
        root = stored_assessments.get_summary(db, assessment["root_id"]) or assessment
    owner = people.principal(root["submitted_by"])
    return people.principal(actor) == owner or people.is_admin(db, actor)


def approval_in_force(revisions: list[dict]) -> dict | None:
    """The revision of a chain whose approval is in force: approved and not yet expired (at most
    one revision of a chain is approved; see reviews.py)."""
    now = times.now()
    for revision in revisions:
        if revision["status"] == "approved" and (revision["expires_at"] or "") > now:
            return revision
    return None


def get(db, assessment_id: str) -> dict:
    """The stored assessment (input, result, reviews, audit head); NotFound if there is none."""
    found = stored_assessments.get_assessment(db, assessment_id)
    if found is None:
        raise NotFound(f"There is no such assessment: {assessment_id}.")
    return found


def list_assessments(
    db, filters: dict | None = None, page: int = 1, per_page: int = 20
) -> tuple[list[dict], int]:
    """One page of assessment summaries, newest first, and how many match the filters."""
    return stored_assessments.list_assessments(db, filters, page, per_page)


def revisions(db, root_id: str) -> list[dict]:
    """Every revision of one assessment, oldest first (summaries)."""
    return stored_assessments.list_revisions(db, root_id)


def due_approvals(db, within_days: int) -> list[dict]:
    """Approvals that have lapsed or lapse within `within_days` days, soonest first."""
    return stored_assessments.list_due_approvals(db, within_days)


def report_pdf(
    content: Content,
    found: dict,
    font_dir=None,
    shaping: bool | None = None,
    budget: float | None = None,
) -> tuple[bytes, str, str]:
    """The stored assessment's PDF report: (bytes, SHA-256 for the ETag, download filename).

    ReportTimeout when it takes longer than `budget` seconds to render.
    """
    try:
        data = report.cached_pdf_for(found, content, font_dir, shaping, budget)
    except report.RenderTimeout:
        raise ReportTimeout(
            f"The report of assessment {found['id']} did not render within {budget:g} seconds; "
            "it is refused rather than keep the service busy. Its result is unchanged and "
            "readable as JSON or on its page."
        ) from None
    return data, hashlib.sha256(data).hexdigest(), report.filename_for(found)


def preview_pdf(
    content: Content, clean: dict, result: dict, font_dir=None, shaping: bool | None = None
) -> bytes:
    """The PDF report of a result that was never stored (the offline command), dated now."""
    return report.pdf_for(report.unstored(clean, result, times.now()), content, font_dir, shaping)
