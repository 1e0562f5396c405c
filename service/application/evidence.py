"""Evidence files: upload (type read from the bytes, content-addressed by SHA-256), read, cite
from an assessment's answers, list with the assessment, conditions for evidence that expires
before the approval would, and the purge of uploads nobody cited.

The bytes live in the database (store/evidence.py), so `db backup` copies them in the same
snapshot as the rows that cite them and `audit verify` re-hashes them. An upload is never
changed: there is no operation that edits one, and a cited one is never purged.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import uuid
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from .. import times
from ..bounds import line_break_problem
from ..store import audit, write
from ..store import evidence as stored
from . import people
from .errors import InputError, NotFound
from .idempotency import Once, Reply, fingerprint, keep, replay
from .inputs import field_error

MAX_BYTES = 10 * 1024 * 1024
MAX_DESCRIPTION = 500
MAX_PER_ASSESSMENT = 100
PURGE_AFTER_DAYS = 7
PURGE_BATCH = 500
ID = re.compile(r"^ev_[0-9a-f]{32}$")
# Detected type -> (the Content-Type it is served with, the file name's extension).
TYPES = {
    "application/pdf": ("application/pdf", ".pdf"),
    "image/png": ("image/png", ".png"),
    "image/jpeg": ("image/jpeg", ".jpg"),
    "application/json": ("application/json", ".json"),
    "text/csv": ("text/csv; charset=utf-8", ".csv"),
    "text/plain": ("text/plain; charset=utf-8", ".txt"),
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


def sniff(data: bytes) -> str | None:
    """The file's type read from its bytes (PDF, PNG, JPEG, JSON, CSV, plain text), or None.

    Text is UTF-8 without control characters; JSON is text that parses as an object or list;
    CSV is text whose first lines split into the same number (two or more) of comma-separated
    fields. The name and the declared type are never consulted.
    """
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if _CONTROL.search(text):
        return None
    if text.lstrip("\ufeff \t\r\n")[:1] in ("{", "["):
        try:
            json.loads(text)
            return "application/json"
        except (ValueError, RecursionError):
            pass
    return "text/csv" if _looks_like_csv(text) else "text/plain"


def _looks_like_csv(text: str) -> bool:
    lines = [line for line in text[:65536].splitlines()[:20] if line.strip()]
    if len(lines) < 2:
        return False
    try:
        widths = {len(row) for row in csv.reader(io.StringIO("\n".join(lines)))}
    except csv.Error:
        return False
    return len(widths) == 1 and widths.pop() >= 2


@dataclass
class Uploaded:
    """An upload: its record; with an Idempotency-Key, the reply kept for it (or the one kept
    from the key's first use, and then no record)."""

    record: dict | None
    reply: Reply | None = None


def upload(
    db: Database,
    data: bytes,
    filename: str | None,
    actor: dict,
    description: str | None = None,
    expires_on: str | None = None,
    once: Once | None = None,
) -> Uploaded:
    """Store an uploaded file, audited, in one transaction; its record has id, sha256,
    media_type, size... InputError names the field at fault; with `once` (an Idempotency-Key)
    a repeat gets the first reply and nothing is stored again."""
    description = (description or "").strip()
    media_type, expiry = _check_upload(data, description, expires_on)
    digest = hashlib.sha256(data).hexdigest()
    request = fingerprint("evidence", digest, filename or "", description, expiry or "")
    with write(db):
        kept = replay(db, once, request) if once else None
        if kept:
            return Uploaded(None, kept)
        done = Uploaded(_store(db, data, digest, media_type, filename, actor, description, expiry))
        if once:
            done.reply = keep(db, once, request, done)
        return done


def _store(db, data, digest, media_type, filename, actor, description, expiry) -> dict:
    record = {
        "id": "ev_" + uuid.uuid4().hex,
        "sha256": digest,
        "media_type": media_type,
        "filename": safe_name(filename, media_type),
        "size": len(data),
        "description": description,
        "expires_on": expiry,
        "uploaded_by_kind": actor["kind"],
        "uploaded_by_id": str(actor["id"]),
        "uploaded_by_name": actor["name"],
        "uploaded_by_person": people.person_id(actor),
        "created_at": times.now(),
    }
    details = {"sha256": digest, "media_type": media_type, "size": len(data)}
    with audit.recorded(db, actor, "evidence.upload", details) as change:
        stored.save_blob(db, digest, data)
        stored.insert(db, record)
        change.created("evidence", record["id"])
        change.details["evidence_id"] = record["id"]
    return record


def _check_upload(data: bytes, description: str, expires_on) -> tuple[str, str | None]:
    errors = []
    media_type = None
    if not data:
        errors.append(field_error(("file",), "the file is empty"))
    elif len(data) > MAX_BYTES:
        errors.append(field_error(("file",), f"at most {MAX_BYTES // (1024 * 1024)} MiB"))
    else:
        media_type = sniff(data)
        if media_type is None:
            errors.append(
                field_error(
                    ("file",),
                    "not a PDF, PNG, JPEG, JSON, CSV or UTF-8 text file (read from its bytes)",
                )
            )
    if len(description) > MAX_DESCRIPTION:
        errors.append(field_error(("description",), f"at most {MAX_DESCRIPTION} characters"))
    elif line_break_problem(description):
        errors.append(field_error(("description",), line_break_problem(description)))
    expiry = None
    if expires_on not in (None, ""):
        try:
            expiry = date.fromisoformat(str(expires_on)).isoformat()
            if len(str(expires_on)) != 10:
                raise ValueError
        except ValueError:
            errors.append(field_error(("expires_on",), "a date as YYYY-MM-DD"))
    if errors:
        raise InputError(errors)
    return media_type, expiry


def safe_name(filename: str | None, media_type: str) -> str:
    """A download name: the upload's base name in safe characters, ending in the extension of
    the type read from the bytes (a PNG named page.html downloads as page.html.png)."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE_NAME.sub("_", base).strip(" ._")[:100] or "evidence"
    extension = TYPES[media_type][1]
    if media_type == "image/jpeg" and base.lower().endswith(".jpeg"):
        return base
    return base if base.lower().endswith(extension) else base + extension


def get(db: Database, evidence_id: str) -> dict:
    """An upload's record with whether an assessment cites it; NotFound otherwise."""
    found = stored.get(db, evidence_id) if ID.match(evidence_id or "") else None
    if found is None:
        raise NotFound(f"There is no such evidence: {str(evidence_id)[:40]}.")
    return {**found, "cited": stored.is_cited(db, evidence_id)}


def download(db: Database, evidence_id: str) -> tuple[dict, bytes, str]:
    """(record, bytes, the Content-Type to serve them with); NotFound otherwise."""
    record = get(db, evidence_id)
    data = stored.data(db, record["sha256"])
    if data is None:  # the bytes are written with the record: a damaged database
        raise RuntimeError(f"no bytes for evidence {evidence_id}")
    return record, data, TYPES[record["media_type"]][0]


def served_headers(record: dict) -> dict:
    """The headers every edge serves an upload with: an attachment under its safe name, never
    sniffed, and, opened in a browser anyway, running and loading nothing."""
    return {
        "Content-Disposition": f'attachment; filename="{record["filename"]}"',
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-cache",
    }


def citations(clean: dict) -> list[tuple[str, str]]:
    """(evidence id, item) for every evidence id the body's answers cite."""
    return [
        (evidence_id, item)
        for item, answer in clean.get("answers", {}).items()
        if isinstance(answer, dict)
        for evidence_id in answer.get("evidence", ())
    ]


def check_citations(db: Database, clean: dict, actor: dict, root_id: str | None) -> list:
    """The body's citations when each names an upload this actor may cite: their own (the same
    person, or the same service key), one an earlier revision of the chain cites, or any for an
    administrator. InputError names each answer's evidence at fault."""
    cited = citations(clean)
    if not cited:
        return []
    found = stored.get_many(db, sorted({e for e, _ in cited}))
    errors = []
    if len(found) > MAX_PER_ASSESSMENT:
        errors.append(field_error(("answers",), f"cite at most {MAX_PER_ASSESSMENT} files"))
    admin = people.is_admin(db, actor)
    chain = _chain_cited(db, root_id) if root_id else set()
    positions: dict[str, int] = {}
    for evidence_id, item in cited:
        n = positions[item] = positions.get(item, -1) + 1
        record = found.get(evidence_id)
        path = ("answers", item, "evidence", n)
        if record is None:
            errors.append(field_error(path, f"there is no evidence {evidence_id}"))
        elif not (admin or evidence_id in chain or _uploaded_by(record, actor)):
            errors.append(
                field_error(path, f"{evidence_id} was uploaded by someone else; cite your own")
            )
    if errors:
        raise InputError(errors)
    return cited


def _uploaded_by(record: dict, actor: dict) -> bool:
    uploader = {
        "kind": record["uploaded_by_kind"],
        "id": record["uploaded_by_id"],
        "person": record["uploaded_by_person"],
    }
    return people.principal(uploader) == people.principal(actor)


def _chain_cited(db: Database, root_id: str) -> set[str]:
    return set(stored.cited_in_chain(db, root_id))


def record_citations(db: Database, assessment_id: str, cited: list[tuple[str, str]]) -> None:
    """Record a submitted assessment's citations (inside the submission's transaction); from
    then on the cited uploads are never purged."""
    if cited:
        stored.cite(db, assessment_id, cited)


def for_assessment(db: Database, assessment_id: str) -> list[dict]:
    """The uploads an assessment cites, each with the items it backs (no bytes)."""
    return stored.cited_by(db, assessment_id)


def conditions(files: list[dict], approval_ends: str | None) -> list[dict]:
    """A condition for each cited file that expires before the approval would end (an
    approved assessment's expiry; for one still to be decided, `approval_ends` estimated by
    the caller): {item, kind: evidence_expires, evidence_id, date, text}."""
    if not approval_ends:
        return []
    ends = approval_ends[:10]
    out = []
    for record in files:
        if record["expires_on"] and record["expires_on"] < ends:
            items = ", ".join(record["items"])
            out.append(
                {
                    "item": record["items"][0],
                    "items": record["items"],
                    "kind": "evidence_expires",
                    "evidence_id": record["id"],
                    "date": record["expires_on"],
                    "text": f"{record['filename']} (evidence for {items}) expires on "
                    f"{record['expires_on']}, before the approval would end ({ends}): "
                    "upload a current file and submit a revision before then.",
                }
            )
    return sorted(out, key=lambda c: (c["date"], c["evidence_id"]))


def earliest_expiry(files: list[dict]) -> str | None:
    """The first date on which a cited file expires, or None."""
    dates = [f["expires_on"] for f in files if f["expires_on"]]
    return min(dates) if dates else None


def purge(db: Database, actor: dict, days: int = PURGE_AFTER_DAYS) -> int:
    """Delete uploads older than `days` that no assessment cites, one audited transaction per
    batch; returns how many went."""
    cutoff = times.shifted(days=-days)
    gone = 0
    while True:
        with write(db):
            batch = stored.uncited_before(db, cutoff, PURGE_BATCH)
            if not batch:
                return gone
            touches = tuple(("evidence", r["id"]) for r in batch)
            details = {"older_than_days": days, "evidence_ids": [r["id"] for r in batch]}
            with audit.recorded(db, actor, "evidence.purge", details, touches=touches):
                for record in batch:
                    stored.delete(db, record["id"], record["sha256"])
        gone += len(batch)
