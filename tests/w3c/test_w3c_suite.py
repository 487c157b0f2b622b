"""The W3C SHACL test suite (core/ and sparql/) on every engine thamquyen offers.

Each `sht:Validate` entry of the manifests is one test per engine: its data and shapes graphs
are read as `thamquyen validate` reads files (so relative IRIs resolve against the file), the
report's `sh:conforms` and the multiset of (focus node, result path, value, source shape,
source constraint component, severity) must equal the expected report, blank-node identity
ignored. An entry expecting `sht:Failure` must stop with a ShapesError naming the forbidden
construct, nothing else. Known failures of the non-default engines are strict xfails
(known_failures.py); the default engine has none.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, XSD
from thamquyen.namespaces import SH
from thamquyen.rdfio import read_turtle, to_rdflib_graph
from thamquyen.validation import ENGINES, ShapesError, validate_triples

from .known_failures import KNOWN_FAILURES

SUITE = Path(__file__).resolve().parent
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")
CONSTRUCTS = {"MINUS", "VALUES", "SERVICE", "AS $this", "sub-SELECT without $this"}
KEYS = (SH.focusNode, SH.resultPath, SH.value, SH.sourceShape, SH.sourceConstraintComponent,
        SH.resultSeverity)


@dataclass(frozen=True)
class Case:
    """One sht:Validate entry: where its graphs are and what it expects."""

    id: str
    data: Path
    shapes: Path
    expected: rdflib.Graph
    result: rdflib.term.Node


def _graph(path: Path) -> rdflib.Graph:
    """The file as thamquyen reads it (literals as written, not normalised by rdflib)."""
    return to_rdflib_graph(read_turtle(path))


def _local(iri: rdflib.term.Node) -> Path:
    return Path(rdflib.URIRef(iri).replace("file://", "", 1))


def collect(manifest: Path) -> list[Case]:
    """Every sht:Validate entry of the manifest and the manifests it includes."""
    graph = _graph(manifest)
    cases = []
    for root in graph.subjects(RDF.type, MF.Manifest):
        for included in graph.objects(root, MF.include):
            cases += collect(_local(included))
        for entries in graph.objects(root, MF.entries):
            for entry in rdflib.collection.Collection(graph, entries):
                if (entry, RDF.type, SHT.Validate) not in graph:
                    continue
                action = graph.value(entry, MF.action)
                cases.append(Case(
                    id=str(manifest.relative_to(SUITE).with_suffix("")),
                    data=_local(graph.value(action, SHT.dataGraph)),
                    shapes=_local(graph.value(action, SHT.shapesGraph)),
                    expected=graph, result=graph.value(entry, MF.result)))
    return cases


CASES = collect(SUITE / "manifest.ttl")


def _term(node: rdflib.term.Node | None) -> rdflib.term.Node | None:
    """Blank nodes all alike; `"a"^^xsd:string` is `"a"` (one term in RDF 1.1)."""
    if isinstance(node, rdflib.BNode):
        return rdflib.BNode("_")
    if isinstance(node, rdflib.Literal) and node.datatype == XSD.string:
        return rdflib.Literal(str(node))
    return node


def result_rows(graph: rdflib.Graph, report: rdflib.term.Node) -> Counter:
    """The multiset of compared fields of a report's results (blank nodes all alike)."""
    return Counter(tuple(_term(graph.value(r, key)) for key in KEYS)
                   for r in graph.objects(report, SH.result))


def _params() -> list:
    params = []
    for engine in ENGINES:
        for case in CASES:
            marks = []
            reason = KNOWN_FAILURES[engine].get(case.id)
            if reason:
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            params.append(pytest.param(engine, case, id=f"{engine}:{case.id}", marks=marks))
    return params


def test_suite_is_complete() -> None:
    """Every test file of core/ and sparql/ is reached through the manifests."""
    assert len(CASES) >= 120
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize(("engine", "case"), _params())
def test_w3c(engine: str, case: Case) -> None:
    """The engine's report equals the expected one (or it fails cleanly where expected)."""
    data = read_turtle(case.data)
    shapes = to_rdflib_graph(read_turtle(case.shapes))
    if case.result == SHT.Failure:
        with pytest.raises(ShapesError) as failure:
            validate_triples(data, shapes, engine=engine)
        assert failure.value.construct in CONSTRUCTS, str(failure.value)
        assert failure.value.construct in failure.value.vi and failure.value.construct in failure.value.en
        return
    report = validate_triples(data, shapes, engine=engine)
    expected = case.expected
    want_conforms = expected.value(case.result, SH.conforms).toPython()
    root = report.graph.value(predicate=RDF.type, object=SH.ValidationReport)
    assert report.conforms is want_conforms
    assert report.graph.value(root, SH.conforms).toPython() is want_conforms
    assert result_rows(report.graph, root) == result_rows(expected, case.result)
