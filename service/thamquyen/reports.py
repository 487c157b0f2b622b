"""Render a validation Report as text (vi/en), JSON, Turtle or JUnit XML."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import rdflib
from rdflib.namespace import RDF

from .namespaces import PREFIXES, SH
from .validation import Report, Result

SEVERITY_WORDS = {
    "vi": {"Violation": "Vi phạm", "Warning": "Cảnh báo", "Info": "Thông tin"},
    "en": {"Violation": "Violation", "Warning": "Warning", "Info": "Info"},
}


def compact(iri: str | None) -> str:
    """Shorten an IRI with the project's prefixes (tq:, id:, …) for human reading."""
    if iri is None:
        return "—"
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def render_text(report: Report, lang: str = "vi") -> str:
    """A readable report for a person, Vietnamese by default."""
    words = SEVERITY_WORDS[lang]
    violations, warnings = report.count("Violation"), report.count("Warning")
    if lang == "vi":
        head = ("KHÔNG ĐẠT" if report.fails else "ĐẠT") + \
            f" — {violations} vi phạm, {warnings} cảnh báo, {report.count('Info')} thông tin"
        labels = ("Đối tượng", "Thuộc tính", "Giá trị", "Ràng buộc", "Căn cứ")
        head = "Kết quả kiểm tra SHACL: " + head
    else:
        head = ("FAILS" if report.fails else "PASSES") + \
            f" — {violations} violations, {warnings} warnings, {report.count('Info')} infos"
        labels = ("Focus", "Path", "Value", "Shape", "Legal basis")
        head = "SHACL validation: " + head
    lines = [head]
    for r in report.results:
        lines.append(f"\n[{words[r.severity]}] {r.message[lang]}")
        lines.append(f"  {labels[0]}: {compact(r.focus)}")
        if r.path:
            lines.append(f"  {labels[1]}: {compact(r.path)}")
        if r.value:
            lines.append(f"  {labels[2]}: {compact(r.value)}")
        lines.append(f"  {labels[3]}: {compact(r.shape)}  {labels[4]}: {compact(r.source)}")
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    """architecture.md's JSON report."""
    return json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n"


def render_turtle(report: Report) -> str:
    """The sh:ValidationReport graph as Turtle."""
    graph = report.graph
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph.serialize(format="turtle")


def named_shapes(shapes: rdflib.Graph) -> list[str]:
    """Every IRI-named node shape of the shapes graph, sorted."""
    found = {s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, rdflib.URIRef)}
    found |= {s for s in shapes.subjects(RDF.type, SH.PropertyShape)
              if isinstance(s, rdflib.URIRef)}
    return sorted(str(s) for s in found)


def render_junit(report: Report, shapes: rdflib.Graph, lang: str = "vi") -> str:
    """A JUnit testsuite: one testcase per shape, one failure per result of that shape."""
    by_shape: dict[str, list[Result]] = {}
    for r in report.results:
        by_shape.setdefault(r.shape or "(anonymous)", []).append(r)
    names = sorted(set(named_shapes(shapes)) | set(by_shape))
    failing = sum(1 for n in names if by_shape.get(n))
    suite = ET.Element("testsuite", name="thamquyen-shacl", tests=str(len(names)),
                       failures=str(failing), errors="0")
    for name in names:
        case = ET.SubElement(suite, "testcase", classname="shacl", name=compact(name))
        for r in by_shape.get(name, []):
            failure = ET.SubElement(case, "failure", type=r.severity,
                                    message=f"{compact(r.focus)}: {r.message[lang]}")
            failure.text = json.dumps(r.as_json(), ensure_ascii=False)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"
