"""The embedded store's triple count (for /health and the start-up) is written by the build
into READY and read from there: counting a read-only store at national size takes seconds."""

from __future__ import annotations

import json

import pyoxigraph as ox
from thamquyen.store import EmbeddedStore, build_store

TURTLE = """@prefix ex: <https://example.org/> .
ex:a ex:p ex:b , ex:c .
ex:b ex:p "một"@vi .
"""


def _built(tmp_path) -> EmbeddedStore:
    source = tmp_path / "small.ttl"
    source.write_text(TURTLE, encoding="utf-8")
    target = tmp_path / "store" / "fp"
    target.parent.mkdir()
    build_store([source], target)
    return EmbeddedStore(ox.Store.read_only(str(target / "oxigraph")), "fp", target)


def test_the_build_writes_the_count_and_the_store_reads_it(tmp_path):
    store = _built(tmp_path)
    assert json.loads((store.location / "READY").read_text())["triples"] == 3
    (store.location / "READY").write_text(json.dumps({"files": [], "triples": 7}))
    assert store.triple_count() == 7  # read, not counted


def test_a_store_built_before_the_count_was_written_is_counted(tmp_path):
    store = _built(tmp_path)
    (store.location / "READY").write_text(json.dumps({"files": ["small.ttl"]}))
    assert store.triple_count() == 3
