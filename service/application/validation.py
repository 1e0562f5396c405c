"""Validation of an assessment body: the shared schema, then the rules the content adds."""

from __future__ import annotations

from marshmallow import ValidationError

from .. import engine
from ..content.model import UNKNOWN, Content
from ..engine import departures, rules
from . import artifacts
from .errors import InputError
from .inputs import assessment_loader, field_error, flatten_errors, surrogate_errors

__all__ = ["validated"]


def validated(content: Content, body, as_of: str | None = None) -> tuple[dict, engine.Facts]:
    """The clean body, and the model facts read for it as of the assessment date (the engine
    reads the same ones), with its `model.artifact` examined: the signature is checked here,
    so that answers derived from it are known before any override is judged."""
    if not isinstance(body, dict):
        raise InputError([field_error((), "must be a JSON object")])
    broken = surrogate_errors(body)
    if broken:
        raise InputError(broken)
    try:
        data = assessment_loader(content).load(body)
    except ValidationError as exc:
        raise InputError(flatten_errors(exc.messages)) from None
    errors = _model_errors(content, data["model"])
    named = {e["field"] for e in errors}  # an unknown licence is named once, as unknown
    errors += [e for e in _departure_errors(content, data["model"]) if e["field"] not in named]
    clean = _drop_empty(data)
    artifact = artifacts.examine(clean["model"].get("artifact"))
    facts = engine.facts(content, clean["model"], clean["deployment"], as_of, artifact)
    errors += _override_errors(content, clean, facts)
    if errors:
        raise InputError(errors)
    return clean, facts


def _model_errors(content: Content, model: dict) -> list[dict]:
    errors = []
    if model.get("id") and not content.model(model["id"]) and not model.get("name"):
        errors.append(
            field_error(
                ("model", "id"),
                f"'{model['id']}' is not in the catalogue; describe the model "
                "with name, publisher and license",
            )
        )
    if model.get("license") and not content.license(model["license"]):
        errors.append(
            field_error(
                ("model", "license"),
                f"unknown licence '{model['license']}'; see /api/v1/licenses",
            )
        )
    return errors


def _departure_errors(content: Content, model: dict) -> list[dict]:
    """A catalogue model's facts stated otherwise need the model's justification: each such
    field is named, with the catalogue's value."""
    if model.get("justification"):
        return []
    entry = content.model(model.get("id"))
    return [
        field_error(
            _departing(content, entry, model, d["field"]),
            f"the catalogue gives {entry.id} {_shown(d['catalogue'])}; give "
            "model.justification to depart from the catalogue, or leave the field out",
        )
        for d in departures.departures(content, entry, model)
    ]


def _departing(content: Content, entry, model: dict, field: str) -> tuple:
    """The path an error names: a base model the catalogue does not list by its index, else
    the field."""
    if field == "base_models":
        held = {m.lower() for m in entry.facts["base_models"]}
        for n, base in enumerate(model[field]):
            if base.lower() not in held:
                return ("model", field, n)
    return ("model", field)


def _shown(value) -> str:
    if isinstance(value, list):
        return ", ".join(f"'{v}'" for v in value) or "none"
    return f"'{value}'"


# Where a derived answer was read, as an override error names it.
_BASIS_WORDS = {
    "license": "the licence facts",
    "publisher": "the catalogue's publisher facts",
    "deployment": "the deployment described",
    "artifact": "the artefact described",
}


def _override_errors(content: Content, data: dict, facts: engine.Facts) -> list[dict]:
    """A derived answer may be overridden only with a written justification.

    `unknown` adds nothing to a known fact, so the derived answer stands without an error.
    """
    ctx = {"model": facts.model, "deployment": data["deployment"]}
    errors = []
    for item_id, given in data["answers"].items():
        found = facts.derived.get(item_id)
        if found is None:
            continue
        if not rules.holds(content.items[item_id].applies_when, ctx, content.context.country_sets):
            continue  # an item that does not apply is not scored, so nothing is overridden
        if (
            given["value"] not in (found.answer, UNKNOWN)
            and not given.get("justification")
            and not engine.stands(content.items[item_id], given["value"], found)
        ):
            errors.append(
                field_error(
                    ("answers", item_id, "justification"),
                    f"{item_id} is derived from {_BASIS_WORDS[found.basis]} as '{found.answer}' "
                    f"({found.fact}); give a justification to override it",
                )
            )
    return errors


def _drop_empty(data: dict) -> dict:
    data["model"] = {k: v for k, v in data["model"].items() if v not in (None, "", [])}
    data["deployment"] = {k: v for k, v in data["deployment"].items() if v is not None}
    return data
