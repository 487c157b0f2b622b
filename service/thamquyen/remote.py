"""A remote SPARQL store as the knowledge base reads it: its content fingerprint, the bulk read
of its index (one N-Triples export parsed as it arrives, answered in memory), the cache folder.

Reading the engine index with one SELECT per engine query over HTTP JSON took ~70 s at national
size; one N-Triples export parsed by Oxigraph and queried in memory takes a fraction of that,
and a warm open reads the index cache of indexcache.py, keyed by the fingerprint below.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
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
ADDED = "urn:x-thamquyen:added:"


def load_mark(content: str, when: str) -> list[str]:
    """The N-Triples lines of the load mark (content hash, load time)."""
    return [f'<{LOAD_MARK}> <{IDENTIFIER}> "{content}" .',
            f'<{LOAD_MARK}> <{MODIFIED}> "{when}"^^<http://www.w3.org/2001/XMLSchema#dateTime> .']


def added_graph(before: str, after: str) -> str:
    """The named graph of an add-only load (loaddelta.py): the content hash it was added to,
    the content hash it made."""
    return f"{ADDED}{before}:{after}"


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

    def __init__(self, store: RemoteStore, location: Path, previous: str | None = None):
        self.store, self.location, self.previous = store, location, previous
        self.fingerprint = store.fingerprint
        self._memory: PlainRows | None = None
        self.seconds: float | None = None
        self.triples: int | None = None  # of the export the index is read from

    def select(self, query: str, bindings: dict | None = None) -> list[dict]:
        """An engine query, answered from the in-memory copy."""
        if self._memory is None:
            started = time.monotonic()
            memory = read_data(self.store, self.location, self.previous)
            self.triples = len(memory)
            self._memory = PlainRows(EmbeddedStore(memory, "dump"))
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
                        "previous": view.previous, "path": str(path), "key": key})
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
    view = BulkRemote(store, Path(order["path"]).parent, order.get("previous"))
    engine, names = build(view)  # type: ignore[arg-type]
    save(Path(order["path"]), order["key"], engine, names, view.triples)
    return 0


def read_data(store: RemoteStore, folder: Path, previous: str | None) -> ox.Store:
    """The store's data in memory: the kept copy of the `previous` content plus the graph of
    the add-only load that made the current one, when there are both; else the whole export
    (kept as the copy of the current content)."""
    memory = updated(store, folder, previous) if previous else None
    return memory if memory is not None else dump(store, folder)


def copy_file(folder: Path, fingerprint: str) -> Path:
    """The kept copy (N-Triples, as exported) of the content of a fingerprint."""
    return folder / f"copy-{hashlib.sha256(fingerprint.encode()).hexdigest()[:16]}.nt"


def updated(store: RemoteStore, folder: Path, previous: str) -> ox.Store | None:
    """The kept copy of `previous` with the old mark out and the add-only load's graph in, or
    None when one of them is missing, the copy is unreadable or the result does not carry the
    current mark. The added graph is appended to the copy, which becomes the current content's
    copy."""
    before, after = previous.removeprefix("load:"), store.fingerprint.removeprefix("load:")
    kept = copy_file(folder, previous)
    if before == previous or after == store.fingerprint or not kept.exists():
        return None
    started = time.monotonic()
    added = store.named_graph(added_graph(before, after))
    if not added.strip():
        return None
    try:
        memory = _applied(kept, added, after)
    except (SyntaxError, OSError) as exc:  # a damaged copy: read everything (a new copy is kept)
        log.warning("kept copy %s unreadable, reading everything: %s", kept, exc)
        return None
    if memory is None:
        return None
    _append(kept, added, copy_file(folder, store.fingerprint))
    log.info("index: %d triples from the kept copy + %d bytes added, in %.1f s", len(memory),
             len(added), time.monotonic() - started)
    return memory


def _applied(kept: Path, added: bytes, after: str) -> ox.Store | None:
    """The kept copy in memory, its load mark out and the added graph in; None unless that
    carries the content hash `after`."""
    memory = ox.Store()
    memory.bulk_load(path=kept, format=ox.RdfFormat.N_TRIPLES, lenient=True)
    mark = ox.NamedNode(LOAD_MARK)
    for quad in list(memory.quads_for_pattern(mark, None, None)):
        memory.remove(quad)
    memory.bulk_load(added, format=ox.RdfFormat.N_TRIPLES, lenient=True)
    marked = {q.object.value for q in memory.quads_for_pattern(mark, ox.NamedNode(IDENTIFIER), None)}
    if marked != {after}:
        log.warning("kept copy + added graph carry %s, not %s: reading everything", marked, after)
        return None
    return memory


def _append(kept: Path, added: bytes, target: Path) -> None:
    """The kept copy with the added triples appended becomes `target` (a failed write only
    costs the next refresh its shortcut)."""
    moving = kept.with_name(f"{kept.name}.{os.getpid()}.tmp")
    try:
        kept.replace(moving)
        with moving.open("ab") as sink:
            sink.write(b"\n" + added)
        moving.replace(target)
    except OSError as exc:
        log.warning("cannot keep a copy of the data in %s: %s", target, exc)
        moving.unlink(missing_ok=True)


class _Tee(io.RawIOBase):
    """A reader that also writes what it reads into a file; a failed write (a full disk)
    stops the copy, never the read."""

    def __init__(self, source: io.RawIOBase, target: Path):
        self.source, self.target = source, target
        self.sink: io.BufferedWriter | None = None
        try:
            self.sink = target.open("wb")
        except OSError as exc:
            self._give_up(exc)

    def readable(self) -> bool:
        """Yes."""
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        """Read from the source, copy into the file."""
        count = self.source.readinto(buffer) or 0
        if self.sink is not None:
            try:
                self.sink.write(buffer[:count])
            except OSError as exc:
                self._give_up(exc)
        return count

    def finish(self, keep: Path | None) -> None:
        """Close the copy and rename it `keep`, the only copy in its folder (None: remove it)."""
        if self.sink is not None and keep is not None:
            try:
                self.sink.close()
                for old in keep.parent.glob("copy-*.nt"):
                    old.unlink(missing_ok=True)
                self.target.replace(keep)
                return
            except OSError as exc:
                self._give_up(exc)
        self._give_up(None)

    def _give_up(self, exc: OSError | None) -> None:
        if exc is not None:
            log.warning("cannot keep a copy of the export in %s: %s", self.target, exc)
        if self.sink is not None:
            with contextlib.suppress(OSError):
                self.sink.close()
            self.sink = None
        self.target.unlink(missing_ok=True)


def dump(store: RemoteStore, folder: Path | None = None) -> ox.Store:
    """The remote store's triples in a fresh in-memory Oxigraph store, parsed as they arrive
    (the store's export and our parse run at the same time); kept as N-Triples in `folder`
    too when the content has a load mark (the next add-only load's refresh starts there)."""
    started = time.monotonic()
    progress.step("Đọc dữ liệu từ kho từ xa vào bộ nhớ…",
                  "Reading the remote store's data into memory…")
    memory = ox.Store()
    keep = (copy_file(folder, store.fingerprint)
            if folder is not None and store.fingerprint.startswith("load:") else None)
    tee: _Tee | None = None
    try:
        with store.export(DUMP_QUERY) as body:
            tee = _Tee(body, keep.with_name(f"{keep.name}.{os.getpid()}.tmp")) if keep else None
            # lenient: no IRI validation, the store has checked what it holds
            memory.bulk_load(tee or body, format=ox.RdfFormat.N_TRIPLES, lenient=True)
            size = body.size
    except (SyntaxError, OSError) as exc:  # a cut or garbled export
        if tee is not None:
            tee.finish(None)
        raise StoreError(f"{store.settings.query_url}: unreadable N-Triples export: {exc}") from exc
    if tee is not None:
        tee.finish(keep)
    log.info("index: %d triples (%.0f MB of N-Triples) from %s in %.1f s", len(memory),
             size / 1e6, store.settings.query_url, time.monotonic() - started)
    return memory


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    sys.exit(_child())
