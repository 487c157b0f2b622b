"""Admission control: heavy requests wait for capacity without holding a thread, and only so many.

Gates sit in front of the heavy routes (an ASGI middleware, so a refused request costs
nothing; /sparql passes its gate in the router, after the checks that refuse a query at once):

* query — /sparql with a query: as many running as there are SPARQL workers, `sparql_queue`
  more waiting (on the event loop, no thread), the rest 503 `busy` at once; a wait longer than
  the query deadline also ends in 503 `busy`.
* named — /api/queries/{name}: the same, on the named queries' own workers (`named_workers`),
  so a flood of /sparql never queues them.
* validation — POST /api/validate: as many running as there are validation workers, four
  waiting, the rest 503 `busy`.
* page — /id/…: four rendered at once, more waiting; so slow pages cannot take every thread.

Each gate also caps the requests one client address has inside it (`client_queries`; 429
`too_many_requests`). Lookups, pages and /health pass no gate: heavy traffic never queues them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from .settings import Settings

Scope = dict
PAGE_SLOTS = 4  # pages rendered at once: slow pages must not take every thread of the pool
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


class Refused(Exception):
    """The gate is full (busy) or this client has too much in flight."""

    def __init__(self, status: int, code: str, vi: str, en: str):
        super().__init__(code)
        self.status, self.code, self.vi, self.en = status, code, vi, en


@dataclass
class Gate:
    """`running` at once, `waiting` more queued, `per_client` inside per client address."""

    running: int
    waiting: int
    per_client: int
    wait: float
    inside: int = 0
    clients: Counter = field(default_factory=Counter)
    _slots: asyncio.Semaphore | None = None

    def _enter(self, client: str) -> None:
        if self.clients[client] >= self.per_client:
            raise Refused(429, "too_many_requests",
                          f"bạn đang có {self.per_client} yêu cầu nặng chưa xong; hãy đợi chúng xong.",
                          f"you already have {self.per_client} heavy requests in flight; wait for them.")
        if self.inside >= self.running + self.waiting:
            raise busy()
        self.inside += 1
        self.clients[client] += 1

    def _leave(self, client: str) -> None:
        self.inside -= 1
        self.clients[client] -= 1
        if self.clients[client] <= 0:
            del self.clients[client]

    @contextlib.asynccontextmanager
    async def admit(self, client: str) -> AsyncIterator[None]:
        """Hold a slot for the block, once one is free (Refused at once when full)."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.running)
        self._enter(client)
        try:
            try:
                await asyncio.wait_for(self._slots.acquire(), self.wait)
            except TimeoutError:
                raise busy() from None
            try:
                yield
            finally:
                self._slots.release()
        finally:
            self._leave(client)


def busy() -> Refused:
    """The 503 of a full gate."""
    return Refused(503, "busy", "máy chủ đang bận với các yêu cầu nặng khác; hãy thử lại sau ít giây.",
                   "the server is busy with other heavy requests; try again in a few seconds.")


def gates(settings: Settings) -> dict[str, Gate]:
    """The gates of the heavy routes for these settings."""
    per_client = max(1, settings.client_queries)
    return {"query": Gate(max(1, settings.sparql_workers), max(0, settings.sparql_queue), per_client,
                          settings.query_timeout),
            "page": Gate(PAGE_SLOTS, 8 * PAGE_SLOTS, max(8, per_client), settings.timeout),
            "named": Gate(max(1, settings.named_workers), max(0, settings.sparql_queue), per_client,
                          settings.query_timeout),
            "validate": Gate(max(1, settings.validation_workers), 4, per_client,
                             settings.validation_timeout)}


def gate_name(scope: Scope) -> str | None:
    """Which gate the middleware puts a request through, or None (/sparql takes its own, after
    the cheap checks, so that a refused query never waits)."""
    path, method = scope.get("path", ""), scope.get("method", "GET")
    if path.startswith("/id/"):
        return "page"
    if path.startswith("/api/queries/"):
        return "named"
    if path == "/api/validate" and method == "POST":
        return "validate"
    return None


class AdmissionMiddleware:
    """The ASGI middleware that puts heavy requests through their gate."""

    def __init__(self, app: Callable, gates: dict[str, Gate]):
        self.app, self.gates = app, gates

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        name = gate_name(scope) if scope["type"] == "http" else None
        if name is None:
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("?",))[0]
        try:
            async with self.gates[name].admit(client):
                await self.app(scope, receive, send)
        except Refused as exc:
            await refuse(send, exc)


async def refuse(send: Send, exc: Refused) -> None:
    """Send the JSON error document of a refused request (with Retry-After)."""
    body = json.dumps({"error": exc.code, "detail": f"{exc.vi} — {exc.en}"},
                      ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": exc.status,
                "headers": [(b"content-type", b"application/json"), (b"retry-after", b"2"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
