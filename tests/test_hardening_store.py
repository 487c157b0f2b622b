"""Two processes, one store folder: real `thamquyen serve` processes started together on an
empty folder share one good store; a third on other data leaves the first working; a damaged
store is set aside and rebuilt at the next start, with a message; an unwritable folder is a
clear error, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import free_port, wait_until

ASK = "ASK { ?s ?p ?o }"


class Serve:
    """A `thamquyen serve` process on a free port."""

    def __init__(self, home: Path, workdir: Path, *extra: Path):
        self.port = free_port()
        env = {**os.environ, "THAMQUYEN_HOME": str(home), "NO_PROXY": "*"}
        self.log = workdir.parent / f"serve-{self.port}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "thamquyen.cli", "serve", "--port", str(self.port),
             "--workdir", str(workdir), "--sparql-workers", "1", "--log-level", "warning",
             *map(str, extra)],
            env=env, stdout=subprocess.DEVNULL, stderr=open(self.log, "wb"))  # noqa: SIM115

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def health(self) -> httpx.Response:
        return httpx.get(f"{self.url}/health", timeout=10, trust_env=False)

    def ask(self) -> httpx.Response:
        return httpx.get(f"{self.url}/sparql", params={"query": ASK}, timeout=30, trust_env=False,
                         headers={"Accept": "application/sparql-results+json"})

    def wait_up(self) -> None:
        def up() -> bool:
            assert self.process.poll() is None, self.log.read_text()
            try:
                return self.health().status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(up, 240, f"serve on {self.port}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def started(tmp_path) -> Iterator[list[Serve]]:
    servers: list[Serve] = []
    yield servers
    for server in servers:
        server.stop()


def stores(workdir: Path) -> list[str]:
    return sorted(p.name for p in (workdir / "store").iterdir() if p.is_dir())


def test_two_at_once_then_other_data_then_a_damaged_store(mini_home, tmp_path, started):
    workdir = tmp_path / "work"
    first, second = Serve(mini_home, workdir), Serve(mini_home, workdir)
    started += [first, second]
    first.wait_up()
    second.wait_up()
    assert first.health().json()["fingerprint"] == second.health().json()["fingerprint"]
    assert first.ask().json()["boolean"] and second.ask().json()["boolean"]
    (fingerprint,) = stores(workdir)
    assert (workdir / "store" / fingerprint / "READY").exists()

    extra = tmp_path / "khac.ttl"
    extra.write_text("<https://example.org/a> <https://example.org/b> 'khác'@vi .\n", encoding="utf-8")
    third = Serve(mini_home, workdir, extra)
    started.append(third)
    third.wait_up()
    assert third.health().json()["fingerprint"] != fingerprint
    assert fingerprint in stores(workdir)  # still in use by the first two: not removed
    for server in (first, second):
        assert server.ask().status_code == 200 and server.health().status_code == 200

    for server in started:
        server.stop()
    started.clear()
    for sst in (workdir / "store" / fingerprint / "oxigraph").glob("*"):
        if sst.is_file() and sst.name.startswith(("CURRENT", "MANIFEST")):
            sst.write_bytes(b"garbage")
    again = Serve(mini_home, workdir)
    started.append(again)
    again.wait_up()
    assert again.ask().json()["boolean"]
    log = again.log.read_text()
    assert "bị hỏng" in log and "rebuilt" in log
    assert (workdir / "store" / fingerprint / "READY").exists()
    assert not [name for name in stores(workdir) if ".building" in name]


def test_unwritable_work_folder_is_a_clear_error(mini_home, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = subprocess.run(
        [sys.executable, "-m", "thamquyen.cli", "serve", "--workdir", str(blocker / "work")],
        env={**os.environ, "THAMQUYEN_HOME": str(mini_home)}, capture_output=True, text=True,
        timeout=120)
    assert result.returncode == 2
    assert "không ghi được" in result.stderr and "--workdir" in result.stderr
    assert "Traceback" not in result.stderr


def test_old_store_in_use_is_kept_and_unused_one_removed(tmp_path):
    from thamquyen import storedir

    root = storedir.store_root(tmp_path)
    for name in ("used", "unused", "current"):
        (root / name).mkdir()
        (root / name / storedir.IN_USE).touch()
    mark = storedir.mark_in_use(root / "used")
    try:
        with storedir.build_lock(root):
            removed = storedir.remove_unused(root, "current")
        assert removed == ["unused"]
        assert sorted(p.name for p in root.iterdir() if p.is_dir()) == ["current", "used"]
    finally:
        storedir.release(mark)
    time.sleep(0)
    assert storedir.remove_unused(root, "current") == ["used"]
