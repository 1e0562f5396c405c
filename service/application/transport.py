"""Post one signed webhook: resolve the target, refuse any address the URL policy forbids,
connect to the address that was checked (so a second DNS answer cannot redirect the request),
and bound the whole attempt in time. No redirects are followed."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..interop import webhook

CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 10.0
MAX_RESPONSE = 64 << 10  # read at most this much of a response; receivers owe us nothing more
USER_AGENT = "modelrisk-webhooks/1"


@dataclass(frozen=True)
class Attempt:
    """The outcome of one delivery attempt, for the delivery log."""

    ok: bool
    status: int | None
    error: str | None
    duration_ms: int


def post(url: str, headers: dict, body: str, allow_private: bool = False) -> Attempt:
    """POST `body` to `url` with `headers`; 2xx is success, anything else (or no answer) is not."""
    started = time.monotonic()
    try:
        status = _post(url, headers, body.encode("utf-8"), allow_private, started)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return Attempt(False, None, _reason(exc), _ms(started))
    ok = 200 <= status < 300
    return Attempt(ok, status, None if ok else f"HTTP {status}", _ms(started))


def _post(url: str, headers: dict, data: bytes, allow_private: bool, started: float) -> int:
    webhook.check_url(url, allow_private)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = _vetted_address(parts.hostname, port, allow_private)
    conn = _connection(parts.scheme, parts.hostname, port, address)
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn.request("POST", path, body=data, headers={**headers, "user-agent": USER_AGENT})
        conn.sock.settimeout(max(0.1, TOTAL_TIMEOUT - (time.monotonic() - started)))
        response = conn.getresponse()
        response.read(MAX_RESPONSE)
        return response.status
    finally:
        conn.close()


def _vetted_address(host: str, port: int, allow_private: bool) -> str:
    """The first address the host resolves to, when every address it resolves to is allowed."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [info[4][0] for info in infos]
    refused = [a for a in addresses if not webhook.address_allowed(a, allow_private)]
    if not addresses or refused:
        raise ValueError(f"{host} resolves to an address webhooks may not reach")
    return addresses[0]


def _connection(scheme: str, host: str, port: int, address: str):
    if scheme == "https":
        return _PinnedHTTPS(host, port, address)
    return _PinnedHTTP(host, port, address)


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to a vetted address, with the URL's host in the Host header."""

    def __init__(self, host: str, port: int, address: str):
        super().__init__(host, port, timeout=CONNECT_TIMEOUT)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), CONNECT_TIMEOUT)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to a vetted address; the certificate is checked for the URL's host."""

    def __init__(self, host: str, port: int, address: str):
        super().__init__(host, port, timeout=CONNECT_TIMEOUT, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        raw = socket.create_connection((self._address, self.port), CONNECT_TIMEOUT)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text[:200]


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
