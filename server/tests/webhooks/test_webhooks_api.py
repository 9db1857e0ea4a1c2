"""Managing webhooks as an admin: validation, secrets shown once, limits, URL checks, tenants, test sends."""

from __future__ import annotations

import base64

import pytest
from standardwebhooks import Webhook as Verifier
from standardwebhooks import WebhookVerificationError

from conftest import Factory
from promptforge.core.config import Settings
from webhook_receiver import Answer, Receiver, create_webhook, deliveries, hooks_url


async def test_create_shows_the_secret_once_and_never_again(factory: Factory, receiver: Receiver) -> None:
    owner = await factory.account()
    response = await owner.client.post(
        hooks_url(owner),
        json={"url": receiver.url, "events": ["label.moved"], "description": "CI"},
    )
    assert response.status_code == 201, response.text
    created = response.json()
    secret = created["secret"]
    assert secret.startswith("whsec_") and len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert created["active"] is True and created["events"] == ["label.moved"]
    assert created["disabled_reason"] is None and created["consecutive_failures"] == 0
    assert created["last_delivery_at"] is None and created["last_status"] is None

    got = await owner.client.get(f"{hooks_url(owner)}/{created['id']}")
    listed = await owner.client.get(hooks_url(owner))
    assert "secret" not in got.json()
    assert [item["id"] for item in listed.json()["items"]] == [created["id"]]
    assert "secret" not in listed.json()["items"][0]
    assert secret not in got.text + listed.text


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"events": ["label.moved", "nope"]}, ["body", "events", 1]),
        ({"events": []}, ["body", "events"]),
        ({"events": ["*", "label.moved"]}, ["body", "events"]),
        ({"events": ["label.moved"] * 21}, ["body", "events"]),
        ({"url": "ftp://example.com/x"}, ["body", "url"]),
        ({"url": "https://user:pw@example.com/x"}, ["body", "url"]),
        ({"url": "https://example.com/" + "a" * 2048}, ["body", "url"]),
        ({"description": "d" * 501}, ["body", "description"]),
    ],
)
async def test_invalid_input_is_422_naming_the_field(
    factory: Factory, body: dict[str, object], loc: list[object]
) -> None:
    owner = await factory.account()
    payload = {"url": "https://example.com/hook", "events": ["*"], **body}
    response = await owner.client.post(hooks_url(owner), json=payload)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert loc in [error["loc"][: len(loc)] for error in response.json()["errors"]]


async def test_at_most_20_webhooks_per_project(factory: Factory, receiver: Receiver) -> None:
    owner = await factory.account()
    for _ in range(20):
        await create_webhook(owner, receiver.url)
    response = await owner.client.post(hooks_url(owner), json={"url": receiver.url, "events": ["*"]})
    assert response.status_code == 409
    assert response.json()["code"] == "webhook_limit_reached"


async def test_private_address_refused_at_save_in_production_policy(
    factory: Factory, settings: Settings, monkeypatch: pytest.MonkeyPatch, receiver: Receiver
) -> None:
    monkeypatch.setattr(settings, "allow_private_webhook_urls", False)
    owner = await factory.account()
    for url in (receiver.url, "http://169.254.169.254/latest/meta-data", "http://10.0.0.8/hook"):
        response = await owner.client.post(hooks_url(owner), json={"url": url, "events": ["*"]})
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "webhook_url_forbidden"
        assert response.json()["errors"][0]["loc"] == ["body", "url"]
    monkeypatch.setattr(settings, "webhook_allowed_hosts", "127.0.0.1")
    assert (
        await owner.client.post(hooks_url(owner), json={"url": receiver.url, "events": ["*"]})
    ).status_code == 201


async def test_update_and_reactivation_clear_the_disabled_state(factory: Factory, receiver: Receiver) -> None:
    owner = await factory.account()
    hook = await create_webhook(owner, receiver.url)
    url = f"{hooks_url(owner)}/{hook['id']}"
    off = await owner.client.patch(url, json={"active": False, "events": ["label.moved", "label.removed"]})
    assert off.status_code == 200, off.text
    assert off.json()["active"] is False and off.json()["events"] == ["label.moved", "label.removed"]
    on = await owner.client.patch(url, json={"active": True})
    assert on.json()["active"] is True and on.json()["disabled_reason"] is None
    assert on.json()["consecutive_failures"] == 0
    assert (await owner.client.patch(url, json={"url": None})).status_code == 422
    assert (await owner.client.delete(url)).status_code == 204
    assert (await owner.client.get(url)).status_code == 404


async def test_another_tenant_gets_404_everywhere(factory: Factory, receiver: Receiver) -> None:
    owner, other = await factory.account(), await factory.account()
    hook = await create_webhook(owner, receiver.url)
    test = await owner.client.post(f"{hooks_url(owner)}/{hook['id']}/test")
    delivery_id = test.json()["id"]
    # the outsider, in the owner's project
    base = f"{hooks_url(owner)}/{hook['id']}"
    for method, path in [
        ("GET", hooks_url(owner)),
        ("GET", base),
        ("PATCH", base),
        ("DELETE", base),
        ("POST", f"{base}/rotate-secret"),
        ("POST", f"{base}/test"),
        ("GET", f"{base}/deliveries"),
        ("POST", f"{base}/deliveries/{delivery_id}/redeliver"),
    ]:
        response = await other.client.request(method, path, json={} if method == "PATCH" else None)
        assert response.status_code == 404, (method, path, response.text)
    # the outsider's own project, with the owner's webhook id: not found either
    theirs = f"{hooks_url(other)}/{hook['id']}"
    assert (await other.client.get(theirs)).status_code == 404
    assert (await other.client.get(f"{theirs}/deliveries")).status_code == 404
    assert (await other.client.post(f"{theirs}/deliveries/{delivery_id}/redeliver")).status_code == 404
    assert len(receiver.received) == 1  # only the owner's test


async def test_test_endpoint_sends_now_and_returns_the_outcome(factory: Factory, receiver: Receiver) -> None:
    owner = await factory.account()
    hook = await create_webhook(owner, receiver.url, ["label.moved"])
    receiver.script = [Answer(200, body=b"thanks " + b"x" * 3000)]
    response = await owner.client.post(f"{hooks_url(owner)}/{hook['id']}/test")
    assert response.status_code == 200, response.text
    delivery = response.json()
    assert delivery["status"] == "succeeded" and delivery["attempt"] == 1
    assert delivery["event_type"] == "webhook.test" and delivery["status_code"] == 200
    assert delivery["response_excerpt"].startswith("thanks ") and len(delivery["response_excerpt"]) == 1024
    assert delivery["duration_ms"] is not None and delivery["delivered_at"] is not None
    [request] = receiver.received
    Verifier(hook["secret"]).verify(request.body, request.headers)
    assert request.json["type"] == "webhook.test" and request.json["id"] == delivery["event_id"]
    assert request.json["project_id"] == owner.project_id

    receiver.script = [Answer(503, body=b"down")]
    failed = (await owner.client.post(f"{hooks_url(owner)}/{hook['id']}/test")).json()
    assert failed["status"] == "failed" and failed["status_code"] == 503 and failed["error"] == "HTTP 503"
    assert failed["next_attempt_at"] is None  # a test is not retried
    assert [d["id"] for d in await deliveries(owner, hook["id"])] == [failed["id"], delivery["id"]]
    assert [d["id"] for d in await deliveries(owner, hook["id"], status="failed")] == [failed["id"]]
    # the card shows the test as the last delivery; a failed test does not count towards disabling
    shown = (await owner.client.get(f"{hooks_url(owner)}/{hook['id']}")).json()
    assert shown["last_status"] == 503 and shown["last_delivery_at"] is not None
    assert shown["consecutive_failures"] == 0 and shown["active"] is True


async def test_rotate_secret_old_secret_no_longer_verifies(factory: Factory, receiver: Receiver) -> None:
    owner = await factory.account()
    hook = await create_webhook(owner, receiver.url)
    rotated = await owner.client.post(f"{hooks_url(owner)}/{hook['id']}/rotate-secret")
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["secret"]
    assert new_secret != hook["secret"] and new_secret.startswith("whsec_")
    await owner.client.post(f"{hooks_url(owner)}/{hook['id']}/test")
    [request] = receiver.received
    Verifier(new_secret).verify(request.body, request.headers)
    with pytest.raises(WebhookVerificationError):
        Verifier(hook["secret"]).verify(request.body, request.headers)
