"""CSRF tokens for every non-API form, the security headers every response carries, the
session cookie's Secure flag, and the reverse proxies the service trusts."""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
API_PREFIX = "/api/"

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
OTHER_CSP = "default-src 'none'; frame-ancestors 'none'"
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def csrf_token() -> str:
    """This session's CSRF token, created on first use (a Jinja global for every form)."""
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


def check_csrf() -> None:
    """Refuse a state-changing request outside the API whose token does not match the session's."""
    if request.method in SAFE_METHODS or request.path.startswith(API_PREFIX):
        return
    expected = session.get(CSRF_FIELD)
    given = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
        abort(
            400,
            description="This form has expired or did not come from this site. Go back, "
            "reload the page and try again.",
        )


def set_headers(response):
    """Add the security headers; pages get a CSP without inline script, everything else none.
    A header the view set itself is left as it is."""
    is_page = response.mimetype == "text/html"
    wanted = [*HEADERS.items(), ("Content-Security-Policy", PAGE_CSP if is_page else OTHER_CSP)]
    if request.is_secure:
        wanted.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    if is_page and not request.path.startswith("/static/"):
        # Pages show assessments and account state: never keep them in a shared cache.
        wanted.append(("Cache-Control", "no-store"))
    present = {name.lower() for name, _ in response.headers}
    response.headers.extend([(k, v) for k, v in wanted if k.lower() not in present])
    return response


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


def trust_proxies(app: Flask) -> None:
    """With TRUSTED_PROXIES = N, read the client address, scheme and host from the headers the
    last N proxies set (X-Forwarded-For, -Proto, -Host); without it, never believe them."""
    count = int(app.config["TRUSTED_PROXIES"] or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def init_app(app: Flask) -> None:
    """Install the CSRF check, the headers hook, the cookie and the proxies on the whole app."""
    trust_proxies(app)
    app.session_interface = SessionCookies()
    app.before_request(check_csrf)
    app.after_request(set_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
