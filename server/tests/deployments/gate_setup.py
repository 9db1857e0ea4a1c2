"""A project with a prompt, a dataset and a fake-LLM provider, and helpers to run evaluations of a
prompt version and to set the deploy policy, all through the API (evaluations/eval_setup.py)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "evaluations"))
from eval_setup import Setup, evaluation_setup, questions

from conftest import Account
from fake_llm import FakeLLM

FAILING_ITEM = {"input": {"q": "the odd one"}, "expected": "contains: not in the answer"}


@dataclass
class Gated:
    """The evaluation setup plus the project's URLs."""

    setup: Setup

    @property
    def owner(self) -> Account:
        return self.setup.owner

    @property
    def project(self) -> str:
        return f"/api/v1/projects/{self.owner.project_id}"

    @property
    def prompt(self) -> str:
        return self.setup.prompt

    @property
    def dataset(self) -> str:
        return self.setup.dataset

    def label_url(self, label: str, prompt: str | None = None) -> str:
        return f"{self.project}/prompts/{prompt or self.prompt}/labels/{label}"

    async def new_version(self, template: str) -> int:
        response = await self.owner.client.post(
            f"{self.project}/prompts/{self.prompt}/versions", json={"template": template}
        )
        assert response.status_code == 201, response.text
        number: int = response.json()["number"]
        return number

    async def evaluate(self, version: int) -> dict[str, Any]:
        """Run a completed evaluation of `version` on the dataset (its current version)."""
        body = self.setup.body()
        body["variants"][0]["prompt"] = {"name": self.prompt, "version": version}
        response = await self.owner.client.post(self.setup.url, json=body)
        assert response.status_code == 202, response.text
        finished = await self.setup.wait(response.json()["id"])
        assert finished["status"] == "completed", finished
        return finished

    async def policy(self, labels: dict[str, Any], client: Any = None) -> dict[str, Any]:
        response = await (client or self.owner.client).put(
            f"{self.project}/deploy-policy", json={"labels": labels}
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def rule(self, min_pass_rate: float, **fields: Any) -> dict[str, Any]:
        return {"dataset": self.dataset, "min_pass_rate": min_pass_rate, **fields}

    async def labels(self) -> dict[str, int]:
        response = await self.owner.client.get(f"{self.project}/prompts/{self.prompt}/labels")
        assert response.status_code == 200, response.text
        return {item["name"]: item["version"] for item in response.json()["items"]}


async def gated_project(owner: Account, fake: FakeLLM, *, failing: int = 0, passing: int = 3) -> Gated:
    """A prompt (v1), a dataset of `passing` items the fake's echo passes and `failing` it fails."""
    items = [*questions(passing), *([FAILING_ITEM] * failing)]
    return Gated(await evaluation_setup(owner, fake, items=items))
