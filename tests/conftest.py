"""Shared fixtures: an app on a temporary database, its client, API keys and an API helper."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
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
        return create_app(
            {"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "test-secret", **config}
        )

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


# --- Live gunicorn servers (tests marked `live`) ------------------------------------------------


def store_key(database, *scopes: str, name: str = "live key") -> str:
    """Create an API key straight in a database file (migrating it first) without an app, so no
    connection stays open in the test process; returns the key string (admin if no scopes)."""
    from service import store

    store.migrate(database)
    db = store.connect(database)
    try:
        key, _ = apikeys.create(db, name, list(scopes or ("admin",)), SYSTEM)
    finally:
        db.close()
    return key


class LiveServer:
    """gunicorn serving wsgi:app on a free 127.0.0.1 port over `database`, logging to `log`.

    `start()` waits for /readyz; `stop()` shuts down gracefully; `kill()` is a crash: SIGKILL to
    the master and every worker at once. The same object can be started again (on a new port).
    """

    def __init__(self, database, log, workers: int = 2, env: dict | None = None):
        self.database, self.log, self.workers = Path(database), Path(log), workers
        self.env = {
            "MODELRISK_DATABASE": str(database),
            "MODELRISK_SECRET_KEY": "live-test",
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None
        self.base = ""

    def start(self, timeout: float = 60) -> LiveServer:
        port = _free_port()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--workers",
                    str(self.workers),
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--timeout",
                    "120",
                    *_NO_CONTROL_SOCKET,
                    "wsgi:app",
                ],
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=log,
            )
        self.base = f"http://127.0.0.1:{port}"
        self._wait_until_up(timeout)
        return self

    def _wait_until_up(self, timeout: float) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}:\n" + self.log_text()[-3000:]
                )
            try:
                if requests.get(self.base + "/readyz", timeout=10).status_code == 200:
                    return
            except requests.RequestException:  # refused, or a worker still loading the content
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not become ready:\n" + self.log_text()[-3000:])

    def worker_pids(self) -> list[int]:
        """The master's children (the workers), read from /proc."""
        if self.process is None:
            return []
        out = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process went away while we looked
                continue
            if int(fields[1]) == self.process.pid:
                out.append(int(stat.parent.name))
        return out

    def kill(self) -> list[int]:
        """SIGKILL the master and its workers at once (a crash); returns the pids killed."""
        pids = [self.process.pid, *self.worker_pids()]
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in pids[1:]) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.process = None
        return pids

    def stop(self) -> None:
        """Graceful shutdown (SIGTERM), then SIGKILL if it takes longer than 20 seconds."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""


def _no_control_socket() -> list[str]:
    """gunicorn 27+ opens a control socket at one path per user (~/.gunicorn/gunicorn.ctl): a
    test server must not take it over from a server someone is running, nor from another."""
    from gunicorn.config import Config

    return ["--no-control-socket"] if "control_socket_disable" in Config().settings else []


_NO_CONTROL_SOCKET = _no_control_socket()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.fixture
def live_server(tmp_path):
    """Make LiveServer objects (not yet started) that are stopped when the test ends."""
    made: list[LiveServer] = []

    def make(database, workers: int = 2, env: dict | None = None) -> LiveServer:
        server = LiveServer(database, tmp_path / f"gunicorn-{len(made)}.log", workers, env)
        made.append(server)
        return server

    yield make
    for server in made:
        server.stop()
