"""The PDF risk report: a plain report model from a stored assessment, rendered by reportlab."""

from __future__ import annotations

from .model import build, filename_for
from .render import render, story

__all__ = ["build", "filename_for", "pdf_for", "render", "story", "thresholds_for"]


def thresholds_for(stored: dict, content=None) -> dict | None:
    """Thresholds of a result that predates them, from the very policy (id, version, hash)."""
    policy = stored["result"]["policy"]
    if policy.get("thresholds") or content is None:
        return policy.get("thresholds")
    loaded = content.policies.get(policy["id"])
    if loaded and (loaded.version, loaded.hash) == (policy["version"], policy.get("hash")):
        return dict(loaded.ratings)
    return None


def pdf_for(stored: dict, content=None, font_dir=None) -> bytes:
    """The PDF report of a stored assessment (same stored assessment, same bytes)."""
    return render(build(stored, thresholds_for(stored, content)), font_dir=font_dir)
