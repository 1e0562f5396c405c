"""The modelrisk service: application factory. It wires; it does no work of its own."""

from __future__ import annotations

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from . import config, jsontext
from .content import ContentError, load_content


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Flask app: settings (service.config), content, store, edges."""
    app = Flask(
        __name__, instance_path=config.instance_path(test_config), instance_relative_config=True
    )
    config.apply(app, test_config)
    app.json = JSONProvider(app)
    try:
        content = load_content(app.config["CHECKLIST_DIR"], app.config["POLICY_DIR"])
    except ContentError as exc:
        # One line naming file, entry and field, then a non-zero exit: no traceback to read.
        raise SystemExit(f"modelrisk: invalid content: {exc}") from None
    app.extensions["modelrisk.content"] = content
    from . import api, cli, errors, web
    from .application import artifacts
    from .store import context

    artifacts.configure(app.config["SIGSTORE_TRUST_CONFIG"])
    context.init_app(app)
    errors.init_app(app)
    api.init_app(app, content)
    web.init_app(app)
    cli.init_app(app)
    return app


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON (responses, `jsonify`, `tojson`) encoded by `jsontext`, compact, keys
    sorted as Flask sorts them unless the caller says otherwise, and dates, dataclasses and
    `__html__` objects rendered by Flask's own `default`. A call asking for another layout
    (`indent`, as flask-smorest writes the OpenAPI document and Flask's debug mode answers)
    gets Flask's own encoder. Reading stays Flask's (the standard library)."""

    def dumps(self, obj, **kwargs) -> str:
        other_layout = kwargs.keys() - {"separators", "sort_keys"}
        if other_layout or kwargs.get("separators", jsontext.COMPACT) != jsontext.COMPACT:
            return super().dumps(obj, **kwargs)
        sort_keys = kwargs.get("sort_keys", self.sort_keys)
        return jsontext.encode(obj, sort_keys=sort_keys, default=self.default)
