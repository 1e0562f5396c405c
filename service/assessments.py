"""Application functions shared by the API, the web pages and the CLI."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from marshmallow import ValidationError

from . import lineage, rules, scoring, store
from .content.model import UNKNOWN, Content
from .schemas import assessment_loader, flatten_errors, unpaired_surrogates
from .store import assessments as store_assessments
from .store import audit


class InputError(Exception):
    """The assessment body is invalid; `errors` lists {field, pointer, message}."""

    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        self.errors = errors


def validate(content: Content, body) -> dict:
    """Check an assessment body against the shared schema and the derived-answer rules."""
    return _validate(content, body)[0]


def _validate(content: Content, body) -> tuple[dict, lineage.Facts]:
    """The clean body, and the model facts read for it (the engine reads the same ones)."""
    if not isinstance(body, dict):
        raise InputError([{"field": "(body)", "pointer": "", "message": "must be a JSON object"}])
    broken = unpaired_surrogates(body)
    if broken:
        raise InputError(
            [
                {
                    "field": ".".join(path),
                    "pointer": "/" + "/".join(path),
                    "message": "contains an unpaired UTF-16 surrogate; use valid Unicode text",
                }
                for path in broken
            ]
        )
    try:
        data = assessment_loader(content).load(body)
    except ValidationError as exc:
        raise InputError(flatten_errors(exc.messages)) from None
    errors = _model_errors(content, data["model"])
    clean = _drop_empty(data)
    facts = lineage.facts(content, clean["model"], clean["deployment"])
    errors += _override_errors(content, clean, facts)
    if errors:
        raise InputError(errors)
    return clean, facts


def _model_errors(content: Content, model: dict) -> list[dict]:
    errors = []
    if model.get("id") and not content.model(model["id"]) and not model.get("name"):
        errors.append(
            {
                "field": "model.id",
                "pointer": "/model/id",
                "message": f"'{model['id']}' is not in the catalogue; describe the model "
                "with name, publisher and license",
            }
        )
    if model.get("license") and not content.license(model["license"]):
        errors.append(
            {
                "field": "model.license",
                "pointer": "/model/license",
                "message": f"unknown licence '{model['license']}'; see /api/v1/licenses",
            }
        )
    return errors


def _override_errors(content: Content, data: dict, facts: lineage.Facts) -> list[dict]:
    """A derived licence answer may be overridden only with a written justification.

    `unknown` adds nothing to a known fact, so the derived answer stands without an error.
    """
    derived = facts.derived
    ctx = {"model": facts.model, "deployment": data["deployment"]}
    errors = []
    for item_id, given in data["answers"].items():
        found = derived.get(item_id)
        if found is None:
            continue
        if not rules.holds(content.items[item_id].applies_when, ctx, content.context.country_sets):
            continue  # an item that does not apply is not scored, so nothing is overridden
        if (
            given["value"] not in (found.answer, UNKNOWN)
            and not given.get("justification")
            and not scoring.resolves(content.items[item_id], given["value"], found.answer)
        ):
            errors.append(
                {
                    "field": f"answers.{item_id}.justification",
                    "pointer": f"/answers/{item_id}/justification",
                    "message": f"{item_id} is derived from the licence facts as '{found.answer}' "
                    f"({found.fact}); give a justification to override it",
                }
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
    result = scoring.score(clean, content, content.policies[clean["policy"]], facts)
    result["input_hash"] = scoring.input_hash(clean)
    return clean, result


class NotFound(Exception):
    """There is no assessment with that id."""


class StateError(Exception):
    """The assessment is not in a state that allows this (e.g. reviewing a reviewed one)."""


class FourEyesError(Exception):
    """The reviewer is the one who submitted the assessment: a second person must review it."""


REVIEW_DECISIONS = {
    "approve": "approved",
    "reject": "rejected",
    "request_changes": "changes_requested",
}
MAX_COMMENT = 4000


def submit(content: Content, db, body, actor: dict, previous_id: str | None = None) -> dict:
    """Validate, score, save and audit an assessment in one write transaction; returns it stored.

    With `previous_id` the assessment is a new revision of that one, which becomes superseded.
    """
    # Scoring is pure: done before the write lock is taken, so other writers do not queue on it.
    clean, result = evaluate(content, body)
    with store.write(db):
        previous = _revisable(db, previous_id) if previous_id else None
        assessment_id = store_assessments.save_assessment(db, clean, result, actor, previous)
        if previous:
            store_assessments.set_status(db, previous["id"], "superseded")
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
            {
                "revision": previous["revision"] + 1 if previous else 1,
                "previous_id": previous_id,
                "input_hash": result["input_hash"],
                "decision": result["decision"],
                "rating": result["overall"]["rating"],
                "score": result["overall"]["score"],
                "policy": {"id": result["policy"]["id"], "version": result["policy"]["version"]},
                "content_hash": result["content"]["hash"],
            },
            assessment_id=assessment_id,
        )
        return store_assessments.get_assessment(db, assessment_id)


def _revisable(db, previous_id: str) -> dict:
    previous = store_assessments.get_summary(db, previous_id)
    if previous is None:
        raise NotFound(f"There is no assessment {previous_id}.")
    if previous["status"] == "superseded":
        raise StateError(
            f"Assessment {previous_id} already has a newer revision; revise the latest one."
        )
    return previous


def get(db, assessment_id: str) -> dict:
    """The stored assessment (input, result, reviews, audit head); NotFound if there is none."""
    stored = store_assessments.get_assessment(db, assessment_id)
    if stored is None:
        raise NotFound(f"There is no assessment {assessment_id}.")
    return stored


def list_assessments(
    db, filters: dict | None = None, page: int = 1, per_page: int = 20
) -> tuple[list[dict], int]:
    """One page of assessment summaries, newest first, and how many match the filters."""
    return store_assessments.list_assessments(db, filters, page, per_page)


def review(
    content: Content, db, assessment_id: str, actor: dict, decision: str, comment: str | None
) -> dict:
    """Record a second person's decision (approve | reject | request_changes); returns it stored.

    Four eyes: the key or user that submitted an assessment never reviews it. Only a submitted
    assessment can be reviewed; an approval expires after the policy's review interval.
    """
    comment = (comment or "").strip()
    _check_review_input(decision, comment)
    with store.write(db):
        current = store_assessments.get_summary(db, assessment_id)
        if current is None:
            raise NotFound(f"There is no assessment {assessment_id}.")
        by = current["submitted_by"]
        if (by["kind"], str(by["id"])) == (actor["kind"], str(actor["id"])):
            raise FourEyesError("You submitted this assessment; someone else must review it.")
        if current["status"] != "submitted":
            raise StateError(
                f"This assessment is {current['status'].replace('_', ' ')}; only a "
                "submitted assessment can be reviewed."
            )
        status = REVIEW_DECISIONS[decision]
        store_assessments.add_review(db, assessment_id, actor, decision, comment)
        store_assessments.set_status(db, assessment_id, status, _expiry(content, current, status))
        audit.append_audit_event(
            db,
            actor,
            "assessment.review",
            {"decision": decision, "status": status, "comment": comment},
            assessment_id=assessment_id,
        )
        return store_assessments.get_assessment(db, assessment_id)


def _check_review_input(decision: str, comment: str) -> None:
    errors = []
    if decision not in REVIEW_DECISIONS:
        errors.append(
            {
                "field": "decision",
                "pointer": "/decision",
                "message": f"must be one of: {', '.join(REVIEW_DECISIONS)}",
            }
        )
    if len(comment) > MAX_COMMENT:
        errors.append(
            {
                "field": "comment",
                "pointer": "/comment",
                "message": f"at most {MAX_COMMENT} characters",
            }
        )
    elif decision in ("reject", "request_changes") and not comment:
        errors.append(
            {
                "field": "comment",
                "pointer": "/comment",
                "message": "say what must change: a comment is required to reject or "
                "request changes",
            }
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
    expires = datetime.now(UTC) + timedelta(days=days)
    return expires.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def report_pdf(content: Content, stored: dict) -> tuple[bytes, str, str]:
    """The stored assessment's PDF report: (bytes, SHA-256 for the ETag, download filename)."""
    from .report import cached_pdf_for, filename_for

    data = cached_pdf_for(stored, content)
    return data, hashlib.sha256(data).hexdigest(), filename_for(stored)
