"""The named-query catalog (queries/*.rq): headers, expected rows on the engine fixtures,
safe parameter binding, and `thamquyen query`.

The knowledge base is the ontology + tests/fixtures/engine only (an empty data/ folder through
THAMQUYEN_HOME), so the expected rows do not depend on the shipped data.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from thamquyen import cli
from thamquyen.catalog import (
    PARAM_TYPES,
    bindings_for,
    get,
    load_catalog,
    parse_query,
    run_named,
    select_variables,
)
from thamquyen.rdfio import InputError

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "engine"
F = "https://example.org/thamquyen-fixture/"
TQ = "https://w3id.org/thamquyen/ontology#"
REQUIRED = {"who-holds", "powers-of-authority", "delegation-chain", "delegations-ending-soon",
            "delegations-without-resources", "delegations-without-oversight",
            "powers-at-more-than-two-levels", "powers-without-holder", "changes-between-dates",
            "plan-tasks-by-authority", "procedures-by-level-and-sector", "document-effects",
            "reorganization-lineage"}


@pytest.fixture(scope="module")
def home(fixture_home):
    """THAMQUYEN_HOME without the shipped data, for the whole module."""
    return fixture_home



def short(term) -> str:
    """A result term without the fixture and ontology bases."""
    return str(term).replace(F, "").replace(TQ, "tq:")


def rows(kb, name: str, params: dict[str, str], *columns: str) -> list[tuple]:
    """The rows of a named query, as tuples of the chosen columns (None when unbound)."""
    variables, result = run_named(kb.store, name, params, kb)
    assert set(columns) <= set(variables)
    return [tuple(short(r[c]) if c in r else None for c in columns) for r in result]


# ---------------------------------------------------------------- the catalog

def test_catalog_has_every_required_query_with_a_documented_header():
    catalog = {q.name: q for q in load_catalog()}
    assert set(catalog) >= REQUIRED
    assert len(catalog) >= 12
    for q in catalog.values():
        assert q.summary["vi"] and q.summary["en"], q.name
        assert q.description and q.question, q.name
        assert q.tags, q.name
        for p in q.params:
            assert p.type in PARAM_TYPES and p.description, (q.name, p.name)
            assert p.example is not None, (q.name, p.name)
            assert f"?_{p.name}" in q.text, (q.name, p.name)
        assert select_variables(q.text), q.name
        assert "engine" not in q.name


def test_header_and_parameters_must_match():
    text = ("#+ summary:\n#+   vi: a\n#+   en: b\n#+ params:\n#+   - name: x\n#+     type: date\n"
            "SELECT ?y WHERE { ?y ?p ?_x . ?y ?q ?_z }\n")
    with pytest.raises(ValueError, match="differ"):
        parse_query("bad", text)
    with pytest.raises(ValueError, match="summary"):
        parse_query("bad", "SELECT ?y WHERE { ?y ?p ?o }\n")


def test_select_variables_keep_the_select_order():
    text = "#+ x\nSELECT DISTINCT ?b ?a (COUNT(?c) AS ?n) (IF(?a, 1, 0) AS ?m) ?z\nWHERE { }"
    assert select_variables(text) == ["b", "a", "n", "m", "z"]
    assert select_variables(get("who-holds").text)[:5] == [
        "holder", "holderLabel", "delegations", "steps", "chain"]


def test_unknown_query_lists_the_available_ones():
    with pytest.raises(InputError) as err:
        get("ai-giu-gi")
    assert "who-holds" in err.value.vi and "who-holds" in err.value.en


# ---------------------------------------------------------------- expected rows on the fixtures

def test_who_holds(kb):
    assert rows(kb, "who-holds", {"power": F + "power/dang-ky-dat-dai", "at": "2024-06-01",
                                  "in": F + "unit/99101"},
                "holder", "holderLabel", "delegations", "steps") == [
        ("post/pho-chu-tich-ubnd-99101", "Phó Chủ tịch Ủy ban nhân dân xã An Phú", "3", "4")]
    assert rows(kb, "who-holds", {"power": F + "power/chua-giao", "at": "2024-06-01"},
                "holder") == []


def test_who_holds_accepts_names_and_prefixed_names(kb):
    found = rows(kb, "who-holds", {"power": "khai thac cat", "at": "2024-06-01",
                                   "in": "Xã Cát Tiên"}, "holder", "chain")
    assert found == [("agency/ubnd-992", "conferral - agency/ubnd-992 "
                      "doc/999-2019-qh14/dieu-10 2020-01-01 -")]


def test_powers_of_authority(kb):
    found = rows(kb, "powers-of-authority", {"authority": F + "agency/ubnd-991", "at": "2024-06-01"},
                 "power", "how", "from", "role", "handedOn")
    assert sorted(found) == sorted([
        ("power/khai-thac-cat", "conferral", None, "role/ubnd-cap-huyen", "false"),
        ("power/cap-phep-xay-dung", "decentralization", "agency/ubnd-99", "role/ubnd-cap-huyen",
         "true"),
        ("power/dang-ky-dat-dai", "decentralization", "agency/ubnd-99", "role/ubnd-cap-huyen",
         "true"),
        ("power/quan-ly-ben-do", "reorganization", "agency/ubnd-990", None, "false"),
        ("power/quan-ly-cho", "reorganization", "agency/ubnd-993", None, "false")])
    assert rows(kb, "powers-of-authority", {"authority": F + "agency/so-tai-chinh-99",
                                            "at": "2024-06-01"}, "power", "how", "from") == [
        ("power/tham-dinh-du-an", "reorganization", "agency/so-ke-hoach-va-dau-tu-99")]
    assert rows(kb, "powers-of-authority", {"authority": F + "agency/so-tai-chinh-99",
                                            "at": "2023-06-30"}, "power") == []


def test_powers_of_authority_keeps_a_role_delegation_to_the_delegators_area(kb):
    """A phân cấp to a role reaches the agencies of that role inside the delegator's area: a
    commune two levels below the province, not a commune of another district."""
    assert rows(kb, "powers-of-authority", {"authority": F + "agency/ubnd-99201",
                                            "at": "2025-08-01"}, "power", "how", "from") == [
        ("power/phan-cap-cap-xa", "decentralization", "agency/ubnd-99")]
    assert rows(kb, "powers-of-authority", {"authority": F + "agency/ubnd-99202",
                                            "at": "2024-06-01"}, "power") == []


def test_delegation_chain(kb):
    assert rows(kb, "delegation-chain", {"power": F + "power/dang-ky-dat-dai"},
                "step", "from", "to", "basis", "validFrom", "validUntil") == [
        ("conferral", None, "agency/ubnd-99", "doc/999-2019-qh14/dieu-12/khoan-1", "2020-01-01",
         None),
        ("decentralization", "agency/ubnd-99", "role/ubnd-cap-huyen", "doc/99-2021-nq-hdnd/dieu-2",
         "2022-01-01", None),
        ("decentralization", "agency/ubnd-991", "role/ubnd-cap-xa", "doc/99-2022-qd-ubnd/dieu-1",
         "2023-01-01", None),
        ("authorization", "agency/ubnd-99101", "post/pho-chu-tich-ubnd-99101",
         "doc/9912-qd-ubnd-2023", "2024-01-01", "2025-06-30")]
    assert rows(kb, "delegation-chain", {"power": F + "power/bien-quang-cao", "at": "2026-01-01"},
                "step", "territory") == [("conferral", None)]
    assert rows(kb, "delegation-chain", {"power": F + "power/bien-quang-cao", "at": "2025-12-31"},
                "step", "territory") == [("conferral", None), ("authorization", "unit/992")]


def test_delegations_ending_soon(kb):
    assert rows(kb, "delegations-ending-soon", {"at": "2024-11-15", "days": "60"},
                "delegation", "kind", "validUntil", "daysLeft") == [
        ("delegation/xay-dung-phong-tnmt-991", "authorization", "2024-12-31", "46")]
    # default 90 days; the last day itself counts (0 days left)
    assert rows(kb, "delegations-ending-soon", {"at": "2025-06-30"}, "delegation", "daysLeft") == [
        ("delegation/dat-dai-pho-chu-tich-99101", "0")]
    assert rows(kb, "delegations-ending-soon", {"at": "2025-05-01", "days": "59"},
                "delegation") == []
    assert rows(kb, "delegations-ending-soon", {"at": "2024-02-29", "days": "400"},
                "delegation", "daysLeft") == [("delegation/xay-dung-phong-tnmt-991", "306")]


def test_delegations_without_resources(kb):
    assert sorted(rows(kb, "delegations-without-resources", {"at": "2024-06-01"},
                       "delegation", "kind")) == [
        ("delegation/dat-dai-cap-xa-991", "decentralization"),
        ("delegation/dat-dai-pho-chu-tich-99101", "authorization"),
        ("delegation/xay-dung-phong-tnmt-991", "authorization")]
    assert sorted(rows(kb, "delegations-without-resources", {"at": "2025-01-01"},
                       "delegation")) == [("delegation/dat-dai-cap-xa-991",),
                                          ("delegation/dat-dai-pho-chu-tich-99101",)]


def test_delegations_without_oversight(kb):
    assert sorted(rows(kb, "delegations-without-oversight", {}, "delegation")) == [
        ("delegation/dat-dai-cap-huyen",), ("delegation/dat-dai-pho-chu-tich-99101",),
        ("delegation/xay-dung-phong-tnmt-991",)]
    assert rows(kb, "delegations-without-oversight", {"at": "2023-06-01"}, "delegation") == [
        ("delegation/dat-dai-cap-huyen",)]


def test_powers_at_more_than_two_levels(kb):
    assert rows(kb, "powers-at-more-than-two-levels", {"at": "2024-06-01"},
                "power", "levels") == [("power/dang-ky-dat-dai", "3")]
    # before the commune level took part (phân cấp to communes from 2023-01-01)
    assert rows(kb, "powers-at-more-than-two-levels", {"at": "2022-12-31"}, "power") == []


def test_powers_without_holder(kb):
    assert sorted(rows(kb, "powers-without-holder", {"at": "2024-06-01"}, "power")) == [
        ("power/cap-chung-chi",), ("power/chua-giao",)]
    found = dict(rows(kb, "powers-without-holder", {"at": "2017-12-31"}, "power", "reason"))
    assert "power/quan-ly-ben-do" in found and "power/cap-chung-chi" in found
    assert found["power/chua-giao"].startswith("không có văn bản phân quyền")


def test_powers_without_holder_agrees_with_the_engine(kb):
    import datetime as dt

    powers = sorted(p for p in kb.engine.index.powers if p.startswith(F))
    for day in ("2017-12-31", "2019-12-31", "2020-01-01", "2021-03-01", "2024-06-01", "2027-01-01"):
        nobody = {F + p for (p,) in rows(kb, "powers-without-holder", {"at": day}, "power")}
        expected = {p for p in powers
                    if not kb.engine.who_holds(p, None, dt.date.fromisoformat(day))["holders"]}
        assert nobody == expected, day


def test_changes_between_dates(kb):
    found = rows(kb, "changes-between-dates", {"from": "2023-12-31", "to": "2024-01-01"},
                 "date", "change", "kind", "node")
    assert ("2023-12-31", "ended", "unit", "unit/993") in found
    assert ("2023-12-31", "ended", "agency", "agency/ubnd-993") in found
    assert ("2024-01-01", "reorganized", "reorganization", "reorg/nhap-ubnd-993") in found
    assert ("2024-01-01", "started", "authorization", "delegation/xay-dung-phong-tnmt-991") in found
    assert ("2024-01-01", "started", "unit", "unit/99103") in found
    assert len(found) == 13
    assert [r[:2] for r in found] == sorted(r[:2] for r in found)
    assert rows(kb, "changes-between-dates", {"from": "2024-01-02", "to": "2024-12-30"},
                "node") == []


def test_plan_tasks_by_authority(kb):
    assert rows(kb, "plan-tasks-by-authority", {"authority": F + "agency/ubnd-991"},
                "task", "relation", "via", "section") == [
        ("task/ra-soat-tham-quyen", "cooperates", "role/ubnd-cap-huyen",
         "doc/kh-ubnd-99-2024-03-01/II/1"),
        ("task/bao-cao-phan-cap", "lead", "role/ubnd-cap-huyen", "doc/kh-ubnd-99-2024-03-01/II/2")]
    assert rows(kb, "plan-tasks-by-authority", {"authority": F + "agency/so-noi-vu-99"},
                "task", "relation", "via") == [
        ("task/ra-soat-tham-quyen", "lead", None), ("task/bao-cao-phan-cap", "reportsTo", None)]
    assert rows(kb, "plan-tasks-by-authority", {"authority": F + "agency/thanh-tra-99",
                                                "plan": F + "doc/kh-ubnd-99-2024-03-01"},
                "task", "section") == [("task/kiem-tra-phan-cap", "doc/kh-ubnd-99-2024-03-01")]
    assert rows(kb, "plan-tasks-by-authority", {"authority": F + "agency/thanh-tra-99",
                                                "plan": F + "doc/999-2019-qh14"}, "task") == []


def test_procedures_by_level_and_sector(kb):
    assert rows(kb, "procedures-by-level-and-sector", {"level": "tq:DistrictLevel"},
                "code", "competentAuthority", "sector") == [
        ("1.999001", "role/ubnd-cap-huyen", "tq:sector-xay-dung"),
        ("2.999004", "agency/ubnd-991", "tq:sector-dat-dai")]
    assert rows(kb, "procedures-by-level-and-sector",
                {"level": TQ + "DistrictLevel", "sector": "tq:sector-xay-dung"}, "code") == [
        ("1.999001",)]
    # the sector's Vietnamese name is bound (it was selected but never bound)
    assert rows(kb, "procedures-by-level-and-sector", {"level": "tq:DistrictLevel"},
                "code", "sectorLabel") == [("1.999001", "Xây dựng"), ("2.999004", "Đất đai")]
    # the level of a post is its agency's; a procedure without tq:procedureLevel takes it
    assert rows(kb, "procedures-by-level-and-sector", {"level": "tq:ProvincialLevel"},
                "code", "competentLabel") == [
        ("1.999002", "Chủ tịch Ủy ban nhân dân tỉnh Thử Nghiệm")]
    assert rows(kb, "procedures-by-level-and-sector", {"level": "tq:CommuneLevel"}, "code") == [
        ("1.999003",)]


def test_document_effects(kb):
    assert rows(kb, "document-effects", {"document": F + "doc/99-2021-nq-hdnd"},
                "effect", "power", "from", "to", "provision") == [
        ("decentralization", "power/cap-phep-xay-dung", "agency/ubnd-99", "role/ubnd-cap-huyen",
         "doc/99-2021-nq-hdnd/dieu-1"),
        ("decentralization", "power/dang-ky-dat-dai", "agency/ubnd-99", "role/ubnd-cap-huyen",
         "doc/99-2021-nq-hdnd/dieu-2")]
    law = rows(kb, "document-effects", {"document": F + "doc/999-2019-qh14"}, "effect", "node")
    assert [n for e, n in law if e == "conferral"] == [
        "conferral/khai-thac-cat", "conferral/phe-duyet-quy-hoach", "conferral/bien-quang-cao",
        "conferral/cap-phep-xay-dung", "conferral/dang-ky-dat-dai",
        "conferral/cong-nhan-tieu-chuan", "conferral/quan-ly-cho"]
    assert {n for e, n in law if e == "procedure"} == {
        "procedure/1.999001", "procedure/1.999002", "procedure/1.999003", "procedure/2.999004"}
    # a provision on its own: only what cites it or its parts
    assert rows(kb, "document-effects", {"document": F + "doc/999-2019-qh14/dieu-12/khoan-1"},
                "effect", "node") == [("conferral", "conferral/dang-ky-dat-dai"),
                                      ("procedure", "procedure/1.999003"),
                                      ("procedure", "procedure/2.999004")]
    plan = rows(kb, "document-effects", {"document": F + "doc/kh-ubnd-99-2024-03-01"},
                "effect", "node", "to")
    assert plan == [("task", "task/kiem-tra-phan-cap", "agency/thanh-tra-99"),
                    ("task", "task/ra-soat-tham-quyen", "agency/so-noi-vu-99"),
                    ("task", "task/bao-cao-phan-cap", "role/ubnd-cap-huyen")]


def test_reorganization_lineage_both_directions(kb):
    assert rows(kb, "reorganization-lineage", {"node": F + "unit/991"},
                "direction", "predecessor", "successor", "effectiveDate") == [
        ("predecessor", "unit/990", "unit/991", "2020-01-01"),
        ("predecessor", "unit/993", "unit/991", "2024-01-01")]
    middle = rows(kb, "reorganization-lineage",
                  {"node": F + "agency/so-ke-hoach-dau-tu-va-tai-chinh-99"},
                  "direction", "predecessor", "successor")
    assert middle == [
        ("predecessor", "agency/so-ke-hoach-va-dau-tu-99",
         "agency/so-ke-hoach-dau-tu-va-tai-chinh-99"),
        ("successor", "agency/so-ke-hoach-dau-tu-va-tai-chinh-99", "agency/so-tai-chinh-99")]
    assert rows(kb, "reorganization-lineage", {"node": F + "agency/so-ke-hoach-va-dau-tu-99"},
                "direction", "successor") == [
        ("successor", "agency/so-ke-hoach-dau-tu-va-tai-chinh-99"),
        ("successor", "agency/so-tai-chinh-99")]


# ---------------------------------------------------------------- parameters

def test_parameters_are_checked_and_typed(kb):
    query = get("delegations-ending-soon")
    with pytest.raises(InputError, match="at"):
        bindings_for(query, {})
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        bindings_for(query, {"at": "01/06/2024"})
    with pytest.raises(InputError):
        bindings_for(query, {"at": "2024-02-30"})
    with pytest.raises(InputError):
        bindings_for(query, {"at": "2024-06-01", "days": "ba mươi"})
    with pytest.raises(InputError, match="unit"):
        bindings_for(query, {"at": "2024-06-01", "unit": "x"})
    bound = bindings_for(query, {"at": "2024-06-01"})
    assert bound["_days"] == rdflib.Literal(90)
    assert bound["_at"].datatype == rdflib.URIRef("http://www.w3.org/2001/XMLSchema#date")
    who = get("who-holds")
    assert bindings_for(who, {"power": "id:power/x", "at": "2024-06-01"})["_power"] == \
        rdflib.URIRef("https://w3id.org/thamquyen/id/power/x")
    with pytest.raises(InputError):  # a name needs the knowledge base to be looked up
        bindings_for(who, {"power": "khai thac cat", "at": "2024-06-01"})
    with pytest.raises(InputError) as ambiguous:
        bindings_for(who, {"power": "thu nghiem", "at": "2024-06-01"}, kb)
    assert "Quản lý chợ thử nghiệm" in ambiguous.value.vi


@pytest.mark.parametrize("value", [
    'https://example.org/x> } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o',
    'https://example.org/"x"',
    'https://example.org/a b',
    "tq:x>y",
    "<https://example.org/x>",
])
def test_an_iri_parameter_cannot_inject_sparql(kb, value):
    with pytest.raises(InputError):
        run_named(kb.store, "who-holds", {"power": value, "at": "2024-06-01"})


@pytest.mark.parametrize("value", ['2024-06-01"^^<x> } SELECT * {', "2024-06-01> ", '"2024-06-01"'])
def test_a_date_parameter_cannot_inject_sparql(kb, value):
    with pytest.raises(InputError):
        run_named(kb.store, "powers-without-holder", {"at": value})


@pytest.mark.parametrize("text", [
    'x" ) } SELECT ?label WHERE { ?s ?p ?label } #',
    "Ủy ban nhân dân xã An Phú' > <x>",
    'a\\" . } #',
])
def test_a_string_parameter_is_a_literal_not_sparql(kb, text):
    query = parse_query("label-lookup", (
        "#+ summary:\n#+   vi: tìm theo nhãn\n#+   en: find by label\n#+ question: tìm\n"
        "#+ params:\n#+   - name: text\n#+     type: string\n#+     required: true\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?node WHERE { ?node skos:prefLabel ?label FILTER(STR(?label) = ?_text) }\n"))
    assert run_named(kb.store, query, {"text": text}) == (["node"], [])
    assert run_named(kb.store, query, {"text": "Xã An Phú"})[1] == [
        {"node": rdflib.URIRef(F + "unit/99101")}]


# ---------------------------------------------------------------- thamquyen query

def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_query_json(home, capsys):
    code, out, _ = run_cli(capsys, "query", "who-holds", "--param", f"power={F}power/quan-ly-cho",
                           "--param", "at=2024-01-01", "-p", "in=xa an phu", "--format", "json",
                           str(FIXTURES))
    assert code == 0
    doc = json.loads(out)
    assert doc["query"] == "who-holds" and doc["variables"][0] == "holder"
    assert [r["holder"] for r in doc["rows"]] == [F + "agency/ubnd-991"]
    assert doc["rows"][0]["delegations"] == 0 and doc["rows"][0]["steps"] == 2


def test_cli_query_csv_and_table(home, capsys):
    code, out, _ = run_cli(capsys, "query", "reorganization-lineage", "--param",
                           f"node={F}unit/991", "--format", "csv", str(FIXTURES))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("direction,effectiveDate,reorganization,predecessor")
    assert len(lines) == 3
    code, out, _ = run_cli(capsys, "query", "procedures-by-level-and-sector", "-p",
                           "level=tq:CommuneLevel", str(FIXTURES))
    assert code == 0 and "1.999003" in out and "(1 dòng)" in out


def test_cli_query_no_rows_is_success(home, capsys):
    code, out, _ = run_cli(capsys, "query", "delegations-ending-soon", "-p", "at=2030-01-01",
                           "--format", "json", str(FIXTURES))
    assert code == 0 and json.loads(out)["rows"] == []


@pytest.mark.parametrize("args, words", [
    (["query", "khong-co"], ["who-holds", "powers-of-authority"]),
    (["query", "who-holds", "-p", "at=2024-06-01"], ["power"]),
    (["query", "who-holds", "-p", "power=khai thac cat", "-p", "at=1/6/2024"], ["at"]),
    (["query", "who-holds", "-p", "power=khai thac cat", "-p", "at=2024-06-01", "-p", "x=1"],
     ["x"]),
    (["query", "who-holds", "-p", "power"], ["power"]),
])
def test_cli_query_bad_input_exits_2(home, capsys, args, words):
    code, _, err = run_cli(capsys, *args, str(FIXTURES))
    assert code == 2
    for word in words:
        assert word in err


def test_cli_query_without_a_name_exits_2(home, capsys):
    code, _, err = run_cli(capsys, "query")
    assert code == 2 and "--list" in err


def test_cli_query_list(home, capsys):
    code, out, _ = run_cli(capsys, "query", "--list")
    assert code == 0
    for name in REQUIRED:
        assert name in out
    code, out, _ = run_cli(capsys, "query", "--list", "--format", "json")
    assert {q["name"] for q in json.loads(out)} >= REQUIRED


# ---------------------------------------------------------------- who-holds without LATERAL

SIMPLE_SAMPLE = 60  # of the ~3,500 fixture combinations (all of them: tests/fixtures, ~10 min)


def who_holds_sample(kb, size: int = SIMPLE_SAMPLE) -> list[tuple[str, str | None, str]]:
    """The named who-holds examples and a seeded sample of every fixture combination."""
    import random

    from test_engine import fixture_combos

    named = [(F + "power/dang-ky-dat-dai", F + "unit/99101", "2024-06-01"),
             (F + "power/quan-ly-ben-do", None, "2024-06-01"),
             (F + "power/tham-dinh-du-an", F + "unit/99201", "2023-07-01"),
             (F + "power/bien-quang-cao", F + "unit/99201", "2024-06-01"),
             (F + "power/khai-thac-cat", F + "unit/99201", "2021-12-31")]
    return named + random.Random(15).sample(fixture_combos(kb), size)


def simple_differences(store, kb, name: str = "who-holds-simple",
                       size: int = SIMPLE_SAMPLE) -> list[tuple]:
    """The sample questions whose rows (holder, chain) differ from the engine's answer."""
    from test_engine import engine_chains

    differences = []
    for power, unit, day in who_holds_sample(kb, size):
        params = {"power": power, "at": day, **({"in": unit} if unit else {})}
        found = {(str(r["holder"]), str(r["chain"])) for r in run_named(store, name, params, kb)[1]}
        if found != engine_chains(kb, power, unit, day):
            differences.append((power, unit, day, found))
    return differences


def test_who_holds_simple_agrees_with_the_engine(kb):
    assert get("who-holds").without_lateral == "who-holds-simple"
    assert get("who-holds-simple").inline
    assert not simple_differences(kb.store, kb)


def test_inline_parameters_are_escaped_terms_and_a_missing_one_names_nothing():
    from thamquyen.catalog import inline_text

    text = inline_text(get("who-holds-simple"), {
        "_power": rdflib.URIRef(F + "power/x"), "_at": rdflib.Literal("2024-06-01",
                                                                      datatype=rdflib.XSD.date)})
    assert "?_" not in text and f"<{F}power/x>" in text and "<urn:x-thamquyen:none>" in text
    with pytest.raises(InputError):
        inline_text(get("who-holds-simple"), {"_power": rdflib.URIRef("x:a> } DROP ALL {")})
