"""Read a Hugging Face model card (README.md with YAML front matter) and, optionally, the Hub's
model information (its `siblings` file listing) into the facts a draft is built from.

The front matter is parsed by huggingface_hub's ModelCard (yaml.safe_load) after a bounded
safety pass: size, nesting depth, and no aliases, so a small document cannot expand.
"""

from __future__ import annotations

import json
import logging
import re

import yaml
from huggingface_hub import ModelCard
from huggingface_hub.repocard import REGEX_YAML_BLOCK

from ..content.model import Content
from . import files, licences
from .errors import InteropError, fail
from .found import Found

MAX_CARD_BYTES = 1 << 20
MAX_FRONT_MATTER = 64 << 10
MAX_DEPTH = 32
MAX_INFO_BYTES = 8 << 20
MAX_BASE_MODELS = 20
HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.\-]{0,95}$")
GATE_KEYS = ("extra_gated_prompt", "extra_gated_fields", "extra_gated_heading")
LINK_SCHEMES = ("https://", "http://")
# huggingface_hub logs a warning for every card without front matter; the draft reports what is
# missing as its own warnings, so the library's line would only repeat it in the service log.
logging.getLogger("huggingface_hub.repocard").setLevel(logging.ERROR)


def read(content: Content, card, info=None) -> Found:
    """Facts from a model card's text and, when given, the Hub's model information."""
    meta, body = _metadata(_text(card, "model_card", MAX_CARD_BYTES))
    found = Found(source="model_card")
    found.model_card = bool(body.strip())
    found.origin("model_card", "model card text")
    if info is not None:
        _repository(found, _info(info))
    _licence(content, found, meta)
    _lineage(found, meta)
    found.task = _string(meta.get("pipeline_tag"))
    found.gated = found.gated or any(meta.get(k) for k in GATE_KEYS)
    found.origin("gated", "model card metadata (extra_gated_*)")
    return found


def _text(data, where: str, limit: int) -> str:
    """The document as text, refused when over `limit` bytes or not UTF-8."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if not isinstance(data, bytes | bytearray):
        raise fail(where, "must be text")
    if len(data) > limit:
        raise fail(where, f"at most {limit:,} bytes")
    try:
        return bytes(data).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(where, f"is not UTF-8 text (byte {exc.start})") from None


def _metadata(text: str) -> tuple[dict, str]:
    """The front matter as a dict (ModelCard's reading of it) and the card's text below it."""
    match = REGEX_YAML_BLOCK.search(text)
    if match:
        _check_front_matter(match.group(2))
    try:
        card = ModelCard(text, ignore_metadata_errors=True)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1} of the front matter)" if mark else ""
        raise fail("model_card", f"front matter is not valid YAML{where}") from None
    except (ValueError, TypeError) as exc:
        raise fail("model_card", f"front matter is not a model card's metadata: {exc}") from None
    return card.data.to_dict(), card.text


def _check_front_matter(block: str) -> None:
    """Refuse front matter that is large, deeply nested or uses aliases, before parsing it."""
    if len(block.encode("utf-8")) > MAX_FRONT_MATTER:
        raise fail("model_card", f"front matter is over {MAX_FRONT_MATTER:,} bytes")
    depth = 0
    try:
        for event in yaml.parse(block, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise fail(
                    "model_card", "front matter uses YAML anchors or aliases; write values out"
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise fail("model_card", f"front matter nests deeper than {MAX_DEPTH} levels")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1} of the front matter)" if mark else ""
        raise fail("model_card", f"front matter is not valid YAML{where}") from None


def _info(info) -> dict:
    """The Hub's model information: an object with `siblings`, or the bare `siblings` list."""
    if isinstance(info, str | bytes | bytearray):
        text = _text(info, "files", MAX_INFO_BYTES)
        try:
            info = json.loads(text)
        except (ValueError, RecursionError):
            raise fail(
                "files", "is not JSON (give the Hub's model information or its 'siblings')"
            ) from None
    if isinstance(info, list):
        return {"siblings": info}
    if not isinstance(info, dict) or "siblings" not in info:
        raise fail("files", "give the Hub's model information (with 'siblings') or that list")
    return info


def _repository(found: Found, info: dict) -> None:
    """Repository id, file listing, auto_map and gating from the Hub's model information."""
    found.listing = files.from_siblings(info["siblings"], "files.siblings")
    found.listing_complete = True
    found.origin("files", "repository file listing")
    repo_id = _string(info.get("id") or info.get("modelId"))
    if repo_id is not None:
        if not HUB_ID.match(repo_id):
            raise fail("files.id", "must be a Hub repository id such as org/name")
        found.repo_id = repo_id
        found.origin("repo_id", "Hub model information (id)")
    config = info.get("config")
    if isinstance(config, dict) and config.get("auto_map"):
        found.auto_map = True
        found.origin("code", "config.json auto_map")
    if info.get("gated") not in (None, False, "", "false"):
        found.gated = True


def _licence(content: Content, found: Found, meta: dict) -> None:
    """The card's licence, with whether its text or a link came with it."""
    link = _string(meta.get("license_link"))
    text = bool(link) and (link.startswith(LINK_SCHEMES) or _listed(found, link))
    if found.listing and found.listing.licence_files:
        text = True
    found.licence = licences.from_hub(content, meta.get("license"), meta.get("license_name"), text)
    found.origin("license", "model card metadata (license, license_name, license_link)")


def _listed(found: Found, link: str) -> bool:
    """Whether a relative license_link names a file in the listing."""
    return bool(found.listing) and link.lstrip("./") in found.listing.names


def _lineage(found: Found, meta: dict) -> None:
    """Base models and their relation from base_model / base_model_relation."""
    bases = meta.get("base_model")
    bases = [bases] if isinstance(bases, str) else bases if isinstance(bases, list) else []
    bases = [b.strip() for b in bases if isinstance(b, str) and b.strip()]
    if len(bases) > MAX_BASE_MODELS:
        raise fail("model_card", f"base_model lists more than {MAX_BASE_MODELS} models")
    found.base_models = bases
    found.relation = _string(meta.get("base_model_relation"))
    found.origin("lineage", "model card metadata (base_model, base_model_relation)")


def _string(value) -> str | None:
    """A stripped non-empty string, or None."""
    return value.strip() or None if isinstance(value, str) else None


__all__ = ["read", "InteropError"]
