"""What the routers share: settings, the knowledge base (opened lazily if the store was down),
the SPARQL executor, the shapes graph and the templates."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import rdflib
from fastapi import Request
from fastapi.templating import Jinja2Templates

from ..kb import KB, open_kb
from ..store import EmbeddedStore, Store, StoreError
from . import worker
from .answerproc import AnswerClient
from .answerview import AnswerView, build_answer
from .describe import Page, build_page, warm
from .executor import Executor, WorkerPool, make_executor
from .nationwide import AnswerCache, Nationwide
from .settings import Settings, find_yasgui

log = logging.getLogger("thamquyen.api")
T = TypeVar("T")
TEMPLATES = Path(__file__).resolve().parent / "templates"
REACHABLE = "ASK {}"  # /health on a remote store: answered without reading any data


class ServiceState:
    """One per app; routers reach it with `service(request)`."""

    def __init__(self, settings: Settings, kb: KB | None = None):
        self.settings = settings
        self._kb = kb
        self._own_kb = kb is None
        self._executor: Executor | None = None
        self._named_executor: Executor | None = None
        self._validation_pool: WorkerPool | None = None
        self._shapes: rdflib.Graph | None = None
        self._lock = threading.Lock()
        self._count: tuple[float, int] | None = None
        self.templates = Jinja2Templates(directory=str(TEMPLATES))
        self.yasgui_dir = find_yasgui(settings)
        # SHACL validations in this process (remote or in-memory store) run one at a time.
        self.validation_slots = threading.Lock()
        self._cache: dict[str, object] = {}
        where = settings.answers_socket
        self.answer_client = AnswerClient(where, settings.timeout) if where else None
        source = self.answer_client.get if self.answer_client else None
        self.answers = AnswerCache(int(settings.answer_cache_mb * 1024 * 1024), source)
        self._cache_lock = threading.Lock()
        self.index_time = time.time() if kb is not None else None
        self._stop = threading.Event()
        self._refresher: threading.Thread | None = None

    def kb(self) -> KB:
        """The knowledge base; opened on first use when the store was unreachable at start."""
        if self._kb is None:
            with self._lock:
                if self._kb is None:
                    self._kb = open_kb(list(self.settings.paths), remote=self.settings.remote,
                                       persistent=True, workdir=self.settings.workdir)
                    self.index_time = time.time()
        return self._kb

    def opened(self) -> KB | None:
        """The knowledge base if it is open already (None: opening it may take a while)."""
        return self._kb

    def index_age(self) -> float | None:
        """Seconds since the index in use was read (None before the first open)."""
        return None if self.index_time is None else round(time.time() - self.index_time, 1)

    def refresh(self) -> bool:
        """Swap in a fresh knowledge base when the remote store's fingerprint changed.

        The new index is read beside the old one, in a child process (so that it does not hold
        the GIL against the requests), then loaded from its cache file; requests in flight keep
        the KB they started with, new ones get the new KB. True when a new index was swapped in."""
        from ..kb import open_remote
        from ..remote import fingerprint
        from ..store import RemoteStore

        current = self._kb
        if current is None or not isinstance(current.store, RemoteStore):
            return False
        if fingerprint(current.store) == current.store.fingerprint:
            return False
        assert self.settings.remote is not None
        fresh = open_remote(RemoteStore(self.settings.remote), self.settings.workdir,
                            in_child=True, previous=current.store.fingerprint)
        with self._lock, self._cache_lock:
            self._kb, self._cache, self._count = fresh, {}, None
            self.index_time = time.time()
        log.info("store changed: index %s swapped in", fresh.store.fingerprint)
        return True

    def _refresh_loop(self) -> None:
        while not self._stop.wait(self.settings.refresh_interval):
            try:
                self.refresh()
            except StoreError as exc:  # the store is down: keep serving the index we have
                log.warning("fingerprint check failed, keeping the current index: %s", exc)

    @property
    def store(self) -> Store:
        """The store of the knowledge base."""
        return self.kb().store

    def executor(self) -> Executor:
        """The /sparql executor, started on first use (worker processes for the embedded store)."""
        if self._executor is None:
            store = None if self.settings.remote else self.store  # remote: no index needed
            with self._lock:
                if self._executor is None:
                    s = self.settings
                    self._executor = make_executor(store, s.remote, s.query_timeout,
                                                   s.sparql_workers, s.worker_memory_mb)
        return self._executor

    def named_executor(self) -> Executor:
        """The executor of the named queries: worker processes of their own on the embedded
        store, so that /sparql traffic never queues them; the /sparql one otherwise."""
        shared = self.executor()
        if not isinstance(shared, WorkerPool):
            return shared
        if self._named_executor is None:
            with self._lock:
                if self._named_executor is None:
                    s = self.settings
                    self._named_executor = make_executor(self.store, None, s.query_timeout,
                                                         s.named_workers, s.worker_memory_mb,
                                                         nice=worker.NAMED_NICE)
        return self._named_executor

    def validation_pool(self) -> WorkerPool | None:
        """The validation worker processes over the persistent embedded store (started on
        first use); None for a remote or in-memory store, validated in this process."""
        store = None if self.settings.remote else self.store
        if not isinstance(store, EmbeddedStore) or store.location is None:
            return None
        if self._validation_pool is None:
            with self._lock:
                if self._validation_pool is None:
                    s = self.settings
                    self._validation_pool = WorkerPool(
                        store.location / "oxigraph", s.validation_workers, s.validation_timeout,
                        s.worker_memory_mb, module="thamquyen.api.validator")
        return self._validation_pool

    def query_problem(self) -> str | None:
        """Why queries cannot run now (no worker, store folder gone), or None; for /health."""
        if self._executor is None:
            return None
        store = self._kb.store if self._kb is not None else None
        if isinstance(store, EmbeddedStore) and store.location is not None \
                and not (store.location / "oxigraph").is_dir():
            return "thư mục kho dữ liệu đã bị xoá — the store folder was removed"
        named = self._named_executor
        return self._executor.problem() or (named.problem() if named is not None else None)

    def worker_counts(self) -> dict[str, int] | None:
        """The /sparql worker processes of this web process (live, idle, size), for /health;
        None when queries do not run in worker processes (remote or in-memory store)."""
        return self._executor.counts() if self._executor is not None else None

    def cached(self, key: str, make: Callable[[], T]) -> T:
        """A value computed once per app (the store does not change while the service runs)."""
        if key not in self._cache:
            with self._cache_lock:
                if key not in self._cache:
                    self._cache[key] = make()
        return self._cache[key]  # type: ignore[return-value]

    def nationwide(self, power: str, day: dt.date) -> Nationwide:
        """The nationwide holders of a power on a day (kept once computed)."""
        return self.answers.get(self.kb(), power, day)

    def answer_view(self, power: str, unit: str | None, day: dt.date, root: str,
                    lang: str) -> AnswerView:
        """The answer page's content: from an answer process when there are some."""
        if self.answer_client is not None:
            return self.answer_client.page(self.kb(), power, unit, day, root, lang)
        return build_answer(self.kb(), power, unit, day, root, lang)

    def describe_page(self, kb: KB, iri: str, day: dt.date, root: str, province: str | None,
                      page: int) -> Page:
        """An /id/ page's content: from an answer process when there are some."""
        if self.answer_client is not None:
            return self.answer_client.describe(kb, iri, day, root, province, page, self.nationwide)
        return build_page(kb, iri, day, root, province, page, self.nationwide)

    def shapes(self) -> rdflib.Graph:
        """The SHACL shapes graph (read once)."""
        if self._shapes is None:
            from ..validation import load_shapes

            self._shapes = load_shapes()
        return self._shapes

    def triple_count(self) -> int:
        """Triples in the store: counted once for the read-only embedded store. Remote: those
        of the data the index in use was read from (its fingerprint's), the store being asked
        a trivial ASK at most every 30 s to show it is reachable; counted there (COUNT(*), a
        full scan of the store) only when the index does not know."""
        store = self.store
        now = time.monotonic()
        if self._count is not None and (isinstance(store, EmbeddedStore) or now - self._count[0] < 30):
            return self._count[1]
        if isinstance(store, EmbeddedStore):
            count = store.triple_count()
        elif isinstance(known := getattr(store, "triples", None), int):
            store.ask(REACHABLE)
            count = known
        else:
            rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            count = int(rows[0]["n"]) if rows else 0
        self._count = (now, count)
        return count

    def counted(self) -> bool:
        """True when /health needs no store access: the embedded store's count is known."""
        return (self._kb is not None and self._count is not None
                and isinstance(self._kb.store, EmbeddedStore))

    def start(self) -> None:
        """Open what can be opened now; a store that is down is retried on the next request."""
        try:
            self.executor()
            self.named_executor()
            self.validation_pool()
            if not self.settings.remote:
                self.triple_count()  # counted now, not by the first /health (1 s at 3M)
                warm(self.kb())
        except StoreError as exc:
            log.warning("store not reachable at start-up, will retry: %s", exc)
        if self.settings.remote is not None and self.settings.refresh_interval > 0:
            self._refresher = threading.Thread(target=self._refresh_loop, daemon=True,
                                               name="thamquyen-refresh")
            self._refresher.start()

    def close(self) -> None:
        """Stop the refresh thread and the workers, release the store."""
        self._stop.set()
        for executor in (self._executor, self._named_executor, self._validation_pool):
            if executor is not None:
                executor.close()
        self._executor = self._named_executor = self._validation_pool = None
        if self._own_kb and self._kb is not None:
            self._kb.store.close()
            self._kb = None


def service(request: Request) -> ServiceState:
    """The ServiceState of the app that serves this request."""
    return request.app.state.service
