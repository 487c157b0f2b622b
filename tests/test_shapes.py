"""SHACL shapes (shapes/structure.ttl, shapes/rules.ttl): fixtures per rule and shape metadata.

Every rule R<n> has tests/fixtures/shapes/R<n>/ok.ttl (no Violation at all, and nothing from the
rule's own shape) and bad.ttl (a result of the rule's own shape on each expected focus node, and
no Violation from any other shape). Each fixture is validated with tests/fixtures/shapes/base.ttl
and ontology/ only (include_data=False), through thamquyen.validation.validate_files.

The engine is the validation module's default (pyshacl-turbo); run the same suite on pySHACL
with THAMQUYEN_SHACL_ENGINE=pyshacl (slower, about a minute).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from thamquyen.rdfio import read_all
from thamquyen.validation import Report, load_shapes, validate_files

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "shapes"
BASE = FIXTURES / "base.ttl"

SH = Namespace("http://www.w3.org/ns/shacl#")
TQ = Namespace("https://w3id.org/thamquyen/ontology#")
TQS = Namespace("https://w3id.org/thamquyen/shapes#")
EX = Namespace("https://example.org/tq-test/")

# rule -> (severity of its results, focus nodes bad.ttl must produce)
BAD_EXPECTED: dict[str, tuple[str, set[str]]] = {
    "R1": ("Violation", {"d-bad-type", "d-bad-issuer"}),
    "R1b": ("Warning", {"a-bad"}),
    "R2": ("Violation", {"a-open"}),
    "R3": ("Violation", {"a-onward", "a-q-onward"}),
    "R4": ("Violation", {"d-n"}),
    "R5": ("Violation", {"d-z", "d-y"}),
    "R6": ("Violation", {"d-same", "a-up", "a-self"}),
    "R7": ("Violation", {"d-future", "d-role-b"}),
    "R8": ("Violation", {"power-p", "tthc-bad"}),
    "R9": ("Warning", {"d-no-resources"}),
    "R10": ("Warning", {"a-no-oversight"}),
    "R11": ("Violation", {"so-nguoc", "vb-ngay-sai", "vb-chuoi"}),
    "R12": ("Violation", {"task-two-leads", "task-no-lead"}),
    "R13": ("Warning", {"qd-ban-hanh-som", "qd-ban-hanh-2"}),
    "R14": ("Violation", {"conf-open", "d-late"}),
    "R15": ("Violation", {"vb-khoang-trang", "vb-chu-thuong", "huyen-ma-sai", "tthc-ma-sai"}),
    "R16": ("Violation", {"a-ghost-delegator"}),
    "R17": ("Warning", {"conf-ghost"}),
}
RULES_REQUIRED = [f"R{n}" for n in range(1, 16)] + ["R3b"]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    """The shipped shapes graph, parsed once."""
    return load_shapes([ROOT / "shapes"])


def validate(files: Iterable[Path], shapes: Graph) -> Report:
    """Validate ontology + base + the given fixture files (never data/)."""
    return validate_files([BASE, *files], include_data=False, shapes=shapes)


def rule_of(shapes: Graph, shape: str | None) -> str | None:
    """The rule (local name R<n>) a result shape belongs to: itself, its parent or isPartOf."""
    node = URIRef(shape) if shape else None
    seen: set[URIRef] = set()
    while node is not None and node not in seen:
        seen.add(node)
        name = str(node).removeprefix(str(TQS))
        if name in BAD_EXPECTED or name in RULES_REQUIRED:
            return name
        node = shapes.value(predicate=SH.property, object=node) or \
            shapes.value(node, DCTERMS.isPartOf)
    return None


def local(iri: str | None) -> str:
    """The local name of a fixture IRI."""
    return (iri or "").removeprefix(str(EX))


def describe(report: Report) -> str:
    """A readable dump of a report, for assertion messages."""
    return "\n".join(f"{r.severity} {local(r.focus)} {r.shape} {r.message['en']}"
                     for r in report.results)


# --------------------------------------------------------------------------- base and data


def test_base_conforms_without_any_result(shapes: Graph) -> None:
    report = validate([], shapes)
    assert report.results == [], describe(report)


def test_legal_documents_in_data_conform(shapes: Graph) -> None:
    """The legal-document files of data/ validate on their own (ontology + those files)."""
    files = [ROOT / "data" / name for name in (
        "luat-77-2015-qh13.ttl", "luat-47-2019-qh14.ttl", "nq-04-2022-cp.ttl",
        "luat-72-2025-qh15.ttl", "nd-30-2020-nd-cp.ttl")]
    report = validate_files(files, include_data=False, shapes=shapes)
    assert report.count("Violation") == 0, describe(report)


# --------------------------------------------------------------------------- rules


@pytest.mark.parametrize("rule", sorted(BAD_EXPECTED))
def test_rule_ok_fixture(rule: str, shapes: Graph) -> None:
    report = validate([FIXTURES / rule / "ok.ttl"], shapes)
    assert report.count("Violation") == 0, describe(report)
    own = [r for r in report.results if rule_of(shapes, r.shape) == rule]
    assert own == [], describe(report)


@pytest.mark.parametrize("rule", sorted(BAD_EXPECTED))
def test_rule_bad_fixture(rule: str, shapes: Graph) -> None:
    severity, foci = BAD_EXPECTED[rule]
    report = validate([FIXTURES / rule / "bad.ttl"], shapes)
    own = [r for r in report.results if rule_of(shapes, r.shape) == rule]
    assert {local(r.focus) for r in own} >= foci, describe(report)
    assert all(r.severity == severity for r in own), describe(report)
    assert all(r.message["vi"] and r.message["en"] for r in own), describe(report)
    others = [r for r in report.results
              if r.severity == "Violation" and rule_of(shapes, r.shape) != rule]
    assert others == [], describe(report)


def test_every_rule_has_fixtures() -> None:
    for rule in [*RULES_REQUIRED, *BAD_EXPECTED]:
        assert (FIXTURES / rule / "ok.ttl").is_file(), rule
        assert (FIXTURES / rule / "bad.ttl").is_file(), rule


# --------------------------------------------------------------------------- R3b, the switch


def test_r3b_switch_exists_and_is_off(shapes: Graph) -> None:
    assert shapes.value(TQS.R3b, SH.deactivated) == Literal(True)
    langs = {c.language for c in shapes.objects(TQS.R3b, RDFS.comment)}
    assert {"vi", "en"} <= langs


def test_r3b_is_silent_when_off(shapes: Graph) -> None:
    report = validate([FIXTURES / "R3b" / "bad.ttl"], shapes)
    assert report.count("Violation") == 0, describe(report)
    assert not [r for r in report.results if rule_of(shapes, r.shape) == "R3b"]


def test_r3b_when_switched_on(shapes: Graph) -> None:
    strict = Graph()
    for triple in shapes:
        strict.add(triple)
    strict.set((TQS.R3b, SH.deactivated, Literal(False)))
    bad = validate([FIXTURES / "R3b" / "bad.ttl"], strict)
    own = [r for r in bad.results if rule_of(strict, r.shape) == "R3b"]
    assert {local(r.focus) for r in own} == {"a-unmarked-onward"}, describe(bad)
    assert [r for r in bad.results if r.severity == "Violation" and r not in own] == []
    ok = validate([FIXTURES / "R3b" / "ok.ttl"], strict)
    assert ok.count("Violation") == 0, describe(ok)


# --------------------------------------------------------------------------- shape metadata


def named_shapes(shapes: Graph) -> list[URIRef]:
    """Every IRI-named node or property shape of the project."""
    found = {s for cls in (SH.NodeShape, SH.PropertyShape)
             for s in shapes.subjects(RDF.type, cls)
             if isinstance(s, URIRef) and str(s).startswith(str(TQS))}
    return sorted(found)


def data_subjects() -> set[URIRef]:
    """Every IRI described in data/ (the generated data/units/ aside: no shape cites a unit)."""
    files = [f for f in sorted((ROOT / "data").rglob("*.ttl"))
             if "units" not in f.relative_to(ROOT / "data").parts[:-1]]
    return {URIRef(t.subject.value) for t in read_all(files)
            if isinstance(t.subject, ox.NamedNode)}


def test_rule_shapes_exist(shapes: Graph) -> None:
    names = {str(s).removeprefix(str(TQS)) for s in named_shapes(shapes)}
    assert set(RULES_REQUIRED) <= names


def test_every_shape_has_messages_severity_label_and_source(shapes: Graph) -> None:
    subjects = data_subjects()
    problems = []
    for shape in named_shapes(shapes):
        msgs = {m.language for m in shapes.objects(shape, SH.message)}
        labels = {m.language for m in shapes.objects(shape, RDFS.label)}
        sources = list(shapes.objects(shape, DCTERMS.source))
        if not {"vi", "en"} <= msgs:
            problems.append(f"{shape}: sh:message @vi and @en")
        if shapes.value(shape, SH.severity) is None:
            problems.append(f"{shape}: sh:severity")
        if not {"vi", "en"} <= labels:
            problems.append(f"{shape}: rdfs:label @vi and @en")
        if not sources or any(s not in subjects for s in sources):
            problems.append(f"{shape}: dcterms:source {sources} not in data/")
    assert problems == []


def test_every_sparql_constraint_has_messages(shapes: Graph) -> None:
    for constraint in shapes.objects(None, SH.sparql):
        langs = {m.language for m in shapes.objects(constraint, SH.message)}
        assert {"vi", "en"} <= langs, constraint
        assert shapes.value(constraint, SH.prefixes) == TQS.prefixes


# --------------------------------------------------------------------------- structure

# (node, property) pairs of the "must carry" list; removing one must give a Violation on the node
STRUCTURE_CASES: list[tuple[str, URIRef]] = [
    ("huyen-a1", SKOS.prefLabel), ("huyen-a1", TQ.level), ("huyen-a1", TQ.unitCode),
    ("huyen-a1", TQ.partOf),
    ("ubnd-huyen-a1", SKOS.prefLabel), ("ubnd-huyen-a1", TQ.agencyType),
    ("ubnd-huyen-a1", TQ.level), ("ubnd-huyen-a1", TQ.jurisdiction),
    ("chu-tich-tinh-a", SKOS.prefLabel), ("chu-tich-tinh-a", TQ.postOf),
    ("role-ubnd-cap-xa", TQ.agencyType), ("role-ubnd-cap-xa", TQ.level),
    ("luat-x", SKOS.prefLabel), ("luat-x", TQ.documentType), ("luat-x", TQ.issuedBy),
    ("luat-x", TQ.dateIssued),
    ("luat-x-dieu-5", SKOS.prefLabel), ("luat-x-dieu-5", TQ.partOfDocument),
    ("power-p", SKOS.prefLabel),
    ("conf-p", TQ.power), ("conf-p", TQ.holder), ("conf-p", TQ.legalBasis),
    ("d-struct", TQ.power), ("d-struct", TQ.delegator), ("d-struct", TQ.delegate),
    ("d-struct", TQ.instrument), ("d-struct", TQ.validFrom),
    ("a-struct", TQ.power), ("a-struct", TQ.delegator), ("a-struct", TQ.delegate),
    ("a-struct", TQ.instrument), ("a-struct", TQ.validFrom), ("a-struct", TQ.validUntil),
    ("reorg-struct", TQ.predecessor), ("reorg-struct", TQ.successor),
    ("reorg-struct", TQ.effectiveDate), ("reorg-struct", TQ.legalBasis),
    ("task-struct", SKOS.prefLabel), ("task-struct", TQ.lead), ("task-struct", TQ.inPlan),
    ("tthc-struct", SKOS.prefLabel), ("tthc-struct", TQ.procedureCode),
    ("tthc-struct", TQ.competentAuthority),
]


@pytest.fixture(scope="module")
def structure_graph() -> Graph:
    """Base + the structure fixture, parsed once."""
    graph = Graph()
    graph.parse(BASE)
    graph.parse(FIXTURES / "structure" / "ok.ttl")
    return graph


def without(graph: Graph, node: str, prop: URIRef, folder: Path) -> Path:
    """Write a copy of graph without (node, prop, *); a prefLabel keeps only an @en label."""
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    copy.remove((EX[node], prop, None))
    if prop == SKOS.prefLabel:
        copy.add((EX[node], prop, Literal("English label only", lang="en")))
    path = folder / f"{node}-{prop.split('#')[-1].split('/')[-1]}.ttl"
    copy.serialize(path, format="turtle")
    return path


def test_structure_fixture_conforms(shapes: Graph) -> None:
    report = validate([FIXTURES / "structure" / "ok.ttl"], shapes)
    assert report.count("Violation") == 0, describe(report)


@pytest.mark.parametrize(("node", "prop"), STRUCTURE_CASES,
                         ids=[f"{n}-{p.split('#')[-1].split('/')[-1]}"
                              for n, p in STRUCTURE_CASES])
def test_missing_required_property_is_a_violation(node: str, prop: URIRef, shapes: Graph,
                                                   structure_graph: Graph,
                                                   tmp_path: Path) -> None:
    case = without(structure_graph, node, prop, tmp_path)
    report = validate_files([case], include_data=False, shapes=shapes)
    hits = [r for r in report.results if r.severity == "Violation" and local(r.focus) == node]
    assert hits, describe(report)


def test_missing_document_number_is_only_a_warning(shapes: Graph, structure_graph: Graph,
                                                   tmp_path: Path) -> None:
    case = without(structure_graph, "luat-x", TQ.documentNumber, tmp_path)
    report = validate_files([case], include_data=False, shapes=shapes)
    assert report.count("Violation") == 0, describe(report)
    hits = [r for r in report.results if local(r.focus) == "luat-x"]
    assert [r.severity for r in hits] == ["Warning"], describe(report)
    assert hits[0].shape == str(TQS["LegalDocument-documentNumber"])
