"""`thamquyen validate [FILE…]` without validating the shipped data again each time.

The full report of ontology/ + data/ is kept in the working folder (`validation/`, next to the
store), named by a fingerprint of everything it depends on: the Turtle files, the shapes files,
the engine and the code that validates. A report that is missing, unreadable or of another
fingerprint is rebuilt, never trusted. With extra files, only the change is validated
(thamquyen.incremental: the nodes the files touch, on the stored data ∪ the files) and its
results replace the stored ones of those nodes; tests/test_focused_validation.py proves the
change's results equal the full report's for the touched nodes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

import rdflib

from . import incremental, paths, querypredicates, rdfio, sparqlconstraints, validation
from .progress import Phases
from .rdfio import read_all, turtle_files
from .store import EmbeddedStore, knowledge_sources
from .validation import Report, Result

VERSION = b"thamquyen-validation-cache-v1"
CODE = (validation, sparqlconstraints, querypredicates, incremental, rdfio)
# Past this many new triples the focused check reads most of the graph anyway and runs the
# SPARQL constraints once per node: validating everything again is faster (the same limit as
# POST /api/validate's default).
MAX_CHANGE = 50_000


def fingerprint(files: Sequence[Path], shape_files: Sequence[Path], engine: str) -> str:
    """A hash of what the shipped report depends on (file names and contents, engine, code)."""
    digest = hashlib.sha256(VERSION)
    digest.update(f"{engine} pyshacl-turbo {version('pyshacl-turbo')} "
                  f"pyoxigraph {version('pyoxigraph')}".encode())
    for module in CODE:
        digest.update(Path(module.__file__).read_bytes())
    for f in [*files, *shape_files]:
        digest.update(b"\0" + f.name.encode() + b"\0")
        digest.update(f.read_bytes())
    return digest.hexdigest()[:24]


def cache_dir(workdir: Path | None = None) -> Path:
    """`workdir/validation` (the store's working folder)."""
    return (workdir or paths.work_dir()) / "validation"


def load(path: Path) -> list[Result] | None:
    """The stored results, or None when the file is missing or not a report of ours."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored.get("version") != VERSION.decode():
            return None
        return [Result(**row) for row in stored["results"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save(path: Path, results: Sequence[Result]) -> None:
    """Write the results atomically (a half-written file is never read: rename into place);
    an unwritable working folder only costs the next run its speed."""
    body = json.dumps({"version": VERSION.decode(), "results": [r.as_json() for r in results]},
                      ensure_ascii=False)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(body, encoding="utf-8")
        tmp.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def shipped_results(shapes: rdflib.Graph, phases: Phases, *, engine: str = "turbo",
                    shape_files: Sequence[Path] = (), workdir: Path | None = None
                    ) -> list[Result]:
    """The full report of ontology/ + data/: stored, or validated now and stored."""
    shape_files = shape_files or turtle_files([paths.shapes_dir()])
    path = cache_dir(workdir) / f"{fingerprint(knowledge_sources(), shape_files, engine)}.json"
    results = load(path)
    if results is None:
        results = validation.validate_files(engine=engine, shapes=shapes, phases=phases).results
        save(path, results)
        _remove_others(path)
    else:
        phases.phase("Dùng báo cáo đã lưu của dữ liệu có sẵn…",
                     "Using the stored report of the shipped data…")
    return results


def _remove_others(keep: Path) -> None:
    for old in keep.parent.glob("*.json"):
        if old != keep:
            with contextlib.suppress(OSError):
                old.unlink()


def validate_with_cache(extra: Sequence[Path], shapes: rdflib.Graph, phases: Phases, *,
                        workdir: Path | None = None) -> Report:
    """The report of ontology/ + data/ + extra: the stored shipped report, with the results
    of the nodes the extra files touch replaced by a focused validation of the change."""
    if extra:
        new = read_all(extra)
        if len(new) > MAX_CHANGE:
            return validation.validate_files(extra, shapes=shapes, phases=phases)
    results = shipped_results(shapes, phases, workdir=workdir)
    if not extra:
        return Report(results=results, graph=rdflib.Graph())
    phases.phase("Kiểm tra phần thay đổi…", "Validating the change…")
    store = EmbeddedStore.open(workdir=workdir)
    try:
        changed, touched = incremental.check_change(new, store.store, shapes)
    finally:
        store.close()
    kept = [r for r in results if r.focus not in touched]
    merged = kept + [r for r in changed.results if r.focus in touched]
    return Report(results=sorted(set(merged), key=validation.sort_key), graph=rdflib.Graph())
