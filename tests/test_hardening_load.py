"""`thamquyen load` says what it knows: nothing written when the store could not be reached,
"outcome unknown, check the store" when the store took the update and then went away."""

from __future__ import annotations

import socket
import threading

from conftest import free_port
from thamquyen.cli import main


def store_that_dies_after_reading() -> tuple[int, threading.Thread]:
    """A loopback server that reads one whole update request, then drops the connection
    (as a store killed during its commit)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def serve() -> None:
        conn, _ = server.accept()
        data = b""
        while b"\r\n\r\n" not in data:
            data += conn.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length"))
        while len(body) < length:
            body += conn.recv(65536)
        conn.close()
        server.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return server.getsockname()[1], thread


def load(port: int, home, monkeypatch) -> int:
    monkeypatch.setenv("THAMQUYEN_HOME", str(home))
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    url = f"http://127.0.0.1:{port}"
    return main(["load", "--endpoint", f"{url}/query", "--update-endpoint", f"{url}/update",
                 "--timeout", "10"])


def test_store_gone_during_commit_means_outcome_unknown(mini_home, monkeypatch, capsys):
    port, thread = store_that_dies_after_reading()
    assert load(port, mini_home, monkeypatch) == 2
    thread.join(timeout=10)
    err = capsys.readouterr().err
    assert "KHÔNG BIẾT" in err and "outcome is unknown" in err and "check the store" in err
    assert "không có gì được ghi" not in err


def test_store_unreachable_means_nothing_written(mini_home, monkeypatch, capsys):
    assert load(free_port(), mini_home, monkeypatch) == 2
    err = capsys.readouterr().err
    assert "không có gì được ghi" in err and "outcome is unknown" not in err
