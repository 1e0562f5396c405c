"""The one fixture set: apps on temporary folders, their clients, runner and action helpers."""

from __future__ import annotations

import pytest

from service.store.context import get_db
from tests.support.apps import (
    REVIEWER_SCOPES,
    WRITER_SCOPES,
    ApiClient,
    Web,
    add_user,
    build_app,
    create_key,
)
from tests.support.live import LiveServer


@pytest.fixture
def make_app(tmp_path):
    """Build an app on a fresh database in tmp_path; keyword arguments override settings."""
    return lambda **config: build_app(tmp_path, **config)


@pytest.fixture
def app(make_app):
    """The app with default settings on a temporary database."""
    return make_app()


@pytest.fixture
def client(app):
    """A test client for `app`."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A command-line runner for `app` (`runner.invoke(args=[...])`)."""
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """The app's database connection, inside an app context."""
    with app.app_context():
        yield get_db()


@pytest.fixture
def make_key(app):
    """Create an API key for `app`: make_key("assessments:read", name=..., owner=EMAIL) -> key
    string; without an owner it is a service key."""
    return lambda *scopes, name="test key", owner=None: create_key(
        app, *scopes, name=name, owner=owner
    )


@pytest.fixture
def api(client, make_key):
    """An API client whose (service) key may read and submit assessments."""
    return ApiClient(client, make_key(*WRITER_SCOPES, name="submitter"))


@pytest.fixture
def reviewer(app, client, make_key):
    """An API client whose key may read and review assessments, owned by a reviewer's account."""
    add_user(app, "reviewer@example.com", "reviewer")
    return ApiClient(
        client, make_key(*REVIEWER_SCOPES, name="reviewer", owner="reviewer@example.com")
    )


@pytest.fixture
def web(app):
    """Signed-in page clients and form actions against `app`."""
    return Web(app)


@pytest.fixture
def live_server(tmp_path):
    """Make LiveServer objects (not yet started) that are stopped when the test ends."""
    made: list[LiveServer] = []

    def make(database, workers: int = 2, env: dict | None = None) -> LiveServer:
        folder = tmp_path / f"server-{len(made)}"
        folder.mkdir()
        server = LiveServer(database, folder / "gunicorn.log", workers, env)
        made.append(server)
        return server

    yield make
    for server in made:
        server.stop()
