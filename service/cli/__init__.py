"""The command line, `flask --app wsgi <command>`: parse arguments, call application functions.

assess.py    assess (score input files offline, in processes), check-content
admin.py     db migrate and backup, users, keys, audit verify, crosswalk, idempotency purge
exchange.py  prefill (a model card or ML-BOM into a draft)
webhooks.py  webhooks add, list, remove, log, deliver (the delivery worker)
portfolio.py portfolio impact (what the loaded content would decide differently)
gate.py      gate check (the deployment gate), evidence purge, reassessment scan
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Add every command to `flask --app wsgi`."""
    from . import admin, assess, exchange, gate, portfolio, webhooks

    commands = (assess.check_content, assess.assess, exchange.prefill)
    groups = (admin.COMMANDS, webhooks.COMMANDS, portfolio.COMMANDS, gate.COMMANDS)
    for command in (*commands, *(c for group in groups for c in group)):
        app.cli.add_command(command)
