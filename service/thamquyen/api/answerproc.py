"""The nationwide answers' own process: the web processes ask it, it computes and keeps them.

A nationwide who-holds answer (up to ~10,000 holders) takes up to half a second of CPU in
Python; computed in a web process it holds Python's one running thread (the GIL) that whole
time, and every lookup and /health of that process waits behind it. So with several web
processes (`serve_in_processes`) as many answer processes are forked from the same knowledge
base (its memory stays shared until written), taking turns on one listening socket: they
compute the answers for every web process, keep them (AnswerCache, `THAMQUYEN_ANSWER_CACHE_MB`)
and run below the web processes' CPU priority.
A web process sends (power, day) over a Unix socket and waits for the ready answer with its
thread in a system call, not holding the GIL; it keeps what it received in its own AnswerCache.
The answer page of a unit (`/tra-cuu`: the answer, its timeline, its labels) and the page of a
data IRI (`/id/…`: its description, labels, a power's holders) are built there too, for the
same reason, and rendered by the web process: what stays in the web process is cheap, so a
quick lookup there never waits long for Python's one running thread. If no answer process can be
reached (one died; the parent starts another), the web process computes it itself: slower
for the others, never an error.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import pickle
import socket
import struct
import threading
from collections.abc import Callable
from typing import Any

from ..kb import KB
from .answerview import AnswerView, build_answer
from .describe import Page, build_page
from .nationwide import AnswerCache, Nationwide, compute
from .worker import lower_priority

log = logging.getLogger("thamquyen.api")
LENGTH = struct.Struct("!Q")
MAX_REQUEST = 64 * 1024
# A little below the web processes (CPU weight 655 against 1024): a woken web process gets a
# processor first, yet on a busy machine the pages, whose work is done here now, are not
# starved (at nice 5, in a closed-loop bench on a busy machine, they waited twice as long).
NICE = 2


class AnswerUnavailable(Exception):
    """The answer process could not give the answer (gone, or the answer failed there)."""


def address() -> str:
    """A Unix socket address of this server's own (abstract namespace: no file to clean up)."""
    return f"\0thamquyen-answers-{os.getpid()}-{os.urandom(4).hex()}"


def listen(where: str) -> socket.socket:
    """The answer process's listening socket (bound in the parent, so that it exists before
    any web process asks, and survives a restart of the answer process)."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(where)
    listener.listen(64)
    return listener


def serve(kb: KB, listener: socket.socket, budget: int, nice: int = NICE) -> None:
    """The answer process's loop: one thread per request, answers kept within `budget`."""
    lower_priority(nice)
    cache = AnswerCache(budget)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=_answer, args=(kb, cache, conn), daemon=True,
                         name="thamquyen-answer").start()


def _answer(kb: KB, cache: AnswerCache, conn: socket.socket) -> None:
    with conn:
        try:
            asked = json.loads(_receive(conn, MAX_REQUEST))
            day = dt.date.fromisoformat(asked["day"])
            if asked.get("kind") == "page":
                answer: object = build_answer(kb, asked["power"], asked["unit"], day,
                                              asked["root"], asked["lang"])
            elif asked.get("kind") == "describe":
                answer = build_page(kb, asked["iri"], day, asked["root"], asked["province"],
                                    asked["page"], functools.partial(cache.get, kb))
            else:
                answer = cache.get(kb, asked["power"], day)
            reply = pickle.dumps(("ok", answer), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # reported to the web process, which computes it itself
            log.exception("nationwide answer failed")
            reply = pickle.dumps(("error", f"{type(exc).__name__}: {exc}"))
        _send(conn, reply)


class AnswerClient:
    """A web process's side: `get` is an AnswerCache source."""

    def __init__(self, where: str, timeout: float):
        self.where, self.timeout = where, timeout

    def get(self, kb: KB, power: str, day: dt.date) -> Nationwide:
        """The answer from the answer process; computed here if that process cannot answer."""
        try:
            return self.ask(power, day)
        except (AnswerUnavailable, OSError) as exc:
            log.warning("answer process unavailable, computing here: %s", exc)
            return compute(kb, power, day)

    def ask(self, power: str, day: dt.date) -> Nationwide:
        """The answer process's answer (AnswerUnavailable or OSError if there is none)."""
        return self._call({"power": power, "day": day.isoformat()})

    def page(self, kb: KB, power: str, unit: str | None, day: dt.date, root: str,
             lang: str) -> AnswerView:
        """The answer page's content (`build_answer`), built in an answer process (here if none
        can be reached)."""
        try:
            return self._call({"kind": "page", "power": power, "unit": unit,
                               "day": day.isoformat(), "root": root, "lang": lang})
        except (AnswerUnavailable, OSError) as exc:
            log.warning("answer process unavailable, building the page here: %s", exc)
            return build_answer(kb, power, unit, day, root, lang)

    def describe(self, kb: KB, iri: str, day: dt.date, root: str, province: str | None,
                 page: int, nationwide: Callable[[str, dt.date], Nationwide]) -> Page:
        """The /id/ page's content (`build_page`), built in an answer process (here, with the
        web process's `nationwide` answers, if none can be reached)."""
        try:
            return self._call({"kind": "describe", "iri": iri, "day": day.isoformat(),
                               "root": root, "province": province, "page": page})
        except (AnswerUnavailable, OSError) as exc:
            log.warning("answer process unavailable, building the page here: %s", exc)
            return build_page(kb, iri, day, root, province, page, nationwide)

    def _call(self, request: dict) -> Any:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(self.timeout)
            conn.connect(self.where)
            _send(conn, json.dumps(request).encode())
            status, value = pickle.loads(_receive(conn))
        if status != "ok":
            raise AnswerUnavailable(value)
        return value


def _send(conn: socket.socket, data: bytes) -> None:
    conn.sendall(LENGTH.pack(len(data)) + data)


def _receive(conn: socket.socket, limit: int | None = None) -> bytearray:
    (length,) = struct.unpack("!Q", _exactly(conn, LENGTH.size))
    if limit is not None and length > limit:
        raise AnswerUnavailable(f"request of {length} bytes")
    return _exactly(conn, length)


def _exactly(conn: socket.socket, length: int) -> bytearray:
    buffer = bytearray(length)  # filled in place: an 11 MB answer is not copied again
    view, got = memoryview(buffer), 0
    while got < length:
        n = conn.recv_into(view[got:])
        if n == 0:
            raise AnswerUnavailable("connection closed")
        got += n
    return buffer
