"""`thamquyen load` says what it knows: nothing written when the store could not be reached,
"outcome unknown, check the store" when the store took the update and then went away."""

from __future__ import annotations

import socket
import threading

from conftest import free_port
from thamquyen.cli import main

EMPTY_RESULTS = b'{"head": {"vars": ["part"]}, "results": {"bindings": []}}'


def read_request(conn: socket.socket) -> bytes:
    """One whole HTTP request (head and body) from the connection; its request line first."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length")), 0)
    while len(body) < length:
        body += conn.recv(65536)
    return head


def store_that_dies_after_reading() -> tuple[int, threading.Thread]:
    """A loopback store that answers reads (the load mark: none) and drops the connection
    after reading one whole update request (as a store killed during its commit)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)

    def serve() -> None:
        while True:
            conn, _ = server.accept()
            head = read_request(conn)
            if b" /update" in head.split(b"\r\n")[0]:
                break
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                         b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(EMPTY_RESULTS)
                         + EMPTY_RESULTS)
            conn.close()
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
