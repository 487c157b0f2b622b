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
        labels = [
            lbl
            for lbl in graph.objects(a, SKOS.prefLabel)
            if isinstance(lbl, Literal) and lbl.language == "vi"
        ]
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


ID = "https://w3id.org/thamquyen/id/"


def test_departments_carry_their_specific_type(graph: Graph) -> None:
    """No department is typed with the generic tq:SpecializedAgency; each has its narrower type."""
    tra_vinh = load(TRA_VINH)
    for g in (graph, tra_vinh):
        for a in subjects(g, TQ.Agency):
            assert g.value(a, TQ.agencyType) != TQ.SpecializedAgency, a
    assert graph.value(URIRef(ID + "agency/so-tai-chinh-86-2025"), TQ.agencyType) == TQ.DepartmentOfFinance


def test_new_departments_cite_decree_150(graph: Graph) -> None:
    """From 1/7/2025 Vĩnh Long's departments are organised by NĐ 150/2025/NĐ-CP, not NĐ 45/2025."""
    nd150, nd45 = URIRef(ID + "doc/150-2025-nd-cp"), URIRef(ID + "doc/45-2025-nd-cp/dieu-8")
    for a in subjects(graph, TQ.Agency):
        if str(a).endswith("-86-2025") and graph.value(a, TQ.agencyType) != TQ.BusinessRegistrationOffice:
            sources = set(graph.objects(a, DCTERMS.source))
            assert nd150 in sources and nd45 not in sources, a


def test_ethnic_and_religious_affairs_continues(graph: Graph) -> None:
    """Sở Dân tộc và Tôn giáo of the new Vĩnh Long exists and succeeds Trà Vinh's."""
    new = URIRef(ID + "agency/so-dan-toc-va-ton-giao-86-2025")
    assert graph.value(new, TQ.agencyType) == TQ.DepartmentOfEthnicAndReligiousAffairs
    reorgs = set(graph.subjects(TQ.successor, new))
    assert {graph.value(r, TQ.predecessor) for r in reorgs} == {
        URIRef(ID + "agency/so-dan-toc-va-ton-giao-84")
    }


def test_every_department_has_its_head_post() -> None:
    """Each sở (and Ban Dân tộc) has one Head post with the department's validity."""
    for path in (DATA, TRA_VINH):
        g = load(path)
        for a in subjects(g, TQ.Agency):
            name = str(g.value(a, SKOS.prefLabel))
            if not (name.startswith("Sở ") or name.startswith("Ban ")):
                continue
            posts = [p for p in g.subjects(TQ.postOf, a) if g.value(p, TQ.postType) == TQ.Head]
            assert len(posts) == 1, a
            for prop in (TQ.validFrom, TQ.validUntil):
                assert g.value(posts[0], prop) == g.value(a, prop), (a, prop)
