"""SHACL shapes (shapes/structure.ttl, shapes/rules.ttl): fixtures per rule and shape metadata.

Every rule R<n> has tests/fixtures/shapes/R<n>/ok.ttl (no Violation at all, and nothing from the
rule's own shape) and bad.ttl (a result of the rule's own shape on each expected focus node, and
no Violation from any other shape). Each fixture is validated with tests/fixtures/shapes/base.ttl
and ontology/ only (include_data=False), through thamquyen.validation.validate_files.

The engine is the validation module's default (pyshacl-turbo); run the same suite on pySHACL
with THAMQUYEN_SHACL_ENGINE=pyshacl (slower, about a minute).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from thamquyen import sparqlconstraints, validation
from thamquyen.bench.generate import generate
from thamquyen.progress import Phases
from thamquyen.rdfio import parse_turtle_text, read_all
from thamquyen.validation import Report, load_shapes, validate_files, validate_triples

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "shapes"
BASE = FIXTURES / "base.ttl"

SH = Namespace("http://www.w3.org/ns/shacl#")
TQ = Namespace("https://w3id.org/thamquyen/ontology#")
TQS = Namespace("https://w3id.org/thamquyen/shapes#")
EX = Namespace("https://example.org/tq-test/")

# rule -> (severity of its results, focus nodes bad.ttl must produce): rules with one shape
BAD_EXPECTED: dict[str, tuple[str, set[str]]] = {
    "R8": ("Warning", {"power-p", "tthc-bad"}),
    "R9": ("Warning", {"d-no-resources"}),
    "R10": ("Warning", {"a-no-oversight"}),
    "R11": ("Violation", {"so-nguoc", "vb-ngay-sai", "vb-chuoi"}),
    "R12": ("Violation", {"task-two-leads", "task-no-lead"}),
    "R13": ("Warning", {"qd-ban-hanh-som", "qd-ban-hanh-2"}),
    "R14": ("Violation", {"conf-open", "d-late"}),
    "R15": ("Violation", {"vb-khoang-trang", "vb-chu-thuong", "huyen-ma-sai", "tthc-ma-sai"}),
    "R17": ("Warning", {"conf-ghost"}),
}

# Rules that apply the law on phân cấp / ủy quyền in force on the delegation's first day: one
# shape per period (tqs:<stem>-2015, -65, -72), fixtures R<n>/ (first days in 2023), R<n>-65/
# (March–June 2025) and R<n>-72/ (from 2025-08-20). rule -> {shape stem: foci of bad.ttl}
PERIOD_EXPECTED: dict[str, dict[str, set[str]]] = {
    "R1": {"R1": {"d-bad-type", "d-bad-issuer"}},
    "R1b": {"R1b": {"a-bad", "a-by-post"}},
    "R2": {"R2": {"a-open"}},
    "R3": {"R3": {"a-onward", "a-q-onward"}},
    "R4": {"R4": {"d-n"}},
    "R5": {"R5": {"d-z", "d-y", "a-other-type"}, "R5-post": {"d-post-k"}},
    "R6": {"R6": {"d-same"}, "R6-uq": {"a-up", "a-self"}},
    "R7": {"R7": {"d-future", "d-role-b", "d-central-none"}},
    "R16": {"R16": {"a-ghost-delegator"}},
}
PERIODS = {"2015": "", "65": "-65", "72": "-72"}  # shape suffix -> fixture folder suffix
LAW = {"2015": "77-2015-qh13", "65": "65-2025-qh15", "72": "72-2025-qh15"}
LAW_NUMBER = {"2015": "77/2015/QH13", "65": "65/2025/QH15", "72": "72/2025/QH15"}
# shape stem -> the provision it applies, per period (Điều / khoản / điểm of the law of the period)
PROVISION: dict[str, dict[str, str]] = {
    "R1": {"2015": "dieu-13/khoan-2", "65": "dieu-13", "72": "dieu-13"},
    "R1b": {"2015": "dieu-14", "65": "dieu-14", "72": "dieu-14/khoan-2/diem-a"},
    "R2": dict.fromkeys(PERIODS, "dieu-14/khoan-1"),
    "R3": dict.fromkeys(PERIODS, "dieu-14/khoan-1"),
    "R4": {"2015": "dieu-13/khoan-1", "65": "dieu-14/khoan-1", "72": "dieu-14/khoan-1"},
    "R5": dict.fromkeys(PERIODS, "dieu-13/khoan-1"),
    "R5-post": dict.fromkeys(PERIODS, "dieu-13/khoan-1"),
    "R6": dict.fromkeys(PERIODS, "dieu-13/khoan-1"),
    "R6-uq": dict.fromkeys(PERIODS, "dieu-14/khoan-1"),
    "R7": dict.fromkeys(PERIODS, "dieu-13/khoan-1"),
    "R16": dict.fromkeys(PERIODS, "dieu-13/khoan-1"),
}
ID = "https://w3id.org/thamquyen/id/"


def period_severity(stem: str, period: str) -> str:
    """R3 is a Warning (its basis is an inference), so is R5-post (a post delegating its
    agency's power: often a data-entry choice); R1b a Warning before Law 72/2025/QH15."""
    if stem in ("R3", "R5-post") or (stem == "R1b" and period != "72"):
        return "Warning"
    return "Violation"


PERIOD_CASES = [(rule, period) for rule in PERIOD_EXPECTED for period in PERIODS]
RULES_REQUIRED = [f"R{n}" for n in range(1, 18)] + ["R1b", "R3b"]


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
        if name in BAD_EXPECTED or name in PERIOD_EXPECTED or name in RULES_REQUIRED:
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
        "luat-65-2025-qh15.ttl", "luat-72-2025-qh15.ttl", "nd-30-2020-nd-cp.ttl")]
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
    folders = [*RULES_REQUIRED, *BAD_EXPECTED,
               *(f"{rule}{suffix}" for rule in PERIOD_EXPECTED for suffix in PERIODS.values())]
    for folder in folders:
        assert (FIXTURES / folder / "ok.ttl").is_file(), folder
        assert (FIXTURES / folder / "bad.ttl").is_file(), folder


# --------------------------------------------------------------------------- the law over time


@pytest.mark.parametrize(("rule", "period"), PERIOD_CASES,
                         ids=[f"{r}-{p}" for r, p in PERIOD_CASES])
def test_period_ok_fixture(rule: str, period: str, shapes: Graph) -> None:
    report = validate([FIXTURES / f"{rule}{PERIODS[period]}" / "ok.ttl"], shapes)
    assert report.count("Violation") == 0, describe(report)
    assert [r for r in report.results if rule_of(shapes, r.shape) == rule] == [], \
        describe(report)


@pytest.mark.parametrize(("rule", "period"), PERIOD_CASES,
                         ids=[f"{r}-{p}" for r, p in PERIOD_CASES])
def test_period_bad_fixture(rule: str, period: str, shapes: Graph) -> None:
    """The shape of the period fired on each expected node, with its severity, its source and a
    message citing the law of the period; no other period's shape fired."""
    report = validate([FIXTURES / f"{rule}{PERIODS[period]}" / "bad.ttl"], shapes)
    own = [r for r in report.results if rule_of(shapes, r.shape) == rule]
    for stem, foci in PERIOD_EXPECTED[rule].items():
        shape = str(TQS[f"{stem}-{period}"])
        hits = [r for r in own if r.shape == shape]
        assert {local(r.focus) for r in hits} >= foci, describe(report)
        source = f"{ID}doc/{LAW[period]}/{PROVISION[stem][period]}"
        for r in hits:
            assert r.severity == period_severity(stem, period), describe(report)
            assert r.source == source, describe(report)
            assert LAW_NUMBER[period] in r.message["vi"], r.message["vi"]
            assert LAW_NUMBER[period] in r.message["en"], r.message["en"]
            assert "https://" not in r.message["vi"] and "tq:" not in r.message["vi"], r.message
    wrong_period = [r for r in own if not (r.shape or "").endswith(f"-{period}")]
    assert wrong_period == [], describe(report)
    others = [r for r in report.results
              if r.severity == "Violation" and rule_of(shapes, r.shape) != rule]
    assert others == [], describe(report)


def test_law_in_force_on_the_first_day(shapes: Graph, tmp_path: Path) -> None:
    """One ủy quyền issued by someone else's document, dated 2023 and 2025-08-20: a Warning citing
    Law 77/2015 (as amended), then a Violation citing Law 72/2025 điểm a khoản 2 Điều 14."""
    results = {}
    for day in ("2023-06-01", "2025-08-20"):
        case = tmp_path / f"a-{day}.ttl"
        case.write_text(f"""@prefix ex: <{EX}> .
@prefix tq: <{TQ}> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a a tq:Authorization ; tq:power ex:power-p ; tq:delegator ex:ubnd-tinh-a ;
    tq:delegate ex:so-a ; tq:instrument ex:qd-huyen-uy-quyen ; tq:oversightBy ex:thanh-tra-a ;
    tq:validFrom "{day}"^^xsd:date ; tq:validUntil "2025-12-31"^^xsd:date .
""", encoding="utf-8")
        report = validate([case], shapes)
        results[day] = [r for r in report.results if rule_of(shapes, r.shape) == "R1b"]
    assert [(r.severity, r.source) for r in results["2023-06-01"]] == \
        [("Warning", f"{ID}doc/77-2015-qh13/dieu-14")]
    assert [(r.severity, r.source) for r in results["2025-08-20"]] == \
        [("Violation", f"{ID}doc/72-2025-qh15/dieu-14/khoan-2/diem-a")]
    assert "điểm a khoản 2 Điều 14 Luật số 72/2025/QH15" in results["2025-08-20"][0].message["vi"]


def test_laws_end_when_replaced() -> None:
    """77/2015 and 47/2019 end on 2025-02-28, 65/2025 on 2025-06-15: the day before the next."""
    graph = Graph()
    for name in ("luat-77-2015-qh13.ttl", "luat-47-2019-qh14.ttl", "luat-65-2025-qh15.ttl",
                 "luat-72-2025-qh15.ttl"):
        graph.parse(ROOT / "data" / name)
    doc = Namespace(f"{ID}doc/")
    until = {d: str(graph.value(doc[d], TQ.validUntil)) for d in
             ("77-2015-qh13", "47-2019-qh14", "65-2025-qh15", "72-2025-qh15")}
    assert until == {"77-2015-qh13": "2025-02-28", "47-2019-qh14": "2025-02-28",
                     "65-2025-qh15": "2025-06-15", "72-2025-qh15": "None"}
    assert (doc["65-2025-qh15"], TQ.repeals, doc["77-2015-qh13"]) in graph
    assert (doc["72-2025-qh15"], TQ.repeals, doc["65-2025-qh15"]) in graph
    assert str(graph.value(doc["65-2025-qh15"], TQ.validFrom)) == "2025-03-01"
    assert str(graph.value(doc["72-2025-qh15"], TQ.validFrom)) == "2025-06-16"


def test_rule_messages_name_no_iri(shapes: Graph) -> None:
    """Messages are for legal officers: Vietnamese first, no raw IRI placeholders or tq: terms."""
    problems = []
    rule_shapes = [s for s in named_shapes(shapes) if str(s).removeprefix(str(TQS))[:2] in
                   {f"R{n}" for n in range(1, 10)}]
    for rule_shape in rule_shapes:
        constraints = list(shapes.objects(rule_shape, SH.sparql))
        for node in [rule_shape, *constraints]:
            for msg in shapes.objects(node, SH.message):
                text = str(msg)
                if "{$this}" in text or "tq:" in text or "https://" in text:
                    problems.append(f"{rule_shape}: {text}")
    assert problems == []


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


# --------------------------------------------------------------------------- data-graph pruning
# Two prunings, each proved the same way: the core engine gets only the triples whose
# predicate the core shapes can read (read_predicates), and the SPARQL constraints run on a
# store of only the predicates their queries name (sparqlconstraints.predicates_read). The
# same report with and without, on every rule fixture (the files path: a forked core child,
# the store read file by file) and on a generated graph (the triples path), proves no result
# depends on a triple left out.
UNDO_PRUNING = {
    "core text": (validation, "read_predicates"),
    "constraints' store": (sparqlconstraints, "predicates_read"),
}


def rows(report: Report) -> list[tuple]:
    """Results as comparable rows (blank-node ids and messages aside)."""
    return sorted(tuple("_:" if (v or "").startswith("_:") else v or "" for v in
                        (r.severity, r.focus, r.path, r.value, r.shape)) for r in report.results)


@pytest.mark.parametrize("undo", UNDO_PRUNING.values(), ids=UNDO_PRUNING.keys())
def test_pruning_keeps_every_result_of_the_fixtures(undo: tuple, shapes: Graph,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Every fixture, valid and broken, in one graph (one validation each way)."""
    files = sorted(FIXTURES.glob("*/*.ttl"))
    pruned = rows(validate(files, shapes))
    monkeypatch.setattr(*undo, lambda _argument: None)
    assert pruned == rows(validate(files, shapes))
    assert len({r[4] for r in pruned}) > 20, "results of many shapes to compare"
    sparql_shapes = {str(c.shape) for c in sparqlconstraints.split(shapes)[0]}
    assert len({r[4] for r in pruned} & sparql_shapes) > 10, "results of SPARQL shapes"


@pytest.mark.parametrize("undo", UNDO_PRUNING.values(), ids=UNDO_PRUNING.keys())
def test_pruning_keeps_every_result_of_generated_data(undo: tuple, shapes: Graph, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    generate(tmp_path, 15_000, 5, powers=60, standalone=True)
    broken = [FIXTURES / rule / "bad.ttl" for rule in ("R3", "R5", "R11")]
    triples = [*read_all([ROOT / "ontology", tmp_path]), *read_all([BASE, *broken])]
    pruned = rows(validate_triples(triples, shapes))
    monkeypatch.setattr(*undo, lambda _argument: None)
    assert pruned == rows(validate_triples(triples, shapes))
    assert pruned


def test_shipped_core_shapes_are_pruned_by_predicate(shapes: Graph) -> None:
    """The shipped core shapes read a few predicates; labels the shapes never check go."""
    _, core = sparqlconstraints.split(shapes)
    keep = validation.read_predicates(core)
    assert keep is not None and str(RDF.type) in keep and str(SKOS.prefLabel) in keep
    assert str(SKOS.altLabel) not in keep


CLOSED = """@prefix sh: <http://www.w3.org/ns/shacl#> .
<urn:x:S> a sh:NodeShape ; sh:targetSubjectsOf <urn:x:p> ; sh:closed true ;
    sh:property [ sh:path <urn:x:p> ; sh:minCount 1 ] .
"""


def test_a_closed_shape_gets_the_whole_data_graph() -> None:
    """sh:closed reads every predicate: no pruning, and the extra triple is reported."""
    closed = Graph().parse(data=CLOSED, format="turtle")
    assert validation.read_predicates(closed) is None
    data = parse_turtle_text("<urn:x:a> <urn:x:p> 1 ; <urn:x:other> 2 .", "closed.ttl")
    report = validate_triples(data, closed)
    assert [(r.focus, r.path) for r in report.results] == [("urn:x:a", "urn:x:other")]


# --------------------------------------------------------------------------- progress


def test_validate_tells_its_phases_on_stderr_only() -> None:
    """Not on a terminal: one line per phase on stderr; stdout stays the JSON report."""
    command = [sys.executable, "-m", "thamquyen.cli", "validate", "--no-data", "--format", "json",
               str(BASE)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["conforms"] is True
    lines = done.stderr.splitlines()
    assert len(lines) == 3 and all(line.startswith("[") for line in lines), done.stderr
    quiet = subprocess.run([*command, "--quiet"], capture_output=True, text=True, check=False)
    assert quiet.stderr == "" and json.loads(quiet.stdout) == json.loads(done.stdout)


def test_phases_draw_a_bar_on_a_terminal() -> None:
    """On a terminal the phases are a tqdm bar (carriage returns), not log lines."""
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    phases = Phases(2, "en", stream)
    phases.phase("Đọc…", "Reading…")
    phases.phase("Kiểm tra…", "Checking…")
    phases.close()
    assert "\r" in stream.getvalue() and "Checking" in stream.getvalue()
