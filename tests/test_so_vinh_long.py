"""Checks on data/so-vinh-long-2025.ttl: Vĩnh Long's departments and the 2025 reorganizations."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "so-vinh-long-2025.ttl"
TRA_VINH = ROOT / "data" / "so-tra-vinh.ttl"
TQ = Namespace("https://w3id.org/thamquyen/ontology#")


def load(path: Path) -> Graph:
    """Parse one Turtle file with rdflib."""
    g = Graph()
    g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def graph() -> Graph:
    """The file under test."""
    return load(DATA)


def subjects(g: Graph, cls: URIRef) -> list[URIRef]:
    """All subjects typed with `cls`."""
    return sorted(s for s in g.subjects(RDF.type, cls) if isinstance(s, URIRef))


def test_agencies_carry_required(graph: Graph) -> None:
    """Every agency has a label@vi, type, level, jurisdiction and validFrom."""
    agencies = subjects(graph, TQ.Agency)
    assert len(agencies) >= 12
    for a in agencies:
        labels = [lbl for lbl in graph.objects(a, SKOS.prefLabel)
                  if isinstance(lbl, Literal) and lbl.language == "vi"]
        assert labels, a
        for p in (TQ.agencyType, TQ.level, TQ.jurisdiction, TQ.validFrom):
            assert graph.value(a, p) is not None, (a, p)


def test_reorganizations_carry_required(graph: Graph) -> None:
    """Every reorganization has predecessor, successor, effectiveDate and legalBasis."""
    reorgs = subjects(graph, TQ.Reorganization)
    assert reorgs
    for r in reorgs:
        for p in (TQ.predecessor, TQ.successor, TQ.effectiveDate, TQ.legalBasis):
            assert graph.value(r, p) is not None, (r, p)


def test_predecessors_exist(graph: Graph) -> None:
    """Every predecessor is declared in so-tra-vinh.ttl or in this file."""
    known = set(subjects(graph, TQ.Agency)) | set(subjects(load(TRA_VINH), TQ.Agency))
    for pred in graph.objects(None, TQ.predecessor):
        assert pred in known, pred


def test_every_node_has_source_and_nfc(graph: Graph) -> None:
    """Every typed node has dcterms:source; every literal is NFC."""
    for s in set(graph.subjects(RDF.type, None)):
        assert graph.value(s, DCTERMS.source) is not None, s
    for o in graph.objects():
        if isinstance(o, Literal):
            assert unicodedata.is_normalized("NFC", str(o)), o
