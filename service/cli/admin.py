"""Administration commands: the database (migrate, backup), accounts, API keys, the audit chain,
the crosswalk."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from ..application import ApplicationError, InputError, accounts, catalogue, keys, maintenance
from ..store.context import get_db


def refused(exc: ApplicationError) -> click.ClickException:
    """An application's refusal as the command's error: one line per field at fault."""
    if isinstance(exc, InputError):
        return click.UsageError("; ".join(f"{e['field']}: {e['message']}" for e in exc.errors))
    return click.ClickException(exc.message)


@click.group("db", cls=AppGroup)
def db_cli():
    """Database commands."""


@db_cli.command("migrate")
def db_migrate():
    """Create the database or bring its schema up to date."""
    path = current_app.config["DATABASE"]
    applied = maintenance.migrate(path, current_app.config["AUDIT_KEY"])
    click.echo(f"{path}: " + (f"applied {', '.join(applied)}" if applied else "up to date"))


@db_cli.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
def db_backup(target):
    """Copy the database to TARGET (a new file) while the service runs, and check the copy."""
    try:
        made = maintenance.backup(current_app.config["DATABASE"], target)
    except ApplicationError as exc:
        raise refused(exc) from None
    click.echo(
        f"{made['target']}: {made['pages']:,} pages, {made['bytes']:,} bytes, "
        f"integrity_check {made['integrity']}"
    )


@click.group("users", cls=AppGroup)
def users_cli():
    """Local accounts for the web pages."""


@users_cli.command("create")
@click.option("--email", required=True, help="The account's e-mail address (its login).")
@click.option("--role", required=True, type=click.Choice(accounts.ROLES))
@click.option("--name", help="Display name; defaults to the e-mail address.")
@click.option("--password", help="Initial password; a one-time password is generated if omitted.")
def users_create(email, role, name, password):
    """Create an account; it must choose its own password at first sign-in."""
    try:
        user, secret = accounts.create_account(
            get_db(), email, role, accounts.system_actor(), name, password
        )
    except ApplicationError as exc:
        raise refused(exc) from None
    click.echo(f"created {user['role']} {user['email']} (id {user['id']})")
    if not password:
        click.echo(f"one-time password: {secret}")


@users_cli.command("list")
def users_list():
    """Every account: id, e-mail, role, and whether it is disabled."""
    for user in accounts.list_users(get_db()):
        state = "disabled" if user["disabled"] else "active"
        click.echo(f"{user['id']:>4}  {user['email']:<40} {user['role']:<10} {state}")


@users_cli.command("disable")
@click.option("--email", required=True, help="The account to disable.")
def users_disable(email):
    """Disable an account: it can no longer sign in, and its open sessions end."""
    _set_disabled(email, True)


@users_cli.command("enable")
@click.option("--email", required=True, help="The account to re-enable.")
def users_enable(email):
    """Re-enable a disabled account."""
    _set_disabled(email, False)


@users_cli.command("reset-password")
@click.option("--email", required=True, help="The account that needs a new password.")
def users_reset_password(email):
    """Give an account a new one-time password (24 hours) and end its sessions."""
    try:
        user, secret = accounts.reset_password(get_db(), email, accounts.system_actor())
    except ApplicationError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"reset the password of {user['email']} (id {user['id']})")
    click.echo(f"one-time password: {secret}")


def _set_disabled(email: str, disabled: bool) -> None:
    try:
        user = accounts.set_disabled(get_db(), email, disabled, accounts.system_actor())
    except ApplicationError:
        raise click.ClickException(f"no account for {email}") from None
    click.echo(f"{'disabled' if disabled else 'enabled'} {user['email']} (id {user['id']})")


@users_cli.command("bootstrap")
def users_bootstrap():
    """On a database without accounts, create admin@localhost and print its one-time password."""
    made = accounts.bootstrap(get_db())
    if made is None:
        click.echo("users bootstrap: accounts exist already; nothing to do")
        return
    user, secret = made
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
@click.option("--head", help="A head printed by `audit head` earlier (SEQ:HASH) that must be in.")
def audit_verify(head):
    """Check the chain's HMACs and links and every audited row; exit 1 naming what is wrong."""
    try:
        result = maintenance.verify_audit(get_db(), head)
    except ApplicationError as exc:
        raise refused(exc) from None
    if not result.ok:
        click.echo(f"audit chain BROKEN: {result.message()}", err=True)
        raise SystemExit(1)
    click.echo(result.message())


@audit_cli.command("head")
def audit_head():
    """Print the chain's head as SEQ:HASH, to keep somewhere the database's writers cannot."""
    head = maintenance.audit_head(get_db())
    if head is None:
        raise click.ClickException("the audit chain has no events yet")
    click.echo(head)


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
@click.option(
    "--owner",
    help="E-mail of the account the key acts for; without it the key is a service key, "
    "which cannot review.",
)
def keys_create(name, scopes, owner):
    """Create a key and print it, once, alone on the last line."""
    try:
        key, record = keys.create(
            get_db(), name, scopes.split(","), accounts.system_actor(), owner=owner
        )
    except ApplicationError as exc:
        raise refused(exc) from None
    who = f"owned by {record['owner_email']}" if record["owner_email"] else "a service key"
    click.echo(
        f"created key {record['id']} {record['prefix']} ({record['name']}, {who}) with scopes "
        f"{', '.join(record['scopes'])}; it is shown only now:"
    )
    click.echo(key)


@keys_cli.command("list")
def keys_list():
    """List keys: id, prefix, name, scopes, created, last used, revoked (never the secret)."""
    for k in keys.list_keys(get_db()):
        state = f"revoked {k['revoked_at']}" if k["revoked_at"] else "active"
        owner = f"owner {k['owner_email']}" if k["owner_email"] else "service key"
        click.echo(
            f"{k['id']:>4}  {k['prefix']}  {k['name']}  [{','.join(k['scopes'])}]  {owner}  "
            f"created {k['created_at']}  last used {k['last_used_at'] or 'never'}  {state}"
        )


@keys_cli.command("revoke")
@click.argument("key_id", type=int)
def keys_revoke(key_id):
    """Revoke a key by its id (see `keys list`); it stops working at once."""
    try:
        record = keys.revoke(get_db(), key_id, accounts.system_actor())
    except ApplicationError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(
        f"revoked key {record['id']} {record['prefix']} ({record['name']}) at "
        f"{record['revoked_at']}"
    )


@click.command("crosswalk")
@click.option("--framework", help="Only this framework key, e.g. OWASP-LLM-2025.")
@with_appcontext
def crosswalk_command(framework):
    """Print, per framework identifier, the checklist items that cite it."""
    try:
        frameworks = catalogue.crosswalk(current_app.extensions["modelrisk.content"], framework)
    except InputError as exc:
        raise click.UsageError(exc.errors[0]["message"]) from None
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
    hours = hours if hours is not None else current_app.config["IDEMPOTENCY_TTL_HOURS"]
    purged = maintenance.purge_idempotency(get_db(), hours)
    click.echo(f"purged {purged} idempotency records older than {hours} hours")


COMMANDS = (db_cli, users_cli, keys_cli, audit_cli, crosswalk_command, idempotency_cli)
