"""The named-query catalog: queries/*.rq with grlc-style `#+` YAML headers.

Each file is one documented question legal staff ask. Its header (comment lines starting with
`#+`, YAML once the `#+` is removed) gives `summary` (vi, en), `description`, `question` (in
Vietnamese), `params` and `tags`. A parameter `name` appears in the SPARQL as `?_name` (the BASIL
convention) and is bound only through Store.select(query, bindings) — a VALUES block — or, for a
query whose header says `binding: inline`, written into the text as the same escaped SPARQL term
(inline_text). A header `without-lateral: NAME` names the query run instead on a store without
LATERAL (for_store). A header `pragma: TEXT` (a store-specific directive such as Virtuoso's
`DEFINE sql:select-option "order"`) is put before the query on a store that accepts it, asked
once per store; other stores get the query as written (prepare).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import rdflib
import yaml
from rdflib.namespace import XSD
from rdflib.term import Node

from . import paths
from .namespaces import PREFIXES
from .rdfio import InputError
from .sparql import bind, strip_comments, term_to_sparql
from .store import Row, Store

if TYPE_CHECKING:
    from .kb import KB

PARAM_TYPES = ("iri", "string", "date", "integer")
_PARAM_VAR = re.compile(r"[?$]_([A-Za-z][A-Za-z0-9_]*)")
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\]+$")
_PREFIXED = re.compile(r"^([A-Za-z][\w\-]*):([^\s<>\"{}|^`\\]*)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^[+-]?\d{1,18}$")
TYPE_WORDS = {"iri": ("IRI (hoặc tên, mã)", "an IRI (or a name, a code)"),
              "date": ("ngày YYYY-MM-DD", "a YYYY-MM-DD date"),
              "integer": ("số nguyên", "an integer"), "string": ("chuỗi", "a string")}


@dataclass(frozen=True)
class Param:
    """One parameter of a named query (`?_name` in the SPARQL)."""

    name: str
    type: str
    description: str = ""
    example: str | None = None
    required: bool = False
    default: str | None = None
    kind: str | None = None  # what a name given instead of an IRI is looked up as (power, unit…)


@dataclass(frozen=True)
class NamedQuery:
    """A named query: its documentation and its SPARQL text (header included, as comments)."""

    name: str
    summary: dict[str, str]
    description: str
    question: str
    params: list[Param] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    text: str = ""
    inline: bool = False  # parameters written into the text, not a VALUES block
    without_lateral: str | None = None  # the query to run on a store without LATERAL
    pragma: str | None = None  # put before the text on a store that accepts it (prepare)

    def param(self, name: str) -> Param | None:
        """The parameter with this name, if declared."""
        return next((p for p in self.params if p.name == name), None)


def _scalar(value: Any) -> str | None:
    """A YAML scalar as text (YAML reads 2024-06-01 as a date and 90 as an int)."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def parse_header(text: str) -> dict[str, Any]:
    """The YAML of the leading `#+` comment lines (blank lines may precede them)."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#+"):
            body = stripped[2:]
            lines.append(body[1:] if body.startswith(" ") else body)
        elif lines or stripped:
            break
    try:
        data = yaml.safe_load("\n".join(lines)) if lines else {}
    except yaml.YAMLError as exc:
        raise ValueError(f"the #+ header is not valid YAML: {exc}") from exc
    return data if isinstance(data, dict) else {}


def _param(spec: Any, source: str) -> Param:
    if not isinstance(spec, dict) or not spec.get("name"):
        raise ValueError(f"{source}: every entry of `params` needs a `name`")
    kind = str(spec.get("type", "string"))
    if kind not in PARAM_TYPES:
        raise ValueError(f"{source}: parameter {spec['name']}: type must be one of {PARAM_TYPES}")
    return Param(name=str(spec["name"]), type=kind,
                 description=_scalar(spec.get("description")) or "",
                 example=_scalar(spec.get("example")), required=bool(spec.get("required", False)),
                 default=_scalar(spec.get("default")), kind=_scalar(spec.get("kind")))


def parse_query(name: str, text: str, source: str = "") -> NamedQuery:
    """Build a NamedQuery from a file's text; a malformed header is a ValueError."""
    source = source or name
    try:
        header = parse_header(text)
    except ValueError as exc:
        raise ValueError(f"{source}: {exc}") from exc
    summary = header.get("summary") or {}
    if not isinstance(summary, dict) or not summary.get("vi") or not summary.get("en"):
        raise ValueError(f"{source}: the header needs `summary` with `vi` and `en`")
    params = [_param(p, source) for p in header.get("params") or []]
    declared = {p.name for p in params}
    used = set(_PARAM_VAR.findall(strip_comments(text)))
    if used != declared:
        raise ValueError(f"{source}: parameters used as ?_name {sorted(used)} differ from the "
                         f"declared ones {sorted(declared)}")
    return NamedQuery(name=name, summary={k: str(v) for k, v in summary.items()},
                      description=str(header.get("description") or "").strip(),
                      question=str(header.get("question") or "").strip(), params=params,
                      tags=[str(t) for t in header.get("tags") or []], text=text,
                      inline=header.get("binding") == "inline",
                      without_lateral=_scalar(header.get("without-lateral")),
                      pragma=_scalar(header.get("pragma")))


@lru_cache(maxsize=8)
def _load(folder: str, stamp: tuple[tuple[str, int], ...]) -> tuple[NamedQuery, ...]:
    del stamp  # part of the cache key only: edited files are read again
    files = sorted(Path(folder).glob("*.rq"))
    return tuple(parse_query(f.stem, f.read_text(encoding="utf-8"), f.name) for f in files)


def load_catalog(folder: Path | None = None) -> list[NamedQuery]:
    """Every named query of queries/ (not queries/engine/), sorted by name."""
    root = (folder or paths.queries_dir()).resolve()
    stamp = tuple((f.name, f.stat().st_mtime_ns) for f in sorted(root.glob("*.rq")))
    return list(_load(str(root), stamp))


def get(name: str, folder: Path | None = None) -> NamedQuery:
    """The named query called `name`, or an InputError that lists the available ones."""
    catalog = load_catalog(folder)
    for query in catalog:
        if query.name == name:
            return query
    names = ", ".join(q.name for q in catalog)
    raise InputError(f"không có truy vấn tên “{name}”. Các truy vấn có sẵn: {names}.",
                     f"no named query “{name}”. Available: {names}.")


def select_variables(text: str) -> list[str]:
    """The variables a SELECT projects, in order (empty for SELECT *)."""
    query = strip_comments(text)
    match = re.search(r"\bSELECT\b", query, re.IGNORECASE)
    if match is None:
        return []
    names, depth, group = [], 0, ""
    i = match.end()
    while i < len(query):
        ch = query[i]
        if depth == 0 and (ch == "{" or re.match(r"WHERE\b", query[i:], re.IGNORECASE)):
            break
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                alias = re.search(r"\bAS\s+[?$](\w+)\s*$", group, re.IGNORECASE)
                if alias:
                    names.append(alias.group(1))
                group = ""
        elif depth > 0:
            group += ch
        elif ch in "?$":
            var = re.match(r"[?$](\w+)", query[i:])
            if var:
                names.append(var.group(1))
                i += len(var.group(0))
                continue
        i += 1
    return names


def _bad(param: Param, value: str, extra_vi: str = "", extra_en: str = "") -> InputError:
    vi, en = TYPE_WORDS[param.type]
    example = f" ví dụ {param.example}" if param.example else ""
    example_en = f" e.g. {param.example}" if param.example else ""
    return InputError(
        f"tham số “{param.name}”: giá trị “{value}” không hợp lệ; cần {vi}{example}.{extra_vi}",
        f"parameter “{param.name}”: invalid value “{value}”; expected {en}{example_en}.{extra_en}")


def expand_iri(text: str) -> str | None:
    """A prefixed name of the project (tq:, id:, skos:…) or an absolute IRI as a full IRI."""
    prefixed = _PREFIXED.match(text)
    if prefixed and prefixed.group(1) in PREFIXES and not prefixed.group(2).startswith("//"):
        return PREFIXES[prefixed.group(1)] + prefixed.group(2)
    return text if _ABSOLUTE_IRI.match(text) else None


def to_term(param: Param, value: str, kb: KB | None = None,
            at: dt.date | None = None) -> Node:
    """Check one parameter value against its declared type and turn it into an RDF term."""
    text = unicodedata.normalize("NFC", value.strip())
    if param.type == "iri":
        iri = expand_iri(text)
        if iri is not None:
            return rdflib.URIRef(iri)
        if kb is not None:
            return rdflib.URIRef(kb.names.resolve(text, param.kind, at))
        raise _bad(param, text)
    if param.type == "date":
        try:
            if not _DATE.match(text):
                raise ValueError(text)
            return rdflib.Literal(dt.date.fromisoformat(text).isoformat(), datatype=XSD.date)
        except ValueError as exc:
            raise _bad(param, text) from exc
    if param.type == "integer":
        if not _INTEGER.match(text):
            raise _bad(param, text)
        return rdflib.Literal(int(text), datatype=XSD.integer)
    return rdflib.Literal(text)


def bindings_for(query: NamedQuery, params: Mapping[str, str | None],
                 kb: KB | None = None) -> dict[str, Node]:
    """Validate the given parameters (unknown, missing, malformed) and convert them by type."""
    unknown = sorted(set(params) - {p.name for p in query.params})
    if unknown:
        known = ", ".join(p.name for p in query.params) or "(không có / none)"
        raise InputError(f"truy vấn “{query.name}” không có tham số {', '.join(unknown)}; "
                         f"các tham số: {known}.",
                         f"query “{query.name}” has no parameter {', '.join(unknown)}; "
                         f"its parameters: {known}.")
    at = _reference_date(query, params)
    bindings: dict[str, Node] = {}
    # dates and numbers first: a typo there is reported before any name lookup
    for param in sorted(query.params, key=lambda p: p.type == "iri"):
        value = params.get(param.name)
        if value is None or not str(value).strip():
            value = param.default
        if value is None:
            if param.required:
                raise InputError(
                    f"thiếu tham số bắt buộc “{param.name}” ({param.description}).",
                    f"the required parameter “{param.name}” is missing ({param.description}).")
            continue
        bindings[f"_{param.name}"] = to_term(param, str(value), kb, at)
    return bindings


def _reference_date(query: NamedQuery, params: Mapping[str, str | None]) -> dt.date | None:
    """The query's `at` date, if valid: it picks the unit or agency in force among namesakes."""
    value = params.get("at")
    param = query.param("at")
    if not value or param is None or param.type != "date" or not _DATE.match(str(value).strip()):
        return None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def column_labels(query: NamedQuery, variables: list[str], lang: str = "vi") -> list[str]:
    """The columns' names for a reader, from the query's `#+ columns` header ({var: {vi, en}});
    the variable's own name where the header has none."""
    columns = parse_header(query.text).get("columns") or {}
    out = []
    for var in variables:
        spec = columns.get(var) if isinstance(columns, dict) else None
        if isinstance(spec, dict):
            out.append(str(spec.get(lang) or spec.get("vi") or var))
        else:
            out.append(str(spec) if spec else var)
    return out


def run_named(store: Store, query: NamedQuery | str, params: Mapping[str, str | None],
              kb: KB | None = None) -> tuple[list[str], list[Row]]:
    """Run a named query with string parameters; (variables in SELECT order, rows of RDF terms)."""
    if isinstance(query, str):
        query = get(query)
    query, text, bound = prepare(store, query, bindings_for(query, params, kb))
    rows = store.select(text, bound)
    variables = select_variables(query.text)
    if not variables:
        for row in rows:
            variables.extend(v for v in row if v not in variables)
    return variables, rows


def prepare(store: Store | None, query: NamedQuery,
            bindings: Mapping[str, Node]) -> tuple[NamedQuery, str, dict[str, Node] | None]:
    """What to send to this store for checked bindings: (the query chosen by for_store, its text,
    the bindings for a VALUES block, or None when they are already written into the text)."""
    query = for_store(store, query)
    text = inline_text(query, bindings) if query.inline else query.text
    if query.pragma and getattr(store, "accepts_pragma", lambda _: False)(query.pragma):
        text = f"{query.pragma}\n{text}"
    return query, text, None if query.inline else dict(bindings)


def bound_text(store: Store | None, query: NamedQuery, bindings: Mapping[str, Node]) -> str:
    """The complete text to run on this store: prepare's text with its VALUES block, if any."""
    _, text, bound = prepare(store, query, bindings)
    return bind(text, bound) if bound else text


def for_store(store: Store | None, query: NamedQuery) -> NamedQuery:
    """The query itself, or its `without-lateral` version when the store has no LATERAL."""
    if query.without_lateral is None or getattr(store, "has_lateral", lambda: True)():
        return query
    return get(query.without_lateral)


def inline_text(query: NamedQuery, bindings: Mapping[str, Node]) -> str:
    """The query's text with each `?_name` replaced by its bound term (escaped as in a VALUES
    block); an optional parameter not given becomes <urn:x-thamquyen:none>, which names nothing."""
    def term(match: re.Match) -> str:
        bound = bindings.get(f"_{match.group(1)}")
        return "<urn:x-thamquyen:none>" if bound is None else term_to_sparql(bound)

    return _PARAM_VAR.sub(term, strip_comments(query.text))


def plain(term: Node | None) -> str | int | float | bool | None:
    """A result term as a JSON value: IRIs and most literals as text, numbers and booleans as such."""
    if term is None:
        return None
    if isinstance(term, rdflib.Literal):
        value = term.toPython()
        if isinstance(value, bool | int | float) and not isinstance(value, Decimal):
            return value
    return str(term)
