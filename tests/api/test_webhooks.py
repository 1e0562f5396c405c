"""/api/v1/webhooks (admin): add, list, remove, the delivery log; refusals name the field."""

from __future__ import annotations

import pytest

from tests.support.apps import ApiClient

HOOK = {"url": "https://hooks.example.com/in", "events": ["assessment.submitted"]}


@pytest.fixture
def admin(client, make_key):
    return ApiClient(client, make_key("admin"))


def test_add_list_log_and_remove(admin, api):
    created = admin.post("/api/v1/webhooks", json=HOOK)
    assert created.status_code == 201
    endpoint = created.get_json()
    assert endpoint["secret"].startswith("whsec_") and endpoint["events"] == HOOK["events"]
    listed = admin.get("/api/v1/webhooks").get_json()["items"]
    assert [e["id"] for e in listed] == [endpoint["id"]]
    assert "secret" not in listed[0]
    api.submitted()
    log = admin.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries").get_json()
    assert [e["event_type"] for e in log["events"]] == ["assessment.submitted"]
    assert log["events"][0]["status"] == "pending" and log["attempts"] == []
    deleted = admin.client.delete(f"/api/v1/webhooks/{endpoint['id']}", headers=admin.headers())
    assert deleted.status_code == 204
    assert admin.get("/api/v1/webhooks").get_json()["items"] == []
    again = admin.client.delete(f"/api/v1/webhooks/{endpoint['id']}", headers=admin.headers())
    assert again.status_code == 404


@pytest.mark.parametrize(
    "body,field",
    [
        ({**HOOK, "url": "http://hooks.example.com/"}, "url"),
        ({**HOOK, "url": "https://169.254.169.254/latest"}, "url"),
        ({**HOOK, "events": ["assessment.deleted"]}, "events.0"),
        ({**HOOK, "events": []}, "events"),
        ({"events": HOOK["events"]}, "url"),
    ],
)
def test_bad_endpoints_are_422_naming_the_field(admin, body, field):
    response = admin.post("/api/v1/webhooks", json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == field


def test_only_admin_keys_manage_webhooks(api):
    assert api.get("/api/v1/webhooks").status_code == 403
    assert api.post("/api/v1/webhooks", json=HOOK).status_code == 403


@pytest.mark.parametrize("endpoint", ["abc", "0", "99999999999999999999999", "1e3", "٣"])
def test_ids_that_name_no_endpoint_are_404(admin, endpoint):
    assert admin.get(f"/api/v1/webhooks/{endpoint}/deliveries").status_code == 404
    response = admin.client.delete(f"/api/v1/webhooks/{endpoint}", headers=admin.headers())
    assert response.status_code == 404
