"""Probes: /livez answers while the process runs; /readyz also needs the store and content."""

from __future__ import annotations

from service.web import health


def test_livez_and_readyz_need_no_key(client):
    assert client.get("/livez").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["store"] == "ok" and ready.get_json()["content"]


def test_readyz_fails_when_the_store_is_unreachable(make_app, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    app = make_app(DATABASE=str(blocker / "db.sqlite3"))
    with app.test_request_context("/readyz"):
        response, status = health.readyz()
    assert status == 503
    assert response.get_json()["status"] == "unavailable"
    assert response.get_json()["store"] == "unreachable"
