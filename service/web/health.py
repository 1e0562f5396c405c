"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

bp = Blueprint("health", __name__)


@bp.get("/livez")
def livez():
    """The process is up."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Content is loaded and the store is reachable with its schema up to date."""
    content = current_app.extensions.get("modelrisk.content")
    store_ok = _store_reachable()
    ok = content is not None and store_ok
    return jsonify(
        status="ok" if ok else "unavailable",
        content=content.hash if content else None,
        store="ok" if store_ok else "unreachable",
    ), (200 if ok else 503)


def _store_reachable() -> bool:
    from ..application import maintenance
    from ..store.context import get_db

    try:
        maintenance.check_store(get_db())
    except Exception:  # noqa: BLE001 - any failure means "not ready", and the probe says so
        current_app.logger.exception("readyz: the store is not reachable")
        return False
    return True
