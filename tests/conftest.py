"""Shared fixtures: the knowledge base on the embedded store and on a real Oxigraph server,
the HTTP app on either (TestClient), and a real uvicorn server for real clients and browsers.

The API suites take `client` (or `live_url`), parametrised over "embedded" and "remote", so
the same tests run on both stores. Deselect the remote half with `-m "not remote"`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from thamquyen import paths
from thamquyen.store import RemoteSettings

REPO = Path(__file__).resolve().parent.parent
API_FIXTURE = REPO / "tests" / "fixtures" / "api" / "sample.ttl"
ID = "https://w3id.org/thamquyen/id/"
POWER_ONE = f"{ID}power/kiem-thu-api-mot"
POWER_TWO = f"{ID}power/kiem-thu-api-hai"
CONFERRAL = f"{ID}conferral/kiem-thu-api-mot"
UBND_84 = f"{ID}agency/ubnd-84"
BASIS = f"{ID}doc/77-2015-qh13/dieu-13/khoan-1"
AT = "2024-05-01"


def assert_error(response, status: int, code: str | None = None) -> dict:
    """An error answer: the status, the JSON shape, Vietnamese text, no traceback."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) >= {"error", "detail"}
    assert isinstance(body["error"], str) and isinstance(body["detail"], str) and body["detail"]
    assert "Traceback" not in response.text and 'File "' not in response.text
    if code:
        assert body["error"] == code
    return body


STORE_KINDS = ["embedded", pytest.param("remote", marks=pytest.mark.remote)]


def pytest_configure(config: pytest.Config) -> None:
    """Markers of the API suites."""
    config.addinivalue_line("markers", "remote: runs against a real Oxigraph server (oxigraph serve)")
    config.addinivalue_line("markers", "browser: drives headless Chromium (/usr/bin/chromium)")


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `check` until it is true, or fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.1)
    pytest.fail(f"{what} not ready after {timeout:g} s")


# ---------------------------------------------------------------- Oxigraph servers


@dataclass
class OxigraphServer:
    """A running `oxigraph serve` on a loopback port."""

    process: subprocess.Popen
    port: int
    location: Path | None

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    @property
    def update_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/update"

    def remote(self, timeout: float = 300.0) -> RemoteSettings:
        """RemoteSettings for this server."""
        return RemoteSettings(self.query_url, self.update_url, timeout=timeout)

    def count(self) -> int:
        """Triples in the default graph."""
        answer = httpx.post(self.query_url, data={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                            headers={"Accept": "application/sparql-results+json"}, timeout=120)
        return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def oxigraph_executable() -> str | None:
    """The `oxigraph` command of the PyPI package (in the venv next to python), or None."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


@pytest.fixture(scope="session")
def start_oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., OxigraphServer]]:
    """Start `oxigraph serve` servers (stopped at the end of the session)."""
    exe = oxigraph_executable()
    started: list[OxigraphServer] = []

    def start(persistent: bool = True, timeout_s: int = 120) -> OxigraphServer:
        if exe is None:
            pytest.skip("the `oxigraph` server is not installed (pip install -e '.[test]')")
        port = free_port()
        location = tmp_path_factory.mktemp("oxigraph") if persistent else None
        command = [exe, "serve", "--bind", f"127.0.0.1:{port}", "--timeout-s", str(timeout_s)]
        if location is not None:
            command += ["--location", str(location)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server = OxigraphServer(process, port, location)
        started.append(server)
        wait_until(lambda: httpx.post(server.query_url, data={"query": "ASK {}"}, timeout=2)
                   .status_code == 200, 30, "oxigraph serve")
        return server

    yield start
    for server in started:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()


@pytest.fixture(scope="session")
def mini_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small project folder (THAMQUYEN_HOME): the real ontology, shapes and queries, and only
    the API fixture as data/ — for tests that load a store many times."""
    home = tmp_path_factory.mktemp("mini-home")
    for name in ("ontology", "shapes", "queries"):
        (home / name).symlink_to(REPO / name, target_is_directory=True)
    (home / "data").mkdir()
    shutil.copy(API_FIXTURE, home / "data" / API_FIXTURE.name)
    return home


def load_with_cli(server: OxigraphServer, *extra: Path, home: Path | None = None) -> int:
    """Run `thamquyen load` (in this process) against the server; its exit code."""
    from thamquyen.cli import main

    argv = ["load", "--endpoint", server.query_url, "--update-endpoint", server.update_url,
            *map(str, extra)]
    if home is None:
        return main(argv)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("THAMQUYEN_HOME", str(home))
        return main(argv)


@contextmanager
def shipped_home() -> Iterator[None]:
    """The repository as THAMQUYEN_HOME while a session-wide store or app is built: a module's
    `fixture_home` (empty data/) may be active when a session fixture is first requested, and
    the session's store must not be built from it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("THAMQUYEN_HOME", raising=False)
        patch.delenv("THAMQUYEN_WORKDIR", raising=False)
        yield


@pytest.fixture(scope="session")
def loaded_oxigraph(start_oxigraph: Callable[..., OxigraphServer]) -> OxigraphServer:
    """An Oxigraph server filled by `thamquyen load` with ontology + data + the fixture. In
    memory: the same protocol and answers, and the load takes 10 s instead of 23 s (RocksDB
    writes); no test restarts it."""
    server = start_oxigraph(persistent=False, timeout_s=120)
    with shipped_home():
        assert load_with_cli(server, API_FIXTURE) == 0
    return server


# ---------------------------------------------------------------- knowledge bases


@pytest.fixture(scope="session")
def api_workdir() -> Path:
    """The API tests' own embedded-store folder (kept between runs, apart from the CLI's)."""
    with shipped_home():
        return paths.work_dir() / "test-api"


@pytest.fixture(scope="session")
def embedded_kb(api_workdir: Path):
    """ontology + data + the API fixture on the persistent embedded store."""
    from thamquyen.kb import open_kb

    with shipped_home():
        return open_kb([API_FIXTURE], workdir=api_workdir)


@pytest.fixture(scope="session")
def remote_kb(loaded_oxigraph: OxigraphServer):
    """The same knowledge on the Oxigraph server."""
    from thamquyen.kb import open_kb

    with shipped_home():
        return open_kb(remote=loaded_oxigraph.remote())


@pytest.fixture(scope="session")
def shipped_kb():
    """ontology + data on the persistent embedded store (what the CLI and the service read),
    opened once per test process for the files that ask about the shipped data."""
    from thamquyen.kb import open_kb

    with shipped_home():
        return open_kb()


# ---------------------------------------------------------------- apps and clients


@dataclass
class AppFactory:
    """Builds apps on either store; every app it made is shut down at the end."""

    request: pytest.FixtureRequest
    opened: list = field(default_factory=list)

    def settings(self, kind: str, **options):
        """Settings for the store kind, with overrides."""
        from thamquyen.api.settings import Settings

        # validation on the remote store runs in the web process: allow a busy CI machine
        base = dict(query_timeout=10.0, sparql_workers=2, validation_timeout=120.0)
        if kind == "remote":
            server = self.request.getfixturevalue("loaded_oxigraph")
            base.update(endpoint=server.query_url, update_endpoint=server.update_url, timeout=300.0)
        else:
            base.update(paths=(API_FIXTURE,), workdir=self.request.getfixturevalue("api_workdir"))
        base.update(options)
        return Settings(**base)

    def app(self, kind: str, kb=None, **options):
        """An app on the store kind (the session's knowledge base unless one is given)."""
        from thamquyen.api import create_app

        no_kb = options.pop("no_kb", False)
        if kb is None and not no_kb:
            kb = self.request.getfixturevalue(f"{kind}_kb")
        return create_app(self.settings(kind, **options), kb)

    def client(self, kind: str, **options):
        """A started TestClient (lifespan run) on a new app."""
        from fastapi.testclient import TestClient

        with shipped_home():
            client = TestClient(self.app(kind, **options), raise_server_exceptions=False)
            client.__enter__()
        self.opened.append(client)
        return client

    def close(self) -> None:
        for client in self.opened:
            client.__exit__(None, None, None)


@pytest.fixture(scope="session")
def app_factory(request: pytest.FixtureRequest) -> Iterator[AppFactory]:
    """Make apps and TestClients on either store."""
    factory = AppFactory(request)
    yield factory
    factory.close()


@pytest.fixture(scope="session", params=STORE_KINDS)
def store_kind(request: pytest.FixtureRequest) -> str:
    """embedded or remote: the API suites run once on each."""
    return request.param


@pytest.fixture(scope="session")
def client(app_factory: AppFactory, store_kind: str):
    """A TestClient on the app for this store kind (one per kind per session)."""
    return app_factory.client(store_kind)


class LiveServer:
    """uvicorn serving an app on a free loopback port, in a thread."""

    def __init__(self, app) -> None:
        import uvicorn

        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="uvicorn-test", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        self.thread.start()
        wait_until(lambda: self.server.started, 60, "uvicorn")
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture(scope="session")
def live_servers(app_factory: AppFactory) -> Iterator[Callable[..., LiveServer]]:
    """One uvicorn server per store kind (and settings), started on first use."""
    running: dict[tuple, LiveServer] = {}

    def get(kind: str, **options) -> LiveServer:
        key = (kind, *sorted(options.items()))
        if key not in running:
            running[key] = LiveServer(app_factory.app(kind, **options)).start()
        return running[key]

    yield get
    for server in running.values():
        server.stop()


@pytest.fixture(scope="session")
def live_url(live_servers: Callable[..., LiveServer], store_kind: str) -> str:
    """Base URL of a real HTTP server on this store kind."""
    return live_servers(store_kind).url


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real clients must reach the loopback server directly."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    os.environ.setdefault("no_proxy", "127.0.0.1,localhost")


@pytest.fixture(scope="module")
def fixture_home(tmp_path_factory):
    """THAMQUYEN_HOME with the real ontology, shapes and queries and an EMPTY data/, for a module.

    Tests on the engine fixtures use it, so their answers do not depend on the shipped data.
    """
    repo = Path(__file__).resolve().parents[1]
    root = tmp_path_factory.mktemp("home")
    for name in ("ontology", "shapes", "queries"):
        try:
            (root / name).symlink_to(repo / name, target_is_directory=True)
        except OSError:
            shutil.copytree(repo / name, root / name)
    (root / "data").mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("THAMQUYEN_HOME", str(root))
        mp.setenv("THAMQUYEN_WORKDIR", str(root / ".work"))
        yield root


@pytest.fixture(scope="module")
def kb(fixture_home):
    """ontology + tests/fixtures/engine in memory (no shipped data), built once for a module."""
    from thamquyen.kb import open_kb

    return open_kb([Path(__file__).resolve().parent / "fixtures" / "engine"], persistent=False)


CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def start_chromium(arguments: tuple[str, ...], prefs: dict | None = None, page_load_timeout: float = 60):
    """Debian's Chromium driven by selenium, told where everything is (so it downloads nothing)."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in arguments:
        options.add_argument(argument)
    if prefs:
        options.add_experimental_option("prefs", prefs)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SE_OFFLINE", "true")
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(page_load_timeout)
    return driver


@pytest.fixture(scope="module")
def site(live_servers) -> str:
    """The embedded-store server the browser tests drive (shipped data + the API fixture)."""
    return live_servers("embedded").url


def wait(driver, condition, seconds: float = 30):
    """Wait for a condition on the page (browser tests)."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds).until(condition)
