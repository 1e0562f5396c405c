"""Who signs and who has reviewed: the sign-off block and the reviews of every revision."""

from __future__ import annotations

from .words import label, timestamp

SIGNOFF_ROLES = ("Requester", "Procurement", "Legal", "Security")
EXCERPT = 160  # characters of a review comment on the decision page; the record has it all


def reviews(stored: dict) -> list[dict]:
    """Every review of this assessment's chain, oldest first, each with its revision.

    `earlier_reviews` (the application adds them) are those of the revisions before this one:
    a reader of revision 2 sees what was said of revision 1.
    """
    earlier = stored.get("earlier_reviews") or []
    own = [{**r, "revision": stored.get("revision")} for r in stored.get("reviews") or []]
    return [_review(r, stored.get("revision")) for r in [*earlier, *own]]


def _review(r: dict, current) -> dict:
    reviewer = r.get("reviewer") or {}
    person = reviewer.get("person_name")
    name = reviewer.get("name") or reviewer.get("id")
    return {
        "revision": r.get("revision"),
        "this_revision": r.get("revision") == current,
        "reviewer": f"{name} (for {person})" if person and person != name else name,
        "time": timestamp(r.get("created_at")),
        "date": (r.get("created_at") or "")[:10],
        "decision": r.get("decision"),
        "decision_label": label("review", r.get("decision")),
        "accept_risk": bool(r.get("accept_risk")),
        "comment": r.get("comment") or "",
        "excerpt": excerpt(r.get("comment"), EXCERPT),
    }


def excerpt(text: str | None, limit: int) -> str:
    """Text on one line, cut to `limit` characters with an ellipsis when longer."""
    flat = " ".join((text or "").split())
    return flat[:limit].rstrip() + ("\u2026" if len(flat) > limit else "")


def signoff(stored: dict, body: dict) -> dict:
    """The roles that sign, the requester's name filled in, and the reviews recorded so far."""
    requester = (body.get("requester") or {}).get("name")
    return {
        "roles": [
            {"role": role, "name": requester if role == "Requester" else None}
            for role in SIGNOFF_ROLES
        ],
        "reviews": reviews(stored),
        "statement": (
            f"By signing, each role confirms having read this report of assessment "
            f"{stored['id']} revision {stored.get('revision')} (input hash "
            f"{stored['result'].get('input_hash') or 'not recorded'})."
        ),
    }
