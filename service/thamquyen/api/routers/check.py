"""/kiem-tra — check a document in the browser: a Turtle file (the validator, as POST
/api/validate) or a delegation register (.xlsx/.csv in the import layout: the importer of
`thamquyen import delegations`, then the validator). Each finding in Vietnamese, linked to the
rule and its provision; each bad row of a register with its row number and message."""

from __future__ import annotations

import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from rdflib.namespace import DCTERMS

from ...importers.common import ImportContext
from ...importers.delegations import DelegationImporter
from ...importers.table import read_table
from ...rdfio import InputError
from ...reports import compact
from ...store import EmbeddedStore
from ...validation import load_shapes
from ..describe import display_names, local_path
from ..state import ServiceState, service
from ..web import page_lang, render
from .validate import validate_document

router = APIRouter(include_in_schema=False)
RULE = re.compile(r"\b(R\d+[a-z]?)\b")
TQS = rdflib.Namespace("https://w3id.org/thamquyen/shapes#")
REGISTER_SUFFIXES = (".xlsx", ".csv")


@dataclass
class Finding:
    """One problem, as the page shows it."""

    severity: str
    text: str
    row: int | None = None
    focus: tuple[str, str | None] | None = None
    rule: tuple[str, str | None] | None = None
    source: tuple[str, str | None] | None = None


@dataclass
class CheckResult:
    """What the check found in one uploaded file."""

    file_name: str
    kind: str
    ok: bool
    findings: list[Finding] = field(default_factory=list)
    summary: str = ""


def import_context(state: ServiceState) -> ImportContext:
    """The importer's context on the service's own knowledge base (read once)."""
    def make() -> ImportContext:
        kb = state.kb()
        if not isinstance(kb.store, EmbeddedStore):
            return ImportContext.load()
        ctx = ImportContext(kb, load_shapes(), {}, {}, {}, {}, {})
        ctx._read_code_lists()  # the importer's own set-up step, reused as it is
        return ctx

    return state.cached("web:import-context", make)


def check_register(state: ServiceState, name: str, data: bytes, lang: str,
                   root: str = "") -> CheckResult:
    """Import a delegation register without writing anything; its rows' errors and warnings."""
    importer = DelegationImporter()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(data)
        table = read_table(path, importer.columns, importer.what)
        ctx = import_context(state)
        build = importer.build(table, ctx, table.rows)
        ctx.validate(build)
    findings = [Finding("Violation", i.vi if lang == "vi" else i.en, i.row) for i in build.errors]
    findings += [Finding("Warning", i.vi if lang == "vi" else i.en, i.row) for i in build.warnings]
    findings.sort(key=lambda f: (f.row or 0, f.severity))
    _link_rules(state, findings, root)
    data_rows = table.count("data")
    summary = (f"{data_rows} dòng dữ liệu; {len(build.rejected_rows)} dòng bị từ chối."
               if lang == "vi" else f"{data_rows} data rows; {len(build.rejected_rows)} rejected.")
    return CheckResult(name, "register", not build.errors, findings, summary)


def _link_rules(state: ServiceState, findings: list[Finding], root: str) -> None:
    """A register row's message names its rule ("vi phạm R6 (…)"): link the rule's provision."""
    shapes = state.shapes()
    kb = state.kb()
    for finding in findings:
        match = RULE.search(finding.text)
        if not match:
            continue
        shape = rdflib.URIRef(str(TQS) + match.group(1))
        source = shapes.value(shape, DCTERMS.source)
        finding.rule = (f"tqs:{match.group(1)}", None)
        if source is not None:
            cited = display_names(kb, [str(source)]).get(str(source), str(source))
            finding.source = (cited, local_path(str(source), root))


def check_turtle(state: ServiceState, name: str, data: bytes, lang: str, root: str) -> CheckResult:
    """Validate a Turtle document with the shapes, against the stored data."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"tệp không phải UTF-8 (byte {exc.start}); hãy lưu lại dưới dạng UTF-8.",
                         f"the file is not UTF-8 (byte {exc.start}); save it as UTF-8.",
                         file=name) from exc
    report = validate_document(state, unicodedata.normalize("NFC", text))
    kb = state.kb()
    iris = {r.get(k) for r in report["results"] for k in ("focus", "source") if r.get(k)}
    labels = display_names(kb, iris)
    findings = []
    for r in report["results"]:
        source = r.get("source")
        cited = labels.get(source or "", source or "")
        findings.append(Finding(
            r.get("severity") or "Violation", (r.get("message") or {}).get(lang) or "",
            focus=_link(r.get("focus"), labels.get(r.get("focus") or ""), root),
            rule=(compact(r["shape"]), None) if r.get("shape") else None,
            source=(cited, local_path(source, root)) if source else None))
    violations = sum(1 for f in findings if f.severity == "Violation")
    summary = (f"{len(findings)} kết quả, trong đó {violations} vi phạm." if lang == "vi"
               else f"{len(findings)} results, {violations} violations.")
    return CheckResult(name, "turtle", violations == 0, findings, summary)


def _link(iri: str | None, label: str | None, root: str) -> tuple[str, str | None] | None:
    if not iri:
        return None
    return (label or compact(iri), local_path(iri, root))


@router.get("/kiem-tra", response_class=HTMLResponse)
async def check_form(request: Request) -> HTMLResponse:
    """The upload form."""
    return render(request, "check.html", {"result": None})


@router.post("/kiem-tra", response_class=HTMLResponse)
async def check_upload(request: Request) -> HTMLResponse:
    """Check the uploaded file and show the report (nothing is stored)."""
    state = service(request)
    lang = page_lang(request)
    limit = state.settings.max_upload_bytes
    form = await request.form(max_files=1, max_fields=5)
    upload = form.get("tep")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return render(request, "check.html", {"result": None, "error": (
            "Hãy chọn một tệp (.ttl, .xlsx hoặc .csv)." if lang == "vi"
            else "Choose a file (.ttl, .xlsx or .csv).")}, status=400)
    data = await upload.read(limit + 1)
    if len(data) > limit:
        return render(request, "check.html", {"result": None, "error": (
            f"Tệp lớn hơn giới hạn {state.settings.max_upload_mb:g} MB." if lang == "vi"
            else f"The file is larger than {state.settings.max_upload_mb:g} MB.")}, status=413)
    name = upload.filename
    try:
        if name.lower().endswith(REGISTER_SUFFIXES):
            result = await run_in_threadpool(check_register, state, name, data, lang,
                                             request.scope.get("root_path", ""))
        else:
            result = await run_in_threadpool(check_turtle, state, name, data, lang,
                                             request.scope.get("root_path", ""))
    except InputError as exc:
        return render(request, "check.html", {"result": None, "file_name": name,
                                              "error": exc.render(lang)}, status=400)
    return render(request, "check.html", {"result": result})
