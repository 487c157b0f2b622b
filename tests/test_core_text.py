"""The core engine's text (validation.core_text, nt_ascii, read_core_text): Turtle with the
files' prefixes, ASCII where it can be, the same triples either way; and the shapes' strings
as the engine must compare them with that text's (validation.plain_strings)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from thamquyen import validation

VIET = ox.Triple(ox.NamedNode("https://w3id.org/thamquyen/id/ủy-ban"),
                 ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
                 ox.Literal("Ủy ban nhân dân tỉnh Vĩnh Long — 😀", language="vi"))
BLANK = ox.Triple(ox.BlankNode("nút"), ox.NamedNode("urn:x:p"), ox.Literal("ệ"))


def read_back(data: bytes, turtle: bool = False) -> list[ox.Triple]:
    rdf_format = ox.RdfFormat.TURTLE if turtle else ox.RdfFormat.N_TRIPLES
    return [q.triple for q in ox.parse(data, format=rdf_format)]


TQ = "https://w3id.org/thamquyen/ontology#"
ID = "https://w3id.org/thamquyen/id/"
PLAIN = ox.Triple(ox.NamedNode(ID + "agency/ubnd-tinh"), ox.NamedNode(TQ + "label"),
                  ox.Literal("Ủy ban nhân dân tỉnh — 😀", language="vi"))
TYPED = ox.Triple(ox.NamedNode(ID + "agency/ubnd-tinh"), ox.NamedNode(TQ + "validFrom"),
                  ox.Literal("2025-07-01", datatype=ox.NamedNode(
                      "http://www.w3.org/2001/XMLSchema#date")))
NAMESPACES = {"tq": TQ, "base": ID}


def test_core_text_is_ascii_turtle_with_the_prefixes() -> None:
    data = validation.core_text([PLAIN, TYPED], NAMESPACES)
    assert data.isascii() and b"tq:validFrom" in data and b"base:agency\\/ubnd-tinh" in data
    assert b"\\u1EE6y" in data and b"\\U0001F600" in data
    assert read_back(data, turtle=True) == [PLAIN, TYPED]
    assert len(data) < len(validation.nt_ascii([PLAIN, TYPED]))


def test_a_prefixed_name_beyond_ascii_falls_back_to_n_triples() -> None:
    """An escape cannot stand in a prefixed name: those triples go as N-Triples, still ASCII
    (a Turtle document may hold N-Triples)."""
    data = validation.core_text([VIET, PLAIN], NAMESPACES)
    assert data.isascii() and b"tq:" not in data
    assert read_back(data, turtle=True) == [VIET, PLAIN]


def test_a_blank_node_label_beyond_ascii_keeps_the_core_text_utf8() -> None:
    data = validation.core_text([BLANK, PLAIN], NAMESPACES)
    assert not data.isascii()
    assert read_back(data, turtle=True) == [BLANK, PLAIN]


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


def test_read_core_text_uses_each_files_prefixes_and_keeps_the_store_whole(tmp_path: Path) -> None:
    first, second = tmp_path / "a.ttl", tmp_path / "b.ttl"
    first.write_text('@base <https://example.org/id/> .\n@prefix ex: <http://example.org/> .\n'
                     '<a> ex:kept "x" ; ex:dropped 1 .\n', encoding="utf-8")
    second.write_text('@prefix ex: <http://example.net/> .\nex:b ex:kept "y" .\n',
                      encoding="utf-8")
    store = ox.Store()
    kept = frozenset({"http://example.org/kept", "http://example.net/kept"})
    text, count = validation.read_core_text([first, second], kept, store, None)
    assert count == 3 and len(store) == 3
    assert "ex:kept" in text and "<http" not in text.split("@prefix")[-1].split("\n", 1)[1]
    assert set(read_back(text.encode(), turtle=True)) == {
        ox.Triple(ox.NamedNode("https://example.org/id/a"),
                  ox.NamedNode("http://example.org/kept"), ox.Literal("x")),
        ox.Triple(ox.NamedNode("http://example.net/b"),
                  ox.NamedNode("http://example.net/kept"), ox.Literal("y"))}


SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<urn:x:S> a sh:NodeShape ; sh:targetSubjectsOf <urn:x:gender> ;
    sh:property [ sh:path <urn:x:gender> ; sh:hasValue "male"^^xsd:string ] ;
    sh:property [ sh:path <urn:x:gender> ; sh:in ( "male" "female"^^xsd:string ) ] .
"""


@pytest.mark.parametrize("written", ['"male"', '"male"^^<http://www.w3.org/2001/XMLSchema#string>'])
def test_strings_match_however_data_and_shapes_write_them(written: str, tmp_path: Path) -> None:
    """"male" and "male"^^xsd:string are one RDF term: no hasValue or in result, by the files
    path (core_text) and the triples path (core_input) alike."""
    shapes = rdflib.Graph().parse(data=SHAPES, format="turtle")
    data = tmp_path / "d.ttl"
    data.write_text(f"<urn:x:a> <urn:x:gender> {written} .\n", encoding="utf-8")
    assert validation.validate_files([data], include_data=False, shapes=shapes).results == []
    triples = validation.read_all([data])
    assert validation.validate_triples(triples, shapes).results == []
    wrong = tmp_path / "w.ttl"
    wrong.write_text('<urn:x:a> <urn:x:gender> "other" .\n', encoding="utf-8")
    report = validation.validate_files([wrong], include_data=False, shapes=shapes)
    assert len(report.results) == 2
