"""SPARQL constraints run once over all their focus nodes (thamquyen.sparqlconstraints).

The default validation path (pyshacl-turbo on the shapes `split` leaves, the runner on the
SPARQL constraints it takes) must report what pyshacl-turbo alone reports on the full shapes
graph, on every fixture of tests/fixtures/shapes (with base.ttl and ontology/, as in
test_shapes.py). Whole-set mode must find what per-focus mode (pre-binding) finds. Then the
pieces: `_joinable`, what `split` takes and leaves, target kinds, deactivation, syntax errors,
and the results `add_to_report` writes.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pyshacl_turbo
import pytest
import rdflib
from rdflib.namespace import RDF
from thamquyen import sparqlconstraints as sc
from thamquyen import validation
from thamquyen.namespaces import SH
from thamquyen.rdfio import read_all
from thamquyen.validation import load_shapes, read_results, validate_files

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "shapes"
BASE = FIXTURES / "base.ttl"
FIXTURE_FILES = sorted(FIXTURES.glob("*/*.ttl"))
FIXTURE_IDS = [str(f.relative_to(FIXTURES)) for f in FIXTURE_FILES]
EX = rdflib.Namespace("https://example.org/sc-test/")
TQS = rdflib.Namespace("https://w3id.org/thamquyen/shapes#")

Row = tuple[str, str | None, str | None, str | None, str | None, tuple]


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    """The shipped shapes graph, parsed once."""
    return load_shapes([ROOT / "shapes"])


@pytest.fixture(scope="module")
def knowledge() -> list[ox.Triple]:
    """ontology/ + base.ttl, read once."""
    return read_all([*validation.knowledge_paths(False), BASE])


def store_of(triples: Sequence[ox.Triple]) -> ox.Store:
    """An in-memory Oxigraph store holding the triples (default graph)."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return store


def blank(text: str | None) -> str | None:
    """Blank-node ids differ per run: every blank node reads as `_:`."""
    return "_:" if text is not None and text.startswith("_:") else text


def rows(results: Sequence[validation.Result]) -> list[Row]:
    """The comparable fields of the results, sorted."""
    return sorted((r.severity, r.focus or "", blank(r.path) or "", r.value or "", r.shape or "",
                   tuple(sorted(r.message.items()))) for r in results)


# --------------------------------------------------------------------------- 1. default = turbo


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=FIXTURE_IDS)
def test_default_path_reports_what_turbo_alone_reports(fixture: Path, shapes: rdflib.Graph,
                                                       knowledge: list[ox.Triple]) -> None:
    default = validate_files([BASE, fixture], include_data=False, shapes=shapes)
    store = store_of([*knowledge, *read_all([fixture])])
    _, graph, _ = pyshacl_turbo.validate(store, shacl_graph=shapes, inference="none",
                                         advanced=True, allow_warnings=True, allow_infos=True)
    assert rows(default.results) == rows(read_results(graph, shapes))


# --------------------------------------------------------------------------- 2. whole set = per focus


def found(store: ox.Store, constraints: Sequence[sc.Constraint],
          shapes: rdflib.Graph) -> list[tuple[str, str, str]]:
    """(shape, focus, value) of every result of the runner, sorted."""
    return sorted((str(c.shape), str(sc.to_rdflib(focus)),
                   str(sc.to_rdflib(s["value"])) if s["value"] is not None else "")
                  for c, focus, s in sc.run(store, constraints, shapes))


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=FIXTURE_IDS)
def test_whole_set_finds_what_per_focus_finds(fixture: Path, shapes: rdflib.Graph,
                                              knowledge: list[ox.Triple]) -> None:
    constraints, _ = sc.split(shapes)
    per_focus = [dataclasses.replace(c, whole_set=False) for c in constraints]
    store = store_of([*knowledge, *read_all([fixture])])
    whole = found(store, constraints, shapes)
    assert whole == found(store, per_focus, shapes)
    rule = fixture.parent.name
    if fixture.name == "bad.ttl" and any(c.shape == TQS[rule] for c in constraints) \
            and sc._active(shapes, TQS[rule]):
        assert any(shape == str(TQS[rule]) for shape, _, _ in whole)


# R13 reads $this in an OPTIONAL (the plan's date of issue); it has a few focus nodes.
PER_FOCUS_SHAPES = {"R13"}


def test_shipped_constraints_run_whole_set(shapes: rdflib.Graph) -> None:
    """A shipped constraint that falls back to one query per focus node passes every fixture
    and takes hours at ~3M triples (a rewritten R5-2015 did): only the known ones may."""
    constraints, rest = sc.split(shapes)
    assert len(constraints) >= 10
    per_focus = {str(c.shape).rsplit("#", 1)[-1] for c in constraints if not c.whole_set}
    assert per_focus <= PER_FOCUS_SHAPES
    assert not set(rest.subject_objects(SH.sparql)) & {(c.shape, c.node) for c in constraints}


# --------------------------------------------------------------------------- 3. _joinable

JOINABLE = {
    "not-exists": "SELECT $this WHERE { $this ex:p ?x . FILTER NOT EXISTS { ?x ex:q $this } }",
    "exists-and-filter": "SELECT $this ?value WHERE { $this ex:p ?value . "
                         "FILTER (EXISTS { ?value ex:q ?y } && ?value != $this) }",
    "inner-projects-this": "SELECT $this WHERE { $this ex:p ?x . { SELECT $this (COUNT(?y) AS ?n) "
                           "WHERE { $this ex:q ?y } GROUP BY $this } FILTER (?n > 1) }",
    "inner-projects-star": "SELECT $this WHERE { $this ex:p ?x . "
                           "{ SELECT * WHERE { $this ex:q ?y } } }",
    "keyword-in-string": 'SELECT $this WHERE { $this ex:p ?x . FILTER (?x != "OPTIONAL MINUS") }',
    "keyword-in-long-string": "SELECT $this WHERE { $this ex:p ?x . "
                              "FILTER (?x != '''VALUES\nSERVICE''') }",
    "keyword-in-comment": "SELECT $this WHERE {\n  # no OPTIONAL, no VALUES here\n  $this ex:p ?x .\n}",
    "keyword-in-iri": "SELECT $this WHERE { $this <http://example.org/OPTIONAL> ?x }",
    "inner-select-in-string": 'SELECT $this WHERE { $this ex:p ?x . '
                              'FILTER (?x != "{ SELECT ?y WHERE") }',
    "optional-not-reading-this": "SELECT $this WHERE { $this ex:p ?x . "
                                 "OPTIONAL { ?x ex:q ?y } FILTER (!bound(?y)) }",
    "union-of-binding-groups": "SELECT $this WHERE { { SELECT $this (MAX(?s) AS ?m) WHERE { "
                               "{ $this ex:p ?x . BIND (0 AS ?s) } UNION { $this ex:q ?x . "
                               "BIND (1 AS ?s) } FILTER (?x != $this) } GROUP BY $this } "
                               "$this ex:p ?z }",
    "inner-projects-this-unbound": "SELECT $this WHERE { $this ex:p ?k . "
                                   "{ SELECT $this ?k ?y WHERE { ?y ex:q ?k } } }",
    "bound-by-a-sub-select": "SELECT $this ?y WHERE { { SELECT $this ?x WHERE { $this ex:p ?x } } "
                             "?x ex:q ?y . FILTER (?y != $this) }",
    "bound-by-nested-sub-selects": "SELECT $this ?n WHERE { { SELECT $this (COUNT(?y) AS ?n) "
                                   "WHERE { { SELECT $this ?y WHERE { $this ex:q ?y } } ?y ex:r ?z }"
                                   " GROUP BY $this } FILTER (?n > 1) }",
    "bound-by-a-union-of-sub-selects": "SELECT $this WHERE { { SELECT $this ?x WHERE { $this ex:p ?x"
                                       " } } UNION { SELECT $this ?x WHERE { $this ex:q ?x } } "
                                       "?x ex:r ?y }",
    "bound-by-a-group-after-exists": "SELECT $this WHERE { { ?a ex:p ?b } UNION { ?b ex:q ?a } "
                                     "FILTER NOT EXISTS { ?b ex:r ?a } "
                                     "{ SELECT $this ?b WHERE { $this ex:s ?b } } }",
}
NOT_JOINABLE = {
    "optional-reads-this": "SELECT $this WHERE { $this ex:p ?x . "
                           "OPTIONAL { ?x ex:q $this } FILTER (!bound(?y)) }",
    "optional-lowercase": "SELECT $this WHERE { $this ex:p ?x . optional { ?x ex:q ?y . "
                          "FILTER (?y != $this) } }",
    "union-branch-binds-nothing": "SELECT $this WHERE { { $this ex:p ?x } UNION { ?x ex:q ?y } }",
    "minus": "SELECT $this WHERE { $this ex:p ?x . MINUS { $this ex:q ?x } }",
    "values": "SELECT $this WHERE { VALUES ?x { ex:a ex:b } $this ex:p ?x }",
    "service": "SELECT $this WHERE { SERVICE <http://example.org/sparql> { $this ex:p ?x } }",
    "inner-uses-this": "SELECT $this WHERE { $this ex:p ?x . "
                       "{ SELECT (COUNT(?y) AS ?n) WHERE { $this ex:q ?y } } FILTER (?n > 1) }",
    "inner-uses-this-no-where": "SELECT $this WHERE { $this ex:p ?x . "
                                "{ SELECT ?y { ?y ex:q $this } } }",
    "limit": "SELECT $this WHERE { $this ex:tag ?t } LIMIT 1",
    "offset": "SELECT $this WHERE { $this ex:tag ?t } OFFSET 1",
    "this-not-projected": "SELECT ?value WHERE { $this ex:p ?value }",
    "nested-group-filter": "SELECT $this WHERE { { FILTER (bound($this)) } $this ex:p ?x }",
    "bind-this": "SELECT $this WHERE { $this ex:p ?x . BIND ($this AS ?that) }",
    "union-branch-reads-this": "SELECT $this WHERE { $this ex:p ?x . "
                               "{ ?x ex:q ?y } UNION { FILTER (?x = $this) } }",
    "sub-select-in-a-union-with-a-group-binding-nothing":
        "SELECT $this WHERE { { SELECT $this ?x WHERE { $this ex:p ?x } } UNION { ?x ex:q ?y } }",
    "sub-select-binding-only-in-a-graph": "SELECT $this WHERE { ?x ex:p ?y . "
                                          "GRAPH ?g { SELECT $this ?y WHERE { $this ex:q ?y } } }",
    "sub-select-projecting-this-unbound-only": "SELECT $this WHERE { "
                                               "{ SELECT $this ?y WHERE { ?y ex:q ?k } } ?y ex:r ?z }",
}


@pytest.mark.parametrize("body", JOINABLE.values(), ids=JOINABLE.keys())
def test_joinable(body: str) -> None:
    assert sc._joinable(body)


@pytest.mark.parametrize("body", NOT_JOINABLE.values(), ids=NOT_JOINABLE.keys())
def test_not_joinable(body: str) -> None:
    assert not sc._joinable(body)


SUB_SELECT_BOUND = ("bound-by-a-sub-select", "bound-by-nested-sub-selects",
                    "bound-by-a-union-of-sub-selects", "bound-by-a-group-after-exists")
SUB_SELECT_DATA = """
@prefix ex: <https://example.org/sc-test/> .
ex:a a ex:C ; ex:p ex:x1 ; ex:q ex:y1 , ex:y2 ; ex:s ex:b1 .
ex:b a ex:C ; ex:q ex:y1 ; ex:s ex:b2 .
ex:c a ex:C ; ex:p ex:x2 .
ex:x1 ex:q ex:a ; ex:r ex:z .
ex:x2 ex:q ex:z2 ; ex:r ex:z .
ex:y1 ex:r ex:z . ex:y2 ex:r ex:z .
ex:b1 ex:q ex:e1 . ex:e1 ex:p ex:b1 .
ex:outside ex:p ex:x2 ; ex:q ex:y1 , ex:y2 ; ex:s ex:b1 .
"""


@pytest.mark.parametrize("name", SUB_SELECT_BOUND)
def test_a_group_bound_by_its_sub_select_finds_what_pre_binding_finds(name: str) -> None:
    """Whole-set on a group that binds $this only through a sub-SELECT (the shapes' period
    sub-SELECTs) gives what SHACL's pre-binding gives, and non-target rows are dropped."""
    select = JOINABLE[name].replace('"', '\\"')
    shapes = rdflib.Graph().parse(data=PREFIXES + f"""
ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select
    "PREFIX ex: <https://example.org/sc-test/> {select}" ] .""", format="turtle")
    taken, _ = sc.split(shapes)
    assert [c.whole_set for c in taken] == [True]
    store = turtle_store(SUB_SELECT_DATA)
    whole = found(store, taken, shapes)
    assert whole  # the query does find focus nodes
    assert whole == found(store, [dataclasses.replace(taken[0], whole_set=False)], shapes)
    assert not any(focus.endswith("outside") for _, focus, _ in whole)


FORBIDDEN = {
    "MINUS": "SELECT $this WHERE { $this ex:p ?x . MINUS { $this ex:q ?x } }",
    "VALUES": "SELECT $this WHERE { VALUES ?any { true } }",
    "SERVICE": "SELECT $this WHERE { $this ?x ?any . SERVICE <http://e.org/s> { ?a ?b ?c } }",
    "AS $this": "SELECT $this WHERE { BIND (true AS $this) }",
    "sub-SELECT without $this": "SELECT $this WHERE { $this ?x ?any . "
                                "{ SELECT ?other WHERE { ?other ?b ?c } } }",
}


@pytest.mark.parametrize(("construct", "body"), FORBIDDEN.items(), ids=FORBIDDEN.keys())
def test_forbidden_constructs_are_named(construct: str, body: str) -> None:
    assert sc.forbidden_construct(body) == construct


def test_split_refuses_a_forbidden_construct_before_running() -> None:
    shapes = rdflib.Graph().parse(data=f"""{PREFIXES}
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    sh:sparql [ sh:select "SELECT $this WHERE {{ $this ex:p ?x . MINUS {{ $this ex:q ?x }} }}" ] .
""", format="turtle")
    with pytest.raises(sc.ShapesError) as refused:
        sc.split(shapes)
    assert refused.value.construct == "MINUS"
    assert "MINUS" in refused.value.vi and "MINUS" in refused.value.en


def test_inner_select_star_binding_this_is_allowed() -> None:
    assert sc.forbidden_construct(JOINABLE["inner-projects-star"]) is None


def test_prebound_replaces_every_occurrence() -> None:
    body = ("SELECT $this ?v WHERE { { FILTER (bound($this)) } BIND ($this AS ?v) "
            "{ SELECT $this WHERE { $this ex:p ?y } } FILTER (?v != \"$this\") } GROUP BY $this ?v")
    out = sc.prebound(body, ox.NamedNode("http://e.org/a"))
    assert out == ("SELECT (<http://e.org/a> AS ?this) ?v WHERE { { FILTER ((true)) } "
                   "BIND (<http://e.org/a> AS ?v) { SELECT (<http://e.org/a> AS ?_prebound1) "
                   "WHERE { <http://e.org/a> ex:p ?y } } FILTER (?v != \"$this\") } "
                   "GROUP BY (<http://e.org/a>) ?v")


# --------------------------------------------------------------------------- 4. split and targets

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/sc-test/> .
"""
TAGGED = '"PREFIX ex: <https://example.org/sc-test/> SELECT $this WHERE { $this ex:tag ?t }"'
SHAPES = PREFIXES + f"""
ex:ByClass a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select {TAGGED} ] .
ex:ByNode a sh:NodeShape ; sh:targetNode ex:n1, ex:n2 ; sh:sparql [ sh:select {TAGGED} ] .
ex:BySubjects a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:sparql [ sh:select {TAGGED} ] .
ex:ByObjects a sh:NodeShape ; sh:targetObjectsOf ex:p ; sh:sparql [ sh:select {TAGGED} ] .
ex:D a sh:NodeShape, rdfs:Class ; sh:sparql [ sh:select {TAGGED} ] .
ex:Off a sh:NodeShape ; sh:targetClass ex:C ; sh:deactivated true ;
    sh:sparql [ sh:select {TAGGED} ] .
ex:OnProperty a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:tag ;
    sh:sparql [ sh:select {TAGGED} ] .
ex:NoTargets a sh:NodeShape ; sh:sparql [ sh:select {TAGGED} ] .
ex:Referenced a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select {TAGGED} ] .
ex:Referrer a sh:NodeShape ; sh:targetClass ex:C ; sh:node ex:Referenced .
ex:WithPath a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select
    "PREFIX ex: <https://example.org/sc-test/> SELECT $this WHERE {{ $this $PATH ?v }}" ] .
ex:CustomTarget a sh:NodeShape ; sh:target [ a ex:SomeTarget ] ;
    sh:sparql [ sh:select {TAGGED} ] .
"""
DATA = PREFIXES + """
ex:c1 a ex:C ; ex:tag 1 .
ex:d1 a ex:D ; ex:tag 1 .
ex:D rdfs:subClassOf ex:C .
ex:n1 ex:tag 1 . ex:n2 ex:tag 1 . ex:n3 ex:tag 1 .
ex:s1 ex:p ex:o1 ; ex:tag 1 .
ex:o1 ex:tag 1 .
ex:other ex:tag 1 .
"""
TAKEN = {
    "ByClass": {"c1", "d1"},
    "ByNode": {"n1", "n2"},
    "BySubjects": {"s1"},
    "ByObjects": {"o1"},
    "D": {"d1"},
}
LEFT = ["OnProperty", "NoTargets", "Referenced", "WithPath", "CustomTarget"]


def turtle_store(text: str) -> ox.Store:
    """An in-memory store of a Turtle text."""
    store = ox.Store()
    store.load(text.encode(), ox.RdfFormat.TURTLE)
    return store


def local(term: ox.NamedNode | ox.BlankNode | ox.Literal | rdflib.term.Node) -> str:
    """The local name of a test IRI."""
    return str(sc.to_rdflib(term) if isinstance(term, ox.NamedNode) else term).removeprefix(str(EX))


def foci(constraints: Sequence[sc.Constraint], shapes: rdflib.Graph) -> dict[str, set[str]]:
    """Shape local name → focus nodes of the runner's results on DATA."""
    result: dict[str, set[str]] = {}
    for constraint, focus, _ in sc.run(turtle_store(DATA), constraints, shapes):
        result.setdefault(local(constraint.shape), set()).add(local(focus))
    return result


@pytest.fixture(scope="module")
def test_shapes() -> rdflib.Graph:
    """The shapes graph of the split / target tests."""
    return rdflib.Graph().parse(data=SHAPES, format="turtle")


def test_split_takes_node_shapes_with_explicit_targets(test_shapes: rdflib.Graph) -> None:
    taken, rest = sc.split(test_shapes)
    assert {local(c.shape) for c in taken} == {*TAKEN, "Off"}
    for constraint in taken:
        assert (constraint.shape, SH.sparql, constraint.node) not in rest


@pytest.mark.parametrize("name", LEFT)
def test_split_leaves_what_it_cannot_take(name: str, test_shapes: rdflib.Graph) -> None:
    taken, rest = sc.split(test_shapes)
    assert EX[name] not in {c.shape for c in taken}
    assert set(rest.objects(EX[name], SH.sparql)) == set(test_shapes.objects(EX[name], SH.sparql))
    assert len(set(rest.objects(EX[name], SH.sparql))) == 1


def test_split_copy_keeps_everything_else(test_shapes: rdflib.Graph) -> None:
    """Only the taken sh:sparql links go, and the targets of shapes left with nothing to check
    (the engine would collect their focus nodes for nothing)."""
    taken, rest = sc.split(test_shapes)
    emptied = {c.shape for c in taken if set(rest.predicates(c.shape)) <= sc.NOT_CONSTRAINTS}
    targets = [t for shape in emptied for p in sc.TARGETS for t in test_shapes.triples((shape, p, None))]
    assert emptied and len(rest) == len(test_shapes) - len(taken) - len(targets)
    assert not any((s, p, None) in rest for s in emptied for p in sc.TARGETS)
    assert rest.namespace_manager.store.namespace("ex") == rdflib.URIRef(str(EX))


@pytest.mark.parametrize("whole_set", [True, False], ids=["whole-set", "per-focus"])
def test_targets_give_the_focus_nodes(whole_set: bool, test_shapes: rdflib.Graph) -> None:
    taken, _ = sc.split(test_shapes)
    assert all(c.whole_set for c in taken)
    constraints = [dataclasses.replace(c, whole_set=whole_set) for c in taken]
    assert foci(constraints, test_shapes) == TAKEN  # ex:Off (deactivated) gives nothing


@pytest.mark.parametrize("whole_set", [True, False], ids=["whole-set", "per-focus"])
def test_focus_keeps_the_findings_of_those_nodes(whole_set: bool,
                                                 test_shapes: rdflib.Graph) -> None:
    """With `focus` (a focused check), each mode gives the focus nodes' findings only: those
    it gives without `focus`, restricted to them; a focus node no shape targets gives none."""
    taken, _ = sc.split(test_shapes)
    constraints = [dataclasses.replace(c, whole_set=whole_set) for c in taken]
    focus = {ox.NamedNode(str(EX[name])) for name in ("d1", "n2", "o1", "other")}
    found: dict[str, set[str]] = {}
    for constraint, node, _ in sc.run(turtle_store(DATA), constraints, test_shapes, focus=focus):
        found.setdefault(local(constraint.shape), set()).add(local(node))
    assert found == {"ByClass": {"d1"}, "ByNode": {"n2"}, "ByObjects": {"o1"}, "D": {"d1"}}


def test_deactivated_constraint_node_gives_nothing(test_shapes: rdflib.Graph) -> None:
    shapes = rdflib.Graph()
    for triple in test_shapes:
        shapes.add(triple)
    node = shapes.value(EX.ByNode, SH.sparql)
    shapes.add((node, SH.deactivated, rdflib.Literal(True)))
    taken, _ = sc.split(shapes)
    assert "ByNode" not in foci(taken, shapes)


def test_deactivated_false_runs(test_shapes: rdflib.Graph) -> None:
    shapes = rdflib.Graph()
    for triple in test_shapes:
        shapes.add(triple)
    shapes.set((EX.Off, SH.deactivated, rdflib.Literal(False)))
    taken, _ = sc.split(shapes)
    assert foci(taken, shapes)["Off"] == {"c1", "d1"}


# --------------------------------------------------------------------------- 5. syntax errors


@pytest.mark.parametrize("whole_set", [True, False], ids=["whole-set", "per-focus"])
def test_syntax_error_names_the_shape(whole_set: bool) -> None:
    shapes = rdflib.Graph().parse(data=PREFIXES + """
ex:Broken a sh:NodeShape ; sh:targetClass ex:C ;
    sh:sparql [ sh:select "SELECT $this WHERE { $this ex:tag }" ] .
""", format="turtle")
    taken, _ = sc.split(shapes)
    constraints = [dataclasses.replace(c, whole_set=whole_set) for c in taken]
    with pytest.raises(ValueError, match=str(EX.Broken)):
        sc.run(turtle_store(DATA), constraints, shapes)


# --------------------------------------------------------------------------- 6. add_to_report

REPORT_SHAPES = PREFIXES + """
ex:Valued a sh:NodeShape ; sh:targetClass ex:C ; sh:severity sh:Warning ;
    sh:sparql ex:valued .
ex:valued sh:select
    "PREFIX ex: <https://example.org/sc-test/> SELECT $this ?value WHERE { $this ex:tag ?value }" ;
    sh:message "Giá trị {?value} của {$this}"@vi, "Value {?value} of {$this}"@en .
ex:Unvalued a sh:NodeShape ; sh:targetNode ex:n1 ; sh:sparql ex:unvalued .
ex:unvalued sh:select
    "PREFIX ex: <https://example.org/sc-test/> SELECT $this WHERE { $this ex:tag ?t }" ;
    sh:message "Thiếu {?missing} ở {?this}"@vi, "Missing {?missing} at {?this}"@en .
"""


def report_of(shapes: rdflib.Graph, names: set[str]) -> rdflib.Graph:
    """A report graph with the results of the named shapes' constraints on DATA."""
    taken, _ = sc.split(shapes)
    report = rdflib.Graph()
    sc.add_to_report(report, sc.run(turtle_store(DATA),
                                     [c for c in taken if local(c.shape) in names], shapes))
    return report


@pytest.fixture(scope="module")
def report_shapes() -> rdflib.Graph:
    """The shapes graph of the add_to_report tests."""
    return rdflib.Graph().parse(data=REPORT_SHAPES, format="turtle")


def result_of(report: rdflib.Graph, focus: str) -> rdflib.term.Node:
    """The one result of a focus node."""
    found = list(report.subjects(SH.focusNode, EX[focus]))
    assert len(found) == 1, found
    return found[0]


def conforms(report: rdflib.Graph) -> rdflib.term.Node | None:
    """The sh:conforms of the report's root."""
    roots = list(report.subjects(RDF.type, SH.ValidationReport))
    assert len(roots) == 1
    return report.value(roots[0], SH.conforms)


def test_result_carries_value_component_and_both_messages(report_shapes: rdflib.Graph) -> None:
    report = report_of(report_shapes, {"Valued"})
    result = result_of(report, "c1")
    assert report.value(result, SH.sourceConstraintComponent) == SH.SPARQLConstraintComponent
    assert report.value(result, SH.sourceShape) == EX.Valued
    assert report.value(result, SH.sourceConstraint) == EX.valued
    assert report.value(result, SH.resultSeverity) == SH.Warning
    assert report.value(result, SH.value) == rdflib.Literal(1)
    assert report.value(result, SH.resultPath) is None
    assert set(report.objects(result, SH.resultMessage)) == {
        rdflib.Literal(f"Giá trị 1 của {EX.c1}", lang="vi"),
        rdflib.Literal(f"Value 1 of {EX.c1}", lang="en")}
    message = next(r.message for r in read_results(report, report_shapes) if r.focus == str(EX.c1))
    assert message == {"vi": f"Giá trị 1 của {EX.c1}", "en": f"Value 1 of {EX.c1}"}


def test_value_is_the_focus_when_unbound(report_shapes: rdflib.Graph) -> None:
    report = report_of(report_shapes, {"Unvalued"})
    result = result_of(report, "n1")
    assert report.value(result, SH.value) == EX.n1
    assert report.value(result, SH.resultSeverity) == SH.Violation
    assert set(report.objects(result, SH.resultMessage)) == {
        rdflib.Literal(f"Thiếu  ở {EX.n1}", lang="vi"),
        rdflib.Literal(f"Missing  at {EX.n1}", lang="en")}


def test_conforms_false_with_a_violation(report_shapes: rdflib.Graph) -> None:
    report = report_of(report_shapes, {"Valued", "Unvalued"})
    assert conforms(report) == rdflib.Literal(False)
    assert len(list(report.subjects(RDF.type, SH.ValidationResult))) == 3


def test_conforms_false_with_only_warnings(report_shapes: rdflib.Graph) -> None:
    """SHACL: sh:conforms is false as soon as there is a result, whatever its severity."""
    report = report_of(report_shapes, {"Valued"})
    assert conforms(report) == rdflib.Literal(False)
    assert len(list(report.subjects(RDF.type, SH.ValidationResult))) == 2


def test_results_join_an_existing_report(report_shapes: rdflib.Graph) -> None:
    taken, _ = sc.split(report_shapes)
    report = rdflib.Graph()
    root = rdflib.BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    report.add((root, SH.conforms, rdflib.Literal(True)))
    sc.add_to_report(report, sc.run(turtle_store(DATA), taken, report_shapes))
    assert conforms(report) == rdflib.Literal(False)
    assert len(list(report.objects(root, SH.result))) == 3


# --------------------------------------------------------------------------- forms once mishandled

BUGGY = PREFIXES + """
ex:FilterOnly a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select
    "PREFIX ex: <https://example.org/sc-test/> SELECT $this WHERE { FILTER NOT EXISTS { $this ex:p ?x } }" ] .
ex:Limited a sh:NodeShape ; sh:targetNode ex:n1, ex:n2, ex:n3 ; sh:sparql [ sh:select
    "PREFIX ex: <https://example.org/sc-test/> SELECT $this WHERE { $this ex:tag ?t } LIMIT 1" ] .
"""


@pytest.mark.parametrize("shape", ["FilterOnly", "Limited"])
def test_default_path_equals_pyshacl_on_unjoinable_forms(shape: str) -> None:
    shapes = rdflib.Graph().parse(data=BUGGY, format="turtle")
    triples = list(turtle_store(DATA).quads_for_pattern(None, None, None))
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in triples]
    default = validation.validate_triples(triples, shapes)
    reference = validation.validate_triples(triples, shapes, engine="pyshacl")
    expected = {r.focus for r in reference.results if r.shape == str(EX[shape])}
    assert expected  # the reference does find results
    assert {r.focus for r in default.results if r.shape == str(EX[shape])} == expected


ANNOTATED = PREFIXES + f"""
@prefix dcterms: <http://purl.org/dc/terms/> .
ex:Annotated a sh:NodeShape ; sh:targetClass ex:C ; dcterms:isPartOf ex:Rules ;
    rdfs:comment "only annotations left" ; sh:sparql [ sh:select {TAGGED} ] .
ex:WithClass a sh:NodeShape ; sh:targetClass ex:C ; sh:class ex:C ;
    sh:sparql [ sh:select {TAGGED} ] .
ex:WithCustom a sh:NodeShape ; sh:targetClass ex:C ; ex:maxTags 1 ;
    sh:sparql [ sh:select {TAGGED} ] .
ex:MaxTags a sh:ConstraintComponent ; sh:parameter [ sh:path ex:maxTags ] .
"""


@pytest.mark.parametrize(("name", "keeps_targets"),
                         [("Annotated", False), ("WithClass", True), ("WithCustom", True)])
def test_split_drops_targets_only_of_shapes_left_checking_nothing(name: str,
                                                                  keeps_targets: bool) -> None:
    """Annotations (dcterms:isPartOf, rdfs:comment) check nothing, so the engine need not collect
    the shape's focus nodes; a SHACL parameter or a declared component's parameter still checks."""
    shapes = rdflib.Graph().parse(data=ANNOTATED, format="turtle")
    _, rest = sc.split(shapes)
    assert ((EX[name], SH.targetClass, EX.C) in rest) is keeps_targets


def _most_at_once(slots: sc._Slots, calls: int, open_after: threading.Event | None) -> int:
    """How many of `calls` sleeping calls ran at once through `slots`."""
    lock, running, most = threading.Lock(), [0], [0]

    def work(_: int) -> None:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1

    with ThreadPoolExecutor(max_workers=5) as pool:
        if open_after is not None:
            pool.submit(lambda: (time.sleep(0.3), open_after.set()))
        list(pool.map(lambda i: slots.call(work, i), range(calls)))
    slots.close()
    return most[0]


def test_widening_runs_one_query_at_a_time_until_its_event_then_all_workers() -> None:
    """The Core child holds a core until it ends: until then one query at a time, then two."""
    closed = threading.Event()
    assert _most_at_once(sc._Slots(3, sc.Widening(1, closed)), 6, None) == 1
    opened = threading.Event()
    assert _most_at_once(sc._Slots(3, sc.Widening(1, opened)), 40, opened) == 3
    assert _most_at_once(sc._Slots(3, None), 12, None) == 3


# --------------------------------------------------------------------------- the store's predicates
# The constraints run on a store of the predicates their queries name (predicates_read): a
# query whose predicate is open gets every triple, and a predicate named only inside FILTER
# NOT EXISTS is kept (leaving it out would turn "in the scheme" into a violation).

PRUNING_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/sc-test/> .
ex:Secret a sh:NodeShape ; sh:targetClass ex:C ;
    sh:sparql [ sh:message "secret" ; sh:select \"\"\"
        SELECT $this WHERE { $this ?p ?o . FILTER (?p = <https://example.org/sc-test/secret>) }
    \"\"\" ] .
ex:Listed a sh:NodeShape ; sh:targetClass ex:C ;
    sh:sparql [ sh:message "not listed" ; sh:select \"\"\"
        SELECT $this ?value WHERE {
            $this <https://example.org/sc-test/kind> ?value
            FILTER NOT EXISTS { ?value <https://example.org/sc-test/inScheme>
                                       <https://example.org/sc-test/Kinds> } }
    \"\"\" ] .
"""
PRUNING_DATA = """
@prefix ex: <https://example.org/sc-test/> .
ex:a a ex:C ; ex:secret 1 ; ex:kind ex:k1 .
ex:k1 ex:inScheme ex:Kinds ; ex:note "not read by any shape" .
ex:b a ex:C ; ex:kind ex:k2 .
"""


def pruning_rows(report: validation.Report) -> list[tuple]:
    return sorted((r.focus, r.value, r.shape) for r in report.results)


def test_the_store_keeps_open_and_not_exists_predicates(tmp_path: Path) -> None:
    shapes = rdflib.Graph().parse(data=PRUNING_SHAPES, format="turtle")
    constraints, _ = sc.split(shapes)
    assert sc.predicates_read([c for c in constraints if c.shape == EX.Secret]) is None
    listed = sc.predicates_read([c for c in constraints if c.shape == EX.Listed])
    assert listed is not None and str(EX.inScheme) in listed and str(EX.note) not in listed
    expected = [(str(EX.a), str(EX.a), str(EX.Secret)), (str(EX.b), str(EX.k2), str(EX.Listed))]
    data = tmp_path / "data.ttl"
    data.write_text(PRUNING_DATA, encoding="utf-8")
    assert pruning_rows(validate_files([data], include_data=False, shapes=shapes)) == expected
    triples = read_all([data])
    assert pruning_rows(validation.validate_triples(triples, shapes)) == expected


ZERO_STEPS_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/sc-test/> .
ex:Reach a sh:NodeShape ; sh:targetNode ex:alice ;
    sh:sparql [ sh:message "reached" ; sh:select \"\"\"
        SELECT $this ?value WHERE { $this <https://example.org/sc-test/knows>* ?value .
            FILTER NOT EXISTS { ?value <https://example.org/sc-test/ok> true } }
    \"\"\" ] .
"""


def test_a_zero_step_path_from_a_target_node_sees_the_whole_graph(tmp_path: Path) -> None:
    """`$this ex:knows* ?value` with $this a target node: Oxigraph lists the graph's nodes
    for the zero steps, and ex:alice is a node only through ex:name, which no query names —
    the store must keep every triple (predicates_read is None) to report alice."""
    shapes = rdflib.Graph().parse(data=ZERO_STEPS_SHAPES, format="turtle")
    constraints, _ = sc.split(shapes)
    assert sc.predicates_read(constraints) is None
    data = tmp_path / "data.ttl"
    data.write_text('@prefix ex: <https://example.org/sc-test/> .\n'
                    'ex:alice ex:name "Alice" .\nex:bob ex:knows ex:carol .\n', encoding="utf-8")
    expected = [(str(EX.alice), str(EX.alice), str(EX.Reach))]
    assert pruning_rows(validate_files([data], include_data=False, shapes=shapes)) == expected
    assert pruning_rows(validation.validate_triples(read_all([data]), shapes)) == expected


def test_pyshacl_parses_each_query_text_once() -> None:
    """The pySHACL path prepares a SPARQL text at its first use and reuses it with other
    bindings: the answers are those of a plain graph, the text is parsed once."""
    from thamquyen.validation import PreparedQueryGraph

    data = rdflib.Graph()
    data.parse(data=f"@prefix ex: <{EX}> . ex:a ex:p 1 . ex:b ex:p 2 .", format="turtle")
    prepared = PreparedQueryGraph(data)
    text = f"SELECT ?v WHERE {{ $this <{EX}p> ?v }}"
    for node, value in (("a", 1), ("b", 2), ("a", 1)):
        bindings = {"this": rdflib.URIRef(EX + node)}
        plain = [row.v.toPython() for row in data.query(text, initBindings=bindings)]
        assert [row.v.toPython() for row in prepared.query(text, initBindings=bindings)] == \
            plain == [value]
    assert len(prepared._prepared) == 1
    assert len(prepared) == 2  # the same triples: the graph shares the data's store
