"""Issue 12, reproduction 7: sessions and sign-in as users expect.

Logout and a new password end sessions for every copy of the cookie; sessions end after idle
time and a lifetime; failed passwords cost a growing delay, never a lock-out, counted per
account and per client (the client as the trusted proxies report it); the change-password form
counts as a sign-in; one-time passwords expire.
"""

from __future__ import annotations

import re

import time_machine

from service.application import throttle
from tests.support.apps import PASSWORD, add_user, login, token

START = "2027-06-01T08:00:00Z"


def signed_in(client) -> bool:
    return client.get("/dashboard").status_code == 200


def copy_of(app, client):
    """Another client holding a copy of `client`'s session cookie (a stolen cookie)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_logout_ends_the_session_for_every_copy_of_the_cookie(web):
    client = web.client("a@example.com")
    thief = copy_of(web.app, client)
    assert signed_in(thief)
    client.post("/logout", data={"csrf_token": token(client, "/dashboard")})
    assert not signed_in(client)
    assert not signed_in(thief)


def test_a_new_password_ends_every_other_session(web):
    client = web.client("a@example.com")
    elsewhere = web.app.test_client()
    login(elsewhere, "a@example.com")
    thief = copy_of(web.app, client)
    changed = client.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "new": "a brand new passphrase",
            "confirm": "a brand new passphrase",
            "csrf_token": token(client, "/account/password"),
        },
    )
    assert changed.status_code == 302
    assert signed_in(client)  # the session that changed it starts afresh
    assert not signed_in(elsewhere) and not signed_in(thief)


def test_a_session_ends_after_the_idle_time(web):
    with time_machine.travel(START, tick=False) as traveller:
        client = web.client("a@example.com")
        traveller.shift(29 * 60)
        assert signed_in(client)  # used again: the idle time starts over
        traveller.shift(29 * 60)
        assert signed_in(client)
        traveller.shift(31 * 60)
        assert not signed_in(client)


def test_the_idle_time_is_a_setting(make_app):
    app = make_app(SESSION_IDLE_MINUTES=5)
    add_user(app, "a@example.com", "submitter")
    with time_machine.travel(START, tick=False) as traveller:
        client = app.test_client()
        login(client, "a@example.com")
        traveller.shift(6 * 60)
        assert not signed_in(client)


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(web):
    with time_machine.travel(START, tick=False) as traveller:
        client = web.client("a@example.com")
        for _ in range(35):  # active every 20 minutes for 11 h 40 min
            traveller.shift(20 * 60)
            assert signed_in(client)
        traveller.shift(20 * 60 + 1)
        assert not signed_in(client)


def test_a_disabled_account_loses_its_sessions(web):
    client = web.client("a@example.com")
    runner = web.app.test_cli_runner()
    assert runner.invoke(args=["users", "disable", "--email", "a@example.com"]).exit_code == 0
    assert not signed_in(client)


def attempt(client, email, password, **headers):
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token(client)},
        headers=headers,
    )


def test_wrong_passwords_slow_the_account_down_but_never_lock_out_its_owner(make_app):
    app = make_app(TRUSTED_PROXIES=1)
    add_user(app, "a@example.com", "submitter")
    with time_machine.travel(START, tick=False) as traveller:
        attacker, owner = app.test_client(), app.test_client()
        waits = []
        for n in range(40):  # a patient attacker from ever new addresses, as soon as allowed
            address = {"X-Forwarded-For": f"198.51.100.{n}"}
            response = attempt(attacker, "a@example.com", "guess", **address)
            while response.status_code == 429:
                wait = int(response.headers["Retry-After"])
                waits.append(wait)
                traveller.shift(wait)
                response = attempt(attacker, "a@example.com", "guess", **address)
            assert response.status_code == 401
        assert max(waits) == throttle.ACCOUNT.cap and waits == sorted(waits)
        # The owner, right after the attacker's last guess, waits at most the cap.
        home = {"X-Forwarded-For": "192.0.2.10"}
        refused = attempt(owner, "a@example.com", PASSWORD, **home)
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) <= throttle.ACCOUNT.cap
        traveller.shift(int(refused.headers["Retry-After"]))
        assert attempt(owner, "a@example.com", PASSWORD, **home).status_code == 302
        fresh = {"X-Forwarded-For": "198.51.100.200"}  # the count started afresh
        assert attempt(attacker, "a@example.com", "guess", **fresh).status_code == 401


def test_a_client_behind_a_trusted_proxy_is_throttled_alone(make_app):
    app = make_app(TRUSTED_PROXIES=1)
    add_user(app, "b@example.com", "submitter")
    with time_machine.travel(START, tick=False):
        noisy = {"X-Forwarded-For": "203.0.113.7"}
        client = app.test_client()
        for n in range(throttle.CLIENT.free):
            assert attempt(client, f"user{n}@example.com", "guess", **noisy).status_code == 401
        assert attempt(client, "b@example.com", PASSWORD, **noisy).status_code == 429
        colleague = {"X-Forwarded-For": "203.0.113.8"}  # behind the same proxy
        assert attempt(app.test_client(), "b@example.com", PASSWORD, **colleague).status_code == 302


def test_without_trusted_proxies_forwarded_headers_are_ignored(make_app):
    app = make_app()
    with time_machine.travel(START, tick=False):
        client = app.test_client()
        for n in range(throttle.CLIENT.free):
            forged = {"X-Forwarded-For": f"198.51.100.{n}"}  # a new address every time
            assert attempt(client, f"user{n}@example.com", "guess", **forged).status_code == 401
        assert attempt(client, "x@example.com", "guess").status_code == 429


def test_behind_a_trusted_proxy_https_brings_hsts_and_the_secure_cookie(make_app):
    app = make_app(TRUSTED_PROXIES=1)
    add_user(app, "a@example.com", "submitter")
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "risk.example.com"}
    client = app.test_client()
    page = client.get("/login", headers=https)
    assert "max-age=" in page.headers["Strict-Transport-Security"]
    data = {"email": "a@example.com", "password": PASSWORD, "csrf_token": token(client)}
    cookie = client.post("/login", data=data, headers=https).headers["Set-Cookie"]
    assert "Secure" in cookie
    spoofed = make_app().test_client().get("/login", headers=https)  # no proxy trusted
    assert "Strict-Transport-Security" not in spoofed.headers


def test_the_change_password_form_is_no_password_oracle(web):
    with time_machine.travel(START, tick=False):
        client = web.client("a@example.com")
        for _ in range(throttle.ACCOUNT.free):
            response = client.post(
                "/account/password",
                data={
                    "current": "a guess",
                    "new": "a brand new passphrase",
                    "confirm": "a brand new passphrase",
                    "csrf_token": token(client, "/account/password"),
                },
            )
            assert response.status_code == 422
        right = client.post(
            "/account/password",
            data={
                "current": PASSWORD,
                "new": "a brand new passphrase",
                "confirm": "a brand new passphrase",
                "csrf_token": token(client, "/account/password"),
            },
        )
        assert right.status_code == 429  # the guesses counted: even the right one waits
        assert attempt(web.app.test_client(), "a@example.com", PASSWORD).status_code == 429


def test_one_time_passwords_expire_after_24_hours(web):
    with time_machine.travel(START, tick=False) as traveller:
        admin = web.client("admin@example.com", "admin")
        created = admin.post(
            "/admin/users",
            data={
                "email": "new@example.com",
                "role": "reviewer",
                "csrf_token": token(admin, "/admin/users"),
            },
        )
        password = re.search(r'class="otp mono">([^<]+)<', created.get_data(as_text=True))[1]
        traveller.shift(24 * 3600 + 1)
        expired = attempt(web.app.test_client(), "new@example.com", password)
        assert expired.status_code == 401 and "expired" in expired.get_data(as_text=True)
        reset = web.app.test_cli_runner().invoke(
            args=["users", "reset-password", "--email", "new@example.com"]
        )
        fresh = re.search(r"one-time password: (\S+)", reset.output)[1]
        response = attempt(web.app.test_client(), "new@example.com", fresh)
        assert response.headers["Location"].endswith("/account/password")


def test_a_password_reset_ends_the_accounts_sessions(web):
    client = web.client("a@example.com")
    runner = web.app.test_cli_runner()
    result = runner.invoke(args=["users", "reset-password", "--email", "a@example.com"])
    assert result.exit_code == 0 and "one-time password" in result.output
    assert not signed_in(client)


def test_a_quiet_quarter_of_an_hour_starts_the_count_afresh(web):
    add_user(web.app, "a@example.com", "submitter")
    with time_machine.travel(START, tick=False) as traveller:
        client = web.app.test_client()
        for _ in range(throttle.ACCOUNT.free):
            assert attempt(client, "a@example.com", "guess").status_code == 401
        assert attempt(client, "a@example.com", "guess").status_code == 429
        traveller.shift(16 * 60)
        for _ in range(throttle.ACCOUNT.free):
            assert attempt(client, "a@example.com", "guess").status_code == 401
