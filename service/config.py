"""Every setting of the service, declared once: its name, its default and what it means.

A setting is read, in order of precedence, from create_app's test_config, from an environment
variable `MODELRISK_<NAME>` (JSON values such as `true` or `120` are parsed, anything else is a
string), or from its default here. README's configuration table is generated from SETTINGS
(`markdown_table`), and a test fails when the two differ.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PREFIX = "MODELRISK"
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    meaning: str
    shown: str | None = None  # the default as a person reads it, when it is worked out

    @property
    def variable(self) -> str:
        return f"{PREFIX}_{self.name}"


SETTINGS = (
    Setting(
        "INSTANCE_PATH",
        None,
        "folder for the database and the generated session and audit keys",
        "`instance/`",
    ),
    Setting("DATABASE", None, "SQLite file of the store", "`<INSTANCE_PATH>/modelrisk.sqlite3`"),
    Setting(
        "SECRET_KEY",
        None,
        "session signing key; set it when several hosts share sessions",
        "a random key kept in `<INSTANCE_PATH>/secret_key`",
    ),
    Setting(
        "CHECKLIST_DIR",
        str(ROOT / "checklists"),
        "question banks, context fields, licences, models",
        "`checklists/`",
    ),
    Setting("POLICY_DIR", str(ROOT / "policies"), "policies", "`policies/`"),
    Setting(
        "MAX_CONTENT_LENGTH", 2 * 1024 * 1024, "largest request body in bytes (413 above)", "2 MiB"
    ),
    Setting(
        "AUDIT_KEY",
        None,
        "key of the audit trail's HMAC chain; keep it where those who can write the database "
        "cannot read it (a secret store), and the same on every host",
        "a random key kept in `<INSTANCE_PATH>/audit_key`",
    ),
    Setting(
        "SESSION_COOKIE_SECURE",
        False,
        "send the session cookie over HTTPS only (it is, whatever this says, on requests that "
        "arrive over HTTPS)",
    ),
    Setting("SESSION_IDLE_MINUTES", 30, "a signed-in session ends after this many idle minutes"),
    Setting("SESSION_LIFETIME_HOURS", 12, "a signed-in session ends this many hours after sign-in"),
    Setting(
        "TRUSTED_PROXIES",
        0,
        "how many reverse proxies stand in front of the service; with N > 0 the client address, "
        "scheme and host come from the last N proxies' X-Forwarded-For, -Proto and -Host",
    ),
    Setting(
        "BODY_READ_TIMEOUT",
        15,
        "seconds a request body may go without a byte before its request fails, freeing its "
        "thread (read by gunicorn.conf.py)",
    ),
    Setting(
        "REPORT_TIME_BUDGET",
        10,
        "seconds a PDF report may take to render; past it the download, or the approval that "
        "archives the report, is refused (503)",
    ),
    Setting("API_RATE_LIMIT", 100_000, "requests per API key per window; `0` turns the limit off"),
    Setting("API_RATE_WINDOW", 60, "length of the rate-limit window, in seconds"),
    Setting(
        "IDEMPOTENCY_KEY_REQUIRED",
        False,
        "refuse API POSTs that store without an `Idempotency-Key` header (428)",
    ),
    Setting("IDEMPOTENCY_TTL_HOURS", 24, "how long Idempotency-Key records are kept, in hours"),
    Setting(
        "FONT_DIR",
        "/usr/share/fonts",
        "where the PDF report looks for its Chinese and Devanagari fallback fonts",
    ),
    Setting(
        "PDF_SHAPING", False, "shape Devanagari in the PDF report (needs `reportlab[shaping]`)"
    ),
    Setting(
        "WEBHOOK_ALLOW_PRIVATE",
        False,
        "let webhooks go to http:// and to private, loopback and link-local addresses (closed "
        "networks and tests only); otherwise https:// to public addresses only",
    ),
    Setting(
        "WEBHOOK_POLL_SECONDS", 1.0, "how often the delivery worker looks for due events, idle"
    ),
    Setting(
        "WEBHOOK_LEASE_SECONDS",
        60,
        "how long a worker holds an event it is posting; a killed worker's events are posted "
        "again after it (keep it above the 10 s a delivery may take)",
    ),
    Setting(
        "SIGSTORE_TRUST_CONFIG",
        None,
        "a Sigstore client trust configuration (JSON) that keyless model signatures are "
        "verified against, offline; without it keyless signatures are recorded as not verified",
        "none",
    ),
    Setting(
        "REASSESSMENT_SCAN_MINUTES",
        60,
        "how often the delivery worker checks approvals for re-assessment (content changes, "
        "the webhook event of those newly due); `0` leaves it to `reassessment scan`",
    ),
)
BY_NAME = {s.name: s for s in SETTINGS}

# Fixed values of Flask and flask-smorest that the service sets and nobody needs to change.
FIXED = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "API_TITLE": "modelrisk",
    "API_VERSION": "1.0.0",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
}


def _parsed(raw: str) -> Any:
    """An environment value as Flask's from_prefixed_env reads it: JSON if it parses."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def from_environment(name: str) -> Any:
    """A setting for code running outside an app (benchmarks, scripts): environment or default."""
    setting = BY_NAME[name]
    raw = os.environ.get(setting.variable)
    return setting.default if raw is None else _parsed(raw)


def instance_path(test_config: dict | None) -> str | None:
    """Where the instance folder is (None: Flask's own choice, `instance/` beside the code)."""
    if test_config and test_config.get("INSTANCE_PATH"):
        return str(test_config["INSTANCE_PATH"])
    value = from_environment("INSTANCE_PATH")
    return str(value) if value else None


def apply(app, test_config: dict | None) -> None:
    """Fill app.config: defaults, MODELRISK_* variables, test_config, then worked-out values."""
    app.config.from_mapping({s.name: s.default for s in SETTINGS}, **FIXED)
    app.config.from_prefixed_env(PREFIX)
    if test_config:
        app.config.update(test_config)
    app.config["INSTANCE_PATH"] = app.instance_path
    folder = Path(app.instance_path)
    if not app.config["DATABASE"]:
        app.config["DATABASE"] = str(folder / "modelrisk.sqlite3")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret(folder / "secret_key")
    if not app.config["AUDIT_KEY"]:
        app.config["AUDIT_KEY"] = instance_secret(folder / "audit_key")


def instance_secret(path: Path) -> str:
    """A random key kept in the instance folder, so no deployment runs on a known one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Write aside, then link into place: two workers starting at once agree on one key.
        draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        draft.touch(mode=0o600)
        draft.write_text(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def markdown_table() -> str:
    """README's configuration table: variable, default, meaning."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for s in SETTINGS:
        value = s.default if isinstance(s.default, str) else json.dumps(s.default)
        default = s.shown or f"`{value}`"
        rows.append(f"| `{s.variable}` | {default} | {s.meaning} |")
    return "\n".join(rows)
