"""Error pages for browsers: the same status and message as the JSON error document, as a
Vietnamese page with a way back. API clients (no explicit text/html in Accept) keep the JSON."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from starlette.responses import Response

from .conneg import prefers_html
from .web import render

Handler = Callable[[Request, Exception], Awaitable[Response]]
TITLES = {400: ("Yêu cầu không hợp lệ", "Bad request"), 404: ("Không tìm thấy", "Not found"),
          405: ("Phương thức không được hỗ trợ", "Method not allowed"),
          406: ("Không có định dạng phù hợp", "Not acceptable"),
          413: ("Tệp quá lớn", "Too large"), 415: ("Sai loại nội dung", "Unsupported media type"),
          503: ("Dịch vụ tạm thời không sẵn sàng", "Service unavailable")}


def error_page(request: Request, status: int, detail: str) -> Response:
    """The HTML page of an error: title, the Vietnamese message (English after it), links."""
    vi, _, en = detail.partition(" — ")
    title = TITLES.get(status, ("Lỗi", "Error"))
    return render(request, "error.html", {"status": status, "title": title, "vi": vi,
                                          "en": en}, status=status)


def _wrap(handler: Handler) -> Handler:
    async def for_browsers(request: Request, exc: Exception) -> Response:
        response = await handler(request, exc)
        if not prefers_html(request.headers.get("accept")) or \
                not response.headers.get("content-type", "").startswith("application/json"):
            return response
        try:
            detail = json.loads(bytes(response.body))["detail"]
        except (ValueError, KeyError, TypeError):
            return response
        page = error_page(request, response.status_code, str(detail))
        for key in ("allow", "retry-after"):
            if key in response.headers:
                page.headers[key] = response.headers[key]
        return page

    return for_browsers


def install(app: FastAPI) -> None:
    """Wrap every error handler already registered (errors.install runs first)."""
    for key, handler in list(app.exception_handlers.items()):
        app.exception_handlers[key] = _wrap(handler)
