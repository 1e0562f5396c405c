"""Liveness and readiness probes, and the landing page until the web pages exist."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

bp = Blueprint("health", __name__)


@bp.get("/livez")
def livez():
    """The process is up."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Content is loaded and the service can answer."""
    content = current_app.extensions.get("modelrisk.content")
    ok = content is not None
    return jsonify(status="ok" if ok else "unavailable", content=content.hash if ok else None), (
        200 if ok else 503)
