"""Shared fixtures: an app on a temporary database, its client, API keys and an API helper."""

from __future__ import annotations

from pathlib import Path

import pytest

import service
from service import apikeys, create_app
from service.content import load_content
from service.db import get_db
from tests.support import ROOT, body, real_content

SYSTEM = {"kind": "system", "id": "tests", "name": "pytest"}
LLAMA_8B = "meta-llama/Llama-3.1-8B-Instruct"
WRITER_SCOPES = ("assessments:read", "assessments:write")
REVIEWER_SCOPES = ("assessments:read", "reviews:write")


def _shipped_content_once(checklist_dir, policy_dir):
    """The shipped content, parsed once per session (content is immutable); others as asked."""
    if (Path(checklist_dir), Path(policy_dir)) == (ROOT / "checklists", ROOT / "policies"):
        return real_content()
    return load_content(checklist_dir, policy_dir)


@pytest.fixture
def make_app(tmp_path, monkeypatch):
    """Build an app on a fresh database in tmp_path; keyword arguments override config."""
    counter = iter(range(1000))
    monkeypatch.setattr(service, "load_content", _shipped_content_once)

    def make(**config):
        path = tmp_path / f"test-{next(counter)}.db"
        return create_app({"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "test-secret",
                           **config})

    return make


@pytest.fixture
def app(make_app):
    """The app with default configuration on a temporary database."""
    return make_app()


@pytest.fixture
def client(app):
    """A test client for `app`."""
    return app.test_client()


def create_key(app, *scopes: str, name: str = "test key") -> str:
    """Create an API key in the app's store; returns the key string (admin if no scopes)."""
    with app.app_context():
        key, _ = apikeys.create(get_db(), name, list(scopes or ("admin",)), SYSTEM)
    return key


@pytest.fixture
def make_key(app):
    """Create an API key for `app`: make_key("assessments:read", name=...) -> key string."""
    return lambda *scopes, name="test key": create_key(app, *scopes, name=name)


class ApiClient:
    """A test client that sends one API key, with verbs for the common steps."""

    def __init__(self, client, key: str):
        self.client, self.key = client, key

    def headers(self, extra: dict | None = None) -> dict:
        return {"Authorization": f"Bearer {self.key}", **(extra or {})}

    def get(self, path: str, **kwargs):
        return self.client.get(path, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, path: str, json=None, **kwargs):
        return self.client.post(path, json=json,
                                headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def submit(self, assessment: dict | None = None, **kwargs):
        """POST an assessment (a valid Llama 3.1 8B body by default); returns the response."""
        return self.post("/api/v1/assessments", json=assessment or sample_body(), **kwargs)

    def submitted(self, assessment: dict | None = None) -> dict:
        """Submit and return the created assessment, failing loudly if it was refused."""
        response = self.submit(assessment)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def review(self, assessment_id: str, decision: str, comment: str = "", **kwargs):
        return self.post(f"/api/v1/assessments/{assessment_id}/reviews",
                         json={"decision": decision, "comment": comment}, **kwargs)


def sample_body(**changes) -> dict:
    """A valid assessment body for a catalogue model; keyword arguments replace top-level keys."""
    return {**body(LLAMA_8B, answers={"SEC-01": "official"}), **changes}


@pytest.fixture
def api(client, make_key):
    """An API client whose key may read and submit assessments."""
    return ApiClient(client, make_key(*WRITER_SCOPES, name="submitter"))


@pytest.fixture
def reviewer(client, make_key):
    """An API client whose key may read and review assessments."""
    return ApiClient(client, make_key(*REVIEWER_SCOPES, name="reviewer"))
