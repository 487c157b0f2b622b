"""/sparql — the SPARQL 1.1 Protocol, read-only, with a deadline and a row cap.

GET ?query=, POST form (query=…), POST application/sparql-query; default-graph-uri and
named-graph-uri; results by Accept. Updates are refused (403) and never reach the store.
A browser without a query gets the YASGUI page, with the named queries as example tabs.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

import rdflib
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from ...sparql import strip_comments
from ..admission import Refused
from ..body import decode_utf8, media_type, read_body
from ..conneg import negotiate, prefers_html
from ..errors import ApiError, responses
from ..executor import (
    FAIR_SHARE,
    FAIR_SHARE_STOP,
    FAIR_SHARE_WALL,
    LONG_WAIT,
    LONG_WAIT_STOP,
    SHORT_SHARE,
    QueryFailed,
    QueryJob,
)
from ..named import is_iri, remote_store, yasgui_tabs
from ..queryguard import QueryRefused, check_shape
from ..results import GRAPH_TYPES, TABLE_TYPES, content_type
from ..state import ServiceState, service
from ..wording import vi_number

router = APIRouter()

UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
_PROLOGUE = re.compile(r"""\s*(?:BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>|VERSION\s+(?:"[^"]*"|'[^']*'))""",
                       re.IGNORECASE)


def query_form(query: str) -> str | None:
    """SELECT, ASK, CONSTRUCT, DESCRIBE, an update keyword, or None if unrecognised."""
    text = strip_comments(query)
    position = 0
    while match := _PROLOGUE.match(text, position):
        position = match.end()
    word = re.match(r"\s*([A-Za-z]+)", text[position:])
    return word.group(1).upper() if word else None


def _one(fields: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in fields if k == name]
    if len(values) > 1:
        raise ApiError(400, "bad_request", f"tham số “{name}” chỉ được có một lần.",
                       f"the “{name}” parameter may appear only once.")
    return values[0] if values else None


def _graphs(fields: list[tuple[str, str]], name: str) -> list[str]:
    graphs = [v.strip() for k, v in fields if k == name]
    for g in graphs:
        if not is_iri(g):
            raise ApiError(400, "bad_request", f"{name}: IRI không hợp lệ “{g}”.",
                           f"{name}: invalid IRI “{g}”.")
    return graphs


def forbidden_update() -> ApiError:
    """The 403 for any SPARQL Update."""
    return ApiError(403, "read_only",
                    "điểm truy vấn /sparql chỉ cho đọc; không nhận lệnh cập nhật (SPARQL Update). "
                    "Dữ liệu được sửa qua tệp Turtle trong kho mã và `thamquyen load`.",
                    "/sparql is read-only; SPARQL Update is refused. Data changes go through the "
                    "Turtle files of the repository and `thamquyen load`.")


async def _fields(request: Request, limit: int) -> list[tuple[str, str]]:
    """All protocol parameters: URL ones, plus the form or the query body of a POST."""
    fields = list(request.query_params.multi_items())
    if request.method != "POST":
        return fields
    kind = media_type(request)
    if kind == "application/sparql-update":
        raise forbidden_update()
    body = await read_body(request, limit)
    if not body and kind in ("", "application/x-www-form-urlencoded"):
        return fields  # parameters in the URL only (some federating clients do this)
    if kind == "application/x-www-form-urlencoded":
        return fields + parse_qsl(decode_utf8(body, "form"), keep_blank_values=True)
    if kind == "application/sparql-query":
        return [*fields, ("query", decode_utf8(body, "query"))]
    raise ApiError(415, "unsupported_media_type",
                   "POST /sparql cần Content-Type application/sparql-query hoặc "
                   "application/x-www-form-urlencoded.",
                   "POST /sparql needs Content-Type application/sparql-query or "
                   "application/x-www-form-urlencoded.")


def _job(state: ServiceState, query: str, fields: list[tuple[str, str]], accept: str | None) -> QueryJob:
    form = query_form(query)
    if form in UPDATE_WORDS:
        raise ApiError(400, "update_as_query",
                       "đây là lệnh cập nhật (SPARQL Update), không phải truy vấn; /sparql chỉ nhận "
                       "SELECT, ASK, CONSTRUCT, DESCRIBE.",
                       "this is a SPARQL Update, not a query; /sparql takes SELECT, ASK, CONSTRUCT, "
                       "DESCRIBE only.")
    table_media = negotiate(accept, list(TABLE_TYPES))
    graph_media = negotiate(accept, list(GRAPH_TYPES))
    needed = table_media if form in ("SELECT", "ASK") else graph_media if form in (
        "CONSTRUCT", "DESCRIBE") else table_media or graph_media
    if needed is None:
        raise not_acceptable(form)
    return QueryJob(
        query=query,
        table=(table_media, TABLE_TYPES[table_media]) if table_media else None,
        graph=(graph_media, GRAPH_TYPES[graph_media]) if graph_media else None,
        limit=state.settings.row_limit,
        max_bytes=int(state.settings.max_result_mb * 1024 * 1024),
        default_graphs=_graphs(fields, "default-graph-uri"),
        named_graphs=_graphs(fields, "named-graph-uri"))


def not_acceptable(form: str | None) -> ApiError:
    """406 with the formats we can give for this kind of query."""
    offers = ", ".join(GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE", "graph") else TABLE_TYPES)
    return ApiError(406, "not_acceptable",
                    f"không có định dạng nào trong Accept mà máy chủ trả được; hãy dùng: {offers}.",
                    f"none of the Accept types can be produced; use one of: {offers}.")


def query_failure(exc: QueryFailed, timeout: float) -> ApiError:
    """The error answer for a query that did not finish (syntax, deadline, busy, …)."""
    if exc.kind == "syntax":
        return ApiError(400, "query_syntax", f"truy vấn SPARQL sai cú pháp: {exc.message}",
                        f"SPARQL syntax error: {exc.message}")
    if exc.kind == "timeout" and exc.message == FAIR_SHARE_STOP:
        return ApiError(503, "query_timeout",
                        f"truy vấn đã dùng hơn {FAIR_SHARE:g} giây CPU (hoặc {FAIR_SHARE_WALL:g} giây) "
                        "trong lúc người khác chờ máy chạy truy vấn nên đã bị dừng; hãy thu hẹp "
                        "truy vấn (LIMIT, điều kiện lọc).",
                        f"the query used over {FAIR_SHARE:g} s of CPU (or {FAIR_SHARE_WALL:g} s in "
                        "all) while others waited for a worker and was stopped; narrow it down "
                        "(LIMIT, filters).")
    if exc.kind == "timeout" and exc.message == LONG_WAIT_STOP:
        return ApiError(503, "query_timeout",
                        f"truy vấn đã chạy hơn {vi_number(SHORT_SHARE)} giây trong lúc một người khác "
                        f"đã chờ máy chạy truy vấn hơn {vi_number(LONG_WAIT)} giây nên đã bị dừng để "
                        "nhường máy; hãy thử lại sau hoặc thu hẹp truy vấn (LIMIT, điều kiện lọc).",
                        f"the query ran over {SHORT_SHARE:g} s while others waited for a worker, one "
                        f"of them over {LONG_WAIT:g} s, and was stopped to let them in; try again "
                        "later or narrow it down (LIMIT, filters).")
    if exc.kind == "timeout":
        return ApiError(503, "query_timeout",
                        f"truy vấn chạy quá {timeout:g} giây nên đã bị dừng; hãy thu hẹp truy vấn "
                        "(LIMIT, điều kiện lọc).",
                        f"the query ran over {timeout:g} s and was stopped; narrow it down "
                        "(LIMIT, filters).")
    if exc.kind == "busy":
        return ApiError(503, "busy", "máy chủ đang bận với các truy vấn khác; hãy thử lại sau.",
                        "the server is busy with other queries; try again later.")
    if exc.kind == "not_acceptable":
        return not_acceptable(exc.message)
    if exc.kind in ("federation", "too_complex", "too_large", "unavailable"):
        return refusal(exc.kind, exc.message)
    return ApiError(503, "query_failed", f"truy vấn không chạy được: {exc.message}",
                    f"the query failed: {exc.message}")


SPARQL_OPENAPI = {
    "parameters": [
        {"name": "query", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE)",
         "example": "SELECT * WHERE { ?s ?p ?o } LIMIT 10"},
        {"name": "default-graph-uri", "in": "query", "required": False,
         "schema": {"type": "array", "items": {"type": "string"}}},
        {"name": "named-graph-uri", "in": "query", "required": False,
         "schema": {"type": "array", "items": {"type": "string"}}},
    ],
}
SPARQL_POST_BODY = {
    "requestBody": {"content": {
        "application/sparql-query": {"schema": {"type": "string"}},
        "application/x-www-form-urlencoded": {"schema": {
            "type": "object", "properties": {"query": {"type": "string"},
                                             "default-graph-uri": {"type": "string"},
                                             "named-graph-uri": {"type": "string"}}}},
    }},
}
def refusal(kind: str, message: str = "") -> ApiError:
    """The answer to a query refused before or while it ran (federation, depth, size, pool)."""
    if kind == "federation":
        return ApiError(400, "federation_disabled",
                        "truy vấn liên kết (SERVICE) bị tắt ở điểm truy vấn này; máy chủ không gọi "
                        "tới điểm truy vấn nào khác.",
                        "federated queries (SERVICE) are disabled on this endpoint; the server "
                        "calls no other endpoint.")
    if kind == "too_complex":
        return ApiError(400, "query_too_complex",
                        f"truy vấn lồng nhau quá sâu ({message} tầng ngoặc {{ ( [); hãy viết phẳng hơn.",
                        f"the query nests too deeply ({message} levels of {{ ( [); flatten it.")
    if kind == "too_long":
        return ApiError(413, "query_too_long",
                        f"truy vấn dài quá {message} KB; hãy rút gọn (ví dụ bớt khối VALUES).",
                        f"the query is longer than {message} KB; shorten it (e.g. smaller VALUES).")
    if kind == "too_large":
        return ApiError(503, "query_too_large",
                        "truy vấn cần nhiều bộ nhớ hơn hoặc trả về nhiều dữ liệu hơn mức cho phép nên "
                        "đã bị dừng; hãy thu hẹp truy vấn (LIMIT, điều kiện lọc, bớt chuỗi lớn).",
                        "the query needed more memory or gave a bigger answer than allowed and was "
                        "stopped; narrow it down (LIMIT, filters, no huge strings).")
    return ApiError(503, "no_worker",
                    f"hiện không có tiến trình nào chạy được truy vấn; hãy thử lại sau. ({message})",
                    f"no worker can run queries right now; try again later. ({message})")


def check_query(query: str, state: ServiceState) -> None:
    """Length, nesting and the SERVICE keyword, before any engine sees the query."""
    settings = state.settings
    if len(query.encode("utf-8")) > settings.max_query_kb * 1024:
        raise refusal("too_long", f"{settings.max_query_kb:g}")
    try:
        check_shape(query, settings.max_query_depth)
    except QueryRefused as exc:
        raise refusal(exc.kind, exc.message) from None


DOC = responses(400, 403, 406, 413, 415, 503)
OK_DOC = {200: {"description": "SPARQL results (JSON, XML, CSV, TSV) or a graph (Turtle, "
                               "N-Triples, JSON-LD, RDF/XML), chosen by Accept",
                "content": {t: {} for t in [*TABLE_TYPES, *GRAPH_TYPES, "text/html"]}}}


@router.get("/sparql", tags=["SPARQL"], summary="Truy vấn SPARQL (GET) — SPARQL query",
            responses={**OK_DOC, **DOC}, openapi_extra=SPARQL_OPENAPI, response_class=Response)
async def sparql_get(request: Request) -> Response:
    """SPARQL 1.1 Protocol query via GET; a browser without a query gets YASGUI."""
    return await _handle(request)


@router.post("/sparql", tags=["SPARQL"], summary="Truy vấn SPARQL (POST) — SPARQL query",
             responses={**OK_DOC, **DOC}, openapi_extra={**SPARQL_OPENAPI, **SPARQL_POST_BODY},
             response_class=Response)
async def sparql_post(request: Request) -> Response:
    """SPARQL 1.1 Protocol query via POST (form or application/sparql-query); updates get 403."""
    return await _handle(request)


async def _handle(request: Request) -> Response:
    state = service(request)
    fields = await _fields(request, state.settings.max_upload_bytes)
    if any(k in ("update", "using-graph-uri", "using-named-graph-uri") for k, _ in fields):
        raise forbidden_update()
    query = _one(fields, "query")
    accept = request.headers.get("accept")
    if query is None:
        if request.method == "GET" and prefers_html(accept):
            return yasgui_page(request, state)
        if request.method == "GET":
            return service_description(state.settings.base_url + "/sparql", accept)
        raise ApiError(400, "bad_request", "thiếu tham số “query”.", "the “query” parameter is missing.")
    if request.method == "GET" and prefers_html(accept):  # a browser following a link
        return yasgui_page(request, state, query)
    job = _job(state, query, fields, accept)
    await run_in_threadpool(check_query, query, state)
    client = request.client.host if request.client else "?"
    gate = request.app.state.gates["query"]
    job.timeout = gate.deadline(client, state.settings.query_timeout)
    try:
        async with gate.admit(client):
            answer = await run_in_threadpool(lambda: state.executor().run(job, gate.longest_wait))
    except QueryFailed as exc:
        if exc.kind in ("timeout", "too_large"):
            gate.strike(client)  # its next queries wait behind the others, with less time
        raise query_failure(exc, job.timeout) from None
    except Refused as exc:
        raise ApiError(exc.status, exc.code, exc.vi, exc.en) from None
    headers = {"Vary": "Accept", "X-Row-Limit": str(job.limit)}
    if answer.truncated:
        headers["X-Truncated"] = "true"
    return Response(answer.body, media_type=content_type(answer.media_type), headers=headers)


def yasgui_page(request: Request, state: ServiceState, query: str | None = None) -> HTMLResponse:
    """The YASGUI page (or a plain form when YASGUI is not installed); a given query opens first."""
    tabs = yasgui_tabs(request.app.state.catalog, remote_store(state.settings.remote))
    if query:
        tabs[0] = {**tabs[0], "query": query}
    return state.templates.TemplateResponse(request, "sparql.html", {
        "yasgui": state.yasgui_dir is not None,
        "tabs": tabs,
        "timeout": state.settings.query_timeout,
        "row_limit": state.settings.row_limit,
    })


def service_description(endpoint: str, accept: str | None) -> Response:
    """A SPARQL service description of this endpoint (Turtle, N-Triples, JSON-LD, RDF/XML)."""
    offers = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
              "application/rdf+xml": "xml"}
    chosen = negotiate(accept, list(offers))
    if chosen is None:
        raise not_acceptable("graph")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    formats = rdflib.Namespace("http://www.w3.org/ns/formats/")
    graph = rdflib.Graph()
    graph.bind("sd", sd)
    node = rdflib.URIRef(endpoint)  # configured, never the client's Host header
    graph.add((node, rdflib.RDF.type, sd.Service))
    graph.add((node, sd.endpoint, node))
    graph.add((node, sd.supportedLanguage, sd.SPARQL11Query))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                 "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        graph.add((node, sd.resultFormat, formats[name]))
    dataset, default = rdflib.BNode(), rdflib.BNode()
    graph.add((node, sd.defaultDataset, dataset))
    graph.add((dataset, rdflib.RDF.type, sd.Dataset))
    graph.add((dataset, sd.defaultGraph, default))
    graph.add((default, rdflib.RDF.type, sd.Graph))
    body = graph.serialize(format=offers[chosen])
    return Response(body, media_type=content_type(chosen), headers={"Vary": "Accept"})


