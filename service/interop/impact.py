"""Portfolio impact: how a stored verdict compares with the verdict the content and policy loaded
now give for the same input. Pure: the stored row and the new result in, the change out."""

from __future__ import annotations

# What the comparison reads of a stored assessment; the store can fetch just these.
STORED_FIELDS = (
    "id",
    "title",
    "status",
    "model_id",
    "model_name",
    "decision",
    "rating",
    "score",
    "policy_id",
    "policy_version",
    "blockers",
    "content_versions",
)


def blocker_keys(blockers: list[dict]) -> list[str]:
    """A verdict's blockers as comparable keys: kind and item."""
    return sorted(f"{b.get('kind', 'item')}:{b['item']}" for b in blockers or [])


def verdict(result: dict) -> dict:
    """The parts of a result whose change matters: decision, rating, blockers, versions."""
    return {
        "decision": result["decision"],
        "rating": result["overall"]["rating"],
        "score": result["overall"]["score"],
        "blockers": blocker_keys(result["blockers"]),
        "policy_version": result["policy"]["version"],
        "content_versions": dict(result["content"]["versions"]),
    }


def compare(stored: dict, result: dict) -> dict | None:
    """The change for one stored assessment, or None when decision, rating and blockers stay."""
    before = {
        "decision": stored["decision"],
        "rating": stored["rating"],
        "score": stored["score"],
        "blockers": blocker_keys(stored["blockers"]),
        "policy_version": stored["policy_version"],
        "content_versions": dict(stored["content_versions"] or {}),
    }
    after = verdict(result)
    changed = [k for k in ("decision", "rating", "blockers") if before[k] != after[k]]
    if not changed:
        return None
    return {**_identity(stored), "changed": changed, "before": before, "after": after}


def unscorable(stored: dict, errors: list[dict]) -> dict:
    """An assessment the current content can no longer score (its input no longer validates)."""
    return {**_identity(stored), "errors": errors}


def summarise(assessed: int, changes: list[dict], failures: list[dict]) -> dict:
    """Counts for the dashboard and the report: approved deployments that would change."""
    return {
        "assessed": assessed,
        "changed": len(changes),
        "approved_changed": sum(c["status"] == "approved" for c in changes),
        "unscorable": len(failures),
    }


def _identity(stored: dict) -> dict:
    return {k: stored[k] for k in ("id", "title", "status", "model_id", "model_name", "policy_id")}
