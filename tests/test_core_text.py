"""The core engine's N-Triples (validation.nt_ascii, read_core_text): ASCII where it can be,
the same triples either way."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from thamquyen import validation

VIET = ox.Triple(ox.NamedNode("https://w3id.org/thamquyen/id/ủy-ban"),
                 ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
                 ox.Literal("Ủy ban nhân dân tỉnh Vĩnh Long — 😀", language="vi"))
BLANK = ox.Triple(ox.BlankNode("nút"), ox.NamedNode("urn:x:p"), ox.Literal("ệ"))


def read_back(data: bytes) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


def test_vietnamese_iris_and_literals_are_escaped_to_ascii() -> None:
    data = validation.nt_ascii([VIET])
    assert data.isascii() and b"\\u1EE6y" in data and b"\\U0001F600" in data
    assert read_back(data) == [VIET]


def test_a_blank_node_label_beyond_ascii_keeps_the_text_utf8() -> None:
    data = validation.nt_ascii([VIET, BLANK])
    assert not data.isascii()
    assert read_back(data) == [VIET, BLANK]


def test_read_core_text_prunes_counts_and_fills_the_store(tmp_path: Path) -> None:
    file = tmp_path / "a.ttl"
    file.write_text('<urn:x:a> <urn:x:kept> "Hà Nội" ; <urn:x:dropped> "x" .\n', encoding="utf-8")
    store = ox.Store()
    text, count = validation.read_core_text([file], frozenset({"urn:x:kept"}), store)
    assert count == 2 and len(store) == 2
    assert text.isascii() and text == '<urn:x:a> <urn:x:kept> "H\\u00E0 N\\u1ED9i" .\n'
