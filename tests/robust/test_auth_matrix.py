"""The auth matrix: every route of the URL map, every credential, the status it must get.

API routes are tried with no key, a key of each single scope and an admin key; page routes as
an anonymous visitor, a submitter, a reviewer and an administrator. Each request is one that
would succeed for a credential allowed to make it (a valid body, a real id, a fresh assessment
where the call changes it), so the status says what the credential may do. A route that is not
in a table fails the test: adding one means deciding here who may call it.

Sessions never authenticate the API (it takes no CSRF token) and keys never authenticate pages.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from service.store import drafts
from service.store.context import get_db
from tests.support.apps import PASSWORD, add_user, build_app, create_key, form_data, login, token
from tests.support.bodies import approvable_body, sample_body

LOGIN = "login"  # a 302 to the sign-in page
KEYS = ("none", "read", "write", "review", "gate", "admin")
ROLES = ("anonymous", "submitter", "reviewer", "admin")
SCOPES = {
    "read": ("assessments:read",),
    "write": ("assessments:write",),
    "review": ("reviews:write",),
    "gate": ("gate:read",),
    "admin": ("admin",),
}
_unique = itertools.count()


@dataclass
class Call:
    """How to call a route: its path and body, each a value or a function of the context
    (called again for every credential, so a call that changes state gets its own)."""

    path: str | Callable
    json: dict | Callable | None = None
    form: dict | Callable | None = None


HOOK = {"url": "https://hooks.example.com/in", "events": ["assessment.submitted"]}
# (method, rule) -> (call, expected status per credential in KEYS order)
API = {
    ("GET", "/api/v1/openapi.json"): (Call("/api/v1/openapi.json"), (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/assessments"): (Call("/api/v1/assessments"), (401, 200, 403, 403, 403, 200)),
    ("POST", "/api/v1/assessments"): (
        Call("/api/v1/assessments", json=lambda ctx: sample_body()),
        (401, 403, 201, 403, 403, 201),
    ),
    ("GET", "/api/v1/assessments/<assessment_id>"): (
        Call(lambda ctx: f"/api/v1/assessments/{ctx.shared}"),
        (401, 200, 403, 403, 403, 200),
    ),
    ("GET", "/api/v1/assessments/<assessment_id>/report.pdf"): (
        Call(lambda ctx: f"/api/v1/assessments/{ctx.shared}/report.pdf"),
        (401, 200, 403, 403, 403, 200),
    ),
    # Only the submitter (the `owner` key, which no credential here is) or an administrator
    # may revise: the write key is refused as not the owner, the admin key's owner is an admin.
    ("POST", "/api/v1/assessments/<assessment_id>/revisions"): (
        Call(
            lambda ctx: f"/api/v1/assessments/{ctx.submit()}/revisions",
            json=lambda ctx: approvable_body(title="Revised"),
        ),
        (401, 403, 403, 403, 403, 201),
    ),
    ("GET", "/api/v1/assessments/<assessment_id>/reviews"): (
        Call(lambda ctx: f"/api/v1/assessments/{ctx.shared}/reviews"),
        (401, 200, 403, 403, 403, 200),
    ),
    ("POST", "/api/v1/assessments/<assessment_id>/reviews"): (
        Call(
            lambda ctx: f"/api/v1/assessments/{ctx.submit()}/reviews", json={"decision": "approve"}
        ),
        (401, 403, 403, 200, 403, 200),
    ),
    ("POST", "/api/v1/score"): (
        Call("/api/v1/score", json=lambda ctx: sample_body()),
        (401, 200, 403, 403, 403, 200),
    ),
    ("GET", "/api/v1/checklists"): (Call("/api/v1/checklists"), (401, 200, 403, 403, 403, 200)),
    ("GET", "/api/v1/checklists/<domain>"): (
        Call("/api/v1/checklists/security"),
        (401, 200, 403, 403, 403, 200),
    ),
    ("GET", "/api/v1/policies"): (Call("/api/v1/policies"), (401, 200, 403, 403, 403, 200)),
    ("GET", "/api/v1/licenses"): (Call("/api/v1/licenses"), (401, 200, 403, 403, 403, 200)),
    ("GET", "/api/v1/models"): (Call("/api/v1/models"), (401, 200, 403, 403, 403, 200)),
    ("GET", "/api/v1/crosswalk"): (Call("/api/v1/crosswalk"), (401, 200, 403, 403, 403, 200)),
    ("POST", "/api/v1/prefill"): (
        Call("/api/v1/prefill", json={"model_card": "---\nlicense: mit\n---\n"}),
        (401, 200, 403, 403, 403, 200),
    ),
    ("GET", "/api/v1/assessments/<assessment_id>/cyclonedx.json"): (
        Call(lambda ctx: f"/api/v1/assessments/{ctx.shared}/cyclonedx.json"),
        (401, 200, 403, 403, 403, 200),
    ),
    ("GET", "/api/v1/assessments.csv"): (
        Call("/api/v1/assessments.csv"),
        (401, 200, 403, 403, 403, 200),
    ),
    ("GET", "/api/v1/portfolio/impact"): (
        Call("/api/v1/portfolio/impact"),
        (401, 200, 403, 403, 403, 200),
    ),
    ("GET", "/api/v1/webhooks"): (Call("/api/v1/webhooks"), (401, 403, 403, 403, 403, 200)),
    ("POST", "/api/v1/webhooks"): (
        Call("/api/v1/webhooks", json=HOOK),
        (401, 403, 403, 403, 403, 201),
    ),
    ("POST", "/api/v1/evidence"): (
        Call("/api/v1/evidence", form=lambda ctx: {"file": (io.BytesIO(b"a,b\n1,2\n"), "x.csv")}),
        (401, 403, 201, 403, 403, 201),
    ),
    ("GET", "/api/v1/evidence/<evidence_id>"): (
        Call(lambda ctx: f"/api/v1/evidence/{ctx.evidence}"),
        (401, 200, 403, 403, 403, 200),
    ),
    ("POST", "/api/v1/gate"): (
        Call(
            "/api/v1/gate",
            json=lambda ctx: {"model": "m", "use": ctx.shared, "manifest_digest": "0" * 64},
        ),
        (401, 403, 403, 403, 200, 200),
    ),
    ("DELETE", "/api/v1/webhooks/<endpoint_id>"): (
        Call(lambda ctx: f"/api/v1/webhooks/{ctx.webhook()}"),
        (401, 403, 403, 403, 403, 204),
    ),
    ("GET", "/api/v1/webhooks/<endpoint_id>/deliveries"): (
        Call(lambda ctx: f"/api/v1/webhooks/{ctx.webhook()}/deliveries"),
        (401, 403, 403, 403, 403, 200),
    ),
}

# (method, rule) -> (call, expected status per credential in ROLES order)
WEB = {
    ("GET", "/"): (Call("/"), (LOGIN, 302, 302, 302)),
    ("GET", "/login"): (Call("/login"), (200, 302, 302, 302)),
    ("POST", "/login"): (  # a wrong password is refused whoever is signed in
        Call(
            "/login",
            form=lambda ctx: {
                "email": f"nobody{next(_unique)}@example.com",
                "password": "wrong password",
            },
        ),
        (401, 401, 401, 401),
    ),
    ("POST", "/logout"): (Call("/logout", form={}), (LOGIN, LOGIN, LOGIN, LOGIN)),
    ("GET", "/account/password"): (Call("/account/password"), (LOGIN, 200, 200, 200)),
    ("POST", "/account/password"): (
        Call("/account/password", form={"current": "not it", "new": "x" * 20, "confirm": "x" * 20}),
        (LOGIN, 422, 422, 422),
    ),
    ("GET", "/admin/users"): (Call("/admin/users"), (LOGIN, 403, 403, 200)),
    ("POST", "/admin/users"): (
        Call(
            "/admin/users",
            form=lambda ctx: {
                "email": f"new{next(_unique)}@example.com",
                "name": "New",
                "role": "submitter",
            },
        ),
        (LOGIN, 403, 403, 201),
    ),
    ("GET", "/dashboard"): (Call("/dashboard"), (LOGIN, 200, 200, 200)),
    ("POST", "/assessments/import"): (
        Call(
            "/assessments/import",
            form=lambda ctx: {"document": (io.BytesIO(b"---\nlicense: mit\n---\n"), "README.md")},
        ),
        (LOGIN, 200, 200, 200),
    ),
    ("GET", "/dashboard/assessments.csv"): (
        Call("/dashboard/assessments.csv"),
        (LOGIN, 200, 200, 200),
    ),
    ("GET", "/assessments/new"): (Call("/assessments/new"), (LOGIN, 200, 200, 200)),
    ("POST", "/assessments/new"): (
        Call("/assessments/new", form=lambda ctx: form_data()),
        (LOGIN, 302, 302, 302),
    ),
    # The form's view of its values, for its script: any signed-in person filling a form.
    ("POST", "/assessments/form-view"): (
        Call("/assessments/form-view", form=lambda ctx: form_data()),
        (LOGIN, 200, 200, 200),
    ),
    ("GET", "/assessments/<assessment_id>"): (
        Call(lambda ctx: f"/assessments/{ctx.shared}"),
        (LOGIN, 200, 200, 200),
    ),
    ("GET", "/assessments/<assessment_id>/report.pdf"): (
        Call(lambda ctx: f"/assessments/{ctx.shared}/report.pdf"),
        (LOGIN, 200, 200, 200),
    ),
    ("POST", "/assessments/<assessment_id>/review"): (
        Call(
            lambda ctx: f"/assessments/{ctx.submit()}/review",
            form={"decision": "approve", "comment": ""},
        ),
        (LOGIN, 403, 302, 302),
    ),
    ("GET", "/assessments/<assessment_id>/revise"): (  # the submitter or an administrator
        Call(lambda ctx: f"/assessments/{ctx.shared}/revise"),
        (LOGIN, 403, 403, 200),
    ),
    ("GET", "/drafts/<draft_id>"): (  # the submitter's draft: nobody else's to see
        Call(lambda ctx: f"/drafts/{ctx.draft()}"),
        (LOGIN, 200, 404, 404),
    ),
    ("POST", "/drafts/<draft_id>/delete"): (
        Call(lambda ctx: f"/drafts/{ctx.draft()}/delete", form={}),
        (LOGIN, 302, 404, 404),
    ),
    ("GET", "/evidence/<evidence_id>"): (
        Call(lambda ctx: f"/evidence/{ctx.evidence}"),
        (LOGIN, 200, 200, 200),
    ),
    ("GET", "/livez"): (Call("/livez"), (200, 200, 200, 200)),
    ("GET", "/readyz"): (Call("/readyz"), (200, 200, 200, 200)),
    ("GET", "/static/<path:filename>"): (Call("/static/app.css"), (200, 200, 200, 200)),
}


class Context:
    """An app with a key per scope, an account per role, and the state the calls need."""

    def __init__(self, tmp_path):
        self.app = build_app(tmp_path)
        self.users, self.cookies = {}, {}
        for role in ROLES[1:]:
            self.users[role] = add_user(self.app, f"{role}@example.com", role)
            client = self.app.test_client()
            assert login(client, f"{role}@example.com", PASSWORD).status_code == 302
            self.cookies[role] = client.get_cookie("session").value
        # Reviews are made by people: the review and admin keys act for those accounts.
        owners = {"review": "reviewer@example.com", "admin": "admin@example.com"}
        self.keys = {
            name: create_key(self.app, *scopes, name=name, owner=owners.get(name))
            for name, scopes in SCOPES.items()
        }
        self.owner = create_key(self.app, "assessments:read", "assessments:write", name="owner")
        self.shared = self.submit()
        self.evidence = self.upload()

    def submit(self) -> str:
        """A new assessment submitted by a key nobody in the matrix holds (so all may review),
        that the engine does not reject (so approving it accepts no risk)."""
        response = self.app.test_client().post(
            "/api/v1/assessments",
            json=approvable_body(),
            headers={"Authorization": f"Bearer {self.owner}"},
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    def upload(self) -> str:
        """An evidence file uploaded by the owner key."""
        response = self.app.test_client().post(
            "/api/v1/evidence",
            data={"file": (io.BytesIO(b"plain text evidence\n"), "notes.txt")},
            headers={"Authorization": f"Bearer {self.owner}"},
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    def webhook(self) -> int:
        """A new webhook endpoint, added by the admin key."""
        response = self.app.test_client().post(
            "/api/v1/webhooks", json=HOOK, headers={"Authorization": f"Bearer {self.keys['admin']}"}
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    def draft(self) -> str:
        """A new draft of the submitter's."""
        with self.app.app_context():
            return drafts.save_draft(
                get_db(), self.users["submitter"]["id"], "Draft", {"title": ["Draft"]}
            )

    def client(self, role: str):
        """A test client signed in as `role` (a copy of its session), or anonymous."""
        client = self.app.test_client()
        if role != "anonymous":
            client.set_cookie("session", self.cookies[role])
        return client


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    return Context(tmp_path_factory.mktemp("matrix"))


def _value(ctx, given):
    return given(ctx) if callable(given) else given


def _call(ctx, client, method: str, call: Call, headers: dict, csrf_page: str | None = None):
    path, json_body = _value(ctx, call.path), _value(ctx, call.json)
    form = _value(ctx, call.form)
    if form is not None and csrf_page:
        form = {**form, "csrf_token": token(client, csrf_page)}
    response = client.open(path, method=method, headers=headers, json=json_body, data=form)
    response.get_data()  # read it all, then close (a static file is streamed from disk)
    response.close()
    return response


def _status(response) -> int | str:
    if response.status_code == 302 and response.headers["Location"].startswith("/login"):
        return LOGIN
    return response.status_code


def _rules(app, api: bool) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") == api
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_is_in_the_matrix(ctx):
    assert _rules(ctx.app, api=True) == set(API), "add the new API route to API with its statuses"
    assert _rules(ctx.app, api=False) == set(WEB), "add the new page route to WEB"


@pytest.mark.parametrize("route", sorted(API), ids=" ".join)
def test_api_route_for_each_key(ctx, route):
    method, _ = route
    call, expected = API[route]
    got = []
    for name in KEYS:
        headers = {} if name == "none" else {"Authorization": f"Bearer {ctx.keys[name]}"}
        got.append(_status(_call(ctx, ctx.client("anonymous"), method, call, headers)))
    assert tuple(got) == expected, dict(zip(KEYS, got, strict=True))
    # A signed-in administrator's session is not a key.
    session_only = _call(ctx, ctx.client("admin"), method, call, {})
    assert _status(session_only) == expected[0]


@pytest.mark.parametrize("route", sorted(WEB), ids=" ".join)
def test_page_route_for_each_role(ctx, route):
    method, _ = route
    call, expected = WEB[route]
    got = []
    for role in ROLES:
        client = ctx.client(role)
        csrf_page = "/login" if role == "anonymous" else "/dashboard"
        response = _call(ctx, client, method, call, {}, csrf_page if method == "POST" else None)
        got.append(_status(response))
        assert response.status_code < 500
    assert tuple(got) == expected, dict(zip(ROLES, got, strict=True))
    # An admin API key is not a session: the page treats it as anonymous.
    admin_key = {"Authorization": f"Bearer {ctx.keys['admin']}", "X-API-Key": ctx.keys["admin"]}
    client = ctx.client("anonymous")
    keyed = _call(ctx, client, method, call, admin_key, "/login" if method == "POST" else None)
    assert _status(keyed) == expected[0]


@pytest.mark.parametrize("route", sorted(r for r in WEB if r[0] == "POST"), ids=" ".join)
def test_every_page_post_needs_the_csrf_token(ctx, route):
    method, _ = route
    call, _ = WEB[route]
    for role in ROLES:
        response = _call(ctx, ctx.client(role), method, call, {})
        assert response.status_code == 400, (role, response.status_code)
        assert "did not come from this site" in response.get_data(as_text=True)


def test_a_key_with_the_same_id_as_a_user_is_not_that_user(tmp_path):
    """Users and keys are numbered apart: the account must not be told it submitted what the
    key with its id submitted (four eyes compares kind and id, and so must the page)."""
    app = build_app(tmp_path)
    user = add_user(app, "first@example.com", "submitter")
    key = create_key(app, "assessments:write", name="first key")
    with app.app_context():
        key_id = get_db().execute("SELECT id FROM api_keys").fetchone()[0]
    assert key_id == user["id"]  # the clash this test is about
    created = app.test_client().post(
        "/api/v1/assessments", json=sample_body(), headers={"Authorization": f"Bearer {key}"}
    )
    client = app.test_client()
    assert login(client, "first@example.com").status_code == 302
    html = client.get(f"/assessments/{created.get_json()['id']}").get_data(as_text=True)
    assert "You submitted this assessment" not in html
    assert "Waiting for a reviewer" in html
