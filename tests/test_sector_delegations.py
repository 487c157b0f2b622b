"""The real delegations shipped in `data/delegations/` (issue 13): how many there are, that each
names its decision, date, delegator, delegate, power and term, and what the who-holds engine and
the delegation queries answer on the shipped data before, during and after each term.

The files are read with rdflib (small); the answers come from the persistent embedded store that
the CLI and the service read (built once per module).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Namespace, URIRef

ROOT = Path(__file__).resolve().parents[1]
DELEGATIONS_DIR = ROOT / "data" / "delegations"
TQ = Namespace("https://w3id.org/thamquyen/ontology#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
ID = "https://w3id.org/thamquyen/id/"
KARAOKE = f"{ID}power/cap-dieu-chinh-thu-hoi-giay-phep-du-dieu-kien-kinh-doanh-dich-vu-karaoke"
FLOOR = 7  # what is verified today (the target of 20 is not reached; see the report)


@pytest.fixture(scope="module")
def graph() -> Graph:
    """All delegation files in one graph."""
    g = Graph()
    for path in sorted(DELEGATIONS_DIR.glob("*.ttl")):
        g.parse(path)
    return g


def _delegations(g: Graph) -> list[URIRef]:
    """The phân cấp and ủy quyền nodes of the graph."""
    kinds = (TQ.Decentralization, TQ.Authorization)
    return sorted({d for k in kinds for d in g.subjects(RDF.type, k)})


@pytest.fixture(scope="module")
def kb():
    """The shipped data on the persistent embedded store (what the CLI and the service read)."""
    from thamquyen.kb import open_kb

    return open_kb()


def _holders(kb, power: str, unit: str, on: date) -> list[str]:
    """The authorities the engine names as holding `power` in `unit` on `on` (IRI tails)."""
    answer = kb.engine.who_holds(power, f"{ID}unit/{unit}", on)
    return [h["authority"].removeprefix(ID) for h in answer["holders"]]


def _rows(kb, name: str, params: dict[str, str]) -> list[dict]:
    """The rows of a named query of the catalog on the shipped data."""
    from thamquyen.catalog import run_named

    _, result = run_named(kb.store, name, params, kb)
    return list(result)


def test_count(graph) -> None:
    assert len(_delegations(graph)) >= FLOOR, _delegations(graph)


def test_one_file_per_decision(graph) -> None:
    """Each file holds one decision (its instrument), named after it."""
    for path in sorted(DELEGATIONS_DIR.glob("*.ttl")):
        g = Graph().parse(path)
        instruments = set(g.objects(None, TQ.instrument))
        assert [str(i).removeprefix(f"{ID}doc/") for i in instruments] == [path.stem], path


def test_each_delegation_is_complete(graph) -> None:
    """Number (or a note that it is unknown), date, delegator, delegate, power, term, oversight."""
    for d in _delegations(graph):
        doc = graph.value(d, TQ.instrument)
        assert doc is not None, d
        assert graph.value(doc, TQ.dateIssued) is not None, doc
        has_number = graph.value(doc, TQ.documentNumber) is not None
        notes = " ".join(str(c) for c in graph.objects(doc, RDFS.comment))
        assert has_number or "Số hiệu" in notes, (doc, "number neither given nor noted as unknown")
        for prop in (TQ.power, TQ.delegator, TQ.delegate, TQ.validFrom, TQ.oversightBy):
            assert graph.value(d, prop) is not None, (d, prop)
        if (d, RDF.type, TQ.Authorization) in graph:
            assert graph.value(d, TQ.validUntil) is not None, (d, "an ủy quyền has a last day")


def test_parties_and_powers_are_in_the_data(graph, kb) -> None:
    """Delegators and delegates are described nodes; each power has a conferral."""
    for d in _delegations(graph):
        for prop in (TQ.delegator, TQ.delegate):
            node = graph.value(d, prop)
            assert kb.store.ask(f"ASK {{ <{node}> <{SKOS.prefLabel}> ?l }}"), (d, node)
        power = graph.value(d, TQ.power)
        assert kb.store.ask(f"ASK {{ ?c <{TQ.power}> <{power}> ; a <{TQ.Conferral}> }}"), power


@pytest.mark.parametrize(("unit", "on", "expected"), [
    ("79", date(2025, 3, 19), ["agency/ubnd-79"]),                    # the day before
    ("79", date(2025, 3, 20), ["agency/so-van-hoa-va-the-thao-79"]),  # first day
    ("774", date(2025, 4, 1), ["agency/so-van-hoa-va-the-thao-79"]),  # a district of the city
    ("79", date(2025, 6, 30), ["agency/so-van-hoa-va-the-thao-79"]),  # last day of the old city
    ("79-2025", date(2025, 8, 1), ["agency/ubnd-79-2025"]),           # the new city
])
def test_hcm_karaoke_authorization(kb, unit, on, expected) -> None:
    assert _holders(kb, KARAOKE, unit, on) == expected


@pytest.mark.parametrize(("unit", "on", "expected"), [
    ("16279-2025", date(2025, 8, 21), ["agency/ubnd-38-2025"]),    # Thanh Hóa, before 22/8/2025
    ("16279-2025", date(2025, 9, 1), ["agency/ubnd-16279-2025"]),  # Thanh Hóa, a commune after
    ("00316-2025", date(2025, 11, 7), ["agency/ubnd-01-2025"]),    # Hà Nội, before 8/11/2025
    ("00316-2025", date(2025, 11, 10), ["agency/ubnd-00316-2025"]),  # Hà Nội, a ward after
])
def test_karaoke_decentralizations(kb, unit, on, expected) -> None:
    assert _holders(kb, KARAOKE, unit, on) == expected


def test_delegations_ending_soon(kb) -> None:
    ending_2025 = _rows(kb, "delegations-ending-soon", {"at": "2025-12-01", "days": "60"})
    assert {str(r["delegation"]).removeprefix(f"{ID}delegation/") for r in ending_2025} >= {
        "hoa-khanh-2025-chung-thuc-chu-ky-van-phong"}, ending_2025
    ending_2027 = _rows(kb, "delegations-ending-soon", {"at": "2027-11-15", "days": "60"})
    assert [str(r["delegation"]).removeprefix(f"{ID}delegation/") for r in ending_2027] == [
        "karaoke-ubnd-79-2025-so-van-hoa-va-the-thao"], ending_2027


def test_delegation_chain_of_karaoke(kb) -> None:
    rows = _rows(kb, "delegation-chain", {"power": KARAOKE})
    steps = [str(r["step"]) for r in rows]
    assert steps.count("conferral") >= 1 and steps.count("decentralization") >= 2, steps
    assert "authorization" in steps, steps
