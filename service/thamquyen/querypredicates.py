"""The predicates a SPARQL query can read, from its text alone (no parse: rdflib takes ~40 ms
a query, Oxigraph exposes no algebra).

A triple pattern reads the triples of its predicate, so a store that keeps only the predicates
its queries name answers them as the whole store does, unless a pattern's predicate is open:
a variable (`?s ?p ?o`) or a negated property set (`!rdf:type`). `predicates_read` gives every
IRI the query writes (a superset of its predicates: classes and datatypes are kept too, which
costs nothing), or None when one pattern may read any predicate or the graph's nodes, or the
text is one it cannot read safely (a relative IRI, an undeclared prefix, RDF-star quoted
triples, named graphs).

A variable is a verb when it follows `;` or `[`, or follows a subject that starts a triple:
a single term, or a bracketed node (`( … )`, `[ … ]`), just after `{`, `}`, `.` or `)` (the end
of a FILTER or BIND). Every verb is in one of these places; a variable met elsewhere in them
(a projection, an ORDER BY list) only makes the answer None: too careful, never wrong.

A path that may take zero steps (`p*`, `p?`) between two variables matches every node of the
graph with itself, so leaving triples out would leave nodes out: it is allowed only when a
one-IRI triple joined with it binds one of its ends (`_reads_nodes`).

Its tests: tests/test_querypredicates.py, against rdflib's algebra on every shipped and W3C
SHACL-SPARQL query and on the forms an adversarial review found; tests/test_shapes.py, the
same report with and without the pruned store on every rule fixture.
"""

from __future__ import annotations

import re
from typing import NamedTuple

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
# `a` reads rdf:type, a collection `( … )` in a pattern rdf:first and rdf:rest
ALWAYS = frozenset(RDF + name for name in ("type", "first", "rest"))
# SPARQL's white space is ASCII: Oxigraph reads other spaces (U+00A0, U+3000, …) inside IRIs
# and names, and a text with one elsewhere is one the tokenizer does not know (None)
SPACE = r"[ \t\r\n]"
IRIREF = r"<[^<>\"{}|^`\\\x00-\x20]*>"
PN_LOCAL = r"(?:[\w:%-]|\\[^ \t\r\n]|\.(?=[\w:%\\-]))*"
PNAME = r"(?:[^\W\d_](?:[\w.-]*[\w-])?)?:" + PN_LOCAL
STRING = (r'(?:"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""|\'\'\'(?:(?:\'|\'\')?(?:[^\'\\]|\\.))*\'\'\''
          r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\')'
          r"(?:" + SPACE + "*@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?"
          r"|" + SPACE + r"*\^\^" + SPACE + "*(?:" + IRIREF + "|" + PNAME + "))?")
TOKEN = re.compile(
    r"(?P<space>" + SPACE + r"+|#[^\r\n]*)"
    r"|(?P<string>" + STRING + ")"
    r"|(?P<quoted><<|>>|\{\||\|\})"
    r"|(?P<iri>" + IRIREF + ")"
    r"|(?P<var>[?$][\w\u00b7]+)"
    r"|(?P<bnode>_:[\w.-]*[\w-]|_:\w)"
    r"|(?P<pname>" + PNAME + ")"
    # no number starts with its dot: `?o .5` is the end of a triple, then 5
    r"|(?P<number>[+-]?(?:\d+\.\d*[eE][+-]?\d+|\d+\.\d+|\d+(?:[eE][+-]?\d+)?))"
    r"|(?P<word>[^\W\d]\w*)"
    r"|(?P<punct>!=|&&|\|\||<=|>=|\^\^|[{}()\[\].;,|/^*+?!=<>-])")
ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# a `<` … `>` that holds these may be less-than … greater-than around an expression
EXPRESSION_CHARACTERS = re.compile(r"[()$?!=&,;*+']")
LOCAL_ESCAPE = re.compile(r"\\(.)")
UNREADABLE = ""  # no absolute IRI is empty
BOUNDARIES = {"{", "}", ".", ")"}
OPENERS = {")": "(", "]": "["}
TERMS = {"string", "iri", "var", "bnode", "pname", "number"}
# the words a variable may follow without being a verb (`SELECT ?x`, `?s a ?o`, `GROUP BY ?x`)
BEFORE_VARIABLES = {"SELECT", "DISTINCT", "REDUCED", "AS", "BY", "VALUES", "SERVICE", "SILENT",
                    "A", "FROM", "NAMED", "WHERE"}
PATH_OPERANDS = {"iri", "pname"}
# named graphs and DESCRIBE read beyond the patterns' triples; LIMIT, OFFSET, SAMPLE and
# GROUP_CONCAT answer by the order the store lists its triples, which another store changes
UNSUPPORTED = {"GRAPH", "DESCRIBE", "LIMIT", "OFFSET", "SAMPLE", "GROUP_CONCAT"}
MODIFIERS = ("*", "+", "?")


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
    predicate or the graph's nodes (see the module doc)."""
    found = tokens(query)
    if found is None or any(t.kind == "quoted" or t.text.upper() in UNSUPPORTED for t in found):
        return None
    opener = _matching_openers(found)
    if opener is None or _open_predicate(found, opener):
        return None
    group = _innermost_groups(found)
    if _reads_nodes(found, opener, group) or _iri_or_comment(found, group):
        return None
    prefixes = _prefixes(found)
    if prefixes is None:
        return None
    iris = {_iri(token, prefixes) for token in found if token.kind in ("iri", "pname")}
    if UNREADABLE in iris:
        return None
    return frozenset(iris | ALWAYS)


def _iri_or_comment(found: list[Token], group: list[int]) -> bool:
    """Whether an IRI with a `#` stands inside parentheses: Oxigraph may read `?x<ex:b#>` there
    as `?x < ex:b` and a comment, which hides the rest of the line."""
    return any(token.kind == "iri" and "#" in token.text and group[index] >= 0
               and found[group[index]].text == "(" for index, token in enumerate(found))


def _prefixes(found: list[Token]) -> dict[str, str] | None:
    """The PREFIX declarations (`PREFIX ex: <…>`), or None when one is not of that form."""
    prefixes = {}
    for index, token in enumerate(found):
        if token.kind == "word" and token.text.upper() == "PREFIX":
            name, iri = found[index + 1:index + 3] if index + 2 < len(found) else (None, None)
            if (name is None or name.kind != "pname" or not name.text.endswith(":")
                    or iri.kind != "iri"):
                return None
            prefixes[name.text[:-1]] = iri.text[1:-1]
    return prefixes


def _iri(token: Token, prefixes: dict[str, str]) -> str:
    """The absolute IRI of an IRI or prefixed-name token, or UNREADABLE (a relative IRI, an
    undeclared prefix, a `<` … `>` that may be an expression)."""
    if token.kind == "iri":
        iri = token.text[1:-1]
        return iri if ABSOLUTE.match(iri) and not EXPRESSION_CHARACTERS.search(iri) else UNREADABLE
    prefix, _, local = token.text.partition(":")
    if prefix not in prefixes:
        return UNREADABLE
    return prefixes[prefix] + LOCAL_ESCAPE.sub(r"\1", local)


def _open_predicate(found: list[Token], opener: dict[int, int]) -> bool:
    """Whether a variable stands as a verb, or `!` starts a negated property set."""
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
    if previous.kind == "word" and previous.text not in ("true", "false"):
        # a keyword, or a piece of a literal written oddly (`5.e0`, a language tag): a verb
        # follows no keyword but these, and a negated set none
        if found[index].kind == "var":
            return previous.text.upper() not in BEFORE_VARIABLES
        return found[index].text == "!"
    if previous.kind in TERMS or previous.kind == "word":
        subject_start = index - 1
    elif previous.text in OPENERS:
        subject_start = opener[index - 1]
    else:
        return False
    if subject_start >= 3 and found[subject_start - 1].text == "^^":  # "x" ^^ # … xsd:int
        subject_start -= 2
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


def _reads_nodes(found: list[Token], opener: dict[int, int], group: list[int]) -> bool:
    """Whether a path that may be zero steps long (`p*`, `p?`) can read the graph's nodes:
    Oxigraph matches a node with itself only when it is a node of the graph (listing them all
    when both ends are free, checking a constant end against them), and a node only the
    left-out triples hold would be missing. That changes nothing when a triple joined with
    the path (`_joined_groups`) binds one of its variable ends to the kept triples: the node
    is then in them. Any other zero-step path (both ends constants or blank nodes, no such
    triple): True."""
    closer = {start: end for end, start in opener.items()}
    for index, token in enumerate(found):
        if not (token.kind == "punct" and token.text in ("*", "?") and index > 0
                and (found[index - 1].kind in PATH_OPERANDS or found[index - 1].text in ("a", ")"))):
            continue
        ends = _path_ends(found, index, opener, closer)
        if ends is None:
            return True
        if _min_steps(found[ends[0] + 1:ends[1]]) >= 1:
            continue  # every node of a match is then an end of a kept triple
        names = {found[end].text[1:] for end in ends if found[end].kind == "var"}
        if not any(names & _bound_variables(found, group, joined)
                   for joined in _joined_groups(found, group, group[ends[0]])):
            return True
    return False


def _bound_variables(found: list[Token], group: list[int], start: int) -> set[str]:
    """The variables the group at `start` binds to nodes of its triples: those a triple at
    its top level binds (`_binds_by_a_triple`), and those a sub-SELECT at its top level
    projects as they are and binds so in its own WHERE."""
    bound = {found[index].text[1:] for index in range(len(found))
             if group[index] == start and _binds_by_a_triple(found, index)}
    for index in range(start + 1, len(found) - 1):
        if (group[index] == start and found[index].text == "{"
                and found[index + 1].text.upper() == "SELECT"):
            where = next((i for i in range(index + 2, len(found))
                          if group[i] == index and found[i].text == "{"), None)
            if where is None:
                continue
            projected = {found[i].text[1:] for i in range(index + 2, where)
                         if group[i] == index and found[i].kind == "var"}
            inner = _bound_variables(found, group, where)
            star = any(found[i].text == "*" and group[i] == index for i in range(index + 2, where))
            bound |= (inner if star else inner & projected) - _renamed(found, index)
    return bound


def _renamed(found: list[Token], start: int) -> set[str]:
    """The variables an `AS` names anywhere in the sub-SELECT whose `{` is at `start`
    (`GROUP BY (expr AS ?x)` replaces the ?x its WHERE binds)."""
    depth, names = 0, set()
    for index in range(start, len(found) - 1):
        depth += {"{": 1, "}": -1}.get(found[index].text, 0) if found[index].kind == "punct" else 0
        if depth == 0:
            break
        if found[index].text.upper() == "AS" and found[index + 1].kind == "var":
            names.add(found[index + 1].text[1:])
    return names


def _joined_groups(found: list[Token], group: list[int], start: int) -> set[int]:
    """The group at `start` and, when it is the group of a FILTER's EXISTS, the group the
    FILTER stands in (and so on outwards): the EXISTS is asked of that group's solutions, whose
    variables its triples bind."""
    joined = {start}
    while start > 0 and found[start - 1].text.upper() == "EXISTS":
        keyword = start - 1
        if keyword > 0 and found[keyword - 1].text.upper() == "NOT":
            keyword -= 1
        holder = keyword
        while found[holder - 1].text.upper() != "FILTER":
            holder = group[holder]  # out through the expression's parentheses
            if holder < 0 or found[holder].text != "(":
                return joined
        start = group[holder - 1]
        joined.add(start)
    return joined


def _min_steps(verb: list[Token]) -> int:
    """The fewest triples a match of the path `verb` goes through (0 when it may be none, or
    when the tokens are no path this reads): `p/q*` needs one, `p?/q*` and `(p|q*)` none."""
    steps, rest = _alternatives(verb)
    return steps if steps is not None and not rest else 0


def _alternatives(tokens: list[Token]) -> tuple[int | None, list[Token]]:
    steps, rest = _sequence(tokens)
    while steps is not None and rest and rest[0].text == "|":
        other, rest = _sequence(rest[1:])
        steps = None if other is None else min(steps, other)
    return steps, rest


def _sequence(tokens: list[Token]) -> tuple[int | None, list[Token]]:
    steps, rest = _element(tokens)
    while steps is not None and rest and rest[0].text == "/":
        more, rest = _element(rest[1:])
        steps = None if more is None else steps + more
    return steps, rest


def _element(tokens: list[Token]) -> tuple[int | None, list[Token]]:
    while tokens and tokens[0].text == "^":
        tokens = tokens[1:]
    if not tokens:
        return None, tokens
    if tokens[0].kind in PATH_OPERANDS or tokens[0].text == "a":
        steps, rest = 1, tokens[1:]
    elif tokens[0].text == "(":
        steps, rest = _alternatives(tokens[1:])
        if not rest or rest[0].text != ")":
            return None, rest
        rest = rest[1:]
    else:
        return None, tokens
    if rest and rest[0].kind == "punct" and rest[0].text in ("*", "?"):
        return 0, rest[1:]
    if rest and rest[0].kind == "punct" and rest[0].text == "+":
        return steps, rest[1:]
    return steps, rest


def _path_ends(found: list[Token], modifier: int, opener: dict[int, int],
               closer: dict[int, int]) -> tuple[int, int] | None:
    """The positions of the subject and the object of the triple whose verb holds the
    modifier at `modifier`, when it is `subject path object` at the start of a statement
    with one object; None otherwise."""
    start = opener[modifier - 1] if found[modifier - 1].text == ")" else modifier - 1
    while True:
        while start > 0 and found[start - 1].text in ("^", "!"):
            start -= 1
        before = found[start - 1].text if start > 0 else ""
        if before in ("/", "|") and start >= 2:
            start = _operand_start(found, start - 2, opener)
        elif before == "(":
            start -= 1
        else:
            break
        if start is None:
            return None
    end = _path_end(found, modifier + 1, closer)
    subject = start - 1
    if (subject < 0 or end is None or end >= len(found) or found[subject].kind not in TERMS
            or found[end].kind not in TERMS
            or (subject > 0 and found[subject - 1].text not in BOUNDARIES)
            or (end + 1 < len(found) and found[end + 1].text == ",")):
        return None
    return subject, end


def _operand_start(found: list[Token], index: int, opener: dict[int, int]) -> int | None:
    """Where the path operand ending at `index` (after its modifiers) starts."""
    while index >= 0 and found[index].kind == "punct" and found[index].text in MODIFIERS:
        index -= 1
    if index >= 0 and found[index].text == ")":
        return opener[index]
    if index >= 0 and (found[index].kind in PATH_OPERANDS or found[index].text == "a"):
        return index
    return None


def _path_end(found: list[Token], index: int, closer: dict[int, int]) -> int | None:
    """The position of the object after a path's modifier at `index - 1`."""
    while index < len(found):
        text = found[index].text
        if found[index].kind == "punct" and text in MODIFIERS:
            index += 1
        elif text in ("/", "|"):
            index += 1
            while index < len(found) and found[index].text in ("^", "!"):
                index += 1
            if index >= len(found):
                return None
            if found[index].text == "(":
                index = closer[index] + 1
            elif found[index].kind in PATH_OPERANDS or found[index].text == "a":
                index += 1
            else:
                return None
        elif text == ")":
            return None  # the modifier is inside a path group: its object is further on
        else:
            return index
    return None


def _binds_by_a_triple(found: list[Token], index: int) -> bool:
    """Whether the token at `index` is a variable as the subject or object of a triple
    pattern with one IRI as its verb (it then holds only nodes of the kept triples)."""
    if found[index].kind != "var":
        return False
    verb = found[index + 1] if index + 1 < len(found) else None
    after = found[index + 2] if index + 2 < len(found) else None
    if (verb is not None and after is not None and _simple_verb(verb)
            and (after.kind in TERMS or after.text == "[")
            and (index == 0 or found[index - 1].text in BOUNDARIES)):
        return True
    verb = found[index - 1] if index > 0 else None
    before = found[index - 2] if index > 1 else None
    return (verb is not None and before is not None and _simple_verb(verb)
            and (before.kind in TERMS or before.text in (";", "]")))


def _simple_verb(token: Token) -> bool:
    return token.kind in PATH_OPERANDS or token.text == "a"


def _innermost_groups(found: list[Token]) -> list[int]:
    """For each token, the position of the `{` of its innermost group, counting parentheses
    and brackets as groups of their own (-1 for none): a triple in a FILTER's EXISTS, an
    OPTIONAL or a blank-node list is not joined with the group's other triples."""
    stack, groups = [-1], []
    for index, token in enumerate(found):
        if token.kind == "punct" and token.text in ("}", ")", "]") and len(stack) > 1:
            stack.pop()
        groups.append(stack[-1])
        if token.kind == "punct" and token.text in ("{", "(", "["):
            stack.append(index)
    return groups


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
