"""Command-line entry points: `flask --app wsgi <command>`. They call application functions."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from . import assessments
from .content.model import Content


def content() -> Content:
    return current_app.extensions["modelrisk.content"]


def register(app: Flask) -> None:
    app.cli.add_command(check_content)
    app.cli.add_command(assess)


@click.command("check-content")
@with_appcontext
def check_content():
    """Validate checklists/ and policies/ (start-up already refuses bad content)."""
    c = content()
    counts = ", ".join(f"{d} {len(cl.items)}" for d, cl in c.checklists.items())
    click.echo(f"content ok: items ({counts}), {len(c.licenses)} licences, {len(c.models)} "
               f"models, policies {', '.join(sorted(c.policies))}; hash {c.hash[:12]}")


@click.command("assess")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--policy", help="Policy id; overrides the input's own.")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text",
              show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Write one <name>.result.json per input here instead of printing.")
@with_appcontext
def assess(inputs, policy, fmt, out):
    """Score assessment input files (or folders of *.json) without a server."""
    files = [f for p in inputs for f in (sorted(p.glob("*.json")) if p.is_dir() else [p])]
    failed = 0
    if out:
        out.mkdir(parents=True, exist_ok=True)
    with click.progressbar(files, label="Assessing", file=sys.stderr,
                           hidden=len(files) < 2 or not out) as bar:
        for path in bar:
            failed += not _assess_one(path, policy, fmt, out)
    if failed:
        raise SystemExit(1)


def _assess_one(path: Path, policy: str | None, fmt: str, out: Path | None) -> bool:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        click.echo(f"{path}: not readable JSON: {exc}", err=True)
        return False
    if policy and isinstance(body, dict):
        body["policy"] = policy
    try:
        clean, result = assessments.evaluate(content(), body)
    except assessments.InputError as exc:
        for error in exc.errors:
            click.echo(f"{path}: {error['field']}: {error['message']}", err=True)
        return False
    if out:
        (out / f"{path.stem}.result.json").write_text(json.dumps(result, indent=2))
    elif fmt == "json":
        click.echo(json.dumps(result, indent=2))
    else:
        click.echo(render_text(clean, result))
    return True


def render_text(body: dict, result: dict) -> str:
    """A plain-text explanation of a result: verdict, domains, blockers, every finding's points."""
    lines = [f"{body['title']}",
             f"Overall {result['overall']['score']:.2f} ({result['overall']['rating']}) -> "
             f"{result['decision']}   policy {result['policy']['id']} "
             f"{result['policy']['version']}",
             ""]
    for name, d in result["domains"].items():
        lines.append(f"  {name:<12} {d['score']:6.2f}  {d['rating']:<8} answered "
                     f"{d['answered']}/{d['applicable']}")
    for b in result["blockers"]:
        lines.append(f"BLOCKER {b['item']}: {b['reason']}" + (f" [{b['fact']}]" if b.get("fact")
                                                              else ""))
    lines.append("")
    lines.append("Findings (points within domain, overall points):")
    for f in result["findings"]:
        lines.append(f"  {f['item']:<7} {f['points']:6.2f} {f['overall_points']:6.2f} "
                     f"{f['severity']:<8} {f['reason']}")
    if result["conditions"]:
        lines.append("")
        lines.append("Conditions:")
        lines.extend(f"  - [{c['item']}] {c['text']}" for c in result["conditions"])
    return "\n".join(lines)
