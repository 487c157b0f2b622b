"""Where the CPU time of the pure-SPARQL who-holds goes: parsing, planning, running (not a test).

    .venv/bin/oxigraph load --location STORE --file …      # the files `bench run` loads
    .venv/bin/python tools/who_holds_cost.py GEN STORE [--questions 60] [--query FILE]

For the `bench run` questions of a generated dataset GEN (bench-manifest.json), CPU time per
question in embedded Oxigraph (the engine of `oxigraph serve`): the text with an error appended
after its last line (parsing only: the parser reads it all before it fails), the text on an
empty store (parsing and planning; nothing to read), the text on STORE (everything). Prints
p50 / p90 / max of each in ms.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "service"))

from thamquyen.bench.run import make_questions
from thamquyen.bench.workers import question_bindings
from thamquyen.catalog import bound_text, parse_query


def cpu_ms(store: ox.Store, text: str) -> float:
    """CPU milliseconds of one query on the store, results read; a syntax error ends it."""
    t0 = time.process_time()
    with contextlib.suppress(SyntaxError):
        list(store.query(text))
    return (time.process_time() - t0) * 1000


def summary(name: str, values: list[float]) -> str:
    """p50 / p90 / max of the values, one line."""
    ordered = sorted(values)
    return (f"{name:<28} p50 {ordered[len(ordered) // 2]:7.1f} ms  "
            f"p90 {ordered[int(len(ordered) * 0.9)]:7.1f} ms  max {ordered[-1]:7.1f} ms")


def main(argv: list[str] | None = None) -> int:
    """Print the three cost lines for the questions of GEN on STORE."""
    root = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gen", type=Path, help="generated dataset (thamquyen bench generate)")
    parser.add_argument("store", type=Path, help="an Oxigraph store of the same files")
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--query", type=Path, default=root / "queries" / "who-holds.rq")
    args = parser.parse_args(argv)
    manifest = json.loads((args.gen / "bench-manifest.json").read_text(encoding="utf-8"))
    query = parse_query("who-holds", args.query.read_text(encoding="utf-8"))
    texts = [bound_text(None, query, question_bindings(q))
             for q in make_questions(manifest["pools"], args.questions, 0)]
    empty, full = ox.Store(), ox.Store.read_only(str(args.store))
    print(f"{args.query.name}: {len(texts[0]):,} characters, {len(texts)} questions")
    print(summary("parse", [cpu_ms(empty, t + "\n}}} ?") for t in texts]))
    print(summary("parse + plan (empty store)", [cpu_ms(empty, t) for t in texts]))
    print(summary("parse + plan + run", [cpu_ms(full, t) for t in texts]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
