"""`thamquyen import procedures`: a procedure list → tq:Procedure nodes.

Two layouts are understood, told apart only by their column names:
* the national procedure database (CSDL quốc gia về TTHC): Mã thủ tục, Tên thủ tục, Lĩnh vực,
  Cấp thực hiện, Cơ quan thực hiện, Cơ quan có thẩm quyền, Cơ quan được ủy quyền, Cơ quan phối
  hợp, Căn cứ pháp lý, Thời hạn giải quyết, Phí, lệ phí;
* the annex of a "công bố danh mục TTHC" decision: Số TT | Tên TTHC | Thời hạn giải quyết | Địa
  điểm thực hiện | Phí, lệ phí | Căn cứ pháp lý | Cơ quan thực hiện, with title rows above the
  header and group rows (“I. Lĩnh vực Hộ tịch”, “A. THỦ TỤC HÀNH CHÍNH CẤP TỈNH”) that set the
  sector or level of the rows below them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import rdflib
from rdflib.namespace import DCTERMS, RDF, SKOS

from ..names import normalize
from ..namespaces import TQ
from .common import Build, ImportContext, Importer, Unmatched, iri, literal_vi, source_literal
from .table import Column, Row, Table
from .text import doc_numbers_in, fold, slug

TITLE_WORDS = 14
CODE_FORM = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]*$")
COLUMNS = (
    Column("code", "Mã thủ tục", "Procedure code",
           ("Mã TTHC", "Mã số TTHC", "Mã số thủ tục", "Mã thủ tục hành chính")),
    Column("name", "Tên thủ tục", "Procedure name",
           ("Tên TTHC", "Tên thủ tục hành chính"), required=True),
    Column("seq", "Số TT", "No.", ("STT", "TT", "Số thứ tự")),
    Column("sector", "Lĩnh vực", "Sector", ()),
    Column("level", "Cấp thực hiện", "Level", ("Cấp giải quyết",)),
    Column("implementing", "Cơ quan thực hiện", "Implementing authority",
           ("Cơ quan giải quyết", "Cơ quan trực tiếp thực hiện")),
    Column("competent", "Cơ quan có thẩm quyền", "Competent authority",
           ("Cơ quan có thẩm quyền quyết định", "Cơ quan có thẩm quyền giải quyết")),
    Column("authorized", "Cơ quan được ủy quyền", "Authorized authority",
           ("Cơ quan được ủy quyền hoặc phân cấp thực hiện",)),
    Column("coordinating", "Cơ quan phối hợp", "Coordinating authority", ()),
    Column("legal", "Căn cứ pháp lý", "Legal basis", ()),
    Column("time", "Thời hạn giải quyết", "Processing time", ()),
    Column("fee", "Phí, lệ phí", "Fee", ("Phí", "Lệ phí", "Phí/lệ phí", "Phí lệ phí")),
    Column("place", "Địa điểm thực hiện", "Place", ()),
)
AUTHORITY_COLUMNS = (("competent", TQ.competentAuthority), ("implementing", TQ.implementingAuthority),
                     ("authorized", TQ.authorizedAuthority),
                     ("coordinating", TQ.coordinatingAuthority))
_TITLE_AUTHORITY = re.compile(
    r"thuoc (?:pham vi )?(?:tham quyen|chuc nang quan ly)(?: giai quyet)?(?: cua)? (.+)$")


@dataclass
class Defaults:
    """What the rows inherit: from the title rows, then from the group rows above them."""

    competent: str | None = None
    title_level: str | None = None
    level: str | None = None
    sector: str | None = None
    seen: dict[str, int] = field(default_factory=dict)


class ProcedureImporter(Importer):
    """Procedure lists (national database export or a "công bố" annex) → tq:Procedure."""

    name = "procedures"
    columns = COLUMNS
    what = ("danh mục thủ tục hành chính (Tên thủ tục / Tên TTHC, …)",
            "a procedure list (Tên thủ tục / Tên TTHC, …)")

    def build(self, table: Table, ctx: ImportContext, rows: Iterable[Row]) -> Build:
        """Every data row → one tq:Procedure; group rows set the sector or level."""
        build = Build()
        defaults = self._title_defaults(table, ctx, build)
        for row in rows:
            if row.kind == "group":
                self._group(row, ctx, defaults, build)
            elif row.kind == "blank" and row.text:
                build.note(row.number, f"chỉ có số thứ tự “{row.text}”, không có nội dung — bỏ qua",
                           f"only a sequence number “{row.text}”, nothing else — skipped")
            elif row.kind == "data":
                self._row(table, row, ctx, defaults, build)
        if not table.count("data"):
            build.warn(None, "tệp không có dòng dữ liệu nào", "the file has no data rows")
        return build

    # ---------------------------------------------------------------- title and groups

    def _title_defaults(self, table: Table, ctx: ImportContext, build: Build) -> Defaults:
        defaults = Defaults()
        text = " ".join(table.title)
        levels = ctx.levels_in(text)
        if len(levels) == 1:
            defaults.title_level = levels[0]
        matches = [m for m in (_TITLE_AUTHORITY.search(fold(t)) for t in table.title) if m]
        if matches and "competent" not in table.columns:
            words = matches[0].group(1).split()[:TITLE_WORDS]
            for end in range(len(words), 2, -1):
                try:
                    defaults.competent = ctx.resolve(" ".join(words[:end]), "authority", "",
                                                      hints=False)
                    break
                except Unmatched:
                    continue
            if defaults.competent:
                build.note(None, f"cơ quan có thẩm quyền lấy từ tiêu đề: "
                                 f"{ctx.label(defaults.competent)}",
                           f"competent authority taken from the title: "
                           f"{ctx.label(defaults.competent)}")
        return defaults

    def _group(self, row: Row, ctx: ImportContext, defaults: Defaults, build: Build) -> None:
        levels = ctx.levels_in(row.text)
        sector = ctx.sector(row.text)
        if len(levels) == 1 and not sector:
            defaults.level, defaults.sector = levels[0], None
            build.note(row.number, f"nhóm “{row.text}” → cấp thực hiện {ctx.label(levels[0])} "
                                   "cho các dòng bên dưới",
                       f"group “{row.text}” → level {ctx.label(levels[0])} for the rows below")
        elif sector:
            defaults.sector = sector
            build.note(row.number, f"nhóm “{row.text}” → lĩnh vực {ctx.label(sector)} cho các "
                                   "dòng bên dưới",
                       f"group “{row.text}” → sector {ctx.label(sector)} for the rows below")
        elif "linh vuc" in fold(row.text):
            defaults.sector = None
            build.warn(row.number, f"nhóm “{row.text}” không khớp lĩnh vực nào của tq:Sectors; "
                                   "các dòng bên dưới không có lĩnh vực",
                       f"group “{row.text}” matches no tq:Sectors concept; the rows below get "
                       "no sector")
        else:
            build.note(row.number, f"dòng nhóm/tiêu đề “{row.text}” — không dùng",
                       f"group/heading row “{row.text}” — not used")

    # ---------------------------------------------------------------- data rows

    def _row(self, table: Table, row: Row, ctx: ImportContext, defaults: Defaults,
             build: Build) -> None:
        n = row.number
        name = row.get("name").replace("\n", " ")
        if not name:
            build.error(n, "thiếu tên thủ tục (cột Tên thủ tục)",
                        "the procedure name is missing (column Tên thủ tục)")
            return
        errors_before = len(build.errors)
        code = self._code(row, build)
        levels = self._levels(row, ctx, defaults, build)
        sector = self._sector(row, ctx, defaults, build)
        authorities = self._authorities(table, row, ctx, defaults, build)
        if len(build.errors) > errors_before:
            return
        node, code = self._node(name, code, levels, ctx, build, n)
        if node is None:
            return
        if str(node) in defaults.seen:
            build.error(n, f"thủ tục trùng với dòng {defaults.seen[str(node)]} ({node})",
                        f"same procedure as row {defaults.seen[str(node)]} ({node})")
            return
        defaults.seen[str(node)] = n
        if ctx.exists(str(node)):
            build.warn(n, f"thủ tục {code or name} đã có trong dữ liệu; tệp mới bổ sung thông "
                          "tin cho cùng IRI",
                       f"procedure {code or name} is already in the data; the new file adds "
                       "to the same IRI")
        triples = [(node, RDF.type, TQ.Procedure), (node, SKOS.prefLabel, literal_vi(name)),
                   (node, DCTERMS.source, source_literal(table.file_name, n))]
        if code:
            triples.append((node, TQ.procedureCode, rdflib.Literal(code)))
        if sector:
            triples.append((node, TQ.sector, rdflib.URIRef(sector)))
        triples += [(node, TQ.procedureLevel, rdflib.URIRef(lv)) for lv in levels]
        for prop, targets in authorities.items():
            triples += [(node, prop, rdflib.URIRef(t)) for t in targets]
        for key, prop in (("time", TQ.processingTime), ("fee", TQ.fee)):
            if row.get(key):
                triples.append((node, prop, literal_vi(row.get(key))))
        triples += [(node, TQ.legalBasis, rdflib.URIRef(d))
                    for d in self._legal_basis(row, ctx, build)]
        build.add(n, triples)

    def _code(self, row: Row, build: Build) -> str | None:
        raw = row.raw("code")
        if isinstance(raw, float):
            return f"{raw:.6f}"
        code = row.get("code").replace(" ", "")
        if code and not CODE_FORM.match(code):
            build.error(row.number, f"mã thủ tục “{code}” có ký tự không hợp lệ (ví dụ đúng: "
                                    "1.001193)",
                        f"the procedure code “{code}” has invalid characters (e.g. 1.001193)")
        return code or None

    def _levels(self, row: Row, ctx: ImportContext, defaults: Defaults, build: Build) -> list[str]:
        text = row.get("level")
        if not text:
            level = defaults.level or defaults.title_level
            return [level] if level else []
        found = []
        for part in re.split(r"[,;/\n]+|\s+và\s+", text):
            if not part.strip():
                continue
            level = ctx.level(part)
            if level is None:
                build.error(row.number, f"không nhận ra cấp thực hiện “{part.strip()}” (cột Cấp "
                                        "thực hiện) — dùng Cấp Bộ, Cấp Tỉnh, Cấp Huyện hoặc Cấp Xã",
                            f"unknown level “{part.strip()}” (column Cấp thực hiện) — use Cấp "
                            "Bộ, Cấp Tỉnh, Cấp Huyện or Cấp Xã")
            else:
                found.append(level)
        return list(dict.fromkeys(found))

    def _sector(self, row: Row, ctx: ImportContext, defaults: Defaults, build: Build) -> str | None:
        text = row.get("sector")
        if not text:
            return defaults.sector
        sector = ctx.sector(text)
        if sector is None:
            build.warn(row.number, f"lĩnh vực “{text}” không có trong danh mục tq:Sectors — không "
                                   "ghi tq:sector",
                       f"sector “{text}” is not in the tq:Sectors list — no tq:sector written")
        return sector

    def _authorities(self, table: Table, row: Row, ctx: ImportContext, defaults: Defaults,
                     build: Build) -> dict[rdflib.URIRef, list[str]]:
        found: dict[rdflib.URIRef, list[str]] = {}
        for key, prop in AUTHORITY_COLUMNS:
            text = row.get(key)
            if not text:
                continue
            column = table.columns.get(key, key)
            try:
                found[prop] = ctx.resolve_many(text, "authority", column)
            except Unmatched as exc:
                build.error(row.number, exc.vi, exc.en)
        if TQ.competentAuthority not in found:
            if defaults.competent:
                found[TQ.competentAuthority] = [defaults.competent]
            elif TQ.implementingAuthority in found and "competent" not in table.columns:
                found[TQ.competentAuthority] = list(found[TQ.implementingAuthority])
                build.warn(row.number, "không có cột Cơ quan có thẩm quyền: lấy Cơ quan thực hiện "
                                       "làm cơ quan có thẩm quyền",
                           "no Cơ quan có thẩm quyền column: the implementing authority is taken "
                           "as the competent authority")
        return found

    def _node(self, name: str, code: str | None, levels: list[str], ctx: ImportContext,
              build: Build, n: int) -> tuple[rdflib.URIRef | None, str | None]:
        if code:
            return iri(f"procedure/{code}"), code
        for candidate in ctx.kb.names.by_name.get(normalize(name), set()):
            if str(TQ.Procedure) in ctx.types(candidate) and candidate in ctx.kb.names.codes:
                found = ctx.kb.names.codes[candidate]
                build.warn(n, f"không có mã thủ tục; lấy mã {found} của thủ tục cùng tên đã có",
                           f"no procedure code; code {found} taken from the procedure of the "
                           "same name already in the graph")
                return rdflib.URIRef(candidate), found
        level_slug = "-".join(ctx.level_slugs.get(lv, "") for lv in levels) or "khong-ro-cap"
        node = iri(f"procedure/{slug(name)}-{level_slug}")
        build.warn(n, f"không có mã thủ tục; dùng IRI {node.split('/id/')[-1]}. Quy tắc hiện "
                      "hành yêu cầu mã thủ tục nên dòng này bị từ chối nếu thiếu mã — thêm cột "
                      "Mã TTHC, hoặc nhập trước danh mục từ CSDL quốc gia và truyền tệp đó làm PATH",
                   f"no procedure code; IRI {node.split('/id/')[-1]} used. The shapes require a "
                   "procedure code, so the row is rejected without one — add a Mã TTHC column, "
                   "or import the national-database list first and pass it as a PATH")
        return node, None

    def _legal_basis(self, row: Row, ctx: ImportContext, build: Build) -> list[str]:
        found = []
        for number in doc_numbers_in(row.get("legal")):
            docs = ctx.documents_numbered(number)
            if docs:
                found.extend(docs)
            else:
                build.warn(row.number, f"căn cứ {number} chưa có trong đồ thị — không ghi "
                                       "tq:legalBasis cho văn bản này",
                           f"legal basis {number} is not in the graph — no tq:legalBasis for it")
        return list(dict.fromkeys(found))
