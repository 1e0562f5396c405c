"""portfolio impact: which current assessments the loaded content and policy would decide
differently, and how."""

from __future__ import annotations

import json
import os
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from ..application import ApplicationError, portfolio
from ..store.context import get_db
from .admin import refused


@click.group("portfolio", cls=AppGroup)
def portfolio_cli():
    """The stored assessments as a whole."""


@portfolio_cli.command("impact")
@click.option("--policy", help="Re-score every assessment under this policy (default: its own).")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text")
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    help="Processes that score (default: the CPU count).",
)
def impact(policy, fmt, jobs):
    """Re-score every current assessment against the content (and policy) loaded now and list
    those whose decision, rating or blockers would change. Nothing stored changes."""
    content = current_app.extensions["modelrisk.content"]
    try:
        report = portfolio.impact_report(content, get_db(), policy, jobs or os.cpu_count() or 1)
    except ApplicationError as exc:
        raise refused(exc) from None
    if fmt == "json":
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    summary = report["summary"]
    click.echo(
        f"{summary['assessed']:,} current assessments; {summary['changed']:,} would change "
        f"({summary['approved_changed']:,} approved); {summary['unscorable']:,} no longer valid"
    )
    for change in report["changes"]:
        before, after = change["before"], change["after"]
        parts = [f"{k} {before[k]} -> {after[k]}" for k in change["changed"] if k != "blockers"]
        if "blockers" in change["changed"]:
            parts.append(f"blockers {before['blockers']} -> {after['blockers']}")
        versions = {
            k: f"{before['content_versions'].get(k)} -> {v}"
            for k, v in after["content_versions"].items()
            if before["content_versions"].get(k) != v
        }
        click.echo(f"{change['id']}  {change['status']:<17} {change['title']}")
        click.echo(f"    {'; '.join(parts)}")
        if versions:
            click.echo("    content " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    for failure in report["unscorable"]:
        reasons = "; ".join(f"{e['field']}: {e['message']}" for e in failure["errors"][:3])
        click.echo(f"{failure['id']}  no longer valid: {reasons}")


COMMANDS = (portfolio_cli,)
