"""THAMQUYEN_PROFILE_SHAPES: the slowest SPARQL constraints, printed on stderr."""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from thamquyen import sparqlconstraints

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:NoLabel a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:sparql [ sh:select \"\"\"
SELECT $this WHERE { $this a <http://example.org/Thing> .
  FILTER NOT EXISTS { $this <http://www.w3.org/2000/01/rdf-schema#label> ?l } }\"\"\" ] .
"""


def _run(monkeypatch, value: str | None) -> list:
    if value is None:
        monkeypatch.delenv(sparqlconstraints.PROFILE_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(sparqlconstraints.PROFILE_VARIABLE, value)
    shapes = rdflib.Graph().parse(data=SHAPES, format="turtle")
    constraints, _ = sparqlconstraints.split(shapes)
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode(str(rdflib.RDF.type)),
                      ox.NamedNode("http://example.org/Thing")))
    return sparqlconstraints.run(store, constraints, shapes)


def test_profile_lists_each_constraint_with_its_time(monkeypatch, capsys):
    findings = _run(monkeypatch, "5")
    err = capsys.readouterr().err
    assert len(findings) == 1
    assert "SPARQL constraints: 1," in err
    assert "1 results  http://example.org/NoLabel" in err


def test_no_profile_by_default(monkeypatch, capsys):
    assert len(_run(monkeypatch, None)) == 1
    assert capsys.readouterr().err == ""


def test_a_bad_count_still_profiles(monkeypatch, capsys):
    _run(monkeypatch, "many")
    assert "http://example.org/NoLabel" in capsys.readouterr().err
