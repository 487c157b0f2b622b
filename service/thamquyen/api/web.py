"""What every web page shares: the language (Vietnamese, English on request), the date of the
data, and rendering a template with them."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from .state import ServiceState, service
from .wording import tr, vn_date

# A page may load nothing from another host (the service runs on offline government networks).
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'")


def page_lang(request: Request) -> str:
    """`en` when the visitor asked for English (?lang=en), else `vi`."""
    return "en" if request.query_params.get("lang") == "en" else "vi"


@jinja2.pass_context
def _tr(context: Any, vi: str, en: str) -> str:
    return tr(context.get("lang", "vi"), vi, en)


@jinja2.pass_context
def _with_lang(context: Any, url: str) -> str:
    """The URL, keeping ?lang=en when the page is in English."""
    if context.get("lang") != "en":
        return url
    return url + ("&" if "?" in url else "?") + "lang=en"


def switch_url(request: Request, lang: str) -> str:
    """This page's URL in the other language."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    if lang == "vi":
        params.append(("lang", "en"))
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


def data_date(state: ServiceState) -> str:
    """The day the data was loaded: when the embedded store was built, else when it was read."""
    def make() -> str:
        location = getattr(state.store, "location", None)
        if location is not None and location.exists():
            return dt.date.fromtimestamp(location.stat().st_mtime).isoformat()
        return dt.date.today().isoformat()

    return state.cached("web:data-date", make)


def install(state: ServiceState) -> None:
    """Give the templates the language helpers."""
    env = state.templates.env
    env.globals["tr"] = _tr
    env.globals["with_lang"] = _with_lang
    env.filters["vn_date"] = vn_date


def render(request: Request, template: str, context: dict[str, Any],
           status: int = 200) -> HTMLResponse:
    """A page in the visitor's language, with the data date and a strict CSP."""
    state = service(request)
    lang = context.get("lang") or page_lang(request)
    try:
        day = vn_date(data_date(state))
    except Exception:  # the store may be down while an error page is rendered
        day = ""
    root = request.scope.get("root_path", "")
    full = {"lang": lang, "root": root, "data_date": day,
            "switch_url": switch_url(request, lang), **context}
    response = state.templates.TemplateResponse(request, template, full, status_code=status)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Content-Language"] = lang
    return response
