"""One label table for the web pages and the report: every code the service produces has one."""

from __future__ import annotations

import pytest

from service import labels
from service.application.accounts import ROLES
from service.application.reviews import REVIEW_DECISIONS, STATUSES
from service.content.model import BASES, DECISIONS, DUES

CODES = {
    "status": STATUSES,
    "decision": (*DECISIONS, *REVIEW_DECISIONS),
    "review": (*REVIEW_DECISIONS, *REVIEW_DECISIONS.values()),
    "role": ROLES,
    "source": ("assessor", "derived", "unknown", "unanswered"),
    "source_short": ("assessor", "derived", "unknown", "unanswered"),
    "condition": ("remediation", "verify_fact", "license_review", "publisher_review", "unknowns"),
    "basis": BASES,
    "basis_short": BASES,
    "due": DUES,
}


@pytest.mark.parametrize("kind", sorted(CODES))
def test_every_code_has_a_label(kind):
    missing = [code for code in CODES[kind] if code not in labels.TABLES[kind]]
    assert missing == []


def test_a_code_without_a_label_is_shown_in_words_and_none_stays_none():
    assert labels.label("status", "on_hold") == "on hold"
    assert labels.label("decision", None) is None
    assert labels.label("review", "request_changes") == "Changes requested"
    assert labels.label("decision", "request_changes") == "Request changes"
