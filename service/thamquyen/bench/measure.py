"""Measuring helpers: percentiles, process memory, the machine, child processes, HTTP waits."""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path


def percentiles(samples_s: Sequence[float]) -> dict:
    """p50 / p99 in milliseconds (nearest rank) and the number of samples."""
    if not samples_s:
        return {"p50_ms": None, "p99_ms": None, "n": 0}
    ordered = sorted(samples_s)

    def rank(q: float) -> float:
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)] * 1000

    return {"p50_ms": round(rank(0.50), 3), "p99_ms": round(rank(0.99), 3), "n": len(ordered)}


def physical_memory() -> int:
    """The machine's memory in bytes (MemTotal)."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def machine() -> dict:
    """CPU count and model, memory, load: what the numbers were measured on."""
    model = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"nproc": os.cpu_count(), "cpu": model, "mem_gib": round(physical_memory() / 1024**3, 1),
            "load_avg": [round(x, 2) for x in os.getloadavg()], "python": platform.python_version()}


def _status_kib(pid: int, key: str) -> int:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    """Every descendant process of pid (Linux /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def peak_mib(pid: int) -> dict:
    """Peak resident memory (VmHWM) of a process and of it with all its descendants."""
    own = _status_kib(pid, "VmHWM")
    total = own + sum(_status_kib(c, "VmHWM") for c in children(pid))
    return {"main": round(own / 1024, 1), "with_children": round(total / 1024, 1)}


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by a process and its descendants."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for p in (pid, *children(pid)):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
    return round(total, 2)


def self_peak_mib() -> float:
    """Peak resident memory of this process."""
    return round(_status_kib(os.getpid(), "VmHWM") / 1024, 1)


class Child:
    """A process this benchmark started, in its own process group, ended by its id only."""

    def __init__(self, argv: Sequence[str], log: Path, env: dict | None = None):
        self.log = log.open("w")
        self.cpu_at_ready: float | None = None
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(list(argv), stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True, env=env)

    @property
    def pid(self) -> int:
        """The process id."""
        return self.proc.pid

    def alive(self) -> bool:
        """True while the process runs."""
        return self.proc.poll() is None

    def stop(self, grace_s: float = 10.0) -> None:
        """SIGTERM the process group this benchmark created, then SIGKILL if needed."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(grace_s)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def http_get(url: str, timeout: float = 30.0) -> tuple[int, bytes]:
    """A GET with the standard library: (status, body); status 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, b""


def wait_for(url: str, child: Child, deadline_s: float) -> float | None:
    """Seconds from the child's start until `url` answers 200 (None: it died or timed out).

    The CPU seconds the child had used by then go to `child.cpu_at_ready`."""
    end = time.perf_counter() + deadline_s
    while time.perf_counter() < end and child.alive():
        status, _ = http_get(url, timeout=60)
        if status == 200:
            child.cpu_at_ready = cpu_seconds(child.pid)
            return time.perf_counter() - child.started
        time.sleep(0.05)
    return None


def free_port() -> int:
    """A TCP port nobody listens on now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


last_stopped: dict = {}


def run_worker(args: Sequence[str], timeout_s: float, log: Path) -> tuple[dict | None, float]:
    """Run `python -m thamquyen.bench.workers ARGS`; its last stdout line is JSON.

    Returns (result or None when it timed out or failed, wall seconds). A worker stopped at its
    deadline gets {"stopped": True, "peak_mib": its peak so far} in `last_stopped`."""
    out = log.with_suffix(".out")
    started = time.perf_counter()
    with out.open("w") as stdout, log.open("w") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "thamquyen.bench.workers", *args],
                                stdout=stdout, stderr=stderr, start_new_session=True)
        try:
            proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            last_stopped["peak_mib"] = peak_mib(proc.pid)["with_children"]
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return None, time.perf_counter() - started
    lines = [line for line in out.read_text().splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        return None, time.perf_counter() - started
    return json.loads(lines[-1]), time.perf_counter() - started
