"""webhooks add / list / remove / log, and `webhooks deliver`: the delivery worker."""

from __future__ import annotations

import signal
import threading
import time

import click
from flask import current_app
from flask.cli import AppGroup

from ..application import ApplicationError, accounts, reassessment, webhooks
from ..store.context import get_db
from .admin import refused


@click.group("webhooks", cls=AppGroup)
def webhooks_cli():
    """Signed webhooks (Standard Webhooks) for assessment events."""


@webhooks_cli.command("add")
@click.option("--url", required=True, help="Where to post: https:// to a public host.")
@click.option(
    "--events",
    required=True,
    help=f"Comma-separated, from: {', '.join(webhooks.EVENTS)}.",
)
def add(url, events):
    """Add an endpoint; prints its signing secret once, on the last line."""
    try:
        endpoint = webhooks.add(get_db(), url, events, accounts.system_actor(), _allow_private())
    except ApplicationError as exc:
        raise refused(exc) from None
    click.echo(f"endpoint {endpoint['id']}: {endpoint['url']} ({', '.join(endpoint['events'])})")
    click.echo("signing secret (shown once; verify webhook-signature with it):")
    click.echo(endpoint["secret"])


@webhooks_cli.command("list")
def list_command():
    """List the endpoints (never their secrets)."""
    for e in webhooks.list_endpoints(get_db()):
        click.echo(f"{e['id']}\t{e['url']}\t{','.join(e['events'])}\tadded {e['created_at']}")


@webhooks_cli.command("remove")
@click.argument("endpoint_id", type=int)
def remove(endpoint_id):
    """Remove an endpoint; its undelivered events are cancelled."""
    try:
        webhooks.remove(get_db(), endpoint_id, accounts.system_actor())
    except ApplicationError as exc:
        raise refused(exc) from None
    click.echo(f"endpoint {endpoint_id} removed")


@webhooks_cli.command("log")
@click.argument("endpoint_id", type=int)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, webhooks.MAX_LOG))
def log(endpoint_id, limit):
    """An endpoint's delivery attempts, newest first."""
    try:
        found = webhooks.log(get_db(), endpoint_id, limit)
    except ApplicationError as exc:
        raise refused(exc) from None
    for a in found["attempts"]:
        outcome = a["status_code"] if a["status_code"] is not None else a["error"]
        click.echo(
            f"{a['attempted_at']}\t{a['event_id']}\t{a['event_type']}\t"
            f"attempt {a['attempt']}\t{outcome}\t{a['duration_ms']} ms"
        )


@webhooks_cli.command("deliver")
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
def deliver(once):
    """Run the delivery worker: post due events, retry failures with backoff for 24 h.

    SIGTERM or Ctrl-C stop it after the event in hand; an event it was posting when killed is
    posted again (same webhook-id) once its lease runs out. Every REASSESSMENT_SCAN_MINUTES it
    also runs the re-assessment scan, which writes the events of approvals newly due.
    """
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    db, config = get_db(), current_app.config
    poll = float(config["WEBHOOK_POLL_SECONDS"])
    every = float(config["REASSESSMENT_SCAN_MINUTES"]) * 60
    next_scan = time.monotonic()
    while not stop.is_set():
        if every > 0 and time.monotonic() >= next_scan and not once:
            reassessment.scan(current_app.extensions["modelrisk.content"], db)
            next_scan = time.monotonic() + every
        done = webhooks.deliver_due(db, _allow_private(), float(config["WEBHOOK_LEASE_SECONDS"]))
        if once and not done:
            break
        if not done:
            stop.wait(poll)


def _allow_private() -> bool:
    return bool(current_app.config["WEBHOOK_ALLOW_PRIVATE"])


COMMANDS = (webhooks_cli,)
