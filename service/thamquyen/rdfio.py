"""Reading Turtle: files and folders in, NFC-normalised triples out, clear errors on bad input."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import rdflib

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RELATIVE_IRI = re.compile(r"<(?![A-Za-z][A-Za-z0-9+.-]*:)[^<>\"{}|^`\\\s]*>")


class InputError(Exception):
    """Bad input from the user: says what, where (file and line) and how to fix it."""

    def __init__(self, vi: str, en: str, file: str | None = None, line: int | None = None):
        self.vi, self.en, self.file, self.line = vi, en, file, line
        super().__init__(self.render("vi"))

    def where(self) -> str:
        """`file:line: ` or `file: ` or nothing."""
        if self.file and self.line:
            return f"{self.file}:{self.line}: "
        return f"{self.file}: " if self.file else ""

    def render(self, lang: str = "vi") -> str:
        """The message in one language, prefixed with its location."""
        return self.where() + (self.vi if lang == "vi" else self.en)


def display_path(path: Path) -> str:
    """A path as the user should read it: relative to the working folder when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def turtle_files(paths: Iterable[Path]) -> list[Path]:
    """Expand files and folders (recursively, *.ttl) into a sorted, de-duplicated file list."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.ttl") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(
                "không tìm thấy tệp hoặc thư mục này; hãy kiểm tra lại đường dẫn.",
                "no such file or folder; check the path.",
                file=display_path(path),
            )
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def read_text_nfc(path: Path) -> str:
    """Read a UTF-8 file and return its text in Unicode NFC."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"không đọc được tệp ({exc.strerror}).",
                         f"cannot read the file ({exc.strerror}).", file=display_path(path)) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("tệp không phải UTF-8; hãy lưu lại với bảng mã UTF-8.",
                         "the file is not UTF-8; save it as UTF-8.",
                         file=display_path(path), line=line) from exc
    return unicodedata.normalize("NFC", text)


class TooManyTriples(InputError):
    """A document holds more triples than the caller accepts."""

    def __init__(self, limit: int, source: str):
        self.limit = limit
        super().__init__(
            f"tài liệu có hơn {limit} bộ ba (triple), vượt giới hạn; hãy chia nhỏ tài liệu "
            "hoặc kiểm tra bằng `thamquyen validate` trên máy.",
            f"the document holds more than {limit} triples, over the limit; split it or "
            "check it with `thamquyen validate` locally.", file=source)


def parse_turtle_text(text: str, source: str, base: str | None = None,
                      limit: int | None = None, lenient: bool = True) -> list[ox.Triple]:
    """Parse Turtle text into triples; a syntax error becomes an InputError with its line.

    Relative IRIs (`<a>`, `<>`) are resolved against `base` (a file's own `file:` IRI), as
    every Turtle parser does; without a base they are a syntax error naming the line.
    Oxigraph's strict parser goes first (fast); text it refuses but rdflib reads — such as
    a long string closed by four quotes (`x"` then the closing three) — is accepted through
    rdflib, so users' files load as their other tools load them (unless `lenient` is false:
    rdflib holds a large document many times over in memory). Past `limit` triples the parse
    stops with TooManyTriples.
    """
    try:
        return _strict(text, source, base, limit)
    except SyntaxError as exc:
        read = _parse_with_rdflib(text, base) if lenient else None
        if read is not None:
            if limit is not None and len(read) > limit:
                raise TooManyTriples(limit, source) from exc
            return read
        raise InputError(
            f"lỗi cú pháp Turtle: {exc.msg}. Hãy sửa dòng này (dấu chấm cuối câu, dấu ngoặc, "
            "tiền tố @prefix đã khai báo chưa).",
            f"Turtle syntax error: {exc.msg}. Fix this line (final dot, brackets, declared "
            "@prefix).",
            file=source, line=exc.lineno) from exc


def _strict(text: str, source: str, base: str | None, limit: int | None) -> list[ox.Triple]:
    """Oxigraph's parse, stopped as soon as the document passes `limit` triples."""
    triples = []
    for quad in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=base):
        triples.append(quad.triple)
        if limit is not None and len(triples) > limit:
            raise TooManyTriples(limit, source)
    return triples


def _parse_with_rdflib(text: str, base: str | None) -> list[ox.Triple] | None:
    if base is None and _has_relative_iri(text):
        return None  # rdflib would resolve against the working folder, silently
    graph = rdflib.Graph()
    try:
        graph.parse(data=text, format="turtle", publicID=base)
    except Exception:  # rdflib raises many exception types for bad syntax
        return None
    try:
        return [ox.Triple(rdflib_to_ox(s), rdflib_to_ox(p), rdflib_to_ox(o))
                for s, p, o in graph]
    except ValueError:  # what rdflib lets through but is no RDF term (`<a|b>`, a bad tag)
        return None


def _has_relative_iri(text: str) -> bool:
    return RELATIVE_IRI.search(text) is not None


def file_iri(path: Path) -> str:
    """The file's own IRI (`file:///…`), the base of its relative IRIs."""
    return path.resolve().as_uri()


def read_turtle(path: Path) -> list[ox.Triple]:
    """Read one Turtle file (NFC-normalised) into triples; its own IRI is the base."""
    return read_turtle_namespaces(path)[0]


def read_turtle_namespaces(path: Path) -> tuple[list[ox.Triple], dict[str, str]]:
    """`read_turtle`, and the namespaces the file declares (its prefixes, and a base of its
    own as `base`): what makes its IRIs short when the triples are written again. A file
    that only rdflib reads (`parse_turtle_text`) gives no namespaces."""
    text = read_text_nfc(path)
    base = file_iri(path)
    parser = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=base)
    try:
        triples = [quad.triple for quad in parser]
    except SyntaxError:
        return parse_turtle_text(text, display_path(path), base=base), {}
    namespaces = dict(parser.prefixes)
    if parser.base_iri and parser.base_iri != base:
        name = "base"
        while name in namespaces:
            name += "_"
        namespaces[name] = parser.base_iri
    return triples, namespaces


def predicate_nodes(keep: Iterable[str] | None) -> set[ox.NamedNode] | None:
    """The predicate IRIs as nodes, to filter parsed triples by (`t.predicate in nodes` is
    cheaper than reading each predicate's text); None stays None (keep everything)."""
    return None if keep is None else {ox.NamedNode(iri) for iri in keep}


def load_turtle(store: ox.Store, path: Path, keep: frozenset[str] | None = None) -> None:
    """Add one Turtle file (NFC-normalised, its own IRI the base) to the store, all or nothing,
    blank-node labels as `read_turtle` gives them; with `keep`, only the triples of these
    predicates. Oxigraph's parser feeds the store directly (no list of triples: ~35 % less
    CPU at 3M triples); a file it refuses goes through `read_turtle`'s lenient parse, or its
    error naming the line."""
    text = read_text_nfc(path)
    base = file_iri(path)
    kept = predicate_nodes(keep)
    try:
        quads = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=base)
        store.extend(quads if kept is None else (q for q in quads if q.predicate in kept))
    except SyntaxError:  # store.extend is one transaction: nothing was added
        triples = parse_turtle_text(text, display_path(path), base=base)
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples
                     if kept is None or t.predicate in kept)


def read_all(paths: Iterable[Path]) -> list[ox.Triple]:
    """Read every Turtle file under the given files/folders; all or nothing."""
    triples: list[ox.Triple] = []
    for file in turtle_files(paths):
        triples.extend(read_turtle(file))
    return triples


def ox_to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> rdflib.term.Node | None:
    """Convert one pyoxigraph term into its rdflib equivalent."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:  # RDF 1.1: a simple literal is an xsd:string
            return rdflib.Literal(term.value)
        # as written: rdflib would otherwise rewrite the lexical form ("1.0" → "1", "none" →
        # "false"), and SHACL reports the value the data holds
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value),
                              normalize=False)
    raise TypeError(f"unsupported term {term!r}")


def rdflib_to_ox(term: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert one rdflib term into its pyoxigraph equivalent."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


def to_rdflib_graph(triples: Iterable[ox.Triple]) -> rdflib.Graph:
    """Build an rdflib Graph from pyoxigraph triples."""
    graph = rdflib.Graph()
    for t in triples:
        graph.add((ox_to_rdflib(t.subject), ox_to_rdflib(t.predicate), ox_to_rdflib(t.object)))
    return graph
