"""The assessment body's schema, shared by the API, the web form and the CLI, built from the
loaded content; and the one way to name a field in an error (dotted path and JSON Pointer)."""

from __future__ import annotations

import re

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates_schema,
)

from ..bounds import line_break_problem
from ..content.model import MODALITIES, UNKNOWN, Content, ContextField
from .artifact_schema import ArtifactSchema

TITLE = validate.Length(1, 200)
NAME = validate.Length(1, 200)
LONG_TEXT = 4000
URL_LENGTH = 2000
WEIGHT_FORMATS = ("safetensors", "gguf", "pickle", "onnx", "other", "unknown")
MAX_ANSWERS = 500
MAX_EVIDENCE = 10  # evidence files cited per answer
EVIDENCE_ID = validate.Regexp(r"^ev_[0-9a-f]{32}$", error="an evidence id (ev_ and 32 hex digits)")
# A justification departs from a fact on the record: it must say why, in words.
JUSTIFICATION_LETTERS = 10


def few_lines(text) -> None:
    """marshmallow validator of line_break_problem."""
    problem = line_break_problem(text) if isinstance(text, str) else None
    if problem:
        raise ValidationError(problem)


def justification_problem(text: str) -> str | None:
    """Why a justification (stripped) says nothing, or None: the one rule for every
    justification of the body, answers' and the model's alike."""
    if sum(c.isalpha() for c in text) < JUSTIFICATION_LETTERS:
        return f"must say why in words: at least {JUSTIFICATION_LETTERS} letters"
    return None


class Justification(fields.String):
    """A justification: surrounding white space dropped, blank taken as none given, anything
    else held to `justification_problem`, at most LONG_TEXT characters and a few lines."""

    def __init__(self, **kwargs):
        checks = [validate.Length(max=LONG_TEXT), few_lines]
        super().__init__(validate=checks, allow_none=True, **kwargs)

    def _validate(self, value):
        if value is not None:  # a blank one, taken as none given, has nothing to check
            super()._validate(value)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text:
            return None  # blank: no justification, which an override then lacks by name
        problem = justification_problem(text)
        if problem:
            raise ValidationError(problem)
        return text


class RequesterSchema(Schema):
    name = fields.String(required=True, validate=NAME)
    email = fields.Email(required=True, validate=validate.Length(max=254))
    organisation = fields.String(validate=validate.Length(max=200), allow_none=True)


class ModelInputSchema(Schema):
    id = fields.String(validate=validate.Length(1, 200), allow_none=True)
    name = fields.String(validate=NAME, allow_none=True)
    version = fields.String(validate=validate.Length(max=100), allow_none=True)
    publisher = fields.String(validate=NAME, allow_none=True)
    publisher_country = fields.String(validate=validate.Regexp(r"^[A-Z]{2}$"), allow_none=True)
    license = fields.String(validate=validate.Length(1, 200), allow_none=True)
    source_url = fields.URL(validate=validate.Length(max=URL_LENGTH), allow_none=True)
    weights_format = fields.String(validate=validate.OneOf(WEIGHT_FORMATS), allow_none=True)
    base_models = fields.List(
        fields.String(validate=validate.Length(1, 200)), validate=validate.Length(max=20)
    )
    modality = fields.List(
        fields.String(validate=validate.OneOf(MODALITIES)),
        validate=validate.Length(max=5),
    )
    artifact = fields.Nested(ArtifactSchema, allow_none=True)
    # Why the fields above depart from the catalogue's facts for the model `id` names.
    justification = Justification()

    @validates_schema
    def identified(self, data, **kwargs):
        if not data.get("id") and not data.get("name"):
            raise ValidationError("give a catalogue id, or describe the model with a name", "id")


class AnswerObjectSchema(Schema):
    value = fields.String(required=True, validate=validate.Length(1, 100))
    note = fields.String(validate=[validate.Length(max=LONG_TEXT), few_lines], allow_none=True)
    evidence_url = fields.URL(validate=validate.Length(max=URL_LENGTH), allow_none=True)
    justification = Justification()
    evidence = fields.List(
        fields.String(validate=EVIDENCE_ID),
        validate=validate.Length(max=MAX_EVIDENCE),
        metadata={"description": "ids of uploaded evidence files (POST /api/v1/evidence)"},
    )


# One instance for every answer: a schema instance costs more to build than to load with.
_ANSWER_SCHEMA = AnswerObjectSchema()
_ANSWER_FIELDS = tuple(_ANSWER_SCHEMA.load_fields)
_FIELD_SET = frozenset(_ANSWER_FIELDS)
_TEXT_FIELDS = ("note", "justification")
_VALUE_LENGTH = (1, 100)
_URL_CHECKS = tuple(_ANSWER_SCHEMA.load_fields["evidence_url"].validators)


def _plain_answer(given: dict) -> dict | None:
    """What the answer schema loads from `given` (empty values dropped) when every field is
    plainly valid; None when anything is unusual, so that the schema itself reports it.

    Answers are validated by the hundred per assessment; this is the schema's work without a
    marshmallow round trip per answer, and the schema still has the last word on any error.
    """
    value = given.get("value")
    if not isinstance(value, str) or not _VALUE_LENGTH[0] <= len(value) <= _VALUE_LENGTH[1]:
        return None
    if len(given) == 1:
        return {"value": value}
    if not given.keys() <= _FIELD_SET or "evidence" in given:
        return None  # evidence ids are checked by the schema
    for key in _TEXT_FIELDS:
        text = given.get(key)
        if text is not None and (
            not isinstance(text, str) or len(text) > LONG_TEXT or line_break_problem(text)
        ):
            return None
    reason = given.get("justification")
    if reason and (reason != reason.strip() or justification_problem(reason)):
        return None  # the schema strips it, or names the problem
    url = given.get("evidence_url")
    if url is not None:
        if not isinstance(url, str):
            return None
        try:
            for check in _URL_CHECKS:
                check(url)
        except ValidationError:
            return None
    return {k: given[k] for k in _ANSWER_FIELDS if given.get(k) not in (None, "")}


class AnswersField(fields.Field):
    """A mapping of item id to an option value, or to {value, note, evidence_url, justification}."""

    def __init__(self, content: Content, **kwargs):
        super().__init__(**kwargs)
        self.content = content
        self.allowed = {
            item.id: frozenset(o.value for o in item.options) | {UNKNOWN}
            for item in content.items.values()
        }

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise ValidationError("must be an object of item id to answer")
        if len(value) > MAX_ANSWERS:
            raise ValidationError(f"at most {MAX_ANSWERS} answers")
        out, errors = {}, {}
        for key, given in value.items():
            try:
                out[key] = self._answer(key, given)
            except ValidationError as exc:
                errors[key] = exc.messages
        if errors:
            raise ValidationError(errors)
        return out

    def _answer(self, key, given) -> dict:
        allowed = self.allowed.get(key)
        if allowed is None:
            raise ValidationError(f"unknown checklist item '{key}'")
        if isinstance(given, str):
            if given in allowed and _VALUE_LENGTH[0] <= len(given) <= _VALUE_LENGTH[1]:
                return {"value": given}  # a plain option value, as the schema would load it
            given = {"value": given}
        elif not isinstance(given, dict):
            raise ValidationError("must be an option value or an object with 'value'")
        answer = _plain_answer(given)
        if answer is None:
            loaded = _ANSWER_SCHEMA.load(given)
            answer = {k: v for k, v in loaded.items() if v not in (None, "", [])}
        if answer["value"] not in allowed:
            item = self.content.items[key]
            allowed = [o.value for o in item.options] + [UNKNOWN]
            raise ValidationError(
                {
                    "value": [
                        f"'{answer['value']}' is not an option of {key}; "
                        f"choose one of: {', '.join(allowed)}"
                    ]
                }
            )
        return answer


class WholeNumber(fields.Integer):
    """An integer from JSON or a form: 2000 or "2000", never 2000.7 quietly cut to 2000."""

    def _validated(self, value):
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid")
        return super()._validated(value)


def _context_field(spec: ContextField) -> fields.Field:
    common = {"required": spec.required, "allow_none": not spec.required}
    if spec.type == "enum":
        return fields.String(validate=validate.OneOf([o.value for o in spec.options]), **common)
    if spec.type == "bool":
        return fields.Boolean(**common)
    if spec.type == "integer":
        return WholeNumber(
            strict=False, validate=validate.Range(spec.minimum, spec.maximum), **common
        )
    if spec.type == "country":
        return fields.String(
            validate=validate.Regexp(
                r"^[A-Z]{2}$", error="must be an ISO 3166-1 alpha-2 code such as DE"
            ),
            **common,
        )
    if spec.type == "region_list":
        return fields.List(
            fields.String(
                validate=validate.Regexp(
                    r"^[A-Z]{2,3}$",
                    error="must be a region such as EU or an ISO 3166-1 alpha-2 code such as DE",
                )
            ),
            validate=validate.Length(max=60),
            **common,
        )
    return fields.String(
        validate=[
            validate.Length(1 if spec.required else 0, spec.max_length or LONG_TEXT),
            few_lines,
        ],
        **common,
    )


class _Uppercase(Schema):
    """Country codes and regions are accepted in any case and stored upper-case."""

    @pre_load
    def upper(self, data, **kwargs):
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for key in self.upper_fields:
            if isinstance(data.get(key), str):
                data[key] = data[key].strip().upper()
            elif isinstance(data.get(key), list):
                data[key] = [v.strip().upper() if isinstance(v, str) else v for v in data[key]]
        return data


_SCHEMAS: dict[tuple, type[Schema]] = {}
_LOADERS: dict[tuple, Schema] = {}


def _key(content: Content) -> tuple:
    # The checklists' hash does not cover policies, and the schema lists the policy ids.
    return content.hash, tuple(sorted((p.id, p.hash) for p in content.policies.values()))


def assessment_schema(content: Content) -> type[Schema]:
    """The assessment body schema (API, form, CLI) for this content, built once per content."""
    key = _key(content)
    if key not in _SCHEMAS:
        _SCHEMAS[key] = _build_assessment_schema(content)
    return _SCHEMAS[key]


def assessment_loader(content: Content) -> Schema:
    """One instance of the assessment schema per content, for loading bodies.

    Instantiating a schema deep-copies its fields (about 0.2 ms here); loading keeps no state on
    the instance, so every body is loaded with the same one.
    """
    key = _key(content)
    if key not in _LOADERS:
        _LOADERS[key] = assessment_schema(content)()
    return _LOADERS[key]


def _build_assessment_schema(content: Content) -> type[Schema]:
    context = content.context.fields
    upper = tuple(n for n, f in context.items() if f.type in ("country", "region_list"))
    deployment = type(
        "DeploymentSchema",
        (_Uppercase,),
        {"upper_fields": upper, **{name: _context_field(spec) for name, spec in context.items()}},
    )
    attrs = {
        "title": fields.String(required=True, validate=TITLE),
        "requester": fields.Nested(RequesterSchema, required=True),
        "model": fields.Nested(ModelInputSchema, required=True),
        "deployment": fields.Nested(deployment, required=True),
        "answers": AnswersField(content, load_default=dict),
        "policy": fields.String(
            load_default="default", validate=validate.OneOf(sorted(content.policies))
        ),
    }
    return Schema.from_dict(attrs, name="AssessmentInput")


# marshmallow's own messages in the house style: what follows the field's name, lower case, no
# full stop ("deployment.sector: must be one of: ...").
_HOUSE = (
    (re.compile(r"^Missing data for required field\.$"), "is required"),
    (re.compile(r"^Field may not be null\.$"), "is required"),
    (re.compile(r"^Not a valid integer\.$"), "must be a whole number"),
    (re.compile(r"^Not a valid boolean\.$"), "must be true or false"),
    (re.compile(r"^Not a valid string\.$"), "must be text"),
    (re.compile(r"^Not a valid list\.$"), "must be a list"),
    (re.compile(r"^Not a valid email address\.$"), "must be an e-mail address"),
    (re.compile(r"^Not a valid URL\.$"), "must be a web address starting with https://"),
    (re.compile(r"^Invalid input type\.$"), "must be an object"),
    (re.compile(r"^Unknown field\.$"), "is not a field of this object"),
    (re.compile(r"^Must be one of: (.*)\.$"), r"must be one of: \1"),
    (
        re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
        lambda m: f"must be between {_number(m[1])} and {_number(m[2])}",
    ),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), r"must be \1 to \2 characters"),
    (re.compile(r"^Shorter than minimum length 1\.$"), "must not be empty"),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), r"must be at least \1 characters"),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), r"must be at most \1 characters"),
)


def _number(text: str) -> str:
    return f"{int(text):,}" if text.isdigit() else text


def house_message(message: str) -> str:
    """A field error message in the one style every edge shows: lower case, no full stop."""
    for pattern, replacement in _HOUSE:
        if pattern.match(message):
            return pattern.sub(replacement, message)
    message = message.rstrip(".")
    if message[:1].isupper() and message[1:2].islower():
        message = message[0].lower() + message[1:]
    return message


def flatten_errors(messages, prefix: tuple = ()) -> list[dict]:
    """marshmallow's nested messages as a flat list of {field, pointer, message}, each message
    in the house style."""
    out = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = prefix if key == "_schema" else (*prefix, key)
            out.extend(flatten_errors(value, path))
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        for message in messages:
            out.append(field_error(prefix, house_message(message)))
    elif isinstance(messages, list):
        for value in messages:
            out.extend(flatten_errors(value, prefix))
    else:
        out.append(field_error(prefix, house_message(str(messages))))
    return out


def pointer(path) -> str:
    """The RFC 6901 JSON Pointer of a path into a body (`~` and `/` escaped); '' for the root."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def field_error(path, message: str) -> dict:
    """One field error: {field: dotted path or "(body)", pointer, message}."""
    parts = [str(p) for p in path]
    return {"field": ".".join(parts) or "(body)", "pointer": pointer(parts), "message": message}


_SURROGATE = re.compile("[\ud800-\udfff]")


def unpaired_surrogates(data) -> list[tuple[str, ...]]:
    """Paths of the strings (values or keys) holding an unpaired UTF-16 surrogate.

    Such a string parses from JSON but is not Unicode: it cannot be stored, hashed or shown.
    Iterative, as JSON may nest as deep as the parser allowed.
    """
    found, stack = [], [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                found.append(path)
        elif isinstance(value, dict):
            for key, item in value.items():
                shown = _SURROGATE.sub("\ufffd", key) if isinstance(key, str) else str(key)
                if shown != key:
                    found.append((*path, shown))
                stack.append(((*path, shown), item))
        elif isinstance(value, list):
            stack.extend(((*path, str(i)), item) for i, item in enumerate(value))
    return sorted(found)


SURROGATE_MESSAGE = "contains an unpaired UTF-16 surrogate; send valid Unicode text"


def surrogate_errors(data) -> list[dict]:
    """A field error for every string of `data` holding an unpaired surrogate."""
    return [field_error(path, SURROGATE_MESSAGE) for path in unpaired_surrogates(data)]
