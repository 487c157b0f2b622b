"""querypredicates: the predicates a SPARQL query can read, from its text.

The SPARQL constraints run on a store that keeps only these predicates, so the reader must
never miss one: every query where a pattern's predicate is open (a variable, a negated
property set) gives None, and on every query of the shipped shapes and the W3C SHACL-SPARQL
tests the predicates rdflib's algebra finds are among those it gives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef, Variable
from rdflib.namespace import RDF
from rdflib.paths import Path as RdflibPath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from thamquyen import paths, querypredicates, sparqlconstraints
from thamquyen.namespaces import SH
from thamquyen.validation import load_shapes

ROOT = Path(__file__).resolve().parents[1]
EX = "PREFIX ex: <http://example.org/>\n"
ALWAYS = {str(RDF.type), str(RDF.first), str(RDF.rest)}

OPEN = {
    "variable predicate": "SELECT * { ?s ?p ?o }",
    "after ;": "SELECT * { ?s ex:p ?o ; ?q ?r }",
    "after ; ;": "SELECT * { ?s ex:p ?o ; ; ?q ?r }",
    "first in [ ]": "SELECT * { ?s ex:p [ ?q ?r ] }",
    "after a [ ] subject": "SELECT * { [ ex:p ?o ] ?q ?r }",
    "after [] ": "SELECT * { [] ?q ?r }",
    "after a collection subject": "SELECT * { (1 ?x) ?q ?r }",
    "after FILTER": "SELECT * { ?s ex:p ?o FILTER (?o > 1) ?a ?q ?b }",
    "after BIND": "SELECT * { BIND (1 AS ?x) ?a ?q ?b }",
    "after a group": "SELECT * { { ?s ex:p ?o } ?a ?q ?b }",
    "after a literal subject": "SELECT * { ?s ex:p ?o . \"x\"^^ex:d ?q ?b }",
    "after a spaced typed literal": "SELECT * { ?s ex:p ?o . \"x\" ^^ ex:d ?q ?b }",
    "after a number subject": "SELECT * { ?s ex:p ?o . 1.5 ?q ?b }",
    "in FILTER NOT EXISTS": "SELECT * { ?s ex:p ?o FILTER NOT EXISTS { ?o ?q ?r } }",
    "in OPTIONAL": "SELECT * { ?s ex:p ?o OPTIONAL { ?o ?q ?r } }",
    "$ variable": "SELECT * { $this $p ?o }",
    "negated set": "SELECT * { ?s !ex:p ?o }",
    "negated inverse set": "SELECT * { ?s !^ex:p ?o }",
    "negated set in a group": "SELECT * { ?s (ex:q|!(ex:p|ex:r))* ?o }",
    "negated set after /": "SELECT * { ?s ex:q/!ex:p ?o }",
    "negated set after ;": "SELECT * { ?s ex:q ?o ; !ex:p ?r }",
    "negated set in [ ]": "SELECT * { ?s ex:q [ !ex:p ?r ] }",
    "negated a": "SELECT * { ?s !a ?o }",
    "in a projected EXISTS": "SELECT ?s (EXISTS { ?s ?q ?r } AS ?e) ?t WHERE { ?s ex:p ?t }",
    "zero steps from a VALUES node": "SELECT * { VALUES ?t { ex:lonely } ?t ex:p* ?v }",
    "zero steps from a BIND": "SELECT ?v WHERE { BIND (ex:lonely AS ?r) ?r ex:p* ?v }",
    "zero steps, both ends free": "SELECT ?x ?y { ?x ex:p* ?y }",
    "zero steps, bound in another branch": "SELECT * { { ?x ex:q ?z } UNION { ?x ex:p? ?y } }",
    "zero steps under a sub-SELECT that counts": (
        "SELECT * { ?x ex:q ?z { SELECT (COUNT(*) AS ?n) WHERE { ?x ex:p? ?y } } }"),
    "zero steps in a BIND's EXISTS": "SELECT * { BIND (EXISTS { ?x ex:p? ?y } AS ?b) ?x ex:q ?z }",
    "zero steps after ;": "SELECT * { ?x ex:q ?z ; ex:p* ?y }",
    "zero steps to an object list": "SELECT * { ?x ex:q ?z . ?x ex:p* ?y , ?w }",
    "zero steps from a blank node": "SELECT ?y { _:b ex:p* ?y }",
    "zero steps to a constant, nothing bound": "SELECT ?x { ?x ex:p* ex:lonely }",
    "zero steps between constants": "ASK { ex:lonely ex:p* ex:lonely }",
    "zero steps from a literal": 'SELECT ?x { "sec"@en ex:p? ?x }',
    "zero steps, bound by a sub-SELECT that renames": (
        "SELECT * { { SELECT ?x WHERE { ?x ex:q ?o } GROUP BY (ex:lonely AS ?x) } "
        "?x ex:p* ?y }"),
    "# after a less-than": "SELECT * { ?x ex:p* ?y FILTER (true||?x<ex:b#>) . ?x ex:q ?o . "
                           "FILTER (\n) }",
    "a no-break space in an IRI": "SELECT * { ?a ex:q ?b FILTER (?b != <ex:\u00a0#>) ?s ?p ?o "
                                  "FILTER (true\n) }",
    "an Ogham space in a variable": "SELECT * { ?s\u1680a ?p ?o }",
    "DESCRIBE": "DESCRIBE ex:s",
    "a sub-SELECT's LIMIT": "SELECT * { { SELECT ?x WHERE { ?x ex:p/ex:q? ?y } LIMIT 2 } }",
    "SAMPLE": "SELECT (SAMPLE(?o) AS ?one) { ?s ex:p ?o }",
    "named graphs": "SELECT ?g { GRAPH ?g { } }",
    "less-than read as an IRI": ("SELECT * { ?s ex:q ?b . FILTER (STRLEN(?b)<ex:n(9))?s?p?o."
                                 "FILTER (STRLEN(?b)>0) }"),
    "long string ending in an escaped quote": 'SELECT * { ?s ex:q ?b FILTER (?b != """x\\"""") ?s ?p ?v }',
    "carriage returns only": "SELECT * {\r # a comment\r ?s ?p ?o }",
    ".5 after an object": "SELECT * { ?a ex:p ?b .5 !^ex:p ?o }",
    "a double as subject": "SELECT * { ?a ex:p ?b . 5.e0 !^ex:p ?o }",
    "a comment before ^^": 'SELECT * { ?a ex:p ?b . "x" # c\n ^^ex:d !^ex:p ?o }',
    "a directional language tag": 'SELECT * { ?a ex:p ?b . "x"@en--ltr !^ex:p ?o }',
    "relative IRI": "SELECT * { ?s <p> ?o }",
    "undeclared prefix": "SELECT * { ?s other:p ?o }",
    "quoted triple": "SELECT * { << ?s ex:p ?o >> ex:q ?r }",
    "unpaired bracket": "SELECT * { ?s ex:p ( ?o }",
}


@pytest.mark.parametrize("body", OPEN.values(), ids=OPEN.keys())
def test_a_query_that_may_read_any_predicate_gives_none(body: str) -> None:
    assert querypredicates.predicates_read(EX + body) is None


CLOSED = {
    "plain": ("SELECT $this WHERE { $this ex:p ?o }", {"p"}),
    "object list and ;": ("SELECT * { ?s ex:p ?o , ?o2 ; ex:q ?r }", {"p", "q"}),
    "paths": ("SELECT * { ?s ex:z ?w . ?s ex:p/ex:q* ?o . ?o ^ex:r|(ex:s+) ?x . "
              "?x ex:t? ?y . ?y ex:u ?v }", {"z", "p", "q", "r", "s", "t", "u"}),
    "zero steps from a constant": ("SELECT * { ?s ex:p ?o . ?o ex:q* ex:C . ex:D ex:r? ?o }",
                                   {"p", "q", "C", "D", "r"}),
    "zero steps, one end bound in the group": (
        "SELECT $this WHERE { $this ex:d ?x . ?x ex:postOf? ?xa . ?xa ex:type ?t ; ex:l ?l "
        "FILTER NOT EXISTS { ?t ex:broader* ex:S } }", {"d", "postOf", "type", "l", "broader", "S"}),
    "FILTER NOT EXISTS": ("SELECT * { ?s ex:p ?v FILTER NOT EXISTS { ?v ex:inScheme ex:S } }",
                          {"p", "inScheme", "S"}),
    "EXISTS in an expression": (
        "SELECT * { ?s ex:p ?v FILTER (!(EXISTS { ?v ex:q ?w } || ?v != ex:z)) }",
        {"p", "q", "z"}),
    "not bound": ("SELECT * { ?s ex:p ?v OPTIONAL { ?v ex:q ?w } FILTER (!bound(?w)) }",
                  {"p", "q"}),
    "projection and sub-SELECT": (
        "SELECT (COUNT(?x) AS ?n) ?a ?b { { SELECT $this ?x ?y WHERE { $this ex:p ?x } "
        "GROUP BY $this ?x ?y } ?x ex:q ?b }", {"p", "q"}),
    "blank-node objects": ("SELECT * { ?s ex:p [ ex:q ?r ; ex:s [ ex:t 1 ] ] }",
                           {"p", "q", "s", "t"}),
    "collection object": ("SELECT * { ?s ex:p ( ?a ?b ) }", {"p"}),
    "a": ("SELECT * { ?s a ex:C }", {"C"}),
    "escaped local name": (r"SELECT * { ?s ex:a\-b ?o }", {"a-b"}),
    "IRI written whole": ("SELECT * { ?s <http://example.org/p> ?o }", {"p"}),
    "comments and strings": ('SELECT * { # ?s ?p ?o\n ?s ex:p "?x ?y ?z" }', {"p"}),
    "division": ("SELECT * { ?s ex:p ?a ; ex:q ?b FILTER (?a / ?b > 1) }", {"p", "q"}),
    "zero steps, bound in the FILTER's group": (
        "SELECT * { ?x ex:q ?z FILTER NOT EXISTS { ?x ex:p* ?y } }", {"q", "p"}),
    "zero steps to a constant, the other end bound": (
        "SELECT * { ?t ex:q ?z . ?t ex:broader* ex:S }", {"q", "broader", "S"}),
    "zero steps, bound by a sub-SELECT": (
        "SELECT * { { SELECT ?x WHERE { ?x ex:q ?z } } ?x ex:p? ?y }", {"q", "p"}),
    "a PREFIX in a comment or a string": (
        'SELECT * { ?s ex:p ?o FILTER (?o != "PREFIX ex: <http://wrong.org/>") } '
        "# PREFIX ex: <http://wrong.org/>", {"p"}),
}


@pytest.mark.parametrize(("body", "names"), CLOSED.values(), ids=CLOSED.keys())
def test_a_closed_query_gives_every_iri_it_writes(body: str, names: set[str]) -> None:
    found = querypredicates.predicates_read(EX + body)
    assert found is not None
    expected = {f"http://example.org/{name}" for name in names}
    assert expected | ALWAYS <= found
    assert found - expected <= ALWAYS | {"http://example.org/"}  # the PREFIX line's own IRI


def algebra_predicates(query: str) -> set[str] | None:
    """The predicates rdflib's algebra of the query reads, or None when one is open."""
    found: set[str] = set()
    for predicate in _predicates(prepareQuery(query).algebra):
        if predicate is None:
            return None
        found.add(predicate)
    return found


def _predicates(node: object) -> Iterator[str | None]:
    if isinstance(node, CompValue):
        # an EXISTS keeps its group untranslated: TriplesBlock, not BGP
        if node.name in ("BGP", "TriplesBlock"):
            for triples in node.triples:  # a TriplesBlock's: s p o s p o … in one list
                for predicate in list(triples)[1::3]:
                    yield from _path_predicates(predicate)
        for value in node.values():
            yield from _predicates(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _predicates(item)


def _path_predicates(predicate: object) -> Iterator[str | None]:
    if isinstance(predicate, URIRef):
        yield str(predicate)
    elif isinstance(predicate, Variable) or type(predicate).__name__ == "NegatedPath":
        yield None
    elif isinstance(predicate, RdflibPath):  # Sequence/Alternative: args; Inv: arg; Mul: path
        parts = getattr(predicate, "args", None) or [getattr(predicate, "arg", None)
                                                     or predicate.path]
        for part in parts:
            yield from _path_predicates(part)


def corpus() -> Iterator[tuple[str, str]]:
    """Every whole-set query of the shipped SPARQL constraints and of the W3C SHACL-SPARQL
    test shapes, with the queries above."""
    for constraint in sparqlconstraints.split(load_shapes())[0]:
        yield str(constraint.shape), sparqlconstraints._whole_set(constraint)
    for file in sorted((ROOT / "tests" / "w3c" / "sparql").rglob("*.ttl")):
        graph = Graph().parse(file, format="turtle")
        for select in graph.objects(None, SH.select):
            prologue = "".join(f"PREFIX {p}: <{n}>\n" for p, n in graph.namespaces())
            text = str(select).replace("$PATH", "ex:path").replace("$currentShape", "ex:s")
            text = text.replace("$shapesGraph", "ex:g")
            yield file.name, prologue + EX + text
    for name, body in {**OPEN, **{k: v for k, (v, _) in CLOSED.items()}}.items():
        yield name, EX + body


def test_every_predicate_the_algebra_reads_is_kept() -> None:
    compared = opened = 0
    for name, query in corpus():
        try:
            exact = algebra_predicates(query)
        except Exception:  # rdflib refuses a few queries (quoted triples, bad syntax)
            continue
        read = querypredicates.predicates_read(query)
        if exact is not None:  # rdflib keeps a local name's escapes (`ex:a\-b` is ex:a-b)
            exact = {re.sub(r"\\(.)", r"\1", iri) for iri in exact}
        if exact is None:
            assert read is None, f"{name}: a pattern's predicate is open"
            opened += 1
        elif read is not None:
            assert exact <= read, f"{name}: {exact - read} missing"
            compared += 1
    assert compared > 80 and opened > 15


def test_the_shipped_constraints_name_their_predicates() -> None:
    """The shipped shapes prune their store (no open predicate in any query)."""
    shapes = load_shapes([paths.shapes_dir()])
    constraints, _ = sparqlconstraints.split(shapes)
    keep = sparqlconstraints.predicates_read(constraints)
    assert keep is not None
    assert "http://www.w3.org/2004/02/skos/core#inScheme" in keep  # read in FILTER NOT EXISTS
    assert "http://www.w3.org/2004/02/skos/core#prefLabel" not in keep
