"""The PDF report of a stored assessment: the one archived at its approval, or rendered now
within the time budget; and the report an approval archives, rendered before it is recorded."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from sqlite_utils import Database

from .. import report, times
from ..content.model import Content
from ..store import reports as archive
from ..store import reviews as stored_reviews
from . import people
from .errors import ReportTimeout


@dataclass(frozen=True)
class ReportSettings:
    """How reports render here: the fallback-font folder, shaping, the time budget (seconds)."""

    font_dir: str | None = None
    shaping: bool | None = None
    budget: float | None = None

    @classmethod
    def from_config(cls, config: Mapping) -> ReportSettings:
        """The settings of the service's configuration (FONT_DIR, PDF_SHAPING,
        REPORT_TIME_BUDGET)."""
        return cls(
            config.get("FONT_DIR"), config.get("PDF_SHAPING"), config.get("REPORT_TIME_BUDGET")
        )


@dataclass(frozen=True)
class Report:
    """A report to send: its bytes, their SHA-256 (the ETag), the download name, and whether
    these are the bytes archived at the approval."""

    data: bytes
    sha256: str
    filename: str
    archived: bool = False


def reading(found: dict) -> dict:
    """The decision read for people, as the result page shows it: the very reading the report
    prints (reasons, first actions, conditions by due, what would change the decision), the
    findings risky-first and worst-first, the licence by name, the method text."""
    result = found["result"]
    read = report.reading
    blocking = {b["item"] for b in result["blockers"]}
    ordered = report.in_order(result, report.domain_order(result))
    return {
        # The page lists the blockers beside the reasons: they are not repeated in them.
        "reasons": read.reasons(result, blockers=False),
        "actions": read.first_actions(result),
        "groups": read.due_groups(result),
        "changes": read.what_changes(result),
        "pending": read.pending(result),
        "order": report.domain_order(result),
        "domains": {d: read.domain_reasons(result, d) for d in report.domain_order(result)},
        "risky": read.worst_first([f for f in result["findings"] if f["risky"]], blocking),
        "clear": [f for f in ordered if not f["risky"]],
        "blocking": blocking,
        "licence": report.licence_name(result, (result.get("model") or {}).get("license")),
        "method": report.method_for(result),
    }


def earlier_reviews(db: Database, found: dict) -> list[dict]:
    """The reviews of the revisions before this one, oldest first, each with its revision."""
    return stored_reviews.list_earlier_reviews(db, found["root_id"], found["revision"])


def archived_at(db: Database, assessment_id: str) -> str | None:
    """When this revision's report was archived at its approval; None if it was not."""
    return archive.archived_at(db, assessment_id)


def for_report(db: Database, found: dict) -> dict:
    """The stored assessment with what its report adds: the reviews of earlier revisions."""
    return {**found, "earlier_reviews": earlier_reviews(db, found)}


def report_pdf(
    content: Content, db: Database, found: dict, settings: ReportSettings = ReportSettings()
) -> Report:
    """The report of a stored assessment: the archived bytes once it was approved (a later
    layout never alters a signed report), else rendered now; ReportTimeout past the budget."""
    kept = archive.archived(db, found["id"])
    if kept is not None:
        # Served as stored; `audit verify` proves the bytes are those the approval recorded.
        data = bytes(kept["pdf"])
        return Report(data, hashlib.sha256(data).hexdigest(), kept["filename"], archived=True)
    data = _rendered(content, for_report(db, found), settings)
    return Report(data, hashlib.sha256(data).hexdigest(), report.filename_for(found))


def _rendered(content: Content, stored: dict, settings: ReportSettings) -> bytes:
    try:
        return report.cached_pdf_for(
            stored, content, settings.font_dir, settings.shaping, settings.budget
        )
    except report.RenderTimeout:
        raise ReportTimeout(
            f"The report of assessment {stored['id']} did not render within "
            f"{settings.budget:g} seconds; it is refused rather than keep the service busy. Its "
            "result is unchanged and readable as JSON or on its page."
        ) from None


@dataclass(frozen=True)
class Approval:
    """What an approval will record, fixed before its transaction so that the report archived
    with it shows exactly that: when, until when, and the report's bytes. `basis` is the state
    of the assessment the report was rendered from; the approval goes ahead only on it."""

    at: str
    expires_at: str
    report: Report
    renderer: str
    basis: tuple


def basis(summary: dict) -> tuple:
    """What a report rendered before a review depends on that another writer could change."""
    return (summary["status"], summary["updated_at"], summary["next_id"], summary["risk_accepted"])


def prepare_approval(
    content: Content,
    db: Database,
    found: dict,
    actor: dict,
    comment: str,
    accept_risk: bool,
    expires_after_days: int,
    settings: ReportSettings,
) -> Approval:
    """Render, outside any transaction, the report of `found` as this approval will leave it:
    approved, with this review last, valid until the approval lapses."""
    at = times.now()
    expires = times.shifted(at, days=expires_after_days)
    account = people.person(db, actor)
    review = {
        "reviewer": {
            "kind": actor["kind"],
            "id": str(actor["id"]),
            "name": actor["name"],
            "person": people.person_id(actor),
            "person_name": account["email"] if account else None,
        },
        "decision": "approve",
        "comment": comment,
        "accept_risk": accept_risk,
        "created_at": at,
    }
    approved = {
        **for_report(db, found),
        "status": "approved",
        "expires_at": expires,
        "risk_accepted": accept_risk,
        "reviews": [*found["reviews"], review],
        "report_archived": True,
    }
    data = _rendered(content, approved, settings)
    filename = report.filename_for(found)
    rendered = Report(data, hashlib.sha256(data).hexdigest(), filename, archived=True)
    return Approval(at, expires, rendered, report.RENDERER, basis(found))


def keep(db: Database, assessment_id: str, review_id: int, approval: Approval) -> None:
    """Archive the approval's report, inside the approval's transaction."""
    r = approval.report
    archive.archive(
        db, assessment_id, review_id, r.sha256, approval.renderer, r.filename, r.data, approval.at
    )
