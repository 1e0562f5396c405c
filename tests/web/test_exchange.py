"""The upload that pre-fills the new-assessment form, the dashboard's CSV export and its line on
approvals the current content would change. Plain form posts: no JavaScript involved."""

from __future__ import annotations

import csv
import io
import json

from tests.support.apps import token
from tests.support.bodies import DATA

SAMPLES = DATA / "import"
CARD = (SAMPLES / "gemma-2-9b-it.README.md").read_bytes()
INFO = (SAMPLES / "gemma-2-9b-it.model-info.json").read_bytes()
BODY = json.loads((DATA / "inputs" / "llama-support-bot.json").read_text(encoding="utf-8"))


def _upload(client, document=CARD, files=INFO, name="README.md"):
    data = {"csrf_token": token(client, "/assessments/new")}
    if document is not None:
        data["document"] = (io.BytesIO(document), name)
    if files is not None:
        data["files"] = (io.BytesIO(files), "model-info.json")
    return client.post("/assessments/import", data=data, content_type="multipart/form-data")


def test_the_choose_page_offers_the_upload(web):
    page = web.client("a@example.com").get("/assessments/new").get_data(as_text=True)
    assert 'action="/assessments/import"' in page and 'enctype="multipart/form-data"' in page


def test_an_upload_opens_the_form_pre_filled(web):
    response = _upload(web.client("a@example.com"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Pre-filled from README.md" in page
    assert 'value="google/gemma-2-9b-it" selected' in page
    # The weight format the listing settles fills the model's field, from which SEC-02 is
    # derived (the deployment basis): its derived answer is the one chosen, its source noted.
    assert 'name="answers.SEC-02.value" value="safetensors_only" data-derived checked' in page
    assert "Use the derived answer" not in page  # the derived answer is shown once, marked
    assert "From the deployment described" in page
    assert "repository file listing" in page
    assert "answers.LIC-16" in page  # a warning left for the assessor (the gate)


def test_an_unreadable_upload_is_refused_on_the_same_page(web):
    client = web.client("a@example.com")
    bad = _upload(client, document=b"---\na: &x 1\nb: *x\n---\n", files=None)
    assert bad.status_code == 422
    assert "The document could not be read" in bad.get_data(as_text=True)
    assert "anchors or aliases" in bad.get_data(as_text=True)
    empty = _upload(client, document=None, files=None)
    assert empty.status_code == 422 and "choose a file" in empty.get_data(as_text=True)


def test_dashboard_exports_the_register_with_its_filters(web, api):
    api.submitted({**BODY, "title": "@SUM(1+1)"})
    client = web.client("a@example.com")
    page = client.get("/dashboard?status=submitted").get_data(as_text=True)
    assert 'href="/dashboard/assessments.csv?status=submitted"' in page
    response = client.get("/dashboard/assessments.csv?status=submitted")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["title"] for r in rows] == ["'@SUM(1+1)"]
    none = client.get("/dashboard/assessments.csv?status=approved").get_data(as_text=True)
    assert len(none.splitlines()) == 1  # the header only


def test_dashboard_says_how_many_approvals_the_content_would_change(web, api, reviewer, db):
    created = api.submitted(BODY)
    reviewer.review(created["id"], "approve")
    client = web.client("a@example.com")
    assert 'id="impact"' not in client.get("/dashboard").get_data(as_text=True)
    # As if it had been scored by older content that rated it low: today's content says high.
    db.execute(
        "UPDATE assessments SET rating = 'low', content_hash = 'older', "
        "updated_at = '2099-01-01T00:00:00.000000Z' WHERE id = ?",
        [created["id"]],
    )
    page = client.get("/dashboard").get_data(as_text=True)
    assert "1 approved deployment would change under the current content" in page
