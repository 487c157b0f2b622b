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
    workdir: Path | None = None
    sparql_workers: int = 2
    yasgui_dir: Path | None = None
    auth: str = "basic"
    graph: str | None = None
    refresh_interval: float = 30.0

    @property
    def remote(self) -> RemoteSettings | None:
        """How to reach the remote store, or None for the embedded one."""
        if not self.endpoint:
            return None
        return RemoteSettings(query_url=self.endpoint, update_url=self.update_endpoint,
                              user=self.user, password=self.password, timeout=self.timeout,
                              auth=self.auth, graph=self.graph)

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
    ("THAMQUYEN_WORKDIR", "workdir", "working folder of the embedded store (default .thamquyen/)"),
    ("THAMQUYEN_SPARQL_WORKERS", "sparql_workers", "worker processes that run /sparql queries on "
                                                   "the embedded store (default 2)"),
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
    found.append(paths.project_root() / "node_modules" / "@zazuko" / "yasgui" / "build")
    return [p for p in found if p is not None]


def find_yasgui(settings: Settings) -> Path | None:
    """The folder with yasgui.min.js, or None when `npm ci` has not been run."""
    for candidate in yasgui_candidates(settings):
        if (candidate / "yasgui.min.js").is_file():
            return candidate
    return None
