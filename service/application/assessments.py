"""Assessments: validate and score a body, submit it (or a revision), read, list, report."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .. import engine, jsontext, report, store, times
from ..content.model import Content
from ..store import assessments as stored_assessments
from ..store import audit, drafts, snapshots
from . import artifacts, evidence, people, reassessment, webhooks
from .errors import NoChange, NotFound, NotOwner, StateError
from .idempotency import Once, Reply, fingerprint, keep, replay
from .validation import validated


def validate(content: Content, body) -> dict:
    """Check an assessment body against the shared schema and the derived-answer rules;
    returns the clean body. InputError lists every field at fault."""
    return validated(content, body)[0]


@dataclass(frozen=True)
class Scored:
    """A body validated and scored for storing: the clean body, its canonical JSON (stored and
    hashed as it is), the lean result (with its input hash), and the artefact it describes
    (manifest digest, signature checked) or None."""

    clean: dict
    input_json: str
    result: dict
    artifact: dict | None = None


def today() -> str:
    """The assessment date the engine is given: today's date in UTC (YYYY-MM-DD)."""
    return times.now()[:10]


def score(content: Content, body, as_of: str | None = None) -> Scored:
    """Validate a body and score it as of `as_of` (today when not given): the lean result,
    ready to store. Nothing is stored."""
    as_of = as_of or today()
    clean, facts = validated(content, body, as_of)
    # The engine reads the very facts validation read (model, lineage, the examined artefact,
    # derived answers), so they are worked out once per evaluation.
    result = engine.score(clean, content, content.policies[clean["policy"]], facts, as_of)
    input_json = engine.canonical(clean)
    result["input_hash"] = hashlib.sha256(input_json.encode()).hexdigest()
    return Scored(clean, input_json, result, facts.artifact)


def evaluate(content: Content, body, as_of: str | None = None) -> tuple[dict, dict]:
    """Validate a body and score it (as of today unless `as_of` is given); returns (clean body,
    explained result). Nothing is stored."""
    scored = score(content, body, as_of)
    return scored.clean, engine.explain(scored.result, engine.snapshot(content))


def derived_answers(
    content: Content, model: dict, deployment: dict, as_of: str | None = None
) -> dict[str, engine.Derived]:
    """Answers derived for a model and deployment as a form describes them so far (as of today
    unless `as_of` is given): from the licences in the lineage, the catalogue's publisher and
    release facts, and the deployment and model fields. Each names its `basis`."""
    return engine.facts(content, model, deployment, as_of or today()).derived


@dataclass
class Submitted:
    """A submission: the stored assessment's summary and its verdict; with an Idempotency-Key,
    the reply the edge rendered for it (or the one kept from the key's first use)."""

    assessment: dict | None
    verdict: dict | None
    reply: Reply | None = None


def submit(
    content: Content,
    db,
    body,
    actor: dict,
    previous_id: str | None = None,
    draft_id: str | None = None,
    once: Once | None = None,
) -> Submitted:
    """Validate, score, save and audit an assessment in one write transaction (which
    submissions made at the same moment may share, each standing or falling on its own).

    With `previous_id` the assessment is a new revision of that one: only the person who
    submitted the chain, or an administrator, may revise it, and only with a changed input. An
    approved revision stays approved (in force) until the new one is decided; any other becomes
    superseded. With `draft_id` the actor's draft it came from is deleted in the same
    transaction; with `once` (an Idempotency-Key) a repeat gets the first reply and nothing is
    stored again.
    """
    # Validation, scoring and the verdict are pure: done before the write lock is taken.
    scored = score(content, body)
    result_json = jsontext.encode(engine.pack(scored.result))
    verdict = engine.verdict(scored.result, engine.snapshot(content))
    request = fingerprint("submit", previous_id or "", scored.result["input_hash"])

    def stored(tx) -> Submitted:
        kept = replay(tx, once, request) if once else None
        if kept:
            return Submitted(None, None, kept)
        result = scored.result
        previous = _revisable(tx, previous_id, actor, result) if previous_id else None
        root_id = previous["root_id"] if previous else None
        cited = evidence.check_citations(tx, scored.clean, actor, root_id)
        details = _submit_details(result, previous, previous_id, scored.artifact)
        snapshots.save(tx, content.hash, engine.FORMAT, _snapshot_json(content))
        with audit.recorded(tx, actor, "assessment.submit", details) as change:
            assessment_id = stored_assessments.save_assessment(
                tx, scored.clean, result, actor, previous, scored.input_json, result_json
            )
            change.created("assessment", assessment_id)
            change.assessment_id = assessment_id
            evidence.record_citations(tx, assessment_id, cited)
            if scored.artifact:
                artifacts.save(tx, assessment_id, scored.artifact)
                change.created("artifact", assessment_id)
        if previous:
            _follow(tx, actor, previous, assessment_id)
        if draft_id and drafts.delete_draft(tx, draft_id, actor["id"]):
            audit.append_audit_event(
                tx, actor, "draft.delete", {"draft_id": draft_id, "submitted": assessment_id}
            )
        summary = reassessment.annotate(tx, stored_assessments.get_summary(tx, assessment_id))
        webhooks.enqueue(tx, "assessment.submitted", summary)
        done = Submitted(summary, verdict)
        if once:
            done.reply = keep(tx, once, request, done)
        return done

    if once:  # the edge renders the reply to keep from its own request: stay in this thread
        with store.write(db):
            return stored(db)
    # Submissions made at the same moment share a transaction (group commit), each in a
    # savepoint of its own, so that one's refusal undoes only its own writes.
    return store.shared_write(db, stored)


_SNAPSHOT_JSON: dict[str, str] = {}  # content hash -> its snapshot, encoded once per process


def _snapshot_json(content: Content) -> str:
    if content.hash not in _SNAPSHOT_JSON:
        _SNAPSHOT_JSON[content.hash] = jsontext.encode(engine.snapshot(content))
    return _SNAPSHOT_JSON[content.hash]


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


def _submit_details(
    result: dict, previous: dict | None, previous_id: str | None, artifact: dict | None
) -> dict:
    details = {
        "revision": previous["revision"] + 1 if previous else 1,
        "previous_id": previous_id,
        "input_hash": result["input_hash"],
        "decision": result["decision"],
        "rating": result["overall"]["rating"],
        "score": result["overall"]["score"],
        "policy": {"id": result["policy"]["id"], "version": result["policy"]["version"]},
        "content_hash": result["content"]["hash"],
    }
    if artifact:
        details["manifest_digest"] = artifact["manifest_digest"]
        if artifact["signature"]:
            signature = artifact["signature"]
            details["signature"] = {k: signature[k] for k in ("method", "verified", "signer")}
    return details


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


def get(db, assessment_id: str, content: Content | None = None) -> dict:
    """The stored assessment (input, explained result, reviews, audit head, artefact, cited
    evidence and the conditions of evidence that expires before the approval would end);
    NotFound if there is none. A lean result is joined with the content snapshot it cites.
    With `content`, an undecided assessment's evidence is held against the approval it would
    get today."""
    found = stored_assessments.get_assessment(db, assessment_id)
    if found is None:
        raise NotFound(f"There is no such assessment: {assessment_id}.")
    reassessment.annotate(db, found)
    files = evidence.for_assessment(db, assessment_id)
    return {
        **found,
        "result": explained(db, found["result"]),
        "artifact": artifacts.shown(db, assessment_id),
        "evidence": files,
        "evidence_conditions": evidence.conditions(files, _approval_ends(found, content)),
    }


def _approval_ends(found: dict, content: Content | None) -> str | None:
    """When the approval ends (or, while undecided, would end if approved today): what cited
    evidence must outlast."""
    if found["status"] == "approved":
        return found["expires_at"]
    if found["status"] != "submitted" or content is None:
        return None
    from .reviews import approval_expiry  # reviews reads assessments: imported when used

    return approval_expiry(content, found["policy_id"], found["decision"] == "reject")


def explained(db, stored_result: dict) -> dict:
    """A result as stored (lean, or whole from before lean results) as its explained form."""
    lean = engine.unpack(stored_result)
    if lean.get("format") != engine.FORMAT:
        return lean
    snap = snapshots.get(db, lean["content"]["hash"])
    if snap is None:  # the snapshot is written with the result: a damaged database
        raise RuntimeError(f"no content snapshot {lean['content']['hash']} for a stored result")
    return engine.explain(lean, snap)


def list_assessments(
    db, filters: dict | None = None, page: int = 1, per_page: int = 20
) -> tuple[list[dict], int]:
    """One page of assessment summaries, newest first, and how many match the filters."""
    items, total = stored_assessments.list_assessments(db, filters, page, per_page)
    now = times.now()
    return [reassessment.annotate(db, s, now) for s in items], total


def revisions(db, root_id: str) -> list[dict]:
    """Every revision of one assessment, oldest first (summaries)."""
    now = times.now()
    return [
        reassessment.annotate(db, s, now) for s in stored_assessments.list_revisions(db, root_id)
    ]


def due_approvals(db, within_days: int) -> list[dict]:
    """Approvals that have lapsed or lapse within `within_days` days, soonest first."""
    return stored_assessments.list_due_approvals(db, within_days)


def preview_pdf(
    content: Content, clean: dict, result: dict, font_dir=None, shaping: bool | None = None
) -> bytes:
    """The PDF report of a result that was never stored (the offline command), dated now."""
    return report.pdf_for(report.unstored(clean, result, times.now()), content, font_dir, shaping)
