"""Issue 8, finding 9: every response (API, errors, web app, Swagger UI) carries the security headers;
HSTS only over HTTPS; Swagger UI runs without inline script so the one CSP covers it."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI

from conftest import Factory

EXPECTED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
}


def assert_secured(response: httpx.Response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (response.request.url, name, response.headers)
    policy = response.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no inline script, no eval, no CDN
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "strict-transport-security" not in response.headers  # plain HTTP


async def test_api_answers_errors_and_pages_carry_the_headers(factory: Factory) -> None:
    ada = await factory.account()
    key = await factory.api_key(ada, "viewer")
    prompts = f"/api/v1/projects/{ada.project_id}/prompts"
    created = await ada.client.post(prompts, json={"name": "p", "kind": "text", "template": "Hi"})
    responses = [
        created,
        await ada.client.get(prompts),
        await key.get(f"{prompts}/p/resolve", params={"label": "latest"}),  # the hot path
        await key.post(f"{prompts}/p/render", json={"label": "latest"}),
        await ada.client.get("/api/v1/no-such-route"),  # 404 problem+json
        await ada.client.put("/healthz"),  # 405
        await ada.client.get(f"{prompts}/p/versions/0"),  # 422
        await ada.client.delete(f"{prompts}/p", headers={"X-CSRF-Token": "wrong"}),  # 403
        await ada.client.get("/healthz"),
        await ada.client.get("/docs"),
        await ada.client.get("/docs/init.js"),
        await ada.client.get("/prompts"),  # the web app's fallback
    ]
    for response in responses:
        assert_secured(response)


async def test_swagger_ui_has_no_inline_script(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
    assert scripts, page.text
    for attributes, body in scripts:
        assert "src=" in attributes and not body.strip(), "inline script would be blocked by the CSP"
        src = re.search(r'src="([^"]+)"', attributes)
        assert src is not None
        assert (await client.get(src.group(1))).status_code == 200
    init = await client.get("/docs/init.js")
    assert init.headers["content-type"].startswith("text/javascript")
    assert "/api/v1/openapi.json" in init.text


@pytest.mark.parametrize(("base_url", "hsts"), [("https://pf.example", True), ("http://pf.example", False)])
async def test_hsts_only_over_https(app: FastAPI, base_url: str, hsts: bool) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
        response = await client.get("/healthz")
    assert response.status_code == 200
    if hsts:
        assert response.headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"
    else:
        assert "strict-transport-security" not in response.headers
