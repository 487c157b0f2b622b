"""Every error leaves the service as JSON {"error": code, "detail": text}, Vietnamese first.

No traceback reaches a client: unexpected exceptions are logged here and answered with a
generic 500 document.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..rdfio import InputError
from ..store import StoreError

log = logging.getLogger("thamquyen.api")


class ErrorBody(BaseModel):
    """The error document of every route."""

    error: str
    detail: str


class ApiError(Exception):
    """An error with its HTTP status, code and bilingual text."""

    def __init__(self, status: int, code: str, vi: str, en: str):
        super().__init__(vi)
        self.status, self.code, self.vi, self.en = status, code, vi, en

    @property
    def detail(self) -> str:
        """Vietnamese first, English after."""
        return bilingual(self.vi, self.en)


def bilingual(vi: str, en: str) -> str:
    """One detail text: the Vietnamese message, then the English one."""
    return f"{vi} — {en}" if en and en != vi else vi


def error_response(status: int, code: str, detail: str,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    """The JSON error document with its status."""
    return JSONResponse({"error": code, "detail": detail}, status_code=status, headers=headers)


def from_input_error(exc: InputError, code: str = "bad_request", status: int = 400) -> ApiError:
    """An InputError (bad name, date, Turtle) as an ApiError, keeping its file:line."""
    return ApiError(status, code, exc.render("vi"), exc.render("en"))


def store_unavailable(exc: Exception) -> ApiError:
    """The store cannot be reached: 503."""
    return ApiError(503, "store_unavailable",
                    f"kho dữ liệu không truy cập được ({exc}); hãy thử lại sau.",
                    f"the store cannot be reached ({exc}); try again later.")


HTTP_CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
              406: "not_acceptable", 413: "too_large", 415: "unsupported_media_type",
              422: "invalid_data", 503: "store_unavailable"}
HTTP_TEXT = {
    404: ("không có tài nguyên ở đường dẫn này.", "nothing at this path."),
    405: ("phương thức HTTP này không được hỗ trợ ở đây.", "this HTTP method is not allowed here."),
}


VALIDATION_WORDS = {
    "missing": "bắt buộc phải có",
    "int_parsing": "phải là số nguyên",
    "string_too_short": "không được để trống",
    "string_pattern_mismatch": "không đúng dạng",
    "literal_error": "chỉ nhận một trong các giá trị được phép",
    "enum": "chỉ nhận một trong các giá trị được phép",
    "greater_than_equal": "nhỏ hơn giới hạn cho phép",
    "less_than_equal": "lớn hơn giới hạn cho phép",
}


def _describe_validation(exc: RequestValidationError) -> tuple[str, str]:
    parts_vi, parts_en = [], []
    for err in exc.errors():
        where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body"))
        parts_vi.append(f"tham số “{where}”: {VALIDATION_WORDS.get(err.get('type'), 'không hợp lệ')}")
        parts_en.append(f"parameter “{where}”: {err.get('msg')}")
    return "; ".join(parts_vi) or "yêu cầu không hợp lệ.", "; ".join(parts_en) or "bad request."


def install(app: FastAPI) -> None:
    """Register the error handlers on the app."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.detail)

    @app.exception_handler(InputError)
    async def _input_error(_: Request, exc: InputError) -> JSONResponse:
        err = from_input_error(exc)
        return error_response(err.status, err.code, err.detail)

    @app.exception_handler(StoreError)
    async def _store_error(_: Request, exc: StoreError) -> JSONResponse:
        log.warning("store error: %s", exc)
        err = store_unavailable(exc)
        return error_response(err.status, err.code, err.detail)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        vi, en = _describe_validation(exc)
        return error_response(400, "bad_request", bilingual(vi, en))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = HTTP_CODES.get(exc.status_code, "error")
        vi, en = HTTP_TEXT.get(exc.status_code, (str(exc.detail), str(exc.detail)))
        return error_response(exc.status_code, code, bilingual(vi, en),
                              headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error",
                              bilingual("lỗi nội bộ của dịch vụ; lỗi đã được ghi lại.",
                                        "internal error of the service; it has been logged."))


def responses(*statuses: int) -> dict[int | str, dict]:
    """OpenAPI documentation of the error statuses a route can answer."""
    return {status: {"model": ErrorBody, "description": HTTP_CODES.get(status, "error")}
            for status in statuses}
