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
* page — the pages and answers that may be heavy: /id/…, /tra-cuu and who-holds without a
  unit (up to ~10,000 holders): two computed at once per web process, more waiting; so that
  quick lookups share the processor (and Python's one running thread) with two at most.

Each gate also caps the requests one client address has inside it, waiting or running
(`client_queries`; 429 `too_many_requests`). The query gate also serves clients in good
standing first (see Gate). Lookups in a unit, searches and /health pass no gate: heavy traffic
never queues them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from .settings import Settings

Scope = dict
PAGE_SLOTS = 2  # heavy pages computed at once: each one more slows every quick lookup down
PAGE_QUEUE = 64  # heavy pages waiting (on the event loop: a waiting request costs no thread)
PENALTY_SECONDS = 60.0  # a client stays heavy this long after its last runaway query
HEAVY_DEADLINE = 0.5  # a heavy client's query deadline, as a share of the normal one
MAX_STRIKES = 10_000  # client addresses remembered before the expired ones are dropped
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


class Refused(Exception):
    """The gate is full (busy) or this client has too much in flight."""

    def __init__(self, status: int, code: str, vi: str, en: str):
        super().__init__(code)
        self.status, self.code, self.vi, self.en = status, code, vi, en


@dataclass
class Gate:
    """`running` at once, `waiting` more queued, `per_client` inside per client address.

    A gate that keeps strikes (`penalty` seconds > 0) serves clients in good standing first:
    a client whose query hit the deadline or the memory cap (`strike`) is *heavy* for
    `penalty` seconds — one request inside at a time, behind every other waiting client, with
    `reserve` slots it may never take (so a legitimate query always finds a worker), and the
    earlier deadline of `deadline()`."""

    running: int
    waiting: int
    per_client: int
    wait: float
    penalty: float = 0.0
    inside: int = 0
    clients: Counter = field(default_factory=Counter)
    held: int = 0  # slots taken (running)
    held_heavy: int = 0  # … of which by heavy clients
    strikes: dict[str, float] = field(default_factory=dict)  # client → time of its last strike
    queue: list[tuple[bool, asyncio.Future, float]] = field(default_factory=list)  # heavy?, grant, since

    @property
    def reserve(self) -> int:
        """Slots heavy clients never take: one when there are two or more."""
        return 1 if self.running > 1 and self.penalty > 0 else 0

    def heavy(self, client: str) -> bool:
        """True while the client's last strike is recent."""
        last = self.strikes.get(client)
        return last is not None and time.monotonic() - last < self.penalty

    def strike(self, client: str) -> None:
        """Note that a request of this client hit the deadline or the memory cap."""
        if self.penalty <= 0:
            return
        now = time.monotonic()
        if len(self.strikes) > MAX_STRIKES:  # forget the old ones (many addresses)
            self.strikes = {c: t for c, t in self.strikes.items() if now - t < self.penalty}
        self.strikes[client] = now

    def deadline(self, client: str, normal: float) -> float:
        """The query deadline for this client: shorter while it is heavy."""
        return max(1.0, normal * HEAVY_DEADLINE) if self.heavy(client) else normal

    def _enter(self, client: str, heavy: bool) -> None:
        limit = 1 if heavy else self.per_client
        if self.clients[client] >= limit:
            raise Refused(429, "too_many_requests",
                          f"bạn đang có {limit} yêu cầu nặng chưa xong; hãy đợi chúng xong.",
                          f"you already have {limit} heavy requests in flight; wait for them.")
        if self.inside >= self.running + self.waiting:
            raise busy()
        self.inside += 1
        self.clients[client] += 1

    def _leave(self, client: str) -> None:
        self.inside -= 1
        self.clients[client] -= 1
        if self.clients[client] <= 0:
            del self.clients[client]

    def longest_wait(self) -> float:
        """Seconds the longest-waiting client in good standing has waited for a slot, 0 when
        none waits (read from worker threads: running queries then give way, see executor)."""
        since = [t for heavy, future, t in list(self.queue) if not heavy and not future.done()]
        return max(1e-6, time.monotonic() - min(since)) if since else 0.0

    def _free(self, heavy: bool) -> bool:
        if self.held >= self.running:
            return False
        return not heavy or self.held_heavy < self.running - self.reserve

    def _take(self, heavy: bool) -> None:
        self.held += 1
        self.held_heavy += heavy

    def _release(self, heavy: bool) -> None:
        self.held -= 1
        self.held_heavy -= heavy
        self._hand_on()

    def _hand_on(self) -> None:
        """Give free slots to waiters: clients in good standing first, in order of arrival."""
        for wanted in (False, True):
            for entry in list(self.queue):
                heavy, future, _since = entry
                if heavy != wanted or future.done() or not self._free(heavy):
                    continue
                self._dequeue(entry)
                self._take(heavy)
                future.set_result(None)

    def _dequeue(self, entry: tuple[bool, asyncio.Future, float]) -> None:
        self.queue.remove(entry)

    async def _acquire(self, heavy: bool) -> None:
        waiting_ahead = any(not f.done() and (h == heavy or not h) for h, f, _ in self.queue)
        if self._free(heavy) and not waiting_ahead:
            self._take(heavy)
            return
        future = asyncio.get_running_loop().create_future()
        entry = (heavy, future, time.monotonic())
        self.queue.append(entry)
        try:
            await asyncio.wait_for(asyncio.shield(future), self.wait)
        except BaseException:
            if entry in self.queue:
                self._dequeue(entry)
            if future.done() and not future.cancelled():
                self._release(heavy)  # granted just as the wait ended: give it back
            else:
                future.cancel()
            raise

    @contextlib.asynccontextmanager
    async def admit(self, client: str) -> AsyncIterator[None]:
        """Hold a slot for the block, once one is free (Refused at once when full)."""
        heavy = self.heavy(client)
        self._enter(client, heavy)
        try:
            try:
                await self._acquire(heavy)
            except TimeoutError:
                raise busy() from None
            try:
                yield
            finally:
                self._release(heavy)
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
                          settings.query_timeout, PENALTY_SECONDS),
            "page": Gate(PAGE_SLOTS, PAGE_QUEUE, max(8, per_client), settings.timeout),
            "named": Gate(max(1, settings.named_workers), max(0, settings.sparql_queue), per_client,
                          settings.query_timeout),
            "validate": Gate(max(1, settings.validation_workers), 4, per_client,
                             settings.validation_timeout)}


def nationwide(scope: Scope) -> bool:
    """A who-holds question without a unit (the whole country)."""
    path = scope.get("path", "")
    if path != "/api/who-holds" and not (path.startswith("/api/powers/") and path.endswith("/holders")):
        return False
    return not any(value for key, value in parse_qsl(scope.get("query_string", b"").decode("latin-1"))
                   if key == "in")


def gate_name(scope: Scope) -> str | None:
    """Which gate the middleware puts a request through, or None (/sparql takes its own, after
    the cheap checks, so that a refused query never waits)."""
    path, method = scope.get("path", ""), scope.get("method", "GET")
    if path.startswith("/id/") or path == "/tra-cuu" or nationwide(scope):
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
