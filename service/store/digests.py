"""Canonical digests of the rows the audit trail binds: assessments, reviews, accounts, API keys,
webhook endpoints, archived reports, evidence uploads, the artefact an assessment describes
and the re-assessment watch of an approval.

Defined here once. An audit event records the digest of each row it changed, as the row is
stored after the change (and before it), so `audit verify` can tell when a row was changed
without the service. The columns are listed, not read from the table: a later migration that
adds a column does not change any digest until it is listed here (and then it needs a
re-anchoring event). Volatile bookkeeping (an API key's last use) is left out on purpose, and
so are the webhook outbox and delivery log: their rows change with every delivery attempt and
report changes that are themselves audited (an outbox row is written in its change's transaction).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from sqlite_utils import Database

VERSION = b"modelrisk-row-digest-1"

# kind -> (table, key column, the columns whose values the digest covers, in this order)
ENTITIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "assessment": (
        "assessments",
        "id",
        (
            "id",
            "revision",
            "previous_id",
            "root_id",
            "title",
            "status",
            "created_at",
            "updated_at",
            "expires_at",
            "submitted_by_kind",
            "submitted_by_id",
            "submitted_by_name",
            "submitted_by_person",
            "model_id",
            "model_name",
            "rating",
            "decision",
            "score",
            "policy_id",
            "policy_version",
            "policy_hash",
            "content_hash",
            "engine_version",
            "input_hash",
            "input_json",
            "result_json",
            "next_id",
            "risk_accepted",
        ),
    ),
    "review": (
        "reviews",
        "id",
        (
            "id",
            "assessment_id",
            "reviewer_kind",
            "reviewer_id",
            "reviewer_name",
            "reviewer_person",
            "decision",
            "comment",
            "created_at",
            "accept_risk",
        ),
    ),
    "user": (
        "users",
        "id",
        (
            "id",
            "email",
            "name",
            "role",
            "password_hash",
            "must_change_password",
            "disabled",
            "created_at",
            "password_expires_at",
        ),
    ),
    "api_key": (
        "api_keys",
        "id",
        ("id", "name", "prefix", "key_hash", "scopes", "created_at", "revoked_at", "owner_user_id"),
    ),
    # The bytes are covered, not only their hash: an archived report changed in the database
    # (bytes, hash or both) no longer matches the approval event that recorded it.
    "report": (
        "report_archive",
        "assessment_id",
        ("assessment_id", "review_id", "sha256", "renderer", "filename", "pdf", "created_at"),
    ),
    # The secret is covered: a target or a secret swapped in the database is caught by verify.
    "webhook_endpoint": (
        "webhook_endpoints",
        "id",
        ("id", "url", "events", "secret", "created_at", "created_by", "removed_at"),
    ),
    # The digest covers the file's SHA-256, so bytes swapped under an upload are caught too
    # (audit verify re-hashes every blob against its key).
    "evidence": (
        "evidence",
        "id",
        (
            "id",
            "sha256",
            "media_type",
            "filename",
            "size",
            "description",
            "expires_on",
            "uploaded_by_kind",
            "uploaded_by_id",
            "uploaded_by_name",
            "uploaded_by_person",
            "created_at",
        ),
    ),
    # The files an approval is bound to: what the gate compares with.
    "artifact": (
        "artifacts",
        "assessment_id",
        (
            "assessment_id",
            "manifest_digest",
            "file_count",
            "files_json",
            "repo_id",
            "revision",
            "signature_json",
        ),
    ),
    # What the gate reads to refuse an approval past its grace; the webhook bookkeeping
    # (notified_at) is left out.
    "reassessment": (
        "reassessments",
        "assessment_id",
        (
            "assessment_id",
            "remind_at",
            "evidence_expires_at",
            "content_changed_at",
            "content_reasons",
            "due_at",
            "grace_days",
            "refuse_at",
        ),
    ),
}
# How a person reads each kind in a message.
NAMES = {
    "assessment": "assessment",
    "review": "review",
    "user": "account",
    "api_key": "API key",
    "webhook_endpoint": "webhook endpoint",
    "evidence": "evidence",
    "artifact": "artefact of assessment",
    "reassessment": "re-assessment watch",
    "report": "archived report of assessment",
}


def ref(kind: str, entity_id) -> str:
    """The name of one row in an event's state: `assessment:<id>`, `review:<id>`..."""
    if kind not in ENTITIES:
        raise ValueError(f"unknown audited entity {kind!r}")
    return f"{kind}:{entity_id}"


def parse_ref(name: str) -> tuple[str, str]:
    """(kind, id) of a ref."""
    kind, _, entity_id = name.partition(":")
    return kind, entity_id


def shown(name: str) -> str:
    """A ref as a person reads it: `assessment 3f2a...`, `account 4`."""
    kind, entity_id = parse_ref(name)
    return f"{NAMES.get(kind, kind)} {entity_id}"


def _digest(kind: str, values) -> str:
    """SHA-256 over the kind and each value, typed and length-prefixed (no two rows collide by
    moving text from one column into the next, and 1, 1.0 and '1' all differ)."""
    h = hashlib.sha256(VERSION + b"\0" + kind.encode())
    for value in values:
        if value is None:
            h.update(b"\0N")
            continue
        if isinstance(value, bool | int):
            tag, data = b"I", str(int(value)).encode()
        elif isinstance(value, float):
            tag, data = b"R", repr(value).encode()
        elif isinstance(value, bytes):
            tag, data = b"B", value
        else:
            tag, data = b"T", str(value).encode("utf-8", "surrogatepass")
        h.update(b"\0" + tag + str(len(data)).encode() + b":")
        h.update(data)
    return h.hexdigest()


def row_digest(db: Database, kind: str, entity_id) -> str | None:
    """The digest of one row as stored now; None when there is no such row."""
    table, key, columns = ENTITIES[kind]
    row = db.execute(
        f"SELECT {', '.join(columns)} FROM {table} WHERE {key} = ?", [entity_id]
    ).fetchone()
    return None if row is None else _digest(kind, row)


def all_digests(db: Database, kind: str) -> Iterator[tuple[str, str]]:
    """(ref, digest) of every row of one kind, in key order."""
    table, key, columns = ENTITIES[kind]
    index = columns.index(key)
    for row in db.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {key}"):
        yield ref(kind, row[index]), _digest(kind, row)
