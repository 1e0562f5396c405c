"""The form's view as JSON for the page's script: the same markup the page renders, per item.

The script never evaluates a rule: it shows and hides the items this says apply and puts in the
parts rendered here by the very macros the page uses (`_item_parts.html`).
"""

from __future__ import annotations

from flask import get_template_attribute, render_template

from ..application.formview import FormView
from ..content.model import Content
from .forms import field_id


def as_json(content: Content, view: FormView, values: dict) -> dict:
    """Per item: applies, severity, the derived answer and the parts' markup; per section: the
    progress; and the notice of answers kept for items that no longer apply."""
    severity = get_template_attribute("_item_parts.html", "severity")
    derived = get_template_attribute("_item_parts.html", "derived_note")
    justification = get_template_attribute("_item_parts.html", "justification")
    items = {}
    for item_id, v in view.items.items():
        item = content.items[item_id]
        fid = field_id(f"answers.{item_id}.value")
        entry = {
            "applies": v.applies,
            "severity": v.severity,
            "derived": v.derived.answer if v.derived else None,
            "severity_html": str(severity(v, fid)),
        }
        if v.derived:
            entry["derived_html"] = str(derived(v, item))
            entry["justification_html"] = str(justification(v, item, values, {}))
        items[item_id] = entry
    return {
        "items": items,
        "sections": {
            s.domain: {"answered": s.answered, "applicable": s.applicable} for s in view.sections
        },
        "applicable": view.applicable,
        "kept": list(view.kept),
        "kept_html": render_template("_kept.html", view=view, content=content),
        "derived_tag": str(get_template_attribute("_item_parts.html", "derived_tag")()),
    }
