"""The words of an answer (thamquyen.answers): citations in Vietnamese order, dates, chains."""

from __future__ import annotations

import datetime as dt

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
