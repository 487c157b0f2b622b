"""What a SPARQL query must not do here, decided before it runs: call another endpoint
(SERVICE) or nest deeper than the engine can take.

Federation is decided on the parsed query (rdflib's SPARQL parser: any ServiceGraphPattern in
the tree) and, because two parsers never agree on every corner of the grammar, also on the
query's tokens: the bare keyword SERVICE anywhere outside strings, IRIs and comments. Both read
the query after its \\u/\\U escapes are resolved, as the SPARQL grammar requires.
The embedded workers also run without any network (see worker.no_network), so a query that
slipped past both still cannot reach another host.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# One alternative per token kind; the order matters (long strings before short ones, IRIs
# before the < operator). A prefixed name or blank-node label is a word holding a colon.
_TOKEN = re.compile(r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<word>[^\W\d][\w\-]*(?:\.+[\w\-]+)*(?::(?:[\w\-:%\\]|\.(?=[\w\-:%\\]))*)?
             |:(?:[\w\-:%\\]|\.(?=[\w\-:%\\]))*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>\S)
""", re.VERBOSE | re.DOTALL)


class QueryRefused(Exception):
    """A query refused before it runs: kind is "federation" or "too_complex"."""

    def __init__(self, kind: str, message: str = ""):
        super().__init__(message or kind)
        self.kind, self.message = kind, message


def unescape(query: str) -> str:
    r"""The query with its \uXXXX and \UXXXXXXXX escapes replaced (done before parsing)."""
    def char(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _ESCAPE.sub(char, query)


def tokens(query: str) -> Iterator[tuple[str, str]]:
    """(kind, text) for every token of an unescaped query; comments are dropped."""
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup or "other"
        if kind != "comment":
            yield kind, match.group()


def nesting_depth(query: str) -> int:
    """The deepest nesting of { ( [ in an unescaped query (outside strings, IRIs, comments)."""
    depth = deepest = 0
    for kind, _ in tokens(query):
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "close":
            depth = max(0, depth - 1)
    return deepest


# SERVICE calls another endpoint; DEFINE is no SPARQL but Virtuoso's pragma, some of which
# (get:soft, input:grab-*) make a remote store fetch URLs.
FETCHING_WORDS = {"SERVICE", "DEFINE"}


def has_service_keyword(query: str) -> bool:
    """True if the bare keyword SERVICE (or DEFINE) occurs, not in a string, IRI, name or comment."""
    return any(kind == "word" and text.upper() in FETCHING_WORDS for kind, text in tokens(query))


def parsed_service(query: str) -> bool:
    """True if rdflib's parse tree holds a SERVICE pattern; False too when rdflib cannot parse
    the query (the token check and the network-less workers still apply)."""
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(query)
    except Exception:  # pyparsing raises several kinds; the store reports the syntax error
        return False
    return _holds_service(tree)


def _holds_service(node: object) -> bool:
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                return True
            stack.extend(item.values())
        elif isinstance(item, list | tuple) or hasattr(item, "asList"):
            stack.extend(item)
    return False


def federation_refused() -> QueryRefused:
    """The refusal of a query that calls another endpoint."""
    return QueryRefused("federation", "SERVICE")


def check_shape(query: str, max_depth: int) -> str:
    """The unescaped query, after the cheap token checks: nesting depth, SERVICE keyword."""
    text = unescape(query)
    depth = nesting_depth(text)
    if depth > max_depth:
        raise QueryRefused("too_complex", f"{depth} > {max_depth}")
    if has_service_keyword(text):
        raise federation_refused()
    return text


def check(query: str, max_depth: int) -> None:
    """Refuse (QueryRefused) a query too deep or calling another endpoint, by tokens and parse."""
    if parsed_service(check_shape(query, max_depth)):
        raise federation_refused()
