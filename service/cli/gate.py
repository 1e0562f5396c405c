"""gate check (may these files be deployed for this use?), evidence purge, reassessment scan."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from ..application import ApplicationError, InputError, accounts, evidence, gate, reassessment
from ..store.context import get_db
from .admin import refused

MAX_FILE = 2 * 1024 * 1024


@click.group("gate", cls=AppGroup)
def gate_cli():
    """The deployment gate."""


@gate_cli.command("check")
@click.argument("file", type=click.File("rb"))
def check(file):
    """Check FILE ({model, use, files | manifest_digest}, JSON; - for stdin) against the
    approvals; prints the answer as JSON. Exit status 0 allowed, 1 refused, 2 invalid input."""
    raw = file.read(MAX_FILE + 1)
    try:
        if len(raw) > MAX_FILE:
            raise ValueError(f"larger than {MAX_FILE} bytes")
        body = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        click.echo(f"Error: {file.name}: not a JSON document: {exc}", err=True)
        sys.exit(2)
    try:
        answer = gate.check(get_db(), body, accounts.system_actor())
    except InputError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(2)
    click.echo(json.dumps(answer, indent=2, ensure_ascii=False))
    sys.exit(0 if answer["allowed"] else 1)


@click.group("evidence", cls=AppGroup)
def evidence_cli():
    """Evidence files."""


@evidence_cli.command("purge")
@click.option(
    "--days",
    type=click.IntRange(1, 3650),
    default=evidence.PURGE_AFTER_DAYS,
    show_default=True,
    help="Delete uploads older than this that no assessment cites.",
)
def purge(days):
    """Delete evidence uploads that no submitted assessment cites, older than --days (audited)."""
    try:
        gone = evidence.purge(get_db(), accounts.system_actor(), days)
    except ApplicationError as exc:
        raise refused(exc) from None
    click.echo(f"deleted {gone} uncited evidence upload(s) older than {days} days")


@click.group("reassessment", cls=AppGroup)
def reassessment_cli():
    """Re-assessment of approvals in force."""


@reassessment_cli.command("scan")
def scan():
    """Check every approval in force for re-assessment: whether the loaded content would change
    its decision or rating, and the webhook event of each newly due (audited)."""
    counts = reassessment.scan(current_app.extensions["modelrisk.content"], get_db())
    click.echo(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items()))


COMMANDS = (gate_cli, evidence_cli, reassessment_cli)
