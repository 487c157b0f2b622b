"""What every response of a public read-only service carries: CORS, security headers, and the
admission gates in front of the heavy routes (see admission.py)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from .admission import AdmissionMiddleware, Receive, Scope, Send, gates
from .settings import Settings

ALWAYS = [(b"x-content-type-options", b"nosniff"),
          (b"referrer-policy", b"strict-origin-when-cross-origin")]
# Pages may not be framed by another site (clickjacking) nor load plugins; scripts and styles
# are the pages' own business (YASGUI), so the policy says nothing about them.
HTML = [(b"content-security-policy", b"frame-ancestors 'none'; base-uri 'self'; object-src 'none'"),
        (b"x-frame-options", b"DENY")]


class SecurityHeaders:
    """Adds the security headers to every response (the HTML ones to pages)."""

    def __init__(self, app: Callable):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                kind = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                present = {k.lower() for k, _ in headers}
                extra = ALWAYS + (HTML if kind.startswith(b"text/html") else [])
                headers += [(k, v) for k, v in extra if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def protect(app: FastAPI, settings: Settings) -> None:
    """Install the gates, the security headers and CORS (outermost, so refusals carry it too)."""
    app.state.gates = gates(settings)
    app.add_middleware(AdmissionMiddleware, gates=app.state.gates)
    app.add_middleware(SecurityHeaders)
    # Public, read-only, no cookies: any origin may read; POST is for /sparql and validation.
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "HEAD"],
                       allow_headers=["Accept", "Content-Type", "Accept-Language"],
                       expose_headers=["X-Truncated", "X-Row-Limit", "Retry-After"], max_age=3600)
