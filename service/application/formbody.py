"""A form's typed values read into an assessment body.

People type numbers with thousands separators ("3.000", "3,000", "3 000"), countries by name
("Germany") and lists with commas; the body wants integers, ISO codes and lists. This module
reads what was typed, in one message style, and leaves every other rule to the body's schema.
Form values are the posted fields by name (`deployment.sector`, `answers.SEC-01.value`), each a
list of strings.
"""

from __future__ import annotations

import contextlib
import re

from ..content.model import Content
from .inputs import field_error

Values = dict[str, list[str]]
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
    "justification",
)
ANSWER_PARTS = ("value", "note", "evidence_url", "justification")
# The hidden part of an item naming the derived answer the page showed selected: an answer equal
# to it was left as it was offered, so the derived answer of the current facts stands instead.
SHOWN = "derived"
NUMBER_EXAMPLES = "3000, 3,000, 3.000 or 3 000"
_PLAIN = re.compile(r"^-?[0-9]+$")
# One separator used throughout, every group after the first exactly three digits.
_GROUPED = re.compile(
    r"^-?[0-9]{1,3}(?P<sep>[.,' _\u00a0\u202f\u2009])[0-9]{3}(?:(?P=sep)[0-9]{3})*$"
)
_LIST = re.compile(r"[,;]")
_REGION = re.compile(r"^[A-Za-z]{2,3}$")
MAX_DIGITS = 18


def first(values: Values, name: str) -> str:
    """The first value of a field, or ''."""
    got = values.get(name) or [""]
    return got[0] if isinstance(got, list) else str(got)


def whole_number(text: str) -> int:
    """A whole number as people write it: digits, or digits in groups of three separated by one
    of . , ' space or underscore. ValueError (the message) for anything else, a decimal
    ("3.5", "3,50") or a mix of separators ("1.000,5") among them."""
    text = text.strip()
    if (_PLAIN.match(text) or _GROUPED.match(text)) and len(text) <= MAX_DIGITS * 2:
        digits = re.sub(r"[^0-9-]", "", text)
        if len(digits.lstrip("-")) <= MAX_DIGITS:
            return int(digits)
    raise ValueError(f"must be a whole number such as {NUMBER_EXAMPLES}; '{text}' is not one")


def country(content: Content, text: str) -> str:
    """An ISO 3166-1 alpha-2 code from a code ("de") or a name the content knows ("Germany")."""
    text = text.strip()
    if len(text) == 2 and text.isascii() and text.isalpha():
        return text.upper()
    code = content.context.country_names.get(text.casefold())
    if code is None:
        raise ValueError(
            f"'{text}' is neither a country name we know nor a two-letter ISO 3166-1 code "
            "such as DE"
        )
    return code


def regions(content: Content, text: str) -> list[str]:
    """Regions and countries from a list separated by commas or semicolons; a piece that is no
    country name may hold several codes separated by spaces ("EU US")."""
    out = []
    for piece in (p.strip() for p in _LIST.split(text)):
        if not piece:
            continue
        code = content.context.country_names.get(piece.casefold())
        if code:
            out.append(code)
            continue
        for word in piece.split():
            if not _REGION.match(word):
                raise ValueError(
                    f"'{word}' is neither a region such as EU, a country name we know nor a "
                    "two-letter ISO 3166-1 code such as DE"
                )
            out.append(word.upper())
    return out


def model(content: Content, values: Values) -> dict:
    """The model object the form describes (empty fields left out)."""
    out = {n: first(values, f"model.{n}") for n in MODEL_TEXT if first(values, f"model.{n}")}
    if "publisher_country" in out:
        # A name the content does not know stays as typed: the schema then names the field.
        with contextlib.suppress(ValueError):
            out["publisher_country"] = country(content, out["publisher_country"])
    if first(values, "model.base_models"):
        listed = re.split(r"[,\s]+", first(values, "model.base_models"))
        out["base_models"] = [p for p in listed if p]
    if values.get("model.modality"):
        out["modality"] = [m for m in values["model.modality"] if m]
    return out


def deployment(content: Content, values: Values) -> tuple[dict, list[dict]]:
    """The deployment object and the errors of what could not be read; a value that could not
    be read is left out, so its one error is this one."""
    out, errors = {}, []
    for name, spec in content.context.fields.items():
        raw = first(values, f"deployment.{name}")
        if raw == "":
            continue
        try:
            out[name] = _typed(content, spec.type, raw)
        except ValueError as exc:
            errors.append(field_error(("deployment", name), str(exc)))
    return out, errors


def _typed(content: Content, kind: str, raw: str):
    if kind == "bool":
        return {"yes": True, "no": False}.get(raw, raw)
    if kind == "integer":
        return whole_number(raw)
    if kind == "country":
        return country(content, raw)
    if kind == "region_list":
        return regions(content, raw)
    return raw


def chosen(values: Values, item_id: str) -> str:
    """The answer a person chose for an item: '' when none, or when the derived answer the page
    offered selected was left as it was."""
    value = first(values, f"answers.{item_id}.value")
    shown = first(values, f"answers.{item_id}.{SHOWN}")
    return "" if shown and value == shown else value


def given(values: Values, item_id: str) -> dict:
    """What was typed into an item: its chosen answer and any note, link or justification."""
    out = {
        p: first(values, f"answers.{item_id}.{p}")
        for p in ANSWER_PARTS[1:]
        if first(values, f"answers.{item_id}.{p}")
    }
    value = chosen(values, item_id)
    return {"value": value, **out} if value else out


def answers(
    content: Content, values: Values, derived: dict, applicable: set[str]
) -> tuple[dict, list[dict]]:
    """The answers of the items that apply. Answers typed into items that do not apply are not
    submitted (they stay in the form and its draft)."""
    out, errors = {}, []
    for item_id in content.items:
        answer = given(values, item_id)
        if item_id not in applicable or not answer:
            continue
        found = derived.get(item_id)
        if "value" not in answer and found is not None:
            answer["value"] = found.answer
        if "value" not in answer:
            if answer:
                errors.append(
                    field_error(
                        ("answers", item_id, "value"),
                        "needs an answer: choose one, or clear its note and evidence link",
                    )
                )
            continue
        out[item_id] = answer
    return out, errors


def body(
    content: Content, values: Values, derived: dict, applicable: set[str]
) -> tuple[dict, list[dict]]:
    """The API body for the form's values, and the errors of what could not be read."""
    deployment_, errors = deployment(content, values)
    answers_, answer_errors = answers(content, values, derived, applicable)
    out = {
        "title": first(values, "title"),
        "requester": {
            n: first(values, f"requester.{n}") for n in REQUESTER if first(values, f"requester.{n}")
        },
        "model": model(content, values),
        "deployment": deployment_,
        "answers": answers_,
        "policy": first(values, "policy") or "default",
    }
    if not out["title"]:
        del out["title"]
    return out, errors + answer_errors
