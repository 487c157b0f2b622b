"""Running user SPARQL for /sparql with a deadline and a row cap, on either store.

* Persistent embedded store: a small pool of worker processes, each with the store opened
  read-only. A query past its deadline gets its process killed (pyoxigraph has no query
  timeout and a thread cannot be stopped); a fresh worker is started in the background.
* In-memory embedded store (development only): a thread with a soft deadline — the client
  gets its 503 on time but the query runs on to its end.
* Remote store: the query is forwarded (POST form) with the HTTP client giving up at the
  deadline; the answer is streamed, capped and re-written in the format the client asked for.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Protocol
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

from ..store import EmbeddedStore, RemoteSettings, StoreError
from . import worker
from .queryguard import parsed_service

log = logging.getLogger("thamquyen.api.sparql")


@dataclass
class QueryJob:
    """One /sparql request, after content negotiation."""

    query: str
    table: tuple[str, str] | None  # (media type, writer) for SELECT/ASK, None if unacceptable
    graph: tuple[str, str] | None  # the same for CONSTRUCT/DESCRIBE
    limit: int
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    max_bytes: int = 0  # largest answer body (0: no cap)
    timeout: float = 0.0  # this query's deadline in seconds (0: the executor's own)


@dataclass
class QueryAnswer:
    """The bytes to send back."""

    media_type: str
    body: bytes
    truncated: bool


class QueryFailed(Exception):
    """A query that did not give an answer: kind is syntax, timeout, busy, unavailable,
    not_acceptable, federation, too_complex, too_large or error."""

    def __init__(self, kind: str, message: str = ""):
        super().__init__(message or kind)
        self.kind, self.message = kind, message


class Executor(Protocol):
    """What the /sparql router needs."""

    def run(self, job: QueryJob, waited: Callable[[], float] | None = None) -> QueryAnswer:
        """Run the query (blocking; call it off the event loop); past a fair share of time it
        may be stopped while `waited()` (how long another client has waited) is above 0."""

    def close(self) -> None:
        """Stop workers, close connections."""

    def problem(self) -> str | None:
        """Why no query can run now, or None."""

    def counts(self) -> dict[str, int] | None:
        """Worker processes (live, idle, size), or None when the executor has none."""


def _refuse_federation(job: QueryJob) -> None:
    """The parsed-query check, for executors without a network-less worker in between."""
    if parsed_service(job.query):
        raise QueryFailed("federation", "SERVICE")


def cpu_seconds(pid: int) -> float:
    """Processor time a process has used (user + system), 0 if it cannot be read. CPU time,
    not wall time: on a busy machine a small query at low priority may wait long for a
    processor, and it is not the one to stop."""
    return worker.stat_cpu_seconds(f"/proc/{pid}/stat")


def _answer(raw: tuple) -> QueryAnswer:
    if raw[0] == "ok":
        return QueryAnswer(raw[1], raw[2], raw[3])
    raise QueryFailed(raw[0], raw[1])


# ---------------------------------------------------------------- embedded, persistent


STARTUP_SECONDS = 60.0
SPARE_WORKERS = 1  # query workers started beyond those the admission gate lets run at once
FAIR_SHARE = 2.0  # seconds of CPU a query may take while other clients wait for a worker
FAIR_SHARE_WALL = 5.0  # … or seconds in all, CPU or not
# Once a client has waited LONG_WAIT, every query that has run SHORT_SHARE gives way: the
# queries admitted ahead of it may all be runaways not yet known as such (each one's first),
# and a share of 5 s each would keep it waiting past the deadline.
LONG_WAIT = 2.5
SHORT_SHARE = 1.0
POLL_SECONDS = 0.25  # how often a running query looks whether others wait
FAIR_SHARE_STOP = "fair share"  # the message of a query stopped for others before its deadline
LONG_WAIT_STOP = "long wait"  # … stopped after SHORT_SHARE for a client waiting LONG_WAIT


class _KilledFromOutside(Exception):
    """The worker got SIGKILL from another process while running a query."""


def worker_environment() -> dict[str, str]:
    """The environment a worker process starts with: this one's, with one line per crash in
    the log and at most two malloc arenas (unless the operator chose a number)."""
    # glibc reserves 64 MB of address space per arena and makes one per busy thread (RocksDB
    # starts three): a worker's address space at start-up went from 0.3 GB to 0.56-0.8 GB
    # from run to run, so under its cap (RLIMIT_AS) a thread could not get a stack and the
    # worker aborted before it was ready; a query's share of the cap varied as much.
    return {**os.environ, "RUST_BACKTRACE": "0",
            "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2")}


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen
    conn: Connection


class WorkerPool:
    """Worker processes over the persistent store; killed and replaced on timeout.

    A worker that cannot be started (no file descriptors, no memory) is retried in the
    background with a growing pause until it starts; meanwhile `problem()` says why."""

    def __init__(self, location: Path, size: int, timeout: float, memory_mb: int = 0,
                 module: str = "thamquyen.api.worker", nice: int = worker.NICE):
        self.location, self.timeout, self.memory_mb = str(location), timeout, memory_mb
        self.size = max(1, size)
        self.module, self.nice = module, nice  # the worker program (queries or validations)
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.closed = False
        self.live: set[_Worker] = set()
        self.lock = threading.Lock()
        self.failure: str | None = None
        for _ in range(self.size):
            try:
                self.idle.put(self._start())
            except OSError as exc:
                self._note_failure(exc)
                self._refill()

    def _start(self) -> _Worker:
        """A fresh `python -m MODULE` (a worker) talking over a socket pair."""
        mine, theirs = socket.socketpair()
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", self.module, str(theirs.fileno()), self.location,
                 str(self.memory_mb), str(self.nice)],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=worker_environment())
        except BaseException:
            mine.close()
            raise
        finally:
            theirs.close()
        started = _Worker(process, Connection(mine.detach()))
        with self.lock:
            self.live.add(started)
        try:  # ready: left the network, parser loaded (a fresh worker answers at once)
            if started.conn.poll(STARTUP_SECONDS) and started.conn.recv() == "ready":
                return started
        except (EOFError, OSError):
            pass
        self._stop(started)
        raise OSError(f"the worker process did not start (exit {process.returncode})")

    def _note_failure(self, exc: OSError) -> None:
        self.failure = f"không khởi động được tiến trình truy vấn — cannot start a SPARQL worker: {exc}"
        log.warning("%s", self.failure)

    def _refill(self) -> None:
        """Start one worker in the background, retrying with back-off until it starts."""

        def restart() -> None:
            pause = 0.2
            while not self.closed:
                try:
                    self.idle.put(self._start())
                except OSError as exc:
                    self._note_failure(exc)
                    time.sleep(pause)
                    pause = min(pause * 2, 5.0)
                    continue
                self.failure = None
                return

        threading.Thread(target=restart, name="thamquyen-worker-restart", daemon=True).start()

    def problem(self) -> str | None:
        """Why the pool is short of workers (starting one failed), else None."""
        with self.lock:
            alive = len(self.live)
        return self.failure if alive < self.size and self.failure else None

    def _stop(self, w: _Worker) -> None:
        with self.lock:
            self.live.discard(w)
        if w.process.poll() is None:
            w.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            w.process.wait(timeout=5)
        w.conn.close()

    def _replace(self, w: _Worker) -> None:
        """Start a worker's successor in the background, kill it, and reap it in the background."""
        # The successor first, and no waiting here for the killed one to exit: an idle-scheduled
        # process on a saturated machine may take seconds to be scheduled and run its exit, and
        # meanwhile the pool is one short (a legitimate query would wait for a worker).
        self._refill()
        with self.lock:
            self.live.discard(w)
        if w.process.poll() is None:
            w.process.kill()
        w.conn.close()
        threading.Thread(target=w.process.wait, name="thamquyen-worker-reap", daemon=True).start()

    def counts(self) -> dict[str, int]:
        """Workers started and ready (idle or running a query), idle, and the pool's size."""
        with self.lock:
            live = len(self.live)
        return {"live": live, "idle": self.idle.qsize(), "size": self.size}

    def run(self, job: QueryJob, waited: Callable[[], float] | None = None) -> QueryAnswer:
        """Run on an idle worker; past the deadline the worker is killed (503 timeout), and
        so it is past its fair share while `waited()` says another client waits (see
        `_gives_way`)."""
        return _answer(self.call(asdict(job), waited))

    def call(self, payload: dict, waited: Callable[[], float] | None = None) -> tuple:
        """The worker's raw answer to one job; past the deadline (waiting for a worker
        included) the worker is killed and QueryFailed("timeout") raised."""
        deadline = time.monotonic() + (payload.get("timeout") or self.timeout)
        for _attempt in range(3):
            w = self._take(deadline)
            try:
                w.conn.send(payload)
            except (BrokenPipeError, OSError):
                self._replace(w)  # it died while idle: the query never ran, try another
                continue
            try:
                return self._wait(w, deadline, waited)
            except _KilledFromOutside:
                continue  # killed by someone else (operator, OOM killer): once more on a fresh one
        raise QueryFailed("too_large", "SPARQL workers keep dying")

    def _take(self, deadline: float) -> _Worker:
        """An idle worker, waited for until the query's deadline at most (then 503 busy: the
        query never ran, and no worker is killed for it). Callers are admitted no faster than
        workers exist, so a long wait means the pool is broken (restarts failing): answer at
        once rather than hang. (Restarts failing with a worker still idle: the query runs.)"""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise QueryFailed("busy", "every SPARQL worker is busy")
            try:
                return self.idle.get(timeout=min(0.5, left))
            except queue.Empty:
                problem = self.problem()
                if problem:
                    raise QueryFailed("unavailable", problem) from None

    def _wait(self, w: _Worker, deadline: float, waited: Callable[[], float] | None = None) -> tuple:
        started, cpu_before = time.monotonic(), cpu_seconds(w.process.pid)
        stop: str | None = None
        try:
            while True:
                left = deadline - time.monotonic()
                ready = w.conn.poll(max(0.0, min(left, POLL_SECONDS) if waited else left))
                if ready or left <= 0:
                    break
                if waited and (stop := self._gives_way(w, started, cpu_before, waited())):
                    break  # had its share while others wait: stopped as at the deadline
            raw = w.conn.recv() if ready else None
        except (EOFError, OSError) as exc:
            self._refill()
            self._stop(w)  # it is exiting on its own: its exit status says why
            code = w.process.returncode
            log.warning("SPARQL worker %s died during a query (exit %s)", w.process.pid, code)
            if code == -signal.SIGKILL and time.monotonic() < deadline:
                raise _KilledFromOutside from exc
            # SIGABRT: over its memory cap (RLIMIT_AS); SIGSEGV: out of stack
            raise QueryFailed("too_large", "worker died") from exc
        if raw is None:
            ran = time.monotonic() - started
            log.warning("query stopped after %.1f s; worker %s killed", ran, w.process.pid)
            self._replace(w)
            raise QueryFailed("timeout", stop or "")
        self.idle.put(w)
        return raw

    @staticmethod
    def _gives_way(w: _Worker, started: float, cpu_before: float, waited: float) -> str | None:
        """Why the query must stop for a client that has waited `waited` seconds, or None: it
        had its fair share (FAIR_SHARE seconds of CPU, or FAIR_SHARE_WALL in all on a machine so
        busy that the low-priority worker hardly runs), or it ran SHORT_SHARE and that client
        has waited LONG_WAIT."""
        if waited <= 0:
            return None
        ran = time.monotonic() - started
        if waited >= LONG_WAIT and ran >= SHORT_SHARE:
            return LONG_WAIT_STOP
        if ran > FAIR_SHARE_WALL or cpu_seconds(w.process.pid) - cpu_before > FAIR_SHARE:
            return FAIR_SHARE_STOP
        return None

    def close(self) -> None:
        """Ask every worker to stop, then kill what is left."""
        self.closed = True
        with self.lock:
            workers = list(self.live)
        for w in workers:
            with contextlib.suppress(BrokenPipeError, OSError):
                w.conn.send(None)
        for w in workers:
            with contextlib.suppress(subprocess.TimeoutExpired):
                w.process.wait(timeout=2)
            self._stop(w)


# ---------------------------------------------------------------- embedded, in memory


class ThreadExecutor:
    """In-memory store: a daemon thread per query with a soft deadline (development only)."""

    def __init__(self, store: ox.Store, timeout: float):
        self.store, self.timeout = store, timeout

    def run(self, job: QueryJob, waited: Callable[[], float] | None = None) -> QueryAnswer:
        """Run the query; answer 503 at the deadline (the thread runs on; no fair share)."""
        _refuse_federation(job)
        box: list[tuple] = []

        def target() -> None:
            try:
                box.append(worker.run_job(self.store, asdict(job)))
            except Exception as exc:  # reported as a failed query
                box.append(("error", f"{type(exc).__name__}: {exc}"))

        thread = threading.Thread(target=target, name="thamquyen-sparql", daemon=True)
        thread.start()
        thread.join(job.timeout or self.timeout)
        if not box:
            raise QueryFailed("timeout")
        return _answer(box[0])

    def close(self) -> None:
        """Nothing to stop."""

    def problem(self) -> str | None:
        """Always able to run."""
        return None

    def counts(self) -> dict[str, int] | None:
        """No worker processes."""
        return None


# ---------------------------------------------------------------- remote


class _StreamReader(io.RawIOBase):
    """A file-like view of an HTTP body that enforces the overall deadline."""

    def __init__(self, chunks: Iterator[bytes], deadline: float):
        self.chunks, self.deadline, self.buffer = chunks, deadline, b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self.buffer:
            if time.monotonic() > self.deadline:
                raise TimeoutError("deadline passed while reading the answer")
            try:
                self.buffer = next(self.chunks)
            except StopIteration:
                return 0
        size = min(len(target), len(self.buffer))
        target[:size], self.buffer = self.buffer[:size], self.buffer[size:]
        return size


REMOTE_ACCEPT = ("application/sparql-results+json, application/n-triples;q=0.9, "
                 "text/turtle;q=0.8")


class RemoteExecutor:
    """Forward the query to the remote store's query endpoint, within the deadline."""

    def __init__(self, remote: RemoteSettings, timeout: float):
        self.remote, self.timeout = remote, timeout
        self.client = httpx.Client(auth=remote.httpx_auth(),
                                   timeout=httpx.Timeout(timeout, connect=min(timeout, 5)))

    def run(self, job: QueryJob, waited: Callable[[], float] | None = None) -> QueryAnswer:
        """Forward, parse the streamed answer into terms, write it in the negotiated format
        (the remote store has its own scheduling: no fair share here)."""
        _refuse_federation(job)
        data = [("query", job.query)]
        graphs = job.default_graphs or ([self.remote.graph] if self.remote.graph else [])
        data += [("default-graph-uri", g) for g in graphs]
        data += [("named-graph-uri", g) for g in job.named_graphs]
        deadline = time.monotonic() + self.timeout
        try:
            with self.client.stream("POST", self.remote.query_url, content=urlencode(data),
                                    headers={"Accept": REMOTE_ACCEPT,
                                             "Content-Type": "application/x-www-form-urlencoded"},
                                    ) as response:
                if response.status_code >= 300:
                    self._refuse(response)
                kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
                reader = io.BufferedReader(_StreamReader(response.iter_bytes(), deadline))
                return _answer(self._convert(job, kind, reader))
        except (httpx.TimeoutException, TimeoutError) as exc:
            raise QueryFailed("timeout") from exc
        except httpx.HTTPError as exc:
            raise StoreError(f"{self.remote.query_url}: {exc}") from exc
        except (OSError, SyntaxError, ValueError) as exc:  # the answer broke off or is garbled
            if time.monotonic() > deadline:
                raise QueryFailed("timeout") from exc
            raise StoreError(f"{self.remote.query_url}: unreadable answer ({exc})") from exc

    def _refuse(self, response: httpx.Response) -> None:
        response.read()
        text = response.text.strip()[:2000]
        if response.status_code == 400:
            raise QueryFailed("syntax", text)
        if response.status_code in (503, 504) and "timeout" in text.lower():
            raise QueryFailed("timeout")
        raise StoreError(f"{self.remote.query_url}: HTTP {response.status_code} {text[:300]}")

    @staticmethod
    def _convert(job: QueryJob, kind: str, reader: io.BufferedReader) -> tuple:
        from .results import render

        if kind in ("application/sparql-results+json", "application/json"):
            result = ox.parse_query_results(reader, format=ox.QueryResultsFormat.JSON)
            if job.table is None:
                return ("not_acceptable", "table")
            variables = ([v.value for v in result.variables]
                         if isinstance(result, ox.QuerySolutions) else None)
            media, fmt = job.table
            return _capped(job, media, *render(result, variables, fmt, job.limit))
        rdf = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
               "text/turtle": ox.RdfFormat.TURTLE}.get(kind)
        if rdf is None:
            raise StoreError(f"unexpected answer type {kind!r} from the remote store")
        if job.graph is None:
            return ("not_acceptable", "graph")
        media, fmt = job.graph
        triples = (q.triple for q in ox.parse(reader, format=rdf))
        return _capped(job, media, *render(triples, None, fmt, job.limit))

    def close(self) -> None:
        """Close the HTTP connections."""
        self.client.close()

    def problem(self) -> str | None:
        """The remote store's state is reported by /health's own probe."""
        return None

    def counts(self) -> dict[str, int] | None:
        """No worker processes."""
        return None


def _capped(job: QueryJob, media: str, body: bytes, truncated: bool) -> tuple:
    """The answer tuple, or too_large when the body is over the job's cap."""
    if job.max_bytes and len(body) > job.max_bytes:
        return ("too_large", str(len(body)))
    return ("ok", media, body, truncated)


def make_executor(store: object, remote: RemoteSettings | None, timeout: float,
                  workers: int, memory_mb: int = 0, nice: int = worker.NICE) -> Executor:
    """The executor that fits the store (`nice`: the CPU priority of worker processes)."""
    if remote is not None:
        return RemoteExecutor(remote, timeout)
    if isinstance(store, EmbeddedStore) and store.location is not None:
        # one spare: a worker killed at its deadline is replaced in the background (a second
        # or more on a busy machine) while the admission gate lets `workers` queries run
        return WorkerPool(store.location / "oxigraph", workers + SPARE_WORKERS, timeout, memory_mb,
                          nice=nice)
    if isinstance(store, EmbeddedStore):
        log.warning("in-memory store: /sparql timeouts are soft (the query is not stopped)")
        return ThreadExecutor(store.store, timeout)
    raise TypeError(f"no SPARQL executor for {type(store).__name__}")
