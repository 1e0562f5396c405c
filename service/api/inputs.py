"""Request schemas of the API (the assessment body itself is built from the content)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..application.inputs import few_lines
from ..application.reviews import MAX_COMMENT, MIN_ACCEPTANCE, REVIEW_DECISIONS, STATUSES
from ..content.model import DECISIONS, RATINGS

Str = fields.String


def _d(text: str) -> dict:
    return {"metadata": {"description": text}}


class ListArgsSchema(Schema):
    # The query arguments a page link carries on (page and per_page are set per link).
    FILTERS = ("status", "decision", "rating", "model", "since", "reassessment_due")

    status = Str(validate=validate.OneOf(STATUSES))
    decision = Str(validate=validate.OneOf(DECISIONS))
    rating = Str(validate=validate.OneOf(RATINGS))
    model = Str(validate=validate.Length(1, 200), **_d("Catalogue id or model name."))
    since = fields.DateTime(**_d("Created at or after (ISO 8601; UTC when no offset)."))
    reassessment_due = fields.Boolean(
        **_d("true: approvals in force that are due for re-assessment; false: all others.")
    )
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(1, 100))


class RegisterArgsSchema(ListArgsSchema):
    """The list's filters without paging: the register carries every matching row."""

    class Meta:
        exclude = ("page", "per_page")


class ReviewInputSchema(Schema):
    decision = Str(required=True, validate=validate.OneOf(tuple(REVIEW_DECISIONS)))
    comment = Str(
        validate=[validate.Length(max=MAX_COMMENT), few_lines],
        load_default="",
        **_d(
            "Required to reject or request changes, and to accept a risk (at least "
            f"{MIN_ACCEPTANCE} characters); at most 40 line breaks."
        ),
    )
    accept_risk = fields.Boolean(
        load_default=False,
        **_d(
            "Approve against the engine's reject decision, accepting its risk; needs a "
            "comment saying why. Refused for any other review."
        ),
    )


class CrosswalkArgsSchema(Schema):
    framework = Str(
        validate=validate.Length(1, 100), **_d("Only this framework key, e.g. OWASP-LLM-2025.")
    )
