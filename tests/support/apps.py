"""Helpers for the web page tests: an app on a temporary database, accounts, signed-in clients."""

from __future__ import annotations

import functools
import re
from unittest import mock

from service import auth, create_app
from service.content import load_content
from service.db import get_db
from service.store import users
from tests.support import BASE_DEPLOYMENT

PASSWORD = "correct horse battery staple"
LLAMA = "meta-llama/Llama-3.1-8B-Instruct"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@functools.cache
def _load_content(checklist_dir, policy_dir):
    return load_content(checklist_dir, policy_dir)


def make_app(tmp_path, **config):
    """An app on a fresh database in tmp_path (CSRF checks stay on, as in production).

    The content is read once per test session: it is immutable, and reading it is most of the
    cost of building an app.
    """
    with mock.patch("service.load_content", _load_content):
        return create_app(
            {
                "TESTING": True,
                "DATABASE": str(tmp_path / "web.db"),
                "SECRET_KEY": "test-secret",
                **config,
            }
        )


def add_user(app, email: str, role: str, password: str = PASSWORD, must_change: bool = False):
    """Create an account directly in the store; returns it."""
    with app.app_context():
        return users.create_user(
            get_db(),
            email,
            email,
            role,
            auth.hash_password(password),
            must_change_password=must_change,
        )


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
        "model.id": LLAMA,
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


class Web:
    """Multi-step actions against the app: sign in as a role, submit, review."""

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
