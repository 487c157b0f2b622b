"""Tests of the generated administrative units (data/units/, tools/generate_units.py)."""

from __future__ import annotations

import importlib.util
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
import pytest

REPO = Path(__file__).resolve().parent.parent
UNITS_DIR = REPO / "data" / "units"
FILES = (
    "units-2025-01-04.ttl",
    "units-2025-07-01.ttl",
    "agencies-2025-01-04.ttl",
    "agencies-2025-07-01.ttl",
    "posts-2025-01-04.ttl",
    "posts-2025-07-01.ttl",
    "offices-2025-01-04.ttl",
    "offices-2025-07-01.ttl",
    "reorganizations-2025.ttl",
)
PREFIXES = """
PREFIX tq: <https://w3id.org/thamquyen/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX id: <https://w3id.org/thamquyen/id/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
ID = "https://w3id.org/thamquyen/id/"
TQ = "https://w3id.org/thamquyen/ontology#"
BEFORE, AFTER = "2025-06-30", "2025-07-01"

# Total number of commune-level units each commune-arrangement resolution of 16/06/2025
# states in its last clause (read in the texts; see tools/generate_units.py).
STATED_TOTALS = {
    "01": 126, "04": 56, "08": 124, "11": 45, "12": 38, "14": 75, "19": 92, "22": 54,
    "25": 148, "31": 114, "33": 104, "37": 129, "38": 166, "40": 130, "42": 69, "44": 78,
    "46": 40, "51": 96, "52": 135, "56": 65, "66": 102, "68": 124, "75": 95, "79": 168,
    "80": 96, "82": 102, "86": 124, "92": 103, "96": 64,
}  # fmt: skip


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """All generated files in one in-memory store."""
    st = ox.Store()
    for name in FILES:
        st.load(path=UNITS_DIR / name, format=ox.RdfFormat.TURTLE)
    return st


def rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    """SPARQL SELECT results as tuples of plain strings."""
    out = []
    for sol in store.query(PREFIXES + query):
        out.append(tuple("" if term is None else term.value for term in sol))
    return out


def in_force(var: str, day: str) -> str:
    """A FILTER block: ``var`` is in force on ``day``."""
    return f"""
      OPTIONAL {{ {var} tq:validFrom ?vf }} OPTIONAL {{ {var} tq:validUntil ?vu }}
      FILTER ((!BOUND(?vf) || ?vf <= "{day}"^^xsd:date) && (!BOUND(?vu) || "{day}"^^xsd:date <= ?vu))
    """


def level_counts(store: ox.Store, day: str) -> Counter[str]:
    """Units in force on ``day`` per level."""
    query = f"""SELECT ?level (COUNT(?u) AS ?n) WHERE {{
      ?u a tq:AdministrativeUnit ; tq:level ?level . {in_force("?u", day)}
    }} GROUP BY ?level"""
    return Counter({lvl.split("#")[1]: int(n) for lvl, n in rows(store, query)})


def test_counts_before(store: ox.Store) -> None:
    """63 provinces, 696 districts, 10,051 communes in force on 2025-06-30."""
    counts = level_counts(store, BEFORE)
    assert counts == Counter(ProvincialLevel=63, DistrictLevel=696, CommuneLevel=10051)


def test_counts_after(store: ox.Store) -> None:
    """34 provinces and 3,321 communes (no districts) in force on 2025-07-01."""
    assert level_counts(store, AFTER) == Counter(ProvincialLevel=34, CommuneLevel=3321)


@pytest.mark.parametrize("day", [BEFORE, AFTER])
def test_codes_unique_per_period(store: ox.Store, day: str) -> None:
    """A unit code is used by one unit at a time, and has the right length."""
    query = f"""SELECT ?code ?level WHERE {{
      ?u a tq:AdministrativeUnit ; tq:unitCode ?code ; tq:level ?level . {in_force("?u", day)}
    }}"""
    found = rows(store, query)
    dupes = [c for c, n in Counter(code for code, _ in found).items() if n > 1]
    assert not dupes
    width = {"ProvincialLevel": 2, "DistrictLevel": 3, "CommuneLevel": 5}
    assert all(len(code) == width[lvl.split("#")[1]] and code.isdigit() for code, lvl in found)


def test_units_carry_required(store: ox.Store) -> None:
    """prefLabel@vi, level, code, type, source; partOf (in force alike) unless provincial."""
    query = """SELECT ?u WHERE { ?u a tq:AdministrativeUnit .
      FILTER (NOT EXISTS { ?u skos:prefLabel ?l FILTER (lang(?l) = "vi") }
        || NOT EXISTS { ?u tq:level ?lv } || NOT EXISTS { ?u tq:unitCode ?c }
        || NOT EXISTS { ?u tq:unitType ?t } || NOT EXISTS { ?u dcterms:source ?s }
        || (NOT EXISTS { ?u tq:partOf ?p } && NOT EXISTS { ?u tq:level tq:ProvincialLevel }))
    }"""
    assert rows(store, query) == []
    wrong_parent = """SELECT ?u WHERE { ?u a tq:AdministrativeUnit ; tq:partOf ?p .
      FILTER (NOT EXISTS { ?p a tq:AdministrativeUnit }
        || EXISTS { ?u tq:validFrom ?f } != EXISTS { ?p tq:validFrom ?g }) }"""
    assert rows(store, wrong_parent) == []


def test_commune_parents(store: ox.Store) -> None:
    """Communes lie in districts before 2025-07-01 and in provinces from then on."""
    query = """SELECT ?plevel ?post (COUNT(?u) AS ?n) WHERE {
      ?u tq:level tq:CommuneLevel ; tq:partOf/tq:level ?plevel .
      BIND (EXISTS { ?u tq:validFrom ?f } AS ?post) } GROUP BY ?plevel ?post"""
    got = {(lvl.split("#")[1], post) for lvl, post, _ in rows(store, query)}
    assert got == {("DistrictLevel", "false"), ("ProvincialLevel", "true")}


def test_labels_nfc() -> None:
    """The files (hence every label) are UTF-8 in Unicode NFC."""
    for name in FILES:
        assert unicodedata.is_normalized("NFC", (UNITS_DIR / name).read_text("utf-8")), name


def test_agencies(store: ox.Store) -> None:
    """Every unit has a People's Committee of the same level and validity; every agency
    has a label, a type and a source."""
    units = dict(rows(store, "SELECT ?u ?lv WHERE { ?u a tq:AdministrativeUnit ; tq:level ?lv }"))
    validity = {
        (node, pred): day
        for node, pred, day in rows(
            store,
            "SELECT ?s ?p ?d WHERE { VALUES ?p { tq:validFrom tq:validUntil } ?s ?p ?d }",
        )
    }
    agencies = rows(
        store,
        """SELECT ?a ?type ?u ?lv WHERE { ?a a tq:Agency ; tq:agencyType ?type ;
          tq:jurisdiction ?u ; tq:level ?lv }""",
    )
    committees = set()
    for agency, atype, unit, level in agencies:
        assert units[unit] == level, agency
        start, end = (validity.get((agency, p)) for p in (f"{TQ}validFrom", f"{TQ}validUntil"))
        unit_start, unit_end = (validity.get((unit, p)) for p in (f"{TQ}validFrom", f"{TQ}validUntil"))
        if atype in (f"{TQ}PeoplesCommittee", f"{TQ}PeoplesCouncil"):
            assert (start, end) == (unit_start, unit_end), agency
        else:  # a department may end or start inside its province's period (1/3/2025)
            assert (start or "") >= (unit_start or "") and (end or "9") <= (unit_end or "9"), agency
        if atype == f"{TQ}PeoplesCommittee":
            committees.add(unit)
    assert committees == set(units)
    unlabelled = """SELECT ?a WHERE { ?a a tq:Agency .
      FILTER (NOT EXISTS { ?a skos:prefLabel ?l } || NOT EXISTS { ?a dcterms:source ?s }) }"""
    assert rows(store, unlabelled) == []


def test_chair_posts(store: ox.Store) -> None:
    """Every People's Committee of both periods has one Chủ tịch post, with its validity."""
    dates = """OPTIONAL { ?x tq:validFrom ?f } OPTIONAL { ?x tq:validUntil ?u }"""
    committees = rows(store, f"SELECT ?x ?f ?u WHERE {{ ?x tq:agencyType tq:PeoplesCommittee . {dates} }}")
    posts = rows(
        store,
        f"""SELECT ?a ?f ?u WHERE {{ ?x a tq:Post ; tq:postOf ?a ;
      tq:postType tq:Chairperson ; skos:prefLabel ?l . FILTER (lang(?l) = "vi") {dates} }}""",
    )
    assert len(committees) > 14000 and sorted(posts) == sorted(committees)
    assert label(store, f"{ID}post/chu-tich-ubnd-29431-2025") == {"Chủ tịch Ủy ban nhân dân xã Vinh Kim"}


def typed(store: ox.Store, atype: str, day: str) -> dict[str, str]:
    """Jurisdiction -> agency of type ``atype`` in force on ``day`` (one each, or fails)."""
    query = f"""SELECT ?u ?a WHERE {{ ?a tq:agencyType tq:{atype} ; tq:jurisdiction ?u .
      {in_force("?a", day)} }}"""
    found = rows(store, query)
    assert len({u for u, _a in found}) == len(found), atype
    return dict(found)


def units_at(store: ox.Store, level: str, day: str, kind: str = "") -> set[str]:
    """Units of ``level`` (optionally of unit type ``kind``) in force on ``day``."""
    extra = f"; tq:unitType tq:{kind}" if kind else ""
    query = f"""SELECT ?u WHERE {{ ?u a tq:AdministrativeUnit ; tq:level tq:{level} {extra} .
      {in_force("?u", day)} }}"""
    return {u for (u,) in rows(store, query)}


@pytest.mark.parametrize("day", ["2024-06-01", "2025-04-01", AFTER])
def test_departments(store: ox.Store, day: str) -> None:
    """Every province (but the two written by hand) has its Sở Tài chính, Sở Tư pháp, Sở Xây
    dựng with their specific types and a Giám đốc post each; Sở Kế hoạch và Đầu tư only
    before 1/3/2025, Sở Nông nghiệp và Môi trường from then."""
    hand = {f"{ID}unit/84", f"{ID}unit/86-2025"}
    provinces = units_at(store, "ProvincialLevel", day) - hand
    for atype in ("DepartmentOfFinance", "DepartmentOfJustice", "DepartmentOfConstruction"):
        assert set(typed(store, atype, day)) == provinces, atype
    planning = set(typed(store, "DepartmentOfPlanningAndInvestment", day))
    merged = set(typed(store, "DepartmentOfAgricultureAndEnvironment", day))
    assert (planning, merged) == ((provinces, set()) if day < "2025-03-01" else (set(), provinces))
    if day < AFTER:  # karaoke licences until 11/11/2024 (NĐ 54/2019/NĐ-CP)
        assert set(typed(store, "DepartmentOfCultureSportsAndTourism", day)) == provinces
    heads = f"""SELECT (COUNT(?p) AS ?n) WHERE {{ ?a tq:agencyType tq:DepartmentOfFinance .
      ?p tq:postOf ?a ; tq:postType tq:Head . {in_force("?p", day)} }}"""
    assert int(rows(store, heads)[0][0]) == len(provinces)


@pytest.mark.parametrize(
    ("day", "parent"),
    [("2024-06-01", "DepartmentOfPlanningAndInvestment"), ("2025-04-01", "DepartmentOfFinance"),
     (AFTER, "DepartmentOfFinance")],
)
def test_business_registration_offices(store: ox.Store, day: str, parent: str) -> None:
    """Each province has one Phòng Đăng ký kinh doanh: under Sở Kế hoạch và Đầu tư until
    28/2/2025, under Sở Tài chính after (Vĩnh Long from 1/7/2025 is written by hand)."""
    offices = typed(store, "BusinessRegistrationOffice", day)
    assert set(offices) == units_at(store, "ProvincialLevel", day) - {f"{ID}unit/86-2025"}
    parents = rows(
        store,
        f"""SELECT ?o ?t WHERE {{ ?o tq:agencyType tq:BusinessRegistrationOffice ;
      tq:parentAgency ?s . ?s tq:agencyType ?t . {in_force("?o", day)} }}""",
    )
    assert {t for _o, t in parents} == {f"{TQ}{parent}"}


def test_district_offices(store: ox.Store) -> None:
    """Before 1/7/2025 every district has a Phòng Tài chính – Kế hoạch and one economic office:
    Phòng Kinh tế và Hạ tầng in a huyện, Phòng Kinh tế elsewhere (NĐ 37/2014/NĐ-CP Điều 7)."""
    districts = units_at(store, "DistrictLevel", BEFORE)
    assert set(typed(store, "FinanceAndPlanningOffice", BEFORE)) == districts
    rural = units_at(store, "DistrictLevel", BEFORE, "RuralDistrict")
    assert set(typed(store, "EconomicAndInfrastructureOffice", BEFORE)) == rural
    assert set(typed(store, "EconomicOffice", BEFORE)) == districts - rural
    assert set(typed(store, "JusticeOffice", BEFORE)) == districts  # chứng thực, NĐ 23/2015 Điều 5


def test_commune_economic_offices(store: ox.Store) -> None:
    """From 1/7/2025 every commune-level unit has one economic office (NĐ 150/2025/NĐ-CP):
    Phòng Kinh tế, Hạ tầng và Đô thị in wards and Phú Quốc, Phòng Kinh tế elsewhere."""
    communes = units_at(store, "CommuneLevel", AFTER)
    urban = typed(store, "EconomicInfrastructureAndUrbanOffice", AFTER)
    plain = typed(store, "EconomicOffice", AFTER)
    assert not set(urban) & set(plain) and set(urban) | set(plain) == communes
    wards = units_at(store, "CommuneLevel", AFTER, "Ward")
    assert set(urban) - wards == {f"{ID}unit/{k}" for k in zones(store, "Phú Quốc")}


def zones(store: ox.Store, name: str) -> set[str]:
    """Keys of the special zones (đặc khu) called ``name``."""
    query = f'SELECT ?u WHERE {{ ?u tq:unitType tq:SpecialZone ; skos:prefLabel "Đặc khu {name}"@vi }}'
    return {u.removeprefix(f"{ID}unit/") for (u,) in rows(store, query)}


def label(store: ox.Store, iri: str, pred: str = "skos:prefLabel") -> set[str]:
    """The @vi values of ``pred`` on ``iri``."""
    query = f'SELECT ?l WHERE {{ <{iri}> {pred} ?l FILTER (lang(?l) = "vi") }}'
    return {value for (value,) in rows(store, query)}


TRA_VINH = {
    "84": "Tỉnh Trà Vinh",
    "842": "Thành phố Trà Vinh",
    "844": "Huyện Càng Long",
    "845": "Huyện Cầu Kè",
    "846": "Huyện Tiểu Cần",
    "847": "Huyện Châu Thành",
    "848": "Huyện Cầu Ngang",
    "849": "Huyện Trà Cú",
    "850": "Huyện Duyên Hải",
    "851": "Thị xã Duyên Hải",
}


def test_tra_vinh_units(store: ox.Store) -> None:
    """The ten Trà Vinh units and their UBND / HĐND keep the IRIs and labels of the
    hand-written file they replace."""
    for key, text in TRA_VINH.items():
        assert label(store, f"{ID}unit/{key}") == {text}
    assert label(store, f"{ID}agency/ubnd-84") == {"Ủy ban nhân dân tỉnh Trà Vinh"}
    assert label(store, f"{ID}agency/ubnd-84", "skos:altLabel") == {"UBND tỉnh Trà Vinh"}
    assert label(store, f"{ID}agency/hdnd-845") == {"Hội đồng nhân dân huyện Cầu Kè"}
    assert label(store, f"{ID}agency/hdnd-845", "skos:altLabel") == {"HĐND huyện Cầu Kè"}
    districts = rows(store, "SELECT ?d WHERE { ?d tq:partOf id:unit\\/84 }")
    assert {d.rsplit("/", 1)[1] for (d,) in districts} == set(TRA_VINH) - {"84"}


def predecessors(store: ox.Store, successor: str) -> set[str]:
    """IRI tails of the predecessors in the reorganizations into ``successor``."""
    query = f"""SELECT ?p WHERE {{ ?r a tq:Reorganization ; tq:successor <{ID}{successor}> ;
      tq:predecessor ?p ; tq:effectiveDate "2025-07-01"^^xsd:date }}"""
    return {p.removeprefix(ID) for (p,) in rows(store, query)}


def test_nguyet_hoa(store: ox.Store) -> None:
    """Phường Nguyệt Hóa (29254) = Phường 7, Phường 8 (TP Trà Vinh) + xã Nguyệt Hóa (domain.md
    §1.6, NQ 1687/NQ-UBTVQH15), in the new Vĩnh Long; its UBND follows."""
    assert label(store, f"{ID}unit/29254-2025") == {"Phường Nguyệt Hóa"}
    preds = predecessors(store, "unit/29254-2025")
    assert preds == {"unit/29254", "unit/29257", "unit/29395"}
    assert {next(iter(label(store, ID + p))) for p in preds} == {
        "Phường 7", "Phường 8", "Xã Nguyệt Hóa"}  # fmt: skip
    assert predecessors(store, "agency/ubnd-29254-2025") == {
        "agency/ubnd-29254", "agency/ubnd-29257", "agency/ubnd-29395"}  # fmt: skip
    basis = rows(
        store,
        f"""SELECT ?b WHERE {{ ?r tq:successor <{ID}unit/29254-2025> ;
      tq:legalBasis ?b }}""",
    )
    assert basis == [(f"{ID}doc/1687-nq-ubtvqh15-2025",)]
    parent = rows(store, f"SELECT ?p WHERE {{ <{ID}unit/29254-2025> tq:partOf ?p }}")
    assert parent == [(f"{ID}unit/86-2025",)]


def test_vinh_long_merger(store: ox.Store) -> None:
    """Bến Tre, Trà Vinh, Vĩnh Long -> Vĩnh Long (NQ 202/2025/QH15); UBND/HĐND follow."""
    assert predecessors(store, "unit/86-2025") == {"unit/83", "unit/84", "unit/86"}
    assert "agency/ubnd-84" in predecessors(store, "agency/ubnd-86-2025")
    assert "agency/hdnd-84" in predecessors(store, "agency/hdnd-86-2025")
    communes = rows(
        store,
        "SELECT ?c WHERE { ?d tq:partOf id:unit\\/84 . ?c tq:partOf ?d }",
    )
    successors = rows(
        store,
        """SELECT DISTINCT ?c WHERE { { ?r tq:predecessor ?c ; tq:successor ?n }
          UNION { ?n prov:wasRevisionOf ?c } ?n tq:partOf id:unit\\/86-2025 }""",
    )
    assert len(communes) == 104  # 8+14+11+11+14+15+17+7+7 in the list of 2025-01-04
    assert set(communes) <= set(successors)


def test_unchanged_communes_are_not_reorganizations(store: ox.Store) -> None:
    """The four communes of Vĩnh Long not rearranged (khoản 121 Điều 1 NQ 1687/NQ-UBTVQH15)
    continue their old unit; no reorganization has them as successor; their People's Committee
    passes to the new code."""
    query = """SELECT ?n ?o WHERE { ?n prov:wasRevisionOf ?o ; tq:partOf id:unit\\/86-2025 }"""
    found = {(n.removeprefix(ID), o.removeprefix(ID)) for n, o in rows(store, query)}
    assert found == {(f"unit/{k}-2025", f"unit/{k}") for k in ("29410", "29413", "29533", "29536")}
    for new, _old in found:
        assert not predecessors(store, new)
    assert predecessors(store, "agency/ubnd-29413-2025") == {"agency/ubnd-29413"}
    assert label(store, f"{ID}unit/29413-2025") == {"Xã Long Hòa"}


def test_vinh_kim(store: ox.Store) -> None:
    """Unit 29431 is "Xã Vinh Kim" (khoản 47 Điều 1 NQ 1687/NQ-UBTVQH15), in both periods."""
    assert label(store, f"{ID}unit/29431") == {"Xã Vinh Kim"}
    assert label(store, f"{ID}unit/29431-2025") == {"Xã Vinh Kim"}
    assert predecessors(store, "unit/29431-2025") == {"unit/29431", "unit/29434"}


def test_reorganizations_complete(store: ox.Store) -> None:
    """Each new unit comes from a reorganization; each carries the required properties and
    a declared legal basis."""
    query = """SELECT ?u WHERE { ?u a tq:AdministrativeUnit ; tq:validFrom ?f .
      FILTER NOT EXISTS { ?r tq:successor ?u } FILTER NOT EXISTS { ?u prov:wasRevisionOf ?o } }"""
    assert rows(store, query) == []
    query = """SELECT ?r WHERE { ?r a tq:Reorganization .
      FILTER (NOT EXISTS { ?r tq:predecessor ?p } || NOT EXISTS { ?r tq:successor ?s }
        || NOT EXISTS { ?r tq:effectiveDate ?d } || NOT EXISTS { ?r dcterms:source ?x }
        || NOT EXISTS { ?r tq:legalBasis ?b . ?b a tq:LegalDocument ;
                        tq:documentNumber ?n ; tq:dateIssued ?i ; tq:issuedBy ?by } ) }"""
    assert rows(store, query) == []
    bases = rows(store, "SELECT DISTINCT ?b WHERE { ?r tq:legalBasis ?b }")
    assert len(bases) == 35  # NQ 202/2025/QH15 + one resolution per new province


def test_totals_match_resolutions(store: ox.Store) -> None:
    """Commune-level units per new province = the total stated by its resolution."""
    query = """SELECT ?code (COUNT(?c) AS ?n) WHERE { ?c tq:level tq:CommuneLevel ;
      tq:validFrom ?f ; tq:partOf/tq:unitCode ?code } GROUP BY ?code"""
    got = {code: int(n) for code, n in rows(store, query)}
    assert {k: got[k] for k in STATED_TOTALS} == STATED_TOTALS


def test_every_node_has_source(store: ox.Store) -> None:
    """Every node typed with a class of the vocabulary carries dcterms:source."""
    query = """SELECT ?s WHERE { ?s a ?t FILTER (STRSTARTS(STR(?t), STR(tq:))
      && NOT EXISTS { ?s dcterms:source ?x }) }"""
    assert rows(store, query) == []


def load_generator() -> ModuleType:
    """Import tools/generate_units.py as a module."""
    spec = importlib.util.spec_from_file_location("generate_units", REPO / "tools" / "generate_units.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_regeneration_is_byte_identical(tmp_path: Path) -> None:
    """Re-running the generator (downloads the pinned wheels from PyPI) reproduces the
    committed files byte for byte. Skipped when PyPI cannot be reached."""
    gen = load_generator()
    try:
        written = gen.generate(tmp_path / "out", tmp_path / "wheels")
    except gen.DownloadError as exc:
        pytest.skip(f"PyPI not reachable: {exc}")
    assert sorted(p.name for p in written) == sorted(FILES)
    for path in written:
        assert path.read_bytes() == (UNITS_DIR / path.name).read_bytes(), path.name
