"""The words of an answer (thamquyen.answers): citations in Vietnamese order, dates, chains."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from thamquyen.answers import describe_chain, parse_date, vietnamese_order, vn_date
from thamquyen.rdfio import InputError


@pytest.mark.parametrize("label, iri, doc_type, number, cited", [
    ("Điều 14 khoản 2 điểm a Luật Tổ chức chính quyền địa phương 2025", "", "Luật",
     "72/2025/QH15", "điểm a khoản 2 Điều 14 Luật số 72/2025/QH15"),
    ("Điều 14 khoản 1 Luật Tổ chức chính quyền địa phương 2025", "", "Luật", "72/2025/QH15",
     "khoản 1 Điều 14 Luật số 72/2025/QH15"),
    ("Điều 1 khoản 37 Luật 62/2020/QH14", "", None, None, "khoản 37 Điều 1 Luật 62/2020/QH14"),
    ("Khoản 3 Điều 103 Luật Xây dựng 2014", "", None, None, "khoản 3 Điều 103 Luật Xây dựng 2014"),
    ("Điều 5 khoản 1 điểm b Nghị định 151/2025/NĐ-CP", "", "nghị định", "151/2025/NĐ-CP",
     "điểm b khoản 1 Điều 5 Nghị định số 151/2025/NĐ-CP"),
    ("Điều 5 khoản 2 điểm a Nghị định 23/2015/NĐ-CP (sửa đổi năm 2025)", "", "Nghị định",
     "23/2015/NĐ-CP", "điểm a khoản 2 Điều 5 Nghị định số 23/2015/NĐ-CP (sửa đổi năm 2025)"),
    ("Quy định mẫu", "https://example.org/doc/1/dieu-5/khoan-2", None, None,
     "khoản 2 Điều 5 Quy định mẫu"),
    ("Luật Tổ chức chính quyền địa phương 2025", "", "Luật", "72/2025/QH15",
     "Luật Tổ chức chính quyền địa phương 2025 (số 72/2025/QH15)"),
    ("Nghị quyết 1687/NQ-UBTVQH15", "", "Nghị quyết", "1687/NQ-UBTVQH15",
     "Nghị quyết 1687/NQ-UBTVQH15"),
    ("Ủy ban nhân dân huyện Cầu Kè", "", None, None, "Ủy ban nhân dân huyện Cầu Kè"),
])
def test_citations_put_the_smallest_part_first(label, iri, doc_type, number, cited):
    assert vietnamese_order(label, iri, doc_type, number) == cited


def test_dates():
    assert vn_date("2025-07-01") == "01/07/2025" and vn_date(None) == "…"
    assert parse_date("2025-09-01") == dt.date(2025, 9, 1)
    assert parse_date(None) == dt.date.today()
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        parse_date("01/09/2025")


def test_chain_sentence_last_step_first():
    chain = [{"step": "conferral", "from": None, "to": "A", "basis": "B", "validFrom": "2020-01-01",
              "validUntil": None},
             {"step": "authorization", "from": "A", "to": "C", "basis": "D",
              "validFrom": "2024-01-01", "validUntil": "2024-12-31"}]
    names = {"A": "UBND tỉnh", "B": "khoản 1 Điều 2 Luật", "C": "Sở Tư pháp", "D": "Quyết định 1"}
    text = describe_chain(chain, lambda i: names.get(i, "—"))
    assert text == ("được ủy quyền theo Quyết định 1 (01/01/2024 – 31/12/2024); bên ủy quyền "
                    "(chịu trách nhiệm về kết quả): UBND tỉnh; thẩm quyền gốc: UBND tỉnh, "
                    "khoản 1 Điều 2 Luật (01/01/2020 – …)")
    assert describe_chain(chain, lambda i: names.get(i, "—"), "en").startswith(
        "authorized (ủy quyền) by Quyết định 1")


# ---------------------------------------------------------------- explanations of an empty answer
# On tests/fixtures/engine + engine-v2 + explain (see explain/README.md): each code with its
# vi/en words and its refs, as the CLI, the JSON API and the pages show them (one list).

FIXTURES = Path(__file__).resolve().parent / "fixtures"
F = "https://example.org/thamquyen-fixture/"
DISTRICT_LEVEL = "https://w3id.org/thamquyen/ontology#DistrictLevel"
LAW_72 = "https://w3id.org/thamquyen/id/doc/72-2025-qh15"


@pytest.fixture(scope="module")
def kb3(fixture_home):
    """The engine fixtures, version 2 and the explanation cases, in memory."""
    from thamquyen.kb import open_kb

    return open_kb([FIXTURES / "engine", FIXTURES / "engine-v2", FIXTURES / "explain"],
                   persistent=False)


def why(kb, power: str, unit: str | None, day: str) -> dict[str, dict]:
    """code → explanation of an answer with no holder; each has vi and en words, no IRI."""
    doc = kb.engine.who_holds(F + power, F + unit if unit else None, dt.date.fromisoformat(day))
    assert doc["holders"] == [], doc
    found = {e["code"]: e for e in doc["explanations"]}
    assert len(found) == len(doc["explanations"]) and found, doc["explanations"]
    for item in found.values():
        assert set(item) == {"code", "vi", "en", "refs"}
        assert item["vi"] and item["en"] and "https://" not in item["vi"] + item["en"], item
    return found


@pytest.mark.parametrize("unit", ["unit/97010", "unit/97", None])
def test_a_district_holder_that_ended_with_its_level(kb3, unit):
    """Given to the Chủ tịch UBND cấp huyện until 30/06/2025: after it, at a commune, a
    province or anywhere, the level ended — not a gap in the data."""
    found = why(kb3, "power/ex-khieu-nai-lan-hai", unit, "2025-09-01")
    assert set(found) == {"level-abolished"}
    item = found["level-abolished"]
    assert item["refs"] == [DISTRICT_LEVEL, LAW_72, F + "conferral/ex-khieu-nai-lan-hai",
                            F + "doc/999-2019-qh14/dieu-30"]
    assert "Từ ngày 01/07/2025 không còn cấp huyện" in item["vi"]
    assert ("được giao cho Chủ tịch Ủy ban nhân dân cấp huyện theo Điều 30 Luật số "
            "999/2019/QH14 đến hết ngày 30/06/2025") in item["vi"]
    assert "until 30/06/2025, when that level ended" in item["en"]


def test_a_district_post_that_ended_with_its_level(kb3):
    found = why(kb3, "power/ex-quyet-dinh-chu-tich-huyen-cu", "unit/97010", "2025-07-01")
    assert set(found) == {"level-abolished"}
    assert F + "conferral/ex-quyet-dinh-chu-tich-huyen-cu" in found["level-abolished"]["refs"]
    assert "Chủ tịch Ủy ban nhân dân huyện Cũ" in found["level-abolished"]["vi"]


def test_the_district_itself_names_its_communes_and_the_ended_conferral(kb3):
    found = why(kb3, "power/ex-khieu-nai-lan-hai", "unit/970", "2025-09-01")
    assert set(found) == {"level-abolished"}
    item = found["level-abolished"]
    assert item["refs"] == [DISTRICT_LEVEL, LAW_72, F + "unit/97010",
                            F + "conferral/ex-khieu-nai-lan-hai", F + "doc/999-2019-qh14/dieu-30"]
    assert "Xã Hợp Nhất" in item["vi"] and "Chủ tịch Ủy ban nhân dân cấp huyện" in item["vi"]
    # before the end the district's chair holds it: no explanation at all
    doc = kb3.engine.who_holds(F + "power/ex-khieu-nai-lan-hai", F + "unit/970",
                               dt.date(2025, 6, 30))
    assert [h["authority"] for h in doc["holders"]] == [F + "post/chu-tich-ubnd-970"]
    assert doc["explanations"] == []


def test_a_conferral_still_in_force_to_an_ended_level(kb3):
    found = why(kb3, "power/ex-van-giao-cho-cap-huyen", "unit/97010", "2025-09-01")
    assert set(found) == {"level-abolished"}
    assert "Không còn ai ở cấp đó giữ nó" in found["level-abolished"]["vi"]
    assert F + "conferral/ex-van-giao-cho-cap-huyen" in found["level-abolished"]["refs"]


def test_power_no_longer_in_force_names_its_text_and_what_replaced_it(kb3):
    found = why(kb3, "power/ex-het-hieu-luc", "unit/99101", "2023-06-01")
    assert set(found) == {"power-no-longer-in-force"}
    item = found["power-no-longer-in-force"]
    assert item["refs"] == [F + "power/ex-het-hieu-luc", F + "conferral/ex-het-hieu-luc",
                            F + "doc/9980-2018-nd-cp/dieu-4", F + "doc/9980-2018-nd-cp",
                            F + "doc/9981-2022-nd-cp"]
    assert item["vi"].startswith("Thẩm quyền này không còn được giao từ ngày 01/01/2023")
    assert "Điều 4 Nghị định số 9980/2018/NĐ-CP" in item["vi"]
    assert "được thay thế bởi Nghị định Thử nghiệm mới (số 9981/2022/NĐ-CP) từ ngày 01/01/2023" \
        in item["vi"]
    assert "replaced by" in item["en"] and "check" in item["en"]
    # while the decree is in force its commune holds it
    assert kb3.engine.who_holds(F + "power/ex-het-hieu-luc", F + "unit/99101",
                                dt.date(2022, 12, 31))["holders"]


def test_a_conferral_ended_without_a_reason_in_the_data_is_a_gap(kb3):
    """Ended, then given again: the days between are a gap in our data, not a new power."""
    found = why(kb3, "power/ex-khoang-trong", "unit/99101", "2022-06-01")
    assert set(found) == {"no-conferral-in-data"}
    item = found["no-conferral-in-data"]
    assert "31/12/2021" in item["vi"] and "từ ngày 01/01/2023" in item["vi"]
    assert "không có nghĩa là pháp luật không giao" in item["vi"]
    assert item["refs"] == [F + "power/ex-khoang-trong", F + "conferral/ex-khoang-trong-1",
                            F + "doc/999-2019-qh14/dieu-31"]


def test_the_cli_prints_the_same_explanations(kb3, capsys):
    from thamquyen import cli

    code = cli.main(["who-holds", F + "power/ex-het-hieu-luc", "--in", "Xã An Phú", "--at",
                     "2023-06-01", "--format", "json", *(str(FIXTURES / d) for d in (
                         "engine", "engine-v2", "explain"))])
    out = capsys.readouterr().out
    assert code == 3, out
    assert json.loads(out)["explanations"] == kb3.engine.who_holds(
        F + "power/ex-het-hieu-luc", F + "unit/99101", dt.date(2023, 6, 1))["explanations"]


def test_a_unit_without_a_reorganization_of_its_own_points_through_its_committee(kb3):
    """A province kept as it was, with a new IRI from 2025 (as data/units writes them)."""
    found = why(kb3, "power/ex-khoang-trong", "unit/96", "2025-09-01")
    item = found["unit-not-in-force"]
    assert item["refs"] == [F + "unit/96", F + "agency/ubnd-96", F + "agency/ubnd-96-2025",
                            F + "unit/96-2025", F + "doc/9970-nq-ubtvqh15-2025"]
    assert ("Ủy ban nhân dân tỉnh Giữ Nguyên được kế tục bởi Ủy ban nhân dân tỉnh Giữ Nguyên "
            "(từ 2025) theo Nghị quyết sắp xếp") in item["vi"] and "9970/NQ-UBTVQH15" in item["vi"]
    assert item["vi"].endswith("hãy hỏi về Tỉnh Giữ Nguyên (từ ngày 01/07/2025).")
    assert item["en"].endswith("ask about Tỉnh Giữ Nguyên (from 01/07/2025).")
