"""POST /api/validate — a SHACL report for a Turtle document, checked together with the store."""

from __future__ import annotations

import asyncio
import time
import unicodedata
from collections import defaultdict
from collections.abc import Sequence

import httpx
import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from ...incremental import validate_change
from ...rdfio import TooManyTriples, parse_turtle_text
from ...store import EmbeddedStore, StoreError
from ..body import decode_utf8, media_type, read_body
from ..errors import ApiError, responses
from ..models import ValidationReport
from ..state import ServiceState, service

router = APIRouter()

TURTLE_TYPES = {"text/turtle", "application/x-turtle", "application/n-triples", "text/plain",
                "application/octet-stream", ""}
SOURCE_NAME = "tài liệu gửi lên"
LENIENT_BYTES = 1024 * 1024  # rdflib's lenient second parse only for documents up to 1 MB
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


def blank_depth(triples: Sequence[ox.Triple]) -> int:
    """The deepest nesting of blank nodes (`[ :p [ :p [ … ] ] ]`): the longest chain of blank
    nodes each the object of the one before, in linear time (a cycle does not count)."""
    children: dict[ox.BlankNode, list[ox.BlankNode]] = defaultdict(list)
    parents: dict[ox.BlankNode, int] = defaultdict(int)
    nodes: set[ox.BlankNode] = set()
    for t in triples:
        for term in (t.subject, t.object):
            if isinstance(term, ox.BlankNode):
                nodes.add(term)
        if isinstance(t.subject, ox.BlankNode) and isinstance(t.object, ox.BlankNode):
            children[t.subject].append(t.object)
            parents[t.object] += 1
    depth = {n: 1 for n in nodes if not parents[n]}
    todo = list(depth)
    while todo:
        node = todo.pop()
        for child in children[node]:
            depth[child] = max(depth.get(child, 0), depth[node] + 1)
            parents[child] -= 1
            if not parents[child]:
                todo.append(child)
    return max(depth.values(), default=0)


def too_complex(depth: int, limit: int) -> ApiError:
    """The 413 for a document whose blank nodes nest too deep."""
    return ApiError(413, "too_complex",
                    f"các nút trống ([ … ]) lồng nhau {depth} tầng, vượt giới hạn {limit} tầng; "
                    "hãy đặt IRI cho các đối tượng thay vì lồng nhau.",
                    f"blank nodes ([ … ]) nest {depth} deep, over the limit of {limit}; give the "
                    "nested things IRIs instead.")


def timed_out(seconds: float) -> ApiError:
    """The 503 for a validation past its deadline."""
    return ApiError(503, "validation_timeout",
                    f"kiểm tra chưa xong trong {seconds:g} giây; hãy gửi tài liệu nhỏ hơn hoặc "
                    "chạy `thamquyen validate` trên máy.",
                    f"validation did not finish within {seconds:g} s; send a smaller document "
                    "or run `thamquyen validate` locally.")


def parse_document(state: ServiceState, text: str) -> list[ox.Triple]:
    """One parse of the posted text, within the triple and nesting limits (413 beyond)."""
    settings = state.settings
    try:
        posted = parse_turtle_text(unicodedata.normalize("NFC", text), SOURCE_NAME,
                                   limit=settings.max_validate_triples,
                                   lenient=len(text) <= LENIENT_BYTES)
    except TooManyTriples as exc:
        raise ApiError(413, "too_large", exc.vi, exc.en) from exc
    depth = blank_depth(posted)
    if depth > settings.max_blank_depth:
        raise too_complex(depth, settings.max_blank_depth)
    return posted


def validate_document(state: ServiceState, text: str, deadline: float | None = None) -> dict:
    """Parse (400 with the line on a syntax error, 413 over the limits), then validate the
    nodes the document touches against the stored data plus the document
    (thamquyen.incremental); validations run one at a time, a wait past the deadline is a 503."""
    posted = parse_document(state, text)
    if not posted:
        return {"conforms": True, "fails": False, "results": []}
    wait = -1 if deadline is None else max(0.0, deadline - time.monotonic())
    if not state.validation_slots.acquire(timeout=wait):
        raise timed_out(state.settings.validation_timeout)
    try:
        report = validate_change(posted, base_graph(state), state.shapes())
    finally:
        state.validation_slots.release()
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
    a body over the size, triple or blank-node nesting limit is a 413; a validation past the
    deadline (`--validation-timeout`) is a 503 `validation_timeout`.
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
    seconds = state.settings.validation_timeout
    deadline = time.monotonic() + seconds
    try:
        # the deadline is the client's: a validation past it runs on in its thread (bounded by
        # the triple and nesting limits) while the client gets its 503 on time
        report = await asyncio.wait_for(
            run_in_threadpool(validate_document, state, text, deadline), timeout=seconds)
    except TimeoutError as exc:
        raise timed_out(seconds) from exc
    return JSONResponse(report)
