"""Benchmark of the web pages: server time of the answer page (/tra-cuu) and the HTML size of
every kind of page, on a real uvicorn server over loopback.

    .venv/bin/thamquyen bench generate --triples 1000000 --seed 1 -o bench-1m
    .venv/bin/python tools/bench_web.py bench-1m --requests 300

Questions are drawn (seeded) from the index: powers with a conferral, units of the data, dates
before and after 1 July 2025. Times are measured by the client on loopback, so they include
the HTTP round trip: an upper bound of the server's own time. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
import uvicorn
from thamquyen.api import create_app
from thamquyen.api.settings import Settings
from thamquyen.kb import open_kb

DATES = ("2024-05-01", "2025-09-01")
HTML = {"Accept": "text/html"}


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def questions(kb, count: int, seed: int) -> list[dict]:
    """(power, unit, date) triples drawn from the index."""
    rng = random.Random(seed)
    index = kb.engine.index
    powers = sorted(p for p in index.powers if index.conferrals.get(p))
    units = sorted(index.unit_validity)
    return [{"power": rng.choice(powers), "in": rng.choice(units), "at": rng.choice(DATES)}
            for _ in range(count)]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank), in milliseconds."""
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)


def timed(client: httpx.Client, url: str) -> tuple[float, int, int]:
    """(seconds, status, bytes) of one GET."""
    start = time.perf_counter()
    answer = client.get(url, headers=HTML)
    return time.perf_counter() - start, answer.status_code, len(answer.content)


def main() -> None:
    """Build or open the store, serve it, measure, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="folder of generated Turtle (bench generate)")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    started = time.perf_counter()
    kb = open_kb([args.data], workdir=args.workdir)
    opened = time.perf_counter() - started
    app = create_app(Settings(paths=(args.data,), workdir=args.workdir, sparql_workers=1), kb)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    asked = questions(kb, args.requests + 20, args.seed)
    with httpx.Client(base_url=base, timeout=120, trust_env=False) as client:
        for q in asked[:20]:  # warm-up
            timed(client, "/tra-cuu?" + urlencode(q))
        answers = [timed(client, "/tra-cuu?" + urlencode(q)) for q in asked[20:]]
        index = kb.engine.index
        biggest = max(index.conferrals, key=lambda p: len(index.conferrals[p]))
        pages = {"/": "/", "answer (largest)": None,
                 "power (no filter)": "/id/" + biggest.split("/id/", 1)[-1],
                 "unit": "/id/" + asked[0]["in"].split("/id/", 1)[-1],
                 "reports": "/bao-cao", "check": "/kiem-tra",
                 "report delegations-ending-soon": "/bao-cao/delegations-ending-soon?days=365"}
        sizes = {}
        for name, url in pages.items():
            if url is None:
                sizes[name] = max(size for _, _, size in answers)
                continue
            seconds, status, size = timed(client, url)
            sizes[name] = {"status": status, "bytes": size, "ms": round(seconds * 1000, 1)}
    server.should_exit = True
    times = [t for t, status, _ in answers if status == 200]
    print(json.dumps({
        "triples": kb.store.triple_count() if hasattr(kb.store, "triple_count") else None,
        "open_kb_s": round(opened, 1), "answer_requests": len(times),
        "answer_ms": {"p50": percentile(times, 0.5), "p90": percentile(times, 0.9),
                      "p99": percentile(times, 0.99), "mean": round(statistics.mean(times) * 1000, 2)},
        "statuses": sorted({status for _, status, _ in answers}),
        "pages": sizes}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
