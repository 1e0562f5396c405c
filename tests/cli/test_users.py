"""Account administration from the command line: list, disable, enable, each audited."""

from __future__ import annotations

import pytest

from service.store import audit
from service.store.context import get_db


@pytest.fixture
def runner_app(app, runner):
    return app, runner


def test_disable_stops_sign_in_and_enable_restores_it(runner_app):
    app, runner = runner_app
    made = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "eve@example.com",
            "--role",
            "reviewer",
            "--password",
            "a long enough passphrase",
        ]
    )
    assert made.exit_code == 0, made.output
    client = app.test_client()

    def sign_in():
        page = client.get("/login")
        token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
        return client.post(
            "/login",
            data={
                "email": "eve@example.com",
                "csrf_token": token,
                "password": "a long enough passphrase",
            },
        )

    assert sign_in().status_code == 302
    client.post("/logout", data={})  # any state; the next sign-in must be refused anyway
    off = runner.invoke(args=["users", "disable", "--email", "eve@example.com"])
    assert off.exit_code == 0 and "disabled eve@example.com" in off.output
    assert "disabled" in runner.invoke(args=["users", "list"]).output
    client = app.test_client()
    assert sign_in().status_code != 302
    on = runner.invoke(args=["users", "enable", "--email", "eve@example.com"])
    assert on.exit_code == 0
    client = app.test_client()
    assert sign_in().status_code == 302
    with app.app_context():
        actions = [e["action"] for e in audit.list_audit_events(get_db())]
    assert "user.disable" in actions and "user.enable" in actions


def test_disabling_an_unknown_account_names_it(runner_app):
    _, runner = runner_app
    done = runner.invoke(args=["users", "disable", "--email", "nobody@example.com"])
    assert done.exit_code != 0
    assert "no account for nobody@example.com" in done.output
