"""An approval archives its report: the bytes signed are the bytes served, bound to the audit
trail, rendered outside the write lock and refused when the assessment moved meanwhile."""

from __future__ import annotations

import hashlib

import pytest

from service import report
from service.application import accounts, assessments, reports, reviews
from service.application.errors import ReportTimeout, StateError
from service.store import reports as archive
from service.store.audit import list_audit_events
from service.store.audit_verify import verify
from tests.support.apps import add_account
from tests.support.bodies import approvable_body, real_content, sample_body

SETTINGS = reports.ReportSettings()


@pytest.fixture
def alice(db):
    return accounts.actor(add_account(db, "alice@example.com", "submitter"))


@pytest.fixture
def bob(db):
    return accounts.actor(add_account(db, "bob@example.com", "reviewer"))


@pytest.fixture
def carol(db):
    return accounts.actor(add_account(db, "carol@example.com", "reviewer"))


def submitted(db, actor, body=None, previous_id=None) -> str:
    done = assessments.submit(
        real_content(), db, body or approvable_body(), actor, previous_id=previous_id
    )
    return done.assessment["id"]


def approve(db, aid, actor, **kwargs) -> dict:
    comment = "Fine for the pilot."
    done = reviews.review(
        real_content(), db, aid, actor, "approve", comment, settings=SETTINGS, **kwargs
    )
    return done.assessment


def test_an_approval_archives_its_report_and_records_its_hash(db, alice, bob):
    aid = submitted(db, alice)
    head_before = assessments.get(db, aid)["audit_head"]
    approved = approve(db, aid, bob)
    kept = archive.archived(db, aid)
    data = bytes(kept["pdf"])
    assert kept["sha256"] == hashlib.sha256(data).hexdigest()
    assert kept["renderer"] == report.RENDERER == "modelrisk report renderer 2"
    event = next(e for e in list_audit_events(db, aid) if e["action"] == "assessment.review")
    assert event["details"]["report_sha256"] == kept["sha256"]
    assert event["details"]["report_renderer"] == report.RENDERER
    assert f"report:{aid}" in event["state"]
    assert verify(db).ok
    # The archive is the report of the assessment exactly as the approval left it.
    as_stored = {**reports.for_report(db, approved), "report_archived": True}
    as_stored["audit_head"] = head_before
    assert report.pdf_for(as_stored, real_content()) == data
    assert "Approved" in report.build(as_stored)["decision"]["status"]


def test_later_downloads_serve_the_archived_bytes_whatever_the_renderer_does(
    db, alice, bob, monkeypatch
):
    aid = submitted(db, alice)
    approve(db, aid, bob)
    signed = bytes(archive.archived(db, aid)["pdf"])
    monkeypatch.setattr(
        report, "cached_pdf_for", lambda *a, **k: pytest.fail("an archived report is re-rendered")
    )
    sent = reports.report_pdf(real_content(), db, assessments.get(db, aid), SETTINGS)
    assert (sent.data, sent.archived) == (signed, True)
    assert sent.sha256 == hashlib.sha256(signed).hexdigest()


def test_only_an_approval_archives(db, alice, bob):
    aid = submitted(db, alice, sample_body())
    reviews.review(real_content(), db, aid, bob, "request_changes", "Add the DPIA.")
    assert archive.archived(db, aid) is None
    sent = reports.report_pdf(real_content(), db, assessments.get(db, aid), SETTINGS)
    assert sent.archived is False and sent.data.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("column", "value"),
    [("pdf", b"%PDF-1.4 forged"), ("sha256", "0" * 64), ("renderer", "another renderer")],
)
def test_an_archived_report_changed_in_the_database_fails_audit_verify(
    db, alice, bob, column, value
):
    aid = submitted(db, alice)
    approve(db, aid, bob)
    db.execute(f"UPDATE report_archive SET {column} = ? WHERE assessment_id = ?", [value, aid])
    message = verify(db).message()
    shown = f"archived report of assessment {aid}: the row does not match its latest audit event"
    assert shown in message


def test_an_archived_report_deleted_from_the_database_fails_audit_verify(db, alice, bob):
    aid = submitted(db, alice)
    approve(db, aid, bob)
    db.execute("DELETE FROM report_archive WHERE assessment_id = ?", [aid])
    assert "the row is gone" in verify(db).message()


def test_a_review_recorded_while_the_report_rendered_wins_and_the_approval_is_refused(
    db, alice, bob, carol, monkeypatch
):
    aid = submitted(db, alice)
    real = reports.prepare_approval

    def meanwhile(*args, **kwargs):
        prepared = real(*args, **kwargs)
        reviews.review(real_content(), db, aid, carol, "request_changes", "Not yet.")
        return prepared

    monkeypatch.setattr(reports, "prepare_approval", meanwhile)
    with pytest.raises(StateError):
        approve(db, aid, bob)
    found = assessments.get(db, aid)
    assert found["status"] == "changes_requested" and len(found["reviews"]) == 1
    assert archive.archived(db, aid) is None
    assert verify(db).ok


def test_an_approval_is_refused_when_the_assessment_changed_while_its_report_rendered(
    db, alice, bob, monkeypatch
):
    aid = submitted(db, alice)
    real = reports.prepare_approval

    def meanwhile(*args, **kwargs):
        prepared = real(*args, **kwargs)
        db.execute(  # another writer: the status stays, the row does not
            "UPDATE assessments SET updated_at = '2099-01-01T00:00:00.000000Z' WHERE id = ?", [aid]
        )
        return prepared

    monkeypatch.setattr(reports, "prepare_approval", meanwhile)
    with pytest.raises(StateError, match="changed while the report for this approval"):
        approve(db, aid, bob)
    assert assessments.get(db, aid)["reviews"] == []
    assert archive.archived(db, aid) is None


def test_the_report_renders_outside_the_write_lock(db, alice, bob, monkeypatch):
    aid = submitted(db, alice)
    seen = []
    real = report.cached_pdf_for

    def render(*args, **kwargs):
        seen.append(db.conn.in_transaction)
        return real(*args, **kwargs)

    monkeypatch.setattr(report, "cached_pdf_for", render)
    approve(db, aid, bob)
    assert seen == [False]


def test_an_approval_whose_report_misses_the_time_budget_changes_nothing(db, alice, bob):
    aid = submitted(db, alice)
    with pytest.raises(ReportTimeout):
        reviews.review(
            real_content(),
            db,
            aid,
            bob,
            "approve",
            "",
            settings=reports.ReportSettings(budget=1e-9),
        )
    found = assessments.get(db, aid)
    assert (found["status"], found["reviews"]) == ("submitted", [])
    assert archive.archived(db, aid) is None


def test_a_refused_approval_renders_no_report(db, alice, monkeypatch):
    aid = submitted(db, alice)
    monkeypatch.setattr(
        report, "cached_pdf_for", lambda *a, **k: pytest.fail("rendered for a refusal")
    )
    with pytest.raises(reviews.FourEyesError):
        approve(db, aid, alice)


def test_the_report_prints_the_reviews_of_earlier_revisions(db, alice, bob):
    first = submitted(db, alice, sample_body())
    reviews.review(real_content(), db, first, bob, "request_changes", "Revision 1 lacks a DPIA.")
    second = submitted(db, alice, approvable_body(), previous_id=first)
    stored = reports.for_report(db, assessments.get(db, second))
    assert [(r["revision"], r["comment"]) for r in stored["earlier_reviews"]] == [
        (1, "Revision 1 lacks a DPIA.")
    ]
    signoff = report.build(stored)["signoff"]["reviews"]
    assert signoff[0]["revision"] == 1 and signoff[0]["decision_label"] == "Changes requested"
