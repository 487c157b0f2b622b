"""`thamquyen import delegations`: a delegation register (sổ đăng ký phân cấp, ủy quyền kept by
a Sở Nội vụ, one row per decision) → the instrument (tq:LegalDocument) and a tq:Decentralization
or tq:Authorization with its resources and oversight.

Columns: Số hiệu, Ngày ban hành, Cơ quan ban hành, Loại (phân cấp / ủy quyền), Thẩm quyền, Bên
nhận, Hiệu lực từ, Hiệu lực đến, Nguồn lực, Cơ quan kiểm tra, Ghi chú.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from ..namespaces import TQ
from .common import (
    ROLE,
    Build,
    ImportContext,
    Importer,
    Unmatched,
    iri,
    literal_date,
    literal_vi,
    source_literal,
)
from .table import Column, Row, Table
from .text import (
    DateError,
    DocNumber,
    amounts_vnd,
    fold,
    number_slug,
    parse_date,
    parse_doc_number,
    staff_quotas,
    vn_date,
)

COLUMNS = (
    Column("number", "Số hiệu", "Number",
           ("Số, ký hiệu", "Số ký hiệu", "Số hiệu văn bản", "Số văn bản", "Số và ký hiệu"),
           required=True),
    Column("date", "Ngày ban hành", "Date issued", ("Ngày ký", "Ngày văn bản"), required=True),
    Column("issuer", "Cơ quan ban hành", "Issuer",
           ("Cơ quan, người ban hành", "Người ban hành", "Cơ quan phân cấp, ủy quyền",
            "Bên giao"), required=True),
    Column("kind", "Loại", "Kind", ("Hình thức", "Loại giao quyền", "Phân cấp/ủy quyền",
                                    "Phân cấp hay ủy quyền"), required=True),
    Column("doctype", "Loại văn bản", "Document type", ("Hình thức văn bản",)),
    Column("power", "Thẩm quyền", "Power",
           ("Thẩm quyền được giao", "Nhiệm vụ, quyền hạn", "Nội dung phân cấp, ủy quyền"),
           required=True),
    Column("delegate", "Bên nhận", "Delegate",
           ("Cơ quan được giao", "Bên được phân cấp, ủy quyền", "Cơ quan nhận",
            "Cơ quan được phân cấp, ủy quyền"), required=True),
    Column("valid_from", "Hiệu lực từ", "Valid from",
           ("Ngày hiệu lực", "Có hiệu lực từ", "Từ ngày", "Hiệu lực từ ngày"), required=True),
    Column("valid_until", "Hiệu lực đến", "Valid until",
           ("Hết hiệu lực", "Đến ngày", "Thời hạn đến", "Hiệu lực đến ngày")),
    Column("resources", "Nguồn lực", "Resources", ("Bảo đảm nguồn lực", "Nguồn lực bảo đảm")),
    Column("oversight", "Cơ quan kiểm tra", "Oversight",
           ("Cơ quan thanh tra, kiểm tra", "Thanh tra, kiểm tra", "Cơ quan giám sát")),
    Column("note", "Ghi chú", "Note", ()),
    Column("seq", "Số TT", "No.", ("STT", "TT")),
)
NO_ONWARD = ("khong duoc phan cap tiep", "khong duoc uy quyen tiep", "khong duoc giao tiep")


@dataclass
class Instrument:
    """A decision of the register: made once, shared by the rows that cite it."""

    node: rdflib.URIRef
    issuer: str
    issued: dt.date
    first_row: int
    new: bool


@dataclass
class Parsed:
    """The cells of one row, matched and parsed."""

    number: DocNumber
    kind: rdflib.URIRef
    issued: dt.date
    issuer: str
    power: str
    delegates: list[str]
    valid_from: dt.date | None
    valid_until: dt.date | None
    oversight: list[str] = field(default_factory=list)


class DelegationImporter(Importer):
    """A delegation register → instruments and delegations."""

    name = "delegations"
    columns = COLUMNS
    what = ("sổ đăng ký phân cấp, ủy quyền (Số hiệu, Ngày ban hành, Cơ quan ban hành, Loại, "
            "Thẩm quyền, Bên nhận, Hiệu lực từ, …)",
            "a delegation register (Số hiệu, Ngày ban hành, Cơ quan ban hành, Loại, Thẩm quyền, "
            "Bên nhận, Hiệu lực từ, …)")

    def build(self, table: Table, ctx: ImportContext, rows: Iterable[Row]) -> Build:
        """Every data row → one delegation (+ its instrument, once per decision)."""
        build = Build()
        instruments: dict[tuple[str, str], Instrument] = {}
        for row in rows:
            if row.kind == "group":
                build.warn(row.number, f"dòng không phải dữ liệu (“{row.text}”) — bỏ qua",
                           f"not a data row (“{row.text}”) — skipped")
            elif row.kind == "blank" and row.text:
                build.note(row.number, f"chỉ có số thứ tự “{row.text}” — bỏ qua",
                           f"only a sequence number “{row.text}” — skipped")
            elif row.kind == "data":
                parsed = self._parse(table, row, ctx, build)
                if parsed is not None:
                    self._emit(table, row, parsed, ctx, build, instruments)
        if not table.count("data"):
            build.warn(None, "tệp không có dòng dữ liệu nào", "the file has no data rows")
        return build

    # ---------------------------------------------------------------- parsing

    def _parse(self, table: Table, row: Row, ctx: ImportContext, build: Build) -> Parsed | None:
        n, before = row.number, len(build.errors)
        column = table.columns
        number = parse_doc_number(row.get("number"))
        if number is None:
            build.error(n, f"số hiệu “{row.get('number')}” không đúng dạng (ví dụ 12/2023/QĐ-UBND "
                           f"hoặc 1520/QĐ-UBND) (cột {column['number']})",
                        f"the number “{row.get('number')}” is not well formed (e.g. "
                        f"12/2023/QĐ-UBND or 1520/QĐ-UBND) (column {column['number']})")
        kind = self._kind(row, column["kind"], build)
        issued = self._date(row, "date", column, build, required=True)
        valid_from = self._date(row, "valid_from", column, build)
        valid_until = self._date(row, "valid_until", column, build)
        at = valid_from or issued
        issuer = self._match(ctx, build, n, row.get("issuer"), "authority", column["issuer"], at,
                             concrete=True)
        power = self._match(ctx, build, n, row.get("power"), "power", column["power"], at)
        delegates = self._match_many(ctx, build, n, row.get("delegate"), column["delegate"], at)
        oversight = []
        if row.get("oversight"):
            oversight = self._match_many(ctx, build, n, row.get("oversight"),
                                         column["oversight"], at, concrete=True)
        if len(build.errors) > before or None in (number, kind, issued, issuer, power):
            return None
        return Parsed(number, kind, issued, issuer, power, delegates, valid_from, valid_until,
                      oversight)

    def _kind(self, row: Row, column: str, build: Build) -> rdflib.URIRef | None:
        text = fold(row.get("kind"))
        if "phan cap" in text and "uy quyen" not in text:
            return TQ.Decentralization
        if "uy quyen" in text and "phan cap" not in text:
            return TQ.Authorization
        build.error(row.number, f"loại “{row.get('kind')}” không rõ (cột {column}) — ghi "
                                "“phân cấp” hoặc “ủy quyền”",
                    f"unclear kind “{row.get('kind')}” (column {column}) — write “phân cấp” or "
                    "“ủy quyền”")
        return None

    def _date(self, row: Row, key: str, column: dict[str, str], build: Build,
              required: bool = False) -> dt.date | None:
        name = column.get(key, key)
        try:
            day = parse_date(row.raw(key))
        except DateError as exc:
            build.error(row.number, f"ngày “{exc}” không hợp lệ (cột {name}) — viết dd/mm/yyyy, "
                                    "ví dụ 05/09/2023",
                        f"invalid date “{exc}” (column {name}) — write dd/mm/yyyy, e.g. "
                        "05/09/2023")
            return None
        if day is None and required:
            build.error(row.number, f"thiếu ngày (cột {name})", f"date missing (column {name})")
        return day

    def _match(self, ctx: ImportContext, build: Build, n: int, text: str, kind: str,
               column: str, at: dt.date | None, concrete: bool = False) -> str | None:
        if not text:
            build.error(n, f"ô trống (cột {column})", f"empty cell (column {column})")
            return None
        try:
            found = ctx.resolve(text, kind, column, at)
        except Unmatched as exc:
            build.error(n, exc.vi, exc.en)
            return None
        if concrete and ROLE in ctx.types(found):
            build.error(n, f"“{text}” (cột {column}) là chủ thể theo cấp; ở đây cần một cơ quan "
                           "hoặc chức danh cụ thể",
                        f"“{text}” (column {column}) is an authority role; a concrete agency or "
                        "post is needed here")
            return None
        return found

    def _match_many(self, ctx: ImportContext, build: Build, n: int, text: str, column: str,
                    at: dt.date | None, concrete: bool = False) -> list[str]:
        if not text:
            build.error(n, f"ô trống (cột {column})", f"empty cell (column {column})")
            return []
        try:
            found = ctx.resolve_many(text, "authority", column, at)
        except Unmatched as exc:
            build.error(n, exc.vi, exc.en)
            return []
        if concrete:
            roles = [f for f in found if ROLE in ctx.types(f)]
            for role in roles:
                build.error(n, f"“{ctx.label(role)}” (cột {column}) là chủ thể theo cấp; ở đây "
                               "cần một cơ quan hoặc chức danh cụ thể",
                            f"“{ctx.label(role)}” (column {column}) is an authority role; a "
                            "concrete agency or post is needed here")
        return found

    # ---------------------------------------------------------------- triples

    def _emit(self, table: Table, row: Row, p: Parsed, ctx: ImportContext, build: Build,
              instruments: dict[tuple[str, str], Instrument]) -> None:
        n = row.number
        instrument = self._instrument(table, row, p, ctx, build, instruments)
        if instrument is None:
            return
        node = iri(f"delegation/{number_slug(p.number.text)}-{n}")
        source = source_literal(table.file_name, n)
        triples = [(node, RDF.type, p.kind), (node, TQ.power, rdflib.URIRef(p.power)),
                   (node, TQ.delegator, rdflib.URIRef(p.issuer)),
                   (node, TQ.instrument, instrument.node),
                   (node, DCTERMS.source, instrument.node), (node, DCTERMS.source, source)]
        triples += [(node, TQ.delegate, rdflib.URIRef(d)) for d in p.delegates]
        triples += [(node, TQ.oversightBy, rdflib.URIRef(o)) for o in p.oversight]
        if p.valid_from:
            triples.append((node, TQ.validFrom, literal_date(p.valid_from)))
        if p.valid_until:
            triples.append((node, TQ.validUntil, literal_date(p.valid_until)))
        note = row.get("note")
        if note:
            triples.append((node, RDFS.comment, literal_vi(note)))
            if p.kind == TQ.Decentralization and any(k in fold(note) for k in NO_ONWARD):
                triples.append((node, TQ.onwardDelegation, rdflib.Literal(False)))
        triples += self._resources(node, row, source, build)
        build.add(n, triples)

    def _resources(self, node: rdflib.URIRef, row: Row, source: rdflib.Literal,
                   build: Build) -> list[tuple]:
        text = row.get("resources")
        if not text:
            return []
        res = rdflib.URIRef(f"{node}/nguon-luc")
        triples = [(node, TQ.resources, res), (res, RDF.type, TQ.ResourceAllocation),
                   (res, RDFS.comment, literal_vi(text)), (res, DCTERMS.source, source)]
        amounts = amounts_vnd(text)
        if len(amounts) == 1:
            triples.append((res, TQ.budget, rdflib.Literal(str(amounts[0]), datatype=XSD.decimal)))
        elif amounts:
            build.warn(row.number, f"nguồn lực nêu {len(amounts)} khoản kinh phí — không ghi "
                                   "tq:budget (giữ nguyên văn trong rdfs:comment)",
                       f"the resources state {len(amounts)} amounts — no tq:budget written (the "
                       "text is kept in rdfs:comment)")
        quotas = staff_quotas(text)
        if len(quotas) == 1:
            triples.append((res, TQ.staffQuota, rdflib.Literal(quotas[0], datatype=XSD.integer)))
        elif quotas:
            triples.append((res, TQ.staffQuota,
                            rdflib.Literal(sum(quotas), datatype=XSD.integer)))
            build.warn(row.number, f"nguồn lực nêu {len(quotas)} số biên chế — ghi tổng "
                                   f"{sum(quotas)}",
                       f"the resources state {len(quotas)} staff numbers — their sum "
                       f"{sum(quotas)} is written")
        return triples

    def _instrument(self, table: Table, row: Row, p: Parsed, ctx: ImportContext, build: Build,
                    instruments: dict[tuple[str, str], Instrument]) -> Instrument | None:
        key = (p.number.text, p.issuer)
        known = instruments.get(key)
        if known is not None:
            if known.issued != p.issued:
                build.error(row.number, f"cùng số hiệu {p.number.text} với dòng {known.first_row} "
                                        f"nhưng khác ngày ban hành ({vn_date(p.issued)} ≠ "
                                        f"{vn_date(known.issued)})",
                            f"same number {p.number.text} as row {known.first_row} but another "
                            f"date of issue ({vn_date(p.issued)} ≠ {vn_date(known.issued)})")
                return None
            if known.new:
                build.node_rows[str(known.node)].add(row.number)
            return known
        for doc in ctx.documents_numbered(p.number.text):
            if p.issuer in ctx.issuers(doc):
                instruments[key] = Instrument(rdflib.URIRef(doc), p.issuer, p.issued,
                                              row.number, new=False)
                return instruments[key]
        doc_type = self._doc_type(row, p, ctx, build)
        if doc_type is None:
            return None
        node = self._doc_node(p, ctx, instruments)
        label = (f"{ctx.doc_type_labels.get(doc_type, 'Văn bản')} số {p.number.text} ngày "
                 f"{vn_date(p.issued)} của {ctx.label(p.issuer)}")
        build.add(row.number, [
            (node, RDF.type, TQ.LegalDocument), (node, SKOS.prefLabel, literal_vi(label)),
            (node, TQ.documentType, rdflib.URIRef(doc_type)),
            (node, TQ.documentNumber, rdflib.Literal(p.number.text)),
            (node, TQ.issuedBy, rdflib.URIRef(p.issuer)),
            (node, TQ.dateIssued, literal_date(p.issued)),
            (node, TQ.normative, rdflib.Literal(p.number.year is not None)),
            (node, DCTERMS.source, source_literal(table.file_name, row.number))])
        instruments[key] = Instrument(node, p.issuer, p.issued, row.number, new=True)
        return instruments[key]

    def _doc_type(self, row: Row, p: Parsed, ctx: ImportContext, build: Build) -> str | None:
        abbreviation = p.number.type_abbreviation
        found = ctx.doc_types.get(fold(abbreviation)) if abbreviation else None
        if found is None and p.number.year and fold(p.number.symbol).startswith("qh"):
            found = str(TQ.Law)
        if found is None and row.get("doctype"):
            found = ctx.doc_type_by_label.get(fold(row.get("doctype")))
        if found is None:
            build.error(row.number, f"không xác định được loại văn bản từ số hiệu "
                                    f"“{p.number.text}” (ký hiệu “{abbreviation or '—'}”; ví dụ "
                                    "QĐ, NQ, KH)",
                        f"cannot tell the document type from the number “{p.number.text}” "
                        f"(abbreviation “{abbreviation or '—'}”; e.g. QĐ, NQ, KH)")
            return None
        printed = ctx.doc_notations.get(found)
        if abbreviation and printed and printed != abbreviation \
                and printed.replace("Đ", "D") == abbreviation.replace("Đ", "D"):
            build.warn(row.number, f"ký hiệu “{abbreviation}” viết không dấu; đúng là “{printed}”",
                       f"the abbreviation “{abbreviation}” lacks the letter Đ; it is “{printed}”")
        return found

    def _doc_node(self, p: Parsed, ctx: ImportContext,
                  instruments: dict[tuple[str, str], Instrument]) -> rdflib.URIRef:
        base = number_slug(p.number.text)
        if p.number.year is None:
            base = f"{base}-{p.issued.year}"
        node = iri(f"doc/{base}")
        taken = {str(i.node) for (_, issuer), i in instruments.items() if issuer != p.issuer}
        if str(node) in taken or ctx.exists(str(node)):
            node = iri(f"doc/{base}-{p.issuer.rsplit('/', 1)[-1]}")
        return node

