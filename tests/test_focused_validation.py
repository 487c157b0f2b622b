"""No silent pass: the focused check of a change (thamquyen.incremental, what POST
/api/validate runs) reports for the nodes the change touches exactly what a full validation of
base ∪ change reports for them — in any namespace.

A property test over random small changes (fixed seed, ≥ 200 cases): a rule fixture (valid or
broken delegations, conferrals, new units, documents…), maybe with one triple dropped, maybe
moved with the base to another namespace (a province's own IRIs, or the project's `id:`).
"""

from __future__ import annotations

import functools
import random
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from thamquyen import incremental, validationcache
from thamquyen.progress import Phases
from thamquyen.rdfio import parse_turtle_text, read_all
from thamquyen.validation import Result, knowledge_paths, load_shapes, validate_triples

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "shapes"
CHANGES = sorted(p for p in FIXTURES.glob("*/*.ttl"))
FIXTURE_NS = "https://example.org/tq-test/"
NAMESPACES = (FIXTURE_NS, "https://data.example.gov.vn/so-noi-vu/", "https://w3id.org/thamquyen/id/test/")
SEED, CASES = 20261204, 200


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    """The shipped shapes, parsed once."""
    return load_shapes()


def renamed(path: Path, namespace: str) -> list[ox.Triple]:
    """A fixture file with its example namespace replaced."""
    text = path.read_text(encoding="utf-8").replace(FIXTURE_NS, namespace)
    return parse_turtle_text(text, path.name)


@functools.lru_cache(maxsize=len(NAMESPACES))
def base(namespace: str) -> tuple[tuple[ox.Triple, ...], ox.Store]:
    """ontology/ + base.ttl in the namespace, as triples and as a store."""
    triples = (*read_all(knowledge_paths(False)), *renamed(FIXTURES / "base.ttl", namespace))
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return triples, store


def case(number: int) -> tuple[Path, str, int | None]:
    """The change of case `number`: a fixture, a namespace, maybe a triple to drop."""
    rng = random.Random(SEED + number)
    change = rng.choice(CHANGES)
    drop = rng.randrange(10_000) if rng.random() < 0.5 else None
    return change, rng.choice(NAMESPACES), drop


def rows(results: list) -> list[tuple]:
    """Results as comparable rows (blank-node ids differ per run)."""
    return sorted(tuple("_:" if (v or "").startswith("_:") else v or "" for v in
                        (r.severity, r.focus, r.path, r.value, r.shape)) for r in results)


_BASE_RESULTS: dict[str, list[Result]] = {}


def base_results(namespace: str, shapes: rdflib.Graph) -> list[Result]:
    """The full report of ontology/ + base.ttl in the namespace (once per namespace)."""
    if namespace not in _BASE_RESULTS:
        _BASE_RESULTS[namespace] = validate_triples(base(namespace)[0], shapes).results
    return _BASE_RESULTS[namespace]


@pytest.fixture(scope="module")
def homes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Per namespace, a knowledge folder (THAMQUYEN_HOME) whose data/ is base.ttl there."""
    found = {}
    for number, namespace in enumerate(NAMESPACES):
        home = tmp_path_factory.mktemp(f"home{number}")
        for folder in ("ontology", "shapes"):
            (home / folder).symlink_to(ROOT / folder, target_is_directory=True)
        (home / "data").mkdir()
        text = (FIXTURES / "base.ttl").read_text(encoding="utf-8")
        (home / "data" / "base.ttl").write_text(text.replace(FIXTURE_NS, namespace),
                                                encoding="utf-8")
        found[namespace] = home
    return found


def cached_check(home: Path, change_file: Path, shapes: rdflib.Graph,
                 monkeypatch: pytest.MonkeyPatch) -> list[Result]:
    """`thamquyen validate FILE`'s results: the stored report of home's data, the change
    validated on its own (validationcache), the working folder shared by the cases."""
    monkeypatch.setenv("THAMQUYEN_HOME", str(home))
    monkeypatch.setenv("THAMQUYEN_WORKDIR", str(home / ".work"))
    return validationcache.validate_with_cache([change_file], shapes, Phases.silent()).results


@pytest.mark.parametrize("number", range(CASES))
def test_focused_equals_full_on_touched_nodes(number: int, shapes: rdflib.Graph,
                                              homes: dict[str, Path], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """For the touched nodes, the focused report equals the full report restricted to them;
    so does the cached path of `thamquyen validate FILE`, and for the other nodes it keeps
    the full report of the data without the change."""
    path, namespace, drop = case(number)
    change = renamed(path, namespace)
    if drop is not None and change:
        change.pop(drop % len(change))
    triples, store = base(namespace)
    focused = incremental.validate_change(change, store, shapes)
    touched = {t.value for t in incremental.touched_nodes(change, incremental.Union(store, change))
               if isinstance(t, ox.NamedNode)}
    full = validate_triples([*triples, *change], shapes)
    expected = [r for r in full.results if r.focus in touched]
    where = (path.relative_to(FIXTURES), namespace, drop)
    assert rows(focused.results) == rows(expected), where

    change_file = tmp_path / "change.ttl"
    change_file.write_text("".join(f"{t} .\n" for t in change), encoding="utf-8")
    cached = cached_check(homes[namespace], change_file, shapes, monkeypatch)
    assert rows([r for r in cached if r.focus in touched]) == rows(expected), where
    before = base_results(namespace, shapes)
    assert rows([r for r in cached if r.focus not in touched]) == \
        rows([r for r in before if r.focus not in touched]), where


def test_cases_cover_every_fixture_and_namespace() -> None:
    """The seed reaches every fixture and every namespace."""
    drawn = [case(n) for n in range(CASES)]
    assert {c[1] for c in drawn} == set(NAMESPACES)
    assert len({c[0] for c in drawn}) >= len(CHANGES) * 3 // 4
