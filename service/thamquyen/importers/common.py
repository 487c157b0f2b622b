"""What both importers share: the graph they match against, name matching with suggestions,
per-row problems, SHACL validation mapped back to rows, the report and the atomic write."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox
import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from ..incremental import Union, context_triples, validate_change
from ..kb import KB, open_kb
from ..names import KINDS, normalize
from ..namespaces import ID, PREFIXES, SH, TQ
from ..rdfio import InputError, rdflib_to_ox
from ..reports import compact
from ..validation import Result, load_shapes, validate_triples
from .table import Column, Row, Table, read_table
from .text import fold, nfc

EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE = 0, 1, 2
PROGRESS_MIN_ROWS = 200
KIND_WORDS = {
    "authority": ("cơ quan", "authority"),
    "power": ("thẩm quyền", "power"),
    "document": ("văn bản", "document"),
    "procedure": ("thủ tục", "procedure"),
}
ROLE, AGENCY, POST = str(TQ.AuthorityRole), str(TQ.Agency), str(TQ.Post)


# ---------------------------------------------------------------------------------- issues

@dataclass(frozen=True)
class Issue:
    """A problem of one row (or of the whole file when row is None), in both languages."""

    row: int | None
    vi: str
    en: str

    def render(self, lang: str) -> str:
        """“Dòng 7: …” / “Row 7: …”."""
        if self.row is None:
            return self.vi if lang == "vi" else self.en
        return (f"Dòng {self.row}: {self.vi}" if lang == "vi" else f"Row {self.row}: {self.en}")


class Unmatched(Exception):
    """A cell whose text names nothing (or several things) in the graph."""

    def __init__(self, vi: str, en: str):
        super().__init__(vi)
        self.vi, self.en = vi, en


@dataclass
class Build:
    """What an importer made of a table: new triples, which rows made which nodes, problems."""

    graph: rdflib.Graph = field(default_factory=rdflib.Graph)
    node_rows: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    notes: list[Issue] = field(default_factory=list)
    rejected_rows: set[int] = field(default_factory=set)

    def error(self, row: int | None, vi: str, en: str) -> None:
        """Record a problem that stops the import."""
        self.errors.append(Issue(row, vi, en))
        if row is not None:
            self.rejected_rows.add(row)

    def warn(self, row: int | None, vi: str, en: str) -> None:
        """Record a problem that does not stop the import."""
        self.warnings.append(Issue(row, vi, en))

    def note(self, row: int | None, vi: str, en: str) -> None:
        """Record what was done with a non-data row (shown in the summary)."""
        self.notes.append(Issue(row, vi, en))

    def add(self, row: int, triples: Iterable[tuple]) -> None:
        """Add a row's triples; their subjects become that row's nodes."""
        for s, p, o in triples:
            self.graph.add((s, p, o))
            self.node_rows[str(s)].add(row)


# ---------------------------------------------------------------------------------- context

@dataclass
class ImportContext:
    """The graph an import matches names against and validates with: ontology + data + PATHs."""

    kb: KB
    shapes: rdflib.Graph
    sectors: dict[str, str]
    levels: dict[str, str]
    level_slugs: dict[str, str]
    doc_types: dict[str, str]
    doc_type_labels: dict[str, str]
    doc_type_by_label: dict[str, str] = field(default_factory=dict)
    doc_notations: dict[str, str] = field(default_factory=dict)
    _keys: dict[str, list[str]] = field(default_factory=dict)
    _labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, extra: Sequence[Path] = ()) -> ImportContext:
        """Read ontology/ + data/ + the extra files into memory, with their names and shapes."""
        kb = open_kb(extra, persistent=False)
        ctx = cls(kb, load_shapes(), {}, {}, {}, {}, {})
        ctx._read_code_lists()
        return ctx

    @property
    def base(self) -> ox.Store:
        """The in-memory Oxigraph store of ontology + data + PATHs."""
        return self.kb.store.store

    def _read_code_lists(self) -> None:
        select = self.kb.store.select
        for r in select(SECTOR_QUERY):
            self.sectors.setdefault(fold(str(r["label"])), str(r["c"]))
        for r in select(LEVEL_QUERY):
            label, level = str(r["label"]), str(r["c"])
            self.levels.setdefault(fold(label), level)
            self.levels.setdefault(fold(label).removeprefix("cap "), level)
            if getattr(r["label"], "language", None) == "vi":
                self.level_slugs.setdefault(level, "-".join(fold(label).split()))
        for r in select(DOC_TYPE_QUERY):
            concept = str(r["c"])
            if "notation" in r:
                self.doc_types.setdefault(fold(str(r["notation"])), concept)
                self.doc_notations.setdefault(concept, str(r["notation"]))
            self.doc_type_by_label.setdefault(fold(str(r["label"])), concept)
            if getattr(r["label"], "language", None) == "vi":
                self.doc_type_labels.setdefault(concept, str(r["label"]))

    # -------------------------------------------------------------- names

    def types(self, iri: str) -> set[str]:
        """The classes (of the name index) an IRI has."""
        return self.kb.names.types.get(iri, set())

    def label(self, iri: str) -> str:
        """The Vietnamese skos:prefLabel of a node of the graph, or its compact IRI."""
        if iri not in self._labels:
            rows = self.kb.store.select(LABEL_QUERY, {"node": rdflib.URIRef(iri)})
            found = sorted(str(r["label"]) for r in rows)
            self._labels[iri] = found[0] if found else (self.kb.names.labels.get(iri)
                                                        or compact(iri))
        return self._labels[iri]

    def resolve(self, text: str, kind: str, column: str, at: dt.date | None = None,
                hints: bool = True) -> str:
        """The one node of a kind a cell names, else Unmatched (unknown: with suggestions;
        ambiguous: with the candidates)."""
        names = self.kb.names
        for variant in _variants(text):
            try:
                return names.resolve(variant, kind, at)
            except InputError:
                continue
        if not hints:
            raise Unmatched(text, text)
        vi_kind, en_kind = KIND_WORDS.get(kind, ("đối tượng", "item"))
        candidates = [c for c in names.search(text, kind, limit=8)]
        if len(candidates) > 1:
            shown = "; ".join(f"{self.label(c['iri'])} <{compact(c['iri'])}>"
                              for c in candidates[:5])
            raise Unmatched(
                f"“{text}” (cột {column}) khớp với nhiều {vi_kind}: {shown} — hãy ghi rõ hơn "
                "hoặc dùng IRI",
                f"“{text}” (column {column}) matches several items ({en_kind}): {shown} — be "
                "more specific or use the IRI")
        hints = self.suggest(text, kind)
        tail_vi = f" — gợi ý: {'; '.join(hints)}" if hints else ""
        tail_en = f" — did you mean: {'; '.join(hints)}" if hints else ""
        raise Unmatched(f"không tìm thấy {vi_kind} “{text}” (cột {column}){tail_vi}",
                        f"no {en_kind} matches “{text}” (column {column}){tail_en}")

    def resolve_many(self, text: str, kind: str, column: str,
                     at: dt.date | None = None) -> list[str]:
        """Several names in one cell (separated by `;` or line breaks; `,` as a last resort)."""
        parts = [p.strip(" .") for p in re.split(r"[;\n]+", text) if p.strip(" .")]
        found: list[str] = []
        for part in parts:
            try:
                found.append(self.resolve(part, kind, column, at))
            except Unmatched:
                pieces = [p.strip(" .") for p in part.split(",") if p.strip(" .")]
                if len(pieces) < 2:
                    raise
                try:
                    found.extend(self.resolve(p, kind, column, at) for p in pieces)
                except Unmatched:
                    raise self._unmatched_whole(part, kind, column, at) from None
        return list(dict.fromkeys(found))

    def _unmatched_whole(self, text: str, kind: str, column: str, at: dt.date | None) -> Unmatched:
        try:
            self.resolve(text, kind, column, at)
        except Unmatched as exc:
            return exc
        return Unmatched(text, text)

    def suggest(self, text: str, kind: str, n: int = 3) -> list[str]:
        """The labels of the nearest names of a kind (accent-insensitive), for “gợi ý”."""
        key = normalize(text)
        keys = self._keys_of(kind)
        tokens = {t for t in key.split() if len(t) > 2}
        pool = [k for k in keys if tokens & set(k.split())] or keys
        close = difflib.get_close_matches(key, pool, n=n, cutoff=0.6)
        labels = []
        for k in close:
            for iri in sorted(self.kb.names.by_name[k]):
                if self._is_kind(iri, kind):
                    labels.append(self.label(iri))
                    break
        return list(dict.fromkeys(labels))

    def _keys_of(self, kind: str) -> list[str]:
        if kind not in self._keys:
            self._keys[kind] = sorted(k for k, iris in self.kb.names.by_name.items()
                                      if any(self._is_kind(i, kind) for i in iris))
        return self._keys[kind]

    def _is_kind(self, iri: str, kind: str) -> bool:
        return bool(self.types(iri) & KINDS.get(kind, set()))

    def documents_numbered(self, number: str) -> list[str]:
        """The documents of the graph whose tq:documentNumber is this number."""
        return sorted(i for i in self.kb.names.by_code.get(normalize(number), set())
                      if str(TQ.LegalDocument) in self.types(i))

    def issuers(self, doc: str) -> set[str]:
        """The tq:issuedBy of a document of the graph."""
        query = "PREFIX tq: <https://w3id.org/thamquyen/ontology#> SELECT ?i WHERE { ?d tq:issuedBy ?i }"
        rows = self.kb.store.select(query, {"d": rdflib.URIRef(doc)})
        return {str(r["i"]) for r in rows}

    def exists(self, iri: str) -> bool:
        """True when the graph already has triples about this IRI."""
        return self.kb.store.ask("ASK WHERE { ?s ?p ?o }", {"s": rdflib.URIRef(iri)})

    def sector(self, text: str) -> str | None:
        """The tq:Sectors concept a text names (“Hộ tịch”, “Lĩnh vực Hộ tịch”), if any."""
        key = fold(text)
        key = re.sub(r"^(?:[ivxlcdm]+|[a-z]|\d+)\s+", "", key) if " " in key else key
        key = key.removeprefix("linh vuc ").strip()
        return self.sectors.get(key)

    def level(self, text: str) -> str | None:
        """The administrative level a text names (“Cấp Xã”, “xã”, “cấp huyện”, “Cấp Bộ”)."""
        key = fold(text)
        if key in ("bo", "cap bo", "trung uong", "cap trung uong", "cap bo nganh"):
            return str(TQ.CentralLevel)
        return self.levels.get(key) or self.levels.get(key.removeprefix("cap "))

    def levels_in(self, text: str) -> list[str]:
        """The levels a longer text mentions (“THỦ TỤC HÀNH CHÍNH CẤP TỈNH”)."""
        key = f" {fold(text)} "
        found = [lv for label, lv in self.levels.items()
                 if label.startswith("cap ") and f" {label} " in key]
        if " cap bo " in key or " cap trung uong " in key:
            found.append(str(TQ.CentralLevel))
        return list(dict.fromkeys(found))

    # -------------------------------------------------------------- validation

    def validate(self, build: Build, full: bool = False) -> None:
        """SHACL-validate the new triples against ontology + data + PATHs and add every result
        on a new node, and every new Violation elsewhere, to its rows.

        By default incrementally (thamquyen.incremental: the nodes the change touches, on the
        part of the graph the shapes read from them — the same report for those nodes); with
        `full`, on the whole graph (minutes on national data when delegations are added)."""
        if not len(build.graph):
            return
        new = [ox.Triple(rdflib_to_ox(s), rdflib_to_ox(p), rdflib_to_ox(o))
               for s, p, o in build.graph]
        if full:
            report = validate_triples([*(q.triple for q in self.base), *new], self.shapes)
        else:
            report = validate_change(new, self.base, self.shapes)
        elsewhere = []
        for result in report.results:
            rows = build.node_rows.get(result.focus or "")
            if rows:
                for row in sorted(rows):
                    self._add_result(build, row, result)
            elif result.severity == "Violation":
                elsewhere.append(result)
        if elsewhere:
            self._attribute_elsewhere(build, elsewhere)

    def _attribute_elsewhere(self, build: Build, results: list[Result]) -> None:
        """A Violation on an existing node (a power: R8) counts only when the graph without the
        new triples does not have it; it goes to the rows whose nodes point at that node."""
        focus = sorted({r.focus for r in results if r.focus and not r.focus.startswith("_:")})
        terms = [ox.NamedNode(f) for f in focus]
        base = validate_triples(context_triples(terms, [], Union(self.base, [])), self.shapes,
                                focus_nodes=focus) if focus else None
        known = {(r.focus, r.shape, r.path, r.value, r.message.get("en")) for r in
                 (base.results if base else [])}
        referrers: dict[str, set[int]] = defaultdict(set)
        for s, _, o in build.graph:
            if isinstance(o, rdflib.URIRef):
                referrers[str(o)] |= build.node_rows.get(str(s), set())
        for result in results:
            if (result.focus, result.shape, result.path, result.value,
                    result.message.get("en")) in known:
                continue
            rows = referrers.get(result.focus or "")
            for row in sorted(rows) if rows else [None]:
                self._add_result(build, row, result)

    def _add_result(self, build: Build, row: int | None, result: Result) -> None:
        vi, en = self.describe(result, build)
        if result.severity == "Violation":
            build.error(row, vi, en)
        else:
            build.warn(row, vi, en)

    def describe(self, result: Result, build: Build) -> tuple[str, str]:
        """“vi phạm R2 (thời hạn ủy quyền): …” for a result, IRIs shown by their labels."""
        code, label_vi, label_en = self._rule(result.shape)
        word_vi = "vi phạm" if result.severity == "Violation" else "cảnh báo"
        word_en = "violates" if result.severity == "Violation" else "warning"
        vi_msg = self._labelled(result.message["vi"], build)
        en_msg = self._labelled(result.message["en"], build)
        if code:
            return (f"{word_vi} {code} ({label_vi}): {vi_msg}",
                    f"{word_en} {code} ({label_en}): {en_msg}")
        return (f"{word_vi} ràng buộc “{label_vi}”: {vi_msg}",
                f"{word_en} “{label_en}”: {en_msg}")

    def _rule(self, shape: str | None) -> tuple[str | None, str, str]:
        if shape is None:
            return None, "?", "?"
        node = rdflib.URIRef(shape)
        parent = next(self.shapes.subjects(SH.property, node), None) or \
            self.shapes.value(node, DCTERMS.isPartOf)
        if isinstance(parent, rdflib.URIRef):
            node = parent
        labels = {getattr(lbl, "language", None): str(lbl)
                  for lbl in self.shapes.objects(node, RDFS.label)}
        vi = labels.get("vi") or labels.get("en") or compact(str(node))
        en = labels.get("en") or vi
        match_vi = re.match(r"^(R\d+[a-z]?)\s+—\s+(.*)$", vi)
        match_en = re.match(r"^(R\d+[a-z]?)\s+—\s+(.*)$", en)
        if match_vi:
            return match_vi.group(1), match_vi.group(2), match_en.group(2) if match_en else en
        return None, vi, en

    def _labelled(self, message: str, build: Build) -> str:
        def _name(match: re.Match) -> str:
            iri = match.group(0)
            new = build.graph.value(rdflib.URIRef(iri), SKOS.prefLabel)
            return f"“{new if new is not None else self.label(iri)}”"
        return re.sub(r"https?://[^\s,;)»”\"<>]+", _name, message)


LABEL_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label WHERE { ?node skos:prefLabel ?label FILTER(langMatches(lang(?label), "vi")) }"""
SECTOR_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX tq: <https://w3id.org/thamquyen/ontology#>
SELECT ?c ?label WHERE { ?c skos:inScheme tq:Sectors ; skos:prefLabel|skos:altLabel ?label }"""
LEVEL_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX tq: <https://w3id.org/thamquyen/ontology#>
SELECT ?c ?label WHERE { ?c a tq:AdministrativeLevel ; skos:prefLabel|skos:altLabel ?label }"""
DOC_TYPE_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX tq: <https://w3id.org/thamquyen/ontology#>
SELECT ?c ?label ?notation WHERE {
  ?c skos:inScheme tq:DocumentTypes ; skos:prefLabel ?label .
  OPTIONAL { ?c skos:notation ?notation } }"""


def _variants(text: str) -> list[str]:
    """Spellings to try for a name: as written, without a final dot, without “các”."""
    text = nfc(text).replace("\n", " ")
    out = [text, text.rstrip(" .;,")]
    out.append(re.sub(r"\b[Cc]ác\s+", "", out[-1]))
    return [v for v in dict.fromkeys(out) if v]


# ---------------------------------------------------------------------------------- RDF

def literal_vi(text: str) -> rdflib.Literal:
    """A Vietnamese string, NFC."""
    return rdflib.Literal(nfc(text), lang="vi")


def literal_date(day: dt.date) -> rdflib.Literal:
    """An xsd:date."""
    return rdflib.Literal(day.isoformat(), datatype=XSD.date)


def source_literal(file_name: str, row: int) -> rdflib.Literal:
    """dcterms:source of an imported row: the file's name (never its path) and the row."""
    return rdflib.Literal(f"{file_name}, dòng {row}")


def iri(path: str) -> rdflib.URIRef:
    """A data IRI under id:."""
    return rdflib.URIRef(str(ID) + path)


def write_turtle(graph: rdflib.Graph, out: Path, header: str) -> None:
    """Write Turtle atomically: a temporary file beside OUT, then a rename."""
    for prefix in ("tq", "skos", "dcterms", "rdfs", "xsd"):
        graph.bind(prefix, PREFIXES[prefix])
    graph.bind("rdf", str(RDF))
    body = _relative_iris(graph, graph.serialize(format="turtle", base=str(ID)))
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(header + body, encoding="utf-8")
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()


_DATA_IRI = re.compile("<" + re.escape(str(ID)) + r"([^<>\s\"{}|^`\\]+)>")


def _relative_iris(graph: rdflib.Graph, body: str) -> str:
    """Write data IRIs relative to @base, as the files of data/ do; kept as they are if the
    rewritten text would not read back as the same graph (an IRI-like text in a literal)."""
    relative = _DATA_IRI.sub(lambda m: f"<{m.group(1)}>", body)
    try:
        same = _values(rdflib.Graph().parse(data=relative, format="turtle")) == _values(graph)
    except Exception:  # any parse failure means: keep the absolute form
        same = False
    return relative if same else body


def _values(graph: rdflib.Graph) -> set[tuple]:
    """The triples with literals compared by value (300000000 = 300000000.0 as xsd:decimal)."""
    def term(o: rdflib.term.Node) -> object:
        if isinstance(o, rdflib.Literal):
            return (o.value if o.value is not None else str(o), o.datatype, o.language)
        return o
    return {(s, p, term(o)) for s, p, o in graph}


# ---------------------------------------------------------------------------------- running

class Importer:
    """One kind of import: its columns, its layout name and how it turns a table into triples."""

    name: str = ""
    columns: tuple[Column, ...] = ()
    what: tuple[str, str] = ("", "")

    def build(self, table: Table, ctx: ImportContext, rows: Iterable[Row]) -> Build:
        """Turn the table's rows into triples and problems."""
        raise NotImplementedError

    def describe_nodes(self, build: Build, lang: str) -> str:
        """How many nodes of each class were written, for the summary."""
        counts: dict[str, int] = defaultdict(int)
        for _, cls in build.graph.subject_objects(RDF.type):
            counts[compact(str(cls))] += 1
        return ", ".join(f"{n} {c}" for c, n in sorted(counts.items()))


@dataclass
class Options:
    """How to run an import."""

    lang: str = "vi"
    quiet: bool = False
    full_validation: bool = False
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)


def run_import(importer: Importer, file: Path, out: Path, extra: Sequence[Path] = (),
               options: Options | None = None,
               context: ImportContext | Callable[[], ImportContext] | None = None) -> int:
    """Read FILE, match every name, validate, then write OUT atomically (exit 0) or nothing
    (exit 1: rows rejected; exit 2: unreadable file or missing column)."""
    opts = options or Options()
    try:
        _check_output(out)
        table = read_table(file, importer.columns, importer.what)
        ctx = context() if callable(context) else (context or ImportContext.load(extra))
        build = importer.build(table, ctx, _progress(table, opts))
        ctx.validate(build, full=opts.full_validation)
    except InputError as exc:
        word = "Lỗi: " if opts.lang == "vi" else "Error: "
        print(word + exc.render(opts.lang), file=opts.stderr)
        return EXIT_UNREADABLE
    if build.errors:
        _print_rejection(table, build, out, opts)
        return EXIT_REJECTED
    header = (f"# Nhập bằng `thamquyen import {importer.name}` từ {table.file_name} "
              f"(dòng tiêu đề cột: {table.header_row}).\n"
              f"# Imported by `thamquyen import {importer.name}` from {table.file_name}.\n\n")
    write_turtle(build.graph, out, header)
    _print_summary(importer, table, build, out, opts)
    return EXIT_OK


def _check_output(out: Path) -> None:
    if not out.parent.exists() and str(out.parent) not in ("", "."):
        raise InputError("thư mục của tệp kết quả (-o) không tồn tại; hãy tạo thư mục trước.",
                         "the folder of the output file (-o) does not exist; create it first.",
                         file=str(out))
    if out.is_dir():
        raise InputError("-o phải là một tệp .ttl, không phải thư mục.",
                         "-o must be a .ttl file, not a folder.", file=str(out))


def _progress(table: Table, opts: Options) -> Iterable[Row]:
    rows = table.rows
    enabled = (len(rows) > PROGRESS_MIN_ROWS and not opts.quiet
               and getattr(opts.stderr, "isatty", lambda: False)())
    if not enabled:
        return rows
    from tqdm import tqdm
    return tqdm(rows, file=opts.stderr, unit=" dòng" if opts.lang == "vi" else " rows",
                desc=table.file_name, leave=False)


def _counts_line(table: Table, lang: str) -> str:
    total, data = len(table.rows), table.count("data")
    group, blank = table.count("group"), table.count("blank")
    numbers = [str(r.number) for r in table.rows if r.kind == "blank"]
    shown = ", ".join(numbers[:20]) + (" …" if len(numbers) > 20 else "")
    if lang == "vi":
        where = f": dòng {shown}" if numbers else ""
        return (f"Dòng đã đọc: {total} sau dòng tiêu đề cột {table.header_row} "
                f"({data} dòng dữ liệu, {group} dòng nhóm, {blank} dòng trống{where})")
    where = f": row {shown}" if numbers else ""
    return (f"Rows read: {total} after the header row {table.header_row} "
            f"({data} data rows, {group} group rows, {blank} blank rows{where})")


def _print_rejection(table: Table, build: Build, out: Path, opts: Options) -> None:
    lang, err = opts.lang, opts.stderr
    rejected = len(build.rejected_rows)
    if lang == "vi":
        print(f"KHÔNG GHI {out.name}: {rejected}/{table.count('data')} dòng dữ liệu bị từ chối, "
              f"{len(build.errors)} lỗi. Sửa các dòng dưới đây rồi nhập lại.", file=err)
    else:
        print(f"NOTHING WRITTEN to {out.name}: {rejected}/{table.count('data')} data rows "
              f"rejected, {len(build.errors)} errors. Fix the rows below and import again.",
              file=err)
    print(_counts_line(table, lang), file=err)
    for issue in _sorted(build.errors):
        print(issue.render(lang), file=err)
    if build.warnings:
        print("Cảnh báo:" if lang == "vi" else "Warnings:", file=err)
        for issue in _sorted(build.warnings):
            print("  " + issue.render(lang), file=err)


def _print_summary(importer: Importer, table: Table, build: Build, out: Path,
                   opts: Options) -> None:
    lang, stream = opts.lang, opts.stdout
    nodes = len({s for s in build.graph.subjects()})
    if lang == "vi":
        print(f"Đã ghi {out.name} từ {table.file_name}.", file=stream)
        print(_counts_line(table, lang), file=stream)
        print(f"Nút đã ghi: {nodes} ({importer.describe_nodes(build, lang)}); "
              f"{len(build.graph)} bộ ba", file=stream)
        print(f"Cảnh báo: {len(build.warnings)}", file=stream)
    else:
        print(f"Wrote {out.name} from {table.file_name}.", file=stream)
        print(_counts_line(table, lang), file=stream)
        print(f"Nodes written: {nodes} ({importer.describe_nodes(build, lang)}); "
              f"{len(build.graph)} triples", file=stream)
        print(f"Warnings: {len(build.warnings)}", file=stream)
    for issue in _sorted(build.warnings):
        print("  " + issue.render(lang), file=stream)
    if build.notes and not opts.quiet:
        print("Ghi chú (tiêu đề, dòng nhóm, dòng bỏ qua):" if lang == "vi"
              else "Notes (title, group rows, skipped rows):", file=stream)
        for issue in _sorted(build.notes):
            print("  " + issue.render(lang), file=stream)


def _sorted(issues: list[Issue]) -> list[Issue]:
    unique = list(dict.fromkeys(issues))
    return sorted(unique, key=lambda i: (i.row is not None, i.row or 0))
