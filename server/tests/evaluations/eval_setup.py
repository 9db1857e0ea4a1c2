"""Setting up evaluations through the API as a user would: a prompt, a dataset, a provider
connection pointed at the local fake LLM server, then `POST .../evaluations` and polling."""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass
from typing import Any

from conftest import Account
from fake_llm import FakeLLM, connect

FINISHED = ("completed", "failed", "cancelled")


@dataclass
class Setup:
    owner: Account
    provider_id: str
    prompt: str
    dataset: str

    @property
    def url(self) -> str:
        return f"/api/v1/projects/{self.owner.project_id}/evaluations"

    def body(self, model: str = "gpt-4o-mini", **fields: Any) -> dict[str, Any]:
        """A valid create body: one variant of the prompt on the fake provider, asserting the echo."""
        return {
            "name": "nightly",
            "dataset": {"name": self.dataset},
            "variants": [
                {
                    "name": "v1",
                    "prompt": {"name": self.prompt},
                    "provider_id": self.provider_id,
                    "model": model,
                }
            ],
            "assertions": [{"type": "icontains", "value": "{{ q }}"}],
            **fields,
        }

    async def create(self, **fields: Any) -> dict[str, Any]:
        response = await self.owner.client.post(self.url, json=self.body(**fields))
        assert response.status_code == 202, response.text
        body: dict[str, Any] = response.json()
        return body

    async def add_items(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        url = f"/api/v1/projects/{self.owner.project_id}/datasets/{self.dataset}/items"
        response = await self.owner.client.post(url, json={"items": items})
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def wait(self, evaluation_id: str, *, timeout: float = 30.0) -> dict[str, Any]:
        """Poll GET until the evaluation has finished."""
        deadline = time.monotonic() + timeout
        while True:
            response = await self.owner.client.get(f"{self.url}/{evaluation_id}")
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            if body["status"] in FINISHED:
                return body
            assert time.monotonic() < deadline, f"still {body['status']}: {body['progress']}"
            await asyncio.sleep(0.05)

    async def wait_done(self, evaluation_id: str, done: int, *, timeout: float = 20.0) -> dict[str, Any]:
        """Poll GET until at least `done` results are written."""
        deadline = time.monotonic() + timeout
        while True:
            body: dict[str, Any] = (await self.owner.client.get(f"{self.url}/{evaluation_id}")).json()
            if body["progress"]["done"] >= done or body["status"] in FINISHED:
                return body
            assert time.monotonic() < deadline, body
            await asyncio.sleep(0.02)


def questions(count: int) -> list[dict[str, Any]]:
    """Items whose question is unique (the fake echoes it, so `icontains {{ q }}` passes)."""
    return [{"input": {"q": f"question-{i}-{secrets.token_hex(2)}"}} for i in range(count)]


async def evaluation_setup(
    owner: Account,
    fake: FakeLLM,
    *,
    items: list[dict[str, Any]] | None = None,
    template: str = "Answer briefly: {{ q }}",
) -> Setup:
    """A text prompt (v1), a dataset holding `items` (default: 3 questions), an OpenAI connection."""
    project = f"/api/v1/projects/{owner.project_id}"
    prompt = f"p-{secrets.token_hex(3)}"
    created = await owner.client.post(
        f"{project}/prompts", json={"name": prompt, "kind": "text", "template": template}
    )
    assert created.status_code == 201, created.text
    dataset = f"ds-{secrets.token_hex(3)}"
    made = await owner.client.post(f"{project}/datasets", json={"name": dataset})
    assert made.status_code == 201, made.text
    provider = await connect(owner, "openai", fake)
    setup = Setup(owner, provider["id"], prompt, dataset)
    await setup.add_items(questions(3) if items is None else items)
    return setup
