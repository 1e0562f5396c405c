"""Apps on temporary folders, and the clients that act on them: an API client, a web helper.

`build_app` is the one way the tests build an app: its instance folder, database and session
key all live in the folder given, so no test writes into the checkout.
"""

from __future__ import annotations

import functools
import itertools
import re
from pathlib import Path
from unittest import mock

from service import create_app
from service.application import accounts, keys
from service.content import load_content
from service.store import audit, users
from service.store.context import get_db

from .bodies import BASE_DEPLOYMENT, LLAMA_8B, sample_body

PASSWORD = "correct horse battery staple"
SYSTEM = {"kind": "system", "id": "tests", "name": "pytest"}
AUDIT_KEY = "test-audit-key"
WRITER_SCOPES = ("assessments:read", "assessments:write")
REVIEWER_SCOPES = ("assessments:read", "reviews:write")
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_COUNTER = itertools.count()


@functools.cache
def _load_content(checklist_dir, policy_dir):
    # Content is immutable, and reading it is most of the cost of building an app.
    return load_content(checklist_dir, policy_dir)


def build_app(folder: Path, **config):
    """An app whose instance folder and database are in `folder`; keyword arguments override
    settings (CSRF checks stay on, as in production)."""
    folder = Path(folder)
    settings = {
        "TESTING": True,
        "INSTANCE_PATH": str(folder / "instance"),
        "DATABASE": str(folder / f"test-{next(_COUNTER)}.db"),
        "SECRET_KEY": "test-secret",
        "AUDIT_KEY": AUDIT_KEY,
        **config,
    }
    with mock.patch("service.load_content", _load_content):
        return create_app(settings)


def create_key(app, *scopes: str, name: str = "test key", owner: str | None = None) -> str:
    """Create an API key in the app's store, owned by the account `owner` (an e-mail) or a
    service key; returns the key string (admin if no scopes)."""
    with app.app_context():
        key, _ = keys.create(get_db(), name, list(scopes or ("admin",)), SYSTEM, owner=owner)
    return key


def add_account(db, email: str, role: str, password: str = PASSWORD, must_change: bool = False):
    """Create an account in the store with any password, audited as the service would; returns
    it (the application's create_account always asks for a new password)."""
    with audit.recorded(db, SYSTEM, "user.create", {"email": email, "role": role}) as change:
        user = users.create_user(
            db,
            email,
            email,
            role,
            accounts.hash_password(password),
            must_change_password=must_change,
        )
        change.created("user", user["id"])
    return user


def add_user(app, email: str, role: str, password: str = PASSWORD, must_change: bool = False):
    """add_account in the app's store; returns the account."""
    with app.app_context():
        return add_account(get_db(), email, role, password, must_change)


def token(client, path: str = "/login") -> str:
    """The CSRF token of the client's session, read from a page's form."""
    found = _TOKEN.search(client.get(path).get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def login(client, email: str, password: str = PASSWORD):
    """Sign in through the form; returns the response."""
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token(client)}
    )


def form_data(**overrides) -> dict:
    """A complete, valid assessment form for Llama 3.1 8B Instruct."""
    data = {
        "title": "Helpdesk assistant",
        "requester.name": "Ada Lovelace",
        "requester.email": "ada@example.com",
        "policy": "default",
        "model.id": LLAMA_8B,
        "model.license": "llama-3.1-community",
        "answers.SEC-01.value": "official",
    }
    for name, value in BASE_DEPLOYMENT.items():
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, list):
            value = ", ".join(value)
        data[f"deployment.{name}"] = str(value)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class ApiClient:
    """A test client that sends one API key, with verbs for the common steps."""

    def __init__(self, client, key: str):
        self.client, self.key = client, key

    def headers(self, extra: dict | None = None) -> dict:
        return {"Authorization": f"Bearer {self.key}", **(extra or {})}

    def get(self, path: str, **kwargs):
        return self.client.get(path, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, path: str, json=None, **kwargs):
        return self.client.post(
            path, json=json, headers=self.headers(kwargs.pop("headers", None)), **kwargs
        )

    def submit(self, assessment: dict | None = None, **kwargs):
        """POST an assessment (a valid Llama 3.1 8B body by default); returns the response."""
        return self.post("/api/v1/assessments", json=assessment or sample_body(), **kwargs)

    def submitted(self, assessment: dict | None = None) -> dict:
        """Submit and return the created assessment, failing loudly if it was refused."""
        response = self.submit(assessment)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def review(self, assessment_id: str, decision: str, comment: str = "", **kwargs):
        return self.post(
            f"/api/v1/assessments/{assessment_id}/reviews",
            json={"decision": decision, "comment": comment},
            **kwargs,
        )


class Web:
    """Multi-step actions against the app's pages: sign in as a role, submit, review."""

    def __init__(self, app):
        self.app = app
        self.users = {}

    def client(self, email: str, role: str = "submitter"):
        """A test client signed in as a (new) account with this e-mail and role."""
        if email not in self.users:
            self.users[email] = add_user(self.app, email, role)
        client = self.app.test_client()
        response = login(client, email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    def post_form(self, client, **overrides):
        """Post the assessment form with a fresh CSRF token."""
        data = form_data(**overrides)
        data["csrf_token"] = token(client, "/assessments/new?model=")
        return client.post("/assessments/new", data=data)

    def submit(self, client, **overrides) -> str:
        """Submit a valid assessment; returns its id."""
        response = self.post_form(client, **overrides)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response.headers["Location"].rsplit("/", 1)[-1]
