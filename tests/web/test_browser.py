"""A real Chromium against a live server: the newcomer's path from sign-in to an approval.

Set MODELRISK_SCREENSHOTS=<folder> to keep a screenshot of every main page.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.support.apps import PASSWORD, add_user, build_app
from tests.support.bodies import LLAMA_8B as LLAMA

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SUBMITTER, REVIEWER = "engineer@example.com", "security@example.com"

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail(
            f"CI is set but {CHROMIUM} is missing: install Debian's chromium package", pytrace=False
        )
    pytest.skip(
        f"{CHROMIUM} not found: install Debian's chromium package to run browser tests",
        allow_module_level=True,
    )

if os.environ.get("CI"):
    from playwright import sync_api  # CI must have it: fail loudly rather than skip
else:
    sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on a temporary database, served on a free port of 127.0.0.1 in a thread."""
    app = build_app(tmp_path_factory.mktemp("live"))
    add_user(app, SUBMITTER, "submitter")
    add_user(app, REVIEWER, "reviewer")
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(m.text) if m.type == "error" and "status of 422" not in m.text else None
        ),
    )
    yield page
    context.close()
    assert not errors, f"browser console errors: {errors}"


def shot(page, name: str) -> None:
    folder = os.environ.get("MODELRISK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def sign_in(page, server: str, email: str) -> None:
    page.goto(f"{server}/login")
    shot(page, "login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}/dashboard")


def fill_deployment(page, skip: str = "") -> None:
    radios = {
        "exposure": "internal",
        "environment": "production",
        "commercial_use": "yes",
        "hosting": "on_premises",
        "autonomy": "advisory",
        "tool_access": "read_only",
        "distribution": "internal_only",
    }
    page.locator("#f-deployment-use_case").fill("Drafts replies to employee IT tickets")
    page.locator("#f-deployment-sector").select_option("technology")
    page.locator("#f-deployment-data_sensitivity").select_option("internal")
    page.locator("#f-deployment-organisation_monthly_active_users").fill("5000")
    if skip != "deployer_country":
        page.locator("#f-deployment-deployer_country").fill("DE")
    for name, value in radios.items():
        page.locator(f'input[name="deployment.{name}"][value="{value}"]').check()


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
    fill_deployment(page, skip="deployer_country")
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
    assert page.locator("svg.chart").is_visible()
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
    page.get_by_label("Comment").fill("Reviewed with the platform team.")
    page.get_by_role("button", name="Record review").click()
    assert "Your review has been recorded" in page.locator(".notice").inner_text()
    assert "Approved" in page.locator(".verdict").text_content()
    assert "Reviewed with the platform team." in page.locator("#h-history + ol").inner_text()
    page.get_by_role("link", name="Dashboard").click()
    shot(page, "dashboard")


def test_submitter_finds_no_way_to_approve_their_own(server, page):
    sign_in(page, server, SUBMITTER)
    page.get_by_role("link", name="New assessment").first.click()
    page.get_by_role("button", name="Choose model").click()
    # With JavaScript, changing the catalogue model fills the model fields in place.
    page.locator("#f-model-id").select_option("mistralai/Mistral-7B-Instruct-v0.3")
    assert page.locator("#f-model-license").input_value() == "Apache-2.0"
    page.locator("#f-model-id").select_option(LLAMA)
    assert page.locator("#f-model-license").input_value() == "llama-3.1-community"
    page.get_by_label("Assessment title").fill("Second deployment")
    fill_deployment(page)
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
