"""Service settings: defaults, then THAMQUYEN_* environment variables, then command-line options."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

from ..rdfio import InputError
from ..store import RemoteSettings


@dataclass(frozen=True)
class Settings:
    """Everything the HTTP service can be configured with."""

    host: str = "127.0.0.1"
    port: int = 8000
    paths: tuple[Path, ...] = ()
    endpoint: str | None = None
    update_endpoint: str | None = None
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0
    query_timeout: float = 10.0
    row_limit: int = 10000
    max_upload_mb: float = 10.0
    validation_timeout: float = 30.0
    max_validate_triples: int = 50000
    max_blank_depth: int = 32
    workdir: Path | None = None
    sparql_workers: int = 2
    yasgui_dir: Path | None = None
    sparql_queue: int = 16
    named_workers: int = 2
    validation_workers: int = 1
    web_processes: int = 1
    client_queries: int = 4
    max_query_kb: float = 256.0
    max_query_depth: int = 100
    max_result_mb: float = 32.0
    worker_memory_mb: int = 2048
    answer_cache_mb: float = 128.0
    header_timeout: float = 10.0
    body_timeout: float = 60.0
    keep_alive: float = 15.0  # above the 5 s clients keep idle connections: no close race
    max_connections: int = 2000
    public_url: str | None = None
    auth: str = "basic"
    graph: str | None = None
    refresh_interval: float = 30.0
    answers_socket: str | None = None  # set by serve_in_processes: the answer process's address

    @property
    def remote(self) -> RemoteSettings | None:
        """How to reach the remote store, or None for the embedded one."""
        if not self.endpoint:
            return None
        return RemoteSettings(query_url=self.endpoint, update_url=self.update_endpoint,
                              user=self.user, password=self.password, timeout=self.timeout,
                              auth=self.auth, graph=self.graph)

    @property
    def base_url(self) -> str:
        """The public base URL (no trailing slash): set, or built from host and port."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def max_upload_bytes(self) -> int:
        """The largest request body POST /api/validate accepts."""
        return int(self.max_upload_mb * 1024 * 1024)

    def with_options(self, **options: object) -> Settings:
        """A copy with the options that are not None (command-line values win)."""
        known = {f.name for f in fields(self)}
        return replace(self, **{k: v for k, v in options.items() if k in known and v is not None})


# (variable, field, meaning) — the table in `thamquyen serve --help` and docs/service.md.
ENVIRONMENT: tuple[tuple[str, str, str], ...] = (
    ("THAMQUYEN_HOST", "host", "address to listen on (default 127.0.0.1)"),
    ("THAMQUYEN_PORT", "port", "port (default 8000)"),
    ("THAMQUYEN_PATHS", "paths", "extra Turtle files/folders joined to the embedded store, "
                                 "separated by the OS path separator (':' on Linux)"),
    ("THAMQUYEN_ENDPOINT", "endpoint", "query URL of a remote SPARQL 1.1 store "
                                       "(default: the embedded store)"),
    ("THAMQUYEN_UPDATE_ENDPOINT", "update_endpoint", "update URL of the remote store "
                                                     "(used by `thamquyen load`)"),
    ("THAMQUYEN_USER", "user", "user name for the remote store (HTTP basic auth)"),
    ("THAMQUYEN_PASSWORD", "password", "password for the remote store"),
    ("THAMQUYEN_TIMEOUT", "timeout", "seconds to wait for the remote store on internal "
                                     "requests (default 30)"),
    ("THAMQUYEN_QUERY_TIMEOUT", "query_timeout", "seconds a /sparql query may run before it "
                                                 "is stopped (default 10)"),
    ("THAMQUYEN_ROW_LIMIT", "row_limit", "most rows (or triples) /sparql returns (default 10000)"),
    ("THAMQUYEN_MAX_UPLOAD_MB", "max_upload_mb", "largest body POST /api/validate accepts, "
                                                 "in MB (default 10)"),
    ("THAMQUYEN_VALIDATION_TIMEOUT", "validation_timeout", "seconds POST /api/validate may "
                                                           "take before a 503 (default 30)"),
    ("THAMQUYEN_MAX_VALIDATE_TRIPLES", "max_validate_triples", "most triples a document posted "
                                                               "to /api/validate may hold "
                                                               "(default 50000)"),
    ("THAMQUYEN_MAX_BLANK_DEPTH", "max_blank_depth", "deepest nesting of blank nodes ([ … [ … ] ]) "
                                                     "/api/validate accepts (default 32)"),
    ("THAMQUYEN_WORKDIR", "workdir", "working folder of the embedded store (default .thamquyen/)"),
    ("THAMQUYEN_SPARQL_WORKERS", "sparql_workers", "worker processes that run /sparql queries on "
                                                   "the embedded store (default 2)"),
    ("THAMQUYEN_NAMED_WORKERS", "named_workers", "worker processes of their own for the named "
                                                 "queries on the embedded store (default 2)"),
    ("THAMQUYEN_WEB_PROCESSES", "web_processes", "web processes answering requests on the "
                                                 "embedded store, each with its own workers "
                                                 "and admission limits (default 1)"),
    ("THAMQUYEN_VALIDATION_WORKERS", "validation_workers", "worker processes that run POST "
                                                           "/api/validate on the embedded store "
                                                           "(default 1)"),
    ("THAMQUYEN_SPARQL_QUEUE", "sparql_queue", "queries that may wait for a free worker; more "
                                               "get 503 busy at once (default 16)"),
    ("THAMQUYEN_CLIENT_QUERIES", "client_queries", "queries (/sparql, named queries, validation) "
                                                   "one client address may have in flight (default 4)"),
    ("THAMQUYEN_MAX_QUERY_KB", "max_query_kb", "longest /sparql query text, in KB (default 256)"),
    ("THAMQUYEN_MAX_QUERY_DEPTH", "max_query_depth", "deepest nesting of { ( [ in a query "
                                                     "(default 100)"),
    ("THAMQUYEN_MAX_RESULT_MB", "max_result_mb", "largest /sparql answer, in MB (default 32)"),
    ("THAMQUYEN_WORKER_MEMORY_MB", "worker_memory_mb", "address space of one SPARQL worker, in MB; "
                                                       "0 for no cap (default 2048)"),
    ("THAMQUYEN_ANSWER_CACHE_MB", "answer_cache_mb", "memory of the nationwide who-holds answers "
                                                     "kept per web or answer process, in MB (default 128)"),
    ("THAMQUYEN_HEADER_TIMEOUT", "header_timeout", "seconds a client has to send the request "
                                                   "headers (default 10)"),
    ("THAMQUYEN_BODY_TIMEOUT", "body_timeout", "seconds a client has to send the whole request "
                                               "(default 60)"),
    ("THAMQUYEN_KEEP_ALIVE", "keep_alive", "seconds an idle kept-alive connection stays open "
                                           "(default 15)"),
    ("THAMQUYEN_MAX_CONNECTIONS", "max_connections", "open connections at most; more are closed "
                                                     "at once (default 2000)"),
    ("THAMQUYEN_PUBLIC_URL", "public_url", "the service's public base URL, e.g. https://thamquyen.example.vn "
                                           "(default http://HOST:PORT; the Host header is never trusted)"),
    ("THAMQUYEN_AUTH", "auth", "HTTP authentication of the remote store: basic (default) or "
                               "digest (Virtuoso's /sparql-auth)"),
    ("THAMQUYEN_GRAPH", "graph", "named-graph mode: the IRI of the graph holding the data "
                                 "(stores whose default graph is not writable, e.g. Virtuoso)"),
    ("THAMQUYEN_REFRESH_INTERVAL", "refresh_interval", "seconds between checks of the remote "
                                                       "store's fingerprint; a change swaps in a "
                                                       "fresh index (default 30, 0: never)"),
    ("THAMQUYEN_YASGUI_DIR", "yasgui_dir", "folder holding yasgui.min.js/.css (default: "
                                           "node_modules/@zazuko/yasgui/build after `npm ci`)"),
)

_TYPES = {f.name: f.type for f in fields(Settings)}


def _convert(name: str, variable: str, text: str) -> object:
    kind = _TYPES[name]
    try:
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
    except ValueError as exc:
        raise InputError(f"biến môi trường {variable}={text!r} không phải là số.",
                         f"environment variable {variable}={text!r} is not a number.") from exc
    if name == "paths":
        return tuple(Path(p) for p in text.split(os.pathsep) if p)
    if kind.startswith("Path"):
        return Path(text)
    return text


def from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from THAMQUYEN_* variables (unset or empty ones keep their default)."""
    environ = os.environ if environ is None else environ
    values = {name: _convert(name, var, environ[var])
              for var, name, _ in ENVIRONMENT if environ.get(var)}
    return Settings(**values)


def environment_help() -> str:
    """The environment variables as indented lines, for --help."""
    return "\n".join(f"  {var:<26} {meaning}" for var, _, meaning in ENVIRONMENT)


def yasgui_candidates(settings: Settings) -> list[Path]:
    """Where the YASGUI build may be, first match wins."""
    from .. import paths

    found = [settings.yasgui_dir] if settings.yasgui_dir else []
    found.append(Path(__file__).resolve().parents[1] / "static" / "vendor" / "yasgui")
    found.extend(modules / "@zazuko" / "yasgui" / "build" for modules in paths.node_modules())
    return [p for p in found if p is not None]


def find_yasgui(settings: Settings) -> Path | None:
    """The folder with yasgui.min.js, or None when `npm ci` has not been run."""
    for candidate in yasgui_candidates(settings):
        if (candidate / "yasgui.min.js").is_file():
            return candidate
    return None
