"""Safe parameter binding for SPARQL text: values go in a VALUES block, never pasted raw."""

from __future__ import annotations

import re

import rdflib
from rdflib.term import Node

from .rdfio import InputError

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def term_to_sparql(term: Node) -> str:
    """Serialise one RDF term for a VALUES block, refusing IRIs that could break out of <…>."""
    if isinstance(term, rdflib.URIRef):
        if _IRI_FORBIDDEN.search(str(term)) or ":" not in str(term):
            raise InputError(f"IRI không hợp lệ: {str(term)!r}.", f"invalid IRI: {str(term)!r}.")
        return f"<{term}>"
    if isinstance(term, rdflib.Literal):
        return term.n3()
    raise InputError("chỉ nhận IRI hoặc giá trị (literal) làm tham số.",
                     "only IRIs and literals can be bound as parameters.")


def strip_comments(query: str) -> str:
    """Blank out # comments (outside IRIs and strings) so that keywords in them are ignored."""
    out_lines = []
    for line in query.splitlines():
        in_string, in_iri, cut = None, False, len(line)
        for i, ch in enumerate(line):
            if in_string:
                if ch == in_string and line[i - 1] != "\\":
                    in_string = None
            elif in_iri:
                in_iri = ch != ">"
            elif ch in "\"'":
                in_string = ch
            elif ch == "<" and re.match(r"<[^\s<>\"{}|^`\\]*>", line[i:]):
                in_iri = True
            elif ch == "#":
                cut = i
                break
        out_lines.append(line[:cut] + " " * (len(line) - cut))
    return "\n".join(out_lines)


def bind(query: str, bindings: dict[str, Node] | None) -> str:
    """Insert `VALUES (?a ?b) { (…) }` at the start of the main WHERE group.

    Joining at the start of the outermost group pre-binds the variables for everything in it
    (filters, OPTIONALs), the same on every SPARQL 1.1 store.
    """
    if not bindings:
        return query
    match = _WHERE.search(strip_comments(query))
    if match is None:
        raise ValueError("query has no WHERE { … } group to bind parameters into")
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(term_to_sparql(term) for term in bindings.values())
    block = f"\n  VALUES ({names}) {{ ({values}) }}\n"
    return query[: match.end()] + block + query[match.end():]


def bind_many(query: str, name: str, terms: list[Node]) -> str:
    """Insert `VALUES ?name { t1 t2 … }` at the start of the main WHERE group."""
    match = _WHERE.search(strip_comments(query))
    if match is None:
        raise ValueError("query has no WHERE { … } group to bind parameters into")
    block = f"\n  VALUES ?{name} {{ {' '.join(term_to_sparql(t) for t in terms)} }}\n"
    return query[: match.end()] + block + query[match.end():]
