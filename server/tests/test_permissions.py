"""DESIGN.md §5 cell by cell: every route of the app by every kind of caller, from a fresh world each.

`ROUTES` is the permission table. A route the app serves without a row here fails the suite,
so a new route cannot ship without saying who may call it. A row is short:

    ("POST", "/api/v1/projects/{project_id}/prompts"): RouteSpec(
        "editor", keys="editor", body=lambda w: {"name": w.unique("p")}
    ),

Path parameters are filled by name from `PATH_PARAMS` (extend it, or pass `params=` on the row);
`body` and every parameter builder receive the `World` and may be async.
"""

from __future__ import annotations

import asyncio
import inspect
import re
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import compile_path

from conftest import PASSWORD, Account, Factory, new_client
from promptforge.core.config import Settings
from promptforge.main import create_app

MinRole = Literal["public", "self", "viewer", "editor", "admin", "owner"]
KeyRole = Literal["viewer", "editor"]
Builder = Callable[["World"], Any]  # returns a value or an awaitable of one

RANK = {"viewer": 1, "editor": 2, "admin": 3, "owner": 4}


@dataclass
class World:
    """An owner's workspace and project, plus whatever a route needs, made on demand."""

    factory: Factory
    owner: Account
    cache: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def unique(prefix: str = "x") -> str:
        return f"{prefix}-{secrets.token_hex(4)}"

    async def target_member(self) -> str:
        """A viewer of the owner's workspace, for the member routes to act on."""
        if "member" not in self.cache:
            self.cache["member"] = await self.factory.member(self.owner, "viewer")
        return str(self.cache["member"].user_id)

    async def outsider_email(self) -> str:
        """An account that is not a member of the owner's workspace."""
        return (await self.factory.account()).email

    async def invitation_id(self) -> str:
        """A pending viewer invitation of the owner's workspace, to an address no caller has."""
        if "invitation" not in self.cache:
            response = await self.owner.client.post(
                f"/api/v1/workspaces/{self.owner.workspace_id}/members",
                json={"email": f"{self.unique('invitee')}@example.com", "role": "viewer"},
            )
            assert response.status_code == 201, response.text
            self.cache["invitation"] = response.json()["id"]
        return str(self.cache["invitation"])

    async def api_key_id(self) -> str:
        if "key" not in self.cache:
            response = await self.owner.client.post(
                f"/api/v1/projects/{self.owner.project_id}/api-keys",
                json={"name": "target", "role": "viewer"},
            )
            assert response.status_code == 201, response.text
            self.cache["key"] = response.json()["id"]
        return str(self.cache["key"])

    async def other_project(self) -> str:
        """A second project in the owner's workspace."""
        if "project" not in self.cache:
            response = await self.owner.client.post(
                f"/api/v1/workspaces/{self.owner.workspace_id}/projects",
                json={"name": "Other", "slug": self.unique("other")},
            )
            assert response.status_code == 201, response.text
            self.cache["project"] = response.json()["id"]
        return str(self.cache["project"])

    async def prompt(self) -> str:
        """A text prompt with versions 1 and 2, `production` on 1 and `staging` on 2."""
        if "prompt" not in self.cache:
            url = f"/api/v1/projects/{self.owner.project_id}/prompts"
            name = self.unique("prompt")
            created = await self.owner.client.post(
                url, json={"name": name, "kind": "text", "template": "v1 {{ x }}"}
            )
            assert created.status_code == 201, created.text
            await self.owner.client.post(f"{url}/{name}/versions", json={"template": "v2 {{ x }}"})
            for label, version in (("production", 1), ("staging", 2)):
                moved = await self.owner.client.put(f"{url}/{name}/labels/{label}", json={"version": version})
                assert moved.status_code == 200, moved.text
            self.cache["prompt"] = name
        return str(self.cache["prompt"])

    async def unlabelled_prompt(self) -> str:
        """A text prompt without labels (any editor may delete it)."""
        if "unlabelled" not in self.cache:
            name = self.unique("plain")
            created = await self.owner.client.post(
                f"/api/v1/projects/{self.owner.project_id}/prompts",
                json={"name": name, "kind": "text", "template": "plain"},
            )
            assert created.status_code == 201, created.text
            self.cache["unlabelled"] = name
        return str(self.cache["unlabelled"])

    async def provider(self) -> str:
        """An echo provider connection of the owner's project."""
        if "provider" not in self.cache:
            response = await self.owner.client.post(
                f"/api/v1/projects/{self.owner.project_id}/providers",
                json={"name": self.unique("echo"), "kind": "echo"},
            )
            assert response.status_code == 201, response.text
            self.cache["provider"] = response.json()["id"]
        return str(self.cache["provider"])

    async def webhook(self) -> str:
        """A webhook of the owner's project, pointing where nothing listens (sends fail at once)."""
        if "webhook" not in self.cache:
            response = await self.owner.client.post(
                f"/api/v1/projects/{self.owner.project_id}/webhooks",
                json={"url": "http://127.0.0.1:9/hook", "events": ["*"]},
            )
            assert response.status_code == 201, response.text
            self.cache["webhook"] = response.json()["id"]
        return str(self.cache["webhook"])

    async def webhook_delivery(self) -> str:
        """A delivery of the world's webhook (its test event)."""
        if "webhook_delivery" not in self.cache:
            hook = await self.webhook()
            response = await self.owner.client.post(
                f"/api/v1/projects/{self.owner.project_id}/webhooks/{hook}/test"
            )
            assert response.status_code == 200, response.text
            self.cache["webhook_delivery"] = response.json()["id"]
        return str(self.cache["webhook_delivery"])

    async def run(self) -> str:
        """A finished run (echo provider) in the owner's project."""
        if "run" not in self.cache:
            response = await self.owner.client.post(
                f"/api/v1/projects/{self.owner.project_id}/runs",
                json={"template": "hi", "provider_id": await self.provider()},
            )
            assert response.status_code == 201, response.text
            self.cache["run"] = response.json()["id"]
        return str(self.cache["run"])

    async def dataset(self) -> str:
        """A dataset of the owner's project holding one item."""
        if "dataset" not in self.cache:
            url = f"/api/v1/projects/{self.owner.project_id}/datasets"
            name = self.unique("ds")
            created = await self.owner.client.post(url, json={"name": name})
            assert created.status_code == 201, created.text
            items = await self.owner.client.post(f"{url}/{name}/items", json={"items": [{"input": {"x": 1}}]})
            assert items.status_code == 201, items.text
            self.cache["dataset"] = name
            self.cache["dataset_item"] = items.json()["ids"][0]
        return str(self.cache["dataset"])

    async def dataset_item(self) -> str:
        await self.dataset()
        return str(self.cache["dataset_item"])

    async def dataset_import(self) -> str:
        """An import of a small CSV file into the owner's dataset."""
        if "import" not in self.cache:
            url = f"/api/v1/projects/{self.owner.project_id}/datasets/{await self.dataset()}/imports"
            response = await self.owner.client.post(url, files={"file": ("a.csv", b"x\n1\n")})
            assert response.status_code == 202, response.text
            self.cache["import"] = response.json()["id"]
        return str(self.cache["import"])

    async def dataset_export(self) -> str:
        """A completed export of the owner's dataset (downloads need the file)."""
        if "export" not in self.cache:
            url = f"/api/v1/projects/{self.owner.project_id}/datasets/{await self.dataset()}/exports"
            response = await self.owner.client.post(url, json={"format": "jsonl"})
            assert response.status_code == 202, response.text
            export = response.json()
            for _ in range(600):
                if export["status"] != "queued" and export["status"] != "running":
                    break
                await asyncio.sleep(0.05)
                export = (await self.owner.client.get(f"{url}/{export['id']}")).json()
            assert export["status"] == "completed", export
            self.cache["export"] = export["id"]
        return str(self.cache["export"])

    async def evaluation(self) -> str:
        """A finished evaluation of the owner's project (echo provider, the world's dataset and prompt)."""
        if "evaluation" not in self.cache:
            url = f"/api/v1/projects/{self.owner.project_id}/evaluations"
            response = await self.owner.client.post(url, json=await _evaluation_body(self))
            assert response.status_code == 202, response.text
            evaluation = response.json()
            for _ in range(600):
                if evaluation["status"] not in ("queued", "running"):
                    break
                await asyncio.sleep(0.05)
                evaluation = (await self.owner.client.get(f"{url}/{evaluation['id']}")).json()
            assert evaluation["status"] == "completed", evaluation
            self.cache["evaluation"] = evaluation["id"]
        return str(self.cache["evaluation"])

    async def deployment(self) -> str:
        """A deployment of the world's prompt pending approval, requested by the owner."""
        if "deployment" not in self.cache:
            project = f"/api/v1/projects/{self.owner.project_id}"
            policy = {"labels": {"canary": {"require_approval": True}}}
            assert (await self.owner.client.put(f"{project}/deploy-policy", json=policy)).status_code == 200
            response = await self.owner.client.put(
                f"{project}/prompts/{await self.prompt()}/labels/canary", json={"version": 2}
            )
            assert response.status_code == 202, response.text
            self.cache["deployment"] = response.json()["id"]
        return str(self.cache["deployment"])


PATH_PARAMS: dict[str, Builder] = {
    "name": lambda w: w.prompt(),
    "number": lambda w: 2,
    "label": lambda w: "staging",
    "workspace_id": lambda w: w.owner.workspace_id,
    "project_id": lambda w: w.owner.project_id,
    "user_id": lambda w: w.target_member(),
    "key_id": lambda w: w.api_key_id(),
    "invitation_id": lambda w: w.invitation_id(),
    "provider_id": lambda w: w.provider(),
    "run_id": lambda w: w.run(),
    "item_id": lambda w: w.dataset_item(),
    "import_id": lambda w: w.dataset_import(),
    "export_id": lambda w: w.dataset_export(),
    "evaluation_id": lambda w: w.evaluation(),
    "deployment_id": lambda w: w.deployment(),
    "webhook_id": lambda w: w.webhook(),
    "delivery_id": lambda w: w.webhook_delivery(),
}


@dataclass(frozen=True)
class RouteSpec:
    """Who may call a route: `min_role` of a member ("public": anyone, "self": any signed-in user),
    the least API key role allowed on it (None: no key), and how to build a valid request."""

    min_role: MinRole
    keys: KeyRole | None = None
    body: Builder | None = None
    params: dict[str, Builder] = field(default_factory=dict)
    query: dict[str, str | Builder] = field(default_factory=dict)  # a Builder gives a value per World
    files: dict[str, tuple[str, bytes]] | None = None  # a multipart body instead of `body`
    # Exact statuses for callers that deviate from the rules (e.g. refresh needs a refresh cookie).
    expect: dict[str, int | None] = field(default_factory=dict)  # None: some 2xx
    # HTTP Basic `public key:secret` only (the Langfuse-compatible API): keys send that, and any
    # other caller (a signed-in member included) is 401 there. The key's project is implicit.
    basic: bool = False
    # Settings of the app changed for the call (e.g. a stream that ends at once: the test transport
    # returns only once the whole response has been sent).
    settings: dict[str, Any] = field(default_factory=dict)


PROMPTS = "/api/v1/projects/{project_id}/prompts"
PROMPT = PROMPTS + "/{name}"
PROVIDERS = "/api/v1/projects/{project_id}/providers"
WEBHOOKS = "/api/v1/projects/{project_id}/webhooks"
WEBHOOK = WEBHOOKS + "/{webhook_id}"
RUNS = "/api/v1/projects/{project_id}/runs"
DATASETS = "/api/v1/projects/{project_id}/datasets"
DATASET = DATASETS + "/{name}"
DATASET_ITEM = DATASET + "/items/{item_id:uuid}"
# The gateway takes no session cookie: every signed-in caller without a key is 401, an editor key passes.
GATEWAY_SIGNED_IN: dict[str, int | None] = {
    **{who: 401 for who in ("viewer", "editor", "admin", "owner", "outsider")},
    "editor_key": None,
}
ON_DATASET: dict[str, Builder] = {"name": lambda w: w.dataset()}
EVALUATIONS = "/api/v1/projects/{project_id}/evaluations"
EVALUATION = EVALUATIONS + "/{evaluation_id}"
# Only the invitee may answer an invitation: every other signed-in user gets 404 (tests/workspaces).
NOT_THE_INVITEE = {who: 404 for who in ("viewer", "editor", "admin", "owner", "outsider")}
# The world's evaluation has finished: whoever may cancel it or retry its errors hears 409 (nothing
# left to do), everyone else the usual denial.
ALLOWED_BUT_FINISHED = {who: 409 for who in ("editor", "admin", "owner", "editor_key")}
NO_REFRESH_COOKIE = {"anonymous": 401, "viewer_key": 401, "editor_key": 401, "other_project_key": 401}
DEPLOY_POLICY = "/api/v1/projects/{project_id}/deploy-policy"
DEPLOYMENTS = "/api/v1/projects/{project_id}/deployments"
# The world's pending deployment was requested by the owner, who may not decide it (403).
NOT_THE_REQUESTER: dict[str, int | None] = {"owner": 403}

LANGFUSE = "/api/public/v2/prompts"
# Routes that need no prompt of the key's project succeed for a key of another project, in its own.
OWN_PROJECT_OK = {"other_project_key": 200}

ROUTES: dict[tuple[str, str], RouteSpec] = {
    # Langfuse-compatible API (HTTP Basic with a key pair; the project is the key's)
    ("GET", "/api/public/health"): RouteSpec("public"),
    ("GET", "/api/public/projects"): RouteSpec("viewer", keys="viewer", basic=True, expect=OWN_PROJECT_OK),
    ("GET", LANGFUSE): RouteSpec("viewer", keys="viewer", basic=True, expect=OWN_PROJECT_OK),
    ("POST", LANGFUSE): RouteSpec(
        "editor",
        keys="editor",
        basic=True,
        body=lambda w: {"name": w.unique("lf"), "prompt": "hi {{ x }}", "labels": ["beta"]},
        expect={"other_project_key": 201},
    ),
    ("GET", f"{LANGFUSE}/{{name}}"): RouteSpec("viewer", keys="viewer", basic=True),
    ("PATCH", f"{LANGFUSE}/{{name}}/versions/{{version}}"): RouteSpec(
        "editor",
        keys="editor",
        basic=True,
        params={"version": lambda w: 2},
        body=lambda w: {"newLabels": ["beta"]},
    ),
    ("DELETE", f"{LANGFUSE}/{{name}}"): RouteSpec(
        "editor", keys="editor", basic=True, params={"name": lambda w: w.unlabelled_prompt()}
    ),
    # health
    ("GET", "/healthz"): RouteSpec("public"),
    ("GET", "/readyz"): RouteSpec("public"),
    ("GET", "/metrics"): RouteSpec("public"),
    ("GET", "/docs"): RouteSpec("public"),
    ("GET", "/docs/init.js"): RouteSpec("public"),
    # the web app's history-API fallback (core/spa.py): index.html for any client route
    ("GET", "/{path:path}"): RouteSpec("public", params={"path": lambda w: "prompts"}),
    # auth
    ("POST", "/api/v1/auth/register"): RouteSpec(
        "public",
        body=lambda w: {"email": f"{w.unique('new')}@example.com", "password": PASSWORD, "display_name": "N"},
    ),
    ("POST", "/api/v1/auth/login"): RouteSpec(
        "public", body=lambda w: {"email": w.owner.email, "password": PASSWORD}
    ),
    ("POST", "/api/v1/auth/refresh"): RouteSpec("public", expect=NO_REFRESH_COOKIE),
    ("POST", "/api/v1/auth/logout"): RouteSpec("self"),
    ("GET", "/api/v1/auth/me"): RouteSpec("self"),
    ("POST", "/api/v1/auth/me/password"): RouteSpec(
        "self", body=lambda w: {"current_password": PASSWORD, "new_password": "Another-pass-43"}
    ),
    ("POST", "/api/v1/auth/me/deactivate"): RouteSpec("self", body=lambda w: {"password": PASSWORD}),
    # workspaces
    ("GET", "/api/v1/workspaces"): RouteSpec("self"),
    ("POST", "/api/v1/workspaces"): RouteSpec("self", body=lambda w: {"name": "W", "slug": w.unique("ws")}),
    ("GET", "/api/v1/workspaces/{workspace_id}"): RouteSpec("viewer"),
    ("PATCH", "/api/v1/workspaces/{workspace_id}"): RouteSpec("admin", body=lambda w: {"name": "Renamed"}),
    ("DELETE", "/api/v1/workspaces/{workspace_id}"): RouteSpec("owner"),
    # members
    ("GET", "/api/v1/workspaces/{workspace_id}/members"): RouteSpec("viewer"),
    ("POST", "/api/v1/workspaces/{workspace_id}/members"): RouteSpec("admin", body=lambda w: _member_body(w)),
    ("PATCH", "/api/v1/workspaces/{workspace_id}/members/{user_id}"): RouteSpec(
        "admin", body=lambda w: {"role": "editor"}
    ),
    ("DELETE", "/api/v1/workspaces/{workspace_id}/members/{user_id}"): RouteSpec("admin"),
    # invitations
    ("GET", "/api/v1/workspaces/{workspace_id}/invitations"): RouteSpec("admin"),
    ("DELETE", "/api/v1/workspaces/{workspace_id}/invitations/{invitation_id}"): RouteSpec("admin"),
    ("GET", "/api/v1/invitations"): RouteSpec("self"),
    ("POST", "/api/v1/invitations/{invitation_id}/accept"): RouteSpec("self", expect=NOT_THE_INVITEE),
    ("POST", "/api/v1/invitations/{invitation_id}/decline"): RouteSpec("self", expect=NOT_THE_INVITEE),
    # projects
    ("GET", "/api/v1/workspaces/{workspace_id}/projects"): RouteSpec("viewer"),
    ("POST", "/api/v1/workspaces/{workspace_id}/projects"): RouteSpec(
        "admin", body=lambda w: {"name": "P", "slug": w.unique("p")}
    ),
    ("GET", "/api/v1/projects/{project_id}"): RouteSpec("viewer", keys="viewer"),
    ("PATCH", "/api/v1/projects/{project_id}"): RouteSpec("admin", body=lambda w: {"name": "Renamed"}),
    ("DELETE", "/api/v1/projects/{project_id}"): RouteSpec("admin"),
    # API keys
    # Any key may describe itself (other_project_key: its own project); signed-in users are not keys.
    ("GET", "/api/v1/api-keys/me"): RouteSpec(
        "public",
        expect={"anonymous": 401, **{who: 403 for who in ("viewer", "editor", "admin", "owner", "outsider")}},
    ),
    ("GET", "/api/v1/projects/{project_id}/api-keys"): RouteSpec("admin"),
    ("POST", "/api/v1/projects/{project_id}/api-keys"): RouteSpec(
        "admin",
        body=lambda w: {
            "name": "ci",
            "role": "editor",
            "expires_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
        },
    ),
    ("DELETE", "/api/v1/projects/{project_id}/api-keys/{key_id}"): RouteSpec("admin"),
    # audit
    ("GET", "/api/v1/workspaces/{workspace_id}/audit-log"): RouteSpec("admin", query={"limit": "10"}),
    # prompts (protected labels per role: prompts/test_labels_api.py)
    ("GET", PROMPTS): RouteSpec("viewer", keys="viewer"),
    ("POST", PROMPTS): RouteSpec(
        "editor", keys="editor", body=lambda w: {"name": w.unique("p"), "kind": "text", "template": "hi"}
    ),
    ("GET", PROMPT): RouteSpec("viewer", keys="viewer"),
    ("PATCH", PROMPT): RouteSpec("editor", keys="editor", body=lambda w: {"description": "d"}),
    # The world's prompt carries `production`: archiving it takes the protected label's role.
    ("DELETE", PROMPT): RouteSpec("admin"),
    ("GET", f"{PROMPT}/versions"): RouteSpec("viewer", keys="viewer"),
    ("POST", f"{PROMPT}/versions"): RouteSpec(
        "editor", keys="editor", body=lambda w: {"template": f"new {w.unique()}"}
    ),
    ("GET", f"{PROMPT}/versions/{{number}}"): RouteSpec("viewer", keys="viewer"),
    ("GET", f"{PROMPT}/versions/{{number}}/diff"): RouteSpec("viewer", keys="viewer", query={"against": "1"}),
    ("GET", f"{PROMPT}/labels"): RouteSpec("viewer", keys="viewer"),
    ("PUT", f"{PROMPT}/labels/{{label}}"): RouteSpec("editor", keys="editor", body=lambda w: {"version": 1}),
    ("DELETE", f"{PROMPT}/labels/{{label}}"): RouteSpec("editor", keys="editor"),
    ("GET", f"{PROMPT}/labels/{{label}}/history"): RouteSpec("viewer", keys="viewer"),
    ("GET", f"{PROMPT}/resolve"): RouteSpec("viewer", keys="viewer"),
    ("GET", "/api/v1/projects/{project_id}/prompt-events"): RouteSpec(
        "viewer", keys="viewer", settings={"stream_max_seconds": 0.01}
    ),
    ("POST", f"{PROMPT}/render"): RouteSpec(
        "viewer", keys="viewer", body=lambda w: {"variables": {"x": "1"}}
    ),
    # import / export
    ("GET", "/api/v1/projects/{project_id}/export"): RouteSpec("viewer", keys="viewer"),
    ("POST", "/api/v1/projects/{project_id}/import"): RouteSpec(
        "editor",
        keys="editor",
        body=lambda w: {
            "prompts": [{"name": w.unique("i"), "kind": "text", "versions": [{"number": 1, "template": "x"}]}]
        },
    ),
    # providers: admins only (issue 5); members pick one for a run from run-providers
    ("GET", PROVIDERS): RouteSpec("admin"),
    ("POST", PROVIDERS): RouteSpec("admin", body=lambda w: {"name": w.unique("prov"), "kind": "echo"}),
    ("GET", f"{PROVIDERS}/{{provider_id}}"): RouteSpec("admin"),
    ("GET", "/api/v1/projects/{project_id}/run-providers"): RouteSpec("viewer", keys="viewer"),
    ("PATCH", f"{PROVIDERS}/{{provider_id}}"): RouteSpec("admin", body=lambda w: {"default_model": "echo"}),
    ("DELETE", f"{PROVIDERS}/{{provider_id}}"): RouteSpec("admin"),
    ("POST", f"{PROVIDERS}/{{provider_id}}/test"): RouteSpec("admin"),
    # webhooks: admins and owners only, no API key (issue 14)
    ("GET", WEBHOOKS): RouteSpec("admin"),
    ("POST", WEBHOOKS): RouteSpec("admin", body=lambda w: {"url": "http://127.0.0.1:9/h", "events": ["*"]}),
    ("GET", WEBHOOK): RouteSpec("admin"),
    ("PATCH", WEBHOOK): RouteSpec("admin", body=lambda w: {"description": "d"}),
    ("DELETE", WEBHOOK): RouteSpec("admin"),
    ("POST", f"{WEBHOOK}/rotate-secret"): RouteSpec("admin"),
    ("POST", f"{WEBHOOK}/test"): RouteSpec("admin"),
    ("GET", f"{WEBHOOK}/deliveries"): RouteSpec("admin"),
    ("POST", f"{WEBHOOK}/deliveries/{{delivery_id}}/redeliver"): RouteSpec("admin"),
    # runs
    ("POST", RUNS): RouteSpec("editor", keys="editor", body=lambda w: _run_body(w)),
    ("GET", RUNS): RouteSpec("viewer", keys="viewer"),
    ("GET", f"{RUNS}/{{run_id}}"): RouteSpec("viewer", keys="viewer"),
    # datasets: viewers read, editors write, like prompts
    ("GET", DATASETS): RouteSpec("viewer", keys="viewer"),
    ("POST", DATASETS): RouteSpec("editor", keys="editor", body=lambda w: {"name": w.unique("ds")}),
    ("GET", DATASET): RouteSpec("viewer", keys="viewer", params=ON_DATASET),
    ("PATCH", DATASET): RouteSpec(
        "editor", keys="editor", params=ON_DATASET, body=lambda w: {"description": "d"}
    ),
    ("DELETE", DATASET): RouteSpec("editor", keys="editor", params=ON_DATASET),
    ("GET", f"{DATASET}/items"): RouteSpec(
        "viewer", keys="viewer", params=ON_DATASET, query={"version": "1"}
    ),
    ("POST", f"{DATASET}/items"): RouteSpec(
        "editor", keys="editor", params=ON_DATASET, body=lambda w: {"items": [{"input": {"y": 2}}]}
    ),
    ("POST", f"{DATASET}/items/from-run"): RouteSpec(
        "editor", keys="editor", params=ON_DATASET, body=lambda w: _from_run_body(w)
    ),
    ("PATCH", DATASET_ITEM): RouteSpec(
        "editor", keys="editor", params=ON_DATASET, body=lambda w: {"expected": w.unique("e")}
    ),
    ("DELETE", DATASET_ITEM): RouteSpec("editor", keys="editor", params=ON_DATASET),
    # dataset files: importing writes; exporting and downloading read
    ("POST", f"{DATASET}/imports"): RouteSpec(
        "editor", keys="editor", params=ON_DATASET, files={"file": ("a.jsonl", b'{"input": {"z": 1}}\n')}
    ),
    ("GET", f"{DATASET}/imports"): RouteSpec("viewer", keys="viewer", params=ON_DATASET),
    ("GET", f"{DATASET}/imports/{{import_id}}"): RouteSpec("viewer", keys="viewer", params=ON_DATASET),
    ("POST", f"{DATASET}/exports"): RouteSpec(
        "viewer", keys="viewer", params=ON_DATASET, body=lambda w: {"format": "csv"}
    ),
    ("GET", f"{DATASET}/exports/{{export_id}}"): RouteSpec("viewer", keys="viewer", params=ON_DATASET),
    ("GET", f"{DATASET}/exports/{{export_id}}/download"): RouteSpec(
        "viewer", keys="viewer", params=ON_DATASET
    ),
    # evaluations: viewers read, editors run; cancel of a finished one is a 409 for those allowed
    ("POST", EVALUATIONS): RouteSpec("editor", keys="editor", body=lambda w: _evaluation_body(w)),
    ("GET", EVALUATIONS): RouteSpec("viewer", keys="viewer"),
    ("POST", f"{EVALUATIONS}/estimate"): RouteSpec(
        "editor", keys="editor", body=lambda w: _evaluation_body(w)
    ),
    ("GET", EVALUATIONS + "/{evaluation_id:uuid}"): RouteSpec("viewer", keys="viewer"),
    ("POST", f"{EVALUATION}/cancel"): RouteSpec("editor", keys="editor", expect=ALLOWED_BUT_FINISHED),
    ("POST", f"{EVALUATION}/retry-errors"): RouteSpec("editor", keys="editor", expect=ALLOWED_BUT_FINISHED),
    # evaluation results and compare: viewers read
    ("GET", f"{EVALUATION}/results"): RouteSpec("viewer", keys="viewer", query={"format": "csv"}),
    ("GET", f"{EVALUATION}/compare"): RouteSpec(
        "viewer", keys="viewer", query={"against": lambda w: w.evaluation()}
    ),
    # deploy gates: everyone reads the policy and deployments, admins decide (never the requester)
    ("GET", DEPLOY_POLICY): RouteSpec("viewer", keys="viewer"),
    ("PUT", DEPLOY_POLICY): RouteSpec(
        "admin", body=lambda w: {"labels": {"canary": {"require_approval": True}}}
    ),
    ("GET", DEPLOYMENTS): RouteSpec("viewer", keys="viewer"),
    ("GET", f"{DEPLOYMENTS}/{{deployment_id}}"): RouteSpec("viewer", keys="viewer"),
    ("POST", f"{DEPLOYMENTS}/{{deployment_id}}/approve"): RouteSpec("admin", expect=NOT_THE_REQUESTER),
    ("POST", f"{DEPLOYMENTS}/{{deployment_id}}/reject"): RouteSpec("admin", expect=NOT_THE_REQUESTER),
    # the OpenAI-compatible gateway: API keys only (the key names the project), errors in OpenAI's shape
    ("POST", "/api/gateway/v1/chat/completions"): RouteSpec(
        "editor",
        keys="editor",
        body=lambda w: _gateway_body(w),
        expect=GATEWAY_SIGNED_IN | {"other_project_key": 404},
    ),
    ("GET", "/api/gateway/v1/models"): RouteSpec(
        "viewer", keys="viewer", expect=GATEWAY_SIGNED_IN | {"viewer_key": None, "other_project_key": None}
    ),
}


async def _evaluation_body(w: World) -> dict[str, Any]:
    return {
        "name": "perm",
        "dataset": {"name": await w.dataset()},
        "variants": [{"name": "v", "prompt": {"name": await w.prompt()}, "provider_id": await w.provider()}],
        "assertions": [{"type": "contains", "value": "v"}],
    }


async def _from_run_body(w: World) -> dict[str, Any]:
    return {"run_id": await w.run()}


async def _run_body(w: World) -> dict[str, Any]:
    return {"template": "hi {{ x }}", "variables": {"x": 1}, "provider_id": await w.provider()}


async def _gateway_body(w: World) -> dict[str, Any]:
    await w.provider()  # the project's only connection: the gateway's default
    return {"model": f"prompt:{await w.prompt()}", "variables": {"x": 1}}


async def _member_body(w: World) -> dict[str, str]:
    return {"email": await w.outsider_email(), "role": "viewer"}


PRINCIPALS = [
    "anonymous",
    "viewer",
    "editor",
    "admin",
    "owner",
    "outsider",  # a signed-in member of another workspace only
    "viewer_key",
    "editor_key",
    "other_project_key",  # an editor key of another project of the same workspace
]


def served_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path template) of every API route the app serves, included routers flattened."""
    found = set()
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute) and context.path is not None:
            for method in context.methods or ():
                found.add((method, context.path))
    return found


def _spa_build() -> Path:
    """A stand-in SPA build, so the route table does not depend on whether client/dist was built."""
    folder = Path(tempfile.mkdtemp(prefix="pf-spa-"))
    (folder / "index.html").write_text("<!doctype html><div id=root></div>")
    return folder


SPA_DIR = _spa_build()
_APP = create_app(Settings(env="test", secret_key="k" * 40, encryption_key="e" * 40, spa_dir=SPA_DIR))
CELLS = [(method, path, who) for method, path in sorted(served_routes(_APP)) for who in PRINCIPALS]


def expected_status(spec: RouteSpec, path: str, who: str) -> int | None:
    """The status the table promises: an exact denial code, or None for "some 2xx"."""
    if who in spec.expect:
        return spec.expect[who]
    if spec.min_role == "public":
        return None
    if spec.basic:
        if not who.endswith("_key"):
            return 401  # neither a session cookie nor anything but a key pair authenticates here
        if who == "other_project_key":
            return 404
        return None if spec.keys is not None and RANK[who.removesuffix("_key")] >= RANK[spec.keys] else 403
    if who == "anonymous":
        return 401
    is_key = who.endswith("_key")
    if spec.min_role == "self":
        return 403 if is_key else None
    project_scoped = "{project_id}" in path
    if is_key:
        if not project_scoped:
            return 403  # API keys never act on workspaces or accounts
        if who == "other_project_key":
            return 404
        key_role = who.removesuffix("_key")
        return None if spec.keys is not None and RANK[key_role] >= RANK[spec.keys] else 403
    if who == "outsider":
        return 404
    return None if RANK[who] >= RANK[spec.min_role] else 403


async def _build(builder: Builder, world: World) -> Any:
    value = builder(world)
    return await value if inspect.isawaitable(value) else value


async def _basic_caller(who: str, world: World) -> httpx.AsyncClient:
    """A client sending a new key's `public key:secret` pair (HTTP Basic)."""
    other = who == "other_project_key"
    project_id = await world.other_project() if other else world.owner.project_id
    response = await world.owner.client.post(
        f"/api/v1/projects/{project_id}/api-keys",
        json={"name": who, "role": "editor" if other else who.removesuffix("_key")},
    )
    assert response.status_code == 201, response.text
    client = new_client(world.factory.app)
    client.auth = httpx.BasicAuth(response.json()["public_key"], response.json()["secret"])
    world.factory.clients.append(client)
    return client


async def _caller(who: str, world: World, *, basic: bool = False) -> httpx.AsyncClient:
    factory, owner = world.factory, world.owner
    if basic and who.endswith("_key"):
        return await _basic_caller(who, world)
    if who == "anonymous":
        client = new_client(factory.app)
        factory.clients.append(client)
        return client
    if who == "owner":
        return owner.client
    if who in ("viewer", "editor", "admin"):
        return (await factory.member(owner, who)).client
    if who == "outsider":
        return (await factory.account()).client
    if who == "other_project_key":
        return await factory.api_key(owner, "editor", await world.other_project())
    return await factory.api_key(owner, who.removesuffix("_key"))


def test_every_route_has_a_row_and_every_row_a_route() -> None:
    served = served_routes(_APP)
    missing = sorted(served - ROUTES.keys())
    stale = sorted(ROUTES.keys() - served)
    assert not missing, f"routes without a row in ROUTES (say who may call them): {missing}"
    assert not stale, f"rows in ROUTES for routes the app does not serve: {stale}"


def test_operation_ids_are_explicit_and_unique() -> None:
    ids = [
        context.original_route.operation_id
        for context in iter_route_contexts(_APP.routes)
        if isinstance(context.original_route, APIRoute) and context.original_route.include_in_schema
    ]
    assert all(ids), "every route needs an explicit operation_id"
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize(("method", "path", "who"), CELLS, ids=[f"{m} {p} {w}" for m, p, w in CELLS])
async def test_permission_cell(
    factory: Factory, monkeypatch: pytest.MonkeyPatch, method: str, path: str, who: str
) -> None:
    spec = ROUTES.get((method, path))
    assert spec is not None, f"{method} {path} has no row in ROUTES"
    for name, value in spec.settings.items():
        monkeypatch.setattr(factory.app.state.settings, name, value)
    world = World(factory, await factory.account())
    caller = await _caller(who, world, basic=spec.basic)
    params = {}
    for name in compile_path(path)[2]:
        builder = spec.params.get(name) or PATH_PARAMS.get(name)
        assert builder is not None, f"no builder for path parameter {{{name}}}: add one to PATH_PARAMS"
        params[name] = str(await _build(builder, world))
    body = await _build(spec.body, world) if spec.body else None
    query = {k: v if isinstance(v, str) else str(await _build(v, world)) for k, v in spec.query.items()}
    url = re.sub(r"\{(\w+):\w+\}", r"{\1}", path).format(**params)  # drop `{name:convertor}` types

    if spec.files is not None:
        response = await caller.request(method, url, files=spec.files, params=query)
    else:
        response = await caller.request(method, url, json=body, params=query)

    expected = expected_status(spec, path, who)
    if expected is None:
        assert 200 <= response.status_code < 300, f"{who} should be allowed: {response.text}"
    else:
        assert response.status_code == expected, f"{who} should get {expected}: {response.text}"
        if 200 <= expected < 300:
            return
        if path.startswith("/api/public/"):  # Langfuse's error body there
            assert response.headers["content-type"] == "application/json"
            assert {"message", "error"} <= response.json().keys()
        elif path.startswith("/api/gateway/"):  # OpenAI's error shape, for the OpenAI SDKs
            assert response.headers["content-type"] == "application/json"
            assert response.json()["error"]["message"]
        else:
            assert response.headers["content-type"] == "application/problem+json"
