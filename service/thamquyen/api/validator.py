"""A validation worker process: POST /api/validate's work, off the web process.

Started by the parent's WorkerPool as `python -m thamquyen.api.validator FD PATH MEMORY_MB`,
like a SPARQL worker (thamquyen.api.worker): no network, a capped address space, a lower CPU
priority, the persistent store opened read-only. It reads the shapes once, then takes one
document at a time: parses it once (NFC, stopping past the triple limit), measures its
blank-node nesting, and validates the nodes it touches against the stored data plus the
document (thamquyen.incremental). The parent kills it at the deadline and starts a fresh one,
so a validation that runs too long really stops; the web process never holds the GIL for it.
"""

from __future__ import annotations

import functools
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from multiprocessing.connection import Connection

import pyoxigraph as ox
import rdflib

from ..rdfio import InputError, TooManyTriples, parse_turtle_text
from . import worker

SOURCE_NAME = "tài liệu gửi lên"
LENIENT_BYTES = 1024 * 1024  # rdflib's lenient second parse only for documents up to 1 MB
CONFORMS = {"conforms": True, "fails": False, "results": []}


def job(text: str, max_triples: int, max_depth: int) -> dict:
    """The job a worker takes: the posted text and the limits it must stay within."""
    return {"text": text, "max_triples": max_triples, "max_depth": max_depth}


def blank_depth(triples: Sequence[ox.Triple]) -> int:
    """The deepest nesting of blank nodes (`[ :p [ :p [ … ] ] ]`): the longest chain of blank
    nodes each the object of the one before, in linear time (a cycle does not count)."""
    children: dict[ox.BlankNode, list[ox.BlankNode]] = defaultdict(list)
    parents: dict[ox.BlankNode, int] = defaultdict(int)
    nodes: set[ox.BlankNode] = set()
    for t in triples:
        for term in (t.subject, t.object):
            if isinstance(term, ox.BlankNode):
                nodes.add(term)
        if isinstance(t.subject, ox.BlankNode) and isinstance(t.object, ox.BlankNode):
            children[t.subject].append(t.object)
            parents[t.object] += 1
    depth = {n: 1 for n in nodes if not parents[n]}
    todo = list(depth)
    while todo:
        node = todo.pop()
        for child in children[node]:
            depth[child] = max(depth.get(child, 0), depth[node] + 1)
            parents[child] -= 1
            if not parents[child]:
                todo.append(child)
    return max(depth.values(), default=0)


def check(store: ox.Store, task: dict, shapes: rdflib.Graph) -> tuple:
    """One document: ("ok", report) or (refusal kind, details) — "syntax" (vi, en),
    "too_large" (vi, en) or "too_complex" (depth)."""
    from ..incremental import validate_change

    text = task["text"]
    try:
        posted = parse_turtle_text(unicodedata.normalize("NFC", text), SOURCE_NAME,
                                   limit=task["max_triples"], lenient=len(text) <= LENIENT_BYTES)
    except TooManyTriples as exc:
        return ("too_large", exc.vi, exc.en)
    except InputError as exc:
        return ("syntax", exc.render("vi"), exc.render("en"))
    depth = blank_depth(posted)
    if depth > task["max_depth"]:
        return ("too_complex", depth)
    if not posted:
        return ("ok", CONFORMS)
    return ("ok", validate_change(posted, store, shapes).as_json())


def main(argv: list[str]) -> None:
    """python -m thamquyen.api.validator SOCKET_FD STORE_PATH [MEMORY_MB [NICE]]"""
    from ..incremental import ontology_triples
    from ..validation import load_shapes

    worker.no_network()  # nothing here needs it; a parser gap cannot reach out either
    worker.limit_memory(int(argv[3]) if len(argv) > 3 else 0)
    shapes = load_shapes()
    ontology_triples()  # read now, not during the first validation
    store = worker.open_early(argv[2])
    worker.lower_priority(int(argv[4]) if len(argv) > 4 else worker.NICE, idle=True)  # once ready (as worker)
    worker.serve(Connection(int(argv[1])), argv[2], functools.partial(check, shapes=shapes),
                 store=store)


if __name__ == "__main__":
    main(sys.argv)
