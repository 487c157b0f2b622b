"""`thamquyen bench run DIR`: the side-by-side benchmark on one generated dataset.

In one run: start-up of `thamquyen serve` (store not built / built), who-holds latency
in-process, over HTTP on our server, and with the catalog's pure-SPARQL who-holds query on a
plain rdflib Graph and on a real Oxigraph server; HTTP throughput with 8 clients; full SHACL
validation with pySHACL and with our path (same report?); checking one new delegation against
the full graph; peak memory of the server. Slow parts run in child processes with deadlines
and are reported as "> N s" when they do not finish.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import random
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import paths
from .generate import MANIFEST
from .measure import (
    Child,
    free_port,
    last_stopped,
    machine,
    peak_mib,
    percentiles,
    run_worker,
    wait_for,
)
from .workers import who_holds_query

FIRST_DAY, LAST_DAY = dt.date(2018, 1, 1), dt.date(2026, 12, 31)
REFRESH_INTERVAL_S = 30.0  # the serve default
QUERY_CAP_S = 120.0  # one pure-SPARQL question slower than this counts as a timeout
SAMPLE_POWERS = 60  # pySHACL checks each delegation against every other of its power: keep few


@dataclass
class Options:
    """What `bench run` measures and for how long."""

    folder: Path
    questions: int = 500
    seed: int = 0
    quick: bool = False
    workdir: Path | None = None
    throughput_s: float = 10.0
    clients: int = 8
    baseline_budget_s: float = 600.0
    validation_timeout_s: float = 3600.0
    sample_triples: int = 5000
    startup_timeout_s: float = 1800.0
    skip: set[str] = field(default_factory=set)
    log: Callable[[str], None] = print


def make_questions(pools: dict, n: int, seed: int) -> list[dict]:
    """n random (power, unit, date) questions; mostly units of the date's structure."""
    rng = random.Random(f"questions-{seed}")
    span = (LAST_DAY - FIRST_DAY).days
    questions = []
    for _ in range(n):
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(span + 1))
        old = day.isoformat() <= "2025-06-30"
        if rng.random() < 0.15:
            old = not old  # a unit of the other period: read through its reorganization
        pool = pools["units_old"] if old else pools["units_new"]
        questions.append({"power": rng.choice(pools["powers"]), "unit": rng.choice(pool),
                          "at": day.isoformat()})
    return questions


def holders_of_answer(answer: dict) -> list[str]:
    """The final holders of a who-holds JSON answer."""
    return sorted({h["authority"] for h in answer.get("holders", [])})


class Bench:
    """One benchmark run; `results` becomes the JSON report."""

    def __init__(self, options: Options):
        self.o = options
        self.manifest = json.loads((options.folder / MANIFEST).read_text(encoding="utf-8"))
        self.questions = make_questions(self.manifest["pools"], options.questions, options.seed)
        self.tmp = Path(tempfile.mkdtemp(prefix="thamquyen-bench-"))
        self.workdir = options.workdir or self.tmp / "work"
        self.answers: dict[str, list[list[str] | None]] = {}
        self.results: dict = {"machine": machine(), "dataset": str(options.folder),
                              "generated_triples": self.manifest["triples"],
                              "questions": len(self.questions), "notes": []}

    def note(self, text: str) -> None:
        """Record (and print) something the reader of the report must know."""
        self.results["notes"].append(text)
        self.o.log("note: " + text)

    # ---------------------------------------------------------------- our server

    def serve_argv(self, port: int) -> list[str]:
        """How `thamquyen serve` is started on the dataset."""
        return [sys.executable, "-m", "thamquyen.cli", "serve", "--port", str(port),
                "--workdir", str(self.workdir), "--log-level", "warning", str(self.o.folder)]

    def who_url(self, port: int, q: dict) -> str:
        """The who-holds URL of one question."""
        query = urllib.parse.urlencode({"power": q["power"], "in": q["unit"], "at": q["at"]})
        return f"http://127.0.0.1:{port}/api/who-holds?{query}"

    def start_server(self, label: str) -> tuple[Child | None, int, float | None]:
        """Start `serve` and wait for the first who-holds answer; (child, port, seconds)."""
        port = free_port()
        child = Child(self.serve_argv(port), self.tmp / f"serve-{label}.log")
        seconds = wait_for(self.who_url(port, self.questions[0]), child, self.o.startup_timeout_s)
        self.results.setdefault("startup_cpu_s", {})[label] = child.cpu_at_ready
        if seconds is None:
            tail = (self.tmp / f"serve-{label}.log").read_text(errors="replace")[-800:]
            self.note(f"serve ({label}) gave no answer: {tail.strip()}")
            child.stop()
            return None, port, None
        return child, port, seconds

    def measure_server(self) -> None:
        """Cold and warm start-up, HTTP latency, throughput, server peak memory."""
        if (self.workdir / "store").exists():
            shutil.rmtree(self.workdir / "store")
        child, _, cold = self.start_server("cold")
        if child is not None:
            child.stop()
        child, port, warm = self.start_server("warm")
        self.results["startup_s"] = {"cold": _round(cold), "warm": _round(warm)}
        self.o.log(f"start-up: cold {cold} s, warm {warm} s")
        if child is None:
            return
        try:
            self.http_latency(port)
            self.throughput(port)
            memory = peak_mib(child.pid)
            self.results["server_peak_mib"] = memory["with_children"]
            self.results["server_peak_detail_mib"] = memory
        finally:
            child.stop()

    def http_latency(self, port: int) -> None:
        """Sequential who-holds requests on one keep-alive connection."""
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        samples, answers, errors = [], [], 0
        for q in self.questions:
            path = self.who_url(port, q).split(str(port), 1)[1]
            t0 = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            samples.append(time.perf_counter() - t0)
            if response.status == 200:
                answers.append(holders_of_answer(json.loads(body)))
            else:
                errors += 1
                answers.append([])
        connection.close()
        self.results.setdefault("who_holds", {})["http"] = {**percentiles(samples), "errors": errors}
        self.answers["http"] = answers
        self.o.log(f"http: {self.results['who_holds']['http']}")

    def throughput(self, port: int) -> None:
        """Who-holds requests per second with N concurrent keep-alive clients."""
        deadline = time.perf_counter() + (2.0 if self.o.quick else self.o.throughput_s)
        counts = [0] * self.o.clients
        errors = [0] * self.o.clients

        def client(k: int) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            i = k
            while time.perf_counter() < deadline:
                q = self.questions[i % len(self.questions)]
                connection.request("GET", self.who_url(port, q).split(str(port), 1)[1])
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    counts[k] += 1
                else:
                    errors[k] += 1
                i += self.o.clients
            connection.close()

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(k,)) for k in range(self.o.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - started
        self.results["http_rps_8_clients" if self.o.clients == 8 else "http_rps"] = round(
            sum(counts) / seconds, 1)
        self.results["http_throughput_detail"] = {"clients": self.o.clients, "seconds": round(seconds, 1),
                                                  "ok": sum(counts), "errors": sum(errors)}

    # ---------------------------------------------------------------- in process

    def in_process(self) -> None:
        """Who-holds through the engine in this process, then one new delegation checked."""
        from ..kb import open_kb

        t0 = time.perf_counter()
        kb = open_kb([self.o.folder], workdir=self.workdir)
        self.results["in_process_open_s"] = round(time.perf_counter() - t0, 2)
        count = getattr(kb.store, "triple_count", None)
        if count is not None:
            self.results["triples"] = count()
        samples, cpu, answers = [], [], []
        for q in self.questions:
            at = dt.date.fromisoformat(q["at"])
            t0, c0 = time.perf_counter(), time.thread_time()
            answer = kb.engine.who_holds(q["power"], q["unit"], at)
            samples.append(time.perf_counter() - t0)
            cpu.append(time.thread_time() - c0)
            answers.append(holders_of_answer(answer))
        on_cpu = percentiles(cpu)  # wall minus time the shared machine gave to other processes
        self.results.setdefault("who_holds", {})["in_process"] = {
            **percentiles(samples), "cpu_p50_ms": on_cpu["p50_ms"], "cpu_p99_ms": on_cpu["p99_ms"]}
        self.answers["in_process"] = answers
        self.results["answers_with_holders"] = sum(1 for a in answers if a)
        self.o.log(f"in-process: {self.results['who_holds']['in_process']}")
        if "delegation" not in self.o.skip:
            self.one_delegation(kb)

    def one_delegation(self, kb: object) -> None:
        """validate_change for a new delegation (a copy of an existing one) and a broken one."""
        from ..incremental import validate_change
        from ..validation import load_shapes
        from .change import broken_delegation, copied_delegation

        store = getattr(getattr(kb, "store", None), "store", None)
        if store is None:
            self.note("one-delegation check needs the embedded store; skipped")
            return
        shapes = load_shapes()
        timings, conforming = [], []
        for k in range(5):
            new = copied_delegation(store, k)
            t0 = time.perf_counter()
            report = validate_change(new, store, shapes)
            timings.append(time.perf_counter() - t0)
            conforming.append(not report.fails)
        bad = broken_delegation(store)
        t0 = time.perf_counter()
        report = validate_change(bad, store, shapes)
        bad_s = time.perf_counter() - t0
        timings.sort()
        self.results["one_delegation_check_s"] = round(timings[len(timings) // 2], 3)
        self.results["one_delegation_detail"] = {
            "runs_s": [round(t, 3) for t in timings], "copies_conform": conforming,
            "broken_s": round(bad_s, 3), "broken_detected": report.fails,
            "broken_shapes": sorted({r.shape or "" for r in report.results
                                     if r.severity == "Violation"})}
        self.o.log(f"one delegation: {self.results['one_delegation_detail']}")

    # ---------------------------------------------------------------- baselines

    def oxigraph_baseline(self) -> None:
        """The catalog's who-holds as pure SPARQL on a real Oxigraph server (same files)."""
        from ..store import knowledge_sources
        from . import pure_sparql

        binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        if not Path(binary).exists():
            self.note("Oxigraph baseline skipped: no oxigraph binary")
            return
        entry, answers = pure_sparql.oxigraph(
            knowledge_sources([self.o.folder]), self.tmp, self.questions, binary, QUERY_CAP_S,
            self.o.baseline_budget_s, self.o.log)
        self.results.setdefault("who_holds", {})["oxigraph_sparql"] = entry
        self.answers["oxigraph_sparql"] = answers

    def virtuoso_baseline(self) -> None:
        """The same on Virtuoso (its who-holds-simple: no LATERAL), when virtuoso-t is installed."""
        from ..store import knowledge_sources
        from . import pure_sparql

        entry, answers = pure_sparql.virtuoso(
            knowledge_sources([self.o.folder]), self.tmp, self.questions, QUERY_CAP_S,
            self.o.baseline_budget_s, self.o.log)
        self.results.setdefault("who_holds", {})["virtuoso_sparql"] = entry
        self.answers["virtuoso_sparql"] = answers

    def remote(self) -> None:
        """Remote open (cold / warm), two replicas with N clients, refresh after a load."""
        from . import remote

        binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        if not Path(binary).exists():
            self.note("remote-store measures skipped: no oxigraph binary")
            return
        paths = [self.who_url(0, q).split("127.0.0.1:0", 1)[1] for q in self.questions]
        self.results["remote"] = remote.measure(
            self.o.folder, self.tmp, paths, free_port, binary, self.o.clients,
            2.0 if self.o.quick else self.o.throughput_s, REFRESH_INTERVAL_S, self.o.log)

    def rdflib_baseline(self) -> None:
        """The same query on a plain rdflib Graph in a child process, within the budget."""
        if who_holds_query() is None:
            self.note("rdflib baseline skipped: queries/who-holds.rq missing")
            return
        questions = self.tmp / "questions.json"
        questions.write_text(json.dumps(self.questions))
        out = self.tmp / "rdflib.jsonl"
        summary, wall = run_worker(["rdflib-sparql", str(self.o.folder), str(questions), str(out)],
                                   self.o.baseline_budget_s, self.tmp / "rdflib.log")
        lines = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
        head = lines[0] if lines and "load_s" in lines[0] else {}
        answered = [line for line in lines if "i" in line]
        entry = {**percentiles([a["s"] for a in answered]), "load_s": head.get("load_s"),
                 "finished": summary is not None}
        if summary is None:
            entry["stopped_after_s"] = round(wall, 1)
            if not head:
                self.note(f"rdflib baseline: the graph did not even load within {wall:.0f} s")
        by_index = {a["i"]: a["holders"] for a in answered}
        self.answers["rdflib_sparql"] = [by_index.get(i) for i in range(len(self.questions))]
        self.results.setdefault("who_holds", {})["rdflib_sparql"] = entry
        self.o.log(f"rdflib: {entry}")

    # ---------------------------------------------------------------- validation

    def validation(self) -> None:
        """Full validation, each engine in its own process: ours (pyshacl-turbo + the SPARQL
        constraints once over all their targets), pyshacl-turbo alone (per focus node) and
        pySHACL on an rdflib graph; same report? Then the same on a small standalone sample,
        where pySHACL finishes."""
        entry = self._validate_all(self.o.folder, include_data=True, tag="full")
        if "sample" not in self.o.skip and self.o.sample_triples > 0:
            from .generate import generate

            sample = self.tmp / "validation-sample"
            shutil.rmtree(sample, ignore_errors=True)
            manifest = generate(sample, self.o.sample_triples, self.o.seed + 1, "synthetic",
                                SAMPLE_POWERS, True)
            entry["sample"] = {"triples_generated": manifest["triples"], "powers": SAMPLE_POWERS,
                               **self._validate_all(sample, include_data=False, tag="sample",
                                                    engines=(("turbo", "ours"),
                                                             ("pyshacl", "pyshacl")))}
        self.results["validation"] = entry

    def _validate_all(self, folder: Path, include_data: bool, tag: str,
                      engines: tuple[tuple[str, str], ...] = (
                          ("turbo", "ours"), ("turbo-per-node", "turbo_per_node"),
                          ("pyshacl", "pyshacl"))) -> dict:
        entry: dict = {}
        reports = {}
        for engine, key in engines:
            if key in self.o.skip:
                continue
            out = self.tmp / f"validation-{tag}-{engine}.json"
            command = ["validate", engine, str(folder), str(out)]
            summary, wall = run_worker(command + ([] if include_data else ["--no-data"]),
                                       self.o.validation_timeout_s,
                                       self.tmp / f"validate-{tag}-{engine}.log")
            if summary is None:
                entry[f"{key}_s"] = None
                entry[f"{key}_timed_out_after_s"] = round(wall, 1)
                entry[f"{key}_peak_mib_at_stop"] = last_stopped.get("peak_mib")
                self.o.log(f"validation {tag} {engine}: > {wall:.0f} s")
                continue
            entry[f"{key}_s"] = summary["seconds"]
            entry[f"{key}_peak_mib"] = summary["peak_mib"]
            entry[f"{key}_child_peak_mib"] = summary.get("child_peak_mib")
            entry[f"{key}_cpu_s"] = summary.get("cpu_s")
            entry[f"{key}_results"] = summary["results"]
            entry["conforms"] = summary["conforms"]
            reports[key] = {tuple(r) for r in json.loads(out.read_text())}
            self.o.log(f"validation {tag} {engine}: {summary}")
        for other in ("pyshacl", "turbo_per_node"):
            same = reports["ours"] == reports[other] if {"ours", other} <= set(reports) else None
            entry["same_report" if other == "pyshacl" else f"same_report_{other}"] = same
        return entry

    # ---------------------------------------------------------------- all

    def agreement(self) -> None:
        """How many answers of each baseline list the same final holders as ours."""
        ours = self.answers.get("in_process", [])
        found = {}
        for name in ("http", "oxigraph_sparql", "virtuoso_sparql", "rdflib_sparql"):
            pairs = [(a, b) for a, b in zip(ours, self.answers.get(name, []), strict=False)
                     if b is not None]
            if pairs:
                found[name] = f"{sum(1 for a, b in pairs if a == b)}/{len(pairs)}"
        self.results["same_holders_as_engine"] = found

    def ratios(self) -> None:
        """Each SPARQL baseline's latency relative to ours (HTTP ↔ HTTP, in-process ↔ in-process)."""
        who = self.results.get("who_holds", {})
        pairs = (("oxigraph_sparql", "http"), ("virtuoso_sparql", "http"),
                 ("rdflib_sparql", "in_process"))
        for theirs, ours in pairs:
            a, b = who.get(theirs), who.get(ours)
            if not a or not b:
                continue
            for p in ("p50_ms", "p99_ms"):
                if a.get(p) and b.get(p):
                    a[f"ratio_{p[:3]}_vs_ours_{ours}"] = round(a[p] / b[p], 1)

    def run(self) -> dict:
        """Everything, in an order that keeps the heavy parts apart."""
        steps: list[tuple[str, Callable[[], None]]] = [
            ("server", self.measure_server), ("in_process", self.in_process)]
        if not self.o.quick:
            steps += [("oxigraph", self.oxigraph_baseline), ("remote", self.remote),
                      ("virtuoso", self.virtuoso_baseline),
                      ("rdflib", self.rdflib_baseline),
                      ("validation", self.validation)]
        else:
            self.note("--quick: Oxigraph/rdflib baselines and full validation not run")
        for name, step in steps:
            if name in self.o.skip:
                continue
            self.o.log(f"== {name}")
            step()
        self.agreement()
        self.ratios()
        if self.o.workdir is None:
            shutil.rmtree(self.tmp, ignore_errors=True)
        return self.results


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def run(options: Options) -> dict:
    """Run the benchmark; returns the JSON-ready results."""
    if not (options.folder / MANIFEST).exists():
        raise FileNotFoundError(f"{options.folder / MANIFEST} (generate the data first)")
    _ = paths.project_root()
    return Bench(options).run()
