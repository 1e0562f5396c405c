"""The deployment gate: are these exact weights approved for this use, today?

One read (the chain's approved revision with its artefact's manifest digest and its
re-assessment watch) and one write (the audit event that every allow and every refusal leaves,
committed before the answer goes out); the file list of the approval is read only to name the
files that differ.
"""

from __future__ import annotations

import re

from sqlite_utils import Database

from .. import store, times
from ..interop import InteropError, manifest
from ..store import artifacts as stored
from ..store import audit
from . import reassessment
from .errors import InputError
from .inputs import field_error

MAX_TEXT = 200
MAX_CANDIDATES = 20
ASSESSMENT_ID = re.compile(r"^[0-9a-f]{32}$")
FIELDS = ("model", "use", "files", "manifest_digest")


def check(db: Database, body, actor: dict) -> dict:
    """{allowed, model, use, manifest_digest, assessment, expires_at, reassessment, reasons,
    checked_at} for a body {model, use, files | manifest_digest}; audited, allowed or not.
    InputError names the field at fault (nothing is recorded then)."""
    model, use, files, presented = parse(body)
    now = times.now()
    if ASSESSMENT_ID.match(use):
        rows = stored.gate_by_id(db, use)
    else:
        rows = stored.gate_by_title(db, use, MAX_CANDIDATES)
    judged = [(row, _reasons(db, row, model, presented, files, now)) for row in rows]
    row, reasons = _best(judged)
    if row is None:
        reasons = [_reason("no_approval", f"No assessment is titled or identified '{use}'.")]
    answer = {
        "allowed": not reasons,
        "model": model,
        "use": use,
        "manifest_digest": presented,
        "assessment": _shown(row),
        "expires_at": row["expires_at"] if row else None,
        "reassessment": reassessment.state(row, row["status"], now)
        if row and row["due_at"]
        else None,
        "reasons": reasons,
        "checked_at": now,
    }
    _record(db, actor, answer)
    return answer


def parse(body) -> tuple[str, str, dict[str, str] | None, str]:
    """(model, use, files or None, the manifest digest presented); InputError otherwise."""
    if not isinstance(body, dict):
        raise InputError([field_error((), "must be a JSON object")])
    errors = [field_error((k,), "unknown field") for k in body if k not in FIELDS]
    model, use = body.get("model"), body.get("use")
    for name, value in (("model", model), ("use", use)):
        if not isinstance(value, str) or not 0 < len(value.strip()) <= MAX_TEXT:
            errors.append(field_error((name,), f"give 1 to {MAX_TEXT} characters"))
    files, presented = None, body.get("manifest_digest")
    if ("files" in body) == ("manifest_digest" in body):
        errors.append(field_error(("files",), "give either files or manifest_digest"))
    elif "files" in body:
        try:
            files = manifest.files_map(body["files"])
            presented = manifest.digest(files)
        except InteropError as exc:
            errors += [field_error(tuple(e["field"].split(".")), e["message"]) for e in exc.errors]
    elif not isinstance(presented, str) or not manifest.SHA256.match(presented):
        errors.append(field_error(("manifest_digest",), "64 hexadecimal digits (SHA-256)"))
    if errors:
        raise InputError(errors)
    return model.strip(), use.strip(), files, presented.lower()


def _reasons(db, row: dict, model: str, presented: str, files, now: str) -> list[dict]:
    """Why this revision does not allow these files for this use now (empty: it does)."""
    if row["status"] != "approved":
        return [
            _reason(
                "no_approval",
                f"'{row['title']}' has no approval in force: its latest revision "
                f"({row['revision']}) is {row['status'].replace('_', ' ')}.",
            )
        ]
    reasons = []
    if model.lower() not in {(row["model_id"] or "").lower(), (row["model_name"] or "").lower()}:
        reasons.append(
            _reason(
                "different_model",
                f"The approval covers {row['model_id'] or row['model_name']}, not {model}.",
            )
        )
    if (row["expires_at"] or "") <= now:
        code, what = (
            ("risk_acceptance_expired", "Its risk acceptance expired")
            if row["risk_accepted"]
            else ("expired", "The approval expired")
        )
        reasons.append(_reason(code, f"{what} on {row['expires_at']}."))
    elif row["refuse_at"] and row["refuse_at"] <= now:
        reasons.append(
            _reason(
                "reassessment_overdue",
                f"Re-assessment has been due since {row['due_at']} and its grace period ended "
                f"on {row['refuse_at']}; submit and approve a new revision.",
            )
        )
    reasons += _weights(db, row, presented, files)
    return reasons


def _weights(db, row: dict, presented: str, files) -> list[dict]:
    """A reason when the files are not the approved ones, naming those that differ."""
    approved = row["manifest_digest"]
    if approved is None:
        return [
            _reason(
                "no_artifact",
                "The approval names no files (model.artifact); a revision that lists them must "
                "be approved before the gate can allow any weights.",
            )
        ]
    if presented == approved:
        return []
    if files is None:
        return [
            _reason(
                "different_weights",
                f"Manifest digest {presented} is not the approved {approved}.",
            )
        ]
    diff = manifest.difference(stored.files(db, row["id"]), files)
    reason = _reason("different_weights", "Not the approved files: " + manifest.described(diff))
    reason["files"] = diff
    return [reason]


def _best(judged: list[tuple[dict, list]]) -> tuple[dict | None, list]:
    """The revision that allows, else the one with the fewest reasons (approved first)."""
    if not judged:
        return None, []
    return min(judged, key=lambda j: (len(j[1]), j[0]["status"] != "approved"))


def _reason(code: str, message: str) -> dict:
    return {"code": code, "message": message}


def _shown(row: dict | None) -> dict | None:
    if row is None:
        return None
    keys = ("id", "title", "revision", "status", "model_id", "model_name", "expires_at")
    return {
        **{k: row[k] for k in keys},
        "risk_accepted": bool(row["risk_accepted"]),
        "manifest_digest": row["manifest_digest"],
    }


def _record(db: Database, actor: dict, answer: dict) -> None:
    """The audit event of one answer, committed before the answer is given."""
    found = answer["assessment"]
    details = {
        "model": answer["model"],
        "use": answer["use"],
        "manifest_digest": answer["manifest_digest"],
        "reasons": [r["code"] for r in answer["reasons"]],
    }
    action = "gate.allowed" if answer["allowed"] else "gate.refused"
    # A pipeline may ask many times a second: the events of answers given at the same moment in
    # this process share one transaction (group commit; docs/architecture.md).
    store.shared_write(
        db,
        lambda tx: audit.append_audit_event(
            tx, actor, action, details, found["id"] if found else None
        ),
    )
