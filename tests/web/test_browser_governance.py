"""Issue 12 in a real Chromium: the reproductions that went through the pages, tried again.

2. the form's hidden previous_id let anyone supersede someone's approved assessment;
3. a reviewer approved a chain they had submitted through a key of theirs;
4. approving a rejected assessment needed no reason and left no mark;
5. a rejected assessment went back to review unchanged;
6. a report download could take a worker past its timeout;
7. a copy of the session cookie outlived signing out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.store.context import get_db
from tests.support import browser as chromium
from tests.support.apps import ApiClient, add_user, build_app, create_key
from tests.support.bodies import applicable_only, approvable_body, sample_body
from tests.support.reports import pages

pytestmark = pytest.mark.browser
sync_api = chromium.playwright()
SUE, PAT, RITA, ADA = "sue@example.com", "pat@example.com", "rita@example.com", "ada@example.com"
JUSTIFICATION = "Pilot on synthetic tickets only; the DPIA follows next quarter."


class Site:
    """The served app, and API clients acting for its people (to set the scene quickly)."""

    def __init__(self, app, base: str):
        self.app, self.base = app, base
        client = app.test_client()
        scopes = ("assessments:read", "assessments:write", "reviews:write")
        self.keys = {
            email: ApiClient(client, create_key(app, *scopes, name=email, owner=email))
            for email in (PAT, RITA, ADA)
        }
        self.keys[SUE] = ApiClient(
            client, create_key(app, "assessments:read", "assessments:write", owner=SUE)
        )

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    app = build_app(tmp_path_factory.mktemp("governance"))
    for email, role in ((SUE, "submitter"), (PAT, "reviewer"), (RITA, "reviewer"), (ADA, "admin")):
        add_user(app, email, role)
    with chromium.served(app) as base:
        yield Site(app, base)


@pytest.fixture(scope="module")
def browser():
    with chromium.chromium(sync_api) as launched:
        yield launched


@pytest.fixture
def page(browser):
    with chromium.checked_page(browser) as page:
        yield page


def forced_post(page, path_url: str, form: dict):
    """POST a form the page did not offer, with the page's CSRF token (as a tampered form)."""
    csrf = page.locator('input[name="csrf_token"]').first.input_value()
    return page.request.post(path_url, form={**form, "csrf_token": csrf})


def test_the_hidden_previous_id_cannot_take_over_an_approved_assessment(site, page):
    owned = site.keys[SUE].submitted(approvable_body(title="Sue's helpdesk"))
    assert site.keys[RITA].review(owned["id"], "approve").status_code == 200
    chromium.sign_in(page, site.base, PAT)
    page.goto(site.url(f"/assessments/{owned['id']}"))
    assert page.get_by_role("link", name="Re-assess as a new revision").count() == 0
    refused = page.goto(site.url(f"/assessments/{owned['id']}/revise"))
    assert refused.status == 403
    # The new-assessment form, with previous_id slipped in as the attack did.
    page.goto(site.url("/assessments/new?model=meta-llama/Llama-3.1-8B-Instruct"))
    page.evaluate(
        """id => {
            const form = document.querySelector('form[action$="/assessments/new"]');
            const input = document.createElement('input');
            input.type = 'hidden'; input.name = 'previous_id'; input.value = id;
            form.appendChild(input);
        }""",
        owned["id"],
    )
    page.get_by_label("Assessment title").fill("Taken over")
    chromium.fill_deployment(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for review").click()
    assert "Only the person who submitted this assessment" in page.content()
    still = site.keys[SUE].get(owned["links"]["self"]).get_json()
    assert still["status"] == "approved" and still["next_id"] is None


def test_a_reviewer_cannot_approve_a_chain_they_submitted_through_a_key(site, page):
    x1 = site.keys[PAT].submitted(approvable_body(title="Pat's own tool"))
    x2 = (
        site.keys[ADA]
        .post(
            f"/api/v1/assessments/{x1['id']}/revisions",
            json=approvable_body(title="Pat's own tool, checked"),
        )
        .get_json()
    )
    chromium.sign_in(page, site.base, PAT)
    page.goto(site.url(f"/assessments/{x2['id']}"))
    assert page.get_by_role("button", name="Record review").count() == 0
    assert "You submitted a revision of this assessment" in page.locator("main").inner_text()
    response = forced_post(
        page, site.url(f"/assessments/{x2['id']}/review"), {"decision": "approve"}
    )
    assert response.status == 403
    assert site.keys[RITA].get(x2["links"]["self"]).get_json()["status"] == "submitted"


def test_approving_a_rejected_assessment_takes_an_accepted_risk_with_reasons(site, page):
    created = site.keys[SUE].submitted(sample_body(title="Blocked pilot", answers={}))
    assert created["decision"] == "reject"
    chromium.sign_in(page, site.base, RITA)
    page.goto(site.url(f"/assessments/{created['id']}"))
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Record review").click()
    assert "accept the risk" in page.locator(".error-summary").inner_text()
    page.get_by_label("I accept the risk of the engine's reject decision").check()
    page.get_by_label("Comment").fill("Fine.")
    page.get_by_role("button", name="Record review").click()
    assert "at least 30 characters" in page.locator(".error-summary").inner_text()
    page.get_by_label("Comment").fill(JUSTIFICATION)
    page.get_by_role("button", name="Record review").click()
    verdict = page.locator(".verdict").text_content()
    assert "Approved" in verdict and "Risk accepted" in verdict
    page.goto(site.url("/dashboard?q=Blocked+pilot"))
    assert "Risk accepted" in page.locator("table.table--list").inner_text()
    page.goto(site.url(f"/assessments/{created['id']}"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF report").click()
    first = pages(Path(download.value.path()).read_bytes())[0]
    assert "Risk accepted by rita@example.com on" in first and "synthetic tickets" in first


def test_a_rejected_assessment_cannot_go_back_unchanged(site, page):
    # Answers only to questions that apply: the form never submits answers to questions it does
    # not show, so a body holding such answers would come back changed (without them).
    body = applicable_only(approvable_body(title="Unchanged resubmission"))
    created = site.keys[SUE].submitted(body)
    site.keys[RITA].review(created["id"], "reject", "Not for customer data.")
    chromium.sign_in(page, site.base, SUE)
    page.goto(site.url(f"/assessments/{created['id']}"))
    page.get_by_role("link", name="Re-assess as a new revision").click()
    page.get_by_role("button", name="Submit for review").click()
    assert "No input changed" in page.locator(".error-summary").inner_text()
    assert site.keys[SUE].get(created["links"]["self"]).get_json()["next_id"] is None


def _old_row(site) -> str:
    """A stored assessment whose notes hold 3,999 line breaks each (from before the bound)."""
    submitted = site.keys[SUE].submitted(sample_body(title="Old notes"))
    created = site.keys[SUE].get(submitted["links"]["self"]).get_json()  # whole, as rows were
    result = created["result"]
    for finding in result["findings"][:12]:
        finding["note"] = "Old note" + "\n" * 3999
    with site.app.app_context():
        get_db().execute(
            "UPDATE assessments SET result_json = ? WHERE id = ?",
            [json.dumps(result), created["id"]],
        )
    return created["id"]


def test_a_report_downloads_within_its_budget_or_says_why_not(site, page):
    assessment_id = _old_row(site)
    chromium.sign_in(page, site.base, RITA)
    page.goto(site.url(f"/assessments/{assessment_id}"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF report").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    other = _old_row(site)  # not rendered yet (a rendered report is served from the cache)
    site.app.config["REPORT_TIME_BUDGET"] = 0.001
    try:
        refused = page.goto(site.url(f"/assessments/{other}/report.pdf"))
        assert refused.status == 503
        assert "did not render within" in page.locator("main").inner_text()
    finally:
        site.app.config["REPORT_TIME_BUDGET"] = 10


def test_signing_out_ends_a_copied_session(site, browser, page):
    chromium.sign_in(page, site.base, SUE)
    copied = page.context.cookies()
    with chromium.checked_page(browser) as thief:
        thief.context.add_cookies(copied)
        thief.goto(site.url("/dashboard"))
        assert thief.url == site.url("/dashboard")  # the copy works while the session lives
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(site.url("/login"))
        thief.goto(site.url("/dashboard"))
        assert thief.url.startswith(site.url("/login"))
