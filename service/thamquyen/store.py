"""The store interface and its two implementations: embedded Oxigraph and any SPARQL 1.1 endpoint."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
import rdflib
from rdflib.term import Node

from . import paths, progress, storedir
from .rdfio import (
    InputError,
    display_path,
    ox_to_rdflib,
    parse_turtle_text,
    read_text_nfc,
    read_turtle,
    turtle_files,
)
from .sparql import bind

Row = dict[str, Node]
log = logging.getLogger("thamquyen.store")


class StoreError(Exception):
    """The store cannot be reached or refused a request (HTTP 503 / exit 2)."""


class NotServed(StoreError):
    """The URL does not serve that (no such route or graph): another way may."""


NOT_SERVED = {400, 404, 405, 406, 415, 501}


class OutcomeUnknown(StoreError):
    """An update was sent but its answer never came: it may or may not have been committed."""


class Store(Protocol):
    """What the rest of the code needs of a store. The SPARQL is the same on every store."""

    fingerprint: str

    def select(self, query: str, bindings: dict[str, Node] | None = None) -> list[Row]:
        """Run a SELECT; rows map variable names to rdflib terms (unbound ones are absent)."""

    def ask(self, query: str, bindings: dict[str, Node] | None = None) -> bool:
        """Run an ASK."""

    def construct(self, query: str, bindings: dict[str, Node] | None = None) -> rdflib.Graph:
        """Run a CONSTRUCT or DESCRIBE."""

    def close(self) -> None:
        """Release the store."""


def knowledge_sources(extra: Iterable[Path] = ()) -> list[Path]:
    """ontology/ + data/ + extra files/folders, expanded into Turtle files."""
    base = [p for p in (paths.ontology_dir(), paths.data_dir()) if p.exists()]
    return turtle_files([*base, *extra])


def content_hash(files: Sequence[Path]) -> str:
    """A hash of the file names and contents: the store is rebuilt when it changes."""
    digest = hashlib.sha256(b"thamquyen-store-v1")
    for f in files:
        digest.update(f.name.encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


def solutions_to_rows(solutions: ox.QuerySolutions,
                      convert: Callable[[ox.NamedNode | ox.BlankNode | ox.Literal], object]
                      = ox_to_rdflib) -> list[dict]:
    """The solutions as dicts of converted terms (unbound variables are absent)."""
    names = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:  # a solution iterates its values in the order of the variables
        rows.append({name: convert(value) for name, value in zip(names, solution, strict=True)
                     if value is not None})
    return rows


class EmbeddedStore:
    """Oxigraph in this process: on disk in the working folder, or in memory."""

    def __init__(self, store: ox.Store, fingerprint: str, location: Path | None = None):
        self.store, self.fingerprint, self.location = store, fingerprint, location
        self.lock = threading.Lock()
        self.built_extra: object = None
        self.in_use: int | None = None  # the IN_USE mark on the store folder (storedir)

    @classmethod
    def in_memory(cls, extra: Iterable[Path] = ()) -> EmbeddedStore:
        """Parse ontology + data + extra into a fresh in-memory store (all or nothing)."""
        files = knowledge_sources(extra)
        progress.step(f"Đọc {len(files)} tệp Turtle vào bộ nhớ…",
                      f"Reading {len(files)} Turtle files into memory…")
        store = ox.Store()
        for f in files:
            store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in read_turtle(f))
        return cls(store, content_hash(files))

    @classmethod
    def open(cls, extra: Iterable[Path] = (), workdir: Path | None = None,
             while_writing: Callable[[ox.Store], object] | None = None) -> EmbeddedStore:
        """Open the persistent store, building it first if the sources changed.

        A build parses everything into memory first; while that copy is written to disk (in a
        thread), `while_writing(memory_store)` runs, and its result is kept as `built_extra`
        (kb.open_kb reads the who-holds index there: SPARQL on the in-memory copy is several
        times faster than on the disk store)."""
        files = knowledge_sources(extra)
        fingerprint = content_hash(files)
        root = storedir.store_root(workdir or paths.work_dir())
        target = root / fingerprint
        built_extra = None
        with storedir.build_lock(root):  # one process builds; the others wait, then open it
            opened = _open_ready(target)
            if opened is None:
                built_extra = build_store(files, target, while_writing)
                opened = ox.Store.read_only(str(target / "oxigraph"))
            in_use = storedir.mark_in_use(target)
            storedir.remove_unused(root, fingerprint)
        store = cls(opened, fingerprint, target)
        store.built_extra, store.in_use = built_extra, in_use
        return store

    def select(self, query: str, bindings: dict[str, Node] | None = None) -> list[Row]:
        """Run a SELECT on the embedded store."""
        return solutions_to_rows(self.store.query(bind(query, bindings)))

    def ask(self, query: str, bindings: dict[str, Node] | None = None) -> bool:
        """Run an ASK on the embedded store."""
        return bool(self.store.query(bind(query, bindings)))

    def construct(self, query: str, bindings: dict[str, Node] | None = None) -> rdflib.Graph:
        """Run a CONSTRUCT/DESCRIBE on the embedded store."""
        graph = rdflib.Graph()
        for t in self.store.query(bind(query, bindings)):
            graph.add((ox_to_rdflib(t.subject), ox_to_rdflib(t.predicate),
                       ox_to_rdflib(t.object)))
        return graph

    def triple_count(self) -> int:
        """Number of triples in the store: read from its READY mark when the build wrote it
        there (the store on disk is read-only; counting takes ~1 s at 3M), else counted."""
        if self.location is not None:
            with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
                return int(json.loads((self.location / "READY").read_text())["triples"])
        return len(self.store)

    def close(self) -> None:
        """Drop the IN_USE mark: another process may now remove this store when it is old."""
        storedir.release(self.in_use)
        self.in_use = None


def _open_ready(target: Path) -> ox.Store | None:
    """The complete store at `target`, or None when there is none or it is damaged (a damaged
    one is set aside with a message, to be rebuilt). Call under the build lock."""
    if not (target / "READY").exists():
        shutil.rmtree(target, ignore_errors=True)  # not a store: a leftover of an old version
        return None
    try:
        opened = ox.Store.read_only(str(target / "oxigraph"))
        opened.query("ASK { ?s ?p ?o }")
        return opened
    except (OSError, RuntimeError) as exc:  # RocksDB reports corruption as RuntimeError
        aside = storedir.set_aside(target)
        log.warning("Kho dữ liệu %s bị hỏng (%s); đã chuyển sang %s và sẽ dựng lại — the store is "
                    "damaged; set aside and rebuilt now.", target.name, exc, aside.name)
        return None


def build_store(files: Sequence[Path], target: Path,
                while_writing: Callable[[ox.Store], object] | None = None) -> object:
    """Build a persistent store in a temporary folder, then move it into place (never half-built).

    All files are parsed into memory first (a syntax error stops the build before anything is
    written); the copy is then written to disk by Oxigraph's bulk loader in a thread while
    `while_writing` runs on the in-memory copy. Returns what `while_writing` returned."""
    progress.step(f"Dựng kho dữ liệu lần đầu: đọc {len(files)} tệp Turtle…",
                  f"Building the store (first start): reading {len(files)} Turtle files…")
    memory = ox.Store()
    for f in files:
        _bulk_load(memory, f)
    progress.step(f"Ghi kho ({len(memory):,} bộ ba) và đọc chỉ mục…",
                  f"Writing the store ({len(memory):,} triples) and reading the index…")
    tmp = target.with_name(f"{target.name}.building-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with ThreadPoolExecutor(max_workers=1) as pool:
        writing = pool.submit(_write_disk_store, memory, tmp / "oxigraph")
        try:
            extra = while_writing(memory) if while_writing is not None else None
        finally:
            failed = writing.exception()
    if failed is not None:
        shutil.rmtree(tmp, ignore_errors=True)
        raise failed
    (tmp / "READY").write_text(json.dumps({"files": [f.name for f in files], "triples": len(memory)}))
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    return extra


def _write_disk_store(memory: ox.Store, location: Path) -> None:
    store = ox.Store(str(location))
    store.bulk_load(memory.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    store.flush()
    store.optimize()
    del store


def _bulk_load(store: ox.Store, file: Path) -> None:
    """Load one Turtle file (NFC) with Oxigraph's bulk loader: ~3× faster than extend() at
    national scale. On a syntax error the file is parsed again to report its line."""
    text = read_text_nfc(file)
    try:
        store.bulk_load(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    except SyntaxError:
        # Either an InputError with file and line, or text only rdflib reads (see rdfio).
        triples = parse_turtle_text(text, display_path(file))
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)


@dataclass
class RemoteSettings:
    """How to reach a remote SPARQL 1.1 store."""

    query_url: str
    update_url: str | None = None
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0
    auth: str = "basic"  # or "digest" (Virtuoso's /sparql-auth)
    graph: str | None = None  # named-graph mode: the data is in this graph, not the default one

    def httpx_auth(self) -> object:
        """The httpx authentication of these settings (None without a user)."""
        import httpx

        if not self.user:
            return None
        if self.auth == "digest":
            return httpx.DigestAuth(self.user, self.password or "")
        return httpx.BasicAuth(self.user, self.password or "")


LATERAL_PROBE = "SELECT ?y WHERE { BIND(1 AS ?x) LATERAL { BIND(?x AS ?y) } }"


class RemoteStore:
    """Any SPARQL 1.1 endpoint (Oxigraph server, Fuseki, GraphDB, …) through SPARQLWrapper."""

    def __init__(self, settings: RemoteSettings):
        self.settings = settings
        self.fingerprint = "remote:" + hashlib.sha256(settings.query_url.encode()).hexdigest()[:12]
        self.triples: int | None = None  # in the data its index was read from, when known
        self._accepted: dict[str, bool] = {}  # probe query -> whether the store took it

    def has_lateral(self) -> bool:
        """Whether the store accepts LATERAL (asked once; a store that rejects the query as
        malformed has none, Virtuoso for one). Other failures are a StoreError."""
        return self._accepts(LATERAL_PROBE)

    def accepts_pragma(self, pragma: str) -> bool:
        """Whether the store accepts this directive before a query (asked once; a store that
        rejects the query as malformed does not). Other failures are a StoreError."""
        return self._accepts(f"{pragma}\nSELECT * WHERE {{}}")

    def _accepts(self, probe: str) -> bool:
        """Whether the store runs the probe query (asked once per probe)."""
        from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

        if probe not in self._accepted:
            try:
                self.select(probe)
                self._accepted[probe] = True
            except StoreError as exc:
                if not isinstance(exc.__cause__, QueryBadFormed):
                    raise
                self._accepted[probe] = False
        return self._accepted[probe]

    def _wrapper(self, query: str, url: str | None = None):
        from SPARQLWrapper import POST, SPARQLWrapper

        wrapper = SPARQLWrapper(url or self.settings.query_url)
        wrapper.setMethod(POST)
        wrapper.setTimeout(int(self.settings.timeout))
        if self.settings.user:
            if self.settings.auth == "digest":
                from SPARQLWrapper import DIGEST

                wrapper.setHTTPAuth(DIGEST)
            wrapper.setCredentials(self.settings.user, self.settings.password or "")
        if self.settings.graph:
            wrapper.addDefaultGraph(self.settings.graph)
        wrapper.setQuery(query)
        return wrapper

    def _run(self, wrapper):
        try:
            return wrapper.query()
        except Exception as exc:  # SPARQLWrapper raises many kinds; all mean "store unusable"
            raise StoreError(f"{self.settings.query_url}: {exc}") from exc

    def select(self, query: str, bindings: dict[str, Node] | None = None) -> list[Row]:
        """Run a SELECT on the remote endpoint (JSON results)."""
        from SPARQLWrapper import JSON

        wrapper = self._wrapper(bind(query, bindings))
        wrapper.setReturnFormat(JSON)
        data = self._run(wrapper).convert()
        return [{k: _json_term(v) for k, v in b.items()} for b in data["results"]["bindings"]]

    def ask(self, query: str, bindings: dict[str, Node] | None = None) -> bool:
        """Run an ASK on the remote endpoint."""
        from SPARQLWrapper import JSON

        wrapper = self._wrapper(bind(query, bindings))
        wrapper.setReturnFormat(JSON)
        return bool(self._run(wrapper).convert()["boolean"])

    def construct(self, query: str, bindings: dict[str, Node] | None = None) -> rdflib.Graph:
        """Run a CONSTRUCT/DESCRIBE on the remote endpoint (N-Triples)."""
        from SPARQLWrapper import N3

        wrapper = self._wrapper(bind(query, bindings))
        wrapper.setReturnFormat(N3)
        wrapper.addCustomHttpHeader("Accept", "application/n-triples")
        body = self._run(wrapper).response.read()
        graph = rdflib.Graph()
        graph.parse(data=body.decode("utf-8"), format="nt")
        return graph

    def construct_to_file(self, query: str, target: Path) -> int:
        """Stream a CONSTRUCT's N-Triples into a file (bounded memory); its size in bytes."""
        with self._response("POST", self.settings.query_url, data=self._construct(query)) as body:
            return _copy(body, target)

    def graph_store_url(self) -> str | None:
        """The Graph Store Protocol URL beside the query URL where the store has Oxigraph's
        layout (…/query → …/store); None otherwise."""
        url = self.settings.query_url.rstrip("/")
        return url[: -len("query")] + "store" if url.endswith("/query") else None

    def export_to_file(self, construct: str, target: Path) -> int:
        """Every triple of the data as N-Triples in a file (export()); its size in bytes."""
        with self.export(construct) as body:
            return _copy(body, target)

    @contextlib.contextmanager
    def export(self, construct: str) -> Iterator[ResponseReader]:
        """Every triple of the data (the default graph, or the --graph one) as a stream of
        N-Triples. A Graph Store Protocol GET where there is one (Oxigraph: a plain dump, about
        a third less of the server's CPU than evaluating a query), else `construct`."""
        url = self.graph_store_url()
        if url is not None:
            params = {"graph": self.settings.graph} if self.settings.graph else {"default": ""}
            try:
                with self._response("GET", url, params=params) as body:
                    yield body
                return
            except NotServed as exc:  # not a graph store after all, or no such graph
                log.debug("no graph store dump at %s (%s): CONSTRUCT instead", url, exc)
        with self._response("POST", self.settings.query_url,
                            data=self._construct(construct)) as body:
            yield body

    def named_graph(self, graph: str) -> bytes:
        """The N-Triples of one named graph, whatever --graph says (empty: no such graph).
        A Graph Store Protocol GET where there is one, else a CONSTRUCT."""
        url = self.graph_store_url()
        if url is not None:
            try:
                with self._response("GET", url, params={"graph": graph}) as body:
                    return body.read()
            except NotServed:  # no such graph, or not a graph store
                pass
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        with self._response("POST", self.settings.query_url, data={"query": query}) as body:
            return body.read()

    def _construct(self, query: str) -> dict[str, str]:
        data = {"query": query}
        if self.settings.graph:
            data["default-graph-uri"] = self.settings.graph
        return data

    @contextlib.contextmanager
    def _response(self, method: str, url: str, **request: object) -> Iterator[ResponseReader]:
        """The N-Triples body of a request as a file-like reader (NotServed: not here)."""
        import httpx

        try:
            with httpx.stream(method, url, headers={"Accept": "application/n-triples"},
                              auth=self.settings.httpx_auth(),
                              timeout=max(self.settings.timeout, 600),
                              **request) as response:  # type: ignore[arg-type]
                if response.status_code >= 300:
                    kind = NotServed if response.status_code in NOT_SERVED else StoreError
                    raise kind(f"{url}: HTTP {response.status_code} {response.read()[:500]!r}")
                yield ResponseReader(response.iter_bytes(1 << 20))
        except httpx.HTTPError as exc:
            raise StoreError(f"{url}: {exc}") from exc


    def update(self, update: str) -> None:
        """Run a SPARQL Update on the update endpoint (one request, one transaction)."""
        import httpx

        if not self.settings.update_url:
            raise InputError("cần --update-endpoint để ghi dữ liệu.",
                             "--update-endpoint is needed to write.")
        try:
            response = httpx.post(self.settings.update_url, content=update.encode("utf-8"),
                                  headers={"Content-Type": "application/sparql-update"},
                                  auth=self.settings.httpx_auth(),
                                  timeout=max(self.settings.timeout, 300))
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:  # nothing reached the store
            raise StoreError(f"{self.settings.update_url}: {exc}") from exc
        except httpx.HTTPError as exc:  # sent, then the connection broke: committed or not
            raise OutcomeUnknown(f"{self.settings.update_url}: {exc or type(exc).__name__}") from exc
        if response.status_code >= 300:
            raise StoreError(f"{self.settings.update_url}: HTTP {response.status_code} "
                             f"{response.text[:500]}")

    def close(self) -> None:
        """Nothing to release."""


def _json_term(value: dict) -> Node:
    kind = value["type"]
    if kind == "uri":
        return rdflib.URIRef(value["value"])
    if kind == "bnode":
        return rdflib.BNode(value["value"])
    if "xml:lang" in value:
        return rdflib.Literal(value["value"], lang=value["xml:lang"])
    if "datatype" in value:
        return rdflib.Literal(value["value"], datatype=rdflib.URIRef(value["datatype"]))
    return rdflib.Literal(value["value"])


class ResponseReader(io.RawIOBase):
    """A streamed HTTP body as a binary file (for a parser that reads as it downloads)."""

    def __init__(self, chunks: Iterator[bytes]):
        self.chunks, self.rest, self.size = chunks, memoryview(b""), 0

    def readable(self) -> bool:
        """Yes."""
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        """Fill the buffer with the next bytes of the body (0 at its end)."""
        while not self.rest:
            chunk = next(self.chunks, None)
            if chunk is None:
                return 0
            self.rest = memoryview(chunk)  # sliced without copying below
            self.size += len(chunk)
        count = min(len(buffer), len(self.rest))
        buffer[:count] = self.rest[:count]
        self.rest = self.rest[count:]
        return count


def _copy(body: ResponseReader, target: Path) -> int:
    with target.open("wb") as sink:
        for chunk in iter(lambda: body.read(1 << 20), b""):
            sink.write(chunk)
    return body.size
