"""Durable delivery from the outbox: signed bodies, retries and back-off, final failures, disabling,
redelivery, event filters and the send-time address check, against a real local receiver."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from datetime import datetime, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from standardwebhooks import Webhook as Verifier

from conftest import Factory
from promptforge.core.config import Settings
from promptforge.core.db import utcnow
from promptforge.core.outbox import ProjectEvent
from promptforge.webhooks.attempts import retry_delay
from promptforge.webhooks.models import WebhookDelivery
from promptforge.webhooks.relay import relay_for
from promptforge.webhooks.sender import WebhookSender
from webhook_receiver import (
    Answer,
    Receiver,
    create_prompt,
    create_webhook,
    deliveries,
    hooks_url,
    move_label,
    wait_for_delivery,
)


def _finished(item: dict[str, object]) -> bool:
    return item["status"] in ("succeeded", "failed")


async def test_a_label_move_delivers_label_moved_signed_with_the_documented_body(
    factory: Factory, receiver: Receiver
) -> None:
    owner = await factory.account()
    await create_prompt(owner, "greeting")  # before the webhook: its version event is not delivered
    hook = await create_webhook(owner, receiver.url)
    await move_label(owner, "greeting", "staging", 1)

    [request] = await receiver.wait_for(1)
    assert request.path == "/hook"
    Verifier(hook["secret"]).verify(request.body, request.headers)  # the standardwebhooks package
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == "Prompt-Forge"
    assert request.headers["webhook-signature"].startswith("v1,")
    body = request.json
    assert set(body) == {"id", "type", "created_at", "project_id", "data"}
    assert body["type"] == "label.moved" and body["project_id"] == owner.project_id
    assert body["id"] == request.headers["webhook-id"]
    assert body["data"] == {"prompt": "greeting", "label": "staging", "from_version": None, "to_version": 1}
    datetime.fromisoformat(body["created_at"])
    delivery = await wait_for_delivery(owner, hook["id"], _finished)
    assert delivery["status"] == "succeeded" and delivery["event_id"] == body["id"]
    assert delivery["attempt"] == 1 and delivery["status_code"] == 200
    got = (await owner.client.get(f"{hooks_url(owner)}/{hook['id']}")).json()
    assert got["last_status"] == 200 and got["last_delivery_at"] is not None


async def test_event_filters_star_versus_a_list(factory: Factory, receiver: Receiver) -> None:
    owner = await factory.account()
    everything = await create_webhook(owner, receiver.url + "/all", ["*"])
    versions_only = await create_webhook(owner, receiver.url + "/versions", ["prompt.version.created"])
    await create_prompt(owner, "p")
    await move_label(owner, "p", "staging", 1)
    await wait_for_delivery(
        owner, everything["id"], lambda d: d["event_type"] == "label.moved" and _finished(d)
    )
    await wait_for_delivery(owner, versions_only["id"], _finished)
    received = {(r.path, r.json["type"]) for r in receiver.received}
    assert received == {
        ("/hook/all", "prompt.version.created"),
        ("/hook/all", "label.moved"),
        ("/hook/versions", "prompt.version.created"),
    }
    assert len(receiver.received) == 3


async def test_retries_with_back_off_until_the_receiver_recovers(
    factory: Factory, receiver: Receiver, fast_retries: Settings
) -> None:
    owner = await factory.account()
    await create_prompt(owner, "p")
    hook = await create_webhook(owner, receiver.url)
    receiver.script = [Answer(503, body=b"busy"), Answer(503, body=b"busy"), Answer(200)]
    await move_label(owner, "p")
    delivery = await wait_for_delivery(owner, hook["id"], _finished)
    assert delivery["status"] == "succeeded" and delivery["attempt"] == 3
    first, second, third = receiver.received
    assert first.json["id"] == second.json["id"] == third.json["id"]  # one event, attempted three times
    for request in receiver.received:
        Verifier(hook["secret"]).verify(request.body, request.headers)
    # each wait at least the schedule's base x 2^(attempt-1)
    assert second.at - first.at >= 0.05 and third.at - second.at >= 0.1
    got = (await owner.client.get(f"{hooks_url(owner)}/{hook['id']}")).json()
    assert got["consecutive_failures"] == 0  # a success resets the count


def test_the_default_schedule_spans_about_a_day() -> None:
    settings = Settings()
    waits = [retry_delay(settings, n) for n in range(1, settings.webhook_max_attempts)]
    assert 20 * 3600 <= sum(waits) <= 28 * 3600
    assert all(later > earlier for earlier, later in itertools.pairwise(waits))
    assert retry_delay(settings, 1, retry_after=600) == 600  # a longer Retry-After wins


async def test_retry_after_on_429_is_honoured(
    factory: Factory, receiver: Receiver, fast_retries: Settings
) -> None:
    owner = await factory.account()
    await create_prompt(owner, "p")
    hook = await create_webhook(owner, receiver.url)
    receiver.script = [Answer(429, headers={"Retry-After": "1"}, body=b"slow down")]
    await move_label(owner, "p")
    retrying = await wait_for_delivery(owner, hook["id"], lambda d: d["status"] == "retrying")
    assert retrying["status_code"] == 429 and retrying["response_excerpt"] == "slow down"
    scheduled = datetime.fromisoformat(retrying["next_attempt_at"]) - datetime.fromisoformat(
        retrying["created_at"]
    )
    assert scheduled.total_seconds() >= 1  # Retry-After, not the 0.05 s base
    delivery = await wait_for_delivery(owner, hook["id"], _finished)
    assert delivery["status"] == "succeeded" and delivery["attempt"] == 2
    first, second = receiver.received
    assert second.at - first.at >= 1


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (Answer(400, body=b"bad"), "HTTP 400"),
        (Answer(410), "HTTP 410"),
        (Answer(301, headers={"Location": "http://127.0.0.1:1/elsewhere"}), "redirects are not followed"),
        (Answer(307, headers={"Location": "/hook/same-origin"}), "redirects are not followed"),
    ],
)
async def test_other_4xx_and_redirects_fail_at_once(
    factory: Factory, receiver: Receiver, fast_retries: Settings, answer: Answer, error: str
) -> None:
    owner = await factory.account()
    await create_prompt(owner, "p")
    hook = await create_webhook(owner, receiver.url)
    receiver.script = [answer]
    await move_label(owner, "p")
    delivery = await wait_for_delivery(owner, hook["id"], _finished)
    assert delivery["status"] == "failed" and delivery["attempt"] == 1
    assert error in delivery["error"] and delivery["next_attempt_at"] is None
    assert [r.path for r in receiver.received] == ["/hook"]  # no retry, no redirect followed


async def test_gives_up_after_the_last_attempt(
    factory: Factory, receiver: Receiver, fast_retries: Settings
) -> None:
    owner = await factory.account()
    await create_prompt(owner, "p")
    hook = await create_webhook(owner, receiver.url)
    receiver.default = Answer(500, body=b"boom")
    await move_label(owner, "p")
    delivery = await wait_for_delivery(owner, hook["id"], _finished)
    assert delivery["status"] == "failed" and delivery["attempt"] == 4  # PF_WEBHOOK_MAX_ATTEMPTS here
    assert delivery["status_code"] == 500 and delivery["response_excerpt"] == "boom"
    assert len(receiver.received) == 4


async def test_disabled_after_n_consecutive_failures_and_admins_see_why(
    factory: Factory, receiver: Receiver, fast_retries: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fast_retries, "webhook_disable_after_failures", 3)
    owner = await factory.account()
    await create_prompt(owner, "p")
    hook = await create_webhook(owner, receiver.url)
    receiver.default = Answer(503)
    await move_label(owner, "p")
    for _ in range(400):  # the bound only ends a broken test
        got = (await owner.client.get(f"{hooks_url(owner)}/{hook['id']}")).json()
        if not got["active"]:
            break
        await asyncio.sleep(0.05)
    assert got["active"] is False and got["consecutive_failures"] == 3
    assert got["disabled_reason"] == "Disabled after 3 consecutive failed deliveries; last: HTTP 503"
    assert len(receiver.received) == 3  # nothing more is sent to a disabled webhook
    audit = await owner.client.get(f"/api/v1/workspaces/{owner.workspace_id}/audit-log")
    assert "webhook.disabled" in [event["action"] for event in audit.json()["items"]]

    receiver.default = Answer(200)
    again = await owner.client.patch(f"{hooks_url(owner)}/{hook['id']}", json={"active": True})
    assert again.json()["disabled_reason"] is None and again.json()["consecutive_failures"] == 0
    delivery = await wait_for_delivery(owner, hook["id"], _finished)  # the open retry resumes
    assert delivery["status"] == "succeeded" and delivery["attempt"] == 4


async def test_redeliver_sends_the_same_event_as_a_new_delivery(factory: Factory, receiver: Receiver) -> None:
    owner = await factory.account()
    await create_prompt(owner, "p")
    hook = await create_webhook(owner, receiver.url)
    await move_label(owner, "p")
    first = await wait_for_delivery(owner, hook["id"], _finished)
    response = await owner.client.post(f"{hooks_url(owner)}/{hook['id']}/deliveries/{first['id']}/redeliver")
    assert response.status_code == 202, response.text
    queued = response.json()
    assert queued["id"] != first["id"] and queued["event_id"] == first["event_id"]
    assert queued["status"] == "pending" and queued["attempt"] == 0
    again = await wait_for_delivery(owner, hook["id"], lambda d: d["id"] == queued["id"] and _finished(d))
    assert again["status"] == "succeeded"
    one, two = await receiver.wait_for(2)
    assert one.body == two.body and one.headers["webhook-id"] == two.headers["webhook-id"]
    Verifier(hook["secret"]).verify(two.body, two.headers)
    missing = f"{hooks_url(owner)}/{hook['id']}/deliveries/{hook['id']}/redeliver"
    assert (await owner.client.post(missing)).status_code == 404


async def test_private_address_refused_at_send_time(
    factory: Factory, receiver: Receiver, settings: Settings, monkeypatch: pytest.MonkeyPatch, app: FastAPI
) -> None:
    owner = await factory.account()
    await create_prompt(owner, "p")
    hook = await create_webhook(owner, receiver.url)  # saved while allowed (development policy)
    monkeypatch.setattr(settings, "allow_private_webhook_urls", False)  # production policy from now on
    await move_label(owner, "p")
    delivery = await wait_for_delivery(owner, hook["id"], _finished)
    assert delivery["status"] == "failed" and "loopback" in delivery["error"]
    assert delivery["status_code"] is None
    test = (await owner.client.post(f"{hooks_url(owner)}/{hook['id']}/test")).json()
    assert test["status"] == "failed" and "loopback" in test["error"]
    assert receiver.received == []


async def test_only_events_after_the_webhook_exists_are_delivered(
    factory: Factory, receiver: Receiver
) -> None:
    owner = await factory.account()
    await create_prompt(owner, "old")
    await move_label(owner, "old")
    hook = await create_webhook(owner, receiver.url)
    await create_prompt(owner, "new")
    delivery = await wait_for_delivery(owner, hook["id"], _finished)
    assert delivery["event_type"] == "prompt.version.created"
    assert [r.json["data"]["prompt"] for r in receiver.received] == ["new"]
    assert len(await deliveries(owner, hook["id"])) == 1


async def test_an_attempt_whose_worker_died_is_taken_over_when_its_lease_ends(
    factory: Factory, receiver: Receiver, app: FastAPI
) -> None:
    owner = await factory.account()
    await create_prompt(owner, "p")  # its event exists before the webhook: not fanned out to it
    hook = await create_webhook(owner, receiver.url)
    async with app.state.sessionmaker() as session, session.begin():
        event = await session.scalar(
            select(ProjectEvent).where(ProjectEvent.project_id == uuid.UUID(owner.project_id))
        )
        # what a relay leaves behind when it is killed after claiming attempt 1: a lease ending soon
        session.add(
            WebhookDelivery(
                webhook_id=uuid.UUID(hook["id"]),
                event_pk=event.id,
                event_uid=event.uid,
                event_type=event.type,
                event_created_at=event.created_at,
                status="pending",
                attempt=1,
                next_attempt_at=utcnow() + timedelta(seconds=0.3),
            )
        )
    delivery = await wait_for_delivery(owner, hook["id"], _finished)
    assert delivery["status"] == "succeeded" and delivery["attempt"] == 2
    [request] = receiver.received
    assert request.json["id"] == str(event.uid)


async def test_several_relays_deliver_each_event_once(
    factory: Factory, receiver: Receiver, app: FastAPI, settings: Settings
) -> None:
    """Two more relays next to the app's own, as on three worker machines."""
    resources = app.state.resources
    extra = [relay_for(resources, WebhookSender(settings)) for _ in range(2)]
    for relay in extra:
        relay.start()
    try:
        owner = await factory.account()
        await create_prompt(owner, "p")
        hook = await create_webhook(owner, receiver.url, ["label.moved"])
        for n in range(12):
            await move_label(owner, "p", f"env-{n}")
        await receiver.wait_for(12)
        for _ in range(40):  # settle: a duplicate would arrive within these rounds
            items = await deliveries(owner, hook["id"], limit="100")
            if len(items) == 12 and all(_finished(d) for d in items):
                break
            await asyncio.sleep(0.05)
    finally:
        for relay in extra:
            await relay.stop()
    assert sorted(d["status"] for d in items) == ["succeeded"] * 12
    assert all(d["attempt"] == 1 for d in items)
    ids = [r.json["id"] for r in receiver.received]
    assert len(ids) == len(set(ids)) == 12
