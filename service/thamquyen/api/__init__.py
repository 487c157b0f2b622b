"""The HTTP service (FastAPI): lookups, named queries, SPARQL, linked-data pages, validation.

Kept import-light on purpose: the SPARQL worker processes import `thamquyen.api.worker`
and must not pay for FastAPI. Use `create_app` from here or from `thamquyen.api.app`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(*args: Any, **kwargs: Any) -> FastAPI:
    """Build the application (see thamquyen.api.app.create_app)."""
    from .app import create_app as factory

    return factory(*args, **kwargs)
