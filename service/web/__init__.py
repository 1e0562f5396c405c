"""Server-rendered pages: sign-in, dashboard, the assessment form, results and reviews."""

from __future__ import annotations

from flask import Flask, g, request

from ..store.context import get_db
from . import filters, security, sessions


def _load_user() -> None:
    """Who is signed in, for pages; static files, health probes and the API never need it."""
    g.user = None
    if request.endpoint in (None, "static") or request.path.startswith(security.API_PREFIX):
        return
    if request.blueprint == "health":
        return  # liveness must not depend on the store; readiness checks it on its own
    g.user = sessions.load_user(get_db())


def init_app(app: Flask) -> None:
    """Register the probes, the page blueprints, the session user, CSRF and the headers."""
    from . import accounts, assess, dashboard, health, results

    security.init_app(app)
    filters.init_app(app)
    app.before_request(_load_user)
    for module in (health, accounts, dashboard, assess, results):
        app.register_blueprint(module.bp)
