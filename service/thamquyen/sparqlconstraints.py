"""SHACL-SPARQL constraints evaluated once over all their focus nodes, on an Oxigraph store.

A SHACL engine runs a SPARQL constraint once per focus node with $this pre-bound. On the
national graph that is tens of thousands of small queries, each paying for its EXISTS blocks
again (minutes at ~1 M triples). The same results come from ONE query: the focus nodes (a
subquery of the shape's targets) joined on ?this with the constraint's query evaluated as a
whole, provided pre-binding and joining on ?this mean the same thing: the query binds ?this in
its top-level group (so every solution has it), projects it (or *), uses no MINUS, VALUES,
SERVICE, LIMIT or OFFSET, nor an OPTIONAL whose group reads ?this, and every nested SELECT
projects ?this (or *). Oxigraph then hashes the focus nodes and streams the query through
them (putting the focus nodes inside the query instead made it hash the query's rows: > 20 GB
at ~3 M triples).
A query that is not of that form is run per focus node with $this pre-bound as SHACL 1.0
§5.3.1 defines it: the focus node replaces every occurrence of the variable (in nested groups,
FILTERs, BINDs and sub-SELECTs too; a projected $this becomes `(<node> AS ?this)`). A blank
focus node cannot be written into a query: it goes through pyoxigraph's `substitutions`.
Whole-set mode is proven equal only when every group that reads $this also binds it — in one
of its own triple patterns, or in a nested group or sub-SELECT joined at its level (not
OPTIONAL) that binds it, or a UNION of such groups (recursively) — and no BIND reads it.
SHACL forbids MINUS, VALUES, SERVICE, sub-SELECTs that do not project $this, and `AS $this`
(or another pre-bound variable) in a constraint's query: `split` refuses such a shapes graph
with a ShapesError naming the construct, before anything runs.

Constraints this module cannot take — on property shapes, without explicit
targets, on shapes other shapes refer to, using $PATH, $currentShape or $shapesGraph — stay
with the SHACL engine (`split` leaves them in its shapes graph).

The results are written into the engine's sh:ValidationReport graph as the engine would write
them (SHACL 1.0 §5.3.2), so the report is read the same way whoever produced a result.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS, XSD

from . import heap, querypredicates
from .namespaces import SH
from .rdfio import InputError

T = TypeVar("T")

OWL_CLASS = rdflib.URIRef("http://www.w3.org/2002/07/owl#Class")
OWL_IMPORTS = rdflib.URIRef("http://www.w3.org/2002/07/owl#imports")
FORBIDDEN = (("MINUS", re.compile(r"\bMINUS\b", re.IGNORECASE)),
             ("VALUES", re.compile(r"\bVALUES\b", re.IGNORECASE)),
             ("SERVICE", re.compile(r"\bSERVICE\b", re.IGNORECASE)),
             ("AS $this", re.compile(r"\bAS\s+[?$](this|shapesGraph|currentShape)\b",
                                     re.IGNORECASE)))
ENGINE_CONSTRUCTS = (("MINUS", "MINUS"), ("VALUES", "VALUES"), ("SERVICE", "SERVICE"),
                     ("project ?this", "sub-SELECT without $this"),
                     ("rebind", "AS $this"), ("pre-bound", "AS $this"))
THIS_TOKEN = re.compile(r"[?$]this\b")
BOUND_THIS = re.compile(r"\bbound\s*\(\s*[?$]this\s*\)", re.IGNORECASE)
GROUP_BY = re.compile(r"\bGROUP\s+BY\b([\s\S]*?)(?=\bHAVING\b|\bORDER\b|\bLIMIT\b|\bOFFSET\b|\}|\Z)",
                      re.IGNORECASE)
BIND_OPEN = re.compile(r"\bBIND\s*\(", re.IGNORECASE)
UNION_BETWEEN = re.compile(r"\s*UNION\s*", re.IGNORECASE)
EXISTS_BEFORE = re.compile(r"\bEXISTS\s*\Z", re.IGNORECASE)
NOT_JOINED_BEFORE = re.compile(r"\b(?:OPTIONAL|GRAPH\s+\S+)\s*\Z", re.IGNORECASE)
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
NOT_CONSTRAINTS = {*TARGETS, RDF.type, RDFS.label, RDFS.comment, SH.severity, SH.message,
                   SH.deactivated, SH.name, SH.description, SH.prefixes,
                   rdflib.URIRef("http://purl.org/dc/terms/source")}
REFERRING = (SH.node, SH["not"], SH.property, SH.qualifiedValueShape, RDF.first)
SPECIAL_VARIABLES = re.compile(r"[?$](PATH|currentShape|shapesGraph)\b")
NOT_JOINABLE = re.compile(r"\b(MINUS|VALUES|SERVICE|LIMIT|OFFSET)\b", re.IGNORECASE)
OPTIONAL_OPEN = re.compile(r"\bOPTIONAL\s*\{", re.IGNORECASE)
PROLOGUE = re.compile(r"\A\s*((?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>|#[^\n]*)\s*)*",
                      re.IGNORECASE)
STRINGS_AND_COMMENTS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"'
                                  r"|'(?:[^'\\\n]|\\.)*'|<[^<>\"{}|^`\\\s]*>|#[^\n]*")
PROJECTION = re.compile(r"\bSELECT\b([^{]*?)(?:\bWHERE\b|\{)", re.IGNORECASE)
PROJECTS_THIS = re.compile(r"[?$]this\b|\*")
MESSAGE_VARIABLE = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")
THIS = ox.Variable("this")
PROFILE_VARIABLE = "THAMQUYEN_PROFILE_SHAPES"
PARENTHESES = re.compile(r"\([^()]*\)")


@dataclass(frozen=True)
class Constraint:
    """One sh:sparql constraint of a node shape, ready to run."""

    shape: rdflib.term.Node
    node: rdflib.term.Node
    prologue: str
    body: str
    severity: rdflib.term.Node
    messages: tuple[rdflib.Literal, ...]
    targets: str
    whole_set: bool


class ShapesError(InputError):
    """The shapes graph is not valid SHACL: a SPARQL constraint uses a construct SHACL forbids
    (SHACL 1.0 §5.3.1). `construct` names it (MINUS, VALUES, SERVICE, AS $this,
    sub-SELECT without $this)."""

    def __init__(self, construct: str, where: str | None = None, detail: str = ""):
        self.construct = construct
        detail = f" ({detail})" if detail else ""
        super().__init__(
            f"truy vấn SPARQL của ràng buộc dùng {construct}, điều SHACL không cho phép trong "
            f"ràng buộc SPARQL{detail}; hãy viết lại truy vấn không dùng {construct}.",
            f"the constraint's SPARQL query uses {construct}, which SHACL forbids in SPARQL "
            f"constraints{detail}; rewrite the query without {construct}.",
            file=where)

    @classmethod
    def from_engine(cls, message: str) -> ShapesError:
        """The error for a SHACL engine's refusal message (it names the construct in English)."""
        for needle, construct in ENGINE_CONSTRUCTS:
            if needle.lower() in message.lower():
                return cls(construct, detail=message)
        return cls("?", detail=message)


def forbidden_construct(body: str) -> str | None:
    """The first construct SHACL forbids in a constraint's query, or None."""
    code = _code(body)
    for name, pattern in FORBIDDEN:
        if pattern.search(code):
            return name
    for clause in list(PROJECTION.finditer(code))[1:]:
        if THIS_TOKEN.search(clause.group(1)):
            continue
        # SELECT * returns $this only where a pattern of its own binds it
        where = code.find("{", clause.end() - 1)
        if "*" not in clause.group(1) or where < 0 or not _binds_this(code, where):
            return "sub-SELECT without $this"
    return None


def split(shapes: rdflib.Graph) -> tuple[list[Constraint], rdflib.Graph]:
    """The SPARQL constraints run here, and a copy of the shapes graph without them."""
    taken = [c for c in (_constraint(shapes, shape, node)
                         for shape, node in shapes.subject_objects(SH.sparql)) if c is not None]
    rest = rdflib.Graph()
    for prefix, namespace in shapes.namespaces():
        rest.bind(prefix, namespace)
    for triple in shapes:
        rest.add(triple)
    for constraint in taken:
        rest.remove((constraint.shape, SH.sparql, constraint.node))
    parameters = _custom_parameters(shapes)
    for shape in {c.shape for c in taken}:
        if not any(_is_parameter(p, parameters) for p in rest.predicates(shape)):
            # nothing left to check: the engine would still collect its focus nodes
            for target in TARGETS:
                rest.remove((shape, target, None))
    return taken, rest


def _custom_parameters(shapes: rdflib.Graph) -> set[rdflib.term.Node]:
    """The parameter paths of the SHACL-SPARQL constraint components the shapes graph declares."""
    return {path for component in shapes.subjects(RDF.type, SH.ConstraintComponent)
            for parameter in shapes.objects(component, SH.parameter)
            for path in shapes.objects(parameter, SH.path)}


def _is_parameter(predicate: rdflib.term.Node, custom: set[rdflib.term.Node]) -> bool:
    """Whether a shape's predicate may make the engine check something: a SHACL parameter or
    one of a declared constraint component's. Annotations (dcterms:isPartOf, skos:note, …)
    check nothing."""
    if predicate in NOT_CONSTRAINTS:
        return False
    return str(predicate).startswith(str(SH)) or predicate in custom


def _constraint(shapes: rdflib.Graph, shape: rdflib.term.Node,
                node: rdflib.term.Node) -> Constraint | None:
    select = shapes.value(node, SH.select)
    targets = _targets(shapes, shape)
    if (select is None or targets is None or shapes.value(shape, SH.path) is not None
            or any(next(shapes.subjects(p, shape), None) is not None for p in REFERRING)
            or SPECIAL_VARIABLES.search(str(select))):
        return None
    text = str(select)
    own_prologue = PROLOGUE.match(text).group(0)
    body = text[len(own_prologue):]
    construct = forbidden_construct(body)
    if construct is not None:
        raise ShapesError(construct, where=str(shape))
    messages = tuple(m for m in shapes.objects(node, SH.message) if isinstance(m, rdflib.Literal)) \
        or tuple(m for m in shapes.objects(shape, SH.message) if isinstance(m, rdflib.Literal))
    return Constraint(
        shape=shape, node=node, prologue=_declared_prefixes(shapes, node) + own_prologue,
        body=body, severity=shapes.value(shape, SH.severity) or SH.Violation, messages=messages,
        targets=targets, whole_set=_joinable(body))


def _active(shapes: rdflib.Graph, node: rdflib.term.Node) -> bool:
    return shapes.value(node, SH.deactivated) != rdflib.Literal(True)


def _targets(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str | None:
    """A SPARQL group binding ?this to each focus node of the shape, or None if unsupported."""
    if shapes.value(shape, SH.target) is not None:
        return None
    groups = [f"{{ ?this rdf:type/rdfs:subClassOf* {c.n3()} }}"
              for c in shapes.objects(shape, SH.targetClass)]
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL_CLASS) in shapes:
        groups.append(f"{{ ?this rdf:type/rdfs:subClassOf* {shape.n3()} }}")
    nodes = " ".join(n.n3() for n in shapes.objects(shape, SH.targetNode))
    if nodes:
        groups.append(f"{{ VALUES ?this {{ {nodes} }} }}")
    groups += [f"{{ ?this {p.n3()} ?targetObject }}"
               for p in shapes.objects(shape, SH.targetSubjectsOf)]
    groups += [f"{{ ?targetSubject {p.n3()} ?this }}"
               for p in shapes.objects(shape, SH.targetObjectsOf)]
    return " UNION ".join(groups) or None


def _prefix_holders(shapes: rdflib.Graph, node: rdflib.term.Node) -> list[rdflib.term.Node]:
    """The sh:prefixes holders of a node and, transitively, what they owl:imports."""
    todo, seen = list(shapes.objects(node, SH.prefixes)), []
    while todo:
        holder = todo.pop()
        if holder not in seen:
            seen.append(holder)
            todo.extend(shapes.objects(holder, OWL_IMPORTS))
    return seen


def _declared_prefixes(shapes: rdflib.Graph, node: rdflib.term.Node) -> str:
    lines = []
    for holder in _prefix_holders(shapes, node):
        for declaration in shapes.objects(holder, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "".join(f"{line}\n" for line in sorted(set(lines)))


def _code(body: str) -> str:
    """The query with strings, IRIs and comments blanked out (same length, same positions)."""
    return STRINGS_AND_COMMENTS.sub(lambda m: " " * len(m.group(0)), body)


def _joinable(body: str) -> bool:
    """True when joining on ?this gives what pre-binding $this gives (see the module doc)."""
    code = _code(body)
    projections = PROJECTION.findall(code)
    return (not NOT_JOINABLE.search(code) and bool(projections) and "{" in code
            and all(PROJECTS_THIS.search(p) for p in projections)
            and not _optional_reads_this(code)
            and _binds_this(code, code.index("{")))


def _optional_reads_this(code: str) -> bool:
    """An OPTIONAL group reads $this. One that does not is evaluated alike with $this pre-bound
    or joined on afterwards (its left side binds $this, `_binds_this`)."""
    for match in OPTIONAL_OPEN.finditer(code):
        start = match.end() - 1
        if THIS_TOKEN.search(code[start:_closing(code, start) + 1]):
            return True
    return False


def _closing(code: str, start: int) -> int:
    """The index of the `}` closing the `{` at start."""
    depth = 0
    for index in range(start, len(code)):
        if code[index] == "{":
            depth += 1
        elif code[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    return len(code)


def _binds_this(code: str, start: int) -> bool:
    """The group at `start` binds $this in every solution: in a triple pattern of its own
    level, or in a nested group (or sub-SELECT) joined at its level — one that binds it, or a
    UNION of groups that each bind it; every nested group that reads $this binds it too, and
    no BIND reads it. EXISTS blocks see the group's bindings, so they may read it freely. A
    sub-SELECT that only projects $this, its WHERE never reading it, returns it unbound: such
    rows join with every focus node, as the fresh variable of pre-binding does."""
    end, index, own, gap, chains = _closing(code, start), start + 1, [], [], []
    follows_chain = False  # the last nested group was one of `chains` (not an EXISTS block)
    while index < end:
        if code[index] != "{":
            own.append(code[index])
            gap.append(code[index])
            index += 1
            continue
        close = _closing(code, index)
        before = "".join(gap)
        follows_chain, previous = not EXISTS_BEFORE.search(code[start:index]), follows_chain
        if follows_chain:
            binds = _nested_binds_this(code[index:close + 1])
            if binds is None:
                return False
            if previous and UNION_BETWEEN.fullmatch(before):
                chains[-1].append(binds)
            else:
                chains.append([binds and not NOT_JOINED_BEFORE.search(before)])
        own.append(" ")
        gap = []
        index = close + 1
    text = "".join(own)
    for bind in BIND_OPEN.finditer(text):
        if THIS_TOKEN.search(text[bind.end():_expression_end(text, bind.end())]):
            return False
    if any(all(chain) for chain in chains):
        return True
    while PARENTHESES.search(text):
        text = PARENTHESES.sub(" ", text)
    text = re.sub(r"\bFILTER\b|\bBIND\b|\bNOT\b|\bEXISTS\b", " ", text, flags=re.IGNORECASE)
    return THIS_TOKEN.search(text) is not None


def _nested_binds_this(inner: str) -> bool | None:
    """Whether a nested group (or sub-SELECT) binds $this in every solution (`_binds_this`);
    None when it reads $this without binding it."""
    if not THIS_TOKEN.search(inner):
        return False
    nested = inner.index("{", 1) if re.match(r"\{\s*SELECT\b", inner, re.I) else 0
    if nested and not THIS_TOKEN.search(inner[nested:]):
        return False  # a sub-SELECT projecting $this unbound: it binds nothing
    return True if _binds_this(inner, nested) else None


def _expression_end(text: str, start: int) -> int:
    """The index of the `)` closing an expression opened just before start."""
    depth = 1
    for index in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[index], 0)
        if depth == 0:
            return index
    return len(text)


def prebound(body: str, focus: ox.NamedNode | ox.Literal) -> str:
    """The query with $this pre-bound to the focus node (SHACL 1.0 §5.3.1): every occurrence
    replaced by the node; projected, it becomes `(node AS ?this)`; `bound($this)` is true."""
    code, term = _code(body), str(focus)
    edits: dict[int, tuple[int, str]] = {}
    for match in BOUND_THIS.finditer(code):
        edits[match.start()] = (match.end(), "(true)")
    for clause in GROUP_BY.finditer(code):
        for match in THIS_TOKEN.finditer(code, clause.start(1), clause.end(1)):
            edits.setdefault(match.start(), (match.end(), f"({term})"))
    for number, clause in enumerate(PROJECTION.finditer(code)):
        # a sub-SELECT must not bind ?this again: it projects a fresh variable instead
        bound = "?this" if number == 0 else f"?_prebound{number}"
        for match in THIS_TOKEN.finditer(code, clause.start(1), clause.end(1)):
            edits.setdefault(match.start(), (match.end(), f"({term} AS {bound})"))
    for match in THIS_TOKEN.finditer(code):
        if not any(s <= match.start() < e for s, (e, _) in edits.items()):
            edits[match.start()] = (match.end(), term)
    out, pos = [], 0
    for start in sorted(edits):
        end, text = edits[start]
        out += [body[pos:start], text]
        pos = end
    return "".join(out) + body[pos:]


def _whole_set(constraint: Constraint) -> str:
    """The focus nodes joined with the whole query."""
    return (f"{_target_prologue(constraint)}SELECT * WHERE {{\n"
            f"  {{ SELECT DISTINCT ?this WHERE {{ {constraint.targets} }} }}\n"
            f"  {{ {constraint.body}\n  }}\n}}")


def predicates_read(constraints: Iterable[Constraint]) -> frozenset[str] | None:
    """The predicates the constraints' queries and targets can read (querypredicates), or
    None when one of them may read any: a store of only these triples gives the same
    findings, and at ~3 M triples a quarter fewer triples to hold."""
    found: set[str] = set()
    for constraint in constraints:
        read = _predicates_of(constraint)
        if read is None:
            return None
        found |= read
    return frozenset(found)


@functools.lru_cache(maxsize=4096)
def _predicates_of(constraint: Constraint) -> frozenset[str] | None:
    """querypredicates on the constraint's whole-set query, read once per constraint (the
    service validates the same shapes on every request)."""
    return querypredicates.predicates_read(_whole_set(constraint))


def _target_prologue(constraint: Constraint) -> str:
    return f"{constraint.prologue}PREFIX rdf: <{RDF}>\nPREFIX rdfs: <{RDFS}>\n"


class Finding(NamedTuple):
    """One solution of a constraint's query: one validation result."""

    constraint: Constraint
    focus: ox.NamedNode | ox.BlankNode | ox.Literal
    solution: ox.QuerySolution


Focus = Collection[ox.NamedNode | ox.BlankNode | ox.Literal]


def run(store: ox.Store, constraints: Sequence[Constraint], shapes: rdflib.Graph,
        workers: int = 2, focus: Focus | None = None,
        widen: Widening | None = None) -> list[Finding]:
    """Every finding of the active constraints; with `focus`, only those of these focus nodes
    (what a SHACL engine given these focus nodes reports). With `widen`, only its `first`
    queries run at once until its event is set, then `workers`."""
    active = [c for c in constraints if _active(shapes, c.shape) and _active(shapes, c.node)]
    slots = _Slots(workers, widen)
    try:
        # pyoxigraph releases the GIL while it evaluates, so the threads use the cores.
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            timed = list(pool.map(lambda c: slots.call(_timed_findings, store, c, focus),
                                  active))
    finally:
        slots.close()
    _print_profile([(c, seconds, len(batch))
                    for c, (seconds, batch) in zip(active, timed, strict=True)])
    return [finding for _, batch in timed for finding in batch]


class Widening(NamedTuple):
    """Run `first` queries at once until `event` is set (e.g. another process that held the
    other cores has ended), then as many as the pool has threads."""
    first: int
    event: threading.Event


class _Slots:
    """How many queries may run at once: `widen.first`, then all `workers` once its event is
    set (a watcher thread opens the other slots)."""

    def __init__(self, workers: int, widen: Widening | None):
        workers = max(1, workers)
        first = workers if widen is None else max(1, min(widen.first, workers))
        self._semaphore = threading.Semaphore(first)
        self._closed = threading.Event()
        if first < workers:
            threading.Thread(target=self._open_later, args=(widen.event, workers - first),
                             daemon=True).start()

    def _open_later(self, event: threading.Event, more: int) -> None:
        while not self._closed.is_set():
            if event.wait(0.2):
                for _ in range(more):
                    self._semaphore.release()
                return

    def call(self, function: Callable[..., T], *args: object) -> T:
        """`function(*args)` once a slot is free."""
        with self._semaphore:
            return function(*args)

    def close(self) -> None:
        """Stop waiting to open the other slots."""
        self._closed.set()


def _timed_findings(store: ox.Store, constraint: Constraint,
                    focus: Focus | None) -> tuple[float, list[Finding]]:
    started = time.perf_counter()
    findings = _findings(store, constraint, focus)
    # a query's working memory, freed, stays in the allocator's arenas: the next query would
    # find it there, but meanwhile the core engine's child is at its own peak (~1 ms a call)
    heap.give_back_freed_memory()
    return time.perf_counter() - started, findings


def _print_profile(timings: list[tuple[Constraint, float, int]]) -> None:
    """With THAMQUYEN_PROFILE_SHAPES=N, the N slowest constraints on stderr (wall seconds of
    each query; two run at once, so the sum exceeds the phase's wall time)."""
    try:
        count = int(os.environ.get(PROFILE_VARIABLE) or 0)
    except ValueError:
        count = 10
    if count <= 0:
        return
    total = sum(seconds for _, seconds, _ in timings)
    print(f"SPARQL constraints: {len(timings)}, {total:.2f} s in all", file=sys.stderr)
    for constraint, seconds, found in sorted(timings, key=lambda t: -t[1])[:count]:
        print(f"{seconds:8.2f} s {found:7d} results  {constraint.shape}", file=sys.stderr)


def _findings(store: ox.Store, constraint: Constraint, focus: Focus | None) -> list[Finding]:
    """The constraint's findings, of the focus nodes only when `focus` is given. Run whole-set,
    the query reads the store once for all targets and the other nodes' rows are dropped:
    on the small store of a focused check that is one query instead of one per node."""
    try:
        if constraint.whole_set:
            return [Finding(constraint, s["this"], s) for s in store.query(_whole_set(constraint))
                    if focus is None or s["this"] in focus]
        targets = (f"{_target_prologue(constraint)}"
                   f"SELECT DISTINCT ?this WHERE {{ {constraint.targets} }}")
        focus_nodes = [s["this"] for s in store.query(targets)
                       if focus is None or s["this"] in focus]
        return [Finding(constraint, focus, s) for focus in focus_nodes
                for s in _per_node(store, constraint, focus)]
    except SyntaxError as exc:
        raise ValueError(f"SPARQL constraint of {constraint.shape}: {exc}") from exc


def _per_node(store: ox.Store, constraint: Constraint,
              focus: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.QuerySolutions:
    """The constraint's solutions for one focus node, $this pre-bound."""
    if isinstance(focus, ox.BlankNode):
        return store.query(constraint.prologue + constraint.body, substitutions={THIS: focus})
    return store.query(constraint.prologue + prebound(constraint.body, focus))


def add_to_report(report: rdflib.Graph, findings: Iterable[Finding]) -> None:
    """Write the results into the sh:ValidationReport graph, as a SHACL engine would."""
    root = report.value(predicate=RDF.type, object=SH.ValidationReport)
    if root is None:
        root = rdflib.BNode()
        report.add((root, RDF.type, SH.ValidationReport))
        report.add((root, SH.conforms, rdflib.Literal(True)))
    for constraint, focus_term, solution in findings:
        result = rdflib.BNode()
        focus = to_rdflib(focus_term)
        value, path = _bound(solution, "value"), _bound(solution, "path")
        report.add((root, SH.result, result))
        for predicate, term in (
                (RDF.type, SH.ValidationResult), (SH.focusNode, focus),
                (SH.value, to_rdflib(value) if value is not None else focus),
                (SH.resultPath, to_rdflib(path) if path is not None else None),
                (SH.resultSeverity, constraint.severity), (SH.sourceShape, constraint.shape),
                (SH.sourceConstraint, constraint.node),
                (SH.sourceConstraintComponent, SH.SPARQLConstraintComponent)):
            if term is not None:
                report.add((result, predicate, term))
        for message in _messages(constraint, solution):
            report.add((result, SH.resultMessage, message))
        report.set((root, SH.conforms, rdflib.Literal(False)))  # any result, any severity


def _messages(constraint: Constraint, solution: ox.QuerySolution) -> list[rdflib.Literal]:
    message = _bound(solution, "message")
    if message is not None:
        return [rdflib.Literal(_text(message))]

    def fill(match: re.Match) -> str:
        term = _bound(solution, match.group(1))
        return "" if term is None else _text(term)

    return [rdflib.Literal(MESSAGE_VARIABLE.sub(fill, str(m)), lang=m.language)
            for m in constraint.messages]


def _bound(solution: ox.QuerySolution, name: str) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
    try:
        return solution[name]
    except (KeyError, IndexError):
        return None


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
    """The rdflib term of a pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return rdflib.Literal(term.value, datatype=None if datatype == str(XSD.string) else datatype,
                          normalize=False)
