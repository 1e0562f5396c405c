"""The PDF risk report: a plain report model from a stored assessment, rendered by reportlab."""

from __future__ import annotations

from .model import build, filename_for
from .render import render, story

__all__ = ["build", "filename_for", "pdf_for", "render", "story", "thresholds_for", "unstored"]


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


def unstored(clean: dict, result: dict, created_at: str) -> dict:
    """The stored-assessment shape for a result that was never stored (offline preview)."""
    model = result.get("model") or {}
    return {
        "id": "not stored", "revision": 1, "previous_id": None, "title": clean["title"],
        "status": "not submitted", "created_at": created_at, "updated_at": created_at,
        "expires_at": None, "submitted_by": {"kind": "cli", "id": None, "name": None},
        "model_id": model.get("id"), "model_name": model.get("name"),
        "rating": result["overall"]["rating"], "decision": result["decision"],
        "score": result["overall"]["score"], "policy_id": result["policy"]["id"],
        "policy_version": result["policy"]["version"], "input": clean, "result": result,
        "reviews": [], "audit_head": None,
    }
