"""Serve the built web app (client/dist) at `/`: hashed assets cached for a year, other files as they
are, and index.html for every other GET so client-side routes survive a reload (history API).

Only installed when `index.html` exists: `make run` builds it; the API works without it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import Scope

from promptforge.core.config import Settings

ROOT = Path(__file__).resolve().parents[4]
DEFAULT_SPA_DIR = ROOT / "client" / "dist"
IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"


# The server's own paths: the fallback never answers for them, so e.g. an unknown `/api/...` still gets
# the router's 404 problem+json rather than index.html.
RESERVED = re.compile(r"/(?:(?:api|healthz|readyz|metrics)(?:/|$)|docs)")


class SpaRoute(APIRoute):
    """GET only, and no match at all (not a partial one) otherwise: a POST to an unknown path is a 404,
    not a 405 from this route; reserved server paths are never matched."""

    catch_all = True  # left out of the `Allow` header of 405 answers (core/errors.py)
    route_label = "/"  # the metrics label of every page and file it serves (core/middleware.py)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or scope["method"] != "GET" or RESERVED.match(scope["path"]):
            return Match.NONE, {}
        return super().matches(scope)


class ImmutableStaticFiles(StaticFiles):
    """Vite's `assets/` names carry a content hash: a name never changes content."""

    route_label = "/assets/{file}"  # the metrics label (core/middleware.py): not one per file name

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = IMMUTABLE
        return response


def spa_dir(settings: Settings) -> Path | None:
    """The built SPA folder, or None when there is no build to serve."""
    folder = (settings.spa_dir or DEFAULT_SPA_DIR).resolve()
    return folder if (folder / "index.html").is_file() else None


def install_spa(app: FastAPI, settings: Settings) -> None:
    """Mount the SPA; call after every router so API routes are matched first."""
    folder = spa_dir(settings)
    if folder is None:
        return
    if (folder / "assets").is_dir():
        app.mount("/assets", ImmutableStaticFiles(directory=folder / "assets"), name="spa-assets")
    index = folder / "index.html"

    async def spa(path: str) -> FileResponse:
        if path:
            candidate = (folder / path).resolve()
            if candidate.is_relative_to(folder) and candidate.is_file():
                return FileResponse(candidate, headers={"Cache-Control": NO_CACHE})
        return FileResponse(index, headers={"Cache-Control": NO_CACHE})

    app.router.add_api_route(
        "/{path:path}", spa, methods=["GET"], include_in_schema=False, route_class_override=SpaRoute
    )
