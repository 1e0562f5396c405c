"""Standard Webhooks signing (checked with the specification's own verifier), the retry
schedule, and the target URLs that may or may not receive events."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from service.interop import InteropError, webhook

SUMMARY = {
    "id": "a1",
    "revision": 1,
    "title": "Chat",
    "status": "approved",
    "decision": "approve",
    "rating": "low",
    "score": 3.5,
    "model_id": "m",
    "model_name": "M",
    "policy_id": "default",
    "policy_version": "1",
    "input": {"secret": "not sent"},
}
REVIEW = {
    "id": 4,
    "decision": "approve",
    "reviewer": {"kind": "user", "id": "9", "name": "Rita"},
    "created_at": "2026-11-21T10:00:00.000000Z",
}


def test_signed_event_verifies_with_the_reference_verifier():
    secret = webhook.new_secret(bytes(range(24)))
    assert secret.startswith("whsec_")
    payload = webhook.body(
        "assessment.decided", "2026-11-21T10:00:00Z", webhook.event_data(SUMMARY, REVIEW)
    )
    now = datetime.now(UTC)
    headers = webhook.headers(secret, "evt_1", now, payload)
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature", "content-type"}
    verified = Webhook(secret).verify(payload, headers)
    assert verified["type"] == "assessment.decided"
    assert verified["data"]["assessment"]["id"] == "a1"
    assert verified["data"]["review"]["reviewer"] == "Rita"
    assert "input" not in verified["data"]["assessment"]


def test_a_decision_that_accepts_a_risk_says_so_and_names_the_person():
    """Approving against a reject decision is not a plain approval: a receiver must be able to
    tell, and to see who accepted it when a key reviewed for its owner."""
    accepted = {**SUMMARY, "decision": "reject", "risk_accepted": True}
    review = {
        **REVIEW,
        "reviewer": {**REVIEW["reviewer"], "name": "grc key", "person_name": "rita@example.com"},
        "accept_risk": True,
    }
    data = webhook.event_data(accepted, review)
    assert data["assessment"]["risk_accepted"] is True
    assert data["review"]["accept_risk"] is True
    assert data["review"]["reviewer"] == "grc key"
    assert data["review"]["reviewer_person"] == "rita@example.com"
    plain = webhook.event_data(SUMMARY, REVIEW)
    assert plain["assessment"]["risk_accepted"] is False and plain["review"]["accept_risk"] is False


@pytest.mark.parametrize("tamper", ["body", "id", "secret", "stale"])
def test_tampered_or_stale_deliveries_fail_verification(tamper):
    secret = webhook.new_secret(b"k" * 24)
    payload = webhook.body("assessment.submitted", "t", webhook.event_data(SUMMARY))
    sent = datetime.now(UTC) - (timedelta(minutes=10) if tamper == "stale" else timedelta())
    headers = webhook.headers(secret, "evt_1", sent, payload)
    if tamper == "body":
        payload = payload.replace('"approve"', '"reject"')
    if tamper == "id":
        headers["webhook-id"] = "evt_2"
    if tamper == "secret":
        secret = webhook.new_secret(b"x" * 24)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(payload, headers)


def test_body_is_canonical_json():
    first = webhook.body("assessment.submitted", "t", {"b": 1, "a": [1, 2]})
    assert first == '{"data":{"a":[1,2],"b":1},"timestamp":"t","type":"assessment.submitted"}'
    assert json.loads(first)["type"] == "assessment.submitted"


def test_retries_double_from_30_seconds_to_3_hours_and_stop_after_24_hours():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    now, attempts, delays = start, 0, []
    while True:
        attempts += 1
        nxt = webhook.retry_at(start, attempts, now)
        if nxt is None:
            break
        delays.append(nxt - now)
        now = nxt
    assert delays[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert max(delays) == timedelta(hours=3)
    assert now <= start + timedelta(hours=24) < now + timedelta(hours=3)


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/modelrisk",
        "https://hooks.example.com:8443/x?y=1",
        "https://93.184.216.34/hook",
        "https://[2606:2800:220:1:248:1893:25c8:1946]/hook",
    ],
)
def test_public_https_targets_are_allowed(url):
    assert webhook.check_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/",
        "ftp://hooks.example.com/",
        "https://user:pass@hooks.example.com/",
        "https://127.0.0.1/",
        "https://localhost/",
        "https://10.0.0.5/",
        "https://192.168.1.1/",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://0.0.0.0/",
        "https://intranet/",
        "https://hooks.example.com:99999/",
        "https://" + "a" * 2000 + ".com/",
        "",
    ],
)
def test_private_plain_or_odd_targets_are_refused(url):
    with pytest.raises(InteropError) as caught:
        webhook.check_url(url)
    assert caught.value.errors[0]["field"] == "url"


def test_private_targets_only_when_allowed():
    assert webhook.check_url("http://127.0.0.1:8080/h", allow_private=True)
    assert webhook.address_allowed("127.0.0.1", allow_private=True)
    assert not webhook.address_allowed("127.0.0.1")
    assert not webhook.address_allowed("100.64.0.1")  # carrier-grade NAT is not global
    assert not webhook.address_allowed("not an address")
    assert webhook.address_allowed("8.8.8.8")


def test_events_are_parsed_against_the_known_list():
    every = "assessment.submitted, assessment.decided, assessment.reassessment_due"
    assert webhook.parse_events(every) == webhook.EVENTS
    for bad in ("", "assessment.deleted", "assessment.submitted,nope"):
        with pytest.raises(InteropError):
            webhook.parse_events(bad)
