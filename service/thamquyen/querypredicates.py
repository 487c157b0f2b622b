"""The predicates a SPARQL query can read, from its text alone (no parse: rdflib takes ~40 ms
a query, Oxigraph exposes no algebra).

A triple pattern reads the triples of its predicate, so a store that keeps only the predicates
its queries name answers them as the whole store does, unless a pattern's predicate is open:
a variable (`?s ?p ?o`) or a negated property set (`!rdf:type`). `predicates_read` gives every
IRI the query writes (a superset of its predicates: classes and datatypes are kept too, which
costs nothing), or None when one pattern may read any predicate or the text is one it cannot
read safely (a relative IRI, an undeclared prefix, RDF-star quoted triples).

A variable is a verb when it follows `;` or `[`, or follows a subject that starts a triple:
a single term, or a bracketed node (`( … )`, `[ … ]`), just after `{`, `}`, `.` or `)` (the end
of a FILTER or BIND). Every verb is in one of these places; a variable met elsewhere in them
(a projection, an ORDER BY list) only makes the answer None: too careful, never wrong.
"""

from __future__ import annotations

import re
from typing import NamedTuple

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
# `a` reads rdf:type, a collection `( … )` in a pattern rdf:first and rdf:rest
ALWAYS = frozenset(RDF + name for name in ("type", "first", "rest"))
IRIREF = r"<[^<>\"{}|^`\\\s]*>"
PN_LOCAL = r"(?:[\w:%-]|\\[^\s]|\.(?=[\w:%\\-]))*"
PNAME = r"(?:[^\W\d_](?:[\w.-]*[\w-])?)?:" + PN_LOCAL
STRING = (r'(?:"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
          r"(?:\s*@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\s*\^\^\s*(?:" + IRIREF + "|" + PNAME + "))?")
TOKEN = re.compile(
    r"(?P<space>\s+|#[^\n]*)"
    r"|(?P<string>" + STRING + ")"
    r"|(?P<quoted><<|>>|\{\||\|\})"
    r"|(?P<iri>" + IRIREF + ")"
    r"|(?P<var>[?$][\w\u00b7]+)"
    r"|(?P<bnode>_:[\w.-]*[\w-]|_:\w)"
    r"|(?P<pname>" + PNAME + ")"
    r"|(?P<number>[+-]?(?:\d*\.\d+|\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<word>[^\W\d]\w*)"
    r"|(?P<punct>!=|&&|\|\||<=|>=|\^\^|[{}()\[\].;,|/^*+?!=<>-])")
PREFIX_DECLARATION = re.compile(r"\bPREFIX\s+((?:[^\W\d_](?:[\w.-]*[\w-])?)?):\s*<([^>]*)>",
                                re.IGNORECASE)
ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
LOCAL_ESCAPE = re.compile(r"\\(.)")
UNREADABLE = ""  # no absolute IRI is empty
BOUNDARIES = {"{", "}", ".", ")"}
OPENERS = {")": "(", "]": "["}
TERMS = {"string", "iri", "var", "bnode", "pname", "number"}


class Token(NamedTuple):
    """One token of a query: its kind (a TOKEN group name) and its text."""

    kind: str
    text: str


def tokens(query: str) -> list[Token] | None:
    """The query's tokens (no spaces or comments), or None where the text has a character
    the tokenizer does not know."""
    found, position = [], 0
    while position < len(query):
        match = TOKEN.match(query, position)
        if match is None:
            return None
        position = match.end()
        if match.lastgroup != "space":
            found.append(Token(match.lastgroup, match.group(0)))
    return found


def predicates_read(query: str) -> frozenset[str] | None:
    """Every IRI the query writes (a superset of the predicates its patterns read) with
    rdf:type (`a`), rdf:first and rdf:rest (collections), or None when a pattern may read any
    predicate (see the module doc)."""
    found = tokens(query)
    if found is None or any(t.kind == "quoted" for t in found):
        return None
    if _open_predicate(found):
        return None
    prefixes = dict(PREFIX_DECLARATION.findall(query))
    iris = {_iri(token, prefixes) for token in found if token.kind in ("iri", "pname")}
    if UNREADABLE in iris:
        return None
    return frozenset(iris | ALWAYS)


def _iri(token: Token, prefixes: dict[str, str]) -> str:
    """The absolute IRI of an IRI or prefixed-name token, or UNREADABLE (a relative IRI, an
    undeclared prefix)."""
    if token.kind == "iri":
        iri = token.text[1:-1]
        return iri if ABSOLUTE.match(iri) else UNREADABLE
    prefix, _, local = token.text.partition(":")
    if prefix not in prefixes:
        return UNREADABLE
    return prefixes[prefix] + LOCAL_ESCAPE.sub(r"\1", local)


def _open_predicate(found: list[Token]) -> bool:
    """Whether a variable stands as a verb, or `!` starts a negated property set."""
    opener = _matching_openers(found)
    if opener is None:
        return True
    projection = _projection_positions(found)
    for index, token in enumerate(found):
        if (token.kind == "var" and index > 0 and index not in projection
                and _is_verb(found, index, opener)):
            return True
        if token.kind == "punct" and token.text == "!" and _in_path(found, index, opener):
            return True
    return False


def _is_verb(found: list[Token], index: int, opener: dict[int, int]) -> bool:
    """Whether the token at `index` stands where a triple pattern's verb stands."""
    previous = found[index - 1]
    if previous.text in (";", "["):
        return True
    if previous.kind in TERMS or (previous.kind == "word" and previous.text in ("true", "false")):
        subject_start = index - 1
    elif previous.text in OPENERS:
        subject_start = opener[index - 1]
    else:
        return False
    return subject_start == 0 or found[subject_start - 1].text in BOUNDARIES


def _in_path(found: list[Token], index: int, opener: dict[int, int]) -> bool:
    """Whether the token at `index` is part of a verb: the verb itself, or after a path's
    `/`, `|`, `^` or `(` (a `(` that is itself part of a verb; in an expression, `!` follows
    `(`, `&&`, `||` or a keyword)."""
    if index == 0:
        return False
    previous = found[index - 1].text
    if previous in ("/", "|", "^"):
        return True
    if previous == "(":
        return _in_path(found, index - 1, opener)
    return _is_verb(found, index, opener)


def _matching_openers(found: list[Token]) -> dict[int, int] | None:
    """For each `)` and `]`, the position of its `(` or `[`; None when they do not pair."""
    stack, pairs = [], {}
    for index, token in enumerate(found):
        if token.kind != "punct":
            continue
        if token.text in ("(", "["):
            stack.append(index)
        elif token.text in OPENERS:
            if not stack or found[stack[-1]].text != OPENERS[token.text]:
                return None
            pairs[index] = stack.pop()
    return pairs if not stack else None


def _projection_positions(found: list[Token]) -> set[int]:
    """The positions of the variables SELECT projects as they are (`SELECT ?a ?b`, outside any
    parentheses: an expression's `EXISTS { … }` there holds patterns), up to its WHERE or
    first `{`."""
    inside, positions, depth = False, set(), 0
    for index, token in enumerate(found):
        upper = token.text.upper() if token.kind == "word" else ""
        if upper == "SELECT":
            inside, depth = True, 0
        elif inside:
            if depth == 0 and (upper == "WHERE" or token.text == "{"):
                inside = False
            elif token.text == "(":
                depth += 1
            elif token.text == ")":
                depth -= 1
            elif depth == 0 and token.kind == "var":
                positions.add(index)
    return positions
