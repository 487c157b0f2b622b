"""Who-holds latency on the shipped data, in-process (not a test).

    .venv/bin/python tools/bench_who_holds.py                      # the shipped data
    .venv/bin/python tools/bench_who_holds.py tests/fixtures/engine --sparql 20

Asks N random questions (a power of the graph × a unit of the graph, or no unit, × a date) to
the who-holds engine and prints p50/p90/p99/max latency; with --sparql K, also times the plain
SPARQL named query queries/who-holds.rq on K of them. Extra PATHs are joined to the graph for the
run (an in-memory store then), so powers can be added when data/ has none.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "service"))

from thamquyen.catalog import run_named
from thamquyen.kb import open_kb


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the sorted values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def questions(kb, count: int, seed: int, no_unit: float) -> list[tuple[str, str | None, dt.date]]:
    """Random (power, unit or None, date) triples over the powers and units of the graph."""
    rng = random.Random(seed)
    powers = sorted(kb.engine.index.powers)
    units = sorted(kb.engine.index.unit_validity)
    if not powers:
        sys.exit("no tq:Power in the graph: add data (or PATHs, e.g. tests/fixtures/engine).")
    start, days = dt.date(2015, 1, 1), (dt.date(2027, 12, 31) - dt.date(2015, 1, 1)).days
    return [(rng.choice(powers), None if not units or rng.random() < no_unit else rng.choice(units),
             start + dt.timedelta(days=rng.randrange(days + 1))) for _ in range(count)]


def report(name: str, seconds: list[float]) -> None:
    """One line of latency figures, in milliseconds."""
    ms = [s * 1000 for s in seconds]
    print(f"{name:<10} n={len(ms):<5} mean={statistics.fmean(ms):8.2f}  p50={percentile(ms, .5):8.2f}"
          f"  p90={percentile(ms, .9):8.2f}  p99={percentile(ms, .99):8.2f}  max={max(ms):8.2f} ms")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    parser.add_argument("-n", "--questions", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--no-unit", type=float, default=0.2, help="share of questions without a unit")
    parser.add_argument("--sparql", type=int, default=0, metavar="K",
                        help="also time queries/who-holds.rq on K of the questions")
    args = parser.parse_args(argv)
    if args.questions < 1:
        parser.error("--questions must be at least 1")

    started = time.perf_counter()
    kb = open_kb(args.paths, persistent=not args.paths)
    index = kb.engine.index
    print(f"store + index ready in {time.perf_counter() - started:.1f} s: {len(index.powers)} powers, "
          f"{len(index.unit_validity)} units, {len(index.authorities)} authorities, "
          f"{sum(len(c) for c in index.conferrals.values())} conferrals, "
          f"{sum(len(d) for d in index.delegations.values())} delegations")

    asked = questions(kb, args.questions, args.seed, args.no_unit)
    kb.engine.who_holds(*asked[0])  # warm-up
    timings, answered = [], 0
    for power, unit, day in asked:
        t = time.perf_counter()
        doc = kb.engine.who_holds(power, unit, day)
        timings.append(time.perf_counter() - t)
        answered += bool(doc["holders"])
    report("engine", timings)
    print(f"{answered} of {len(asked)} questions have a holder")

    if args.sparql:
        timings = []
        for power, unit, day in asked[: args.sparql]:
            params = {"power": power, "at": day.isoformat(), **({"in": unit} if unit else {})}
            t = time.perf_counter()
            run_named(kb.store, "who-holds", params)
            timings.append(time.perf_counter() - t)
        report("sparql", timings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
