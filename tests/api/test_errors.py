"""One error shape: problem+json for every API error status, an HTML page elsewhere."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from service import errors
from service.api import auth
from service.application import catalogue
from tests.support.apps import ApiClient, add_user, create_key
from tests.support.bodies import sample_body

ASSESSMENTS = "/api/v1/assessments"


def _bad_json(api):
    return api.client.post(
        ASSESSMENTS, data="{not json", headers=api.headers({"Content-Type": "application/json"})
    )


def _no_key(api):
    return api.client.get(ASSESSMENTS)


def _no_scope(api):
    return ApiClient(api.client, create_key(api.app, "reviews:write")).get(ASSESSMENTS)


def _unknown(api):
    return api.get(ASSESSMENTS + "/nope")


def _wrong_method(api):
    return api.client.delete(ASSESSMENTS, headers=api.headers())


def _reviewed_twice(api):
    add_user(api.app, "rita@example.com", "reviewer")
    reviewer = ApiClient(api.client, create_key(api.app, "reviews:write", owner="rita@example.com"))
    created = api.submitted()
    assert reviewer.review(created["id"], "reject", "Not for production.").status_code == 200
    return reviewer.review(created["id"], "reject", "Not for production.")


def _slow_report(api):
    api.app.config["REPORT_TIME_BUDGET"] = 0.000001
    return api.get(f"{ASSESSMENTS}/{api.submitted()['id']}/report.pdf")


def _too_large(api):
    return api.submit(sample_body(title="x" * 3_000_000))


def _not_json(api):
    return api.client.post(
        ASSESSMENTS,
        data="title=x",
        headers=api.headers({"Content-Type": "application/x-www-form-urlencoded"}),
    )


def _invalid(api):
    return api.submit(sample_body(answers={"SEC-99": "yes"}))


def _key_required(api):
    api.app.config["IDEMPOTENCY_KEY_REQUIRED"] = True
    return api.submit()


def _rate_limited(api):
    api.app.config["API_RATE_LIMIT"] = 1
    auth.init_app(api.app)  # the limiter reads its settings when the app starts
    api.get(ASSESSMENTS)
    return api.get(ASSESSMENTS)


def _crash(api, monkeypatch):
    def boom(content):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(catalogue, "policies", boom)
    return api.get("/api/v1/policies")


CASES = {
    400: _bad_json,
    401: _no_key,
    403: _no_scope,
    404: _unknown,
    405: _wrong_method,
    409: _reviewed_twice,
    413: _too_large,
    415: _not_json,
    422: _invalid,
    428: _key_required,
    429: _rate_limited,
    500: _crash,
    503: _slow_report,
}


@pytest.fixture
def api(app, client, make_key):
    api = ApiClient(client, make_key("assessments:read", "assessments:write"))
    api.app = app
    return api


@pytest.mark.parametrize("status", sorted(CASES))
def test_every_error_is_problem_json(api, monkeypatch, status):
    case = CASES[status]
    response = case(api, monkeypatch) if status == 500 else case(api)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert set(problem) >= {"type", "title", "status", "detail", "instance"}
    assert problem["status"] == status and problem["title"] == HTTPStatus(status).phrase
    assert problem["type"] == "about:blank" or problem["type"].startswith(errors.TYPE_BASE)
    assert problem["detail"] and problem["instance"] == response.request.path
    if status == 422:
        assert problem["errors"] and all(
            set(e) >= {"field", "pointer", "message"} for e in problem["errors"]
        )
    if status == 405:
        assert "POST" in response.headers["Allow"]
    if status == 500:
        assert "secret" not in response.get_data(as_text=True)


def test_errors_outside_the_api_are_html_pages(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Not Found" in response.get_data(as_text=True)
    refused = client.post("/livez")
    assert refused.status_code in (400, 405) and refused.mimetype == "text/html"


def test_the_fallback_page_escapes_text(app, monkeypatch):
    def missing(*args, **kwargs):
        raise RuntimeError("no template")

    monkeypatch.setattr(errors, "render_template", missing)
    with app.test_request_context("/x"):
        response = errors.handle(errors.Problem(400, "<script>alert(1)</script>"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "<script>" not in page and "&lt;script&gt;" in page
