"""`thamquyen bench abuse`: real clients with mixed traffic while an attack mix runs.

A legitimate client is one person at a desk (legal staff) or one integrating system, with an
address of its own (given as X-Forwarded-For, which the service trusts from loopback only):
it sends one request, waits for the answer, reads it for a think time drawn uniformly between
0.5 and 1.5 times `--think` (default 3 s), and sends the next. Its questions are the ones the
pages ask: who holds a power in a unit on a date (and, less often, nationwide), the answer
page, the /id/ page of a power, the who-holds named query for a unit, a small SPARQL query,
/health. `--think 0` makes every client closed-loop (the next request as soon as an answer
arrives): a throughput test, not what 100 people do. Attackers are always closed-loop.
Meanwhile attackers send runaway queries, SERVICE calls aimed at a
listener of ours, memory bombs, deeply nested queries, large and deep documents to validate,
connections that never finish their headers, and (when the server's process id is known) kill
SPARQL workers. The report: latency percentiles and statuses per kind of request, the 5xx that
are not documented refusals, and how many connections reached the SERVICE listener.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

# 503s the service documents for heavy or hostile requests (docs/service.md).
DOCUMENTED_503 = {"busy", "query_timeout", "query_too_large", "no_worker", "validation_timeout"}
ID = "https://w3id.org/thamquyen/id/"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
POWERS = ("PREFIX tq: <https://w3id.org/thamquyen/ontology#> "
          "SELECT ?p WHERE { ?p a tq:Power } LIMIT 200")
UNITS = ("PREFIX tq: <https://w3id.org/thamquyen/ontology#> "
         "SELECT ?u WHERE { ?u a tq:AdministrativeUnit ; tq:partOf ?up } LIMIT 2000")
AT = "2024-06-01"
JSON = {"Accept": "application/sparql-results+json"}


@dataclass
class Tally:
    """Latencies and statuses per kind of request."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    undocumented: list[str] = field(default_factory=list)

    def add(self, kind: str, started: float, response: httpx.Response | None, error: str = "") -> None:
        """Record one answer (or a transport error)."""
        self.seconds[kind].append(time.monotonic() - started)
        if response is None:
            self.statuses[kind][f"error:{error}"] += 1
            if not kind.startswith("attack"):
                self.undocumented.append(f"{kind}: {error}")
            return
        status = response.status_code
        code, detail = "", ""
        if status >= 400 and response.headers.get("content-type", "").startswith("application/json"):
            with contextlib.suppress(ValueError, AttributeError):
                body = response.json()
                code, detail = body.get("error", ""), body.get("detail", "").rpartition(" — ")[2]
        self.statuses[kind][f"{status} {code}".strip()] += 1
        # Only hostile requests may be refused with a 5xx (a documented 503); every 5xx a
        # legitimate client meets counts, busy included.
        documented = status == 503 and code in DOCUMENTED_503 and kind.startswith("attack")
        if status >= 500 and not documented:
            self.undocumented.append(f"{kind}: {status} {code} after {time.monotonic() - started:.1f} s"
                                     + (f" ({detail})" if detail else ""))

    def summary(self) -> dict:
        """Counts, p50/p99/max in ms and statuses per kind."""
        out = {}
        for kind, values in sorted(self.seconds.items()):
            ordered = sorted(values)
            out[kind] = {"n": len(ordered), "p50_ms": percentile(ordered, 0.5),
                         "p99_ms": percentile(ordered, 0.99),
                         "max_ms": round(1000 * ordered[-1], 1), "statuses": dict(self.statuses[kind])}
        return out


def percentile(ordered: list[float], q: float) -> float:
    """The q-quantile of sorted seconds, in ms."""
    return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


class Trap:
    """A listener that counts connections: SERVICE attacks aim here."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port, self.connections = self.sock.getsockname()[1], 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


@dataclass
class Plan:
    """What to run: the service URL, clients, duration, and the attacks."""

    url: str
    clients: int = 100
    seconds: float = 60.0
    attack: bool = True
    server_pid: int | None = None
    slow_headers: int = 500
    seed: int = 1
    think: float = 3.0  # mean seconds a client reads an answer before the next request (0: none)


def everyday_requests(c: httpx.AsyncClient, power: str, unit: str | None
                      ) -> list[tuple[str, Callable[[], Awaitable[httpx.Response]]]]:
    """(kind, call) of the requests a client chooses from, each as likely as the others."""
    html = {"Accept": "text/html"}
    asked = {"power": power, "at": AT} | ({"in": unit} if unit else {})
    return [
        ("who-holds", lambda: c.get("/api/who-holds", params=asked)),
        ("who-holds", lambda: c.get("/api/who-holds", params=asked)),
        ("who-holds-national", lambda: c.get("/api/who-holds", params={"power": power, "at": AT})),
        ("health", lambda: c.get("/health")),
        ("answer-page", lambda: c.get("/tra-cuu", params=asked, headers=html)),
        ("page", lambda: c.get("/id/" + power.removeprefix(ID), headers=html)),
        ("named-query", lambda: c.get("/api/queries/who-holds", params=asked)),
        ("sparql", lambda: c.get("/sparql", params={"query": POWERS.replace("200", "5")},
                                 headers=JSON)),
    ]


async def legit_client(number: int, plan: Plan, names: tuple[list[str], list[str]], tally: Tally,
                       stop: float) -> None:
    """One legal officer / integrator: a random everyday request, then a think time."""
    rng = random.Random(plan.seed * 1000 + number)
    powers, units = names
    headers = {"X-Forwarded-For": f"10.1.{number // 250}.{number % 250 + 1}"}
    async with httpx.AsyncClient(base_url=plan.url, timeout=30, trust_env=False, headers=headers) as c:
        await asyncio.sleep(rng.uniform(0, plan.think))  # people do not all start at once
        while time.monotonic() < stop:
            unit = rng.choice(units) if units else None
            kind, call = rng.choice(everyday_requests(c, rng.choice(powers), unit))
            await timed(tally, kind, call)
            if plan.think:
                await asyncio.sleep(rng.uniform(0.5, 1.5) * plan.think)


async def timed(tally: Tally, kind: str, call: Callable[[], Awaitable[httpx.Response]]) -> None:
    """Run one request and record it."""
    started = time.monotonic()
    try:
        response = await call()
    except httpx.HTTPError as exc:
        tally.add(kind, started, None, type(exc).__name__)
        return
    tally.add(kind, started, response)


def attack_requests(trap: Trap) -> list[tuple[str, str, dict]]:
    """(kind, method+path, request options) of the hostile requests."""
    url = f"http://127.0.0.1:{trap.port}/secret"
    bomb = ('SELECT ?x WHERE { BIND("' + "a" * 1000 + '" AS ?a0) '
            + "".join(f"BIND(CONCAT(?a{i},?a{i},?a{i},?a{i}) AS ?a{i + 1}) " for i in range(12))
            + "BIND(STRLEN(?a12) AS ?x) }")
    deep_doc = ("@prefix ex: <https://example.org/> .\nex:a ex:p " + "[ ex:p " * 3000 + "1"
                + " ]" * 3000 + " .\n")
    wide_doc = "@prefix ex: <https://example.org/> .\n" + "".join(
        f'ex:s{i} a ex:Thing ; ex:label "nhãn {i}"@vi .\n' for i in range(2000))
    service = [f"SELECT * {{ SERVICE<{url}> {{ ?s ?p ?o }} }}",
               f"SELECT * {{ SERVIC\\u0045 SILENT <{url}> {{}} }}"]
    return [
        ("attack-slow", "POST /sparql", {"data": {"query": RUNAWAY}}),
        ("attack-service", "POST /sparql", {"data": {"query": service[0]}}),
        ("attack-service", "POST /sparql", {"data": {"query": service[1]}}),
        ("attack-memory", "POST /sparql", {"data": {"query": bomb}}),
        ("attack-nesting", "POST /sparql", {"data": {"query": "SELECT * " + "{ " * 2500 + "}" * 2500}}),
        ("attack-validate", "POST /api/validate", {"content": deep_doc.encode(),
                                                   "headers": {"Content-Type": "text/turtle"}}),
        ("attack-validate", "POST /api/validate", {"content": wide_doc.encode(),
                                                   "headers": {"Content-Type": "text/turtle"}}),
    ]


async def attacker(number: int, plan: Plan, trap: Trap, tally: Tally, stop: float) -> None:
    """One hostile address sending the attack mix in a loop."""
    rng = random.Random(plan.seed * 7 + number)
    requests = attack_requests(trap)
    headers = {"X-Forwarded-For": f"10.66.0.{number + 1}", **JSON}
    async with httpx.AsyncClient(base_url=plan.url, timeout=60, trust_env=False, headers=headers) as c:
        while time.monotonic() < stop:
            kind, target, options = rng.choice(requests)
            method, path = target.split(" ")
            await timed(tally, kind, lambda m=method, p=path, o=options: c.request(m, p, **o))


async def slow_headers(plan: Plan, stop: float) -> int:
    """Keep `plan.slow_headers` connections sending a header byte now and then."""
    host, port = plan.url.removeprefix("http://").split(":")
    opened = 0
    writers: list[asyncio.StreamWriter] = []
    while time.monotonic() < stop:
        writers = [w for w in writers if not w.is_closing()]
        while len(writers) < plan.slow_headers and time.monotonic() < stop:
            try:
                _, writer = await asyncio.open_connection(host, int(port.rstrip("/")))
            except OSError:
                break
            writer.write(b"GET /health HTTP/1.1\r\nHost: x\r\n")
            writers.append(writer)
            opened += 1
        for writer in writers:
            with contextlib.suppress(OSError):
                writer.write(b"X")
        await asyncio.sleep(1.0)
    for writer in writers:
        writer.close()
    return opened


def slow_headers_apart(plan: Plan, stop: float) -> int:
    """`slow_headers` on an event loop of its own, in a process of its own: writing a byte to
    thousands of connections every second blocks a loop for tens of ms, and on the clients'
    loop that wait would be counted in their latencies (the attacker is another machine)."""
    return asyncio.run(slow_headers(plan, stop))


def process_tree(root: int) -> list[int]:
    """The process and all its descendants."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError), \
                    open(f"/proc/{entry}/stat") as f:
                parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def tree_memory_mb(root: int) -> tuple[float, float]:
    """(RSS, PSS) in MB of a process and all its descendants (web processes, workers); PSS
    counts the pages the forked web processes share once."""
    rss = pss = 0
    for pid in process_tree(root):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
    return round(rss / 1024, 1), round(pss / 1024, 1)


def bad_document(megabytes: float) -> bytes:
    """A Turtle document of about this size whose last line is a syntax error (so the whole
    of it is read before it is refused); few triples (long literals), under the triple cap."""
    line = '<https://example.org/s{}> <https://example.org/p> "' + "x" * 480 + '"@vi .\n'
    count = int(megabytes * 1024 * 1024 / (len(line) + 6)) - 1
    body = "".join(line.format(i) for i in range(count)) + "<https://example.org/broken> <p> .\n"
    return body.encode("utf-8")


async def bad_documents(url: str, server_pid: int, count: int, megabytes: float) -> dict:
    """POST `count` bad documents of `megabytes` at once to /api/validate; the server's memory
    (process tree) before, at its highest while they run, and 5 s after."""
    body = bad_document(megabytes)
    before = tree_memory_mb(server_pid)
    peak = list(before)
    load_before = os.getloadavg()

    async def post(c: httpx.AsyncClient, n: int) -> httpx.Response:
        return await c.post("/api/validate", content=body, headers={
            "Content-Type": "text/turtle", "X-Forwarded-For": f"10.77.0.{n + 1}"})

    async def sample(stop: asyncio.Event) -> None:
        while not stop.is_set():
            now = tree_memory_mb(server_pid)
            peak[:] = [max(a, b) for a, b in zip(peak, now, strict=True)]
            await asyncio.sleep(0.2)

    started = time.monotonic()
    async with httpx.AsyncClient(base_url=url, timeout=300, trust_env=False) as c:
        stop = asyncio.Event()
        sampler = asyncio.create_task(sample(stop))
        answers = await asyncio.gather(*(post(c, n) for n in range(count)), return_exceptions=True)
        stop.set()
        await sampler
    seconds = round(time.monotonic() - started, 1)
    await asyncio.sleep(5)
    after = tree_memory_mb(server_pid)
    statuses = Counter(a.status_code if isinstance(a, httpx.Response) else type(a).__name__
                       for a in answers)
    return {"documents": count, "mb_each": round(len(body) / 1024 / 1024, 2), "seconds": seconds,
            "statuses": {str(k): v for k, v in statuses.items()},
            "rss_mb": {"before": before[0], "peak": peak[0], "after": after[0]},
            "pss_mb": {"before": before[1], "peak": peak[1], "after": after[1]},
            "load_average": [round(x, 2) for x in (*load_before, *os.getloadavg())]}


def worker_pids(server_pid: int) -> list[int]:
    """The SPARQL worker processes of a server (its descendants running thamquyen.api.worker:
    children, or grandchildren under several web processes)."""
    parents, commands = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                commands[int(entry)] = f.read()
        except OSError:
            continue
    ours = {server_pid} | {pid for pid, parent in parents.items() if parent == server_pid}
    return [pid for pid, parent in parents.items()
            if parent in ours and b"thamquyen.api.worker" in commands.get(pid, b"")]


async def worker_killer(plan: Plan, stop: float) -> int:
    """Kill one SPARQL worker every 5 s; the number killed."""
    killed = 0
    while plan.server_pid and time.monotonic() < stop:
        await asyncio.sleep(5)
        for pid in worker_pids(plan.server_pid)[:1]:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                killed += 1
    return killed


async def find_names(url: str) -> tuple[list[str], list[str]]:
    """Power and unit IRIs of the store, for the who-holds questions (a store without units
    is asked nationwide)."""
    found = []
    async with httpx.AsyncClient(base_url=url, timeout=60, trust_env=False) as c:
        for query, what in ((POWERS, "tq:Power"), (UNITS, "tq:AdministrativeUnit")):
            answer = await c.get("/sparql", params={"query": query}, headers=JSON)
            answer.raise_for_status()
            iris = [b[v]["value"] for b in answer.json()["results"]["bindings"] for v in b]
            if not iris and what == "tq:Power":
                raise RuntimeError(f"the store holds no {what}")
            found.append(iris)
    return found[0], found[1]


async def run_plan(plan: Plan) -> dict:
    """Run the traffic and the attacks for `plan.seconds`; the report as a dict."""
    names = await find_names(plan.url)
    tally, trap = Tally(), Trap()
    started_cpu, load_before = time.process_time(), os.getloadavg()
    stop = time.monotonic() + plan.seconds
    tasks = [legit_client(n, plan, names, tally, stop) for n in range(plan.clients)]
    extra: list[Awaitable] = []
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as apart:
        if plan.attack:  # time.monotonic is the machine's clock: `stop` holds in the other process
            tasks += [attacker(n, plan, trap, tally, stop) for n in range(4)]
            extra = [asyncio.get_running_loop().run_in_executor(apart, slow_headers_apart, plan, stop),
                     worker_killer(plan, stop)]
        results = await asyncio.gather(*tasks, *extra)
    opened, killed = (results[-2], results[-1]) if plan.attack else (0, 0)
    trap.sock.close()
    return {"clients": plan.clients, "seconds": plan.seconds, "attack": plan.attack,
            "think_s": plan.think, "load_average": [round(x, 2) for x in (*load_before, *os.getloadavg())],
            "generator_cpu_s": round(time.process_time() - started_cpu, 1),
            "slow_header_connections": opened, "workers_killed": killed,
            "service_listener_connections": trap.connections,
            "undocumented_5xx": len(tally.undocumented), "undocumented_examples": tally.undocumented[:10],
            "requests": tally.summary()}


AGENCIES = ("PREFIX tq: <https://w3id.org/thamquyen/ontology#> "
            "SELECT ?a WHERE { ?a a tq:Agency } LIMIT 200")


def subjects_document(n: int, powers: list[str], agencies: list[str], every: int = 10) -> str:
    """N subjects in the public vocabulary, as a province posts them: one ủy quyền in `every`
    (a power of the store, from one of its agencies to another, with its decision; 0: none),
    the rest offices of its own with a name and a parent agency."""
    rng = random.Random(n)
    lines = ["@prefix tq: <https://w3id.org/thamquyen/ontology#> .",
             "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
             "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
             "@prefix u: <https://data.example.gov.vn/tinh/> ."]
    for i in range(n):
        if every and i % every == 0:
            lines.append(f"u:uq-{i} a tq:Authorization ; tq:power <{rng.choice(powers)}> ; "
                         f"tq:delegator <{rng.choice(agencies)}> ; tq:delegate <{rng.choice(agencies)}> ; "
                         f'tq:instrument u:qd-{i} ; tq:validFrom "2024-01-01"^^xsd:date ; '
                         f'tq:validUntil "2026-01-01"^^xsd:date .')
        else:
            lines.append(f'u:to-{i} skos:prefLabel "Tổ công tác {i}"@vi ; '
                         f"tq:partOf <{rng.choice(agencies)}> .")
    return "\n".join(lines) + "\n"


async def time_validations(url: str, subjects: int, every: int = 10, rounds: int = 5) -> dict:
    """POST one N-subject document `rounds` times, one after the other; seconds and statuses."""
    async with httpx.AsyncClient(base_url=url, timeout=120, trust_env=False) as c:
        found = []
        for query in (POWERS, AGENCIES):
            answer = await c.get("/sparql", params={"query": query}, headers=JSON)
            answer.raise_for_status()
            found.append([b[v]["value"] for b in answer.json()["results"]["bindings"] for v in b])
        body = subjects_document(subjects, *found, every=every).encode("utf-8")
        seconds, statuses = [], Counter()
        load_before = os.getloadavg()
        for _ in range(rounds):
            started = time.monotonic()
            answer = await c.post("/api/validate", content=body, headers={"Content-Type": "text/turtle"})
            seconds.append(round(time.monotonic() - started, 3))
            statuses[answer.status_code] += 1
    return {"subjects": subjects, "authorizations_every": every, "kb": round(len(body) / 1024, 1),
            "seconds": seconds,
            "statuses": dict(statuses),
            "load_average": [round(x, 2) for x in (*load_before, *os.getloadavg())]}


MEMORY_ALLOWANCE_MB = 500  # issue 10: bad documents leave the server within this of its start


def bad_documents_report(result: dict) -> int:
    """Print the bad documents' memory figures; 1 if the server kept more than the allowance."""
    rss, pss = result["rss_mb"], result["pss_mb"]
    sys.stdout.write(
        f"{result['documents']} × POST /api/validate of {result['mb_each']} MB (syntax error on the "
        f"last line) at once: {result['seconds']} s, statuses {result['statuses']}\n"
        f"server memory (all processes) RSS MB before {rss['before']}, peak {rss['peak']}, "
        f"after {rss['after']}; PSS MB before {pss['before']}, peak {pss['peak']}, after "
        f"{pss['after']}; load average {result['load_average']}\n")
    return 0 if rss["after"] - rss["before"] <= MEMORY_ALLOWANCE_MB else 1


def report(result: dict) -> str:
    """The result as a text table."""
    think = result["think_s"]
    model = (f"think {0.5 * think:g}–{1.5 * think:g} s" if think else "closed loop")
    lines = [f"{result['clients']} clients ({model}), {result['seconds']:g} s, attacks: {result['attack']}; "
             f"load average before {result['load_average'][:3]}, after {result['load_average'][3:]}; "
             f"the load generator took {result['generator_cpu_s']} s of CPU",
             f"slow-header connections {result['slow_header_connections']}, workers killed "
             f"{result['workers_killed']}, SERVICE listener connections "
             f"{result['service_listener_connections']}, undocumented 5xx {result['undocumented_5xx']}",
             f"{'request':<18} {'n':>6} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9}  statuses"]
    for kind, row in result["requests"].items():
        statuses = ", ".join(f"{k}×{v}" for k, v in sorted(row["statuses"].items()))
        lines.append(f"{kind:<18} {row['n']:>6} {row['p50_ms']:>9} {row['p99_ms']:>9} "
                     f"{row['max_ms']:>9}  {statuses}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- command line


def add_parser(inner: argparse._SubParsersAction) -> None:
    """`thamquyen bench abuse`."""
    a = inner.add_parser("abuse", help="thử tải và tấn công dịch vụ (load-and-abuse)",
                         description="Mixed traffic from many clients while attacks run; prints "
                                     "latency percentiles and statuses per kind of request. Either "
                                     "against --url, or on a `thamquyen serve` started here on "
                                     "ontology + data + PATHs (then workers are killed too).")
    a.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="extra Turtle files/folders for the server started here")
    a.add_argument("--url", help="a running service instead (no worker killing)")
    a.add_argument("--clients", type=int, default=100)
    a.add_argument("--seconds", type=float, default=60.0)
    a.add_argument("--think", type=float, default=3.0,
                   help="mean think time of a legitimate client in seconds, drawn between 0.5 and "
                        "1.5 times this (default 3: people at a desk); 0: closed loop")
    a.add_argument("--no-attack", action="store_true", help="the traffic alone, as a baseline")
    a.add_argument("--slow-headers", type=int, default=500, help="slow-header connections kept open")
    a.add_argument("--workdir", type=Path, help="working folder of the server started here")
    a.add_argument("--web-processes", type=int, default=2,
                   help="web processes of the server started here (default 2: one per core of "
                        "the reference machine)")
    a.add_argument("--sparql-workers", type=int, default=4,
                   help="SPARQL workers per web process of the server started here (default 4)")
    a.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    a.add_argument("--validate-subjects", type=int, metavar="N",
                   help="instead of the load test: time POST /api/validate of an N-subject "
                        "document, five times in a row")
    a.add_argument("--bad-documents", type=int, metavar="N",
                   help="instead of the load test: POST N documents of --bad-mb MB with a syntax "
                        "error on the last line at once, and print the server's memory (all its "
                        "processes) before, at the highest and after (server started here only)")
    a.add_argument("--bad-mb", type=float, default=9.9, help="size of each bad document (default 9.9)")
    a.add_argument("--authorizations-every", type=int, default=10, metavar="K",
                   help="with --validate-subjects: one subject in K is an ủy quyền (default 10; "
                        "0: only named offices)")
    a.set_defaults(handler=run_cli)


def start_server(paths: list[Path], workdir: Path | None, options: list[str] = ()
                 ) -> tuple[subprocess.Popen, str]:
    """`thamquyen serve` on a free port; its process and URL once /health answers."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    command = [sys.executable, "-m", "thamquyen.cli", "serve", *map(str, paths), "--port", str(port),
               "--log-level", "warning", *options]
    if workdir:
        command += ["--workdir", str(workdir)]
    process = subprocess.Popen(command)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 3600
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"serve stopped with exit code {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/health", timeout=5, trust_env=False).status_code == 200:
                return process, url
        time.sleep(1)
    process.kill()
    raise RuntimeError("serve did not come up within an hour")


def run_cli(args: argparse.Namespace) -> int:
    """Run the plan, print the table, write the JSON; exit 1 if a 5xx was not documented or
    anything reached the SERVICE listener."""
    process = None
    url = args.url
    if url is None:
        process, url = start_server(args.paths, args.workdir,
                                    ["--web-processes", str(args.web_processes),
                                     "--sparql-workers", str(args.sparql_workers)])
    try:
        plan = Plan(url=url.rstrip("/"), clients=args.clients, seconds=args.seconds,
                    attack=not args.no_attack, slow_headers=args.slow_headers, think=args.think,
                    server_pid=process.pid if process else None)
        if args.validate_subjects:
            result = asyncio.run(time_validations(plan.url, args.validate_subjects,
                                                  args.authorizations_every))
        elif args.bad_documents:
            if process is None:
                raise SystemExit("--bad-documents needs the server started here (no --url)")
            result = asyncio.run(bad_documents(plan.url, process.pid, args.bad_documents,
                                               args.bad_mb))
        else:
            result = asyncio.run(run_plan(plan))
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=60)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.validate_subjects:
        ordered = sorted(result["seconds"])
        sys.stdout.write(f"POST /api/validate, {result['subjects']} subjects, one ủy quyền in "
                         f"{result['authorizations_every']} ({result['kb']} KB): "
                         f"min {ordered[0]} s, median {ordered[len(ordered) // 2]} s, max {ordered[-1]} s; "
                         f"statuses {result['statuses']}; load average {result['load_average']}\n")
        return 0 if set(result["statuses"]) == {200} else 1
    if args.bad_documents:
        return bad_documents_report(result)
    sys.stdout.write(report(result))
    return 1 if result["undocumented_5xx"] or result["service_listener_connections"] else 0
