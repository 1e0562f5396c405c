"""Re-assessment due: when an approval in force should be assessed again, and when the gate
stops honouring it.

An approval falls due (its `due_at`) at the earliest of: its expiry less the policy's
`reminder_days`; the day the first evidence it cites expires; the moment a scan found that the
content loaded now would change its decision or rating (the portfolio impact check). The gate
refuses it from `refuse_at`, which is `due_at` plus the policy's `grace_days`.

Stored, not worked out on read: the dates are fixed when the approval is made (in the
review's transaction, audited with it), and the content check, too slow for a request, is
made by `scan` (the delivery worker runs it, or `flask --app wsgi reassessment scan`), which
records what it finds (audited) and writes the `assessment.reassessment_due` webhook event
once per approval. Dashboard, API, gate and webhooks all read the stored `due_at`, compared
with the clock, so they agree; only the event waits for the next scan.
"""

from __future__ import annotations

from datetime import timedelta

from sqlite_utils import Database

from .. import store, times
from ..content.model import Content
from ..store import assessments as stored_assessments
from ..store import audit
from ..store import evidence as stored_evidence
from ..store import reassessments as stored
from . import webhooks

SYSTEM = {"kind": "system", "id": "reassessment", "name": "re-assessment scan"}


def watch(db: Database, content: Content, assessment: dict, expires_at: str) -> dict:
    """Start the watch of a new approval; call it inside the approving review's audited
    change (the caller names the row as created). Returns the row."""
    policy = _policy(content, assessment["policy_id"])
    files = stored_evidence.cited_by(db, assessment["id"])
    dates = [f["expires_on"] for f in files if f["expires_on"]]
    record = {
        "assessment_id": assessment["id"],
        "remind_at": _shift(expires_at, -policy.reminder_days),
        "evidence_expires_at": f"{min(dates)}T00:00:00.000000Z" if dates else None,
        "content_changed_at": None,
        "content_reasons": None,
        "grace_days": policy.grace_days,
        "notified_at": None,
    }
    stored.put(db, _dated(record))
    return record


def _policy(content: Content, policy_id: str):
    """The approval's policy, or, when it is no longer loaded, the strictest loaded values."""
    found = content.policies.get(policy_id)
    if found:
        return found
    loaded = list(content.policies.values())
    return min(loaded, key=lambda p: (p.grace_days, -p.reminder_days))


def _dated(record: dict) -> dict:
    """The record with due_at (the earliest reason) and refuse_at (due_at + grace) set."""
    starts = [
        record[k]
        for k in ("remind_at", "evidence_expires_at", "content_changed_at")
        if record.get(k)
    ]
    record["due_at"] = min(starts)
    record["refuse_at"] = _shift(record["due_at"], record["grace_days"])
    return record


def _shift(stamp: str, days: int) -> str:
    return times.stamp(times.parse(stamp) + timedelta(days=days))


def state(watch_row: dict | None, status: str, now: str | None = None) -> dict | None:
    """{due, due_since, grace_until, reasons: [{kind, since, text}]} of an approval's watch,
    or None when there is nothing to watch (not approved, or no watch)."""
    if status != "approved" or not watch_row:
        return None
    now = now or times.now()
    reasons = []
    if watch_row["remind_at"] <= now:
        reasons.append(
            {
                "kind": "expiry_near",
                "since": watch_row["remind_at"],
                "text": "the approval expires soon",
            }
        )
    if watch_row["evidence_expires_at"] and watch_row["evidence_expires_at"] <= now:
        reasons.append(
            {
                "kind": "evidence_expired",
                "since": watch_row["evidence_expires_at"],
                "text": f"cited evidence expired on {watch_row['evidence_expires_at'][:10]}",
            }
        )
    if watch_row["content_changed_at"]:
        reasons.append(
            {
                "kind": "content_changed",
                "since": watch_row["content_changed_at"],
                "text": watch_row["content_reasons"] or "the content loaded now decides otherwise",
            }
        )
    due = watch_row["due_at"] <= now
    return {
        "due": due,
        "due_since": watch_row["due_at"] if due else None,
        "due_at": watch_row["due_at"],
        "grace_until": watch_row["refuse_at"],
        "reasons": reasons,
    }


def annotate(db: Database, summary: dict, now: str | None = None) -> dict:
    """The summary with `reassessment_due` and `reassessment` (see state)."""
    found = state(stored.get(db, summary["id"]), summary["status"], now)
    summary["reassessment"] = found
    summary["reassessment_due"] = bool(found and found["due"])
    return summary


def scan(content: Content, db: Database) -> dict:
    """Bring every approval's watch up to date: adopt approvals made before watches existed,
    record (or clear) that the loaded content would change its decision or rating (the
    portfolio impact check), and write the webhook event of each approval newly due. Each
    change is its own audited transaction. Returns the counts."""
    from .portfolio import approved_changes  # portfolio scores through assessments

    changes = approved_changes(content, db)
    counts = {"adopted": 0, "content_changed": 0, "content_cleared": 0, "notified": 0}
    for row in stored.approved_unwatched(db):
        with audit.recorded(db, SYSTEM, "reassessment.watch", {}, row["id"]) as change:
            watch(db, content, row, row["expires_at"])
            change.created("reassessment", row["id"])
        counts["adopted"] += 1
    for row in stored.approved_watches(db):
        kind = _content(db, row, changes.get(row["assessment_id"]))
        if kind:
            counts[kind] += 1
    now = times.now()
    for assessment_id in stored.due_unnotified(db, now):
        counts["notified"] += _notify(db, assessment_id, now)
    return counts


def _content(db: Database, row: dict, change: str | None) -> str | None:
    """Record that the loaded content changes this approval's verdict (or no longer does)."""
    if bool(change) == bool(row["content_changed_at"]):
        return None
    aid = row["assessment_id"]
    record = dict(row)
    record.pop("policy_id", None)
    record["content_changed_at"] = times.now() if change else None
    record["content_reasons"] = change or None
    action = "reassessment.content_changed" if change else "reassessment.content_cleared"
    touches = (("reassessment", aid),)
    with audit.recorded(db, SYSTEM, action, {"change": change}, aid, touches):
        stored.put(db, _dated(record))
    return "content_changed" if change else "content_cleared"


def _notify(db: Database, assessment_id: str, now: str) -> int:
    """Write the approval's `assessment.reassessment_due` event (outbox and audit trail)."""
    with store.write(db):
        summary = annotate(db, stored_assessments.get_summary(db, assessment_id), now)
        details = {"reasons": [r["kind"] for r in summary["reassessment"]["reasons"]]}
        audit.append_audit_event(
            db, SYSTEM, "assessment.reassessment_due", details, assessment_id=assessment_id
        )
        webhooks.enqueue(db, "assessment.reassessment_due", summary)
        stored.mark_notified(db, assessment_id, now)
    return 1
