"""Re-assessment due: the dates an approval falls due from (expiry less reminder_days, cited
evidence expiring, a content change found by the scan), the grace before the gate refuses it,
the webhook event written once, and the same answer in the list filter and on the assessment."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta

import time_machine

from service import times
from service.application import accounts, assessments, evidence, reassessment, reviews, webhooks
from service.content import load_content
from service.store import audit_verify
from tests.support.apps import add_account
from tests.support.bodies import DATA, ROOT, real_content

BODY = json.loads((DATA / "inputs" / "llama-support-bot.json").read_text(encoding="utf-8"))


def _team(db):
    return (
        accounts.actor(add_account(db, "ada@example.com", "submitter")),
        accounts.actor(add_account(db, "rita@example.com", "reviewer")),
    )


def _approved(db, team, body=None) -> dict:
    submitter, reviewer = team
    stored = assessments.submit(real_content(), db, body or BODY, submitter).assessment
    return reviews.review(real_content(), db, stored["id"], reviewer, "approve", "").assessment


def test_the_watch_starts_with_the_approval(db):
    found = _approved(db, _team(db))
    watch = found["reassessment"]
    expires = times.parse(found["expires_at"])
    policy = real_content().policies[found["policy_id"]]
    assert times.parse(watch["due_at"]) == expires - timedelta(days=policy.reminder_days)
    assert times.parse(watch["grace_until"]) - times.parse(watch["due_at"]) == timedelta(
        days=policy.grace_days
    )
    assert watch["due"] is False and found["reassessment_due"] is False


def test_expiring_evidence_brings_the_due_date_forward(db):
    team = _team(db)
    soon = (times.parse(times.now()) + timedelta(days=20)).date().isoformat()
    record = evidence.upload(db, b"%PDF-1.7 scan", "scan.pdf", team[0], expires_on=soon).record
    body = json.loads(json.dumps(BODY))
    body["answers"]["SEC-05"] = {"value": "publisher_digests", "evidence": [record["id"]]}
    found = _approved(db, team, body)
    assert found["reassessment"]["due_at"] == f"{soon}T00:00:00.000000Z"
    with time_machine.travel(times.parse(found["reassessment"]["due_at"]) + timedelta(hours=1)):
        due = assessments.get(db, found["id"])
    assert due["reassessment_due"] is True
    assert [r["kind"] for r in due["reassessment"]["reasons"]] == ["evidence_expired"]


def test_the_scan_records_a_content_change_and_sends_one_event(db, tmp_path):
    team = _team(db)
    found = _approved(db, team)
    webhooks.add(db, "http://127.0.0.1:9/hook", "assessment.reassessment_due", team[1], True)
    content = real_content()
    assert reassessment.scan(content, db) == {
        "adopted": 0,
        "content_changed": 0,
        "content_cleared": 0,
        "notified": 0,
    }
    policies = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", policies)
    default = policies / "default.yaml"
    default.write_text(
        # The body rates high, which the default policy approves with conditions; this one
        # rejects it.
        default.read_text(encoding="utf-8").replace(
            "high: approve_with_conditions, critical", "high: reject, critical"
        ),
        encoding="utf-8",
    )
    stricter = load_content(ROOT / "checklists", policies)
    counts = reassessment.scan(stricter, db)
    assert counts["content_changed"] == 1 and counts["notified"] == 1
    now_due = assessments.get(db, found["id"])
    assert now_due["reassessment_due"] is True
    (reason,) = now_due["reassessment"]["reasons"]
    assert (
        reason["kind"] == "content_changed"
        and "decision from approve_with_conditions to reject" in reason["text"]
    )
    listed, total = assessments.list_assessments(db, {"reassessment_due": True})
    assert total == 1 and listed[0]["id"] == found["id"]
    assert assessments.list_assessments(db, {"reassessment_due": False})[1] == 0
    assert reassessment.scan(stricter, db)["notified"] == 0  # once per approval
    events = db.execute(
        "SELECT body FROM webhook_outbox WHERE event_type = 'assessment.reassessment_due'"
    ).fetchall()
    assert len(events) == 1
    data = json.loads(events[0][0])["data"]
    assert data["assessment"]["reassessment_due"] is True
    assert data["reassessment"]["reasons"][0]["kind"] == "content_changed"
    cleared = reassessment.scan(content, db)
    assert cleared["content_cleared"] == 1
    assert assessments.get(db, found["id"])["reassessment_due"] is False
    assert audit_verify.verify(db).ok


def test_the_scan_adopts_approvals_made_before_the_watch(db):
    found = _approved(db, _team(db))
    db.execute("DELETE FROM reassessments")
    assert reassessment.scan(real_content(), db)["adopted"] == 1
    assert assessments.get(db, found["id"])["reassessment"]["due_at"]


def test_a_watch_changed_in_the_database_fails_audit_verify(db):
    found = _approved(db, _team(db))
    db.execute("UPDATE reassessments SET refuse_at = '9999-01-01T00:00:00.000000Z'")
    result = audit_verify.verify(db)
    assert not result.ok
    assert any(f"re-assessment watch {found['id']}" in p for p in result.problems)
