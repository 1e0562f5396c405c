"""Standard Webhooks for assessment events: the event body, the signed headers, the retry
schedule and which target URLs may receive events. Pure: the caller gives clock and randomness.

Signing follows the Standard Webhooks specification through its reference package: the headers
webhook-id, webhook-timestamp and webhook-signature ("v1," + base64 HMAC-SHA256 of
"id.timestamp.body" under the endpoint's secret).
"""

from __future__ import annotations

import base64
import ipaddress
import json
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from standardwebhooks.webhooks import Webhook

from .errors import fail

EVENTS = ("assessment.submitted", "assessment.decided", "assessment.reassessment_due")
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 24
RETRY_WINDOW = timedelta(hours=24)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=3)
MAX_URL = 2000
# The summary fields an event carries; the full assessment stays behind the API and its scopes.
ASSESSMENT_FIELDS = (
    "id",
    "revision",
    "previous_id",
    "title",
    "status",
    "decision",
    "rating",
    "score",
    "model_id",
    "model_name",
    "policy_id",
    "policy_version",
    "created_at",
    "updated_at",
    "expires_at",
    "risk_accepted",
)


def event_data(summary: dict, review: dict | None = None) -> dict:
    """The `data` of an event: the assessment's summary, and the review that decided it (with
    the person behind the reviewing credential and whether it accepted a reject's risk)."""
    data = {"assessment": {k: summary.get(k) for k in ASSESSMENT_FIELDS}}
    data["assessment"]["risk_accepted"] = bool(summary.get("risk_accepted"))
    if summary.get("reassessment") is not None:
        # An approval due for re-assessment: since when, why, and until when the gate honours it.
        data["assessment"]["reassessment_due"] = bool(summary.get("reassessment_due"))
        data["reassessment"] = summary["reassessment"]
    if review is not None:
        data["review"] = {
            "id": review["id"],
            "decision": review["decision"],
            "reviewer": review["reviewer"]["name"],
            "reviewer_person": review["reviewer"].get("person_name"),
            "accept_risk": bool(review.get("accept_risk")),
            "created_at": review["created_at"],
        }
    return data


def body(event_type: str, occurred_at: str, data: dict) -> str:
    """The JSON body of one event, as the specification shapes it: {type, timestamp, data}."""
    return json.dumps(
        {"type": event_type, "timestamp": occurred_at, "data": data},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def headers(secret: str, event_id: str, sent_at: datetime, payload: str) -> dict[str, str]:
    """The three Standard Webhooks headers for one delivery attempt."""
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(secret).sign(event_id, sent_at, payload),
        "content-type": "application/json",
    }


def new_secret(random: bytes) -> str:
    """An endpoint secret in the specification's whsec_ form, from SECRET_BYTES random bytes."""
    if len(random) < SECRET_BYTES:
        raise ValueError(f"need {SECRET_BYTES} random bytes")
    return SECRET_PREFIX + base64.b64encode(random[:SECRET_BYTES]).decode("ascii")


def retry_at(created_at: datetime, attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed tries: 30 s doubling up to 3 h, for 24 h from
    the event; None once the next try would fall outside that window."""
    delay = min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)
    when = now + delay
    return when if when <= created_at + RETRY_WINDOW else None


def parse_events(text: str) -> tuple[str, ...]:
    """Event types from a comma-separated list, each one of EVENTS."""
    names = tuple(dict.fromkeys(n.strip() for n in (text or "").split(",") if n.strip()))
    unknown = [n for n in names if n not in EVENTS]
    if not names or unknown:
        raise fail("events", f"give one or more of {', '.join(EVENTS)}")
    return names


def check_url(url: str, allow_private: bool = False) -> str:
    """The target URL if it may receive events: https to a public host (see address_allowed),
    no user name or password in it. `allow_private` also admits http and private addresses,
    for closed networks and tests."""
    if not isinstance(url, str) or not 0 < len(url) <= MAX_URL:
        raise fail("url", f"give a URL of at most {MAX_URL} characters")
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes:
        raise fail("url", f"must start with {' or '.join(s + '://' for s in schemes)}")
    if parts.username or parts.password or "@" in parts.netloc:
        raise fail("url", "must not carry a user name or password")
    try:
        host, _port = parts.hostname, parts.port
    except ValueError:
        raise fail("url", "has an invalid port") from None
    if not host:
        raise fail("url", "names no host")
    literal = _ip(host)
    if literal is not None and not address_allowed(str(literal), allow_private):
        raise fail("url", "points at a private, loopback or reserved address")
    if literal is None and not allow_private and (host == "localhost" or "." not in host):
        raise fail("url", "must name a public host")
    return url


def address_allowed(address: str, allow_private: bool = False) -> bool:
    """Whether a resolved address may be connected to: a global unicast address, unless
    `allow_private`. Checked again for every address a host name resolves to at delivery."""
    ip = _ip(address)
    if ip is None:
        return False
    if allow_private:
        return not ip.is_multicast and not ip.is_unspecified
    return ip.is_global and not ip.is_multicast


def _ip(host: str):
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    mapped = getattr(ip, "ipv4_mapped", None)
    return mapped or ip
