"""SHACL validation of ontology + data (+ extra files) against shapes/, engine-independent report."""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD
from rdflib.plugins.sparql import prepareQuery

from . import heap, paths, sparqlconstraints
from .forked import ForkedCall
from .namespaces import SH
from .progress import Phases
from .rdfio import (
    load_turtle,
    predicate_nodes,
    read_all,
    read_turtle_namespaces,
    to_rdflib_graph,
    turtle_files,
)
from .sparqlconstraints import ShapesError

ENGINES = ("turbo", "turbo-per-node", "pyshacl")
TRUE = rdflib.Literal(True).n3()
KEPT_DATATYPES = {str(XSD.string), str(XSD.date), str(XSD.dateTime), str(XSD.anyURI),
                  "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}
SEVERITIES = {str(SH.Violation): "Violation", str(SH.Warning): "Warning", str(SH.Info): "Info"}
# `_:` then a label with a character beyond ASCII (or a literal that reads so: then no harm)
NON_ASCII_BLANK_NODE = re.compile(r"_:[^\s]*[^\x00-\x7f]")
# Oxigraph's Turtle: its strings and IRIs, where a \\u escape may stand for a character
QUOTED_OR_IRI = re.compile(rb'"(?:[^"\\\n]|\\.)*"|<[^<>\n]*>')
PREFIX_NAME = re.compile(r"(?:[A-Za-z](?:[\w.-]*[\w-])?)?")
UCHAR_ESCAPE = "thamquyen-n-triples-uchar"
FALLBACK_MESSAGE = {
    "vi": "Dữ liệu không thỏa mãn ràng buộc {shape}.",
    "en": "The data does not satisfy the constraint {shape}.",
}


_ESCAPED: dict[str, str] = {}


def _uchars(error: UnicodeEncodeError) -> tuple[str, int]:
    """The encode error handler of nt_ascii: N-Triples escapes for a run of non-ASCII (runs
    repeat: Vietnamese text is a few hundred letters, met a million times at ~3 M triples)."""
    run = error.object[error.start:error.end]
    escaped = _ESCAPED.get(run)
    if escaped is None:
        escaped = "".join(f"\\u{ord(c):04X}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08X}"
                          for c in run)
        if len(_ESCAPED) < 100_000:
            _ESCAPED[run] = escaped
    return escaped, error.end


codecs.register_error(UCHAR_ESCAPE, _uchars)


@dataclass(frozen=True, order=True)
class Result:
    """One validation result, in the JSON report shape of architecture.md."""

    severity: str
    focus: str | None
    path: str | None
    value: str | None
    shape: str | None
    message: dict[str, str] = field(compare=False, hash=False)
    source: str | None = field(compare=False, default=None)

    def as_json(self) -> dict:
        """The result as a JSON-ready dict."""
        return {"severity": self.severity, "focus": self.focus, "path": self.path,
                "value": self.value, "shape": self.shape, "message": self.message,
                "source": self.source}


FAIL_ON = {"violation": frozenset({"Violation"}),
           "warning": frozenset({"Violation", "Warning"}),
           "info": frozenset({"Violation", "Warning", "Info"})}


@dataclass
class Report:
    """A whole validation report.

    `conforms` is SHACL's sh:conforms: true only when there is no result at all, whatever its
    severity. `fails` is the exit-code policy: true when a result has a severity in `fail_on`
    (by default only Violations fail a run; `--fail-on warning` adds Warnings).
    """

    results: list[Result]
    graph: rdflib.Graph
    fail_on: frozenset[str] = FAIL_ON["violation"]

    @property
    def conforms(self) -> bool:
        """SHACL's sh:conforms: no result of any severity."""
        return not self.results

    @property
    def fails(self) -> bool:
        """True when a result's severity is one that fails the run (`fail_on`)."""
        return any(r.severity in self.fail_on for r in self.results)

    def count(self, severity: str) -> int:
        """How many results have this severity."""
        return sum(1 for r in self.results if r.severity == severity)

    def as_json(self) -> dict:
        """The report as architecture.md's JSON document."""
        return {"conforms": self.conforms, "fails": self.fails,
                "results": [r.as_json() for r in self.results]}


def knowledge_paths(include_data: bool = True) -> list[Path]:
    """The shipped knowledge that forms the data graph: ontology (and data)."""
    found = [paths.ontology_dir()]
    if include_data:
        found.append(paths.data_dir())
    return [p for p in found if p.exists()]


def load_shapes(shapes: Sequence[Path] | None = None) -> rdflib.Graph:
    """The shapes graph, from shapes/ unless other files are given."""
    return to_rdflib_graph(read_all(shapes or [paths.shapes_dir()]))


def validate_files(extra: Iterable[Path] = (), *, include_data: bool = True,
                   engine: str | None = None, shapes: rdflib.Graph | None = None,
                   phases: Phases | None = None) -> Report:
    """Validate ontology (+ data/) + the extra files/folders against the shapes."""
    phases = phases or Phases.silent()
    phases.phase("Đọc dữ liệu Turtle…", "Reading the Turtle data…")
    files = [*knowledge_paths(include_data), *extra]
    shapes = shapes if shapes is not None else load_shapes()
    if (engine or os.environ.get("THAMQUYEN_SHACL_ENGINE", "turbo")) == "turbo":
        return _validate_streamed(files, shapes, phases)
    return validate_triples(read_all(files), shapes, engine=engine, phases=phases)


def _validate_streamed(files: Sequence[Path], shapes: rdflib.Graph, phases: Phases) -> Report:
    """The default engine on files, each file read as a stream (at ~3 M triples the list of
    all parsed triples alone took more than a GB). With SPARQL constraints and two cores, a
    child forked before anything is read parses the files into the core engine's N-Triples
    and runs it, while this process parses them into the Oxigraph store of the SPARQL
    constraints: the data lives once in each process, no copy-on-write pages are shared,
    and the core engine starts as soon as its own text is read. Same report as
    validate_triples on the same triples."""
    constraints, core_shapes = sparqlconstraints.split(shapes)
    files = turtle_files(files)
    job = (files, read_predicates(core_shapes), plain_strings(core_shapes))
    if constraints and (os.cpu_count() or 1) >= 2:
        report_graph = _forked_core_and_constraints(job, constraints, shapes, phases)
    else:
        store = ox.Store() if constraints else None
        text, count = read_core_text(job[0], job[1], store,
                                     sparqlconstraints.predicates_read(constraints))
        _announce(phases, count)
        report_graph = _core_report(_engine_input(text), job[2])
        del text
        if store is not None:
            sparqlconstraints.add_to_report(
                report_graph, sparqlconstraints.run(store, constraints, shapes, 1))
    return _report(report_graph, shapes, phases)


def _forked_core_and_constraints(job: tuple, constraints: list, shapes: rdflib.Graph,
                                 phases: Phases) -> rdflib.Graph:
    """The core report of the files (made by a child, `_core_of_files`) with the findings of
    the SPARQL constraints on a store of the same files (made here meanwhile)."""
    child = ForkedCall(lambda: _report_triples(_core_of_files(*job)))
    try:
        store, keep = ox.Store(), sparqlconstraints.predicates_read(constraints)
        for file in job[0]:
            load_turtle(store, file, keep)
        _announce(phases, len(store))
        # one core is the child's until it ends: more threads meanwhile would only take turns
        # with it, each running query holding its own working memory
        cores = os.cpu_count() or 1
        findings = sparqlconstraints.run(
            store, constraints, shapes, cores,
            widen=sparqlconstraints.Widening(max(1, cores - 1), child.ended))
        del store  # freed while the child may still be at work
        heap.give_back_freed_memory()
        report_graph = _from_child(child)
    finally:
        child.stop()
    sparqlconstraints.add_to_report(report_graph, findings)
    return report_graph


def _core_of_files(files: Sequence[Path], keep: frozenset[str] | None,
                   core_shapes: rdflib.Graph) -> object:
    """The core engine's report on the files (read here, into its N-Triples only)."""
    text, _ = read_core_text(files, keep)
    return _engine_report(_engine_input(text), core_shapes)


def _extend(store: ox.Store, triples: Iterable[ox.Triple],
            keep: frozenset[str] | None = None) -> None:
    kept = predicate_nodes(keep)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples
                      if kept is None or t.predicate in kept)


def read_core_text(files: Sequence[Path], keep: frozenset[str] | None,
                   store: ox.Store | None = None,
                   store_keep: frozenset[str] | None = None) -> tuple[str, int]:
    """The files as the core engine's Turtle (`core_text`, pruned to `keep`, each file's own
    prefixes) and how many triples they hold; with a store, their triples are added to it too
    (pruned to `store_keep`; one parse for both). The text is put together as bytes, then
    made a str once: a str of ASCII takes one byte a character, and the engine reads it in
    place of a UTF-8 copy."""
    buffer, count = bytearray(), 0
    kept = predicate_nodes(keep)
    for file in files:
        triples, namespaces = read_turtle_namespaces(file)
        if store is not None:
            _extend(store, triples, store_keep)
        buffer += core_text([t for t in triples if kept is None or t.predicate in kept],
                            namespaces)
        count += len(triples)
        del triples
    text = buffer.decode("utf-8")
    del buffer
    return text, count


def _announce(phases: Phases, count: int) -> None:
    phases.phase(f"Kiểm tra SHACL {count:,} bộ ba…".replace(",", "."),
                 f"SHACL validation of {count:,} triples…")


def validate_triples(triples: Sequence[ox.Triple], shapes: rdflib.Graph, *,
                     engine: str | None = None, focus_nodes: Sequence[str] | None = None,
                     phases: Phases | None = None) -> Report:
    """Validate triples against a shapes graph with the chosen engine (turbo or pyshacl)."""
    engine = engine or os.environ.get("THAMQUYEN_SHACL_ENGINE", "turbo")
    phases = phases or Phases.silent()
    _announce(phases, len(triples))
    if engine == "pyshacl":
        report_graph = _run_pyshacl(to_rdflib_graph(triples), shapes, focus_nodes)
    elif engine in ("turbo", "turbo-per-node"):
        report_graph = _run_turbo(triples, shapes, focus_nodes, whole_set=engine == "turbo")
    else:
        raise ValueError(f"unknown SHACL engine {engine!r} (use {', '.join(ENGINES)})")
    return _report(report_graph, shapes, phases)


def _report(report_graph: rdflib.Graph, shapes: rdflib.Graph, phases: Phases) -> Report:
    _set_conforms(report_graph)
    phases.phase("Đọc báo cáo…", "Reading the report…")
    return Report(results=read_results(report_graph, shapes), graph=report_graph)


def _set_conforms(report_graph: rdflib.Graph) -> None:
    """sh:conforms as SHACL defines it: false as soon as there is a result, whatever its
    severity (engines may write true when there are only Warnings)."""
    root = report_graph.value(predicate=RDF.type, object=SH.ValidationReport)
    if root is not None:
        has_result = report_graph.value(root, SH.result) is not None
        report_graph.set((root, SH.conforms, rdflib.Literal(not has_result)))


def _checked(report_graph: object) -> rdflib.Graph:
    """The engine's report graph, or a ShapesError when it refused the shapes graph (the
    engines return a ValidationFailure object instead of a report for ill-formed shapes)."""
    if isinstance(report_graph, rdflib.Graph):
        return report_graph
    raise ShapesError.from_engine(str(getattr(report_graph, "message", report_graph)))


def _kwargs(focus_nodes: Sequence[str] | None) -> dict:
    kwargs = {"inference": "none", "advanced": True, "allow_warnings": True,
              "allow_infos": True}
    if focus_nodes:
        kwargs["focus_nodes"] = [rdflib.URIRef(f) for f in focus_nodes]
    return kwargs


class PreparedQueryGraph(rdflib.Graph):
    """An rdflib graph that parses each SPARQL text once. pySHACL asks a SPARQL constraint
    once per focus node, and rdflib parses the text each time (on the typed-reference
    fixtures: 72 texts asked 518 times, 22 s of 26 s spent parsing)."""

    def __init__(self, data: rdflib.Graph) -> None:
        super().__init__(store=data.store, identifier=data.identifier,
                         namespace_manager=data.namespace_manager)
        self._prepared: dict[tuple, object] = {}

    def query(self, query_object: object, processor: object = "sparql",  # type: ignore[override]
              result: object = "sparql", initNs: Mapping | None = None,
              initBindings: Mapping | None = None, use_store_provided: bool = True,
              **kwargs: object) -> rdflib.query.Result:
        """Graph.query, with a text in the SPARQL language parsed at its first use only."""
        if isinstance(query_object, str) and processor == "sparql":
            initNs = initNs or dict(self.namespaces())
            key = (query_object, tuple(sorted(initNs.items())))
            if key not in self._prepared:
                self._prepared[key] = prepareQuery(query_object, initNs=initNs)
            query_object = self._prepared[key]
        return super().query(query_object, processor, result, initNs, initBindings,
                             use_store_provided, **kwargs)


def _run_pyshacl(data: rdflib.Graph, shapes: rdflib.Graph,
                 focus_nodes: Sequence[str] | None) -> rdflib.Graph:
    """pySHACL on `data`, which it may change (SHACL rules): callers pass a graph of their own.
    In place, so that its queries go through PreparedQueryGraph (a copy would be a plain graph)."""
    import pyshacl

    _, report_graph, _ = pyshacl.validate(PreparedQueryGraph(data), shacl_graph=shapes,
                                          inplace=True, **_kwargs(focus_nodes))
    return _checked(report_graph)


def _run_turbo(triples: Sequence[ox.Triple], shapes: rdflib.Graph,
               focus_nodes: Sequence[str] | None, whole_set: bool = True) -> rdflib.Graph:
    """pyshacl-turbo; the SPARQL constraints of node shapes run alongside on an Oxigraph store,
    once over all their targets (sparqlconstraints), and the engine reads the rest of the data
    as parsed (`core_input`); with focus nodes, both keep the results of those nodes only
    (the data of a focused check is small: one query over it costs less than one per node,
    and a second process more than it saves); with whole_set false, pyshacl-turbo alone on a
    store (each SPARQL constraint once per focus node)."""
    if not whole_set:
        return _run_turbo_on_store(triples, shapes, focus_nodes)
    constraints, core_shapes = sparqlconstraints.split(shapes)
    return _core_with_constraints(
        (core_input(triples, core_shapes), plain_strings(core_shapes), focus_nodes),
        lambda: _run_constraints(triples, constraints, shapes, focus_nodes),
        fork=bool(constraints) and not focus_nodes)


def _core_with_constraints(job: tuple, sparql: Callable[[], list], fork: bool) -> rdflib.Graph:
    """The core report (pyshacl-turbo on `job`) with the findings of `sparql` added; the two
    run at once on two cores or more (fork), one after the other otherwise."""
    if (os.cpu_count() or 1) < 2 or not fork:
        report_graph = _core_report(*job)
        sparqlconstraints.add_to_report(report_graph, sparql())
        return report_graph
    child = ForkedCall(lambda: _report_triples(_engine_report(*job)))
    # the child has its copy: this process frees the N-Triples text before the SPARQL
    # constraints run (the caller holds no reference; the lambda reads this cell)
    job = None
    try:
        findings = sparql()
        report_graph = _from_child(child)
    finally:
        child.stop()
    sparqlconstraints.add_to_report(report_graph, findings)
    return report_graph


def _core_report(data: object, core_shapes: rdflib.Graph,
                 focus_nodes: Sequence[str] | None = None) -> rdflib.Graph:
    """pyshacl-turbo on the core shapes (the SPARQL constraints taken out)."""
    return _checked(_engine_report(data, core_shapes, focus_nodes))


def _engine_report(data: object, core_shapes: rdflib.Graph,
                   focus_nodes: Sequence[str] | None = None) -> object:
    import pyshacl_turbo

    return pyshacl_turbo.validate(data, shacl_graph=core_shapes, **_kwargs(focus_nodes))[1]


def _report_triples(report: object) -> tuple[str, object]:
    """In the forked child: the report's triples (blank-node ids kept), or the engine's refusal
    message (ShapesError, whose constructor pickling cannot call, is made in the parent)."""
    if isinstance(report, rdflib.Graph):
        return "ok", list(report)
    return "failure", str(getattr(report, "message", report))


def _from_child(child: ForkedCall) -> rdflib.Graph:
    """The report graph the child made (`_report_triples`), or its refusal as a ShapesError."""
    outcome, payload = child.result()
    if outcome == "failure":
        raise ShapesError.from_engine(payload)
    report_graph = rdflib.Graph()
    for triple in payload:
        report_graph.add(triple)
    return report_graph


def _store(triples: Iterable[ox.Triple], keep: frozenset[str] | None = None) -> ox.Store:
    store = ox.Store()
    _extend(store, triples, keep)
    return store


def _run_constraints(triples: Sequence[ox.Triple], constraints: list, shapes: rdflib.Graph,
                     focus_nodes: Sequence[str] | None = None) -> list:
    """The SPARQL constraints over all their targets, on a store of the triples (the findings
    of the focus nodes only, when given)."""
    if not constraints:
        return []
    focus = {ox.NamedNode(f) for f in focus_nodes} if focus_nodes else None
    store = _store(triples, sparqlconstraints.predicates_read(constraints))
    return sparqlconstraints.run(store, constraints, shapes, os.cpu_count() or 1, focus=focus)


def _run_turbo_on_store(triples: Sequence[ox.Triple], shapes: rdflib.Graph,
                        focus_nodes: Sequence[str] | None) -> rdflib.Graph:
    """pyshacl-turbo alone on an Oxigraph store.

    Oxigraph stores some literals in canonical form ("5"^^xsd:byte comes back as xsd:integer,
    "1.0"^^xsd:decimal as "1"): SHACL must see them as written, so when the data has such a
    literal the shapes are checked by pySHACL on the triples as parsed."""
    import pyshacl_turbo

    if not literals_kept(triples):
        return _run_pyshacl(to_rdflib_graph(triples), shapes, focus_nodes)
    _, report_graph, _ = pyshacl_turbo.validate(_store(triples),
                                                shacl_graph=typed_strings(shapes),
                                                **_kwargs(focus_nodes))
    return _checked(report_graph)


def core_input(triples: Sequence[ox.Triple], core_shapes: rdflib.Graph) -> object:
    """The data graph as pyshacl-turbo reads it (N-Triples), pruned to the triples SHACL Core
    can read for these shapes (`read_predicates`): the engine re-parses and indexes every
    triple it is given, whether a shape looks at it or not."""
    kept = predicate_nodes(read_predicates(core_shapes))
    if kept is not None:
        triples = [t for t in triples if t.predicate in kept]
    namespaces = {name: str(namespace) for name, namespace in core_shapes.namespaces()
                  if PREFIX_NAME.fullmatch(name)}
    return _engine_input(core_text(triples, namespaces).decode("utf-8"))


def core_text(triples: Sequence[ox.Triple], namespaces: dict[str, str]) -> bytes:
    """The triples as the core engine reads them: Oxigraph's Turtle, the namespaces as
    prefixes, in ASCII where it can be (`nt_ascii`). The engine holds its input beside its own
    graph: at ~3 M triples this text is a third of the N-Triples and the engine's peak
    1.32 GiB instead of 1.78. A prefixed name or blank-node label beyond ASCII cannot be
    escaped: such triples go as N-Triples (a Turtle document may hold N-Triples)."""
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=namespaces)
    if data.isascii():
        return data
    if not QUOTED_OR_IRI.sub(b"", data).isascii():
        return nt_ascii(triples)
    return data.decode("utf-8").encode("ascii", errors=UCHAR_ESCAPE)


def nt_ascii(triples: Iterable[ox.Triple]) -> bytes:
    """The triples as N-Triples in ASCII where it can be: a character beyond ASCII written as
    \\uXXXX (or \\UXXXXXXXX), which N-Triples reads as the same IRI or literal. A str of
    ASCII takes a byte a character where Vietnamese text takes two, plus a UTF-8 copy when the
    engine reads it. A blank-node label cannot be escaped: a text that may hold one beyond
    ASCII stays UTF-8 (the same terms either way)."""
    text = "".join(f"{t} .\n" for t in triples)
    if text.isascii():
        return text.encode("ascii")
    if NON_ASCII_BLANK_NODE.search(text):
        return text.encode("utf-8")
    return text.encode("ascii", errors=UCHAR_ESCAPE)


def _engine_input(text: str) -> object:
    """Turtle text (`core_text`) as pyshacl-turbo reads it, blank-node labels kept (the SPARQL
    findings name the same nodes)."""
    from pyshacl_turbo.rdf import Input

    return Input(text, "turtle", None, {}, preserve_ids=True)


# A shape with these reads triples beyond its paths (sh:closed: every predicate; SPARQL and
# SHACL-AF/JS extensions: whatever their code reads), so the data graph is given whole. (The
# sh:select of a constraint `sparqlconstraints.split` took is left unlinked: it reads nothing.)
READS_ANY_PREDICATE = tuple(SH[name] for name in (
    "closed", "sparql", "target", "rule", "validator", "nodeValidator", "propertyValidator",
    "expression", "js", "jsFunctionName", "jsLibrary"))


def read_predicates(shapes: rdflib.Graph) -> frozenset[str] | None:
    """The predicates SHACL Core can read in the data graph for these shapes, or None when a
    shape may read any (READS_ANY_PREDICATE).

    Core reads the data only along paths (sh:path and the property pairs sh:equals,
    sh:disjoint, sh:lessThan, sh:lessThanOrEquals), targets (sh:targetSubjectsOf,
    sh:targetObjectsOf; sh:targetClass and sh:class by rdf:type and rdfs:subClassOf): each of
    those predicates is an IRI object of a triple of the shapes graph, so keeping every IRI
    object (a superset) plus rdf:type and rdfs:subClassOf keeps everything a result depends on.
    """
    if any(True for p in READS_ANY_PREDICATE for _ in shapes.triples((None, p, None))):
        return None
    found = {str(o) for o in shapes.objects() if isinstance(o, rdflib.URIRef)}
    return frozenset(found | {str(RDF.type), str(RDFS.subClassOf)})


def literals_kept(triples: Iterable[ox.Triple]) -> bool:
    """True when Oxigraph keeps every literal of the triples as written (datatype and lexical
    form); only datatypes it may canonicalise (numbers, booleans, …) are tried."""
    odd = {t.object for t in triples if isinstance(t.object, ox.Literal)
           and not t.object.language and t.object.datatype.value not in KEPT_DATATYPES}
    if not odd:
        return True
    probe = ox.Store()
    subject, predicate = ox.NamedNode("urn:x-probe:s"), ox.NamedNode("urn:x-probe:p")
    probe.bulk_extend(ox.Quad(subject, predicate, o) for o in odd)
    return {q.object for q in probe} == odd


def typed_strings(shapes: rdflib.Graph) -> rdflib.Graph:
    """The shapes graph as pyshacl-turbo must read it beside a store: plain literals of
    sh:hasValue, sh:in lists and sh:targetNode written as xsd:string (it reads the store's
    strings as xsd:string and compares terms); see `_engine_strings`."""
    return _engine_strings(shapes, typed=True)


def plain_strings(shapes: rdflib.Graph) -> rdflib.Graph:
    """The shapes graph as pyshacl-turbo must read it beside Turtle (`core_text`, whose
    strings are plain): xsd:string literals of sh:hasValue, sh:in lists and sh:targetNode
    written plain (the same RDF term; the engine compares them as written); see
    `_engine_strings`."""
    return _engine_strings(shapes, typed=False)


def _engine_strings(shapes: rdflib.Graph, typed: bool) -> rdflib.Graph:
    """The shapes graph with the strings of sh:hasValue, sh:in and sh:targetNode all typed
    xsd:string or all plain, and sh:uniqueLang other than the literal true dropped (SHACL
    activates it only for true; "1"^^xsd:boolean is another literal)."""
    swap = [(s, p, o) for s, p, o in shapes
            if p in (SH.hasValue, RDF.first, SH.targetNode) and isinstance(o, rdflib.Literal)
            and o.language is None
            and o.datatype == (None if typed else XSD.string)]
    inactive = [(s, p, o) for s, p, o in shapes.triples((None, SH.uniqueLang, None))
                if o.n3() != TRUE]
    if not swap and not inactive:
        return shapes
    changed = rdflib.Graph()
    for prefix, namespace in shapes.namespaces():
        changed.bind(prefix, namespace)
    for triple in shapes:
        changed.add(triple)
    for s, p, o in swap:
        changed.remove((s, p, o))
        changed.add((s, p, rdflib.Literal(str(o), datatype=XSD.string if typed else None)))
    for triple in inactive:
        changed.remove(triple)
    return changed


def _text(term: rdflib.term.Node | None) -> str | None:
    if term is None:
        return None
    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    return str(term)


def named_shape(shapes: rdflib.Graph, shape: rdflib.term.Node | None) -> rdflib.term.Node | None:
    """The nearest IRI-named shape: a blank property shape is reported as its parent."""
    seen = set()
    while isinstance(shape, rdflib.BNode) and shape not in seen:
        seen.add(shape)
        parent = next(shapes.subjects(SH.property, shape), None)
        if parent is None:
            parent = next(shapes.subjects(None, shape), None)
        if parent is None:
            break
        shape = parent
    return shape


def _source(shapes: rdflib.Graph, shape: rdflib.term.Node | None) -> str | None:
    node = shape
    while node is not None:
        source = shapes.value(node, DCTERMS.source)
        if source is not None:
            return str(source)
        node = next(shapes.subjects(SH.property, node), None)
    return None


_PLACEHOLDER = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


def _template_bindings(template: str, message: str) -> dict[str, str] | None:
    """Recover the values an engine put into a message template, or None if it does not fit."""
    pattern, names, pos = "", [], 0
    for match in _PLACEHOLDER.finditer(template):
        pattern += re.escape(template[pos:match.start()])
        name = match.group(1)
        pattern += f"(?P=v_{name})" if name in names else f"(?P<v_{name}>.*?)"
        names.append(name)
        pos = match.end()
    pattern += re.escape(template[pos:])
    found = re.fullmatch(pattern, message, flags=re.DOTALL)
    return {k[2:]: v for k, v in found.groupdict().items()} if found else None


def _localised_from_templates(templates: list[rdflib.Literal], produced: list[str]) -> dict:
    """Engines substitute {?var} into one message and drop its language: redo it per language."""
    for message in produced:
        for template in templates:
            bindings = _template_bindings(str(template), message)
            if bindings is not None:
                return {t.language: _PLACEHOLDER.sub(lambda m, b=bindings: b.get(m.group(1), ""),
                                                     str(t))
                        for t in templates if t.language}
    return {}


def _messages(graph: rdflib.Graph, result: rdflib.term.Node, shape_label: str,
              shapes: rdflib.Graph | None = None) -> dict[str, str]:
    messages: dict[str, str] = {}
    produced = [str(m) for m in graph.objects(result, SH.resultMessage)]
    constraint = graph.value(result, SH.sourceConstraint)
    if shapes is not None and constraint is not None:
        templates = [m for m in shapes.objects(constraint, SH.message)
                     if isinstance(m, rdflib.Literal)]
        # with or without placeholders: an engine may drop the language of a plain message too
        messages.update(_localised_from_templates(templates, produced))
    for msg in graph.objects(result, SH.resultMessage):
        lang = getattr(msg, "language", None) or "en"
        messages.setdefault(lang, str(msg))
    for lang in ("vi", "en"):
        if lang not in messages:
            messages[lang] = messages.get("en" if lang == "vi" else "vi") or \
                FALLBACK_MESSAGE[lang].format(shape=shape_label)
    return {"vi": messages["vi"], "en": messages["en"]}


def read_results(report_graph: rdflib.Graph, shapes: rdflib.Graph) -> list[Result]:
    """Turn an sh:ValidationReport graph into sorted Result objects."""
    results = []
    for node in report_graph.subjects(RDF.type, SH.ValidationResult):
        raw_shape = report_graph.value(node, SH.sourceShape)
        shape = named_shape(shapes, raw_shape)
        severity = SEVERITIES.get(str(report_graph.value(node, SH.resultSeverity)), "Violation")
        results.append(Result(
            severity=severity,
            focus=_text(report_graph.value(node, SH.focusNode)),
            path=_text(report_graph.value(node, SH.resultPath)),
            value=_text(report_graph.value(node, SH.value)),
            shape=_text(shape),
            message=_messages(report_graph, node, _text(shape) or "?", shapes),
            source=_source(shapes, raw_shape),
        ))
    return sorted(set(results), key=sort_key)


def sort_key(result: Result) -> tuple[str, ...]:
    """The report's order: severity, focus, path, value, shape."""
    # None (no path, no value) sorts first; comparing None with a str would raise
    return tuple(value or "" for value in (result.severity, result.focus, result.path,
                                           result.value, result.shape))
