"""Work the benchmark runs in child processes (own memory peak, killable at a deadline).

    python -m thamquyen.bench.workers validate ENGINE DIR OUT.json [--no-data]
    python -m thamquyen.bench.workers rdflib-sparql DIR QUESTIONS.json OUT.jsonl

`validate` prints one JSON summary line; `rdflib-sparql` appends one JSON line per answered
question to OUT.jsonl (so that a run stopped at its deadline still counts what it answered).
"""

from __future__ import annotations

import json
import logging
import resource
import sys
import time
from pathlib import Path

import rdflib
from rdflib.namespace import XSD

from .. import paths
from .measure import self_peak_mib


def who_holds_query() -> str | None:
    """The catalog's pure-SPARQL who-holds query, if it exists."""
    path = paths.queries_dir() / "who-holds.rq"
    return path.read_text(encoding="utf-8") if path.exists() else None


def question_bindings(question: dict) -> dict:
    """?_power, ?_unit, ?_at of one question, as rdflib terms."""
    return {"_power": rdflib.URIRef(question["power"]), "_in": rdflib.URIRef(question["unit"]),
            "_at": rdflib.Literal(question["at"], datatype=XSD.date)}


def holders_of_rows(rows: list[dict]) -> list[str]:
    """The holder IRIs of the rows of a who-holds SELECT (variable holder or authority)."""
    for name in ("holder", "authority", "finalHolder"):
        found = {str(r[name]) for r in rows if r.get(name) is not None}
        if found or any(name in r for r in rows):
            return sorted(found)
    return sorted({str(next(iter(r.values()))) for r in rows if r})


def validate(engine: str, folder: Path, out: Path, include_data: bool = True) -> dict:
    """Full validation of ontology + data (unless include_data is false) + folder with one
    engine; results go to out."""
    from ..validation import load_shapes, validate_files

    started = time.perf_counter()
    report = validate_files([folder], engine=engine, shapes=load_shapes(),
                            include_data=include_data)
    seconds = time.perf_counter() - started
    # a blank-node path is a fresh node in each engine's report: compared as "_:"
    results = [[r.severity, r.focus, "_:" if (r.path or "").startswith("_:") else r.path,
                r.value, r.shape] for r in report.results]
    out.write_text(json.dumps(results), encoding="utf-8")
    return {"engine": engine, "seconds": round(seconds, 2), "peak_mib": self_peak_mib(),
            "child_peak_mib": children_peak_mib(), "cpu_s": cpu_seconds(),
            "conforms": not report.fails, "results": len(results)}


def children_peak_mib() -> float:
    """Peak resident memory of the largest finished child (the engine's forked process)."""
    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children (a shared machine
    distorts wall time, not this)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return round(own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime, 1)


def rdflib_sparql(folder: Path, questions_file: Path, out: Path) -> dict:
    """Load everything into a plain rdflib Graph, then answer each question with the query."""
    from ..rdfio import read_all, to_rdflib_graph
    from ..sparql import bind
    from ..store import knowledge_sources

    query = who_holds_query()
    if query is None:
        return {"error": "queries/who-holds.rq is missing"}
    started = time.perf_counter()
    graph = to_rdflib_graph(read_all(knowledge_sources([folder])))
    load_s = time.perf_counter() - started
    with out.open("w", encoding="utf-8") as sink:
        sink.write(json.dumps({"load_s": round(load_s, 2), "triples": len(graph)}) + "\n")
        sink.flush()
        for i, question in enumerate(json.loads(questions_file.read_text(encoding="utf-8"))):
            t0 = time.perf_counter()
            result = graph.query(bind(query, question_bindings(question)))
            rows = [{str(k): v for k, v in row.asdict().items()} for row in result]
            seconds = time.perf_counter() - t0
            sink.write(json.dumps({"i": i, "s": seconds, "holders": holders_of_rows(rows)}) + "\n")
            sink.flush()
    return {"load_s": round(load_s, 2), "peak_mib": self_peak_mib()}


def main(argv: list[str]) -> int:
    """Dispatch a worker command; print its JSON summary."""
    logging.getLogger("rdflib").setLevel(logging.CRITICAL)
    command, *rest = argv
    if command == "validate":
        summary = validate(rest[0], Path(rest[1]), Path(rest[2]), "--no-data" not in rest[3:])
    elif command == "rdflib-sparql":
        summary = rdflib_sparql(Path(rest[0]), Path(rest[1]), Path(rest[2]))
    else:
        print(f"unknown worker command {command!r}", file=sys.stderr)
        return 2
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
