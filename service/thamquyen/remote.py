"""A remote SPARQL store as the knowledge base reads it: its content fingerprint, the bulk read
of its index (one N-Triples export parsed as it arrives, answered in memory), the cache folder.

Reading the engine index with one SELECT per engine query over HTTP JSON took ~70 s at national
size; one N-Triples export parsed by Oxigraph and queried in memory takes a fraction of that,
and a warm open reads the index cache of indexcache.py, keyed by the fingerprint below.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from . import paths, progress
from .indexcache import PlainRows
from .store import EmbeddedStore, RemoteStore, StoreError

log = logging.getLogger("thamquyen.remote")

# `thamquyen load` writes this node with the content hash of what it loaded, in the same update
# as the data: a store loaded by us changes fingerprint exactly when its content changes.
LOAD_MARK = "https://w3id.org/thamquyen/id/store/loaded"
IDENTIFIER = "http://purl.org/dc/terms/identifier"
MODIFIED = "http://purl.org/dc/terms/modified"
DUMP_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def load_mark(content: str, when: str) -> list[str]:
    """The N-Triples lines of the load mark (content hash, load time)."""
    return [f'<{LOAD_MARK}> <{IDENTIFIER}> "{content}" .',
            f'<{LOAD_MARK}> <{MODIFIED}> "{when}"^^<http://www.w3.org/2001/XMLSchema#dateTime> .']


def fingerprint(store: RemoteStore) -> str:
    """What identifies the store's content: the load mark of `thamquyen load`, else the
    number of triples (a store filled by other means)."""
    rows = store.select(f"SELECT ?id WHERE {{ <{LOAD_MARK}> <{IDENTIFIER}> ?id }}")
    if rows:
        return "load:" + min(str(r["id"]) for r in rows)
    rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return "count:" + (str(rows[0]["n"]) if rows else "0")


def cache_folder(store: RemoteStore, workdir: Path | None) -> Path:
    """Where the index of this store (URL and graph) is cached, in the working folder."""
    settings = store.settings
    key = f"{settings.query_url}\n{getattr(settings, 'graph', None) or ''}"
    folder = (workdir or paths.work_dir()) / "remote" / hashlib.sha256(key.encode()).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class BulkRemote:
    """A read-only view of a remote store for building the index: on the first SELECT the whole
    store is exported once (N-Triples, parsed as it arrives) into an in-memory Oxigraph
    store; every engine query then runs there, with plain-string rows."""

    def __init__(self, store: RemoteStore, location: Path):
        self.store, self.location = store, location
        self.fingerprint = store.fingerprint
        self._memory: PlainRows | None = None
        self.seconds: float | None = None

    def select(self, query: str, bindings: dict | None = None) -> list[dict]:
        """An engine query, answered from the in-memory copy."""
        if self._memory is None:
            started = time.monotonic()
            self._memory = PlainRows(EmbeddedStore(dump(self.store), "dump"))
            self.seconds = time.monotonic() - started
            progress.step("Dựng chỉ mục từ bản sao trong bộ nhớ…",
                          "Building the index from the in-memory copy…")
        return self._memory.select(query, bindings)


def build_in_child(view: BulkRemote, path: Path, key: str) -> None:
    """Read the index in a child process that writes the cache file `path` (then loaded by
    the caller): a refresh of a running `serve`. In a thread of the web process the index read
    (~30 s of CPU at ~3M triples) would hold the GIL against the requests in flight; in a child
    the two run side by side on two processors. The settings go on stdin (the password too:
    never on a command line)."""
    settings = dataclasses.asdict(view.store.settings)
    order = json.dumps({"settings": settings, "fingerprint": view.fingerprint,
                        "path": str(path), "key": key})
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "thamquyen.remote"], input=order.encode(),
                          capture_output=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    if done.returncode != 0:
        raise StoreError(f"index read in a child process failed (exit {done.returncode}): "
                         f"{done.stderr.decode(errors='replace')[-2000:]}")
    log.info("index read in a child process in %.1f s", time.monotonic() - started)


def _child() -> int:
    """`python -m thamquyen.remote`: build_in_child's other side."""
    from .indexcache import build, save
    from .store import RemoteSettings

    order = json.loads(sys.stdin.read())
    store = RemoteStore(RemoteSettings(**order["settings"]))
    store.fingerprint = order["fingerprint"]
    view = BulkRemote(store, Path(order["path"]).parent)
    engine, names = build(view)  # type: ignore[arg-type]
    save(Path(order["path"]), order["key"], engine, names)
    return 0


def dump(store: RemoteStore) -> ox.Store:
    """The remote store's triples in a fresh in-memory Oxigraph store, parsed as they arrive
    (the store's export and our parse run at the same time)."""
    started = time.monotonic()
    progress.step("Đọc dữ liệu từ kho từ xa vào bộ nhớ…",
                  "Reading the remote store's data into memory…")
    memory = ox.Store()
    try:
        with store.export(DUMP_QUERY) as body:
            # lenient: no IRI validation, the store has checked what it holds
            memory.bulk_load(body, format=ox.RdfFormat.N_TRIPLES, lenient=True)
            size = body.size
    except (SyntaxError, OSError) as exc:  # a cut or garbled export
        raise StoreError(f"{store.settings.query_url}: unreadable N-Triples export: {exc}") from exc
    log.info("index: %d triples (%.0f MB of N-Triples) from %s in %.1f s", len(memory),
             size / 1e6, store.settings.query_url, time.monotonic() - started)
    return memory


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    sys.exit(_child())
