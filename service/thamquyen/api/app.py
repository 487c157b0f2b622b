"""The FastAPI application: factory, lifespan, static files, routers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..kb import KB
from . import errors, htmlerrors, named, web
from .protect import protect
from .routers import apidocs, check, linked_data, lookup, pages, queries, reports, sparql, validate
from .settings import Settings, from_env
from .state import ServiceState

log = logging.getLogger("thamquyen.api")
STATIC = Path(__file__).resolve().parent / "static"

DESCRIPTION = """
Tra cứu thẩm quyền quản lý nhà nước: ai giữ thẩm quyền nào, ở đơn vị hành chính nào, vào
ngày nào, theo căn cứ pháp lý nào (phân quyền, phân cấp, ủy quyền).

*Who holds which state power in Viet Nam, where, when, and on what legal basis.*

* `/api/who-holds`, `/api/powers/{id}/holders`, `/api/authorities/{id}/powers`, `/api/search`
* `/api/queries` — the named questions, each its own operation below
* `/sparql` — read-only SPARQL 1.1 endpoint (YASGUI in a browser)
* `/id/…` — every data IRI as a page (HTML) or as RDF (Turtle, JSON-LD, N-Triples)
* `POST /api/validate` — SHACL check of a Turtle document

Errors are JSON `{"error": code, "detail": text}` (Vietnamese first, then English).
"""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the SPARQL workers (and open the store if it was not given); stop them at the end."""
    state: ServiceState = app.state.service
    state.start()
    try:
        yield
    finally:
        state.close()


def create_app(settings: Settings | None = None, kb: KB | None = None,
               catalog: list[Any] | None = None) -> FastAPI:
    """The application. Settings default to THAMQUYEN_* variables; `kb` may be opened already."""
    settings = settings or from_env()
    catalog = named.load() if catalog is None else catalog
    app = FastAPI(title="thamquyen — tra cứu thẩm quyền", version=__version__,
                  description=DESCRIPTION, lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.service = ServiceState(settings, kb)
    app.state.catalog = catalog
    errors.install(app)
    htmlerrors.install(app)  # browsers get the same errors as pages
    web.install(app.state.service)
    protect(app, settings)
    app.include_router(lookup.router)
    app.include_router(queries.build_router(catalog))
    app.include_router(validate.router)
    app.include_router(sparql.router)
    app.include_router(linked_data.router)
    app.include_router(pages.router)
    app.include_router(reports.router)
    app.include_router(check.router)
    apidocs.install(app)
    app.mount("/static/app", StaticFiles(directory=STATIC), name="static")
    yasgui = app.state.service.yasgui_dir
    if yasgui is not None:
        app.mount("/static/yasgui", StaticFiles(directory=yasgui), name="yasgui")
    else:
        log.warning("YASGUI not found (run `npm ci`): /sparql shows a plain form")

    return app


def app_from_env() -> FastAPI:
    """For `uvicorn --factory thamquyen.api.app:app_from_env`."""
    return create_app()
