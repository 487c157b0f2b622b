"""Who holds the justice, inspection, business-registration and sanctioning powers on the
shipped data (issue 13): a few dates per power, before and after each change of law (Luật
67/2020/QH14 from 01/01/2022; the two-tier local government and Nghị định 120, 168, 189/2025 from
01/07/2025; Nghị định 280/2025 from 01/11/2025), in a Trà Vinh district and commune, a Vĩnh Long
commune and ward, and a ward of Hà Nội (a province named in no data file).
"""

from __future__ import annotations

from datetime import date

import pytest

ID = "https://w3id.org/thamquyen/id/"

# power, unit, day, the holder, a fragment of its legal basis
HOLDER_CASES = [
    # administrative sanctions (Điều 38 Luật 15/2012/QH13, as amended in 2020; NĐ 189/2025 Điều 5)
    ("phat-tien-den-10-phan-tram-khong-qua-5-trieu", "29431", "2020-01-01",
     "post/chu-tich-ubnd-29431", "doc/15-2012-qh13/dieu-38/khoan-1/diem-b"),
    ("phat-tien-den-10-phan-tram-khong-qua-5-trieu", "29431", "2024-05-01",
     "post/chu-tich-ubnd-29431", "doc/15-2012-qh13/dieu-38/khoan-1/diem-b"),
    ("phat-tien-den-50-phan-tram-muc-tien-phat-toi-da", "29431-2025", "2025-09-01",
     "post/chu-tich-ubnd-29431-2025", "doc/189-2025-nd-cp/dieu-5/khoan-1/diem-b"),
    ("tich-thu-tang-vat-phuong-tien-chu-tich-ubnd-cap-xa", "29431", "2021-06-01",
     "post/chu-tich-ubnd-29431", "doc/15-2012-qh13/dieu-38/khoan-1/diem-c"),
    ("tich-thu-tang-vat-phuong-tien-chu-tich-ubnd-cap-xa", "29431", "2023-03-01",
     "post/chu-tich-ubnd-29431", "doc/15-2012-qh13/dieu-38/khoan-1/diem-c-sua-doi-2020"),
    ("tich-thu-tang-vat-phuong-tien-chu-tich-ubnd-cap-xa", "00004-2025", "2026-01-15",
     "post/chu-tich-ubnd-00004-2025", "doc/189-2025-nd-cp/dieu-5/khoan-1/diem-d"),
    ("tich-thu-tang-vat-phuong-tien-chu-tich-ubnd-cap-huyen", "845", "2024-05-01",
     "post/chu-tich-ubnd-845", "doc/15-2012-qh13/dieu-38/khoan-2/diem-d-sua-doi-2020"),
    # the district fine cap: 50 million in 2012, 100 million from 01/01/2022 (điểm b khoản 73 Luật 67/2020)
    ("phat-tien-den-50-phan-tram-khong-qua-50-trieu", "845", "2021-12-31",
     "post/chu-tich-ubnd-845", "doc/15-2012-qh13/dieu-38/khoan-2/diem-b"),
    ("phat-tien-den-50-phan-tram-khong-qua-100-trieu", "845", "2022-01-01",
     "post/chu-tich-ubnd-845", "doc/15-2012-qh13/dieu-38/khoan-2/diem-b-sua-doi-2020"),
    ("xu-phat-canh-cao-chu-tich-ubnd-cap-huyen", "845", "2022-06-15",
     "post/chu-tich-ubnd-845", "doc/15-2012-qh13/dieu-38/khoan-2/diem-a"),
    ("xu-phat-canh-cao-chu-tich-ubnd-cap-tinh", "86-2025", "2025-12-01",
     "post/chu-tich-ubnd-86-2025", "doc/189-2025-nd-cp/dieu-5/khoan-2/diem-a"),
    ("ap-dung-bien-phap-khac-phuc-hau-qua-chu-tich-ubnd-cap-huyen", "845", "2020-01-01",
     "post/chu-tich-ubnd-845", "doc/15-2012-qh13/dieu-38/khoan-2/diem-dd"),
    ("ap-dung-bien-phap-khac-phuc-hau-qua-chu-tich-ubnd-cap-xa", "29254-2025", "2025-09-01",
     "post/chu-tich-ubnd-29254-2025", "doc/189-2025-nd-cp/dieu-5/khoan-1/diem-dd"),
    # certification: the commune committee (translators: NĐ 120/2025 Điều 14; copies of foreign
    # papers: NĐ 23/2015 Điều 5 khoản 2 điểm a as amended by NĐ 07/2025), its chair from 01/11/2025
    ("chung-thuc-chu-ky-nguoi-dich", "29254-2025", "2025-09-01",
     "agency/ubnd-29254-2025", "doc/120-2025-nd-cp/dieu-14"),
    ("chung-thuc-chu-ky-nguoi-dich", "29254-2025", "2025-12-01",
     "post/chu-tich-ubnd-29254-2025", "doc/280-2025-nd-cp/dieu-1/khoan-2/diem-c"),
    ("chung-thuc-ban-sao-giay-to-do-co-quan-nuoc-ngoai-cap", "00004-2025", "2025-08-01",
     "agency/ubnd-00004-2025", "doc/07-2025-nd-cp/dieu-1/khoan-1"),
    ("chung-thuc-van-ban-phan-chia-khai-nhan-di-san-dong-san", "29431-2025", "2025-12-01",
     "post/chu-tich-ubnd-29431-2025", "doc/280-2025-nd-cp/dieu-1/khoan-2/diem-i"),
    ("chung-thuc-van-ban-phan-chia-khai-nhan-di-san-dat-dai-nha-o", "29431-2025", "2025-11-01",
     "post/chu-tich-ubnd-29431-2025", "doc/280-2025-nd-cp/dieu-1/khoan-2/diem-i"),
    # enterprise registration: the provincial office generated for every province (tools/offices.py)
    ("dang-ky-doanh-nghiep", "84", "2022-06-01",
     "agency/phong-dang-ky-kinh-doanh-84", "doc/01-2021-nd-cp/dieu-14/khoan-1"),
    ("dang-ky-doanh-nghiep", "84", "2025-04-01",
     "agency/phong-dang-ky-kinh-doanh-so-tai-chinh-84", "doc/01-2021-nd-cp/dieu-14/khoan-1"),
    # household business registration before NĐ 01/2021 (NĐ 78/2015)
    ("dang-ky-ho-kinh-doanh", "29431", "2020-06-01",
     "agency/phong-tai-chinh-ke-hoach-848", "doc/78-2015-nd-cp/dieu-13/khoan-2"),
    # denunciations and citizen reception
    ("giai-quyet-to-cao-cong-chuc-do-chu-tich-ubnd-cap-xa-quan-ly", "00004-2025", "2026-01-15",
     "post/chu-tich-ubnd-00004-2025", "doc/25-2018-qh14/dieu-13/khoan-1"),
    ("giai-quyet-to-cao-chu-tich-pho-chu-tich-ubnd-cap-xa", "845", "2024-05-01",
     "post/chu-tich-ubnd-845", "doc/25-2018-qh14/dieu-13/khoan-2/diem-a"),
    ("truc-tiep-tiep-cong-dan-tai-tru-so-ubnd-cap-xa", "29431-2025", "2025-09-01",
     "post/chu-tich-ubnd-29431-2025", "doc/42-2013-qh13/dieu-15/khoan-2/diem-d"),
    ("ban-hanh-noi-quy-tiep-cong-dan-cap-xa", "29431", "2020-01-01",
     "post/chu-tich-ubnd-29431", "doc/42-2013-qh13/dieu-15/khoan-2/diem-a"),
    ("bao-cao-cong-tac-tiep-cong-dan-cap-xa", "00004-2025", "2026-01-15",
     "post/chu-tich-ubnd-00004-2025", "doc/42-2013-qh13/dieu-15/khoan-2/diem-e"),
    # second complaints against an office under a department: each Giám đốc sở
    ("giai-quyet-khieu-nai-lan-hai-giam-doc-so", "84", "2022-06-01",
     "post/giam-doc-so-tu-phap-84", "doc/02-2011-qh13/dieu-20/khoan-2"),
    ("giai-quyet-khieu-nai-lan-hai-giam-doc-so", "86-2025", "2025-12-01",
     "post/giam-doc-so-tu-phap-86-2025", "doc/02-2011-qh13/dieu-20/khoan-2"),
    # children found abandoned (NĐ 123/2015 Điều 14 khoản 1)
    ("giao-tre-bi-bo-roi-cho-nguoi-tam-thoi-nuoi-duong", "29431", "2020-01-01",
     "agency/ubnd-29431", "doc/123-2015-nd-cp/dieu-14/khoan-1"),
    ("lap-bien-ban-ve-viec-tre-bi-bo-roi", "29254-2025", "2025-09-01",
     "post/chu-tich-ubnd-29254-2025", "doc/123-2015-nd-cp/dieu-14/khoan-1"),
]  # fmt: skip

# power, unit, day, the explanation expected when no holder is found
EXPLAINED_CASES = [
    # the district Phòng Tư pháp ended with the district level (its communes hold the power)
    ("chung-thuc-chu-ky-nguoi-dich", "845", "2025-07-01", "level-abolished"),
]


@pytest.fixture(scope="module")
def kb(shipped_kb):
    """The shipped data on the persistent embedded store (conftest's `shipped_kb`)."""
    return shipped_kb


def _ask(kb, power: str, unit: str, day: str) -> dict:
    """The engine's answer for one power, unit and day."""
    return kb.engine.who_holds(f"{ID}power/{power}", f"{ID}unit/{unit}", date.fromisoformat(day))


@pytest.mark.parametrize(("power", "unit", "day", "holder", "basis"), HOLDER_CASES)
def test_holder_and_basis(kb, power: str, unit: str, day: str, holder: str, basis: str) -> None:
    answer = _ask(kb, power, unit, day)
    found = {h["authority"]: h for h in answer["holders"]}
    assert f"{ID}{holder}" in found, answer
    bases = {step["basis"] for step in found[f"{ID}{holder}"]["chain"] if step["step"] == "conferral"}
    assert bases == {f"{ID}{basis}"}, found


@pytest.mark.parametrize(("power", "unit", "day", "code"), EXPLAINED_CASES)
def test_explained_when_no_holder(kb, power: str, unit: str, day: str, code: str) -> None:
    answer = _ask(kb, power, unit, day)
    assert not answer["holders"], answer
    assert code in {e.get("code") for e in answer["explanations"]}, answer


def test_district_complaint_power_ends_with_the_district_level(kb) -> None:
    """Khiếu nại lần hai of the district chair: held on 30/06/2025, not on 01/07/2025."""
    before = _ask(kb, "giai-quyet-khieu-nai-lan-hai-cap-huyen", "845", "2025-06-30")
    after = _ask(kb, "giai-quyet-khieu-nai-lan-hai-cap-huyen", "845", "2025-07-01")
    assert [h["authority"] for h in before["holders"]] == [f"{ID}post/chu-tich-ubnd-845"], before
    assert not after["holders"], after


def test_district_fine_cap_of_2012_ends_when_the_2020_amendment_starts(kb) -> None:
    """The 50-million cap (Điều 38 khoản 2 điểm b, 2012) is not held from 01/01/2022."""
    before = _ask(kb, "phat-tien-den-50-phan-tram-khong-qua-50-trieu", "845", "2021-12-31")
    after = _ask(kb, "phat-tien-den-50-phan-tram-khong-qua-50-trieu", "845", "2022-01-01")
    assert [h["authority"] for h in before["holders"]] == [f"{ID}post/chu-tich-ubnd-845"], before
    assert not after["holders"], after
