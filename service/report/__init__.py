"""The PDF risk report: a plain report model from a stored assessment, rendered by reportlab."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict

from . import reading
from .fonts import resolve_font_dir, resolve_shaping
from .items import in_order
from .method import method_for
from .model import RENDERER, build, domain_order, filename_for, licence_name
from .render import RenderTimeout, render, story

__all__ = [
    "RENDERER",
    "RenderTimeout",
    "build",
    "cached_pdf_for",
    "domain_order",
    "filename_for",
    "in_order",
    "licence_name",
    "method_for",
    "pdf_for",
    "reading",
    "render",
    "story",
    "thresholds_for",
    "unstored",
]

CACHE_SIZE = 32  # reports kept per process: ~120 KiB each for 80 items
_cache: OrderedDict[str, bytes] = OrderedDict()
_cache_lock = threading.Lock()
# One render at a time per process: reportlab keeps process-wide state (fonts, settings), and
# renders are CPU-bound, so threads would gain nothing by overlapping them.
_render_lock = threading.Lock()


def thresholds_for(stored: dict, content=None) -> dict | None:
    """Thresholds of a result that predates them, from the very policy (id, version, hash)."""
    policy = stored["result"]["policy"]
    if policy.get("thresholds") or content is None:
        return policy.get("thresholds")
    loaded = content.policies.get(policy["id"])
    if loaded and (loaded.version, loaded.hash) == (policy["version"], policy.get("hash")):
        return dict(loaded.ratings)
    return None


def pdf_for(stored: dict, content=None, font_dir=None, shaping: bool | None = None) -> bytes:
    """The PDF report of a stored assessment (same stored assessment, same bytes)."""
    return render(build(stored, thresholds_for(stored, content)), font_dir, shaping)


def cached_pdf_for(
    stored: dict,
    content=None,
    font_dir=None,
    shaping: bool | None = None,
    budget: float | None = None,
) -> bytes:
    """pdf_for, keeping the last CACHE_SIZE reports of this process; a render past `budget`
    seconds raises RenderTimeout (and nothing is kept).

    The report is a function of its report model, the fallback fonts and shaping alone, so the
    bytes are kept under the SHA-256 of those: a repeat download of an assessment costs the
    model and its hash (~2 ms) instead of a render (~170 ms for 80 items), and a review, which
    changes the model, gets a new report. The bytes are the ones a render gives.
    """
    report = build(stored, thresholds_for(stored, content))
    font_dir, shaping = resolve_font_dir(font_dir).resolve(), resolve_shaping(shaping)
    key = hashlib.sha256(
        json.dumps([report, str(font_dir), shaping], sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    with _cache_lock:
        data = _cache.get(key)
        if data is not None:
            _cache.move_to_end(key)
            return data
    data = _render_in_turn(report, font_dir, shaping, budget)
    with _cache_lock:
        _cache[key] = data
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return data


def _render_in_turn(report: dict, font_dir, shaping: bool, budget: float | None) -> bytes:
    """render() once no other thread of this process is rendering; the wait counts against the
    budget, so a queue of slow reports cannot hold a request longer than the budget either."""
    started = time.monotonic()
    if not _render_lock.acquire(timeout=-1 if budget is None else budget):
        raise RenderTimeout("another report was still rendering when the time budget ran out")
    try:
        left = None if budget is None else max(0.0, budget - (time.monotonic() - started))
        return render(report, font_dir, shaping, left)
    finally:
        _render_lock.release()


def unstored(clean: dict, result: dict, created_at: str, **fields) -> dict:
    """The stored-assessment shape for a result that was never stored (offline preview).

    `fields` replace any of the shape's fields (id, status, reviews, ...), for samples and tests.
    """
    model = result.get("model") or {}
    shape = {
        "id": "not stored",
        "revision": 1,
        "previous_id": None,
        "title": clean["title"],
        "status": "not submitted",
        "created_at": created_at,
        "updated_at": created_at,
        "expires_at": None,
        "submitted_by": {"kind": "cli", "id": None, "name": None},
        "model_id": model.get("id"),
        "model_name": model.get("name"),
        "rating": result["overall"]["rating"],
        "decision": result["decision"],
        "score": result["overall"]["score"],
        "policy_id": result["policy"]["id"],
        "policy_version": result["policy"]["version"],
        "input": clean,
        "result": result,
        "reviews": [],
        "audit_head": None,
    }
    shape.update(fields)
    return shape
