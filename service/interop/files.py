"""Read a repository's file listing (the Hub's `siblings`) into the facts an import needs.

Only names and the hub's digests are read; nothing is downloaded or opened.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from .errors import fail

MAX_FILES = 20_000
MAX_NAME = 1_000
SHOWN = 5  # file names quoted in a fact before "and N more"

# Weight files by suffix. The pickle suffixes are the ones the weight-format item names.
WEIGHTS = {
    ".safetensors": "safetensors",
    ".gguf": "gguf",
    ".onnx": "onnx",
    ".bin": "pickle",
    ".pt": "pickle",
    ".pth": "pickle",
    ".ckpt": "pickle",
    ".pkl": "pickle",
    ".pickle": "pickle",
    ".joblib": "pickle",
    ".h5": "other",
    ".msgpack": "other",
}
# Pickle-format files that hold training state rather than weights: they still run code when
# loaded, but they say nothing about the format the model is published in.
TRAINING_STATE = re.compile(r"^(training_args\.bin|optimizer\.pt|scheduler\.pt|rng_state.*\.pth)$")
CODE = (".py", ".pyc")
EXECUTABLE = (".so", ".dll", ".dylib", ".exe", ".sh", ".bat", ".cmd", ".ps1", ".ipynb", ".jar")
ARCHIVES = (".zip", ".tar", ".tgz", ".gz", ".bz2", ".xz", ".7z", ".rar", ".whl", ".egg")
SIGNATURES = (".sig", ".sigstore", ".sigstore.json")
LICENCE_FILE = re.compile(r"^(licen[cs]e|copying)([-_.].*)?$", re.IGNORECASE)
SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class Listing:
    """What a file listing shows: weight formats, risky files, licence files, digests."""

    names: list[str] = field(default_factory=list)
    weight_formats: tuple[str, ...] = ()
    pickle_files: list[str] = field(default_factory=list)
    code_files: list[str] = field(default_factory=list)
    opaque_files: list[str] = field(default_factory=list)
    signature_files: list[str] = field(default_factory=list)
    licence_files: list[str] = field(default_factory=list)
    digests: int = 0


def from_siblings(siblings, where: str = "files") -> Listing:
    """Read the Hub's `siblings` list: [{rfilename, lfs: {sha256}}...], or plain file names."""
    if not isinstance(siblings, list):
        raise fail(where, "must be a list of files (the Hub's 'siblings')")
    if len(siblings) > MAX_FILES:
        raise fail(where, f"at most {MAX_FILES:,} files")
    names, digests = [], 0
    for i, entry in enumerate(siblings):
        name = entry.get("rfilename") if isinstance(entry, dict) else entry
        if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME:
            raise fail(f"{where}[{i}]", f"give 'rfilename', a file name of 1 to {MAX_NAME} chars")
        names.append(name)
        lfs = entry.get("lfs") if isinstance(entry, dict) else None
        sha = lfs.get("sha256") if isinstance(lfs, dict) else None
        digests += isinstance(sha, str) and bool(SHA256.match(sha))
    return classify(names, digests)


def classify(names: list[str], digests: int = 0) -> Listing:
    """Sort file names into weight formats, pickle, code, opaque, signature and licence files."""
    listing = Listing(names=names, digests=digests)
    formats = set()
    lowered = {n.lower() for n in names}
    for name in names:
        stem, suffix = posixpath.splitext(name.lower())
        base = posixpath.basename(name.lower())
        kind = WEIGHTS.get(suffix)
        if kind == "pickle" and suffix == ".bin" and stem + ".xml" in lowered:
            kind = "other"  # OpenVINO keeps its weights in a .bin beside an .xml; not a pickle
        if kind == "pickle":
            listing.pickle_files.append(name)
            listing.opaque_files.append(name)
        if kind and not TRAINING_STATE.match(base):
            formats.add(kind)
        if suffix in CODE:
            listing.code_files.append(name)
            listing.opaque_files.append(name)
        elif suffix in EXECUTABLE or suffix in ARCHIVES:
            listing.opaque_files.append(name)
        if base.endswith(SIGNATURES):
            listing.signature_files.append(name)
        if LICENCE_FILE.match(base):
            listing.licence_files.append(name)
    listing.weight_formats = tuple(sorted(formats))
    return listing


def shown(names: list[str]) -> tuple[str, ...]:
    """At most SHOWN names for a fact, then how many more there are."""
    if len(names) <= SHOWN:
        return tuple(names)
    return (*names[:SHOWN], f"{len(names) - SHOWN} more")
