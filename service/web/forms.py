"""The assessment form as data: posted fields as typed, catalogue and stored values as fields,
and errors placed on the fields they name.

Field names are the body's dotted paths (`deployment.sector`, `answers.SEC-01.value`), so an
error from the shared schema names the field it belongs to without any mapping table. Reading
typed values into a body is the application's (`application/formbody.py`).
"""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from ..application.formbody import ANSWER_PARTS, first
from ..content.model import Content

__all__ = ["first", "form_values", "catalogue_values", "field_id", "place_errors", "body_values"]

MULTI = ("model.modality",)
KEEP_OUT = ("csrf_token", "action", "draft_id", "focus")


def form_values(form: MultiDict) -> dict[str, list[str]]:
    """The posted fields as typed (each a list of strings), without the CSRF token and buttons."""
    return {
        k: [v.strip() if k not in MULTI else v for v in form.getlist(k)]
        for k in form
        if k not in KEEP_OUT
    }


def catalogue_values(content: Content, model_id: str) -> dict[str, list[str]]:
    """Form values describing a catalogue model (publisher, licence, formats, base models)."""
    entry = content.model(model_id)
    if entry is None:
        return {}
    facts = entry.facts
    formats = facts.get("weight_formats") or []
    lic = content.license(entry.license)
    return {
        "model.id": [entry.id],
        "model.name": [entry.name],
        "model.publisher": [entry.publisher],
        "model.publisher_country": [facts.get("publisher_country") or ""],
        "model.license": [lic.id if lic else entry.license],
        "model.weights_format": [formats[0] if len(formats) == 1 else ""],
        "model.base_models": [", ".join(entry.base_models)],
        "model.modality": list(facts.get("modality") or []),
    }


def field_id(name: str) -> str:
    """The HTML id of a field: `answers.SEC-01.value` -> `f-answers-SEC-01-value`."""
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def place_errors(errors: list[dict], names: set[str]) -> dict[str, list[str]]:
    """Errors keyed by the nearest form field they belong to (an unknown field goes to the top)."""
    placed: dict[str, list[str]] = {}
    for error in errors:
        name = _nearest(error["field"], names)
        placed.setdefault(name, []).append(error["message"])
    return placed


def _nearest(field: str, names: set[str]) -> str:
    parts = field.split(".")
    while parts:
        name = ".".join(parts)
        for candidate in (name, f"{name}.value", f"{name}.name", f"{name}.id"):
            if candidate in names:
                return candidate
        parts.pop()
    return ""


def body_values(content: Content, body: dict) -> dict[str, list[str]]:
    """Form values for a stored body, so a re-assessment starts from what was submitted."""
    values: dict[str, list[str]] = {
        "title": [body.get("title", "")],
        "policy": [body.get("policy", "default")],
    }
    for key, value in (body.get("requester") or {}).items():
        values[f"requester.{key}"] = [str(value or "")]
    for key, value in (body.get("model") or {}).items():
        values[f"model.{key}"] = (
            list(value)
            if key == "modality"
            else [", ".join(value)]
            if isinstance(value, list)
            else [str(value)]
        )
    names = content.context.countries
    for key, value in (body.get("deployment") or {}).items():
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, list):
            value = ", ".join(names.get(v, v) for v in value)
        elif key in content.context.fields and content.context.fields[key].type == "country":
            value = names.get(value, value)  # shown by name; read back as the code
        values[f"deployment.{key}"] = [str(value)]
    for item_id, answer in (body.get("answers") or {}).items():
        answer = {"value": answer} if isinstance(answer, str) else answer
        for part in ANSWER_PARTS:
            if answer.get(part):
                values[f"answers.{item_id}.{part}"] = [str(answer[part])]
    return values
