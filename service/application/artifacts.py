"""The artefact an assessment describes: its manifest digest (what an approval is bound to) and
the outcome of checking its signature, worked out once per body and stored with the assessment.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict

from ..interop import manifest
from ..store import artifacts as stored

_SETTINGS = {"trust_config": None}
_OUTCOMES: OrderedDict[str, dict] = OrderedDict()  # a signature checked once per process
_KEEP = 256


def configure(trust_config: str | None) -> None:
    """The Sigstore trust configuration file keyless signatures are verified against (the
    app's SIGSTORE_TRUST_CONFIG), or None: keyless signatures are then not verified."""
    if _SETTINGS["trust_config"] != (trust_config or None):
        _OUTCOMES.clear()
    _SETTINGS["trust_config"] = trust_config or None


def examine(artifact: dict | None) -> dict | None:
    """{manifest_digest, files, file_count, repo_id, revision, signature} of a clean body's
    `model.artifact`, the signature checked (InputError when it is refused); None without one.
    """
    if not artifact:
        return None
    files = {f["path"]: f["sha256"].lower() for f in artifact["files"]}
    record = {
        "manifest_digest": manifest.digest(files),
        "files": files,
        "file_count": len(files),
        "repo_id": artifact.get("repo_id"),
        "revision": artifact.get("revision"),
        "signature": None,
    }
    if artifact.get("signature"):
        record["signature"] = _checked(artifact["signature"], files)
    return record


def _checked(signature: dict, files: dict[str, str]) -> dict:
    """The signature's outcome, remembered by what it was computed from (re-scoring a stored
    body verifies the same bundle again)."""
    key = hashlib.sha256(
        json.dumps([signature, files, _SETTINGS["trust_config"]], sort_keys=True).encode()
    ).hexdigest()
    if key in _OUTCOMES:
        _OUTCOMES.move_to_end(key)
        return dict(_OUTCOMES[key])
    # Loaded by the first signature, not by every process: model_signing and sigstore cost a
    # process about 30 MB. With the BOM reader also loaded on first use, `import wsgi` takes
    # 69 MB and 0.9 s instead of 129 MB and 2.4 s.
    from . import signing

    outcome = signing.verify(signature, files, _SETTINGS["trust_config"])
    _OUTCOMES[key] = outcome
    if len(_OUTCOMES) > _KEEP:
        _OUTCOMES.popitem(last=False)
    return dict(outcome)


def save(db, assessment_id: str, record: dict | None) -> None:
    """Store a submitted assessment's artefact (inside the submission's transaction)."""
    if record is not None:
        stored.save(db, assessment_id, record)


def shown(db, assessment_id: str) -> dict | None:
    """An assessment's artefact as readers see it (without the file list), or None."""
    return stored.get(db, assessment_id)


def files(db, assessment_id: str) -> dict[str, str]:
    """{path: sha256} of an assessment's artefact."""
    return stored.files(db, assessment_id)
