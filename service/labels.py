"""Words for codes: the one table of labels the web pages and the report show.

A code with no label is shown in words (`customer_facing` -> `customer facing`); a test checks
that every status, decision, review decision, role, answer source, condition kind, derived
answer's basis and condition due the service can produce has a label here.
"""

from __future__ import annotations

TABLES: dict[str, dict[str, str]] = {
    # An assessment's workflow status.
    "status": {
        "submitted": "Awaiting review",
        "approved": "Approved",
        "rejected": "Rejected",
        "changes_requested": "Changes requested",
        "superseded": "Superseded",
    },
    # What the engine decides, and what a reviewer chooses to do (the review form's buttons).
    "decision": {
        "approve": "Approve",
        "approve_with_conditions": "Approve with conditions",
        "reject": "Reject",
        "request_changes": "Request changes",
        "changes_requested": "Changes requested",
    },
    # A recorded review, as its outcome (by review decision or by the status it set).
    "review": {
        "approve": "Approved",
        "approved": "Approved",
        "reject": "Rejected",
        "rejected": "Rejected",
        "request_changes": "Changes requested",
        "changes_requested": "Changes requested",
    },
    "role": {"submitter": "Submitter", "reviewer": "Reviewer", "admin": "Administrator"},
    # Marks beside a status: an approval against the engine's reject decision, and an approval
    # that stays in force while a newer revision waits for review.
    "flag": {
        "risk_accepted": "Risk accepted",
        "revision_pending": "Newer revision awaiting review",
        "reassessment_due": "Re-assessment due",
    },
    # Where a finding's answer came from.
    "source": {
        "assessor": "Given by the assessor",
        "derived": "Derived from the licence facts",
        "unknown": "Answered unknown by the assessor",
        "unanswered": "Not answered",
    },
    # The same, short enough for a table column or a tag.
    "source_short": {
        "assessor": "Assessor",
        "derived": "Derived",
        "unknown": "Unknown",
        "unanswered": "Not answered",
    },
    "condition": {
        "remediation": "Remediation",
        "verify_fact": "Verify a licence fact",
        "license_review": "Legal review",
        "publisher_review": "Publisher review",
        "unknowns": "Answer open items",
        "catalogue_departure": "Confirm a departure from the catalogue",
        "override": "Confirm an override",
    },
    # What a derived answer was read from.
    "basis": {
        "license": "Derived from the licence",
        "publisher": "From the catalogue's publisher facts",
        "deployment": "From the deployment described",
        "artifact": "From the artefact described",
    },
    # The same, short enough for a table column (a licence-derived answer stays "Derived").
    "basis_short": {
        "license": "Derived",
        "publisher": "Publisher",
        "deployment": "Deployment",
        "artifact": "Artefact",
    },
    # Duties the engine records (content may name others: those are shown in words).
    "obligation": {
        "user_cap": "User cap",
        "acceptable_use": "Acceptable use",
        "attribution": "Attribution",
        "naming": "Naming",
        "ai_disclosure": "AI disclosure",
    },
    # When a condition must be met.
    "due": {
        "before_go_live": "Before go-live",
        "follow_up": "Follow-up, with an owner and a date",
        "track": "Track",
    },
}


def human(code) -> str:
    """A code such as customer_facing as words: 'customer facing' ('' for None)."""
    return str(code).replace("_", " ") if code is not None else ""


def label(kind: str, code) -> str | None:
    """The label of a code in one of the tables, or the code in words; None for None."""
    if code is None:
        return None
    return TABLES[kind].get(code) or human(code)


def departures(model: dict | None) -> str | None:
    """Where a result's model departs from the catalogue's facts, and the justification, in one
    sentence every edge shows; None when it departs from nothing (or was stored before)."""
    found = (model or {}).get("departures")
    if not found:
        return None
    stated = "; ".join(
        f"{human(d['field'])} {_listed(d['given'])} (catalogue: {_listed(d['catalogue'])})"
        for d in found
    )
    return f"Departs from the catalogue: {stated}. Justification: {model.get('justification')}"


def _listed(value) -> str:
    return ", ".join(map(str, value)) or "none" if isinstance(value, list) else str(value)
