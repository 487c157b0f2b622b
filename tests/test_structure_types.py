"""Typed references (shapes/structure.ttl, tqs:Range-*): a level that is not a level, a
territory that is not a unit, a delegate that is not an authority or role (or not declared at
all), a date that is not a date (tqs:R11 of shapes/rules.ttl), and every other object
property of the vocabulary out of its range — each a Violation on the offending node with a
vi/en message; correctly typed data (posts, roles, narrower agency types) conforms. Run on every engine.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import rdflib
from thamquyen.rdfio import read_all
from thamquyen.validation import ENGINES, Report, knowledge_paths, load_shapes, validate_triples

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "shapes"
TYPES = FIXTURES / "types"
EX = "https://example.org/tq-test/"
TQ = "https://w3id.org/thamquyen/ontology#"
TQS = "https://w3id.org/thamquyen/shapes#"

BAD = {  # fixture: (shape, focus node, path, value)
    "bad-level": ("Range-level", "so-sai-cap", "level", f"{EX}tinh-a"),
    "bad-jurisdiction": ("Range-jurisdiction", "so-sai-dia-ban", "jurisdiction", f"{EX}luat-x"),
    "bad-delegate": ("Range-party", "types-to-provision", "delegate", f"{EX}luat-x-dieu-5"),
    "bad-untyped": ("Range-party", "types-to-nobody", "delegate", f"{EX}co-quan-chua-khai-bao"),
    "bad-date": ("R11-validFrom", "types-bad-day", "validFrom", "2025-02-30"),
    "bad-date-string": ("R11-validFrom", "types-string-day", "validFrom", "2024-01-01"),
    "bad-agency": ("Range-agency", "chu-tich-sai", "postOf", f"{EX}tinh-a"),
    "bad-authority": ("Range-authority", "qd-sai-noi-ban-hanh", "issuedBy", f"{EX}luat-x-dieu-5"),
    "bad-authority-or-role": ("Range-authority-or-role", "thu-tuc-sai", "competentAuthority",
                              f"{EX}luat-x"),
    "bad-document": ("Range-document", "phan-quyen-sai-can-cu", "legalBasis", f"{EX}tinh-b"),
    "bad-power": ("Range-power", "phan-quyen-sai-tham-quyen", "power", f"{EX}so-a"),
    "bad-resources": ("Range-resources", "types-bad-resources", "resources", f"{EX}so-a"),
    "bad-reorganized": ("Range-reorganized", "sap-xep-sai", "successor", f"{EX}luat-x"),
    "bad-code": ("Range-code", "so-sai-loai", "agencyType", f"{TQ}Law"),
}


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    """The shipped shapes, parsed once."""
    return load_shapes()


def report_of(names: list[str], shapes: rdflib.Graph, engine: str) -> Report:
    """ontology/ + base.ttl + the fixtures, validated together."""
    triples = read_all([*knowledge_paths(False), FIXTURES / "base.ttl",
                        *(TYPES / f"{name}.ttl" for name in names)])
    return validate_triples(triples, shapes, engine=engine)


@pytest.fixture(scope="module")
def bad_reports(shapes: rdflib.Graph) -> Callable[[str], Report]:
    """Every bad fixture in one graph, validated once per engine (each fixture has its own
    nodes, so one run per engine checks them all; 15 runs per engine took minutes)."""
    reports: dict[str, Report] = {}

    def report(engine: str) -> Report:
        if engine not in reports:
            reports[engine] = report_of(sorted(BAD), shapes, engine)
        return reports[engine]
    return report


# The reference engines' runs of the conforming fixture (16 s each) are in `-m slow`; their
# runs of the failing fixtures stay in the default suite (test_range_shapes_fire_only_where_expected).
@pytest.mark.parametrize("engine", [ENGINES[0], *(pytest.param(e, marks=pytest.mark.slow)
                                                  for e in ENGINES[1:])])
def test_typed_references_conform(engine: str, shapes: rdflib.Graph) -> None:
    """Posts, roles, agencies as delegates; a narrower agency type; real dates: no result."""
    report = report_of(["ok"], shapes, engine)
    assert report.results == [], [r.as_json() for r in report.results]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", sorted(BAD))
def test_wrong_type_is_a_violation_on_the_node(name: str, engine: str,
                                               bad_reports: Callable[[str], Report]) -> None:
    """The range shape fires, as a Violation, on the offending node, with vi and en text."""
    shape, focus, path, value = BAD[name]
    report = bad_reports(engine)
    mine = [r for r in report.results if r.shape == TQS + shape and r.focus == EX + focus]
    assert [(r.severity, r.focus, r.path, r.value) for r in mine] == [
        ("Violation", EX + focus, TQ + path, value)], [r.as_json() for r in report.results]
    assert report.fails and not report.conforms
    message = mine[0].message
    assert message["vi"] != message["en"]
    if shape.startswith("Range-"):
        assert path in message["vi"] and path in message["en"]
    else:  # the date rule speaks of the date, not of the property's name
        assert "YYYY-MM-DD" in message["vi"] and "YYYY-MM-DD" in message["en"]


def test_range_shapes_fire_only_where_expected(bad_reports: Callable[[str], Report]) -> None:
    """In the merged graph the range and date shapes fire on the expected nodes and nowhere
    else, and every engine reports the same results."""
    expected = {(TQS + shape, EX + focus) for shape, focus, *_ in BAD.values()}
    shapes_checked = {shape for shape, _ in expected}
    for engine in ENGINES:
        fired = {(r.shape, r.focus) for r in bad_reports(engine).results if r.shape in shapes_checked}
        assert fired == expected, (engine, fired ^ expected)
    keys = [sorted((r.shape, r.focus, r.severity, r.path) for r in bad_reports(engine).results)
            for engine in ENGINES]
    assert all(k == keys[0] for k in keys), "the engines disagree"


def test_every_range_shape_has_a_failing_fixture(shapes: rdflib.Graph) -> None:
    """Each tqs:Range-* shape is exercised by a bad fixture."""
    ranges = {str(s).removeprefix(TQS) for s in shapes.subjects()
              if str(s).startswith(TQS + "Range-")}
    assert ranges == {shape for shape, *_ in BAD.values() if shape.startswith("Range-")}
