"""The shipped nginx configuration (deploy/nginx/), run by Debian's nginx on loopback with a
temporary prefix in front of a real service: headers and JSON errors, and a slow-header attack
of 10,000 connections during which /health keeps answering within a second."""

from __future__ import annotations

import contextlib
import resource
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import REPO, free_port, wait_until
from test_hardening_service import Served

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (setup.sh --test)")
DEPLOY = REPO / "deploy" / "nginx"


def configure(prefix: Path, listen: int, upstream: int) -> Path:
    """The shipped files with only the machine-specific bits replaced (paths, ports, user)."""
    site = (DEPLOY / "thamquyen.conf").read_text(encoding="utf-8")
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen} backlog=8192;")
    (prefix / "thamquyen.conf").write_text(site, encoding="utf-8")
    main = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    temp = "".join(f"    {kind}_temp_path {prefix / kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    for old, new in (("user www-data;\n", ""), ("/run/nginx.pid", str(prefix / "nginx.pid")),
                     ("/var/log/nginx/", f"{prefix}/"),
                     ("/etc/nginx/conf.d/*.conf", str(prefix / "thamquyen.conf")),
                     ("http {\n", "http {\n" + temp)):
        assert old in main, old
        main = main.replace(old, new)
    (prefix / "nginx.conf").write_text(main, encoding="utf-8")
    return prefix / "nginx.conf"


@pytest.fixture(scope="module")
def proxied(app_factory, tmp_path_factory) -> Iterator[str]:
    """The service behind nginx: the base URL nginx listens on."""
    served = Served(app_factory.app("embedded"))
    prefix = tmp_path_factory.mktemp("nginx")
    port = free_port()
    conf = configure(prefix, port, served.port)
    nginx = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
                             stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert nginx.poll() is None, nginx.stderr.read().decode() if nginx.stderr else ""
        try:
            return httpx.get(f"{url}/health", timeout=5, trust_env=False).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(up, 60, "nginx")
        yield url
    finally:
        nginx.terminate()
        nginx.wait(timeout=20)
        served.stop()


def test_headers_and_json_errors_through_nginx(proxied):
    with httpx.Client(base_url=proxied, timeout=30, trust_env=False) as client:
        health = client.get("/health", headers={"Origin": "https://app.example"})
        assert health.status_code == 200
        assert health.headers.get_list("access-control-allow-origin") == ["*"]
        assert health.headers["x-content-type-options"] == "nosniff"
        assert "server" not in health.headers or "nginx/" not in health.headers["server"]
        page = client.get("/sparql", headers={"Accept": "text/html"})
        assert page.headers.get_list("content-security-policy") == [
            "frame-ancestors 'none'; base-uri 'self'; object-src 'none'"]
        long_url = client.get("/sparql", params={"query": "#" + "x" * 40_000})
        assert long_url.status_code == 414
        big = client.post("/api/validate", content=b"#" * (12 * 1024 * 1024),
                          headers={"Content-Type": "text/turtle"})
        assert big.status_code == 413 and big.json()["error"] == "too_large"


def test_slow_header_attack_leaves_health_answering(proxied):
    """10,000 connections that never finish their headers; /health within 1 s meanwhile."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 10_000
    if hard != resource.RLIM_INFINITY and hard < wanted + 500:
        pytest.skip(f"this machine allows {hard} open files, the attack needs {wanted + 500}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted + 500), hard))
    port = int(proxied.rsplit(":", 1)[1])
    attackers: list[socket.socket] = []
    worst = 0.0
    try:
        for number in range(wanted):
            s = socket.socket()
            s.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                s.connect(("127.0.0.1", port))
            attackers.append(s)
            if number % 1000 == 999:
                time.sleep(0.2)
                for pending in attackers[-1000:]:
                    with contextlib.suppress(OSError):
                        pending.send(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                worst = max(worst, health_seconds(proxied))
        for _ in range(5):
            worst = max(worst, health_seconds(proxied))
            time.sleep(0.2)
    finally:
        for s in attackers:
            s.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    print(f"\n/health through nginx under {wanted} slow-header connections: worst {worst:.3f} s")
    assert worst < 1.0


def health_seconds(url: str) -> float:
    started = time.monotonic()
    response = httpx.get(f"{url}/health", timeout=10, trust_env=False)
    assert response.status_code == 200
    return time.monotonic() - started
