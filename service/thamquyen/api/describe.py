"""What an /id/ page says about a data IRI: its triples as RDF, and a Vietnamese view of them."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from ..answers import describe_chain
from ..kb import KB
from ..namespaces import ID, PREFIXES, TQ
from ..reports import compact
from ..store import Store
from .nationwide import Nationwide, compute
from .wording import vn_date

DESCRIBE = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
CONSTRUCT { ?node ?p ?o . ?o skos:prefLabel ?label . ?o ?bp ?bo }
WHERE {
  ?node ?p ?o .
  OPTIONAL { ?o skos:prefLabel ?label }
  OPTIONAL { ?o ?bp ?bo FILTER(isBlank(?o)) }
}"""
EXISTS = "ASK WHERE { { ?node ?p ?o } UNION { ?s ?q ?node } }"
INCOMING = "SELECT ?s ?p WHERE { ?s ?p ?node } ORDER BY ?p ?s LIMIT 200"

BASIS_PROPERTIES = (TQ.legalBasis, TQ.instrument, TQ.nonDelegableBasis, DCTERMS.source)
HIDDEN_IN_TABLE = (SKOS.prefLabel, RDF.type)
# Vietnamese names of the standard terms the ontology does not label itself.
STANDARD_LABELS = {
    RDF.type: "loại", SKOS.prefLabel: "tên", SKOS.altLabel: "tên khác", SKOS.definition: "định nghĩa",
    SKOS.editorialNote: "ghi chú biên tập", SKOS.note: "ghi chú", SKOS.notation: "ký hiệu",
    SKOS.inScheme: "thuộc danh mục", SKOS.broader: "khái niệm rộng hơn",
    DCTERMS.source: "nguồn", DCTERMS.title: "tiêu đề", DCTERMS.description: "mô tả",
    RDFS.label: "nhãn", RDFS.comment: "ghi chú", RDFS.seeAlso: "xem thêm",
}


def display_names(kb: KB, iris: set[str] | list[str]) -> dict[str, str]:
    """Labels, and citations in Vietnamese order for documents and provisions (the KB's names:
    from its index, else read once from the store)."""
    return kb.display_names(sorted({i for i in iris if i}))


def exists(store: Store, iri: str) -> bool:
    """True if the IRI is the subject or the object of some triple."""
    return store.ask(EXISTS, {"node": rdflib.URIRef(iri)})


def description(store: Store, iri: str) -> rdflib.Graph:
    """The IRI's outgoing triples, the labels of the nodes it links to, its blank nodes."""
    graph = store.construct(DESCRIBE, {"node": rdflib.URIRef(iri)})
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def local_path(iri: str, root: str = "") -> str | None:
    """The path of a data IRI on this server (/id/…), or None for other IRIs."""
    if iri.startswith(str(ID)):
        return f"{root}/id/{quote(iri[len(str(ID)):], safe='/-._~:')}"
    return None


@dataclass
class Value:
    """One value as the page shows it."""

    text: str
    href: str | None = None
    iri: str | None = None
    note: str | None = None


@dataclass
class Row:
    """One property and its values."""

    label: str
    iri: str
    values: list[Value] = field(default_factory=list)


@dataclass
class Page:
    """Everything resource.html needs."""

    iri: str
    label: str
    label_en: str | None
    types: list[Value]
    rows: list[Row]
    basis: list[Value]
    incoming: list[tuple[Value, Value]]
    holders: list[dict] | None
    at: str
    at_iso: str = ""
    listing: HolderList | None = None
    lineage: list[tuple[str, Value, Value | None, str]] = field(default_factory=list)
    powers: list[tuple[Value, str]] = field(default_factory=list)


class Labeller:
    """Vietnamese labels for IRIs: from the data, the ontology, then the built-in table."""

    def __init__(self, kb: KB, graph: rdflib.Graph, root: str):
        self.kb, self.graph, self.root = kb, graph, root
        self.known: dict[str, str] = {}

    def load(self, iris: set[str]) -> None:
        """Fetch the names of these IRIs in one query (citations in Vietnamese order for
        provisions); the description's own labels fill in the rest (blank nodes' objects)."""
        self.known.update(display_names(self.kb, iris))
        for node in iris:
            label = None if node in self.known else _pick_label(self.graph, rdflib.URIRef(node))
            if label:
                self.known[node] = label

    def name(self, iri: str | None) -> str:
        """A readable name for an IRI."""
        if not iri:
            return "—"
        node = rdflib.URIRef(iri)
        return self.known.get(iri) or STANDARD_LABELS.get(node) or compact(iri)

    def value(self, term: rdflib.term.Node) -> Value:
        """A term as a page value (IRIs linked, dates in Vietnamese order)."""
        if isinstance(term, rdflib.URIRef):
            iri = str(term)
            href = local_path(iri, self.root) or (iri if iri.startswith(("http://", "https://"))
                                                   else None)
            return Value(self.name(iri), href, iri)
        if isinstance(term, rdflib.Literal):
            if term.datatype == XSD.date:
                return Value(vn_date(str(term)))
            note = f"@{term.language}" if term.language else (
                compact(str(term.datatype)) if term.datatype and term.datatype != XSD.string else None)
            return Value(str(term), note=note)
        return Value(f"_:{term}")


TITLE_PARTS = ((TQ.Conferral, "Phân quyền", TQ.holder), (TQ.Decentralization, "Phân cấp", TQ.delegate),
               (TQ.Authorization, "Ủy quyền", TQ.delegate))


def _composed_title(graph: rdflib.Graph, node: rdflib.URIRef, names: Labeller) -> str:
    """A title for a node without a label: "Phân quyền: <power> — <holder>"."""
    for kind, word, who in TITLE_PARTS:
        if (node, RDF.type, kind) in graph:
            power = graph.value(node, TQ.power)
            holder = graph.value(node, who)
            parts = [names.name(str(x)) for x in (power, holder) if x is not None]
            return f"{word}: " + " — ".join(parts)
    return names.name(str(node))


def _pick_label(graph: rdflib.Graph, node: rdflib.term.Node, lang: str = "vi") -> str | None:
    labels = list(graph.objects(node, SKOS.prefLabel))
    for label in labels:
        if getattr(label, "language", None) == lang:
            return str(label)
    return None


@dataclass
class HolderList:
    """The holders of a power on a date: one page of them, filtered by province, with counts."""

    total: int
    shown: int
    page: int
    pages: int
    province: str | None
    provinces: list[tuple[str, str, int]]  # (iri, label, holders there)
    items: list[dict]


PER_PAGE = 50


def power_holders(answer: Nationwide, province: str | None, page: int) -> tuple[
        HolderList, set[str]]:
    """The nationwide holders of the power, filtered by province and cut to one page; what
    the page names (to label) is that page's holders and chains and the provinces only."""
    total = len(answer)
    shown = total if province is None else answer.counts.get(province, 0)
    pages = max(1, -(-shown // PER_PAGE))
    page = min(max(1, page), pages)
    first = (page - 1) * PER_PAGE
    if province is None:
        chosen: Iterable[int] = range(first, min(total, first + PER_PAGE))
    else:
        there = (i for i, where in enumerate(answer.provinces) if province in where)
        chosen = itertools.islice(there, first, first + PER_PAGE)
    items = [answer.holder(i) for i in chosen]  # only the shown holders are parsed
    wanted = {s[k] for h in items for s in h["chain"] for k in ("from", "to", "basis") if s[k]}
    wanted |= {h["authority"] for h in items} | set(answer.counts)
    listing = HolderList(total, shown, page, pages, province,
                         [(p, "", n) for p, n in answer.counts.items()], items)
    return listing, wanted


def build_page(kb: KB, iri: str, at: dt.date, root: str = "", province: str | None = None,
               page: int = 1, nationwide: Callable[[str, dt.date], Nationwide] | None = None
               ) -> Page:
    """The Vietnamese view of a data IRI (labels, properties, legal basis, holders of a power;
    `nationwide` gives a power's holders, by default computed here)."""
    node = rdflib.URIRef(iri)
    graph = description(kb.store, iri)
    incoming_rows = kb.store.select(INCOMING, {"node": node})
    wanted = {str(t) for t in graph.predicates(node)} | {
        str(o) for o in graph.objects(node) if isinstance(o, rdflib.URIRef)}
    wanted |= {str(r["s"]) for r in incoming_rows} | {str(r["p"]) for r in incoming_rows}
    listing = None
    if (node, RDF.type, TQ.Power) in graph:
        answer = (nationwide or functools.partial(compute, kb))(iri, at)
        listing, more = power_holders(answer, province, page)
        wanted |= more
    lineage = _lineage(kb, iri)
    powers = _powers_here(kb, iri, graph, at)
    wanted |= {x for _, a, b, _ in lineage for x in (a, b) if x}
    wanted |= {p for p, _ in powers} | {h for _, h in powers if h}
    names = Labeller(kb, graph, root)
    names.load(wanted)
    unit_page = (node, RDF.type, TQ.AdministrativeUnit) in graph
    word = "chủ thể giữ:" if unit_page else "đã giao cho"
    rows: dict[str, Row] = {}
    for p, o in sorted(graph.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
        if p in HIDDEN_IN_TABLE:
            continue
        rows.setdefault(str(p), Row(names.name(str(p)), str(p))).values.append(names.value(o))
    if listing is not None:
        listing.provinces = sorted(((p, names.name(p), n) for p, _, n in listing.provinces),
                                   key=lambda t: t[1])
    return Page(
        iri=iri, label=_pick_label(graph, node) or _composed_title(graph, node, names),
        label_en=_pick_label(graph, node, "en"),
        types=[names.value(t) for t in sorted(graph.objects(node, RDF.type), key=str)],
        rows=sorted(rows.values(), key=lambda r: r.label),
        basis=_basis(kb, graph, node, names),
        incoming=[(names.value(r["s"]), names.value(r["p"])) for r in incoming_rows],
        holders=None if listing is None else [
            {"holder": names.value(rdflib.URIRef(h["authority"])),
             "chain": describe_chain(h["chain"], names.name)} for h in listing.items],
        at=vn_date(at.isoformat()), at_iso=at.isoformat(), listing=listing,
        lineage=[(word, names.value(rdflib.URIRef(other)),
                  names.value(rdflib.URIRef(basis)) if basis else None, vn_date(day))
                 for word, other, basis, day in lineage],
        powers=[(_answer_link(names.value(rdflib.URIRef(p)), iri, at, root, unit_page),
                 "" if holder is None else f"{word} {names.name(holder)}")
                for p, holder in powers])


def _basis(kb: KB, graph: rdflib.Graph, node: rdflib.URIRef, names: Labeller) -> list[Value]:
    """The legal basis and sources of a node: data nodes first, then the web sources (its own
    and its documents'), the official publication first and each labelled with its kind."""
    web = kb.sources_of([str(node)]).get(str(node), [])
    urls = {src["url"] for src in web}
    values = [names.value(o) for p in BASIS_PROPERTIES for o in sorted(graph.objects(node, p), key=str)
              if not (p == DCTERMS.source and str(o) in urls)]
    return values + [Value(src["url"], src["url"], src["url"], src["vi"]) for src in web]


def _answer_link(value: Value, unit: str, at: dt.date, root: str, unit_page: bool) -> Value:
    """On a unit's page a power links to its answer there (the chain and the timeline)."""
    if unit_page and value.iri:
        value.href = (f"{root}/tra-cuu?power={quote(value.iri, safe='')}"
                      f"&in={quote(unit, safe='')}&at={at.isoformat()}")
    return value


def _lineage(kb: KB, iri: str) -> list[tuple[str, str, str | None, str | None]]:
    """(direction, other node, basis, effective day) of the reorganizations of a unit or agency:
    "tiền thân" for each predecessor, "kế thừa" for each successor."""
    index = kb.engine.index
    found = []
    for reorg in index.reorgs.get(iri, ()):
        found += [("đơn vị, cơ quan kế thừa", s, reorg.basis, reorg.effective) for s in reorg.successors]
    for predecessor, reorgs in _predecessors(index).get(iri, []):
        found += [("tiền thân", predecessor, r.basis, r.effective) for r in reorgs]
    return found


def warm(kb: KB) -> None:
    """Build now what the first page would build (seconds at national size): before the web
    processes are forked, so that they share it."""
    _predecessors(kb.engine.index)


@functools.lru_cache(maxsize=4)
def _predecessors(index) -> dict[str, list]:
    """successor → [(predecessor, [reorganizations])], read once from the engine's index."""
    table: dict[str, list] = {}
    for predecessor, reorgs in index.reorgs.items():
        for reorg in reorgs:
            for successor in reorg.successors:
                table.setdefault(successor, []).append((predecessor, [reorg]))
    return table


MAX_POWERS_SCANNED = 2000


def _powers_here(kb: KB, iri: str, graph: rdflib.Graph,
                 at: dt.date) -> list[tuple[str, str | None]]:
    """(power, holder it was handed to or None) for an authority (the engine's powers-of), or
    (power, holder) of each power held in a unit on the date."""
    node = rdflib.URIRef(iri)
    index = kb.engine.index
    if iri in index.authorities and (node, RDF.type, TQ.AdministrativeUnit) not in graph:
        answer = kb.engine.powers_of(iri, at)
        return [(p["power"], None if p["exercises"] else p["holder"]) for p in answer["powers"]]
    if (node, RDF.type, TQ.AdministrativeUnit) in graph and len(index.powers) <= MAX_POWERS_SCANNED:
        day = at.isoformat()
        return [(power, holder) for power in sorted(index.powers)
                for holder in sorted({w for w, _ in kb.engine.resolve(power, iri, day)})]
    return []
