"""Coverage of the shipped data (issue 13): how many powers and sectors have conferrals, that
every conferral cites a provision with Vietnamese text, that the law before the current one is
there (a question on any date since 2020 reaches a holder), and the answers of the who-holds
engine on the shipped data for the land and certification powers.

The counts are read with one SPARQL query over `ontology/`, the top-level `data/*.ttl` files and
`data/powers/` (not the generated units). The issue's target (100 powers in 10 sectors) is not
reached yet; the test of the target is an expected failure that says so, and the floor test
keeps what is there from shrinking.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef

ROOT = Path(__file__).resolve().parents[1]
POWERS_DIR = ROOT / "data" / "powers"
TQ = Namespace("https://w3id.org/thamquyen/ontology#")
ID = "https://w3id.org/thamquyen/id/"

TARGET_POWERS, TARGET_SECTORS = 100, 10
FLOOR_POWERS, FLOOR_SECTORS = 100, 17
TARGET_DELEGATIONS, FLOOR_DELEGATIONS = 20, 21
# The files written for issue 13 (their conferrals must all cite Vietnamese text).
COVERAGE_FILES = [
    "nd-23-2015-nd-cp.ttl",
    "nd-280-2025-nd-cp.ttl",
    "luat-dat-dai-45-2013-qh13.ttl",
    "luat-tin-nguong-ton-giao-02-2016-qh14.ttl",
    "luat-hoa-giai-o-co-so-35-2013-qh13.ttl",
    "luat-bao-ve-moi-truong-72-2020-qh14.ttl",
    "nd-46-2017-nd-cp.ttl",
    "nd-142-2025-nd-cp.ttl",
    "nd-123-2015-nd-cp.ttl",
    "nd-148-2024-nd-cp.ttl",
    "nd-147-2025-nd-cp.ttl",
    "luat-nuoi-con-nuoi-52-2010-qh12.ttl",
    "luat-khieu-nai-02-2011-qh13.ttl",
    "luat-xu-ly-vi-pham-hanh-chinh-15-2012-qh13.ttl",
    "luat-bao-ve-moi-truong-55-2014-qh13.ttl",
    "luat-chan-nuoi-32-2018-qh14.ttl",
    "luat-de-dieu-79-2006-qh11.ttl",
    "luat-nguoi-khuyet-tat-51-2010-qh12.ttl",
    "luat-phong-chong-bao-luc-gia-dinh-02-2007-qh12.ttl",
    "luat-phong-chong-bao-luc-gia-dinh-13-2022-qh15.ttl",
    "luat-thi-dua-khen-thuong-06-2022-qh15.ttl",
    "luat-thi-dua-khen-thuong-15-2003-qh11.ttl",
    "luat-thu-y-79-2015-qh13.ttl",
    "luat-tiep-cong-dan-42-2013-qh13.ttl",
    "luat-to-cao-25-2018-qh14.ttl",
    "luat-xay-dung-50-2014-qh13.ttl",
    "nd-140-2025-nd-cp.ttl",
    "nd-168-2025-nd-cp.ttl",
    "nd-189-2025-nd-cp.ttl",
    "nd-30-2017-nd-cp.ttl",
    "nd-49-2026-nd-cp.ttl",
    "nd-91-2017-nd-cp.ttl",
    "nd-94-2019-nd-cp.ttl",
    "nd-35-2015-nd-cp.ttl",
    "tt-01-2019-tt-bldtbxh.ttl",
    "nd-86-2023-nd-cp.ttl",
]
COUNT_QUERY = """
PREFIX tq: <https://w3id.org/thamquyen/ontology#>
SELECT (COUNT(DISTINCT ?power) AS ?powers) (COUNT(DISTINCT ?sector) AS ?sectors)
WHERE {
  ?c a tq:Conferral ; tq:power ?power ; tq:legalBasis ?basis .
  ?basis tq:text ?text FILTER(langMatches(lang(?text), "vi"))
  OPTIONAL { ?power tq:sector ?sector }
}
"""
LAND_POWERS = [
    "giao-dat-cho-thue-dat-chuyen-muc-dich-su-dung-dat-doi-voi-ca-nhan",
    "cho-thue-dat-quy-dat-nong-nghiep-cong-ich-cua-xa",
    "thu-hoi-dat-khoan-2-dieu-83",
    "cap-giay-chung-nhan-lan-dau-cho-ca-nhan-cong-dong-dan-cu",
]
CERTIFICATION_POWERS = [
    "chung-thuc-ban-sao-giay-to-do-co-quan-viet-nam-cap",
    "chung-thuc-chu-ky",
    "chung-thuc-hop-dong-giao-dich-dong-san",
    "chung-thuc-hop-dong-giao-dich-quyen-su-dung-dat",
    "chung-thuc-di-chuc",
]


def _parse(paths: list[Path]) -> Graph:
    """One graph of every Turtle file in `paths`."""
    g = Graph()
    for path in paths:
        g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def graph() -> Graph:
    """The ontology, the top-level data files and every powers file."""
    files = sorted((ROOT / "ontology").glob("*.ttl")) + sorted((ROOT / "data").glob("*.ttl"))
    return _parse(files + sorted(POWERS_DIR.glob("*.ttl")))


def _counts(g: Graph) -> tuple[int, int]:
    """Powers with a conferral citing Vietnamese text, and their distinct sectors."""
    row = next(iter(g.query(COUNT_QUERY)))
    return int(row.powers), int(row.sectors)


def _in_force(g: Graph, node: URIRef, day: date) -> bool:
    """validFrom ≤ day ≤ validUntil (each bound optional)."""
    start = g.value(node, TQ.validFrom)
    end = g.value(node, TQ.validUntil)
    return (start is None or start.toPython() <= day) and (end is None or day <= end.toPython())


def test_count_floor(graph: Graph) -> None:
    powers, sectors = _counts(graph)
    assert powers >= FLOOR_POWERS and sectors >= FLOOR_SECTORS, (powers, sectors)


def test_count_target(graph: Graph) -> None:
    powers, sectors = _counts(graph)
    assert powers >= TARGET_POWERS and sectors >= TARGET_SECTORS, (powers, sectors)


@pytest.mark.parametrize("name", COVERAGE_FILES)
def test_conferrals_cite_vietnamese_text(name: str) -> None:
    g = _parse([POWERS_DIR / name])
    conferrals = list(g.subjects(predicate=TQ.legalBasis))
    assert conferrals, name
    for c in conferrals:
        basis = g.value(c, TQ.legalBasis)
        texts = [t for t in g.objects(basis, TQ.text) if isinstance(t, Literal)]
        assert texts and all(t.language == "vi" for t in texts), (c, basis)
        assert g.value(c, TQ.validFrom) is not None, c


@pytest.mark.parametrize("power", LAND_POWERS + CERTIFICATION_POWERS)
@pytest.mark.parametrize("day", [date(2020, 1, 1), date(2022, 6, 15), date(2024, 5, 1)])
def test_a_conferral_in_force_since_2020(graph: Graph, power: str, day: date) -> None:
    conferrals = list(graph.subjects(TQ.power, URIRef(f"{ID}power/{power}")))
    assert any(_in_force(graph, c, day) for c in conferrals if (c, None, TQ.Conferral)), (power, day)


def test_land_law_2013_repealed_by_2024(graph: Graph) -> None:
    old, new = URIRef(f"{ID}doc/45-2013-qh13"), URIRef(f"{ID}doc/31-2024-qh15")
    assert (new, TQ.repeals, old) in graph
    assert str(graph.value(old, TQ.validUntil)) == "2024-07-31"


def test_certification_moves_to_the_commune_chairperson(graph: Graph) -> None:
    """From 01/11/2025 the Chủ tịch Ủy ban nhân dân cấp xã certifies (a post role)."""
    chair = URIRef(f"{ID}role/chu-tich-ubnd-cap-xa")
    for power in CERTIFICATION_POWERS:
        holders = {graph.value(c, TQ.holder) for c in graph.subjects(TQ.power, URIRef(f"{ID}power/{power}"))
                   if _in_force(graph, c, date(2025, 12, 1))}
        assert holders == {chair}, (power, holders)


@pytest.fixture(scope="module")
def kb(shipped_kb):
    """The shipped data on the persistent embedded store (conftest's `shipped_kb`)."""
    return shipped_kb


def test_cau_ke_land_certificate_2024_05_01(kb) -> None:
    """The issue's example: Cầu Kè, land-use certificates, 2024-05-01 → UBND huyện Cầu Kè."""
    answer = kb.engine.who_holds(f"{ID}power/cap-giay-chung-nhan-lan-dau-cho-ca-nhan-cong-dong-dan-cu",
                                 f"{ID}unit/845", date(2024, 5, 1))
    assert [h["authority"] for h in answer["holders"]] == [f"{ID}agency/ubnd-845"], answer
    assert "doc/45-2013-qh13/dieu-105/khoan-2" in str(answer["holders"][0])


def _rows(kb, name: str, params: dict[str, str]) -> list[dict]:
    """The rows of a named query of the catalog on the shipped data."""
    from thamquyen.catalog import run_named

    _, result = run_named(kb.store, name, params, kb)
    return list(result)


def test_delegations_ending_soon_has_rows(kb) -> None:
    rows = _rows(kb, "delegations-ending-soon", {"at": "2025-12-01", "days": "60"})
    assert any(str(r["delegator"]).endswith("post/chu-tich-ubnd-20200-2025") for r in rows), rows


def test_delegation_chain_has_a_conferral_and_an_authorization(kb) -> None:
    rows = _rows(kb, "delegation-chain", {"power": f"{ID}power/chung-thuc-chu-ky", "at": "2025-12-01"})
    steps = {str(r["step"]) for r in rows}
    assert {"conferral", "authorization"} <= steps, rows


def test_shipped_delegations_count() -> None:
    delegations = _parse(sorted((ROOT / "data" / "delegations").glob("*.ttl")))
    kinds = (TQ.Authorization, TQ.Decentralization)
    found = {d for k in kinds for d in delegations.subjects(predicate=None, object=k)}
    assert len(found) >= FLOOR_DELEGATIONS, len(found)


def test_shipped_delegations_target() -> None:
    delegations = _parse(sorted((ROOT / "data" / "delegations").glob("*.ttl")))
    kinds = (TQ.Authorization, TQ.Decentralization)
    found = {d for k in kinds for d in delegations.subjects(predicate=None, object=k)}
    assert len(found) >= TARGET_DELEGATIONS, len(found)


UNTEXTED_QUERY = """
PREFIX tq: <https://w3id.org/thamquyen/ontology#>
SELECT DISTINCT ?basis WHERE {
  ?c a tq:Conferral ; tq:legalBasis ?basis .
  FILTER NOT EXISTS { ?basis tq:text ?text FILTER(langMatches(lang(?text), "vi")) }
}
"""


@pytest.mark.xfail(reason="issue 13: 3 provisions that conferrals cite have no Vietnamese text yet "
                          "(NĐ 78/2015 Đ13 k1-k2, NĐ 136/2013 Đ8 k1; six searches found none — "
                          "each file's header says what was searched; no law text was found naming the "
                          "same holders; NĐ 112/2024 Đ8 was found)",
                   strict=False)
def test_every_conferral_cites_vietnamese_text(graph: Graph) -> None:
    untexted = sorted(str(row.basis) for row in graph.query(UNTEXTED_QUERY))
    assert not untexted, untexted
