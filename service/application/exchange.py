"""Evidence in, decisions out: pre-fill an assessment from a model card or an ML-BOM, export a
stored assessment as CycloneDX, and the register as CSV. The formats are service/interop's."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..content.model import Content
from ..interop import InteropError, bom_out, register
from ..interop import prefill as read_document
from ..store import assessments as stored_assessments
from .assessments import get
from .errors import ApplicationError, InputError
from .inputs import field_error

# The register is built in one response; past this many rows the caller narrows the filters.
MAX_REGISTER_ROWS = 50_000
_INDEX = re.compile(r"\[(\d+)\]")


class TooMany(ApplicationError):
    """More rows match than one export may carry; `facts` has the limit."""

    kind = "too-many-rows"


def prefill(content: Content, document, files=None, repo_id: str | None = None) -> dict:
    """A draft assessment from a model card (README.md, with the Hub's file listing) or a
    CycloneDX ML-BOM; nothing is stored. Unreadable documents raise InputError."""
    try:
        return read_document(content, document, files, repo_id)
    except InteropError as exc:
        raise InputError([_field(e) for e in exc.errors]) from None


def cyclonedx(db, assessment_id: str) -> dict:
    """The stored assessment as a CycloneDX 1.6 document; NotFound if there is none."""
    return bom_out.export(get(db, assessment_id))


def register_csv(db, filters: dict | None = None) -> Iterator[str]:
    """The register as CSV lines, newest first, with the list's filters; refused past the
    bound (TooMany) rather than cut short."""
    rows, total = stored_assessments.list_assessments(db, filters, 1, MAX_REGISTER_ROWS)
    if total > MAX_REGISTER_ROWS:
        raise TooMany(
            f"{total:,} assessments match; an export carries at most {MAX_REGISTER_ROWS:,}. "
            "Narrow the filters (since, status, decision, rating, model).",
            limit=MAX_REGISTER_ROWS,
        )
    return register.lines(rows)


def _field(error: dict) -> dict:
    """An interop error as a field error: its dotted path, with [n] as a path step."""
    path = [p for p in _INDEX.sub(r".\1", error["field"]).split(".") if p]
    return field_error(path, error["message"])
