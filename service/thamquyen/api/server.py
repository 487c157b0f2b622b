"""The HTTP server's own defences (uvicorn with h11): read deadlines, a connection cap, JSON 400s.

uvicorn has a keep-alive timeout but none for reading a request: a client that sends its
headers one byte a minute keeps its connection for ever, and enough of them exhaust the file
descriptors. Here every connection must deliver its headers within `header_timeout` and its
whole request within `body_timeout`, or it is closed; past `max_connections` open connections a
new one is closed at once. A production deployment still belongs behind a reverse proxy
(deploy/nginx.conf), which does this before a single byte reaches Python.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import h11
import pyoxigraph as ox
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..kb import KB
from ..store import EmbeddedStore
from . import answerproc
from .describe import warm
from .settings import Settings

log = logging.getLogger("thamquyen.api")

BAD_REQUEST = json.dumps({"error": "bad_request",
                          "detail": "yêu cầu HTTP không hợp lệ hoặc dòng/tiêu đề quá dài (tối đa 64 KB); "
                                    "truy vấn dài hãy gửi bằng POST — invalid HTTP request or request "
                                    "line/headers too long (64 KB at most); send long queries by POST."},
                         ensure_ascii=False).encode("utf-8")
MAX_HEAD_BYTES = 64 * 1024
# Seconds a thread computing a page keeps Python's one running thread (the GIL) while the
# event loop waits for it (Python's default is 5 ms). Each request passes through the loop
# several times, and with two pages computing a loop woken by a quick lookup or /health waited
# 5 ms or more at each pass: 1 ms cuts that wait about five-fold, at a cost of a few µs a switch.
SWITCH_INTERVAL = 0.001


class GuardedH11Protocol(H11Protocol):
    """H11Protocol with header and body read deadlines, a connection cap and a JSON 400."""

    header_timeout = 10.0
    body_timeout = 60.0
    max_connections = 2000

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            transport.abort()
            return
        self._arm(self.header_timeout, headers_only=True)

    def _arm(self, seconds: float, headers_only: bool) -> None:
        self._cancel_read_deadline()
        self._read_deadline = self.loop.call_later(seconds, self._read_too_slow, headers_only)

    def _cancel_read_deadline(self) -> None:
        handle: asyncio.TimerHandle | None = getattr(self, "_read_deadline", None)
        if handle is not None:
            handle.cancel()
        self._read_deadline = None

    def _read_too_slow(self, headers_only: bool) -> None:
        if headers_only and self.conn.their_state is not h11.IDLE:
            return
        if self.conn.their_state not in (h11.DONE, h11.MUST_CLOSE, h11.CLOSED):
            self.transport.close()

    def handle_events(self) -> None:
        """After h11 has the headers, the rest of the request gets the body deadline."""
        had_cycle = self.cycle
        super().handle_events()
        if self.cycle is not None and self.cycle is not had_cycle:
            self._arm(self.body_timeout, headers_only=False)
        if self.conn.their_state in (h11.DONE, h11.MUST_CLOSE):
            self._cancel_read_deadline()

    def on_response_complete(self) -> None:
        """A kept-alive connection has the header deadline again for its next request."""
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm(max(self.header_timeout, self.timeout_keep_alive), headers_only=True)

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_read_deadline()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        """The protocol-level 400 (bad request line, headers too long) as our JSON document."""
        if self.conn.our_state is not h11.IDLE:
            self.transport.close()
            return
        headers = [("content-type", "application/json"), ("connection", "close"),
                   ("content-length", str(len(BAD_REQUEST)))]
        try:
            self.transport.write(self.conn.send(h11.Response(status_code=400, headers=headers)))
            self.transport.write(self.conn.send(h11.Data(data=BAD_REQUEST)))
            self.conn.send(h11.EndOfMessage())
        except h11.LocalProtocolError:
            self.transport.close()
            return
        # Closing with unread input would reset the connection and the client would never see
        # the answer: say we are done writing, swallow what is still coming, close soon after.
        self._draining = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(2.0, self.transport.close)

    def data_received(self, data: bytes) -> None:
        """Normal input goes to h11; after a protocol-level 400 it is read and dropped."""
        if getattr(self, "_draining", False):
            return
        super().data_received(data)


def protocol_for(settings: Settings) -> type[GuardedH11Protocol]:
    """The protocol class carrying these settings' deadlines and cap."""
    return type("ThamquyenH11Protocol", (GuardedH11Protocol,), {
        "header_timeout": settings.header_timeout, "body_timeout": settings.body_timeout,
        "max_connections": settings.max_connections})


def server_config(app: Any, settings: Settings, log_level: str = "info") -> uvicorn.Config:
    """uvicorn's configuration for the service: h11 with our deadlines, keep-alive, caps."""
    return uvicorn.Config(
        app, host=settings.host, port=settings.port, log_level=log_level,
        http=protocol_for(settings), timeout_keep_alive=max(1, int(settings.keep_alive)),
        h11_max_incomplete_event_size=MAX_HEAD_BYTES, backlog=2048,
        # uvicorn answers 503 itself past this many requests in progress: a last resort, the
        # admission gates answer far earlier for heavy requests
        limit_concurrency=settings.max_connections + 1, timeout_graceful_shutdown=5,
        server_header=False)


def serve_in_processes(settings: Settings, kb: KB, processes: int, log_level: str = "info") -> None:
    """Run `processes` web processes on one listening socket (the embedded store).

    They are forked once the knowledge base has been read, so its memory is shared until a
    process writes to it; each reopens the store read-only and starts its own SPARQL and
    validation workers. A web process that dies is replaced; SIGTERM or SIGINT stops them all.
    Why: one Python process runs one request at a time (the GIL), so on several processors
    a slow page would hold up the quick lookups queued behind it. As many answer processes
    (answerproc.py) compute the nationwide answers, taking turns on one Unix socket."""
    listening = server_config(None, settings, log_level).bind_socket()
    warm(kb)
    gc.freeze()  # the knowledge base's objects stay shared: the collector never writes them
    where = answerproc.address()
    answers = answerproc.listen(where)
    settings = replace(settings, answers_socket=where)
    children: set[int] = set()
    helpers = {_fork_answers(settings, kb, answers) for _ in range(processes)}
    stopping = threading.Event()

    def stop(signum: int, _frame: object) -> None:
        stopping.set()
        for pid in children | helpers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(processes):
        children.add(_fork(settings, kb, listening, log_level))
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        if pid in helpers:
            helpers.discard(pid)
            if not stopping.is_set():
                log.warning("answer process %s ended (status %s); starting another", pid, status)
                time.sleep(1)
                helpers.add(_fork_answers(settings, kb, answers))
            continue
        children.discard(pid)
        if not stopping.is_set():
            log.warning("web process %s ended (status %s); starting another", pid, status)
            time.sleep(1)
            children.add(_fork(settings, kb, listening, log_level))
    for pid in helpers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    listening.close()
    answers.close()


def _fork(settings: Settings, kb: KB, listening: socket.socket, log_level: str) -> int:
    """Start one web process; its pid (in the child: serve until told to stop, then exit)."""

    def web() -> None:
        sys.setswitchinterval(SWITCH_INTERVAL)
        from .app import create_app

        uvicorn.Server(server_config(create_app(settings, kb), settings, log_level)).run(
            sockets=[listening])

    return _fork_child(kb, web)


def _fork_answers(settings: Settings, kb: KB, listener: socket.socket) -> int:
    """Start the nationwide answers' process (answerproc.py); its pid."""
    return _fork_child(kb, lambda: answerproc.serve(
        kb, listener, int(settings.answer_cache_mb * 1024 * 1024)))


def _fork_child(kb: KB, run: Callable[[], None]) -> int:
    """Fork; in the child: default signals, its own store handle, `run`, then exit (0 when
    `run` returned). The parent gets the child's pid."""
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, signal.SIG_DFL)
        _reopen(kb)
        run()
        code = 0
    finally:
        os._exit(code)


def _reopen(kb: KB) -> None:
    """A store handle of this process's own (RocksDB handles are not shared across fork)."""
    store = kb.store
    if isinstance(store, EmbeddedStore) and store.location is not None:
        store.store = ox.Store.read_only(str(store.location / "oxigraph"))
        store.lock = threading.Lock()
