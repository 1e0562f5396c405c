"""How the OpenAPI document is shaped beyond flask-smorest's defaults, so that client generators
(openapi-python-client, openapi-generator) turn it into complete, well-named classes."""

from __future__ import annotations

import http

from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import fields

from .base import ComponentRef
from .schemas import ProblemSchema

ERROR_HEADERS = {
    401: {"WWW-Authenticate": {"description": "Bearer challenge", "schema": {"type": "string"}}},
    429: {
        "Retry-After": {
            "description": "Seconds until the key's window resets",
            "schema": {"type": "integer"},
        }
    },
}
SCHEMAS = "#/components/schemas/"


class ModelriskApi(Api):
    """flask-smorest Api whose errors are documented as problem+json and rendered elsewhere."""

    ERROR_SCHEMA = ProblemSchema

    def _init_spec(self, *args, **kwargs):
        super()._init_spec(*args, **kwargs)
        converter = self.ma_plugin.converter
        converter.add_attribute_function(component_ref)
        converter.add_attribute_function(nullable_ref)
        converter.add_attribute_function(titled_nullable_enum)

    def _register_error_handlers(self):
        """Errors are rendered by service.errors for the whole app; nothing to register here."""

    def _register_pagination_header(self):
        """Lists page themselves ({items, page, ...} and Link); no X-Pagination, no component."""

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            if status in ERROR_HEADERS:
                response["headers"] = ERROR_HEADERS[status]
            prepare_response(response, self.spec, "application/problem+json")
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, "application/problem+json")
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def component_ref(self, field: fields.Field, ret: dict, **kwargs) -> dict:
    """A ComponentRef field is a reference to its component (one built from the content)."""
    if not isinstance(field, ComponentRef):
        return {}
    ret.pop("type", None)
    ret.pop("additionalProperties", None)
    return {"allOf": [{"$ref": SCHEMAS + field.component}]}


def nullable_ref(self, field: fields.Field, ret: dict, **kwargs) -> dict:
    """A nullable reference as `{allOf: [$ref], nullable: true}`, not apispec's 3.0 `anyOf` with
    an untyped object: generators name that object after its parent and property, and the names
    collide (Assessment.input came out as a second AssessmentInput)."""
    choices = ret.get("anyOf")
    if not (field.allow_none and choices):
        return {}
    refs = [c for c in choices if c != {"type": "object", "nullable": True}]
    if len(refs) == len(choices):
        return {}
    del ret["anyOf"]
    return {"allOf": refs, "nullable": True}


def titled_nullable_enum(self, field: fields.Field, ret: dict, **kwargs) -> dict:
    """A nullable enum (null among its values) is titled after its field: untitled,
    openapi-python-client makes three classes of it, named ...Type1, ...Type2Type1, ..."""
    if None not in ret.get("enum", ()) or "title" in ret:
        return {}
    return {"title": "".join(part.title() for part in field.name.split("_"))}


def tags(blueprints) -> list[dict]:
    """The tag list: one per resource, named as its operations are tagged, with its description."""
    return [{"name": blp.tag, "description": blp.description} for blp in blueprints]
