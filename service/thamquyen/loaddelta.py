"""An add-only `thamquyen load`: when every file of the store's last load is still loaded,
unchanged, and files were only added, the store needs only the new files' triples.

That is one small request (the new triples and the new load mark, one transaction) instead of
rewriting the whole graph through a staging graph and a MOVE: at ~3M triples the MOVE is most
of a load, and it leaves an Oxigraph server's store slow to export until RocksDB compacts it,
which is what every replica's index read after the load then waits for. The load mark lists
the content hash of each file it loaded (`dcterms:hasPart`); a file changed or removed, a
mark without that list, or `--full` means a full load as before.

An add-only load also writes what it added (with the new mark) into a named graph of its own,
`urn:x-thamquyen:added:OLD:NEW` (the content it was added to, the content it made), named on
the mark (`dcterms:relation`) so that the next load drops it. A refreshing `serve` that kept
a copy of OLD reads only that graph instead of exporting the whole store (remote.py). Added
blank nodes (a second INSERT would make other ones) or a body over half the request limit:
no such graph, and the refresh reads everything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .remote import IDENTIFIER, LOAD_MARK, added_graph
from .store import RemoteStore

PART = "http://purl.org/dc/terms/hasPart"
RELATION = "http://purl.org/dc/terms/relation"  # the mark's added graph


@dataclass
class LastLoad:
    """What the store's load mark says of its last load."""

    content: str | None = None  # its content hash
    parts: set[str] = field(default_factory=set)  # the hashes of its files
    added: str | None = None  # the graph of what it added, if add-only


def file_hashes(files: Sequence[Path]) -> list[str]:
    """The content hash of each file (names aside: the same triples under another name)."""
    return [hashlib.sha256(f.read_bytes()).hexdigest()[:16] for f in files]


def part_lines(hashes: Sequence[str]) -> list[str]:
    """The N-Triples lines that list the loaded files on the load mark."""
    return [f'<{LOAD_MARK}> <{PART}> "{h}" .' for h in sorted(set(hashes))]


def last_load(store: RemoteStore) -> LastLoad:
    """The store's last load as its mark tells (nothing known: an empty LastLoad)."""
    found = LastLoad()
    for row in store.select(f"SELECT ?p ?o WHERE {{ <{LOAD_MARK}> ?p ?o }}"):
        predicate, value = str(row["p"]), str(row["o"])
        if predicate == PART:
            found.parts.add(value)
        elif predicate == IDENTIFIER:
            found.content = min(value, found.content or value)
        elif predicate == RELATION:
            found.added = value
    return found


def dropped(before: LastLoad) -> str:
    """The operation that drops the last load's added graph ("" when it has none)."""
    return f"DROP SILENT GRAPH <{before.added}> ;\n" if before.added else ""


def added_request(files: Sequence[tuple[Path, list[ox.Triple]]], hashes: Sequence[str],
                  before: LastLoad, mark: Sequence[str], limit: int,
                  graph: str | None = None, content: str | None = None) -> str | None:
    """The one update of an add-only load (the old mark and added graph out, the new mark and
    the added files' triples in, also into the new added graph when `content`, the new content
    hash, is given), or None when a full load is needed: nothing known of the last load, a file
    of it changed or gone, or more than `limit` bytes to add."""
    if not before.parts or not before.parts <= set(hashes):
        return None
    added = [f"{t.subject} {t.predicate} {t.object} ."
             for (_, triples), digest in zip(files, hashes, strict=True)
             if digest not in before.parts for t in triples]
    body = "\n".join([*mark, *added])
    size = len(body.encode("utf-8"))
    if size > limit:
        return None
    keep = (added_graph(before.content, content) if added and content and before.content
            and content != before.content and "_:" not in body and 2 * size <= limit else None)
    if keep:
        body += f'\n<{LOAD_MARK}> <{RELATION}> <{keep}> .'
    opened, closed = (f"GRAPH <{graph}> {{ ", " }") if graph else ("", "")
    old = f"{opened}<{LOAD_MARK}> ?p ?o{closed}"
    inserted = f"{opened}\n{body}\n{closed}"
    # INSERT … WHERE {} where there are blank nodes: Virtuoso refuses them in INSERT DATA
    insert = (f"INSERT {{ {inserted} }} WHERE {{}}" if "_:" in body
              else f"INSERT DATA {{ {inserted} }}")
    copy = f" ;\nINSERT DATA {{ GRAPH <{keep}> {{\n{body}\n}} }}" if keep else ""
    return f"DELETE {{ {old} }} WHERE {{ {old} }} ;\n{dropped(before)}{insert}{copy}\n"
