"""Portfolio impact: current assessments re-scored against the content and policy loaded now;
changed verdicts listed with versions before and after; nothing stored changes."""

from __future__ import annotations

import json
import shutil

import pytest
import time_machine

from service.application import InputError, accounts, assessments, portfolio, reviews
from service.content import load_content
from tests.support.apps import add_account
from tests.support.bodies import DATA, ROOT, real_content

# Rated high under both policies: approved with conditions to meet before go-live under the
# default policy, rejected under the strict one (which rejects a high rating).
BODY = json.loads((DATA / "inputs" / "llama-support-bot.json").read_text(encoding="utf-8"))


@pytest.fixture
def team(db) -> tuple[dict, dict]:
    """A submitter and a reviewer, each with an account: a review needs a person who holds the
    reviewer role and submitted no revision of the chain."""
    return (
        accounts.actor(add_account(db, "ada@example.com", "submitter")),
        accounts.actor(add_account(db, "rita@example.com", "reviewer")),
    )


def _approved(db, team, title="Support bot") -> dict:
    submitter, reviewer = team
    stored = assessments.submit(real_content(), db, {**BODY, "title": title}, submitter).assessment
    return reviews.review(real_content(), db, stored["id"], reviewer, "approve", "").assessment


def _snapshot(db) -> list:
    return db.execute("SELECT * FROM assessments ORDER BY id").fetchall()


def test_nothing_changes_under_the_content_it_was_scored_with(db, monkeypatch, team):
    _approved(db, team)
    calls = []
    monkeypatch.setattr(portfolio, "score", lambda *a: calls.append(a))
    report = portfolio.impact_report(real_content(), db)
    assert report["summary"] == {
        "assessed": 1,
        "changed": 0,
        "approved_changed": 0,
        "unscorable": 0,
    }
    assert calls == []  # same input, content, policy and engine: not re-scored


def test_another_policy_lists_the_change_with_versions(db, team):
    stored = _approved(db, team)
    before = _snapshot(db)
    report = portfolio.impact_report(real_content(), db, "strict")
    (change,) = report["changes"]
    assert (change["id"], change["status"], change["changed"]) == (
        stored["id"],
        "approved",
        ["decision"],
    )
    assert (change["before"]["decision"], change["after"]["decision"]) == (
        "approve_with_conditions",
        "reject",
    )
    assert change["after"]["content_versions"] == dict(real_content().versions)
    assert report["summary"]["approved_changed"] == 1
    assert _snapshot(db) == before  # nothing stored changed


def test_a_revision_replaces_its_predecessor(db, team):
    """Once the revision is decided, the approval before it is superseded and left out."""
    submitter, reviewer = team
    first = _approved(db, team)
    second = assessments.submit(
        real_content(), db, {**BODY, "title": "v2"}, submitter, first["id"]
    ).assessment
    reviews.review(real_content(), db, second["id"], reviewer, "approve", "")
    report = portfolio.impact_report(real_content(), db, "strict")
    assert report["summary"]["assessed"] == 1
    assert [c["title"] for c in report["changes"]] == ["v2"]


def test_an_approval_in_force_is_reported_beside_its_pending_revision(db, team):
    """A revision waiting for review leaves the approval before it in force (issue 12), so
    that approved deployment is still current: both are re-scored, and the dashboard counts
    the approval."""
    submitter, _ = team
    first = _approved(db, team)
    assessments.submit(real_content(), db, {**BODY, "title": "v2"}, submitter, first["id"])
    report = portfolio.impact_report(real_content(), db, "strict")
    assert report["summary"]["assessed"] == 2 and report["summary"]["approved_changed"] == 1
    assert [(c["title"], c["status"]) for c in report["changes"]] == [
        ("Support bot", "approved"),
        ("v2", "submitted"),
    ]


def test_input_the_content_no_longer_accepts_is_unscorable(db, team):
    stored = _approved(db, team)
    answers = {**BODY["answers"], "SEC-99": "yes"}
    db.execute(
        "UPDATE assessments SET input_json = ?, content_hash = 'older' WHERE id = ?",
        [json.dumps({**BODY, "answers": answers}), stored["id"]],
    )
    report = portfolio.impact_report(real_content(), db)
    (failure,) = report["unscorable"]
    assert failure["id"] == stored["id"]
    assert failure["errors"][0]["field"] == "answers.SEC-99"


def test_an_unknown_policy_is_refused(db):
    with pytest.raises(InputError) as caught:
        portfolio.impact_report(real_content(), db, "lenient")
    assert caught.value.errors[0]["field"] == "policy"


def test_the_dashboard_count_follows_the_content(db, tmp_path, team):
    _approved(db, team)
    assert portfolio.approved_would_change(real_content(), db) == 0
    policies = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", policies)
    default = policies / "default.yaml"
    text = default.read_text(encoding="utf-8")
    stricter_rule = "high: reject, critical: reject}"
    default.write_text(
        text.replace("high: approve_with_conditions, critical: reject}", stricter_rule)
    )
    stricter = load_content(ROOT / "checklists", policies)
    assert stricter.policies["default"].hash != real_content().policies["default"].hash
    assert portfolio.approved_would_change(stricter, db) == 1


def test_several_processes_give_the_same_report(db, monkeypatch, team):
    for n in range(3):
        _approved(db, team, f"Bot {n}")
    monkeypatch.setattr(portfolio, "CHUNK", 1)  # one assessment per task: order must hold
    alone = portfolio.impact_report(real_content(), db, "strict")
    together = portfolio.impact_report(real_content(), db, "strict", jobs=2)
    assert together == alone
    assert [c["title"] for c in together["changes"]] == ["Bot 0", "Bot 1", "Bot 2"]


def test_each_assessment_is_scored_again_as_of_its_own_date(db, monkeypatch, team):
    """Impact isolates what the content and policy change: an answer that depends on the date
    (upstream activity is evidence for 90 days) is worked out as of the stored assessment's
    date, so the passing of time is not reported as a content change."""
    answers = {k: v for k, v in BODY["answers"].items() if k != "MNT-01"}
    answers.update({"SEC-17": "in_place", "LIC-18": "reviewed_accepted", "MNT-05": "strong"})
    body = {**BODY, "answers": answers}
    with time_machine.travel("2025-05-15T12:00:00Z", tick=False):
        created = assessments.submit(real_content(), db, body, team[0]).assessment
    stored = assessments.get(db, created["id"])
    mnt01 = next(f for f in stored["result"]["findings"] if f["item"] == "MNT-01")
    assert mnt01["source"] == "derived"  # the catalogue's activity fact, then 44 days old
    today = assessments.evaluate(real_content(), body)[1]
    rated = stored["result"]["overall"]["rating"], stored["result"]["decision"]
    assert (today["overall"]["rating"], today["decision"]) != rated  # rated otherwise today
    monkeypatch.setattr(portfolio, "_unchanged", lambda *a: False)  # re-score it regardless
    report = portfolio.impact_report(real_content(), db)
    assert report["summary"]["assessed"] == 1
    assert report["changes"] == []
