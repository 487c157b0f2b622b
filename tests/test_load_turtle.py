"""rdfio.load_turtle: a Turtle file straight into a store, as read_turtle reads it."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pyoxigraph as ox
import pytest
from thamquyen.rdfio import InputError, load_turtle, read_turtle, read_turtle_namespaces

DECOMPOSED = unicodedata.normalize("NFD", "Ủy ban nhân dân")


def _store_of(path: Path) -> set[ox.Quad]:
    store = ox.Store()
    load_turtle(store, path)
    return set(store)


def _as_quads(triples: list[ox.Triple]) -> set[ox.Quad]:
    return {ox.Quad(t.subject, t.predicate, t.object) for t in triples}


def test_the_store_holds_what_read_turtle_reads(tmp_path: Path) -> None:
    """NFC text, relative IRIs against the file's IRI, blank-node labels as written."""
    path = tmp_path / "a.ttl"
    path.write_text(f'@prefix ex: <http://example.org/> .\n<a> ex:label "{DECOMPOSED}"@vi ;\n'
                    '    ex:by _:b1 .\n_:b1 ex:q 1 .\n', encoding="utf-8")
    quads = _store_of(path)
    assert quads == _as_quads(read_turtle(path))
    assert ox.Literal(unicodedata.normalize("NFC", DECOMPOSED), language="vi") in \
        {q.object for q in quads}
    assert ox.BlankNode("b1") in {q.subject for q in quads}
    assert ox.NamedNode(path.resolve().as_uri().rsplit("/", 1)[0] + "/a") in \
        {q.subject for q in quads}


def test_a_file_only_the_lenient_parser_reads_is_loaded(tmp_path: Path) -> None:
    """Four quotes closing a long string: Oxigraph refuses it, rdflib reads `x"`."""
    path = tmp_path / "quotes.ttl"
    path.write_text('@prefix ex: <http://example.org/> .\nex:a ex:p """x"""" .\n',
                    encoding="utf-8")
    assert _store_of(path) == {ox.Quad(ox.NamedNode("http://example.org/a"),
                                       ox.NamedNode("http://example.org/p"), ox.Literal('x"'))}


def test_a_syntax_error_names_the_line_and_adds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\nex:a ex:p ex:b .\n"
                    "ex:c ex:p ex:d\nex:e ex:p ex:f .\n", encoding="utf-8")
    store = ox.Store()
    with pytest.raises(InputError) as caught:
        load_turtle(store, path)
    assert caught.value.line in (3, 4) and "bad.ttl" in str(caught.value.file)
    assert len(store) == 0


def test_an_iri_only_rdflib_reads_is_an_input_error_not_a_crash(tmp_path: Path) -> None:
    """rdflib reads `<…a|b>`, but it is no IRI: the error names the file and line."""
    path = tmp_path / "pipe.ttl"
    path.write_text("<http://example.org/a> <http://example.org/p> 1 .\n"
                    "<http://example.org/a|b> <http://example.org/p> 1 .\n", encoding="utf-8")
    for read in (read_turtle, _store_of):
        with pytest.raises(InputError) as caught:
            read(path)
        assert caught.value.line == 2


def test_keep_loads_only_those_predicates_on_both_parses(tmp_path: Path) -> None:
    """`keep` prunes what Oxigraph parses and what only the lenient parse reads alike."""
    strict = tmp_path / "strict.ttl"
    strict.write_text('<urn:x:a> <urn:x:kept> 1 ; <urn:x:dropped> 2 .\n', encoding="utf-8")
    lenient = tmp_path / "lenient.ttl"
    lenient.write_text('<urn:x:b> <urn:x:kept> """x"""" ; <urn:x:dropped> 3 .\n',
                       encoding="utf-8")
    for path in (strict, lenient):
        store = ox.Store()
        load_turtle(store, path, frozenset({"urn:x:kept"}))
        assert {q.predicate.value for q in store} == {"urn:x:kept"}, path.name


def test_read_turtle_namespaces_gives_the_prefixes_and_the_base(tmp_path: Path) -> None:
    path = tmp_path / "a.ttl"
    path.write_text('@base <https://example.org/id/> .\n@prefix base: <urn:taken:> .\n'
                    '@prefix ex: <http://example.org/> .\n<a> ex:p base:x .\n',
                    encoding="utf-8")
    triples, namespaces = read_turtle_namespaces(path)
    assert triples == read_turtle(path)
    assert namespaces == {"ex": "http://example.org/", "base": "urn:taken:",
                          "base_": "https://example.org/id/"}
    plain = tmp_path / "plain.ttl"
    plain.write_text("<urn:x:a> <urn:x:p> 1 .\n", encoding="utf-8")
    assert read_turtle_namespaces(plain)[1] == {}  # the file's own IRI is no namespace
