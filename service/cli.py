"""Command-line entry points: `flask --app wsgi <command>`. They call application functions."""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from . import assessments
from .content.model import Content


def content() -> Content:
    return current_app.extensions["modelrisk.content"]


def register(app: Flask) -> None:
    app.cli.add_command(check_content)
    app.cli.add_command(assess)
    app.cli.add_command(keys_cli)
    app.cli.add_command(crosswalk_command)
    app.cli.add_command(idempotency_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(audit_cli)


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
        from .content import load_content

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
    except assessments.InputError as exc:
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
    from . import report

    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    pdf_out.write_bytes(report.pdf_for(report.unstored(clean, result, now), content()))
    click.echo(f"PDF report written to {pdf_out}", err=True)


def render_text(body: dict, result: dict) -> str:
    """A plain-text explanation of a result: verdict, domains, blockers, every finding's points."""
    lines = [
        f"{body['title']}",
        f"Overall {result['overall']['score']:.2f} ({result['overall']['rating']}) -> "
        f"{result['decision']}   policy {result['policy']['id']} "
        f"{result['policy']['version']}",
        "",
    ]
    for name, d in result["domains"].items():
        lines.append(
            f"  {name:<12} {d['score']:6.2f}  {d['rating']:<8} answered "
            f"{d['answered']}/{d['applicable']}"
        )
    for b in result["blockers"]:
        lines.append(
            f"BLOCKER {b['item']}: {b['reason']}" + (f" [{b['fact']}]" if b.get("fact") else "")
        )
    lines.append("")
    lines.append("Findings (points within domain, overall points):")
    row = "  %-7s %6.2f %6.2f %-8s %s"  # %-formatting: measurably faster per finding
    lines += [
        row % (f["item"], f["points"], f["overall_points"], f["severity"], f["reason"])  # noqa: UP031
        for f in result["findings"]
    ]
    if result["conditions"]:
        lines.append("")
        lines.append("Conditions:")
        lines.extend(f"  - [{c['item']}] {c['text']}" for c in result["conditions"])
    return "\n".join(lines)


@click.group("users", cls=AppGroup)
def users_cli():
    """Local accounts for the web pages."""


@users_cli.command("create")
@click.option("--email", required=True, help="The account's e-mail address (its login).")
@click.option("--role", required=True, type=click.Choice(["submitter", "reviewer", "admin"]))
@click.option("--name", help="Display name; defaults to the e-mail address.")
@click.option("--password", help="Initial password; a one-time password is generated if omitted.")
def users_create(email, role, name, password):
    """Create an account; it must choose its own password at first sign-in."""
    from . import auth
    from .db import get_db
    from .store.users import DuplicateUser

    if password and auth.password_problem(password, email):
        raise click.UsageError(auth.password_problem(password, email))
    try:
        user, secret = auth.create_account(
            get_db(), email, role, auth.system_actor(), name, password
        )
    except DuplicateUser:
        raise click.ClickException(f"an account for {email} already exists") from None
    click.echo(f"created {user['role']} {user['email']} (id {user['id']})")
    if not password:
        click.echo(f"one-time password: {secret}")


@users_cli.command("bootstrap")
def users_bootstrap():
    """On a database without accounts, create admin@localhost and print its one-time password."""
    from . import auth
    from .db import get_db
    from .store.users import count_users

    db = get_db()
    if count_users(db):
        click.echo("users bootstrap: accounts exist already; nothing to do")
        return
    user, secret = auth.create_account(
        db, "admin@localhost", "admin", auth.system_actor(), "Administrator"
    )
    rule = "=" * 64
    click.echo(
        f"\n{rule}\n  First administrator created\n    e-mail:             "
        f"{user['email']}\n    one-time password:  {secret}\n  Sign in and choose a "
        f"new password. This is shown only once.\n{rule}\n"
    )


@click.group("audit", cls=AppGroup)
def audit_cli():
    """The tamper-evident audit trail."""


@audit_cli.command("verify")
def audit_verify():
    """Walk the hash chain; name the first broken event and exit 1 if there is one."""
    from .db import get_db
    from .store.audit import verify_audit_chain

    ok, _count, message = verify_audit_chain(get_db())
    if not ok:
        click.echo(f"audit chain BROKEN: {message}", err=True)
        raise SystemExit(1)
    click.echo(message)


@click.group("keys", cls=AppGroup)
def keys_cli():
    """API keys for procurement tools and scripts."""


@keys_cli.command("create")
@click.option("--name", required=True, help="Who or what uses the key, e.g. servicenow-prod.")
@click.option(
    "--scopes",
    required=True,
    help="Comma-separated: assessments:read, assessments:write, reviews:write, admin.",
)
def keys_create(name, scopes):
    """Create a key and print it, once, alone on the last line."""
    from . import apikeys
    from .db import get_db

    try:
        key, record = apikeys.create(get_db(), name, scopes.split(","), _cli_actor())
    except apikeys.ApiKeyError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(
        f"created key {record['id']} {record['prefix']} ({record['name']}) with scopes "
        f"{', '.join(record['scopes'])}; it is shown only now:"
    )
    click.echo(key)


@keys_cli.command("list")
def keys_list():
    """List keys: id, prefix, name, scopes, created, last used, revoked (never the secret)."""
    from . import apikeys
    from .db import get_db

    for k in apikeys.list_keys(get_db()):
        state = f"revoked {k['revoked_at']}" if k["revoked_at"] else "active"
        click.echo(
            f"{k['id']:>4}  {k['prefix']}  {k['name']}  [{','.join(k['scopes'])}]  "
            f"created {k['created_at']}  last used {k['last_used_at'] or 'never'}  {state}"
        )


@keys_cli.command("revoke")
@click.argument("key_id", type=int)
def keys_revoke(key_id):
    """Revoke a key by its id (see `keys list`); it stops working at once."""
    from . import apikeys
    from .db import get_db

    try:
        record = apikeys.revoke(get_db(), key_id, _cli_actor())
    except apikeys.ApiKeyError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"revoked key {record['id']} {record['prefix']} ({record['name']}) at "
        f"{record['revoked_at']}"
    )


def _cli_actor() -> dict:
    return {"kind": "system", "id": "cli", "name": "flask cli"}


@click.command("crosswalk")
@click.option("--framework", help="Only this framework key, e.g. OWASP-LLM-2025.")
@with_appcontext
def crosswalk_command(framework):
    """Print, per framework identifier, the checklist items that cite it."""
    from . import catalogue

    try:
        frameworks = catalogue.crosswalk(content(), framework)
    except catalogue.UnknownEntry as exc:
        raise click.UsageError(str(exc)) from None
    for fw in frameworks:
        click.echo(f"{fw['framework']}  {fw['name']}")
        for ref in fw["references"]:
            items = ", ".join(i["item"] for i in ref["items"])
            click.echo(f"  {ref['id']:<24} {items}")


@click.group("idempotency", cls=AppGroup)
def idempotency_cli():
    """Idempotency-Key records of the API."""


@idempotency_cli.command("purge")
@click.option("--hours", type=int, help="Keep records this recent (default IDEMPOTENCY_TTL_HOURS).")
def idempotency_purge(hours):
    """Delete Idempotency-Key records older than the retention period."""
    from datetime import UTC, datetime, timedelta

    from .db import get_db
    from .store import idempotency

    hours = hours if hours is not None else current_app.config["IDEMPOTENCY_TTL_HOURS"]
    cutoff = (datetime.now(UTC) - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    click.echo(
        f"purged {idempotency.purge(get_db(), cutoff)} idempotency records older than {hours} hours"
    )
