"""Chromium through Playwright for the browser tests: the app served in a thread, a browser,
pages that fail the test on console errors, and signing in through the form."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from .apps import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def playwright():
    """Playwright's sync API; a missing Chromium or Playwright skips, except under CI."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(
                f"CI is set but {CHROMIUM} is missing: install Debian's chromium package",
                pytrace=False,
            )
        pytest.skip(
            f"{CHROMIUM} not found: install Debian's chromium package to run browser tests",
            allow_module_level=True,
        )
    if os.environ.get("CI"):
        from playwright import sync_api  # CI must have it: fail loudly rather than skip

        return sync_api
    return pytest.importorskip("playwright.sync_api")


def _buffered(app):
    """The app with each response read and closed before the server writes it.

    Werkzeug's development server drains the request socket before it closes the response;
    when the browser has already dropped the connection (it may cancel a favicon or style
    sheet fetch at any time) the drain raises and the open static file is left to the garbage
    collector, which pytest reports as an unclosed-file warning in whichever test runs then."""

    def wsgi(environ, start_response):
        response = app(environ, start_response)
        try:
            body = b"".join(response)
        finally:
            if hasattr(response, "close"):
                response.close()
        return [body]

    return wsgi


@contextlib.contextmanager
def served(app) -> Iterator[str]:
    """The app on a free port of 127.0.0.1, in a thread; yields its base URL."""
    httpd = make_server("127.0.0.1", 0, _buffered(app), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()


@contextlib.contextmanager
def chromium(sync_api) -> Iterator:
    """A headless Chromium."""
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def checked_page(
    browser, width: int = 1400, height: int = 900, javascript: bool = True
) -> Iterator:
    """A page in a fresh context of this viewport; console errors (other than an expected 4xx)
    fail the test."""
    context = browser.new_context(
        viewport={"width": width, "height": height},
        accept_downloads=True,
        java_script_enabled=javascript,
    )
    page = context.new_page()
    errors: list[str] = []
    expected = ("status of 422", "status of 403", "status of 409", "status of 503")

    def record(message):
        if message.type == "error" and not any(e in message.text for e in expected):
            errors.append(message.text)

    page.on("console", record)
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"browser console errors: {errors}"


def sign_in(page, server: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the form and land on the dashboard."""
    page.goto(f"{server}/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}/dashboard")


def fill_deployment(page, skip: str = "") -> None:
    """Fill the form's deployment fields with a valid internal helpdesk (all but `skip`)."""
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
