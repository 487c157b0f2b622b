"""Check a change (e.g. one new delegation) against the full graph without re-validating it all.

What a write, a pre-commit check or the import of one row needs: the SHACL report for the
nodes the change touches, as a full validation would give it for them. Two steps:

1. The focus nodes: every subject of the new triples; the power of a new conferral or
   delegation (one matter, at most two levels: tqs:R8 targets the power); and the existing
   delegations of that power whose delegator is the new delegate (no onward delegation of
   what was received by ủy quyền: tqs:R3 looks at them).
2. The context: the part of base ∪ new that the shapes can read from those focus nodes —
   the ontology; everything the focus nodes point at (4 steps out: parties, instrument and
   the document it is part of, territory, power); every conferral and delegation of the same
   power with their parties (3 steps out); posts of the parties and the reorganizations they
   succeed by; for a delegation to a role, the units below the delegator's territory with
   their agencies (or, for a delegator without territory, every agency of the role's type and
   level).

The focus nodes are then validated on the context with the chosen engine (`focus_nodes=`).
tests/test_bench.py checks that this gives the same report as validating the same focus nodes
on the whole graph, for valid and for broken delegations; a new shape that reads further than
the context would show up there.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence

import pyoxigraph as ox
import rdflib

from . import paths
from .namespaces import TQ
from .rdfio import read_all
from .validation import Report, load_shapes, validate_triples

Term = ox.NamedNode | ox.BlankNode | ox.Literal
DELEGATION_KINDS = {str(TQ.Delegation), str(TQ.Decentralization), str(TQ.Authorization)}
RDF_TYPE = ox.NamedNode(str(rdflib.RDF.type))
P = {name: ox.NamedNode(str(TQ[name])) for name in (
    "power", "delegate", "delegator", "holder", "postOf", "successor", "partOf", "jurisdiction",
    "agencyType", "level")}
ROLE = ox.NamedNode(str(TQ.AuthorityRole))
AGENCY = ox.NamedNode(str(TQ.Agency))


@functools.lru_cache(maxsize=1)
def ontology_triples() -> tuple[ox.Triple, ...]:
    """The ontology and code lists (always part of the context)."""
    return tuple(read_all([paths.ontology_dir()]))


class Union:
    """base ∪ new, read by pattern (the base store is never written). The new triples are
    indexed once, so reading them stays linear in the size of the change."""

    def __init__(self, base: ox.Store, new: Sequence[ox.Triple]):
        self.base = base
        self.new = list(new)
        self.by_subject: dict[Term, list[ox.Triple]] = defaultdict(list)
        self.by_object: dict[tuple[ox.NamedNode, Term], list[Term]] = defaultdict(list)
        for t in self.new:
            self.by_subject[t.subject].append(t)
            self.by_object[t.predicate, t.object].append(t.subject)

    def out(self, node: Term) -> list[ox.Triple]:
        """Triples with this subject."""
        found = [q.triple for q in self.base.quads_for_pattern(node, None, None)]
        return found + self.by_subject.get(node, [])

    def into(self, node: Term, predicate: ox.NamedNode) -> list[Term]:
        """Subjects s with (s, predicate, node)."""
        found = [q.subject for q in self.base.quads_for_pattern(None, predicate, node)]
        return found + self.by_object.get((predicate, node), [])

    def objects(self, node: Term, predicate: ox.NamedNode) -> list[Term]:
        """Objects o with (node, predicate, o)."""
        found = [q.object for q in self.base.quads_for_pattern(node, predicate, None)]
        return found + [t.object for t in self.by_subject.get(node, []) if t.predicate == predicate]

    def subjects_with(self, predicate: ox.NamedNode, value: Term) -> list[Term]:
        """Subjects s with (s, predicate, value) (same as into, named for reading)."""
        return self.into(value, predicate)


def _expandable(term: Term) -> bool:
    """Every IRI and blank node, in any namespace: provinces mint their own IRIs, and a node
    left out of the context would be validated as if it had no triples (a silent pass)."""
    return isinstance(term, ox.NamedNode | ox.BlankNode)


class Context:
    """Collects context triples, each node's outbound triples once."""

    def __init__(self, graph: Union):
        self.graph = graph
        self.triples: set[ox.Triple] = set()
        self.done: dict[Term, int] = {}

    def outward(self, nodes: Iterable[Term], depth: int) -> None:
        """Outbound triples of the nodes and of what they point at, `depth` steps out."""
        frontier = [n for n in nodes if _expandable(n)]
        for step in range(depth, 0, -1):
            following = []
            for node in frontier:
                if self.done.get(node, 0) >= step:
                    continue
                self.done[node] = step
                for triple in self.graph.out(node):
                    self.triples.add(triple)
                    if _expandable(triple.object):
                        following.append(triple.object)
            frontier = following

    def nodes(self) -> set[Term]:
        """Every node seen so far."""
        return set(self.done)


def _types(graph: Union, node: Term) -> set[str]:
    return {t.value for t in graph.objects(node, RDF_TYPE) if isinstance(t, ox.NamedNode)}


def touched_nodes(new_triples: Sequence[ox.Triple], graph: Union) -> list[Term]:
    """Focus nodes of a change: new subjects, their powers, delegations by the new delegates."""
    focus: dict[Term, None] = {t.subject: None for t in new_triples}
    for subject in list(focus):
        for power in graph.objects(subject, P["power"]):
            focus[power] = None
            if not _types(graph, subject) & DELEGATION_KINDS:
                continue
            delegates = set(graph.objects(subject, P["delegate"]))
            for other in graph.into(power, P["power"]):
                if other != subject and set(graph.objects(other, P["delegator"])) & _parties(
                        graph, delegates):
                    focus[other] = None
    return list(focus)


def _parties(graph: Union, delegates: set[Term]) -> set[Term]:
    """The delegates, the posts of delegate agencies and the agencies of delegate posts."""
    found = set(delegates)
    for node in delegates:
        found.update(graph.objects(node, P["postOf"]))
        found.update(graph.into(node, P["postOf"]))
        if ROLE.value in _types(graph, node):
            found.update(_role_agencies(graph, node, None))
    return found


def _units_below(graph: Union, units: Iterable[Term]) -> set[Term]:
    found, todo = set(units), list(units)
    while todo:
        for child in graph.into(todo.pop(), P["partOf"]):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _role_agencies(graph: Union, role: Term, territory: set[Term] | None) -> set[Term]:
    """Agencies of a role's type and level, inside the territory's units (None: anywhere)."""
    kinds, levels = graph.objects(role, P["agencyType"]), set(graph.objects(role, P["level"]))
    found = set()
    for kind in kinds:
        for agency in graph.subjects_with(P["agencyType"], kind):
            if not levels & set(graph.objects(agency, P["level"])):
                continue
            if territory is None or territory & set(graph.objects(agency, P["jurisdiction"])):
                found.add(agency)
    return found


def context_triples(focus: Sequence[Term], new_triples: Sequence[ox.Triple],
                    graph: Union) -> list[ox.Triple]:
    """The triples of base ∪ new the shapes can read from the focus nodes (see module doc)."""
    ctx = Context(graph)
    ctx.outward(focus, 4)
    powers = {o for n in focus for o in graph.objects(n, P["power"])}
    powers |= {n for n in focus if str(TQ.Power) in _types(graph, n)}
    items = {i for p in powers for i in graph.into(p, P["power"])}
    ctx.outward(items, 3)
    parties = {o for n in ctx.nodes() for pred in ("delegator", "delegate", "holder")
               for o in graph.objects(n, P[pred])}
    extra: set[Term] = set()
    for party in parties:
        agencies = {party, *graph.objects(party, P["postOf"])}
        extra.update(graph.into(party, P["postOf"]))
        for agency in agencies:
            extra.update(graph.into(agency, P["successor"]))
    ctx.outward(extra, 3)
    for node in focus:
        if not _types(graph, node) & DELEGATION_KINDS:
            continue
        for delegate in graph.objects(node, P["delegate"]):
            if ROLE.value in _types(graph, delegate):
                ctx.outward(_role_context(graph, node, delegate), 2)
    return [*ontology_triples(), *ctx.triples]


def _role_context(graph: Union, delegation: Term, role: Term) -> set[Term]:
    """Units below the delegator's territory and the agencies there (or the role's agencies)."""
    delegators = set(graph.objects(delegation, P["delegator"]))
    holders = delegators | {a for d in delegators for a in graph.objects(d, P["postOf"])}
    territory = {j for h in holders for j in graph.objects(h, P["jurisdiction"])}
    if not territory:
        return _role_agencies(graph, role, None)
    units = _units_below(graph, territory)
    agencies = {a for u in units for a in graph.into(u, P["jurisdiction"])}
    return units | agencies


def validate_change(new_triples: Sequence[ox.Triple], base: ox.Store,
                    shapes: rdflib.Graph | None = None, *, engine: str | None = None) -> Report:
    """SHACL report for the nodes a change touches, validated against base ∪ new.

    `base` is the full graph (e.g. the embedded store, opened read-only); it is not modified.
    """
    return check_change(new_triples, base, shapes, engine=engine)[0]


def check_change(new_triples: Sequence[ox.Triple], base: ox.Store,
                 shapes: rdflib.Graph | None = None, *,
                 engine: str | None = None) -> tuple[Report, set[str]]:
    """`validate_change`'s report and the IRIs of the nodes it covers (the touched nodes)."""
    graph = Union(base, new_triples)
    focus = touched_nodes(new_triples, graph)
    triples = context_triples(focus, new_triples, graph)
    focus_iris = [f.value for f in focus if isinstance(f, ox.NamedNode)]
    report = validate_triples(triples, shapes if shapes is not None else load_shapes(),
                              engine=engine, focus_nodes=focus_iris)
    return report, set(focus_iris)
