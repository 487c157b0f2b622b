"""CPU cost of each SPARQL constraint, one query at a time on one store (not a test).

A full `thamquyen validate` runs the constraints two at a time next to the SHACL Core engine,
so the wall times THAMQUYEN_PROFILE_SHAPES prints are distorted on a busy machine. This loads
ontology/ + data/ + the given folders into one Oxigraph store once, then runs each constraint's
whole-set query alone and prints its CPU time (this process's user + system seconds), slowest
first. With two shapes folders, each selected constraint runs once per folder and the results
are compared (a constraint is known by its shape and its English message).

    .venv/bin/python tools/constraint_cost.py GEN1M
    .venv/bin/python tools/constraint_cost.py GEN1M --only 'R7-' --shapes old/ --shapes shapes/
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import rdflib
from thamquyen import sparqlconstraints
from thamquyen.namespaces import SH
from thamquyen.store import EmbeddedStore
from thamquyen.validation import load_shapes


def key(shapes: rdflib.Graph, constraint: sparqlconstraints.Constraint) -> str:
    """The shape's local name and the start of the constraint's English message."""
    english = next((str(m) for m in constraint.messages if m.language == "en"), "")
    if not english:
        english = str(next(iter(shapes.objects(constraint.node, SH.message)), ""))
    return f"{str(constraint.shape).rsplit('#', 1)[-1]}: {english[:60]}"


def rows(findings: list[sparqlconstraints.Finding]) -> set[tuple[str, ...]]:
    """The findings as the report shows them: focus node, value and messages."""
    report = rdflib.Graph()
    sparqlconstraints.add_to_report(report, findings)
    return {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.value)),
             *sorted(str(m) for m in report.objects(r, SH.resultMessage)))
            for r in report.subjects(SH.sourceConstraint, None)}


def cost(store: ox.Store, shapes_dir: Path | None, only: re.Pattern
         ) -> dict[str, tuple[float, set[tuple[str, ...]]]]:
    """CPU seconds and result rows of each selected constraint."""
    shapes = load_shapes([shapes_dir] if shapes_dir else None)
    constraints, _ = sparqlconstraints.split(shapes)
    found = {}
    for constraint in constraints:
        name = key(shapes, constraint)
        if not only.search(name):
            continue
        started = time.process_time()
        batch = sparqlconstraints.run(store, [constraint], shapes, workers=1)
        found[name] = (time.process_time() - started, rows(batch))
    return found


def main(argv: list[str]) -> int:
    """Print each constraint's CPU seconds and result count; compare two shapes folders."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="folders added to the shipped data")
    parser.add_argument("--shapes", action="append", type=Path, default=[],
                        help="shapes folder (default shapes/); twice to compare")
    parser.add_argument("--only", default="", help="regex on 'shape: message' to select")
    args = parser.parse_args(argv)
    started = time.process_time()
    store = EmbeddedStore.in_memory(args.paths).store  # ontology/ + data/ + the folders
    print(f"store: {len(store):,} quads, {time.process_time() - started:.1f} s CPU",
          file=sys.stderr)
    runs = [cost(store, d, re.compile(args.only)) for d in (args.shapes or [None])]
    for name, (seconds, found) in sorted(runs[0].items(), key=lambda i: -i[1][0]):
        line = f"{seconds:8.2f} s {len(found):6d}  {name}"
        for other in runs[1:]:
            other_seconds, other_found = other.get(name, (float("nan"), set()))
            same = "same" if other_found == found else "DIFFERENT"
            line += f"  | {other_seconds:8.2f} s {len(other_found):6d} {same}"
        print(line)
    for index, run in enumerate(runs):
        print(f"total {index}: {sum(s for s, _ in run.values()):.2f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
