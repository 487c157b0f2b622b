"""Checks on the Trà Vinh plan of 13/07/2023 as data, with its units and departments.

Loads `ontology/*.ttl` (when present) and the three data files this test covers, and checks
them against the text of the plan (`data/sources/kh-ubnd-84-2023-07-13.txt`).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = ROOT / "data" / "sources"
ID_BASE = "https://w3id.org/thamquyen/id/"
DATA_FILES = ("kh-ubnd-84-2023-07-13.ttl", "so-tra-vinh.ttl", "qd-124-2004-qd-ttg.ttl")
# Trà Vinh's province and district units and their UBND/HĐND, from the generated national files.
TRA_VINH_UNITS = ("84", "842", "844", "845", "846", "847", "848", "849", "850", "851")
UNIT_FILES = ("units/units-2025-01-04.ttl", "units/agencies-2025-01-04.ttl")


def tra_vinh_units() -> Graph:
    """Only Trà Vinh's ten units and their councils/committees (the national files are big)."""
    import pyoxigraph as ox
    from thamquyen.rdfio import ox_to_rdflib

    wanted = {f"{ID_BASE}unit/{c}" for c in TRA_VINH_UNITS}
    wanted |= {f"{ID_BASE}agency/{kind}-{c}" for c in TRA_VINH_UNITS for kind in ("ubnd", "hdnd")}
    g = Graph()
    for name in UNIT_FILES:
        for quad in ox.parse(path=str(ROOT / "data" / name), format=ox.RdfFormat.TURTLE):
            if isinstance(quad.subject, ox.NamedNode) and quad.subject.value in wanted:
                g.add((ox_to_rdflib(quad.subject), ox_to_rdflib(quad.predicate),
                       ox_to_rdflib(quad.object)))
    return g

TQ = Namespace("https://w3id.org/thamquyen/ontology#")
ID = Namespace("https://w3id.org/thamquyen/id/")
PLAN = ID["doc/kh-ubnd-84-2023-07-13"]
PARTS = (
    "I",
    "I/1",
    "I/2",
    "II",
    "II/1",
    "II/1/a",
    "II/1/b",
    "II/1/c",
    "II/2",
    "II/2/a",
    "II/2/b",
    "III",
    "III/1",
    "III/2",
    "III/3",
)
DISTRICT_CODES = {"842", "844", "845", "846", "847", "848", "849", "850", "851"}


def _squash(text: str) -> str:
    """Collapse every run of whitespace to one space (the seed has page and paragraph breaks)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


@pytest.fixture(scope="module")
def graph() -> Graph:
    """The ontology (if present) plus the plan, unit and department files."""
    g = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        g.parse(path, format="turtle")
    for name in DATA_FILES:
        g.parse(ROOT / "data" / name, format="turtle")
    g += tra_vinh_units()
    return g


@pytest.fixture(scope="module")
def data_graph() -> Graph:
    """Only the three data files (so ontology terms do not count as data)."""
    g = Graph()
    for name in DATA_FILES:
        g.parse(ROOT / "data" / name, format="turtle")
    g += tra_vinh_units()
    return g


@pytest.fixture(scope="module")
def seed() -> str:
    """The plan text, whitespace-squashed."""
    for path in sorted(SEED_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if "04/NQ-CP" in text and "Trà Vinh" in text:
            return _squash(text)
    pytest.fail("the Trà Vinh plan is not in data/sources/")


def _vi(g: Graph, s: URIRef, p: URIRef) -> list[Literal]:
    return [o for o in g.objects(s, p) if isinstance(o, Literal) and o.language == "vi"]


def test_plan_document(graph: Graph) -> None:
    """The plan is a tq:Plan issued by UBND tỉnh Trà Vinh on 2023-07-13, based on 04/NQ-CP."""
    assert (PLAN, RDF.type, TQ.LegalDocument) in graph
    assert (PLAN, TQ.documentType, TQ.Plan) in graph
    assert (PLAN, TQ.issuedBy, ID["agency/ubnd-84"]) in graph
    assert (PLAN, TQ.basedOn, ID["doc/04-nq-cp-2022"]) in graph
    dates = [o.toPython().isoformat() for o in graph.objects(PLAN, TQ.dateIssued)]
    assert dates == ["2023-07-13"]
    assert list(graph.objects(PLAN, TQ.documentNumber)) == []
    labels = _vi(graph, PLAN, SKOS.prefLabel)
    assert len(labels) == 1
    assert str(labels[0]).startswith("Kế hoạch triển khai thực hiện Nghị quyết số 04/NQ-CP")


@pytest.mark.parametrize("part", PARTS)
def test_part_structure(graph: Graph, part: str) -> None:
    """Every numbered part is a provision inside the part (or document) that encloses it."""
    node = ID[f"doc/kh-ubnd-84-2023-07-13/{part}"]
    parent = PLAN if "/" not in part else ID[f"doc/kh-ubnd-84-2023-07-13/{part.rsplit('/', 1)[0]}"]
    assert (node, RDF.type, TQ.Provision) in graph
    assert list(graph.objects(node, TQ.partOfDocument)) == [parent]
    assert len(_vi(graph, node, SKOS.prefLabel)) == 1


@pytest.mark.parametrize("part", PARTS)
def test_part_text_is_verbatim(graph: Graph, seed: str, part: str) -> None:
    """Each part's tq:text@vi is a passage of the seed (whitespace aside)."""
    node = ID[f"doc/kh-ubnd-84-2023-07-13/{part}"]
    texts = _vi(graph, node, TQ.text)
    assert len(texts) == 1
    assert _squash(str(texts[0])) in seed


def test_typo_kept_and_flagged(graph: Graph) -> None:
    """II.1.b keeps the source typo "Bộ trát" and notes the reading "Bố trí"."""
    node = ID["doc/kh-ubnd-84-2023-07-13/II/1/b"]
    assert "Bộ trát" in str(_vi(graph, node, TQ.text)[0])
    assert any("Bố trí" in str(n) for n in _vi(graph, node, SKOS.editorialNote))


def test_tasks(graph: Graph) -> None:
    """At least 10 tasks; each has one lead, an inPlan inside part III and a label."""
    tasks = set(graph.subjects(RDF.type, TQ.Task))
    assert len(tasks) >= 10
    part_iii = str(PLAN) + "/III"
    for task in tasks:
        assert len(list(graph.objects(task, TQ.lead))) == 1, task
        in_plan = list(graph.objects(task, TQ.inPlan))
        assert in_plan, task
        assert all(str(p).startswith(part_iii) for p in in_plan), task
        assert len(_vi(graph, task, SKOS.prefLabel)) == 1, task


# The body each task reports to, only where the plan names one (III.1 "cơ quan cấp trên", read as
# the UBND tỉnh; III.2 "đề xuất Ủy ban nhân dân tỉnh, các sở, ban, ngành tỉnh"; III.3 "tham mưu
# Ủy ban nhân dân tỉnh", "trình Hội đồng nhân dân cùng cấp").
REPORTS_TO = {
    "nang-cao-trach-nhiem-giai-trinh": {"agency/ubnd-84"},
    "de-xuat-noi-dung-phan-cap": {"agency/ubnd-84"},
    "tham-muu-dieu-chinh-chuc-nang-to-chuc": {"agency/ubnd-84"},
    "tham-muu-xay-dung-de-an-phan-cap": {"agency/ubnd-84"},
    "trinh-hdnd-thong-qua-de-an-phan-cap": {"agency/hdnd-84"},
}


def test_reports_to_only_where_the_plan_names_one(graph: Graph) -> None:
    """tq:reportsTo is stated only on the tasks whose text names the body, and only that body."""
    found = {}
    for task, body in graph.subject_objects(TQ.reportsTo):
        slug = str(task).removeprefix(f"{ID_BASE}task/kh-ubnd-84-2023-07-13-")
        found.setdefault(slug, set()).add(str(body).removeprefix(ID_BASE))
    assert found == REPORTS_TO


def test_task_wording_is_verbatim(graph: Graph, seed: str) -> None:
    """Each task's skos:definition@vi is a passage of the seed."""
    for task in graph.subjects(RDF.type, TQ.Task):
        definitions = _vi(graph, task, SKOS.definition)
        assert len(definitions) == 1, task
        assert _squash(str(definitions[0])) in seed, task


def test_task_leads_by_part(graph: Graph) -> None:
    """III.1 is led by the provincial departments, III.2 by UBND cấp huyện, III.3 by Sở Nội vụ."""
    expected = {
        "III/1": ID["role/so-cap-tinh"],
        "III/2": ID["role/ubnd-cap-huyen"],
        "III/3": ID["agency/so-noi-vu-84"],
    }
    for part, lead in expected.items():
        provision = ID[f"doc/kh-ubnd-84-2023-07-13/{part}"]
        tasks = list(graph.subjects(TQ.inPlan, provision))
        assert tasks, part
        assert all(graph.value(t, TQ.lead) == lead for t in tasks), part


def test_roles(graph: Graph) -> None:
    """The roles the plan addresses carry an agency type and a level."""
    for slug in ("ubnd-cap-tinh", "ubnd-cap-huyen", "ubnd-cap-xa", "so-cap-tinh", "hdnd-cap-tinh"):
        role = ID[f"role/{slug}"]
        assert (role, RDF.type, TQ.AuthorityRole) in graph, slug
        assert graph.value(role, TQ.agencyType) is not None, slug
        assert graph.value(role, TQ.level) is not None, slug
    assert (ID["role/ubnd-cap-huyen"], SKOS.altLabel, Literal("UBND cấp huyện", lang="vi")) in graph


def test_agencies(graph: Graph) -> None:
    """At least 15 agencies, each with a label@vi, type, level and (all local) jurisdiction."""
    agencies = set(graph.subjects(RDF.type, TQ.Agency))
    assert len(agencies) >= 15
    for agency in agencies:
        assert len(_vi(graph, agency, SKOS.prefLabel)) == 1, agency
        assert graph.value(agency, TQ.agencyType) is not None, agency
        assert graph.value(agency, TQ.level) is not None, agency
        assert graph.value(agency, TQ.jurisdiction) is not None, agency
    ubnd = ID["agency/ubnd-84"]
    assert (ubnd, SKOS.prefLabel, Literal("Ủy ban nhân dân tỉnh Trà Vinh", lang="vi")) in graph
    assert (ubnd, SKOS.altLabel, Literal("UBND tỉnh Trà Vinh", lang="vi")) in graph


def test_district_units(graph: Graph) -> None:
    """Nine district-level units of Trà Vinh with the codes 842, 844-851."""
    province = ID["unit/84"]
    assert graph.value(province, TQ.unitCode) == Literal("84")
    districts = set(graph.subjects(TQ.partOf, province))
    codes = {str(graph.value(d, TQ.unitCode)) for d in districts}
    assert codes == DISTRICT_CODES
    for district in districts:
        code = str(graph.value(district, TQ.unitCode))
        assert district == ID[f"unit/{code}"]
        assert (district, TQ.level, TQ.DistrictLevel) in graph
        assert (ID[f"agency/ubnd-{code}"], TQ.jurisdiction, district) in graph
        assert (ID[f"agency/hdnd-{code}"], TQ.jurisdiction, district) in graph
    assert (ID["unit/845"], SKOS.prefLabel, Literal("Huyện Cầu Kè", lang="vi")) in graph


def test_every_instance_has_source(data_graph: Graph) -> None:
    """Every subject typed with a tq: class carries dcterms:source."""
    typed = {s for s, o in data_graph.subject_objects(RDF.type) if str(o).startswith(str(TQ))}
    assert typed
    missing = [s for s in typed if data_graph.value(s, DCTERMS.source) is None]
    assert missing == []


def test_literals_are_nfc(data_graph: Graph) -> None:
    """Every literal is Unicode NFC."""
    bad = [
        o
        for o in data_graph.objects()
        if isinstance(o, Literal) and not unicodedata.is_normalized("NFC", str(o))
    ]
    assert bad == []


def test_labelled_nodes_have_vi_label(data_graph: Graph) -> None:
    """Every node with a skos:prefLabel has exactly one in Vietnamese."""
    for node in set(data_graph.subjects(SKOS.prefLabel)):
        assert len(_vi(data_graph, node, SKOS.prefLabel)) == 1, node
