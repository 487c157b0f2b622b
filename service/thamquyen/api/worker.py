"""A SPARQL worker process: opens the persistent store read-only and answers one query at a time.

Started by the parent as `python -m thamquyen.api.worker FD PATH` (FD: its end of a socket pair).
The parent kills the process when a query runs past its deadline (a thread cannot be killed
and pyoxigraph has no query timeout), then starts a fresh one.
"""

from __future__ import annotations

import sys
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from .results import render


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
    return ("ok", media, body, truncated)


def serve(conn: Connection, location: str) -> None:
    """The worker's loop: a job dict in, an answer tuple out; None or a closed pipe ends it."""
    store = None
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
            answer = run_job(store, job)
        except Exception as exc:  # reported to the parent as a failed query, never raised
            answer = ("error", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(answer)
        except (BrokenPipeError, OSError):
            return


if __name__ == "__main__":  # python -m thamquyen.api.worker SOCKET_FD STORE_PATH
    serve(Connection(int(sys.argv[1])), sys.argv[2])
