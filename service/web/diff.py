"""What changed between two revisions of an assessment: inputs, and the verdict."""

from __future__ import annotations

from .. import labels
from ..content.model import Content
from . import forms, formview


def _flat(content: Content, body: dict) -> dict[str, str]:
    return {
        k: ", ".join(v)
        for k, v in forms.body_values(content, body).items()
        if k != "previous_id" and any(v)
    }


def changes(content: Content, before: dict, after: dict) -> list[dict]:
    """Changed fields in form order: {name, label, before, after} ('' where absent)."""
    old, new = _flat(content, before["input"]), _flat(content, after["input"])
    labels = formview.field_labels(content)
    order = {name: i for i, name in enumerate(labels)}
    names = sorted(set(old) | set(new), key=lambda n: (order.get(n, len(order)), n))
    return [
        {"name": n, "label": labels.get(n, n), "before": old.get(n, ""), "after": new.get(n, "")}
        for n in names
        if old.get(n, "") != new.get(n, "")
    ]


def verdict_changes(before: dict, after: dict) -> list[dict]:
    """Rating, decision and score of the two revisions, where they differ, in words."""
    shown = {
        "rating": lambda v: str(v).capitalize(),
        "decision": lambda v: labels.label("decision", v),
        "score": lambda v: f"{v:.2f}",
    }
    out = []
    for key, label in (("rating", "Rating"), ("decision", "Engine decision"), ("score", "Score")):
        old, new = before.get(key), after.get(key)
        if old != new:
            words = shown[key]
            out.append(
                {
                    "label": label,
                    "before": words(old) if old is not None else "",
                    "after": words(new) if new is not None else "",
                }
            )
    return out
