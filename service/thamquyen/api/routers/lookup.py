"""Lookups for legal staff: who holds a power, what an authority holds, search, health."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from ... import __version__
from ...answers import parse_date
from ...names import KINDS as NAME_KINDS
from ...namespaces import ID
from ...store import EmbeddedStore, StoreError
from ..errors import ApiError, responses
from ..models import Health, PowersOf, SearchHit, WhoHolds
from ..state import ServiceState, service

router = APIRouter()

DATE = {"format": "date", "examples": ["2024-05-01"]}
AtParam = Annotated[str | None, Query(description="ngày tra cứu YYYY-MM-DD (mặc định: hôm nay) — "
                                                  "date YYYY-MM-DD (default today)",
                                      json_schema_extra=DATE)]
InParam = Annotated[str | None, Query(alias="in", description="đơn vị hành chính: IRI, mã hoặc tên "
                                                              "— administrative unit: IRI, code or name",
                                      examples=["845", "Huyện Cầu Kè"])]
KINDS = Literal["power", "unit", "authority", "agency", "document", "procedure", "task"]


def _who_holds(state: ServiceState, power: str, unit: str | None, at: str | None) -> Response:
    """The answer; nationwide (no unit) from the kept answers, as the JSON bytes they hold."""
    day = parse_date(at)
    kb = state.kb()
    power_iri = kb.names.resolve(power, "power", day)
    if not unit:
        return Response(state.nationwide(power_iri, day).body, media_type="application/json")
    unit_iri = kb.names.resolve(unit, "unit", day)
    return JSONResponse(kb.with_sources(kb.engine.who_holds(power_iri, unit_iri, day)))


def _quick(state: ServiceState, power: str, unit: str | None) -> bool:
    """True when the answer is a few lookups in memory: in a unit, on the embedded store (a
    basis's sources are read locally, if at all), with both named by IRI or prefixed name
    (no text to search)."""
    kb = state.opened()
    if kb is None or not unit or not isinstance(kb.store, EmbeddedStore):
        return False
    names = kb.names
    return names.expand(power.strip()) is not None and names.expand(unit.strip()) is not None


def _known(state: ServiceState, tail: str, kind: str) -> str:
    """The IRI id:{tail} if the knowledge base has it as this kind, else a 404."""
    iri = str(ID) + tail
    names = state.kb().names
    if not names.types.get(iri, set()) & NAME_KINDS[kind]:
        raise ApiError(404, "not_found", f"không có {kind} <{iri}> trong dữ liệu.",
                       f"no {kind} <{iri}> in the data.")
    return iri


@router.get("/api/who-holds", tags=["tra cứu — lookup"], response_model=None,
            summary="Ai giữ thẩm quyền này? — Who holds this power?",
            responses={200: {"model": WhoHolds}, **responses(400, 503)})
async def who_holds(request: Request,
                    power: Annotated[str, Query(description="thẩm quyền: IRI, tên tiền tố, mã hoặc "
                                                            "tên (không dấu cũng được) — power",
                                                min_length=1)],
                    unit: InParam = None, at: AtParam = None) -> JSONResponse:
    """Resolve the holders of a power in a unit on a date, with the chain of legal steps.

    An unknown or ambiguous name is a 400 whose detail lists the candidates; a power nobody
    holds on that date is a 200 with an empty `holders` list.
    """
    state = service(request)
    if _quick(state, power, unit):
        # answered on the event loop: no wait for a thread, nor for the GIL twice more
        return _who_holds(state, power, unit, at)
    return await run_in_threadpool(_who_holds, state, power, unit, at)


@router.get("/api/powers/{id}/holders", tags=["tra cứu — lookup"], response_model=None,
            summary="Chủ thể giữ một thẩm quyền — holders of one of our powers",
            responses={200: {"model": WhoHolds}, **responses(400, 404, 503)})
async def power_holders(request: Request,
                        id: Annotated[str, Path(description="phần sau id:power/ — the tail after "
                                                            "https://w3id.org/thamquyen/id/power/")],
                        unit: InParam = None, at: AtParam = None) -> JSONResponse:
    """The who-holds answer for the power https://w3id.org/thamquyen/id/power/{id}."""
    state = service(request)

    def work() -> Response:
        iri = _known(state, f"power/{id}", "power")
        return _who_holds(state, iri, unit, at)

    return await run_in_threadpool(work)


@router.get("/api/authorities/{id:path}/powers", tags=["tra cứu — lookup"], response_model=None,
            summary="Thẩm quyền của một chủ thể — powers of an authority",
            responses={200: {"model": PowersOf}, **responses(400, 404, 503)})
async def authority_powers(request: Request,
                           id: Annotated[str, Path(description="phần sau id: — the tail after "
                                                               "https://w3id.org/thamquyen/id/, "
                                                               "e.g. agency/ubnd-84")],
                           at: AtParam = None) -> JSONResponse:
    """Every power the authority holds (and may have handed on) or exercises on the date."""
    state = service(request)

    def work() -> dict:
        day = parse_date(at)
        iri = _known(state, id, "authority")
        return state.kb().engine.powers_of(iri, day)

    return JSONResponse(await run_in_threadpool(work))


@router.get("/api/search", tags=["tra cứu — lookup"], response_model=None,
            summary="Tìm theo tên hoặc mã — search names and codes",
            responses={200: {"model": list[SearchHit]}, **responses(400, 503)})
async def search(request: Request,
                 q: Annotated[str, Query(description="tên hoặc mã, không dấu cũng được — "
                                                     "name or code, accents optional",
                                         min_length=1, examples=["cau ke"])],
                 type: Annotated[KINDS | None, Query(description="loại đối tượng — kind")] = None,
                 limit: Annotated[int, Query(ge=1, le=200)] = 20) -> JSONResponse:
    """Accent-insensitive search over labels and codes, best matches first."""
    state = service(request)
    hits = await run_in_threadpool(lambda: state.kb().names.search(q, type, limit))
    return JSONResponse(hits)


@router.get("/health", tags=["dịch vụ — service"], response_model=None,
            summary="Tình trạng dịch vụ — health",
            responses={200: {"model": Health}, **responses(503)})
async def health(request: Request) -> JSONResponse:
    """Store reachable, its triple count and fingerprint (503 when the store is down)."""
    state = service(request)
    kind = "remote" if state.settings.endpoint else "embedded"

    def work() -> dict:
        store = state.store
        count = state.triple_count()
        return {"status": "ok", "store": kind, "reachable": True, "triples": count,
                "fingerprint": store.fingerprint, "index_age_s": state.index_age(),
                "sparql_workers": state.worker_counts(), "version": __version__}

    try:
        # answered on the event loop when nothing is read (no thread to wait for under load)
        body = work() if state.counted() else await run_in_threadpool(work)
        problem = state.query_problem()
        if problem:
            raise StoreError(problem)
    except StoreError as exc:
        return JSONResponse({"error": "store_unavailable",
                             "detail": f"kho dữ liệu không truy cập được — the store cannot be "
                                       f"reached: {exc}",
                             "status": "unavailable", "store": kind, "reachable": False,
                             "version": __version__}, status_code=503)
    return JSONResponse(body)
