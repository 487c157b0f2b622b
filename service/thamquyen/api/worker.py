"""A SPARQL worker process: opens the persistent store read-only and answers one query at a time.

Started by the parent as `python -m thamquyen.api.worker FD PATH MEMORY_MB` (FD: its end of a
socket pair). The parent kills the process when a query runs past its deadline (a thread cannot
be killed and pyoxigraph has no query timeout), then starts a fresh one.

Before it opens the store the process leaves the network (a network namespace of its own with
no interface up): pyoxigraph always has a SPARQL SERVICE client and no option to turn it off,
so this is what makes federation impossible even for a query the checks did not catch.
Its address space is capped (MEMORY_MB): a query that needs more dies here, not the machine.
It runs below the web process (nice 10, a tenth of its CPU weight), and a query that has used
IDLE_AFTER_CPU seconds of processor time is moved to SCHED_IDLE: when runaway queries take every
processor, lookups, pages and /health still get theirs at once, while a small query on a machine
busy with other work keeps the share nice 10 gives it (at nice 19, a fiftieth of nice 0's, an
ASK of a few milliseconds took seconds beside two busy processes).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import os
import resource
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from .queryguard import QueryRefused, federation_refused, parsed_service
from .results import render

CLONE_NEWNET, CLONE_NEWUSER = 0x40000000, 0x10000000
NICE = 10  # CPU weight 110 against the web process's 1024, until a query is moved to SCHED_IDLE
NAMED_NICE = 5  # the named queries' workers: a third, never SCHED_IDLE (the catalog's own queries)
IDLE_AFTER_CPU = 0.2  # seconds of processor time after which a query runs as SCHED_IDLE
WATCH_SECONDS = 0.05  # how often the worker looks at its running query's processor time
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def no_network() -> bool:
    """Move this (single-threaded) process into an empty network namespace; False if the OS
    does not allow it (then only the query checks stand between a query and the network)."""
    libc = ctypes.CDLL(None, use_errno=True)
    return any(libc.unshare(flags) == 0 for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET))


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space (0: no cap)."""
    if megabytes > 0:
        cap = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def lower_priority(nice: int = NICE, idle: bool = False) -> None:
    """Run below the web process (nice), so heavy work never starves the light requests; with
    `idle` also as SCHED_IDLE."""
    with contextlib.suppress(OSError):
        os.nice(nice)
    if idle:
        idle_policy()


def idle_policy(thread_id: int = 0) -> bool:
    """Schedule this process (or one of its threads, by native id) as SCHED_IDLE where the OS
    has it (no privilege needed); False if it could not."""
    # A niced process still keeps its processor until its time slice ends when a web
    # process wakes up; a SCHED_IDLE one gives it up at once, so a lookup or /health does not
    # wait behind a runaway query or an attack document's validation. There is no way back
    # without privilege, hence per query thread for the SPARQL workers.
    policy = getattr(os, "SCHED_IDLE", None)
    if policy is None:
        return False
    try:
        os.sched_setscheduler(thread_id, policy, os.sched_param(0))
    except OSError:
        return False
    return True


def stat_cpu_seconds(stat_path: str) -> float:
    """Processor time (user + system) in a /proc `stat` file; 0 if it cannot be read (the
    process or thread is gone)."""
    try:
        with open(stat_path) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def thread_cpu_seconds(thread_id: int) -> float:
    """Processor time a thread of this process has used; 0 once it is gone."""
    return stat_cpu_seconds(f"/proc/self/task/{thread_id}/stat")


def run_demoted(compute: Callable[[], tuple]) -> tuple:
    """`compute()` in a thread of its own, moved to SCHED_IDLE once it has used IDLE_AFTER_CPU
    seconds of processor time; `compute` must not raise."""
    outcome: list[tuple] = []

    def run() -> None:
        try:
            outcome.append(compute())
        finally:
            # pyoxigraph's query results may only be freed by the thread that made them, and
            # the renderers leave some in reference cycles: collect them here, not later in
            # the main thread (the start-up objects are frozen, so this is quick)
            gc.collect()

    thread = threading.Thread(target=run, name="query", daemon=True)
    thread.start()
    demoted = False
    while thread.is_alive():
        thread.join(WATCH_SECONDS)
        if not demoted and thread.native_id and thread_cpu_seconds(thread.native_id) >= IDLE_AFTER_CPU:
            demoted = idle_policy(thread.native_id)
    return outcome[0] if outcome else ("error", "the query's thread ended without an answer")


def dataset_options(job: dict) -> dict[str, Any]:
    """The SPARQL Protocol dataset (default-graph-uri, named-graph-uri) as pyoxigraph options."""
    defaults, named = job.get("default_graphs") or [], job.get("named_graphs") or []
    if not defaults and not named:
        return {}
    # Protocol: once any graph is named, the dataset is exactly the graphs named.
    return {"default_graph": [ox.NamedNode(g) for g in defaults],
            "named_graphs": [ox.NamedNode(g) for g in named]}


def run_job(store: ox.Store, job: dict) -> tuple:
    """Run one query; the answer is ("ok", media, body, truncated) or (kind, message)."""
    try:
        if parsed_service(job["query"]):
            raise federation_refused()
    except QueryRefused as exc:
        return (exc.kind, exc.message)
    try:
        result = store.query(job["query"], **dataset_options(job))
    except SyntaxError as exc:
        return ("syntax", str(exc))
    if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
        chosen = job["table"]
        variables = ([v.value for v in result.variables]
                     if isinstance(result, ox.QuerySolutions) else None)
    else:
        chosen, variables = job["graph"], None
    if chosen is None:
        return ("not_acceptable", "table" if job["graph"] else "graph")
    media, fmt = chosen
    body, truncated = render(result, variables, fmt, job["limit"])
    cap = job.get("max_bytes") or 0
    if cap and len(body) > cap:
        return ("too_large", str(len(body)))
    return ("ok", media, body, truncated)


def failure(exc: BaseException, location: str) -> tuple:
    """A failed query as the answer tuple the parent reads."""
    if isinstance(exc, MemoryError):
        return ("too_large", "memory")
    text = str(exc).replace(location, "<kho>")  # no machine path reaches a client
    return ("error", f"{type(exc).__name__}: {text[:300]}")


def answer_of(handle: Callable[[ox.Store, dict], tuple], store: ox.Store, job: dict,
              location: str) -> tuple:
    """`handle`'s answer, or what it raised as a failed query (reported, never raised)."""
    try:
        return handle(store, job)
    except Exception as exc:
        return failure(exc, location)


def open_early(location: str) -> ox.Store | None:
    """The store opened read-only now, during start-up (at the web process's priority, so a
    replacement worker is ready for its first query at once); None if it cannot be opened yet
    (then the first job opens it, and reports why it cannot)."""
    try:
        return ox.Store.read_only(location)
    except Exception:  # reported by the first job, which tries again
        return None


def serve(conn: Connection, location: str,
          handle: Callable[[ox.Store, dict], tuple] = run_job, demote: bool = False,
          store: ox.Store | None = None) -> None:
    """The worker's loop: a job dict in, `handle`'s answer tuple out; None or a closed pipe
    ends it. The store is opened read-only on the first job unless given. With `demote`, each
    job runs as `run_demoted` does."""
    try:
        conn.send("ready")
    except (BrokenPipeError, OSError):
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            if store is None:
                store = ox.Store.read_only(location)
        except Exception as exc:
            answer = failure(exc, location)
        else:
            ask = functools.partial(answer_of, handle, store, job, location)
            answer = run_demoted(ask) if demote else ask()
        try:
            conn.send(answer)
        except (BrokenPipeError, OSError):
            return


def main(argv: list[str]) -> None:
    """python -m thamquyen.api.worker SOCKET_FD STORE_PATH [MEMORY_MB [NICE]]"""
    if not no_network():
        print("thamquyen worker: cannot leave the network (no network namespace); "
              "SERVICE is refused by the query checks only", file=sys.stderr)
    limit_memory(int(argv[3]) if len(argv) > 3 else 0)
    parsed_service("ASK {}")  # loads rdflib's SPARQL grammar now, not during the first query
    gc.freeze()  # what start-up made stays: a query's collection need not scan it
    # Start-up (a fraction of a second) ran at the web process's priority, so a replacement is
    # ready at once even on a busy machine; queries run at the worker's own low priority.
    store = open_early(argv[2])
    nice = int(argv[4]) if len(argv) > 4 else NICE
    lower_priority(nice)
    serve(Connection(int(argv[1])), argv[2], demote=nice >= NICE, store=store)


if __name__ == "__main__":
    main(sys.argv)
