"""A project ready to call the gateway (served by conftest's `live_server_url`): an editor key, a
provider connection at the fake LLM, a chat prompt; and the OpenAI SDK pointed at the gateway."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import openai

from conftest import Account, Factory
from fake_llm import FakeLLM, connect

SUPPORT_TEMPLATE = [
    {"role": "system", "content": "You help {{ company }}'s customers."},
    {"role": "user", "content": "Question: {{ question }}"},
]
VARIABLES = {"company": "Acme", "question": "Where is my order?"}


@dataclass
class Project:
    owner: Account
    key: str
    sdk: openai.AsyncOpenAI
    provider: dict[str, Any]

    async def prompt(self, name: str, template: Any, kind: str = "chat", **fields: Any) -> None:
        """Create a prompt and point `production` at its first version."""
        url = f"/api/v1/projects/{self.owner.project_id}/prompts"
        created = await self.owner.client.post(
            url, json={"name": name, "kind": kind, "template": template, **fields}
        )
        assert created.status_code == 201, created.text
        moved = await self.owner.client.put(f"{url}/{name}/labels/production", json={"version": 1})
        assert moved.status_code == 200, moved.text

    async def runs(self, count: int = 0, **query: str) -> list[dict[str, Any]]:
        """The project's runs, waiting (up to 5 s) until at least `count` are stored: a gateway run
        is written just after its answer was sent."""
        for _ in range(500):
            response = await self.owner.client.get(
                f"/api/v1/projects/{self.owner.project_id}/runs", params=query
            )
            assert response.status_code == 200, response.text
            items: list[dict[str, Any]] = response.json()["items"]
            if len(items) >= count:
                return items
            await asyncio.sleep(0.01)
        raise AssertionError(f"{count} runs were not stored: {items}")


async def key_of(factory: Factory, owner: Account, role: str) -> str:
    client = await factory.api_key(owner, role)
    return client.headers["Authorization"].removeprefix("Bearer ")


def gateway(live_server_url: str) -> str:
    return f"{live_server_url}/api/gateway/v1"


def sdk(gateway_url: str, key: str) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=gateway_url, api_key=key, max_retries=0, timeout=30)


async def new_project(
    factory: Factory, fake_llm: FakeLLM, gateway_url: str, *, model: str = "gpt-4o-mini"
) -> Project:
    """An owner with an editor key, an OpenAI-compatible connection and the `support` prompt."""
    owner = await factory.account()
    key = await key_of(factory, owner, "editor")
    provider = await connect(owner, "openai_compatible", fake_llm)
    project = Project(owner, key, sdk(gateway_url, key), provider)
    await project.prompt("support", SUPPORT_TEMPLATE, model_config={"model": model, "temperature": 0.3})
    return project
