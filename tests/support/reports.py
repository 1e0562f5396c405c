"""Report helpers: stored assessments made from bodies, and the text of a PDF."""

from __future__ import annotations

import io
import json
import re

from pypdf import PdfReader

from service.application import assessments
from service.report import unstored

from .bodies import DATA, real_content

REPORT_DATA = DATA / "report"


def stored_from(content, b: dict, **overrides) -> dict:
    """A stored assessment (the store's shape) for a body scored with `content`."""
    clean, result = assessments.evaluate(content, b)
    fields = {
        "id": "0f0e0d0c0b0a09080706050403020100",
        "status": "submitted",
        "submitted_by": {"kind": "user", "id": "1", "name": clean["requester"]["name"]},
        "reviews": [
            {
                "id": 1,
                "reviewer": {"kind": "user", "id": "2", "name": "Rita Reviewer"},
                "decision": "request_changes",
                "comment": "Finish the DPIA first.",
                "created_at": "2026-12-01T10:00:00.000000Z",
            }
        ],
        "audit_head": "ab" * 32,
    }
    return unstored(clean, result, "2026-11-30T09:15:00.000000Z", **{**fields, **overrides})


def stored_input(name: str, **overrides) -> dict:
    """A stored assessment for one of tests/data/inputs, scored with the shipped content."""
    b = json.loads((DATA / "inputs" / f"{name}.json").read_text(encoding="utf-8"))
    return stored_from(real_content(), b, **overrides)


def pages(data: bytes) -> list[str]:
    """The text of each page of a PDF."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(data: bytes) -> str:
    """All text with runs of whitespace as one space (wrapping moves line breaks)."""
    return re.sub(r"\s+", " ", " ".join(pages(data)))
