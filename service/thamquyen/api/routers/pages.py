"""The pages legal staff use: `/` (ask), `/tra-cuu` (the answer, at a shareable URL) and
`/goi-y` (suggestions as you type, each with what tells namesakes apart)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse

from ...answers import parse_date
from ...kb import KB
from ...names import KINDS, normalize
from ...namespaces import ID
from ...rdfio import InputError
from .. import places
from ..state import ServiceState, service
from ..web import page_lang, render

router = APIRouter(include_in_schema=False)

SECTORS = """PREFIX tq: <https://w3id.org/thamquyen/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?node ?sector WHERE {
  ?node tq:sector ?s . ?s skos:prefLabel ?sector FILTER(langMatches(lang(?sector), "vi"))
}"""
EXERCISES = """PREFIX tq: <https://w3id.org/thamquyen/ontology#>
SELECT ?procedure ?power WHERE { ?procedure tq:exercises ?power }"""
EXAMPLES = [  # (question, power, unit, date): questions the shipped data answers
    ("Ai cấp giấy phép xây dựng nhà ở riêng lẻ ở huyện Cầu Kè năm 2024?",
     "power/cap-giay-phep-xay-dung-cong-trinh-cap-iii-cap-iv-nha-o-rieng-le", "unit/845",
     "2024-05-01"),
    ("… và ở xã Cầu Kè sau ngày 01/07/2025?",
     "power/cap-giay-phep-xay-dung-cong-trinh-cap-iii-cap-iv-nha-o-rieng-le", "unit/29308-2025",
     "2025-09-01"),
    ("Huyện Cầu Kè sau ngày 01/07/2025: vì sao không còn ai giữ?",
     "power/cap-giay-phep-xay-dung-cong-trinh-cap-iii-cap-iv-nha-o-rieng-le", "unit/845",
     "2025-09-01"),
]


def sectors(state: ServiceState) -> dict[str, str]:
    """The sector (lĩnh vực) of each power and procedure, read once."""
    return state.cached("web:sectors", lambda: {
        str(r["node"]): str(r["sector"]) for r in state.store.select(SECTORS)})


def procedure_powers(state: ServiceState) -> dict[str, str]:
    """The power each procedure exercises (tq:exercises), read once."""
    return state.cached("web:exercises", lambda: {
        str(r["procedure"]): str(r["power"]) for r in state.store.select(EXERCISES)})


def suggest(state: ServiceState, q: str, kind: str, day: str, lang: str,
            limit: int = 12) -> list[dict]:
    """Search hits with the words that tell namesakes apart."""
    kb = state.kb()
    index = kb.engine.index
    kinds = ("power", "procedure") if kind == "power" else (kind,)
    hits = [h for k in kinds for h in kb.names.search(q, k, limit)]
    if len(hits) < limit:
        seen = {h["iri"] for h in hits}
        hits += [h for k in kinds for h in word_search(kb, q, k, limit - len(hits))
                 if h["iri"] not in seen]
    labels = kb.names.labels
    out = []
    for hit in hits[:limit]:
        iri = hit["iri"]
        if kind == "unit":
            context = places.unit_context(index, labels, iri, lang)
        elif iri in procedure_powers(state):
            code = f"{hit['code']} — " if hit.get("code") else ""
            context = f"{'thủ tục' if lang == 'vi' else 'procedure'} {code}{sectors(state).get(iri, '')}"
        elif kind == "power":
            context = sectors(state).get(iri, "")
        else:
            context = places.authority_context(index, labels, iri, lang)
        out.append({"iri": iri, "label": hit["label"] or iri, "context": context.strip(" —"),
                    "code": hit.get("code")})
    return out


def word_search(kb: KB, q: str, kind: str, limit: int) -> list[dict]:
    """Names holding every word typed, in any order ("giay phep cap iii" finds "Cấp giấy phép
    xây dựng đối với công trình cấp III"): what a person types is rarely a substring."""
    words = normalize(q).split()
    if len(words) < 2 or limit <= 0:
        return []
    wanted = KINDS[kind]
    found: list[str] = []
    for name, iris in kb.names.by_name.items():
        if all(f" {w}" in f" {name}" for w in words):
            found.extend(i for i in iris if kb.names.types[i] & wanted)
    return [{"iri": i, "label": kb.names.labels.get(i), "code": kb.names.codes.get(i)}
            for i in sorted(set(found), key=lambda i: (len(kb.names.labels.get(i, "")), i))[:limit]]


@router.get("/goi-y")
async def suggestions(request: Request, q: Annotated[str, Query(max_length=200)] = "",
                      type: Annotated[str, Query(pattern="^(power|unit|authority)$")] = "power",
                      at: str | None = None) -> JSONResponse:
    """Suggestions for the ask form (JSON for the page's script)."""
    state = service(request)
    day = at or dt.date.today().isoformat()
    hits = await run_in_threadpool(suggest, state, q, type, day, page_lang(request)) if q.strip() else []
    return JSONResponse(hits, headers={"Cache-Control": "max-age=300"})


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    """Tra cứu thẩm quyền: three fields, examples, links."""
    examples = [(text, f"/tra-cuu?power={p}&in={u}&at={d}") for text, p, u, d in EXAMPLES]
    return render(request, "home.html", {"today": dt.date.today().isoformat(),
                                         "examples": examples, "form": {}})


def _resolve(kb: KB, state: ServiceState, text: str, kind: str,
             day: dt.date) -> tuple[str | None, list[dict]]:
    """(IRI, []) when the text names one thing; (None, candidates) when it does not."""
    if re.match(r"^(power|unit|agency|post|role|procedure)/[\w.\-/]+$", text):
        text = str(ID) + text  # the tail of a data IRI, as the pages' own links write it
    try:
        iri = kb.names.resolve(text, "power" if kind == "power" else kind, day)
    except InputError:
        if kind == "power":
            try:
                procedure = kb.names.resolve(text, "procedure", day)
                return procedure_powers(state).get(procedure), []
            except InputError:
                pass
        return None, suggest(state, text, kind, day.isoformat(), "vi", limit=20)
    return iri, []


def answer_page(request: Request, power: str, unit: str | None, at: str | None) -> HTMLResponse:
    """The answer, or the form again with the candidates when a name is unknown or ambiguous."""
    state = service(request)
    lang = page_lang(request)
    form = {"power": power, "in": unit or "", "at": at or ""}
    try:
        day = parse_date(at)
    except InputError as exc:
        return render(request, "home.html", {"form": form, "error": exc.render(lang),
                                             "today": dt.date.today().isoformat()}, status=400)
    kb = state.kb()
    power_iri, power_options = _resolve(kb, state, power, "power", day)
    unit_iri, unit_options = _resolve(kb, state, unit, "unit", day) if unit else (None, [])
    if power_iri is None or (unit and unit_iri is None):
        return render(request, "choose.html", {
            "form": form, "power_options": power_options if power_iri is None else [],
            "unit_options": unit_options if unit and unit_iri is None else [],
            "power_iri": power_iri, "unit_iri": unit_iri, "at": day.isoformat()})
    view = state.answer_view(power_iri, unit_iri, day, request.scope.get("root_path", ""), lang)
    return render(request, "answer.html", {"view": view, "form": form})


@router.get("/tra-cuu", response_class=HTMLResponse)
async def answer(request: Request, power: Annotated[str, Query(min_length=1, max_length=500)],
                 unit: Annotated[str | None, Query(alias="in", max_length=500)] = None,
                 at: Annotated[str | None, Query(max_length=20)] = None) -> HTMLResponse:
    """Who holds the power in the unit on the date: holders, chains, bases, before/after."""
    return await run_in_threadpool(answer_page, request, power.strip(),
                                   (unit or "").strip() or None, (at or "").strip() or None)

