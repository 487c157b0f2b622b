"""An add-only `thamquyen load`: when every file of the store's last load is still loaded,
unchanged, and files were only added, the store needs only the new files' triples.

That is one small request (the new triples and the new load mark, one transaction) instead of
rewriting the whole graph through a staging graph and a MOVE: at ~3M triples the MOVE is most
of a load, and it leaves an Oxigraph server's store slow to export until RocksDB compacts it,
which is what every replica's index read after the load then waits for. The load mark lists
the content hash of each file it loaded (`dcterms:hasPart`); a file changed or removed, a
mark without that list, or `--full` means a full load as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from .remote import LOAD_MARK
from .store import RemoteStore

PART = "http://purl.org/dc/terms/hasPart"


def file_hashes(files: Sequence[Path]) -> list[str]:
    """The content hash of each file (names aside: the same triples under another name)."""
    return [hashlib.sha256(f.read_bytes()).hexdigest()[:16] for f in files]


def part_lines(hashes: Sequence[str]) -> list[str]:
    """The N-Triples lines that list the loaded files on the load mark."""
    return [f'<{LOAD_MARK}> <{PART}> "{h}" .' for h in sorted(set(hashes))]


def loaded_parts(store: RemoteStore) -> set[str]:
    """The file hashes of the store's last load (empty: none known)."""
    rows = store.select(f"SELECT ?part WHERE {{ <{LOAD_MARK}> <{PART}> ?part }}")
    return {str(row["part"]) for row in rows}


def added_request(files: Sequence[tuple[Path, list[ox.Triple]]], hashes: Sequence[str],
                  before: set[str], mark: Sequence[str], limit: int,
                  graph: str | None = None) -> str | None:
    """The one update of an add-only load (the old mark out, the new mark and the added files'
    triples in), or None when a full load is needed: nothing known of the last load, a file of
    it changed or gone, or more than `limit` bytes to add."""
    if not before or not before <= set(hashes):
        return None
    lines = [*mark]
    for (_, triples), digest in zip(files, hashes, strict=True):
        if digest not in before:
            lines.extend(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    body = "\n".join(lines)
    if len(body.encode("utf-8")) > limit:
        return None
    opened, closed = (f"GRAPH <{graph}> {{ ", " }") if graph else ("", "")
    old = f"{opened}<{LOAD_MARK}> ?p ?o{closed}"
    inserted = f"{opened}\n{body}\n{closed}"
    # INSERT … WHERE {} where there are blank nodes: Virtuoso refuses them in INSERT DATA
    insert = (f"INSERT {{ {inserted} }} WHERE {{}}" if "_:" in body
              else f"INSERT DATA {{ {inserted} }}")
    return f"DELETE {{ {old} }} WHERE {{ {old} }} ;\n{insert}\n"
