"""Swagger UI at /docs, served from the swagger-ui-bundle package (no CDN: the machines are offline).

The page has no inline script, so the one Content-Security-Policy (`script-src 'self'`,
core/middleware.py) covers it too: Swagger UI is started by /docs/init.js.
"""

from __future__ import annotations

import json

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs-assets"
INIT_SCRIPT = "/docs/init.js"


def swagger_page(title: str) -> str:
    """The Swagger UI page: local assets only, started by an external script."""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
<link rel="icon" href="{ASSETS}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="{INIT_SCRIPT}"></script>
</body>
</html>
"""


def swagger_init(openapi_url: str) -> str:
    """The script that starts Swagger UI on the API's OpenAPI document."""
    options = {"url": openapi_url, "dom_id": "#swagger-ui", "deepLinking": True, "showExtensions": True}
    return (
        f"window.ui = SwaggerUIBundle(Object.assign({json.dumps(options)}, "
        "{presets: [SwaggerUIBundle.presets.apis], layout: 'BaseLayout'}));\n"
    )


def install_docs(app: FastAPI) -> None:
    app.mount(ASSETS, StaticFiles(directory=swagger_ui_path), name="docs-assets")
    page = swagger_page(f"{app.title} — docs")
    script = swagger_init(app.openapi_url or "/api/v1/openapi.json")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get(INIT_SCRIPT, include_in_schema=False)
    async def swagger_ui_init() -> Response:
        return Response(script, media_type="text/javascript")
