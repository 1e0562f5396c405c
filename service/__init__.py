"""The modelrisk service: application factory. It wires; it does no work of its own."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from .content import ContentError, load_content

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Flask app: config from defaults, MODELRISK_* variables and test_config."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY=None,
        DATABASE=str(Path(app.instance_path) / "modelrisk.sqlite3"),
        CHECKLIST_DIR=str(ROOT / "checklists"),
        POLICY_DIR=str(ROOT / "policies"),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=False,  # MODELRISK_SESSION_COOKIE_SECURE=true behind TLS
    )
    app.config.from_prefixed_env("MODELRISK")
    if test_config:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")
    try:
        content = load_content(app.config["CHECKLIST_DIR"], app.config["POLICY_DIR"])
    except ContentError as exc:
        # One line naming file, entry and field, then a non-zero exit: no traceback to read.
        raise SystemExit(f"modelrisk: invalid content: {exc}") from None
    app.extensions["modelrisk.content"] = content
    from . import cli, db, health, web

    db.init_app(app)
    cli.register(app)
    app.register_blueprint(health.bp)
    from . import api, errors

    errors.init_app(app)
    api.init_app(app, content)
    web.init_app(app)
    return app


def _instance_secret(path: Path) -> str:
    """A random session key kept in the instance folder, so no deployment runs on a known one."""
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
