"""Pure-SPARQL who-holds in `bench run`: the catalog's who-holds, as the store gets it from
`catalog.for_store` (queries/who-holds.rq, or queries/who-holds-simple.rq on a store without
LATERAL), sent as plain SPARQL to a real Oxigraph server and, when `virtuoso-t` is installed,
to Virtuoso Open-Source, each loaded from the same files as our server.

Per question: the wall time, the server's CPU time (user + system of its process, which a busy
shared machine distorts far less than wall time) and the final holders (compared with the
engine's by the caller). A question slower than the cap counts as a timeout; the run stops at
the budget, or after two timeouts on Virtuoso (each one a server busy for minutes).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import shutil
import signal
import subprocess
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from .measure import Child, cpu_seconds, free_port, peak_mib, percentiles, physical_memory, wait_for
from .workers import holders_of_rows, question_bindings

VIRTUOSO_GRAPH = "https://w3id.org/thamquyen/bench-graph"
# A cap on address space, not on resident memory: one question once took 16 GB (OOM-killed).
# At ~1M triples Virtuoso reserves ~3.6 GB of address space for ~1.3 GB resident (its buffers,
# thread stacks and arenas), so 4 GiB ended some runs on the first question; at ~3M one
# question reserved 10.8 GB (5.5 GB resident) and answered, where 6 GiB ended the server.
VIRTUOSO_MIN_MEMORY_BYTES = 6 * 1024**3

# Page buffers (8 KB each) and the dirty share: the tests' few thousand triples, and ~3M
# triples (about 1.3 GB of buffers, leaving room for queries under the cap)
VIRTUOSO_SIZES = {"small": (10000, 6000), "national": (170000, 130000)}
_VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = {dirs}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
MaxQueryMem = 1G
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = {threads}
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 100000000
MaxQueryExecutionTime = {cap}
MaxQueryCostEstimationTime = {cost}
"""


def virtuoso_memory_cap(physical_bytes: int | None = None) -> int:
    """Virtuoso's address-space cap: half the machine's memory, at least 6 GiB."""
    if physical_bytes is None:
        physical_bytes = physical_memory()
    return max(VIRTUOSO_MIN_MEMORY_BYTES, physical_bytes // 2)


def virtuoso_ini(folder: Path, sql_port: int, http_port: int, *, size: str = "national",
                 dirs: tuple[str, ...] = (".",), threads: int = 4, cap_s: float = 120,
                 cost_s: float = 10000) -> str:
    """The virtuoso.ini of a private Virtuoso (loopback ports, files in `folder`), for the
    benchmark (size "national") and the tests ("small"). ResultSetMaxRows is above any
    store here (Debian's 10,000 would cut the index read in bulk); MaxQueryExecutionTime is the
    per-query cap in seconds (past it Virtuoso answers partially: the caller treats that as a
    timeout); DirsAllowed lists the folders its bulk loader may read."""
    buffers, dirty = VIRTUOSO_SIZES[size]
    return _VIRTUOSO_INI.format(d=folder, sql=sql_port, http=http_port,
                                dirs=", ".join(sorted(set(dirs))), buffers=buffers, dirty=dirty,
                                threads=threads, cap=int(cap_s), cost=int(cost_s))


class Endpoint:
    """A SPARQL endpoint this benchmark started: where to POST, whose CPU to count, which graph."""

    def __init__(self, url: str, pid: int, graph: str | None = None):
        from ..store import RemoteSettings, RemoteStore

        self.url, self.pid, self.graph = url, pid, graph
        self.store = RemoteStore(RemoteSettings(url, graph=graph, timeout=60))

    def text(self, question: dict) -> tuple[str, str]:
        """(the query's name, its text with the question bound) as this store runs it."""
        from ..catalog import bound_text, for_store, get

        query = get("who-holds")
        return (for_store(self.store, query).name,
                bound_text(self.store, query, question_bindings(question)))

    def post(self, text: str, cap_s: float) -> list[dict] | None:
        """The rows of one SELECT (values as text), or None past the cap or on an error."""
        parts = urllib.parse.urlsplit(self.url)
        form = {"query": text, **({"default-graph-uri": self.graph} if self.graph else {})}
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=cap_s)
        try:
            connection.request("POST", parts.path, body=urllib.parse.urlencode(form),
                               headers={"Content-Type": "application/x-www-form-urlencoded",
                                        "Accept": "application/sparql-results+json"})
            response = connection.getresponse()
            body = response.read()
            # Virtuoso's "anytime" answer past MaxQueryExecutionTime is partial: not an answer
            if response.status != 200 or response.getheader("X-SQL-State"):
                return None
            rows = json.loads(body)["results"]["bindings"]
        except (OSError, http.client.HTTPException, ValueError, KeyError):
            return None
        finally:
            connection.close()
        return [{k: v["value"] for k, v in row.items()} for row in rows]


def ask_all(endpoint: Endpoint, questions: list[dict], cap_s: float, budget_s: float,
            server: Child, max_timeouts: int | None = None) -> tuple[dict, list[list[str] | None]]:
    """Every question in turn within the budget (and while the server lives): percentiles of
    wall and server CPU time."""
    deadline = time.perf_counter() + budget_s
    samples, cpu, answers, timeouts, name = [], [], [], 0, ""
    unanswered: list[int] = []  # 1-based numbers, to ask those questions again by hand
    failed_after_s = 0.0
    for question in questions:
        if (time.perf_counter() > deadline or (max_timeouts and timeouts >= max_timeouts)
                or not server.alive()):
            break
        name, text = endpoint.text(question)
        c0, t0 = cpu_seconds(endpoint.pid), time.perf_counter()
        rows = endpoint.post(text, min(cap_s, max(1.0, deadline - t0)))
        seconds, on_cpu = time.perf_counter() - t0, cpu_seconds(endpoint.pid) - c0
        if rows is None:
            failed_after_s = seconds
            unanswered.append(len(answers) + 1)
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.proc.wait(2)  # a dropped connection: give a crashing server time to end
            if not server.alive():
                answers.append(None)
                break
            timeouts += 1
            answers.append(None)
            continue
        samples.append(seconds)
        cpu.append(on_cpu)
        answers.append(holders_of_rows(rows))
    server_cpu = percentiles(cpu)
    entry = {**percentiles(samples), "server_cpu_p50_ms": server_cpu["p50_ms"],
             "server_cpu_p99_ms": server_cpu["p99_ms"], "query": name, "timeouts": timeouts,
             "query_cap_s": cap_s, "finished": len(answers) == len(questions),
             "unanswered_questions": unanswered}
    if not server.alive():
        entry["error"] = (f"the server ended during question {len(answers)} of "
                          f"{len(questions)}, {failed_after_s:.0f} s after it was sent")
    elif not entry["finished"]:
        entry["stopped_after_s"] = round(budget_s, 1)
        entry["stopped_after_timeouts"] = timeouts
    return entry, answers + [None] * (len(questions) - len(answers))


def oxigraph(files: list[Path], tmp: Path, questions: list[dict], binary: str, cap_s: float,
             budget_s: float, log: Callable[[str], None]) -> tuple[dict, list]:
    """`oxigraph load` the files, `oxigraph serve` them, ask every question.

    `serve`, not `serve-read-only`: the read-only (secondary) instance took about twice the
    CPU time per question (measured at ~1M), and the benchmark owns this store anyway."""
    location = tmp / "oxigraph-sparql"
    t0 = time.perf_counter()
    loader = Child([binary, "load", "--location", str(location), "--file", *map(str, files)],
                   tmp / "oxigraph-sparql-load.log")
    loader.proc.wait()
    loader.stop()
    load_s = round(time.perf_counter() - t0, 1)
    port = free_port()
    server = Child([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                    "--timeout-s", str(int(cap_s))], tmp / "oxigraph-sparql-serve.log")
    try:
        url = f"http://127.0.0.1:{port}/query"
        if wait_for(f"{url}?query=ASK%7B%7D", server, 120) is None:
            return {"error": "the Oxigraph server did not start"}, []
        entry, answers = ask_all(Endpoint(url, server.pid), questions, cap_s, budget_s, server)
        entry.update(load_s=load_s, server="oxigraph serve",
                     server_peak_mib=peak_mib(server.pid)["with_children"])
        log(f"oxigraph server: {entry}")
        return entry, answers
    finally:
        server.stop()


def virtuoso_load(isql: str, sql_port: int, files: list[Path], log_file: Path) -> float:
    """Bulk-load the files into the benchmark graph with Virtuoso's loader; seconds."""
    script = "".join(f"ld_add('{f}', '{VIRTUOSO_GRAPH}');\n" for f in files)
    script += "rdf_loader_run();\ncheckpoint;\n"
    t0 = time.perf_counter()
    with log_file.open("ab") as sink:
        subprocess.run([isql, str(sql_port), "dba", "dba"], input=script.encode(), stdout=sink,
                       stderr=sink, check=True, timeout=7200)
    return round(time.perf_counter() - t0, 1)


def virtuoso(files: list[Path], tmp: Path, questions: list[dict], cap_s: float, budget_s: float,
             log: Callable[[str], None]) -> tuple[dict, list]:
    """Start `virtuoso-t` on a fresh database, bulk-load the files, ask the questions."""
    exe, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt") or shutil.which("isql")
    if exe is None or isql is None:
        return {"not_run": "virtuoso-t / isql-vt not installed (Debian: virtuoso-opensource-7)"}, []
    folder = tmp / "virtuoso"
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(virtuoso_ini(
        folder, sql_port, http_port, dirs=(".", *(str(f.parent) for f in files)), cap_s=cap_s))
    argv = [exe, "+foreground", "+configfile", str(folder / "virtuoso.ini")]
    cap = virtuoso_memory_cap()
    if shutil.which("prlimit"):
        argv = ["prlimit", f"--as={cap}", *argv]
    server = Child(argv, tmp / "virtuoso-serve.log")
    try:
        url = f"http://127.0.0.1:{http_port}/sparql"
        if wait_for(f"{url}?query=ASK%7B%7D", server, 180) is None:
            return {"error": "virtuoso-t did not start"}, []
        load_s = virtuoso_load(isql, sql_port, files, tmp / "virtuoso-load.log")
        endpoint = Endpoint(url, server.pid, VIRTUOSO_GRAPH)
        count = endpoint.post("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", 600) or [{}]
        if not int(count[0].get("n", 0)):
            return {"error": f"nothing loaded (see {tmp / 'virtuoso-load.log'})"}, []
        entry, answers = ask_all(endpoint, questions, cap_s, budget_s, server, max_timeouts=2)
        entry.update(load_s=load_s, triples=int(count[0]["n"]), server="virtuoso-t",
                     memory_cap_mib=cap >> 20)
        if "error" in entry:
            entry["error"] += (f" ({why_virtuoso_ended(folder / 'virtuoso.log', server.proc.poll())}"
                               f", address-space cap {entry['memory_cap_mib']:,} MiB)")
        log(f"virtuoso: {entry}")
        return entry, answers
    finally:
        server.stop(grace_s=30)


def why_virtuoso_ended(log_file: Path, returncode: int | None = None) -> str:
    """Why Virtuoso ended: the GPF line of its own log (ErrorLogFile; it ends with a signal
    after one), else the signal that killed it (a crash leaves no line), else its last line."""
    try:
        lines = [line.strip() for line in log_file.read_text(errors="replace").splitlines()
                 if line.strip() and "mmap failed" not in line]
    except OSError:
        lines = []
    gpf = [line for line in lines if "GPF" in line]
    if gpf and "could not allocate memory" in gpf[-1]:
        return f"out of memory compiling or running the query: {gpf[-1]}"
    if gpf:
        return gpf[-1]
    if returncode is not None and returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"virtuoso-t crashed ({name})"
    return lines[-1] if lines else f"no log at {log_file.name}"
