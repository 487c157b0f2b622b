"""The remote-store part of `bench run`, on a writable Oxigraph server holding the dataset:
index open (cold: one bulk read; warm: the index cache), two `serve` replicas on that one store
(who-holds throughput with N clients spread over both), and how long after a `thamquyen load`
both replicas answer from the new data (with a client asking all along: failed requests)."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .measure import Child, cpu_seconds, percentiles, wait_for

EXTRA = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/thamquyen/id/power/bench-refresh> skos:prefLabel "Đo làm mới"@vi .
"""


def open_times(query_url: str, update_url: str, workdir: Path) -> dict:
    """Seconds to open the knowledge base on the remote store: cold, then warm (cache)."""
    from ..kb import open_kb
    from ..store import RemoteSettings

    settings = RemoteSettings(query_url, update_url, timeout=900)
    found: dict = {"loadavg": loadavg()}
    for label in ("cold", "warm"):
        started, cpu = time.perf_counter(), time.process_time()
        open_kb(remote=settings, workdir=workdir)
        found[label] = round(time.perf_counter() - started, 2)
        found[f"{label}_cpu_s"] = round(time.process_time() - cpu, 2)
    return found


def loadavg() -> str:
    """The 1-, 5- and 15-minute load averages (the machine may be shared)."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def health(port: int) -> dict:
    """/health of one replica ({} when it does not answer)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", "/health")
        return json.loads(connection.getresponse().read())
    except (OSError, http.client.HTTPException, ValueError):
        return {}
    finally:
        connection.close()


def throughput(ports: list[int], paths: list[str], clients: int, seconds: float) -> dict:
    """Who-holds requests per second, `clients` keep-alive clients spread over the replicas."""
    deadline = time.perf_counter() + seconds
    ok, errors = [0] * clients, [0] * clients
    samples: list[list[float]] = [[] for _ in range(clients)]

    def client(k: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", ports[k % len(ports)], timeout=120)
        i = k
        while time.perf_counter() < deadline:
            asked = time.perf_counter()
            try:
                connection.request("GET", paths[i % len(paths)])
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):  # a timeout or a dropped connection
                connection.close()
                status = 0
            samples[k].append(time.perf_counter() - asked)
            if status == 200:
                ok[k] += 1
            else:
                errors[k] += 1
            i += clients
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    latency = percentiles([t for part in samples for t in part])
    return {"rps": round(sum(ok) / wall, 1), "p50_ms": latency["p50_ms"],
            "p99_ms": latency["p99_ms"], "ok": sum(ok), "errors": sum(errors),
            "clients": clients, "replicas": len(ports), "loadavg": loadavg()}


def refresh_after_load(ports: list[int], paths: list[str], load_argv: list[str],
                       log: Path, limit_s: float, pids: tuple[int, ...] = ()) -> dict:
    """Run `thamquyen load`, then wait until every replica shows the new fingerprint; a
    client keeps asking who-holds meanwhile (its failures are counted). `pids`: the replicas
    and the store, whose CPU seconds from the load's end to the last swap are reported."""
    before = {health(p).get("fingerprint") for p in ports}
    stop = threading.Event()
    counts = {"ok": 0, "errors": 0}
    latency: list[float] = []  # of the requests asked between the load's end and the last swap
    window: dict[str, float] = {}

    def asker() -> None:
        i = 0
        while not stop.is_set():
            port = ports[i % len(ports)]
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            asked = time.perf_counter()
            try:
                connection.request("GET", paths[i % len(paths)])
                response = connection.getresponse()
                response.read()
                counts["ok" if response.status == 200 else "errors"] += 1
            except (OSError, http.client.HTTPException):
                counts["errors"] += 1
            finally:
                connection.close()
            if "from" in window and "until" not in window:
                latency.append(time.perf_counter() - asked)
            i += 1

    thread = threading.Thread(target=asker)
    thread.start()
    try:
        started = time.perf_counter()
        with log.open("ab") as sink:
            code = subprocess.run(load_argv, stdout=sink, stderr=sink).returncode
        loaded, load_average = time.perf_counter(), loadavg()
        window["from"] = loaded
        cpu_before = [cpu_seconds(pid) for pid in pids]
        seen: dict[int, float] = {}
        while len(seen) < len(ports) and time.perf_counter() - loaded < limit_s:
            for port in ports:
                fingerprint = health(port).get("fingerprint")
                if port not in seen and fingerprint is not None and fingerprint not in before:
                    seen[port] = time.perf_counter() - loaded
            time.sleep(0.2)
        window["until"] = time.perf_counter()
        cpu = [round(cpu_seconds(pid) - c, 1) for pid, c in zip(pids, cpu_before, strict=True)]
    finally:
        stop.set()
        thread.join()
    return {"load_exit": code, "load_s": round(loaded - started, 1),
            "refresh_s": round(max(seen.values()), 1) if len(seen) == len(ports) else None,
            "each_s": [round(seen[p], 1) if p in seen else None for p in ports],
            "cpu_s_replicas_then_store": cpu, "loadavg_at_load_end": load_average,
            "requests_ok": counts["ok"], "requests_failed": counts["errors"],
            "who_holds_during_refresh": percentiles(latency) if latency else None}


def measure(folder: Path, tmp: Path, paths: list[str], serve_port: Callable[[], int],
            binary: str, clients: int, seconds: float, interval: float,
            log: Callable[[str], None]) -> dict:
    """Everything above on a fresh writable Oxigraph server loaded by `thamquyen load`."""
    port = serve_port()
    server = Child([binary, "serve", "--location", str(tmp / "oxigraph-rw"), "--bind",
                    f"127.0.0.1:{port}", "--timeout-s", "600"], tmp / "oxigraph-rw.log")
    query_url = f"http://127.0.0.1:{port}/query"
    update_url = f"http://127.0.0.1:{port}/update"
    load_argv = [sys.executable, "-m", "thamquyen.cli", "load", "--endpoint", query_url,
                 "--update-endpoint", update_url, "--timeout", "900", str(folder)]
    replicas: list[Child] = []
    try:
        if wait_for(f"{query_url}?query=ASK%7B%7D", server, 120) is None:
            return {"error": "the Oxigraph server did not start"}
        started = time.perf_counter()
        with (tmp / "remote-load.log").open("ab") as sink:
            subprocess.run(load_argv, stdout=sink, stderr=sink, check=True)
        entry: dict = {"first_load_s": round(time.perf_counter() - started, 1)}
        entry["open_s"] = open_times(query_url, update_url, tmp / "remote-work")
        log(f"remote open: {entry['open_s']}")
        ports = []
        for k in range(2):
            replica_port = serve_port()
            replicas.append(Child([sys.executable, "-m", "thamquyen.cli", "serve", "--port",
                                   str(replica_port), "--endpoint", query_url,
                                   "--update-endpoint", update_url, "--refresh-interval",
                                   str(interval), "--workdir", str(tmp / "remote-work"),
                                   "--log-level", "warning"], tmp / f"replica-{k}.log"))
            if wait_for(f"http://127.0.0.1:{replica_port}{paths[0]}", replicas[-1], 600) is None:
                return {**entry, "error": f"replica {k} gave no answer"}
            ports.append(replica_port)
        entry["two_replicas"] = throughput(ports, paths, clients, seconds)
        log(f"two replicas: {entry['two_replicas']}")
        extra = tmp / "bench-refresh.ttl"
        extra.write_text(EXTRA, encoding="utf-8")
        entry["refresh"] = {"interval_s": interval, **refresh_after_load(
            ports, paths, [*load_argv, str(extra)], tmp / "remote-load.log", 600,
            (*(child.pid for child in replicas), server.pid))}
        log(f"refresh: {entry['refresh']}")
        return entry
    finally:
        for child in replicas:
            child.stop()
        server.stop()
