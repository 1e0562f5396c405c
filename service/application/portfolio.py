"""Portfolio impact: every current assessment re-scored against the content and policy loaded
now, listing those whose decision, rating or blockers would change. Nothing stored changes."""

from __future__ import annotations

import json
import multiprocessing

from .. import engine
from ..content.model import Content
from ..interop import impact
from ..store import assessments as stored_assessments
from .assessments import score
from .errors import InputError
from .inputs import field_error

# The dashboard's count is kept per process until the approved set or the content changes.
_APPROVED: dict[tuple, int] = {}
CHUNK = 250  # assessments per task when several processes score
_FORKED: Content | None = None  # the content a forked process inherits


def impact_report(content: Content, db, policy_id: str | None = None, jobs: int = 1) -> dict:
    """{policy, content: {hash, versions}, summary, changes, unscorable}: what the loaded
    content (and `policy_id`, else each assessment's own policy) would decide differently.
    With jobs > 1 (the command line, not a request) that many processes score."""
    if policy_id is not None and policy_id not in content.policies:
        raise InputError([field_error(("policy",), f"unknown policy '{policy_id}'")])
    rows = stored_assessments.iter_current(db)
    if jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
        changes, failures, assessed = _in_processes(content, list(rows), policy_id, jobs)
    else:
        changes, failures, assessed = _rescore(content, rows, policy_id)
    return {
        "policy": policy_id,
        "content": {"hash": content.hash, "versions": dict(content.versions)},
        "summary": impact.summarise(assessed, changes, failures),
        "changes": changes,
        "unscorable": failures,
    }


def approved_would_change(content: Content, db) -> int:
    """How many approved deployments the loaded content would decide differently (for the
    dashboard); worked out again only when the approved set or the content changes."""
    policies = tuple(sorted((p.id, p.hash) for p in content.policies.values()))
    key = (content.hash, policies, *stored_assessments.approved_state(db))
    if key not in _APPROVED:
        _APPROVED.clear()
        rows = stored_assessments.iter_current(db, status="approved")
        changes, _failures, _count = _rescore(content, rows, None)
        _APPROVED[key] = len(changes)
    return _APPROVED[key]


def approved_changes(content: Content, db) -> dict[str, str]:
    """{assessment id: what changes} for each approval in force whose decision or rating the
    loaded content (under its own policy) would change: the re-assessment scan's check."""
    rows = stored_assessments.iter_current(db, status="approved")
    changes, _failures, _count = _rescore(content, rows, None)
    out = {}
    for change in changes:
        moved = [k for k in ("decision", "rating") if k in change["changed"]]
        if moved:
            before, after = change["before"], change["after"]
            out[change["id"]] = "the content loaded now changes its " + ", ".join(
                f"{k} from {before[k]} to {after[k]}" for k in moved
            )
    return out


def _in_processes(content: Content, rows: list, policy_id, jobs: int) -> tuple[list, list, int]:
    """Score in `jobs` forked processes, chunk by chunk; results keep the rows' order."""
    global _FORKED
    _FORKED = content  # inherited by the forked processes instead of being sent to each
    chunks = [(rows[i : i + CHUNK], policy_id) for i in range(0, len(rows), CHUNK)]
    changes, failures = [], []
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for part_changes, part_failures, _ in pool.imap(_rescore_chunk, chunks):
            changes += part_changes
            failures += part_failures
    return changes, failures, len(rows)


def _rescore_chunk(task) -> tuple[list, list, int]:
    rows, policy_id = task
    return _rescore(_FORKED, rows, policy_id)


def _rescore(content: Content, rows, policy_id: str | None) -> tuple[list, list, int]:
    changes, failures, assessed = [], [], 0
    for row in rows:
        assessed += 1
        body = json.loads(row.pop("input_json"))
        if policy_id is not None:
            body["policy"] = policy_id
        if _unchanged(content, row, body["policy"]):
            continue  # the same input, content, policy and engine give the same verdict
        try:
            # As of the day it was scored, so that only the content and the policy differ (a
            # result from before it recorded its date: the day it was stored).
            as_of, created = row.pop("as_of"), row.pop("created_at")
            as_of = as_of or created[:10]
            result = score(content, body, as_of).result  # the verdict alone: nothing to explain
        except InputError as exc:
            failures.append(impact.unscorable(row, exc.errors))
            continue
        change = impact.compare(row, result)
        if change is not None:
            changes.append(change)
    return changes, failures, assessed


def _unchanged(content: Content, row: dict, policy_id: str) -> bool:
    policy = content.policies.get(policy_id)
    return (
        policy is not None
        and row["content_hash"] == content.hash
        and row["policy_hash"] == policy.hash
        and row["engine_version"] == engine.ENGINE_VERSION
    )
