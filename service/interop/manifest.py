"""A model's file manifest: the path rules, the canonical form and its digest, the difference
between two manifests, and the file list an OpenSSF model-signing statement signs.

The manifest digest (docs/api.md, "The manifest digest") is the SHA-256 of one line per file,
`<sha256 in lowercase hex><two spaces><path>\\n`, in the order of the paths' UTF-8 bytes: the
output of `sha256sum` over the files in byte order of their paths, so a pipeline can compute it
with coreutils. Pure: no I/O, no clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re

from .errors import InteropError, fail

MAX_FILES = 4096
MAX_PATH = 512
SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")
_SURROGATE = re.compile("[\ud800-\udfff]")
SHOWN = 50  # differences named per kind; the counts are always complete
SIGNED_TYPE = "https://model_signing/signature/v1.0"
# Most paths are plain names: no name starts with a dot, no control character, no backslash.
# Those pass this one match (the gate reads thousands); any other gets the full check.
_PLAIN = re.compile(r"[A-Za-z0-9_\-][A-Za-z0-9._\-]*(?:/[A-Za-z0-9_\-][A-Za-z0-9._\-]*)*")


def path_problem(path) -> str | None:
    """Why `path` is not a manifest path (relative, '/'-separated, no '.', '..' or empty
    segment, no control character or backslash, at most MAX_PATH characters), or None."""
    if not isinstance(path, str) or not path:
        return "give the file's path relative to the model folder"
    if len(path) <= MAX_PATH and _PLAIN.fullmatch(path):
        return None
    if len(path) > MAX_PATH:
        return f"at most {MAX_PATH} characters"
    if _CONTROL.search(path) or _SURROGATE.search(path):
        return "no control characters, backslashes or unpaired surrogates"
    if path.startswith("/") or any(part in ("", ".", "..") for part in path.split("/")):
        return "a relative path with '/' between names, without '.', '..' or empty names"
    return None


def files_map(files, field: str = "files") -> dict[str, str]:
    """{path: sha256 in lowercase} of a list of {path, sha256}; InteropError naming each entry
    at fault (`files.3.path`), a repeated path, or a list that is empty or too long."""
    if not isinstance(files, list) or not 0 < len(files) <= MAX_FILES:
        raise fail(field, f"give 1 to {MAX_FILES} files, each {{path, sha256}}")
    out: dict[str, str] = {}
    errors = []
    for n, entry in enumerate(files):
        if not isinstance(entry, dict):
            errors.append({"field": f"{field}.{n}", "message": "must be {path, sha256}"})
            continue
        path, digest = entry.get("path"), entry.get("sha256")
        problem = path_problem(path)
        if problem:
            errors.append({"field": f"{field}.{n}.path", "message": problem})
        elif path in out:
            errors.append({"field": f"{field}.{n}.path", "message": f"'{path}' is listed twice"})
        if not isinstance(digest, str) or not SHA256.match(digest):
            errors.append({"field": f"{field}.{n}.sha256", "message": "64 hexadecimal digits"})
        if not problem and isinstance(digest, str):
            out.setdefault(path, digest.lower())
    if errors:
        raise InteropError(errors)
    return out


def canonical(files: dict[str, str]) -> bytes:
    """The manifest's canonical bytes: `<sha256>  <path>\\n` per file, paths in byte order."""
    ordered = sorted(files, key=lambda p: p.encode("utf-8"))
    return "".join(f"{files[p]}  {p}\n" for p in ordered).encode("utf-8")


def digest(files: dict[str, str]) -> str:
    """The manifest digest: SHA-256 of the canonical bytes, lowercase hex."""
    return hashlib.sha256(canonical(files)).hexdigest()


def difference(approved: dict[str, str], presented: dict[str, str]) -> dict:
    """{changed, missing, extra} paths (each sorted, at most SHOWN) and their counts: files
    whose digest differs, approved files not presented, presented files not approved."""
    changed = sorted(p for p in presented.keys() & approved.keys() if presented[p] != approved[p])
    missing = sorted(approved.keys() - presented.keys())
    extra = sorted(presented.keys() - approved.keys())
    return {
        "changed": changed[:SHOWN],
        "missing": missing[:SHOWN],
        "extra": extra[:SHOWN],
        "counts": {"changed": len(changed), "missing": len(missing), "extra": len(extra)},
    }


GATE_WORDS = {"changed": "changed", "missing": "missing", "extra": "not in the approved manifest"}


def described(diff: dict, wording: dict[str, str] | None = None) -> str:
    """A difference as one sentence naming the files (the first few of each kind)."""
    parts = []
    for kind, words in (wording or GATE_WORDS).items():
        count = diff["counts"][kind]
        if count:
            names = ", ".join(diff[kind][:5]) + (f" and {count - 5} more" if count > 5 else "")
            parts.append(f"{words}: {names}")
    return "; ".join(parts) or "the same files"


def signed_files(bundle: dict, field: str = "signature.bundle") -> dict[str, str]:
    """{path: sha256} that an OpenSSF model-signing bundle's statement lists, read (not
    verified) from its DSSE payload; InteropError when it is not a statement of per-file
    SHA-256 digests (shard serialisation and other hashes cannot be compared with a listing)."""
    try:
        payload = base64.b64decode(bundle["dsseEnvelope"]["payload"], validate=True)
        statement = json.loads(payload)
        predicate = statement["predicate"]
        serialization = predicate["serialization"]
        resources = predicate["resources"]
    except (KeyError, TypeError, ValueError, binascii.Error, RecursionError):
        raise fail(field, "not an OpenSSF model-signing bundle (no in-toto statement)") from None
    if statement.get("predicateType") != SIGNED_TYPE:
        raise fail(field, f"the statement's predicate type is not {SIGNED_TYPE}")
    if serialization.get("method") != "files" or serialization.get("hash_type") != "sha256":
        raise fail(
            field,
            "sign per file with SHA-256 (model_signing's default 'files' serialisation); "
            "shard digests or other hashes cannot be compared with the listed files",
        )
    if not isinstance(resources, list) or len(resources) > MAX_FILES:
        raise fail(field, f"the statement must list 1 to {MAX_FILES} files")
    listed = [
        {"path": r.get("name"), "sha256": r.get("digest")} for r in resources if isinstance(r, dict)
    ]
    try:
        return files_map(listed, field + ".statement")
    except InteropError as exc:
        raise fail(field, "the statement lists a file badly: " + str(exc)) from None
