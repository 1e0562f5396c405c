"""Assessments: validate and score a body, submit it (or a revision), read, list, report."""

from __future__ import annotations

import hashlib

from marshmallow import ValidationError

from .. import engine, report, store, times
from ..content.model import UNKNOWN, Content
from ..engine import lineage, rules
from ..store import assessments as stored_assessments
from ..store import audit, drafts
from . import webhooks
from .errors import InputError, NotFound, StateError
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

    With `previous_id` the assessment is a new revision of that one, which becomes superseded;
    with `draft_id` the actor's draft it came from is deleted in the same transaction.
    """
    # Scoring is pure: done before the write lock is taken, so other writers do not queue on it.
    clean, result = evaluate(content, body)
    with store.write(db):
        previous = _revisable(db, previous_id) if previous_id else None
        assessment_id = stored_assessments.save_assessment(db, clean, result, actor, previous)
        if previous:
            stored_assessments.set_status(db, previous["id"], "superseded")
            audit.append_audit_event(
                db,
                actor,
                "assessment.superseded",
                {"by": assessment_id},
                assessment_id=previous["id"],
            )
        audit.append_audit_event(
            db,
            actor,
            "assessment.submit",
            _submit_details(result, previous, previous_id),
            assessment_id=assessment_id,
        )
        if draft_id and drafts.delete_draft(db, draft_id, actor["id"]):
            audit.append_audit_event(
                db, actor, "draft.delete", {"draft_id": draft_id, "submitted": assessment_id}
            )
        stored = stored_assessments.get_assessment(db, assessment_id)
        webhooks.enqueue(db, "assessment.submitted", stored)
        return stored


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


def _revisable(db, previous_id: str) -> dict:
    previous = stored_assessments.get_summary(db, previous_id)
    if previous is None:
        raise NotFound(f"There is no such assessment: {previous_id}.")
    if previous["status"] == "superseded":
        raise StateError(
            f"Assessment {previous_id} already has a newer revision; revise the latest one."
        )
    return previous


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
    content: Content, found: dict, font_dir=None, shaping: bool | None = None
) -> tuple[bytes, str, str]:
    """The stored assessment's PDF report: (bytes, SHA-256 for the ETag, download filename)."""
    data = report.cached_pdf_for(found, content, font_dir, shaping)
    return data, hashlib.sha256(data).hexdigest(), report.filename_for(found)


def preview_pdf(
    content: Content, clean: dict, result: dict, font_dir=None, shaping: bool | None = None
) -> bytes:
    """The PDF report of a result that was never stored (the offline command), dated now."""
    return report.pdf_for(report.unstored(clean, result, times.now()), content, font_dir, shaping)
