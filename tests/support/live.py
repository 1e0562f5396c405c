"""Live servers for the tests marked `live`: gunicorn on 127.0.0.1, and command environments.

A server listens on a socket the test binds to port 0 itself and hands to gunicorn (`fd://`),
so no other process can take the port between choosing it and listening on it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from service import store
from service.application import keys

from .apps import AUDIT_KEY, SYSTEM, add_account
from .bodies import ROOT


def command_env(folder: Path, **env: str) -> dict:
    """The environment for a `flask --app wsgi` or gunicorn process of a test: its instance
    folder (session key, default database) inside `folder`, never in the checkout."""
    return {
        **os.environ,
        "MODELRISK_INSTANCE_PATH": str(Path(folder) / "instance"),
        "MODELRISK_SECRET_KEY": "live-test",
        "MODELRISK_AUDIT_KEY": AUDIT_KEY,
        **env,
    }


def store_key(database, *scopes: str, name: str = "live key", owner: str | None = None) -> str:
    """Create an API key straight in a database file (migrating it first) without an app, so no
    connection stays open in the test process; returns the key string (admin if no scopes)."""
    store.migrate(database, AUDIT_KEY)
    db = store.connect(database, AUDIT_KEY)
    try:
        key, _ = keys.create(db, name, list(scopes or ("admin",)), SYSTEM, owner=owner)
    finally:
        db.close()
    return key


def store_user(database, email: str, role: str) -> None:
    """Create an account straight in a database file (as store_key does), audited."""
    store.migrate(database, AUDIT_KEY)
    db = store.connect(database, AUDIT_KEY)
    try:
        add_account(db, email, role)
    finally:
        db.close()


def _no_control_socket() -> list[str]:
    """gunicorn 27+ opens a control socket at one path per user (~/.gunicorn/gunicorn.ctl):
    a test server must not take it over from a server someone is running, nor from another."""
    from gunicorn.config import Config

    return ["--no-control-socket"] if "control_socket_disable" in Config().settings else []


_NO_CONTROL_SOCKET = _no_control_socket()


class LiveServer:
    """gunicorn serving wsgi:app on 127.0.0.1 over `database`, logging to `log`.

    `start()` waits for /readyz; `stop()` shuts down gracefully; `kill()` is a crash: SIGKILL to
    the master and every worker at once. The same object can be started again (on a new port).
    """

    def __init__(self, database, log, workers: int = 2, env: dict | None = None):
        self.database, self.log, self.workers = Path(database), Path(log), workers
        self.env = command_env(self.log.parent, MODELRISK_DATABASE=str(database), **(env or {}))
        self.process: subprocess.Popen | None = None
        self.base = ""

    def start(self, timeout: float = 60) -> LiveServer:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        fd = listener.fileno()
        try:
            with self.log.open("ab") as log:
                self.process = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "--config",
                        str(ROOT / "gunicorn.conf.py"),
                        "--workers",
                        str(self.workers),
                        "--bind",
                        f"fd://{fd}",
                        *_NO_CONTROL_SOCKET,
                    ],
                    cwd=ROOT,
                    env=self.env,
                    stdout=log,
                    stderr=log,
                    pass_fds=(fd,),
                )
            self.base = f"http://127.0.0.1:{listener.getsockname()[1]}"
        finally:
            listener.close()  # gunicorn holds its own copy now
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
            except requests.RequestException:  # a worker still loading the content
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


def _alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
