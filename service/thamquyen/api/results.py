"""SPARQL results and graphs as bytes, in the formats of the SPARQL 1.1 Protocol, with a row cap.

Only pyoxigraph and the standard library are used here: the SPARQL worker processes import
this module, and so does the remote path (remote answers are parsed into pyoxigraph terms and
written with the same code, so both stores give the same bytes).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..namespaces import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"

# Media types per query form, in the server's order of preference (the first is the default).
TABLE_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/x-turtle": "turtle",
    "application/json": "jsonld",
    "text/plain": "ntriples",
}
RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
TEXT_TYPES = {"text/csv", "text/tab-separated-values", "text/turtle", "text/plain",
              "application/n-triples", "text/xml"}


def content_type(media_type: str) -> str:
    """The Content-Type header value (UTF-8 named for text types)."""
    return f"{media_type}; charset=utf-8" if media_type in TEXT_TYPES else media_type


Term = Any  # ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _capped(items: Iterable[Any], limit: int) -> tuple[list[Any], bool]:
    """The first `limit` items and whether there were more."""
    taken = list(islice(iter(items), limit + 1))
    return taken[:limit], len(taken) > limit


# ---------------------------------------------------------------- SELECT


def term_json(term: Term) -> dict:
    """One term in SPARQL 1.1 JSON results (RDF-star triples as "triple")."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": term_json(term.subject),
                                        "predicate": term_json(term.predicate),
                                        "object": term_json(term.object)}}


def term_xml(term: Term) -> str:
    """One term in SPARQL XML results."""
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (f"<triple><subject>{term_xml(term.subject)}</subject><predicate>"
            f"{term_xml(term.predicate)}</predicate><object>{term_xml(term.object)}</object></triple>")


def _csv_field(text: str) -> str:
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def term_csv(term: Term) -> str:
    """One term in SPARQL CSV results (values only)."""
    if isinstance(term, ox.NamedNode | ox.Literal):
        return _csv_field(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return _csv_field(str(term))


def term_tsv(term: Term) -> str:
    """One term in SPARQL TSV results (N-Triples/Turtle syntax)."""
    return str(term).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def write_table(variables: Sequence[str], solutions: Iterable[Any], fmt: str,
                limit: int) -> tuple[bytes, bool]:
    """SELECT results (solutions indexable by variable name) as bytes, at most `limit` rows."""
    rows, truncated = _capped(solutions, limit)
    values = [[row[v] for v in variables] for row in rows]
    return _WRITERS[fmt](list(variables), values), truncated


def _table_json(variables: list[str], values: list[list[Term | None]]) -> bytes:
    bindings = [{v: term_json(t) for v, t in zip(variables, row, strict=True) if t is not None}
                for row in values]
    doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _table_xml(variables: list[str], values: list[list[Term | None]]) -> bytes:
    out = io.StringIO()
    out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="{RESULTS_NS}">\n<head>')
    out.writelines(f"<variable name={quoteattr(v)}/>" for v in variables)
    out.write("</head>\n<results>\n")
    for row in values:
        out.write("<result>")
        out.writelines(f"<binding name={quoteattr(v)}>{term_xml(t)}</binding>"
                       for v, t in zip(variables, row, strict=True) if t is not None)
        out.write("</result>\n")
    out.write("</results>\n</sparql>\n")
    return out.getvalue().encode("utf-8")


def _table_csv(variables: list[str], values: list[list[Term | None]]) -> bytes:
    lines = [",".join(_csv_field(v) for v in variables)]
    lines += [",".join("" if t is None else term_csv(t) for t in row) for row in values]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _table_tsv(variables: list[str], values: list[list[Term | None]]) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if t is None else term_tsv(t) for t in row) for row in values]
    return ("\n".join(lines) + "\n").encode("utf-8")


_WRITERS = {"json": _table_json, "xml": _table_xml, "csv": _table_csv, "tsv": _table_tsv}


# ---------------------------------------------------------------- ASK


def write_boolean(value: bool, fmt: str) -> bytes:
    """An ASK result as bytes."""
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt == "xml":
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="{RESULTS_NS}">'
                f"<head/><boolean>{word}</boolean></sparql>\n").encode()
    return f"{word}\r\n".encode() if fmt == "csv" else f"{word}\n".encode()


# ---------------------------------------------------------------- CONSTRUCT / DESCRIBE


def write_graph(triples: Iterable[ox.Triple], fmt: str, limit: int) -> tuple[bytes, bool]:
    """CONSTRUCT/DESCRIBE triples as bytes, at most `limit` triples."""
    kept, truncated = _capped(triples, limit)
    rdf_format = RDF_FORMATS[fmt]
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(kept, format=rdf_format, prefixes=prefixes), truncated


# ---------------------------------------------------------------- one entry point


def render(result: Any, variables: Sequence[str] | None, fmt: str, limit: int) -> tuple[bytes, bool]:
    """Any query result (solutions, boolean or triples) in the chosen format."""
    if isinstance(result, bool | ox.QueryBoolean):
        return write_boolean(bool(result), fmt), False
    if variables is not None:
        return write_table(variables, result, fmt, limit)
    return write_graph(result, fmt, limit)


def solution_rows(solutions: ox.QuerySolutions) -> tuple[list[str], Iterator[Any]]:
    """Variable names and the solution iterator of a SELECT result."""
    return [v.value for v in solutions.variables], iter(solutions)
