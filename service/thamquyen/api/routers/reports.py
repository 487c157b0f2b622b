"""Reports for Sở Nội vụ (theo dõi, đôn đốc, báo cáo): named queries of queries/ as pages,
filterable by province, printable, downloadable as .xlsx and .csv.

The questions are the named queries themselves; this module only runs them, labels the
columns (the query's `#+ columns` header) and the IRIs, and filters rows by province.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Annotated

import rdflib
from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from ...catalog import NamedQuery, column_labels, get, run_named
from ...kb import KB
from ...rdfio import InputError
from ...reports import compact
from .. import places
from ..describe import local_path
from ..errors import ApiError
from ..state import service
from ..web import page_lang, render
from ..wording import vn_date

router = APIRouter(include_in_schema=False)
REPORTS = ("delegations-ending-soon", "delegations-without-resources",
           "delegations-without-oversight", "powers-at-more-than-two-levels",
           "changes-between-dates")
SHOWN_ROWS = 500
# the code words the report queries return, as a Vietnamese reader says them
CODE_WORDS = {"started": "bắt đầu", "ended": "chấm dứt", "reorganized": "sắp xếp",
              "conferral": "phân quyền", "decentralization": "phân cấp",
              "authorization": "ủy quyền", "agency": "cơ quan", "post": "chức danh",
              "unit": "đơn vị hành chính", "document": "văn bản",
              "reorganization": "sắp xếp tổ chức"}
XSD_DATE = rdflib.URIRef("http://www.w3.org/2001/XMLSchema#date")


@dataclass
class Cell:
    """One value: its text, and its page when it is one of ours."""

    text: str
    href: str | None = None
    iri: str | None = None


@dataclass
class Report:
    """A report's table, its filter and its parameters."""

    query: NamedQuery
    columns: list[str]
    labels: list[str]
    rows: list[list[Cell]]
    total: int
    province: str | None
    provinces: list[tuple[str, str]]
    values: dict[str, str]


def _query(name: str) -> NamedQuery:
    if name not in REPORTS:
        raise ApiError(404, "not_found", f"không có báo cáo “{name}”.", f"no report “{name}”.")
    return get(name)


def defaults(query: NamedQuery) -> dict[str, str]:
    """Parameter values a report starts with: today for dates, the declared defaults."""
    today = dt.date.today()
    values = {}
    for p in query.params:
        if p.type == "date":
            values[p.name] = (today - dt.timedelta(days=30)).isoformat() if p.name == "from" \
                else today.isoformat()
        elif p.default is not None:
            values[p.name] = str(p.default)
    return values


def located(kb: KB, iris: list[str]) -> set[str]:
    """The provinces the units and authorities of a row lie in."""
    index = kb.engine.index
    found: set[str] = set()
    for iri in iris:
        if iri in index.unit_validity:
            province = places.ancestor_at(index, iri, places.PROVINCIAL)
            found |= {province} if province else set()
        elif iri in index.authorities:
            found |= places.province_of_authority(index, iri)
    return found


def build_report(kb: KB, name: str, given: dict[str, str], province: str | None,
                 lang: str, root: str) -> Report:
    """Run the report's query and shape its rows (every row; the page shows the first ones)."""
    query = _query(name)
    values = {**defaults(query), **{k: v for k, v in given.items() if v}}
    variables, rows = run_named(kb.store, query, values, kb)
    iris = sorted({str(v) for r in rows for v in r.values() if isinstance(v, rdflib.URIRef)})
    labels = {**{i: kb.names.labels[i] for i in iris if i in kb.names.labels}}
    labels.update(kb.labels([i for i in iris if i not in labels]))
    where = {id(r): located(kb, [str(v) for v in r.values() if isinstance(v, rdflib.URIRef)])
             for r in rows}
    all_provinces = sorted({p for found in where.values() for p in found})
    chosen = [r for r in rows if province is None or province in where[id(r)]]
    table = [[_cell(r.get(v), labels, root, lang) for v in variables] for r in chosen]
    names = kb.labels(all_provinces)
    return Report(query, variables, column_labels(query, variables, lang), table, len(rows),
                  province, [(p, names.get(p, p)) for p in all_provinces], values)


def _cell(term: rdflib.term.Node | None, labels: dict[str, str], root: str, lang: str) -> Cell:
    if term is None:
        return Cell("")
    if isinstance(term, rdflib.URIRef):
        iri = str(term)
        return Cell(labels.get(iri) or compact(iri), local_path(iri, root), iri)
    if isinstance(term, rdflib.Literal) and term.datatype == XSD_DATE:
        return Cell(vn_date(str(term)))
    text = str(term)
    return Cell(CODE_WORDS.get(text, text) if lang == "vi" else text)


def _given(request: Request, query: NamedQuery) -> dict[str, str]:
    return {p.name: request.query_params.get(p.name, "").strip() for p in query.params}


@router.get("/bao-cao", response_class=HTMLResponse)
async def report_list(request: Request) -> HTMLResponse:
    """The reports a Sở Nội vụ follows."""
    return render(request, "reports.html", {"reports": [get(n) for n in REPORTS]})


@router.get("/bao-cao/{name}", response_class=HTMLResponse)
async def report_page(request: Request, name: Annotated[str, Path(max_length=100)],
                      tinh: Annotated[str | None, Query(max_length=300)] = None) -> Response:
    """One report as a page (or a download with ?tai=xlsx|csv)."""
    state = service(request)
    lang = page_lang(request)
    query = _query(name)
    root = request.scope.get("root_path", "")
    try:
        report = await run_in_threadpool(build_report, state.kb(), name, _given(request, query),
                                         tinh or None, lang, root)
    except InputError as exc:
        return render(request, "report.html", {"report": None, "query": query,
                                               "values": _given(request, query),
                                               "error": exc.render(lang)}, status=400)
    download = request.query_params.get("tai")
    if download == "csv":
        return _csv(report)
    if download == "xlsx":
        return _xlsx(report)
    return render(request, "report.html", {"report": report, "query": query,
                                           "values": report.values, "shown": SHOWN_ROWS})


def _filename(report: Report, ext: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{report.query.name}.{ext}"'}


def _csv(report: Report) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(report.labels + [f"{c} (IRI)" for c in report.columns])
    for row in report.rows:
        writer.writerow([c.text for c in row] + [c.iri or "" for c in row])
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers=_filename(report, "csv"))


def _xlsx(report: Report) -> Response:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = report.query.name[:31]
    sheet.append([report.query.summary.get("vi", report.query.name)])
    sheet["A1"].font = Font(bold=True)
    sheet.append([f"{k} = {v}" for k, v in report.values.items()])
    sheet.append(report.labels)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in report.rows:
        sheet.append([c.text for c in row])
        for cell, value in zip(sheet[sheet.max_row], row, strict=True):
            if value.iri:
                cell.hyperlink = value.iri
    body = io.BytesIO()
    book.save(body)
    return Response(body.getvalue(), headers=_filename(report, "xlsx"),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
