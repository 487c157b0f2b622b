"""POST /api/validate — a SHACL report for a Turtle document, checked together with the store."""

from __future__ import annotations

import asyncio
import logging
import time

import httpx
import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from ...rdfio import InputError
from ...store import EmbeddedStore, StoreError
from ..body import decode_utf8, media_type, read_body
from ..errors import ApiError, responses
from ..executor import QueryFailed
from ..models import ValidationReport
from ..settings import Settings
from ..state import ServiceState, service
from ..validator import SOURCE_NAME, check, job
from .sparql import refusal

router = APIRouter()
log = logging.getLogger("thamquyen.api")

TURTLE_TYPES = {"text/turtle", "application/x-turtle", "application/n-triples", "text/plain",
                "application/octet-stream", ""}
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


def refused(raw: tuple, settings: Settings) -> ApiError:
    """The error answer for a document the worker refused (size, nesting, memory)."""
    kind = raw[0]
    if kind == "too_complex":
        return too_complex(raw[1], settings.max_blank_depth)
    if kind == "too_large" and len(raw) == 3:
        return ApiError(413, "too_large", raw[1], raw[2])
    if kind == "too_large":
        return ApiError(413, "too_large",
                        "kiểm tra tài liệu này cần nhiều bộ nhớ hơn mức cho phép; hãy chia nhỏ tài liệu.",
                        "validating this document needs more memory than allowed; split it.")
    log.warning("validation failed: %s", raw[1:])
    return ApiError(503, "validation_failed", f"không kiểm tra được tài liệu: {raw[1]}",
                    f"the document could not be validated: {raw[1]}")


def pool_failure(exc: QueryFailed, settings: Settings) -> ApiError:
    """The error answer when the validation worker gave no answer."""
    if exc.kind == "timeout":
        return timed_out(settings.validation_timeout)
    if exc.kind == "too_large":  # the worker died over its memory cap
        return refused(("too_large",), settings)
    return refusal(exc.kind, exc.message) if exc.kind == "unavailable" else ApiError(
        503, "busy", "máy chủ đang bận kiểm tra các tài liệu khác; hãy thử lại sau.",
        "the server is busy validating other documents; try again later.")


def validate_here(state: ServiceState, task: dict, deadline: float | None) -> tuple:
    """Remote or in-memory store: validate in this process, one at a time (a wait past the
    deadline is a 503)."""
    wait = -1 if deadline is None else max(0.0, deadline - time.monotonic())
    if not state.validation_slots.acquire(timeout=wait):
        raise timed_out(state.settings.validation_timeout)
    try:
        return check(base_graph(state), task, state.shapes())
    finally:
        state.validation_slots.release()


def validate_document(state: ServiceState, text: str, deadline: float | None = None) -> dict:
    """Parse once (400 with the line on a syntax error, 413 over the limits), then validate
    the nodes the document touches against the stored data plus the document — in a worker
    process on the persistent embedded store (killed at the deadline), here otherwise."""
    settings = state.settings
    task = job(text, settings.max_validate_triples, settings.max_blank_depth)
    pool = state.validation_pool()
    if pool is None:
        raw = validate_here(state, task, deadline)
    else:
        try:
            raw = pool.call(task)
        except QueryFailed as exc:
            raise pool_failure(exc, settings) from None
    if raw[0] == "syntax":
        raise InputError(raw[1], raw[2])  # its text names the line already
    if raw[0] != "ok":
        raise refused(raw, settings)
    return raw[1]


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
