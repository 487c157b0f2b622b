"""`thamquyen bench generate` / `thamquyen bench run`: national-scale data and the benchmark."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add `bench` with its two sub-commands."""
    bench = sub.add_parser("bench", help="dữ liệu quy mô quốc gia và đo hiệu năng",
                           description="Generate national-scale benchmark data, and run the "
                                       "side-by-side benchmark on it.")
    inner = bench.add_subparsers(dest="bench_command", required=True, metavar="SUBCOMMAND")

    g = inner.add_parser("generate", help="sinh dữ liệu thử nghiệm (tất định theo seed)",
                         description="Write deterministic synthetic data in the public vocabulary "
                                     "(about N triples) into DIR, with bench-manifest.json.")
    g.add_argument("--triples", type=int, required=True, metavar="N", help="about how many triples")
    g.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    g.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")
    g.add_argument("--units", choices=("auto", "real", "synthetic"), default="auto",
                   help="unit structure: data/units/ (real), a synthetic one of the same shape, "
                        "or real when data/units/ exists (auto, the default)")
    g.add_argument("--standalone", action="store_true",
                   help="synthetic units, N counts only the generated files (validate them alone "
                        "with `thamquyen validate --no-data DIR`); default: N counts the whole "
                        "graph `serve DIR` loads (ontology + data/ + DIR)")
    g.add_argument("--powers", type=int, help=argparse.SUPPRESS)
    g.set_defaults(handler=run_generate)

    r = inner.add_parser("run", help="đo hiệu năng trên một bộ dữ liệu đã sinh",
                         description="Measure start-up, who-holds latency (ours, Oxigraph, rdflib), "
                                     "throughput, validation and memory; print a table.")
    r.add_argument("folder", type=Path, metavar="DIR")
    r.add_argument("--questions", type=int, default=500, help="random who-holds questions (500)")
    r.add_argument("--seed", type=int, default=0, help="seed of the questions (0)")
    r.add_argument("--quick", action="store_true",
                   help="skip the slow parts: Oxigraph/rdflib baselines and full validation")
    r.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    r.add_argument("--workdir", type=Path, help="working folder for stores and logs (kept)")
    r.add_argument("--throughput-seconds", type=float, default=10.0)
    r.add_argument("--baseline-budget", type=float, default=600.0, metavar="SECONDS",
                   help="time allowed to each pure-SPARQL baseline (600)")
    r.add_argument("--validation-timeout", type=float, default=3600.0, metavar="SECONDS",
                   help="time allowed to each full validation (3600); slower is reported as > N s")
    r.add_argument("--sample-triples", type=int, default=5000, metavar="N",
                   help="about how many triples in the standalone sample (60 powers, synthetic "
                        "units) on which pySHACL and ours are also compared (5000; 0: none); "
                        "pySHACL takes hours on the full data")
    r.add_argument("--skip", action="append", default=[],
                   choices=("server", "in_process", "delegation", "oxigraph", "remote", "virtuoso", "rdflib",
                            "validation", "pyshacl", "ours", "turbo_per_node", "sample"),
                   help="leave out one part (repeatable)")
    r.set_defaults(handler=run_bench)

    from .bench import abuse

    abuse.add_parser(inner)


def run_generate(args: argparse.Namespace) -> int:
    """Generate the data and print its manifest summary."""
    from .bench.generate import generate

    manifest = generate(args.output, args.triples, args.seed, args.units, args.powers,
                        args.standalone)
    summary = {k: v for k, v in manifest.items() if k not in ("pools", "files")}
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 0


def run_bench(args: argparse.Namespace) -> int:
    """Run the benchmark, print the table, write the JSON."""
    from .bench.report import table
    from .bench.run import Options, run

    options = Options(folder=args.folder, questions=args.questions, seed=args.seed,
                      quick=args.quick, workdir=args.workdir,
                      throughput_s=args.throughput_seconds, baseline_budget_s=args.baseline_budget,
                      validation_timeout_s=args.validation_timeout, skip=set(args.skip),
                      sample_triples=args.sample_triples,
                      log=lambda text: print(text, file=sys.stderr, flush=True))
    results = run(options)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    sys.stdout.write(table(results))
    return 0
