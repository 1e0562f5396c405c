"""CSRF refusal, security headers, cookie flags and escaping of hostile text on the pages."""

from __future__ import annotations

import pytest

from tests.support.apps import PASSWORD, add_user, login, token

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_login_without_csrf_token_is_refused(web):
    add_user(web.app, "a@example.com", "submitter")
    client = web.app.test_client()
    client.get("/login")
    response = client.post("/login", data={"email": "a@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # still signed out


def test_form_post_with_a_wrong_token_is_refused(web):
    client = web.client("a@example.com")
    response = client.post("/assessments/new", data={"csrf_token": "forged", "action": "draft"})
    assert response.status_code == 400


def test_token_in_header_is_accepted(web):
    client = web.client("a@example.com")
    csrf = token(client, "/dashboard")
    response = client.post("/logout", headers={"X-CSRF-Token": csrf})
    assert response.status_code == 302


def test_api_paths_are_exempt_from_csrf(web):
    client = web.app.test_client()
    response = client.post("/api/v1/assessments", json={})
    assert response.status_code != 400 or "did not come from this site" not in response.text


@pytest.mark.parametrize("path", ["/login", "/dashboard", "/static/app.css", "/livez"])
def test_every_response_carries_security_headers(web, path):
    with web.client("a@example.com").get(path) as response:
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_page_csp_allows_no_inline_script(web):
    csp = web.app.test_client().get("/login").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp


def test_pages_have_no_inline_script_or_style_and_no_remote_assets(web):
    client = web.client("a@example.com")
    for path in ("/login", "/dashboard", "/assessments/new", "/assessments/new?model=other"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and " style=" not in html and "onclick" not in html
        assert "http://" not in html.replace("http://www.w3.org", "")
        assert "https://" not in html or "cdn" not in html.lower()


def test_session_cookie_is_httponly_and_samesite_lax(web):
    add_user(web.app, "a@example.com", "submitter")
    client = web.app.test_client()
    cookie = login(client, "a@example.com").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookie_is_configurable(make_app, monkeypatch):
    monkeypatch.setenv("MODELRISK_SESSION_COOKIE_SECURE", "true")
    app = make_app()
    add_user(app, "a@example.com", "submitter")
    cookie = login(app.test_client(), "a@example.com").headers["Set-Cookie"]
    assert "Secure" in cookie


def test_hostile_text_is_escaped_on_form_result_and_dashboard(web):
    client = web.client("a@example.com")
    hostile = {
        "title": f"T {HOSTILE}",
        "requester.organisation": HOSTILE,
        "answers.SEC-02.value": "unknown",
        "answers.SEC-02.note": HOSTILE,
        "deployment.use_case": HOSTILE,
    }
    failed = web.post_form(client, **hostile, **{"deployment.sector": None})
    assert failed.status_code == 422
    assessment_id = web.submit(client, **hostile)
    for path in (f"/assessments/{assessment_id}", "/dashboard"):
        html = client.get(path).get_data(as_text=True)
        assert "&lt;script&gt;alert(" in html
        assert HOSTILE not in html
    assert HOSTILE not in failed.get_data(as_text=True)


def test_hostile_draft_title_is_escaped(web):
    client = web.client("a@example.com")
    data = {"title": HOSTILE, "action": "draft", "csrf_token": token(client, "/dashboard")}
    assert client.post("/assessments/new", data=data).status_code == 302
    html = client.get("/dashboard").get_data(as_text=True)
    assert HOSTILE not in html and "&lt;img src=x" in html


def test_login_redirect_never_leaves_the_site(web):
    add_user(web.app, "a@example.com", "submitter")
    client = web.app.test_client()
    data = {"email": "a@example.com", "password": PASSWORD, "csrf_token": token(client)}
    response = client.post("/login?next=//evil.example/x", data=data)
    assert response.headers["Location"] == "/dashboard"
