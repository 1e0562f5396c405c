"""Application functions shared by the API, the web pages and the CLI."""

from __future__ import annotations

from marshmallow import ValidationError

from . import lineage, scoring
from .content.model import UNKNOWN, Content
from .schemas import assessment_schema, flatten_errors


class InputError(Exception):
    """The assessment body is invalid; `errors` lists {field, pointer, message}."""

    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        self.errors = errors


def validate(content: Content, body) -> dict:
    """Check an assessment body against the shared schema and the derived-answer rules."""
    if not isinstance(body, dict):
        raise InputError([{"field": "(body)", "pointer": "", "message": "must be a JSON object"}])
    try:
        data = assessment_schema(content)().load(body)
    except ValidationError as exc:
        raise InputError(flatten_errors(exc.messages)) from None
    errors = _model_errors(content, data["model"]) + _override_errors(content, data)
    if errors:
        raise InputError(errors)
    return _drop_empty(data)


def _model_errors(content: Content, model: dict) -> list[dict]:
    errors = []
    if model.get("id") and not content.model(model["id"]) and not model.get("name"):
        errors.append({"field": "model.id", "pointer": "/model/id",
                       "message": f"'{model['id']}' is not in the catalogue; describe the model "
                                  "with name, publisher and license"})
    if model.get("license") and not content.license(model["license"]):
        errors.append({"field": "model.license", "pointer": "/model/license",
                       "message": f"unknown licence '{model['license']}'; see /api/v1/licenses"})
    return errors


def _override_errors(content: Content, data: dict) -> list[dict]:
    """A derived licence answer may be overridden only with a written justification.

    `unknown` adds nothing to a known fact, so the derived answer stands without an error.
    """
    model = lineage.resolve_model(content, data["model"])
    chain = lineage.lineage(content, model)
    derived = lineage.derive_answers(content, model, data["deployment"], chain)
    errors = []
    for item_id, given in data["answers"].items():
        found = derived.get(item_id)
        if found and given["value"] not in (found.answer, UNKNOWN) \
                and not given.get("justification") \
                and not scoring.resolves(content.items[item_id], given["value"], found.answer):
            errors.append({
                "field": f"answers.{item_id}.justification",
                "pointer": f"/answers/{item_id}/justification",
                "message": f"{item_id} is derived from the licence facts as '{found.answer}' "
                           f"({found.fact}); give a justification to override it"})
    return errors


def _drop_empty(data: dict) -> dict:
    data["model"] = {k: v for k, v in data["model"].items() if v not in (None, "", [])}
    data["deployment"] = {k: v for k, v in data["deployment"].items() if v is not None}
    return data


def evaluate(content: Content, body) -> tuple[dict, dict]:
    """Validate a body and score it; returns (clean body, result). Nothing is stored."""
    clean = validate(content, body)
    return clean, scoring.score(clean, content, content.policies[clean["policy"]])
