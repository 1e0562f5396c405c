"""The artefact facts rules read as `artifact.*`: what the application established about the
assessment's `model.artifact` (its manifest digest, the outcome of checking its signature),
given to the engine as plain data. The engine verifies nothing itself: no I/O here.
"""

from __future__ import annotations

from typing import Any


def rule_facts(record: dict | None) -> dict[str, Any]:
    """The `artifact.*` facts of an examined artefact ({manifest_digest, file_count, repo_id,
    revision, signature: {method, verified, signer} | None}); empty without one, so that no
    artifact rule holds."""
    if not record:
        return {}
    signature = record.get("signature") or {}
    return {
        "described": True,
        "file_count": record["file_count"],
        "manifest_digest": record["manifest_digest"],
        "repo_id": record.get("repo_id"),
        "revision": record.get("revision"),
        "signed": bool(signature),
        # Only a signature that verified against exactly the listed files counts.
        "signature_verified": signature.get("verified") is True,
        "signature_method": signature.get("method"),
        "signer": signature.get("signer"),
    }


def source(facts: dict[str, Any]) -> str:
    """Where an artifact-basis answer was read: the artefact, named by its manifest digest, and
    the signer when a signature verified."""
    where = f"model.artifact, manifest {facts['manifest_digest']}"
    if facts["signature_verified"]:
        where += f", signed by {facts['signer']}"
    return where


def unverified(facts: dict[str, Any]) -> tuple[str, ...]:
    """The artefact facts an answer rests on that no signature vouches for."""
    return () if facts.get("signature_verified") else ("signature",)
