"""The built SPA at `/`: hashed assets cached for a year, index.html for client routes (history API),
and the server's own paths (unknown /api routes included) never swallowed by the fallback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from conftest import new_client, running
from promptforge.core.config import Settings
from promptforge.core.spa import IMMUTABLE
from promptforge.main import create_app

INDEX = "<!doctype html><title>Prompt-Forge</title><div id=root></div>"


def make_dist(folder: Path) -> Path:
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text(INDEX)
    (folder / "assets" / "index-Ab12Cd34.js").write_text("console.log('app')")
    (folder / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (folder.parent / "secret.txt").write_text("outside the dist folder")
    return folder


@pytest.fixture
async def spa_client(settings: Settings, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    dist = make_dist(tmp_path / "dist")
    application = create_app(settings.model_copy(update={"spa_dir": dist}), kv_prefix="pftest:spa:")
    async with running(application), new_client(application) as client:
        yield client


async def test_root_serves_index_without_caching(spa_client: httpx.AsyncClient) -> None:
    response = await spa_client.get("/")
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("path", ["/sign-in", "/w/acme/p/main/prompts/greeting", "/settings/api-keys?x=1"])
async def test_client_routes_fall_back_to_index(spa_client: httpx.AsyncClient, path: str) -> None:
    response = await spa_client.get(path)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["cache-control"] == "no-cache"


async def test_hashed_assets_are_immutable(spa_client: httpx.AsyncClient) -> None:
    response = await spa_client.get("/assets/index-Ab12Cd34.js")
    assert response.status_code == 200
    assert response.text == "console.log('app')"
    assert "javascript" in response.headers["content-type"]
    assert response.headers["cache-control"] == IMMUTABLE


async def test_missing_asset_is_a_404_not_index(spa_client: httpx.AsyncClient) -> None:
    response = await spa_client.get("/assets/index-gone.js")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_other_static_files_are_served_at_root(spa_client: httpx.AsyncClient) -> None:
    response = await spa_client.get("/favicon.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.headers["cache-control"] == "no-cache"


async def test_no_file_outside_the_dist_folder(spa_client: httpx.AsyncClient) -> None:
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt"):
        response = await spa_client.get(path)
        assert "outside the dist folder" not in response.text, path


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", ["/api", "/api/", "/api/v1/nothing-here", "/api/v2/prompts"])
async def test_unknown_api_routes_stay_404_problem_json(
    spa_client: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await spa_client.request(method, path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


async def test_server_paths_are_not_swallowed(spa_client: httpx.AsyncClient) -> None:
    assert (await spa_client.get("/healthz")).json() == {"status": "ok"}
    assert "promptforge_http_requests_total" in (await spa_client.get("/metrics")).text
    docs = await spa_client.get("/docs")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.text
    assert (await spa_client.get("/api/v1/openapi.json")).json()["info"]["title"] == "Prompt-Forge API"
    for path in ("/docs-assets/missing.js", "/healthz/extra", "/metrics/x"):
        response = await spa_client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"


async def test_api_errors_keep_their_status(spa_client: httpx.AsyncClient) -> None:
    response = await spa_client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


async def test_only_get_falls_back(spa_client: httpx.AsyncClient) -> None:
    response = await spa_client.post("/sign-in", json={})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_without_a_build_there_is_no_fallback(settings: Settings, tmp_path: Path) -> None:
    application = create_app(
        settings.model_copy(update={"spa_dir": tmp_path / "empty"}), kv_prefix="pftest:spa:"
    )
    async with running(application), new_client(application) as client:
        response = await client.get("/sign-in")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_spa_dir_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PF_SPA_DIR", str(tmp_path))
    assert Settings().spa_dir == tmp_path
