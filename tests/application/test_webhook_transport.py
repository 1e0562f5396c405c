"""Posting a webhook to a local receiver: signed, bounded in time, no redirects, no private
targets unless allowed."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks.webhooks import Webhook

from service.application import transport as webhook_transport
from service.interop import webhook

SECRET = webhook.new_secret(b"s" * 24)


class Receiver(BaseHTTPRequestHandler):
    """Answers by path: /ok 204, /fail 500, /slow waits, /redirect 302."""

    received: list = []

    def do_POST(self):
        data = self.rfile.read(int(self.headers["content-length"]))
        Receiver.received.append((self.path, dict(self.headers), data.decode()))
        if self.path == "/slow":
            time.sleep(1.5)
        status = {"/ok": 204, "/fail": 500, "/redirect": 302}.get(self.path, 200)
        self.send_response(status)
        if status == 302:
            self.send_header("location", "http://127.0.0.1:1/elsewhere")
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _send(url: str, **kw):
    body = webhook.body("assessment.submitted", "t", {"assessment": {"id": "a"}})
    headers = webhook.headers(SECRET, "evt_1", datetime.now(UTC), body)
    return webhook_transport.post(url, headers, body, **kw), body


def test_delivery_arrives_signed(receiver):
    attempt, body = _send(receiver + "/ok", allow_private=True)
    assert attempt.ok and attempt.status == 204 and attempt.error is None
    path, headers, data = Receiver.received[0]
    assert data == body
    assert Webhook(SECRET).verify(data, headers)["type"] == "assessment.submitted"


def test_server_errors_and_redirects_are_failures_and_redirects_not_followed(receiver):
    failed, _ = _send(receiver + "/fail", allow_private=True)
    assert (failed.ok, failed.status, failed.error) == (False, 500, "HTTP 500")
    moved, _ = _send(receiver + "/redirect", allow_private=True)
    assert (moved.ok, moved.status) == (False, 302)
    assert [r[0] for r in Receiver.received] == ["/fail", "/redirect"]


def test_a_slow_receiver_is_cut_off(receiver, monkeypatch):
    monkeypatch.setattr(webhook_transport, "TOTAL_TIMEOUT", 0.5)
    started = time.monotonic()
    attempt, _ = _send(receiver + "/slow", allow_private=True)
    assert not attempt.ok and attempt.status is None
    assert time.monotonic() - started < 1.4


def test_private_targets_are_refused_before_any_connection(receiver):
    attempt, _ = _send(receiver + "/ok")
    assert not attempt.ok and "https://" in attempt.error
    assert Receiver.received == []


def test_a_host_name_resolving_to_a_private_address_is_refused(monkeypatch):
    def resolve(host, port, type=0):
        return [(2, 1, 6, "", ("10.1.2.3", port))]

    monkeypatch.setattr(webhook_transport.socket, "getaddrinfo", resolve)
    attempt, _ = _send("https://hooks.example.com/x")
    assert not attempt.ok and "may not reach" in attempt.error


def test_nothing_listening_is_a_failure_not_an_exception():
    attempt, _ = _send("http://127.0.0.1:9/x", allow_private=True)
    assert not attempt.ok and attempt.status is None and attempt.error
