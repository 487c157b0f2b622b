"""POST /api/validate — a SHACL report for a Turtle document, checked together with the store."""

from __future__ import annotations

import unicodedata

import httpx
import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from ...incremental import validate_change
from ...rdfio import parse_turtle_text
from ...store import EmbeddedStore, StoreError
from ..body import decode_utf8, media_type, read_body
from ..errors import ApiError, responses
from ..models import ValidationReport
from ..state import ServiceState, service

router = APIRouter()

TURTLE_TYPES = {"text/turtle", "application/x-turtle", "application/n-triples", "text/plain",
                "application/octet-stream", ""}
SOURCE_NAME = "tài liệu gửi lên"
BODY_DOC = {"requestBody": {"required": True, "content": {"text/turtle": {"schema": {
    "type": "string", "example": "@prefix tq: <https://w3id.org/thamquyen/ontology#> .\n"
                                "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
                                "<https://w3id.org/thamquyen/id/power/vi-du> a tq:Power ;\n"
                                "    skos:prefLabel \"Thẩm quyền ví dụ\"@vi ."}}}}}


def base_graph(state: ServiceState) -> ox.Store:
    """The stored data as a pyoxigraph store: the embedded one itself, or a copy of the remote
    one read once (N-Triples straight from the store)."""
    store = state.store
    if isinstance(store, EmbeddedStore):
        return store.store
    return state.cached("remote-copy", lambda: _copy_remote(state))


def _copy_remote(state: ServiceState) -> ox.Store:
    remote = state.settings.remote
    auth = (remote.user, remote.password or "") if remote.user else None
    try:
        answer = httpx.post(remote.query_url, data={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                            headers={"Accept": "application/n-triples"}, auth=auth,
                            timeout=max(remote.timeout, 300))
    except httpx.HTTPError as exc:
        raise StoreError(f"{remote.query_url}: {exc}") from exc
    if answer.status_code >= 300:
        raise StoreError(f"{remote.query_url}: HTTP {answer.status_code}")
    copy = ox.Store()
    copy.load(answer.content, format=ox.RdfFormat.N_TRIPLES)
    return copy


def validate_document(state: ServiceState, text: str) -> dict:
    """Parse (400 with the line on a syntax error), then validate the nodes the document
    touches against the stored data plus the document (thamquyen.incremental)."""
    posted = parse_turtle_text(unicodedata.normalize("NFC", text), SOURCE_NAME)
    if not posted:
        return {"conforms": True, "results": []}
    with state.validation_slots:
        report = validate_change(posted, base_graph(state), state.shapes())
    return report.as_json()


@router.post("/api/validate", tags=["kiểm tra — validation"], response_model=None,
             summary="Kiểm tra SHACL một tài liệu Turtle — SHACL-validate a Turtle document",
             openapi_extra=BODY_DOC,
             responses={200: {"model": ValidationReport}, **responses(400, 413, 415, 503)})
async def validate(request: Request) -> JSONResponse:
    """Validate the posted Turtle against ontology/ + shapes/ + the data in the store.

    The report covers the nodes the document touches (its subjects, the powers of its
    conferrals and delegations, the delegations they affect), as a full validation of the
    store plus the document would report them; it is the JSON report of `thamquyen validate
    --format json` (200 whether or not it conforms). A syntax error is a 400 naming the line;
    a body over the limit is a 413.
    """
    state = service(request)
    kind = media_type(request)
    if kind not in TURTLE_TYPES:
        raise ApiError(415, "unsupported_media_type",
                       "hãy gửi tài liệu Turtle (Content-Type: text/turtle).",
                       "send a Turtle document (Content-Type: text/turtle).")
    body = await read_body(request, state.settings.max_upload_bytes)
    text = decode_utf8(body, SOURCE_NAME)
    if not text.strip():
        raise ApiError(400, "bad_request", "tài liệu gửi lên rỗng.", "the posted document is empty.")
    report = await run_in_threadpool(validate_document, state, text)
    return JSONResponse(report)
