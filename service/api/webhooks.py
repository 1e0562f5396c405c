"""Webhook endpoints (admin): add, list, remove, and each one's delivery log."""

from __future__ import annotations

from flask import Response, current_app, g
from marshmallow import Schema, fields, validate

from ..application import keys, webhooks
from ..application.webhooks import EVENTS, MAX_URL
from ..store.context import get_db
from .auth import require
from .base import ApiBlueprint, documents_json_body, documents_not_found, json_response

PATH = "/webhooks"
blp = ApiBlueprint(
    "webhooks",
    __name__,
    tag="webhooks",
    description="Signed webhooks (Standard Webhooks) for assessment events; admin only.",
)


class WebhookInputSchema(Schema):
    url = fields.String(
        required=True,
        validate=validate.Length(1, MAX_URL),
        metadata={"description": "https:// to a public host (see docs/api.md)."},
    )
    events = fields.List(
        fields.String(validate=validate.OneOf(EVENTS)),
        required=True,
        validate=validate.Length(1, len(EVENTS)),
    )


class WebhookSchema(Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True)
    events = fields.List(fields.String(validate=validate.OneOf(EVENTS)), required=True)
    created_at = fields.String(required=True)
    created_by = fields.String(required=True)
    removed_at = fields.String(allow_none=True, required=True)


class WebhookCreatedSchema(WebhookSchema):
    secret = fields.String(
        required=True,
        metadata={"description": "The signing secret (whsec_...), shown only in this answer."},
    )


class WebhookListSchema(Schema):
    items = fields.List(fields.Nested(WebhookSchema), required=True)


class WebhookEventSchema(Schema):
    id = fields.String(required=True, metadata={"description": "The webhook-id header."})
    endpoint_id = fields.Integer(required=True)
    event_type = fields.String(required=True)
    assessment_id = fields.String(allow_none=True, required=True)
    created_at = fields.String(required=True)
    status = fields.String(
        required=True, validate=validate.OneOf(("pending", "delivered", "failed", "cancelled"))
    )
    attempts = fields.Integer(required=True)
    next_attempt_at = fields.String(required=True)
    delivered_at = fields.String(allow_none=True, required=True)
    last_error = fields.String(allow_none=True, required=True)


class WebhookAttemptSchema(Schema):
    event_id = fields.String(required=True)
    event_type = fields.String(required=True)
    attempt = fields.Integer(required=True)
    attempted_at = fields.String(required=True)
    status_code = fields.Integer(allow_none=True, required=True)
    error = fields.String(allow_none=True, required=True)
    duration_ms = fields.Integer(required=True)


class WebhookLogSchema(Schema):
    events = fields.List(fields.Nested(WebhookEventSchema), required=True)
    attempts = fields.List(fields.Nested(WebhookAttemptSchema), required=True)


class LogArgsSchema(Schema):
    limit = fields.Integer(load_default=100, validate=validate.Range(1, webhooks.MAX_LOG))


@blp.route("", methods=["GET"], operation_id="listWebhooks")
@require("admin")
@blp.response(200, WebhookListSchema)
def list_webhooks():
    """List the webhook endpoints (never their secrets)"""
    return json_response({"items": webhooks.list_endpoints(get_db())})


@blp.route("", methods=["POST"], operation_id="createWebhook")
@require("admin")
@blp.arguments(WebhookInputSchema)
@blp.response(201, WebhookCreatedSchema)
@documents_json_body
def create_webhook(data):
    """Add a webhook endpoint

    Events are posted as JSON `{type, timestamp, data}`, signed per Standard Webhooks
    (webhook-id, webhook-timestamp, webhook-signature) with the secret returned here once.
    """
    endpoint = webhooks.add(
        get_db(),
        data["url"],
        ",".join(data["events"]),
        keys.actor(g.api_key),
        bool(current_app.config["WEBHOOK_ALLOW_PRIVATE"]),
    )
    return json_response(endpoint, 201)


@blp.route("/<endpoint_id>", methods=["DELETE"], operation_id="deleteWebhook")
@require("admin")
@blp.response(204)
@documents_not_found
def delete_webhook(endpoint_id: str):
    """Remove a webhook endpoint; its undelivered events are cancelled"""
    webhooks.remove(get_db(), endpoint_id, keys.actor(g.api_key))
    return Response(status=204)


@blp.route("/<endpoint_id>/deliveries", methods=["GET"], operation_id="listWebhookDeliveries")
@require("admin")
@blp.arguments(LogArgsSchema, location="query", as_kwargs=True)
@blp.response(200, WebhookLogSchema)
@documents_not_found
def deliveries(endpoint_id: str, limit: int):
    """An endpoint's events and delivery attempts, newest first"""
    return json_response(webhooks.log(get_db(), endpoint_id, limit))
