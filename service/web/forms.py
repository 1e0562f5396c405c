"""The assessment form as data: posted fields to an API body, and validation errors to fields.

Field names are the body's dotted paths (`deployment.sector`, `answers.SEC-01.value`), so an
error from the shared schema names the field it belongs to without any mapping table.
"""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from ..application import assessments
from ..content.model import Content

REQUESTER = ("name", "email", "organisation")
MODEL_TEXT = (
    "id",
    "name",
    "version",
    "publisher",
    "publisher_country",
    "license",
    "source_url",
    "weights_format",
)
ANSWER_PARTS = ("value", "note", "evidence_url", "justification")
MULTI = ("model.modality",)
MISSING = "Missing data for required field."
_SPLIT = re.compile(r"[,\s]+")


def form_values(form: MultiDict) -> dict[str, list[str]]:
    """The posted fields as typed (each a list of strings), without the CSRF token and buttons."""
    return {
        k: [v.strip() if k not in MULTI else v for v in form.getlist(k)]
        for k in form
        if k not in ("csrf_token", "action", "draft_id")
    }


def first(values: dict, name: str) -> str:
    """The first value of a field, or ''."""
    got = values.get(name) or [""]
    return got[0] if isinstance(got, list) else str(got)


def _given(values: dict, prefix: str, names) -> dict:
    return {n: first(values, f"{prefix}.{n}") for n in names if first(values, f"{prefix}.{n}")}


def _split(text: str) -> list[str]:
    return [p for p in _SPLIT.split(text) if p]


def model_given(values: dict) -> dict:
    """The model object the form describes (empty fields left out)."""
    model = _given(values, "model", MODEL_TEXT)
    if first(values, "model.base_models"):
        model["base_models"] = _split(first(values, "model.base_models"))
    if values.get("model.modality"):
        model["modality"] = [m for m in values["model.modality"] if m]
    return model


def deployment_given(content: Content, values: dict) -> dict:
    """The deployment object; booleans and numbers converted, bad numbers left for the schema."""
    out = {}
    for name, spec in content.context.fields.items():
        raw = first(values, f"deployment.{name}")
        if raw == "":
            continue
        if spec.type == "bool":
            out[name] = {"yes": True, "no": False}.get(raw, raw)
        elif spec.type == "integer":
            cleaned = re.sub(r"[,_ ]", "", raw)
            # isdigit() also holds for '²' and for 5,000 digits, which int() refuses.
            plain = cleaned.isascii() and cleaned.isdigit() and len(cleaned) <= 18
            out[name] = int(cleaned) if plain else raw
        elif spec.type == "region_list":
            out[name] = _split(raw.replace(";", ","))
        else:
            out[name] = raw
    return out


def to_body(content: Content, values: dict, derived: dict) -> tuple[dict, list[dict]]:
    """The API body for the posted form, plus errors only the form can make (note, no answer)."""
    body = {
        "title": first(values, "title"),
        "requester": _given(values, "requester", REQUESTER),
        "model": model_given(values),
        "deployment": deployment_given(content, values),
        "answers": {},
        "policy": first(values, "policy") or "default",
    }
    if not body["title"]:
        del body["title"]
    errors = []
    for item_id in content.items:
        answer = _given(values, f"answers.{item_id}", ANSWER_PARTS)
        if not answer:
            continue
        if "value" not in answer and item_id in derived:
            answer["value"] = derived[item_id].answer
        if "value" not in answer:
            errors.append(
                {
                    "field": f"answers.{item_id}.value",
                    "message": "Choose an answer, or clear the note and evidence link",
                }
            )
            continue
        body["answers"][item_id] = answer
    return body, errors


def derived_for(content: Content, values: dict) -> dict:
    """Licence answers derived from the model and deployment the form currently describes."""
    return assessments.derived_answers(
        content, model_given(values), deployment_given(content, values)
    )


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
        placed.setdefault(name, []).append(_friendly(error["message"]))
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


def _friendly(message: str) -> str:
    return "This is required" if message == MISSING else message.rstrip(".")


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
    for key, value in (body.get("deployment") or {}).items():
        if isinstance(value, bool):
            value = "yes" if value else "no"
        values[f"deployment.{key}"] = [", ".join(value) if isinstance(value, list) else str(value)]
    for item_id, answer in (body.get("answers") or {}).items():
        answer = {"value": answer} if isinstance(answer, str) else answer
        for part in ANSWER_PARTS:
            if answer.get(part):
                values[f"answers.{item_id}.{part}"] = [str(answer[part])]
    return values
