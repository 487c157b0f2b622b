"""/id/… — every data IRI dereferences: a Vietnamese HTML page, or Turtle / JSON-LD / N-Triples."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from ...answers import parse_date
from ...namespaces import ID
from ..conneg import negotiate
from ..describe import description, exists
from ..errors import ApiError, responses
from ..named import is_iri
from ..state import service
from ..web import render

router = APIRouter()

# media type → rdflib format; the first is the default for */*
OFFERS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "text/html": "html",
    "application/json": "json-ld",
}
FORMAT_NAMES = {"ttl": "text/turtle", "turtle": "text/turtle", "jsonld": "application/ld+json",
                "nt": "application/n-triples", "rdfxml": "application/rdf+xml", "html": "text/html"}


def not_found(iri: str) -> ApiError:
    """404 for an IRI the data does not mention."""
    return ApiError(404, "not_found", f"không có dữ liệu về <{iri}>.", f"nothing is known about <{iri}>.")


@router.get("/id/{path:path}", tags=["dữ liệu liên kết — linked data"],
            summary="Trang của một IRI dữ liệu — dereference a data IRI",
            response_class=Response,
            responses={200: {"description": "HTML (browsers) or RDF, by Accept",
                             "content": {t: {} for t in OFFERS}}, **responses(400, 404, 406, 503)})
async def resource(request: Request,
                   path: Annotated[str, Path(description="phần sau https://w3id.org/thamquyen/id/ "
                                                         "— the tail of the data IRI, e.g. unit/84")],
                   format: Annotated[str | None, Query(
                       description="ép định dạng (bỏ qua Accept) — force a format: "
                                   "html, ttl, jsonld, nt, rdfxml",
                       pattern="^(html|ttl|turtle|jsonld|nt|rdfxml)$")] = None,
                   at: Annotated[str | None, Query(description="ngày cho danh sách chủ thể giữ thẩm "
                                                               "quyền — date for the holders list",
                                                   json_schema_extra={"format": "date"})] = None,
                   tinh: Annotated[str | None, Query(description="lọc chủ thể theo tỉnh (IRI) — "
                                                                  "filter holders by province",
                                                     max_length=300)] = None,
                   trang: Annotated[int, Query(ge=1, le=100000, description="trang — page")] = 1,
                   ) -> Response:
    """The description of https://w3id.org/thamquyen/id/{path}, negotiated by Accept."""
    state = service(request)
    iri = str(ID) + path
    if not path or not is_iri(iri):
        raise not_found(iri)
    chosen = FORMAT_NAMES[format] if format else negotiate(request.headers.get("accept"), list(OFFERS))
    if chosen is None:
        raise ApiError(406, "not_acceptable",
                       "hãy dùng Accept text/html, text/turtle, application/ld+json, "
                       "application/n-triples hoặc application/rdf+xml.",
                       "use Accept text/html, text/turtle, application/ld+json, "
                       "application/n-triples or application/rdf+xml.")
    day = parse_date(at)
    kb = await run_in_threadpool(state.kb)
    if not await run_in_threadpool(exists, kb.store, iri):
        raise not_found(iri)
    headers = {"Vary": "Accept", "Link": f'<{quote(iri, safe=":/#-._~%")}>; rel="canonical"'}
    if chosen == "text/html":
        root = request.scope.get("root_path", "")
        page = await run_in_threadpool(state.describe_page, kb, iri, day, root, tinh or None,
                                       trang)
        response = render(request, "resource.html", {"page": page, "path": path})
        response.headers.update(headers)
        return response
    graph = await run_in_threadpool(description, kb.store, iri)
    body = graph.serialize(format=OFFERS[chosen])
    media = chosen if chosen != "application/json" else "application/ld+json"
    if media in ("text/turtle", "application/n-triples"):
        media += "; charset=utf-8"
    return Response(body, media_type=media, headers=headers)
