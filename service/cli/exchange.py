"""prefill: read a model card or an ML-BOM into an assessment draft, printed as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..application import ApplicationError, exchange
from .admin import refused

MAX_FILE = 8 << 20  # read no more than this of a file; the import refuses far less


@click.command("prefill")
@click.argument("document", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--files",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The Hub's model information (JSON, with 'siblings'), for a model card.",
)
@click.option("--repo-id", help="The card's repository (org/name) when --files has no id.")
@with_appcontext
def prefill(document: Path, files: Path | None, repo_id: str | None):
    """Read DOCUMENT (a model card README.md or a CycloneDX ML-BOM) into a draft, as JSON.

    The draft's `body` is a partial assessment input; warnings name what is left to fill in.
    Exit status 2 when the document cannot be read.
    """
    content = current_app.extensions["modelrisk.content"]
    try:
        draft = exchange.prefill(content, _read(document), _read(files) if files else None, repo_id)
    except ApplicationError as exc:
        raise refused(exc) from None
    json.dump(draft, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    for warning in draft["warnings"]:
        click.echo(f"warning: {warning['field']}: {warning['message']}", err=True)


def _read(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(MAX_FILE + 1)
