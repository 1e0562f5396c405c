"""`flask --app wsgi assess` and `check-content`: score input files offline, in processes."""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..application import InputError, assessments
from ..content.model import Content
from .text import render_text


def content() -> Content:
    """The validated content the app loaded."""
    return current_app.extensions["modelrisk.content"]


@click.command("check-content")
@with_appcontext
def check_content():
    """Validate checklists/ and policies/ (start-up already refuses bad content)."""
    c = content()
    counts = ", ".join(f"{d} {len(cl.items)}" for d, cl in c.checklists.items())
    click.echo(
        f"content ok: items ({counts}), {len(c.licenses)} licences, {len(c.models)} "
        f"models, policies {', '.join(sorted(c.policies))}; hash {c.hash[:12]}"
    )


@click.command("assess")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--policy", help="Policy id; overrides the input's own.")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write one <name>.result.json per input here instead of printing.",
)
@click.option(
    "--pdf",
    "pdf_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the PDF risk report of a single input here.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    help="Processes that score inputs side by side  [default: the CPU count]",
)
@with_appcontext
def assess(inputs, policy, fmt, out, pdf_out, jobs):
    """Score assessment input files (or folders of *.json) without a server.

    Results and messages come out in input order whatever --jobs is. With more than one input,
    a progress bar and a summary go to stderr unless results are printed to a terminal.
    """
    files = [f for p in inputs for f in (sorted(p.glob("*.json")) if p.is_dir() else [p])]
    if pdf_out and len(files) != 1:
        raise click.UsageError(f"--pdf needs exactly one input file, not {len(files)}")
    if out:
        out.mkdir(parents=True, exist_ok=True)
    if jobs is None:  # starting processes costs more than scoring a few dozen inputs
        jobs = (os.cpu_count() or 1) if len(files) >= PARALLEL_FROM else 1
    jobs = min(jobs, len(files))
    started = time.perf_counter()
    failed = 0
    many = len(files) > 1
    with (
        _outcomes(files, policy, fmt, out, pdf_out, jobs) as outcomes,
        click.progressbar(
            outcomes,
            length=len(files),
            label="Assessing",
            file=sys.stderr,
            hidden=not many or (not out and sys.stdout.isatty()),
            update_min_steps=max(1, len(files) // 200),
        ) as bar,
    ):  # redrawn 200 times at most
        for path, ok, printed, errors in bar:
            for error in errors:
                click.echo(f"{path}: {error}", err=True)
            if printed is not None:
                click.echo(printed)
            failed += not ok
    if many:
        took = time.perf_counter() - started
        click.echo(
            f"Assessed {len(files)} inputs ({failed} refused) in {took:.2f} s: "
            f"{len(files) / took:.0f} per second with {jobs} "
            f"process{'es' if jobs > 1 else ''}.",
            err=True,
        )
    if failed:
        raise SystemExit(1)


PARALLEL_FROM = 32  # inputs; below that, --jobs defaults to 1


@contextmanager
def _outcomes(files: list[Path], policy, fmt, out, pdf_out, jobs: int):
    """(path, ok, text to print or None, error lines) per file, in input order.

    With jobs > 1 a pool of processes scores the files; each process has the app's content
    (inherited when forked, loaded again otherwise) and writes its own --out files.
    """
    if jobs <= 1:
        yield (_assess_one(content(), path, policy, fmt, out, pdf_out) for path in files)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    config = current_app.config
    global _WORKER_CONTENT
    _WORKER_CONTENT = content()  # a forked process inherits it instead of loading it again
    try:
        with context.Pool(
            jobs, _init_worker, (config["CHECKLIST_DIR"], config["POLICY_DIR"])
        ) as pool:
            chunk = max(1, min(64, len(files) // (jobs * 8)))
            yield pool.imap(
                partial(_assess_in_worker, policy=policy, fmt=fmt, out=out), files, chunksize=chunk
            )
    finally:
        _WORKER_CONTENT = None


_WORKER_CONTENT: Content | None = None


def _init_worker(checklist_dir: str, policy_dir: str) -> None:
    global _WORKER_CONTENT
    if _WORKER_CONTENT is None:  # spawned rather than forked
        from ..content import load_content

        _WORKER_CONTENT = load_content(checklist_dir, policy_dir)


def _assess_in_worker(path: Path, policy, fmt, out):
    return _assess_one(_WORKER_CONTENT, path, policy, fmt, out)


def _assess_one(
    content_: Content,
    path: Path,
    policy: str | None,
    fmt: str,
    out: Path | None,
    pdf_out: Path | None = None,
) -> tuple[Path, bool, str | None, list[str]]:
    """Score one file: (path, ok, what to print or None, error lines); write its PDF if asked."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except RecursionError:
        return path, False, None, ["not readable JSON: nested too deeply"]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return path, False, None, [f"not readable JSON: {exc}"]
    if policy and isinstance(body, dict):
        body["policy"] = policy
    try:
        clean, result = assessments.evaluate(content_, body)
    except InputError as exc:
        return path, False, None, [f"{e['field']}: {e['message']}" for e in exc.errors]
    if pdf_out:
        _write_pdf(clean, result, pdf_out)
    if out:
        (out / f"{path.stem}.result.json").write_text(json.dumps(result, indent=2))
        return path, True, None, []
    if fmt == "json":
        return path, True, json.dumps(result, indent=2), []
    return path, True, render_text(clean, result), []


def _write_pdf(clean: dict, result: dict, pdf_out: Path) -> None:
    """The PDF report of an unstored result, dated now (so it differs from run to run)."""
    config = current_app.config
    pdf_out.write_bytes(
        assessments.preview_pdf(content(), clean, result, config["FONT_DIR"], config["PDF_SHAPING"])
    )
    click.echo(f"PDF report written to {pdf_out}", err=True)
