"""Evidence in, decisions out: pre-fill an assessment from a model card or an ML-BOM, export a
stored assessment as CycloneDX, format the register as CSV.

Pure: documents and stored data in, plain data or text out; no Flask, no store, no clock.
"""

from __future__ import annotations

from ..content.model import Content
from . import draft, modelcard
from .errors import InteropError, fail

FORMATS = ("model_card", "cyclonedx")


def prefill(content: Content, document, files=None, repo_id: str | None = None) -> dict:
    """A draft from a CycloneDX ML-BOM (JSON) or a model card (README.md), told apart by content.

    `files` is the Hub's model information or its `siblings` list (model cards only);
    `repo_id` names the card's repository when `files` does not.
    """
    kind = detect(document)
    if kind == "cyclonedx":
        if files is not None or repo_id:
            raise fail("files", "a CycloneDX BOM carries its own files and identity")
        # Loaded by the first BOM, not by every process: CycloneDX's models and its JSON Schema
        # validator cost a process about 25 MB and a second of start-up.
        from . import bom_in

        return draft.build(content, bom_in.read(content, document))
    return prefill_model_card(content, document, files, repo_id)


def prefill_model_card(content: Content, card, files=None, repo_id: str | None = None) -> dict:
    """A draft from a model card, with the repository's file listing when given."""
    found = modelcard.read(content, card, files)
    if repo_id:
        if not modelcard.HUB_ID.match(repo_id):
            raise fail("repo_id", "must be a Hub repository id such as org/name")
        if found.repo_id and found.repo_id.lower() != repo_id.lower():
            raise fail("repo_id", f"differs from the model information's id '{found.repo_id}'")
        found.repo_id = found.repo_id or repo_id
        found.origin("repo_id", "the given repository id")
    return draft.build(content, found)


def detect(document) -> str:
    """'cyclonedx' for a JSON document that says it is one, else 'model_card'."""
    head = document[:4096] if isinstance(document, str | bytes | bytearray) else b""
    if isinstance(head, str):
        head = head.encode("utf-8", "surrogatepass")
    text = head.lstrip()
    return "cyclonedx" if text.startswith(b"{") and b'"bomFormat"' in text else "model_card"


__all__ = ["FORMATS", "InteropError", "detect", "prefill", "prefill_model_card"]
