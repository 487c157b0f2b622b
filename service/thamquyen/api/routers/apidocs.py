"""/docs (Swagger UI) and /redoc (ReDoc) with their assets served from node_modules/ (npm
packages swagger-ui-dist and redoc, installed by `npm ci`): the API documentation works on a
network without Internet. Without the npm packages the pages say how to install them."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from ... import paths

log = logging.getLogger("thamquyen.api")
ASSETS = {"swagger": ("swagger-ui-dist", "swagger-ui-bundle.js"),
          "redoc": ("redoc/bundles", "redoc.standalone.js")}
MISSING = ("<!doctype html><html lang='vi'><meta charset='utf-8'><title>API</title>"
           "<p>Thiếu thư viện giao diện tài liệu API: hãy chạy <code>npm ci</code> (hoặc "
           "<code>./setup.sh</code>). Mô tả máy đọc: <a href='/openapi.json'>/openapi.json</a>."
           "</p><p lang='en'>The documentation UI is not installed: run <code>npm ci</code>.</p>")


def asset_dir(name: str) -> Path | None:
    """The folder of an npm package's browser build, or None before `npm ci`."""
    folder, probe = ASSETS[name]
    for modules in paths.node_modules():
        candidate = modules / folder
        if (candidate / probe).is_file():
            return candidate
    return None


def install(app: FastAPI) -> None:
    """Mount the assets and add /docs, /docs/oauth2-redirect and /redoc."""
    found = {name: asset_dir(name) for name in ASSETS}
    for name, folder in found.items():
        if folder is not None:
            app.mount(f"/static/{name}", StaticFiles(directory=folder), name=f"static-{name}")
        else:
            log.warning("%s not found in node_modules (run `npm ci`): /docs falls back", name)
    title = app.title

    @app.get("/docs", include_in_schema=False)
    async def swagger() -> HTMLResponse:
        if found["swagger"] is None:
            return HTMLResponse(MISSING)
        return get_swagger_ui_html(openapi_url="/openapi.json", title=title,
                                   oauth2_redirect_url="/docs/oauth2-redirect",
                                   swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/static/swagger/swagger-ui.css",
                                   swagger_favicon_url="/static/swagger/favicon-32x32.png")

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    async def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        if found["redoc"] is None:
            return HTMLResponse(MISSING)
        return get_redoc_html(openapi_url="/openapi.json", title=title,
                              redoc_js_url="/static/redoc/redoc.standalone.js",
                              redoc_favicon_url="/static/swagger/favicon-32x32.png",
                              with_google_fonts=False)
