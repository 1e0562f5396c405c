"""Keys on every /api route: 401 without one, 403 without the scope, 429 past the rate limit."""

from __future__ import annotations

import re

import pytest

from service.application import keys as apikeys
from tests.support.apps import ApiClient, create_key

SPEC = "/api/v1/openapi.json"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def api_routes(app):
    """(method, url, required scope) for every /api route except the OpenAPI document."""
    out = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule == SPEC:
            continue
        url = re.sub(r"<int:[^>]+>", "1", rule.rule)
        url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", "x", url)
        scope = app.view_functions[rule.endpoint].required_scope
        out.extend((m, url, scope) for m in METHODS if m in rule.methods)
    return out


def test_every_api_route_is_covered(app):
    routes = api_routes(app)
    assert len(routes) >= 14
    assert {scope for _, _, scope in routes} == {
        "assessments:read",
        "assessments:write",
        "reviews:write",
        "gate:read",  # the deployment gate
        "admin",  # webhook endpoints
    }


def test_every_api_route_needs_a_key_and_its_scope(app, client):
    for method, url, scope in api_routes(app):
        response = client.open(url, method=method)
        assert response.status_code == 401, (method, url)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.mimetype == "application/problem+json"
        others = [s for s in apikeys.SCOPES if s not in (scope, "admin")]
        key = create_key(app, *others)
        response = client.open(url, method=method, headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 403, (method, url)
        assert scope in response.get_json()["detail"]


def test_the_openapi_document_needs_no_key(client):
    assert client.get(SPEC).status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        {"Authorization": "Bearer mr_live_AAAAAAAA_" + "A" * 40},
        {"Authorization": "Bearer nonsense"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
        {"X-API-Key": "mr_live_x"},
    ],
)
def test_invalid_keys_are_401(client, header):
    response = client.get("/api/v1/policies", headers=header)
    assert response.status_code == 401
    assert response.get_json()["type"].endswith("unauthorized")


def test_x_api_key_header_and_admin_keys_work(app, client):
    admin = create_key(app, "admin")
    assert client.get("/api/v1/policies", headers={"X-API-Key": admin}).status_code == 200
    assert ApiClient(client, admin).submit().status_code == 201


def test_a_revoked_key_stops_working(app, client):
    runner = app.test_cli_runner()
    done = runner.invoke(
        args=["keys", "create", "--name", "ci", "--scopes", "assessments:read,assessments:write"]
    )
    assert done.exit_code == 0, done.output
    key = done.output.strip().splitlines()[-1]
    assert apikeys.KEY_PATTERN.match(key)
    api = ApiClient(client, key)
    assert api.get("/api/v1/policies").status_code == 200
    listed = runner.invoke(args=["keys", "list"]).output
    assert "ci" in listed and key not in listed and key[:16] in listed
    key_id = listed.split()[0]
    assert runner.invoke(args=["keys", "revoke", key_id]).exit_code == 0
    assert "revoked" in runner.invoke(args=["keys", "list"]).output
    assert api.get("/api/v1/policies").status_code == 401


def test_keys_create_refuses_unknown_scopes(app):
    done = app.test_cli_runner().invoke(args=["keys", "create", "--name", "x", "--scopes", "read"])
    assert done.exit_code != 0 and "assessments:read" in done.output


def test_rate_limit_is_per_key_with_retry_after(make_app):
    app = make_app(API_RATE_LIMIT=3, API_RATE_WINDOW=3600)
    client = app.test_client()
    first, second = ApiClient(client, create_key(app)), ApiClient(client, create_key(app))
    statuses = [first.get("/api/v1/policies").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = first.get("/api/v1/policies")
    assert limited.mimetype == "application/problem+json"
    assert limited.get_json()["type"].endswith("rate-limited")
    assert 1 <= int(limited.headers["Retry-After"]) <= 3600
    ok = second.get("/api/v1/policies")
    assert ok.status_code == 200 and ok.headers["X-RateLimit-Remaining"] == "2"


def test_last_use_is_recorded(app, client):
    key = create_key(app)
    ApiClient(client, key).get("/api/v1/policies")
    listed = app.test_cli_runner().invoke(args=["keys", "list"]).output
    assert "last used never" not in listed
