"""A real Chromium against a live server: the newcomer's path from sign-in to an approval.

Set MODELRISK_SCREENSHOTS=<folder> to keep a screenshot of every main page.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support import browser as chromium
from tests.support.apps import add_user, build_app
from tests.support.bodies import LLAMA_8B as LLAMA

SUBMITTER, REVIEWER = "engineer@example.com", "security@example.com"

pytestmark = pytest.mark.browser
sync_api = chromium.playwright()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on a temporary database, served on a free port of 127.0.0.1 in a thread."""
    app = build_app(tmp_path_factory.mktemp("live"))
    add_user(app, SUBMITTER, "submitter")
    add_user(app, REVIEWER, "reviewer")
    with chromium.served(app) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium.chromium(sync_api) as launched:
        yield launched


@pytest.fixture
def page(browser):
    with chromium.checked_page(browser) as page:
        yield page


def shot(page, name: str) -> None:
    folder = os.environ.get("MODELRISK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def sign_in(page, server: str, email: str) -> None:
    chromium.sign_in(page, server, email)
    shot(page, "dashboard-signed-in")


def test_submit_fix_errors_see_verdict_and_download_pdf(server, page):
    sign_in(page, server, SUBMITTER)
    shot(page, "dashboard-empty")
    page.get_by_role("link", name="New assessment").first.click()
    page.get_by_label("Catalogue model").select_option(LLAMA)
    shot(page, "choose-model")
    page.get_by_role("button", name="Choose model").click()
    assert page.locator("#f-model-license").input_value() == "llama-3.1-community"
    assert page.locator("#f-model-publisher").input_value() == "Meta"
    assert page.locator("#item-LIC-01 .derived").is_visible()
    shot(page, "form")
    page.get_by_label("Assessment title").fill("Helpdesk assistant on Llama 3.1 8B")
    chromium.fill_deployment(page, skip="deployer_country")
    page.locator('input[name="answers.SEC-01.value"][value="official"]').check()
    page.get_by_role("button", name="Submit for review").click()

    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert "Country where the deploying organisation" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.locator("#f-title").input_value() == "Helpdesk assistant on Llama 3.1 8B"
    shot(page, "form-errors")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "f-deployment-deployer_country"
    page.keyboard.type("DE")
    page.get_by_role("button", name="Submit for review").click()

    page.wait_for_url(f"{server}/assessments/*")
    assert "Assessment submitted" in page.locator(".notice").inner_text()
    verdict = page.locator(".verdict").text_content()
    assert "Overall risk" in verdict and any(
        r in verdict for r in ("Low", "Medium", "High", "Critical")
    )
    assert any(d in verdict for d in ("Approve", "Reject"))
    assert page.locator(".domains svg.bar").first.is_visible()
    shot(page, "result")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF report").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert download_info.value.suggested_filename.endswith(".pdf")


def test_reviewer_approves(server, page):
    sign_in(page, server, REVIEWER)
    page.get_by_role("link", name="Helpdesk assistant on Llama 3.1 8B").click()
    shot(page, "review")
    page.get_by_label("Approve").check()
    page.get_by_label("Comment").fill("Reviewed with the platform team; a pilot only.")
    # The engine rejects this assessment, so approving it accepts that risk, explicitly.
    page.get_by_label("I accept the risk of the engine's reject decision").check()
    page.get_by_role("button", name="Record review").click()
    assert "Your review has been recorded" in page.locator(".notice").inner_text()
    assert "Approved" in page.locator(".verdict").text_content()
    assert "Risk accepted" in page.locator(".verdict").text_content()
    assert "a pilot only." in page.locator("#h-history + ol").inner_text()
    page.get_by_role("link", name="Dashboard").click()
    shot(page, "dashboard")


def test_submitter_finds_no_way_to_approve_their_own(server, page):
    sign_in(page, server, SUBMITTER)
    page.get_by_role("link", name="New assessment").first.click()
    page.get_by_role("button", name="Choose model").click()
    page.wait_for_load_state()  # the scripts listen from the load on; a busy machine is slow
    # With JavaScript, changing the catalogue model fills the model fields in place.
    page.locator("#f-model-id").select_option("mistralai/Mistral-7B-Instruct-v0.3")
    assert page.locator("#f-model-license").input_value() == "Apache-2.0"
    page.locator("#f-model-id").select_option(LLAMA)
    assert page.locator("#f-model-license").input_value() == "llama-3.1-community"
    page.get_by_label("Assessment title").fill("Second deployment")
    chromium.fill_deployment(page)
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url(f"{server}/assessments/*")
    assert page.get_by_role("button", name="Record review").count() == 0
    assert page.get_by_label("Approve").count() == 0
    assert "another reviewer must decide" in page.locator("#h-review").locator("..").inner_text()
    token = page.locator('input[name="csrf_token"]').first.input_value()
    response = page.request.post(
        page.url + "/review", form={"decision": "approve", "csrf_token": token}
    )
    assert response.status == 403
