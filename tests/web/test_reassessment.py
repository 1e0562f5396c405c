"""The dashboard shows an approval due for re-assessment with its flag, and its quick filter
lists exactly those, as the API's reassessment_due filter does."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from service import times
from tests.support.bodies import approvable_body


def test_the_dashboard_filters_and_flags_approvals_due(app, api, reviewer, web):
    due = api.submitted(approvable_body())
    other = api.submitted(approvable_body(title="Another use"))
    assert reviewer.review(due["id"], "approve").status_code == 200
    found = api.get(f"/api/v1/assessments/{due['id']}").get_json()
    with time_machine.travel(times.parse(found["reassessment"]["due_at"]) + timedelta(hours=1)):
        client = web.client("ada@example.com")  # signed in then: sessions end when idle
        html = client.get("/dashboard?reassessment_due=yes").get_data(as_text=True)
        everything = client.get("/dashboard").get_data(as_text=True)
        api_list = api.get("/api/v1/assessments?reassessment_due=true").get_json()
    assert f"/assessments/{due['id']}" in html and f"/assessments/{other['id']}" not in html
    assert "Re-assessment due</span>" in html
    assert f"/assessments/{other['id']}" in everything
    assert [i["id"] for i in api_list["items"]] == [due["id"]]
    before = web.client("ada@example.com").get("/dashboard?reassessment_due=yes")
    before = before.get_data(as_text=True)
    assert f"/assessments/{due['id']}" not in before
