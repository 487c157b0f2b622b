"""Checks on the real powers of `data/powers/` (one Turtle file per source legal document).

Loads `ontology/*.ttl`, the top-level `data/*.ttl` files (roles, the Quốc hội, the Chính phủ;
not the generated `data/units/`) and `data/powers/*.ttl`, and checks the structure the brief
asks for: enough powers and sectors, a provision-level legal basis for every conferral, the
2025 moves from the district to the commune or province, the end of the district level, at
most two levels per power and date, NFC text and a source on every node.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS
from rdflib.term import Node

ROOT = Path(__file__).resolve().parents[1]
POWERS_DIR = ROOT / "data" / "powers"

TQ = Namespace("https://w3id.org/thamquyen/ontology#")
DISTRICT_END = date(2025, 6, 30)
REFORM_DAY = date(2025, 7, 1)
NORMATIVE_NUMBER = re.compile(r"^\d+/\d{4}/[A-ZĐ][A-Za-zĐđ]*(\d{2})?(-[A-ZĐ][A-Za-zĐđ&]*(\d{2})?)*$")
MIN_POWERS = 30
MIN_SECTORS = 5
MIN_MOVES = 5


def _parse_all(paths: list[Path]) -> Graph:
    """Parse every Turtle file of `paths` into one graph."""
    g = Graph()
    for path in paths:
        g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def powers_graph() -> Graph:
    """Only the files of `data/powers/`."""
    return _parse_all(sorted(POWERS_DIR.glob("*.ttl")))


@pytest.fixture(scope="module")
def graph(powers_graph: Graph) -> Graph:
    """The ontology, the top-level data files and the powers files."""
    g = _parse_all(sorted((ROOT / "ontology").glob("*.ttl")) + sorted((ROOT / "data").glob("*.ttl")))
    g += powers_graph
    return g


def _date(value: Node | None) -> date | None:
    """The Python date of an xsd:date literal, or None."""
    return value.toPython() if isinstance(value, Literal) else None


def _powers(g: Graph) -> list[Node]:
    """Every tq:Power of `g`."""
    return sorted(g.subjects(RDF.type, TQ.Power))


def _conferrals(g: Graph, power: Node) -> list[Node]:
    """The tq:Conferral nodes of `power`."""
    return [c for c in g.subjects(TQ.power, power) if (c, RDF.type, TQ.Conferral) in g]


def _holder_level(g: Graph, conferral: Node) -> Node | None:
    """The administrative level of the conferral's holder (role, agency or post)."""
    holder = g.value(conferral, TQ.holder)
    level = g.value(holder, TQ.level)
    if level is None:
        level = g.value(g.value(holder, TQ.postOf), TQ.level)
    return level


def _in_force(g: Graph, node: Node, day: date) -> bool:
    """True if `node` is in force on `day` (vocabulary.md: validFrom <= D <= validUntil)."""
    start, end = _date(g.value(node, TQ.validFrom)), _date(g.value(node, TQ.validUntil))
    return (start is None or start <= day) and (end is None or day <= end)


def _document_of(g: Graph, provision: Node) -> Node | None:
    """Follow tq:partOfDocument up to the tq:LegalDocument (None on a broken chain)."""
    seen: set[Node] = set()
    node: Node | None = provision
    while node is not None and node not in seen:
        if (node, RDF.type, TQ.LegalDocument) in g:
            return node
        seen.add(node)
        node = g.value(node, TQ.partOfDocument)
    return None


def _literals(g: Graph) -> Iterator[Literal]:
    """Every literal object of `g`."""
    for obj in g.objects():
        if isinstance(obj, Literal):
            yield obj


def test_enough_powers_and_sectors(powers_graph: Graph) -> None:
    """At least 30 powers in at least 5 sectors."""
    powers = _powers(powers_graph)
    sectors = {s for p in powers for s in powers_graph.objects(p, TQ.sector)}
    assert len(powers) >= MIN_POWERS, len(powers)
    assert len(sectors) >= MIN_SECTORS, sectors


def test_power_labels_and_sector(graph: Graph, powers_graph: Graph) -> None:
    """Each power has a Vietnamese and an English label and a sector from tq:Sectors."""
    for power in _powers(powers_graph):
        langs = {lab.language for lab in graph.objects(power, SKOS.prefLabel)}
        assert {"vi", "en"} <= langs, power
        sectors = list(graph.objects(power, TQ.sector))
        assert sectors, power
        for sector in sectors:
            assert (sector, SKOS.inScheme, TQ.Sectors) in graph, (power, sector)


def test_every_power_has_a_provision_based_conferral(graph: Graph, powers_graph: Graph) -> None:
    """Each power has a conferral whose basis is a provision of a dated, numbered document."""
    for power in _powers(powers_graph):
        conferrals = _conferrals(graph, power)
        assert conferrals, power
        for conferral in conferrals:
            basis = graph.value(conferral, TQ.legalBasis)
            assert (basis, RDF.type, TQ.Provision) in graph, (conferral, basis)
            doc = _document_of(graph, basis)
            assert doc is not None, (conferral, basis)
            assert graph.value(doc, TQ.documentNumber) is not None, doc
            assert graph.value(doc, TQ.dateIssued) is not None, doc
            assert graph.value(conferral, TQ.validFrom) is not None, conferral


def test_conferral_holders_are_roles_with_type_and_level(graph: Graph, powers_graph: Graph) -> None:
    """Every holder is a declared authority role (agency type + level) or authority."""
    for conferral in powers_graph.subjects(RDF.type, TQ.Conferral):
        holder = graph.value(conferral, TQ.holder)
        assert holder is not None, conferral
        assert graph.value(holder, TQ.agencyType) is not None, holder
        assert _holder_level(graph, conferral) is not None, holder


def test_no_district_conferral_after_district_level_ends(graph: Graph, powers_graph: Graph) -> None:
    """A conferral to a district-level holder ends on 30/6/2025 at the latest."""
    for conferral in powers_graph.subjects(RDF.type, TQ.Conferral):
        if _holder_level(graph, conferral) == TQ.DistrictLevel:
            end = _date(graph.value(conferral, TQ.validUntil))
            assert end is not None and end <= DISTRICT_END, conferral


def test_at_least_five_2025_moves(graph: Graph, powers_graph: Graph) -> None:
    """At least 5 powers go from a district conferral to a commune or province one on 1/7/2025."""
    moved = []
    for power in _powers(powers_graph):
        conferrals = _conferrals(graph, power)
        ends = any(
            _holder_level(graph, c) == TQ.DistrictLevel
            and _date(graph.value(c, TQ.validUntil)) == DISTRICT_END
            for c in conferrals
        )
        starts = any(
            _holder_level(graph, c) in (TQ.CommuneLevel, TQ.ProvincialLevel)
            and _date(graph.value(c, TQ.validFrom)) == REFORM_DAY
            for c in conferrals
        )
        if ends and starts:
            moved.append(power)
    assert len(moved) >= MIN_MOVES, moved


def test_at_most_two_levels_on_any_date(graph: Graph, powers_graph: Graph) -> None:
    """On every boundary date of its conferrals, a power is held at no more than two levels."""
    for power in _powers(powers_graph):
        conferrals = _conferrals(graph, power)
        days = {_date(graph.value(c, TQ.validFrom)) for c in conferrals}
        days |= {_date(graph.value(c, TQ.validUntil)) for c in conferrals}
        for day in days - {None}:
            levels = {_holder_level(graph, c) for c in conferrals if _in_force(graph, c, day)}
            assert len(levels) <= 2, (power, day, levels)


def test_non_delegable_powers_cite_a_provision(graph: Graph, powers_graph: Graph) -> None:
    """A power marked tq:nonDelegable has a tq:nonDelegableBasis that is a provision."""
    for power in powers_graph.subjects(TQ.nonDelegable, Literal(True)):
        basis = graph.value(power, TQ.nonDelegableBasis)
        assert (basis, RDF.type, TQ.Provision) in graph, power


def test_documents_are_complete(graph: Graph, powers_graph: Graph) -> None:
    """Each cited document is typed, numbered, dated, in force from a date, issued by an agency."""
    for doc in powers_graph.subjects(RDF.type, TQ.LegalDocument):
        number = str(graph.value(doc, TQ.documentNumber))
        assert NORMATIVE_NUMBER.match(unicodedata.normalize("NFC", number)), (doc, number)
        for prop in (TQ.documentType, TQ.dateIssued, TQ.validFrom):
            assert graph.value(doc, prop) is not None, (doc, prop)
        issuer = graph.value(doc, TQ.issuedBy)
        assert (issuer, RDF.type, TQ.Agency) in graph, (doc, issuer)
        sources = list(graph.objects(doc, DCTERMS.source))
        assert any(str(s).startswith("http") for s in sources), doc


def test_provisions_have_label_and_parent(powers_graph: Graph) -> None:
    """Each provision has a Vietnamese label and a parent in tq:partOfDocument."""
    for prov in powers_graph.subjects(RDF.type, TQ.Provision):
        langs = {lab.language for lab in powers_graph.objects(prov, SKOS.prefLabel)}
        assert "vi" in langs, prov
        assert powers_graph.value(prov, TQ.partOfDocument) is not None, prov


def test_all_literals_are_nfc(powers_graph: Graph) -> None:
    """All text is stored in Unicode NFC."""
    for lit in _literals(powers_graph):
        assert unicodedata.is_normalized("NFC", str(lit)), lit


def test_every_node_has_a_source(powers_graph: Graph) -> None:
    """Every typed node of the powers files carries dcterms:source."""
    for node in set(powers_graph.subjects(RDF.type)):
        if isinstance(node, URIRef):
            assert powers_graph.value(node, DCTERMS.source) is not None, node


def test_shipped_data_conforms_to_the_shapes() -> None:
    """`thamquyen validate` on the shipped data (ontology/ + data/, units included): no
    Violation, exit 0. Uses the validation cache, which other tests of the suite share."""
    from thamquyen import cli

    assert cli.main(["validate", "-q"]) == 0


@pytest.mark.slow
def test_structure_and_rule_shapes(graph: Graph, powers_graph: Graph) -> None:
    """pySHACL, the reference, agrees: no Violation from shapes/ on a node of the powers files
    (~45 s; `thamquyen validate` checks the whole shipped data in the default run)."""
    pyshacl = pytest.importorskip("pyshacl")
    shape_files = sorted((ROOT / "shapes").glob("*.ttl"))
    if not shape_files:
        pytest.skip("no shapes yet")
    shapes = _parse_all(shape_files)
    _, report, _ = pyshacl.validate(graph, shacl_graph=shapes, ont_graph=None, advanced=True)
    sh = Namespace("http://www.w3.org/ns/shacl#")
    ours = set(powers_graph.subjects())
    bad = [
        (report.value(r, sh.focusNode), report.value(r, sh.resultMessage))
        for r in report.subjects(RDF.type, sh.ValidationResult)
        if report.value(r, sh.resultSeverity) == sh.Violation and report.value(r, sh.focusNode) in ours
    ]
    assert not bad, bad


# ---------------------------------------------------------------- who holds it, on the shipped data

ID = "https://w3id.org/thamquyen/id/"
HOLDER_CASES = [
    # land recovery (NĐ 151/2025 Điều 5 khoản 1 điểm b): the Chủ tịch of the commune, not the committee
    ("thu-hoi-dat-khoan-2-dieu-83", "29431-2025", "2025-09-01",
     "post/chu-tich-ubnd-29431-2025", "doc/151-2025-nd-cp/dieu-5/khoan-1/diem-b"),
    ("thu-hoi-dat-khoan-2-dieu-83", "845", "2025-01-15",
     "agency/ubnd-845", "doc/31-2024-qh15/dieu-83/khoan-2"),
    # business registration: one body, the office of Sở Tài chính
    ("dang-ky-doanh-nghiep", "86-2025", "2025-09-01",
     "agency/phong-dang-ky-kinh-doanh-86-2025", "doc/168-2025-nd-cp/dieu-20/khoan-1/diem-a"),
    ("dang-ky-doanh-nghiep", "01-2025", "2025-09-01",
     "agency/phong-dang-ky-kinh-doanh-01-2025", "doc/168-2025-nd-cp/dieu-20/khoan-1/diem-a"),
    # household business: district Phòng Tài chính – Kế hoạch, then the commune's economic office
    ("dang-ky-ho-kinh-doanh", "29431", "2024-05-01",
     "agency/phong-tai-chinh-ke-hoach-848", "doc/01-2021-nd-cp/dieu-87/khoan-1"),
    ("dang-ky-ho-kinh-doanh", "29431-2025", "2025-09-01",
     "agency/phong-kinh-te-29431-2025", "doc/168-2025-nd-cp/dieu-20/khoan-2"),
    ("dang-ky-ho-kinh-doanh", "29254-2025", "2025-09-01",
     "agency/phong-kinh-te-ha-tang-va-do-thi-29254-2025", "doc/168-2025-nd-cp/dieu-20/khoan-2"),
    # alcohol licences: Phòng Kinh tế (city) or Phòng Kinh tế và Hạ tầng (huyện), then the commune
    ("cap-giay-phep-ban-le-ruou", "842", "2024-05-01",
     "agency/phong-kinh-te-842", "doc/105-2017-nd-cp/dieu-25/khoan-1/diem-c"),
    ("cap-giay-phep-ban-le-ruou", "845", "2024-05-01",
     "agency/phong-kinh-te-va-ha-tang-845", "doc/105-2017-nd-cp/dieu-25/khoan-1/diem-c"),
    ("cap-giay-phep-ban-le-ruou", "29431-2025", "2025-09-01",
     "agency/ubnd-29431-2025", "doc/139-2025-nd-cp/dieu-7/khoan-1"),
    ("cap-giay-phep-san-xuat-ruou-thu-cong-nham-muc-dich-kinh-doanh", "845", "2024-05-01",
     "agency/phong-kinh-te-va-ha-tang-845", "doc/105-2017-nd-cp/dieu-25/khoan-1/diem-c"),
    ("cap-giay-phep-san-xuat-ruou-thu-cong-nham-muc-dich-kinh-doanh", "29431-2025", "2025-09-01",
     "agency/ubnd-29431-2025", "doc/139-2025-nd-cp/dieu-7/khoan-1"),
    # commendations (Luật Thi đua, khen thưởng 2022 Điều 80): posts
    ("khen-thuong-chu-tich-ubnd-cap-xa", "29431-2025", "2025-09-01",
     "post/chu-tich-ubnd-29431-2025", "doc/06-2022-qh15/dieu-80/khoan-3"),
    ("khen-thuong-chu-tich-ubnd-cap-huyen", "845", "2024-05-01",
     "post/chu-tich-ubnd-845", "doc/06-2022-qh15/dieu-80/khoan-2"),
]  # fmt: skip


@pytest.fixture(scope="module")
def who_holds():
    """`thamquyen who-holds … --format json` on the shipped data, in this process."""
    cli = pytest.importorskip("thamquyen.cli")

    def ask(power: str, unit: str, day: str) -> dict:
        import contextlib
        import io
        import json

        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = cli.main(["who-holds", f"id:power/{power}", "--in", f"id:unit/{unit}", "--at", day,
                             "--format", "json"])  # fmt: skip
        assert code == 0, out.getvalue()
        return json.loads(out.getvalue())

    return ask


@pytest.mark.parametrize(("power", "unit", "day", "holder", "basis"), HOLDER_CASES)
def test_who_holds_names_the_holder_of_the_text(who_holds, power, unit, day, holder, basis) -> None:
    """One holder, the one the provision names, with that provision as the basis of its chain."""
    answer = who_holds(power, unit, day)
    holders = [(h["authority"], h["chain"][0]["basis"]) for h in answer["holders"]]
    assert holders == [(ID + holder, ID + basis)]


def test_thu_truong_co_quan_chuyen_mon_is_each_giam_doc(who_holds) -> None:
    """Điều 80 khoản 1: the Giám đốc of every department of the province, not the departments."""
    answer = who_holds("khen-thuong-thu-truong-co-quan-chuyen-mon-cap-tinh", "86-2025", "2025-09-01")
    holders = {h["authority"].removeprefix(ID) for h in answer["holders"]}
    assert "post/giam-doc-so-tai-chinh-86-2025" in holders
    assert "post/giam-doc-so-dan-toc-va-ton-giao-86-2025" in holders
    assert all(h.startswith("post/") for h in holders), holders


def test_no_provision_text_in_another_language(graph: Graph) -> None:
    """tq:text is the provision's Vietnamese wording, never a translation."""
    for prov, text in graph.subject_objects(TQ.text):
        assert text.language == "vi", (prov, text.language)
