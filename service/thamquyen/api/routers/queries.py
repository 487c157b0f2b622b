"""The named-query catalog: GET /api/queries, and one documented operation per query.

Each query of queries/*.rq becomes its own route `GET /api/queries/{name}` with typed,
validated query parameters (built when the app is created), so /docs and /openapi.json show
every question legal staff can ask, with descriptions and examples. A named query runs like
a /sparql query: off the event loop, with the same deadline and row cap.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from ..conneg import negotiate
from ..errors import ApiError, responses
from ..executor import QueryAnswer, QueryFailed, QueryJob
from ..models import NamedQueryInfo, TableAnswer
from ..state import ServiceState, service
from .sparql import query_failure

TAG = "truy vấn có tên — named queries"
TYPES = {"iri": str, "string": str, "date": str, "integer": int}
FORMATS = {"application/json": ("application/sparql-results+json", "json"),
           "text/csv": ("text/csv", "csv")}
XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGERS = {f"{XSD}{t}" for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                  "positiveInteger", "negativeInteger", "nonPositiveInteger",
                                  "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}


def info(query: Any) -> dict:
    """A named query as the catalog listing shows it."""
    return {"name": query.name, "summary": dict(query.summary), "description": query.description,
            "path": f"/api/queries/{query.name}", "text": query.text,
            "params": [{"name": p.name, "type": p.type, "description": p.description,
                        "example": None if p.example is None else str(p.example),
                        "required": bool(p.required),
                        "default": None if p.default is None else str(p.default)}
                       for p in query.params]}


def plain(binding: dict | None) -> str | int | float | bool | None:
    """A SPARQL-JSON value as a JSON value: numbers and booleans as such, the rest as text."""
    if binding is None:
        return None
    value, datatype = binding["value"], binding.get("datatype")
    try:
        if datatype in INTEGERS:
            return int(value)
        if datatype in (f"{XSD}double", f"{XSD}float"):
            return float(value)
    except ValueError:
        return value
    if datatype == f"{XSD}boolean":
        return value in ("true", "1")
    return value


def run(state: ServiceState, query: Any, values: dict[str, str], media: str) -> QueryAnswer:
    """Check and convert the parameters (names resolved), bind them, run with the deadline."""
    from ...catalog import bindings_for, bound_text

    bindings = bindings_for(query, values, state.kb())
    # a store without LATERAL (Virtuoso) gets the query's without-lateral version
    job = QueryJob(query=bound_text(state.store, query, bindings), table=FORMATS[media],
                   graph=None, limit=state.settings.row_limit)
    return state.named_executor().run(job)


def _render(answer: QueryAnswer) -> Response:
    headers = {"Vary": "Accept", **({"X-Truncated": "true"} if answer.truncated else {})}
    if answer.media_type == "text/csv":
        return Response(answer.body, media_type="text/csv; charset=utf-8", headers=headers)
    data = json.loads(answer.body)
    variables = data["head"]["vars"]
    rows = [{v: plain(b.get(v)) for v in variables} for b in data["results"]["bindings"]]
    return JSONResponse({"variables": variables, "rows": rows}, headers=headers)


def refuse_unknown_or_repeated(request: Request, known: set[str]) -> None:
    """400 for a parameter the query does not take or one given twice (never silently used)."""
    given = [key for key, _ in request.query_params.multi_items()]
    unknown = sorted(set(given) - known)
    repeated = sorted({key for key in given if given.count(key) > 1})
    if unknown:
        expected = ", ".join(sorted(known)) or "—"
        raise ApiError(400, "bad_request",
                       f"truy vấn này không có tham số {', '.join(unknown)}; tham số hợp lệ: {expected}.",
                       f"this query has no parameter {', '.join(unknown)}; its parameters: {expected}.")
    if repeated:
        raise ApiError(400, "bad_request", f"tham số {', '.join(repeated)} chỉ được có một lần.",
                       f"the parameter {', '.join(repeated)} may appear only once.")


def _operation(query: Any):
    """An endpoint function whose signature declares the query's parameters to FastAPI."""
    names = {f"p{i}": p.name for i, p in enumerate(query.params)}

    async def endpoint(request: Request, **kwargs: Any) -> Response:
        refuse_unknown_or_repeated(request, set(names.values()))
        state = service(request)
        media = negotiate(request.headers.get("accept"), list(FORMATS))
        if media is None:
            raise ApiError(406, "not_acceptable", "hãy dùng Accept application/json hoặc text/csv.",
                           "use Accept application/json or text/csv.")
        values = {names[k]: str(v) for k, v in kwargs.items() if v is not None}
        try:
            # the answer is parsed and re-serialised in the thread too: up to row_limit rows
            # of JSON would otherwise hold the event loop that /health and lookups wait on
            return await run_in_threadpool(lambda: _render(run(state, query, values, media)))
        except QueryFailed as exc:
            raise query_failure(exc, state.settings.query_timeout) from None

    parameters = [inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request)]
    for key, p in zip(names, query.params, strict=True):
        kind = TYPES[p.type]
        extra = {"format": "date"} if p.type == "date" else None
        default = ... if p.required else (None if p.default is None else kind(p.default))
        spec = Query(default, alias=p.name, description=p.description or None,
                     examples=[kind(p.example)] if p.example is not None else None,
                     json_schema_extra=extra, min_length=1 if kind is str else None)
        parameters.append(inspect.Parameter(key, inspect.Parameter.KEYWORD_ONLY, default=spec,
                                            annotation=kind if p.required else kind | None))
    endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    endpoint.__name__ = f"query_{query.name.replace('-', '_')}"
    return endpoint


def build_router(catalog: list[Any]) -> APIRouter:
    """The catalog listing plus one GET operation per named query."""
    router = APIRouter()

    @router.get("/api/queries", tags=[TAG], response_model=list[NamedQueryInfo],
                summary="Danh mục truy vấn có tên — the named-query catalog")
    async def list_queries() -> list[dict]:
        """Every named query with its parameters, examples and SPARQL text."""
        return [info(q) for q in catalog]

    for query in catalog:
        summary = query.summary.get("vi") or query.name
        if query.summary.get("en"):
            summary += f" — {query.summary['en']}"
        description = (query.description or "") + f"\n\n```sparql\n{query.text.strip()}\n```"
        router.add_api_route(
            f"/api/queries/{query.name}", _operation(query), methods=["GET"], tags=[TAG],
            summary=summary, description=description, operation_id=f"query_{query.name}",
            response_class=Response,
            responses={200: {"model": TableAnswer, "content": {"text/csv": {}}},
                       **responses(400, 406, 503)})
    return router
