"""report.pdf of an approved revision: the archived bytes, through the API and the pages."""

from __future__ import annotations

import hashlib

from service import report
from service.store.audit import list_audit_events
from service.store.context import get_db
from tests.support.bodies import approvable_body


def test_an_approved_revision_serves_the_report_archived_at_its_approval(
    app, api, reviewer, web, monkeypatch
):
    aid = api.submitted(approvable_body())["id"]
    before = api.get(f"/api/v1/assessments/{aid}/report.pdf")
    assert reviewer.review(aid, "approve").status_code == 200
    with app.app_context():
        event = [e for e in list_audit_events(get_db(), aid) if e["action"] == "assessment.review"]
    recorded = event[0]["details"]["report_sha256"]
    first = api.get(f"/api/v1/assessments/{aid}/report.pdf")
    assert first.status_code == 200
    assert first.headers["ETag"].strip('"') == recorded == hashlib.sha256(first.data).hexdigest()
    assert first.data != before.data  # the approval shows in the report it archived
    # A new layout does not touch a signed report: nothing renders it again.
    monkeypatch.setattr(report, "cached_pdf_for", lambda *a, **k: b"%PDF a later layout")
    assert api.get(f"/api/v1/assessments/{aid}/report.pdf").data == first.data
    page = web.client("someone@example.com").get(f"/assessments/{aid}/report.pdf")
    assert page.status_code == 200 and page.data == first.data
    # An assessment that is not approved still renders with the code of the day.
    other = api.submitted(approvable_body(title="Another"))["id"]
    assert api.get(f"/api/v1/assessments/{other}/report.pdf").data == b"%PDF a later layout"
