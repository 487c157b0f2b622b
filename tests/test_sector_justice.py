"""Who holds the justice, inspection, business-registration and sanctioning powers on the
shipped data (issue 13): a few dates per power, before and after each change of law (Luật
67/2020/QH14 from 01/01/2022; the two-tier local government and Nghị định 120, 168, 189/2025 from
01/07/2025; Nghị định 280/2025 from 01/11/2025), in a Trà Vinh district and commune, a Vĩnh Long
commune and ward, and a ward of Hà Nội (a province named in no data file).
"""

from __future__ import annotations

import pytest
from sectors import ID, ask, assert_holds, conferral_bases

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
     "agency/ubnd-00004-2025", "doc/23-2015-nd-cp/dieu-5/khoan-2/diem-a-sua-doi-2025"),
    # copies of Vietnamese papers: the 2015 wording of điểm a until 08/01/2025, then the wording
    # of NĐ 07/2025 Điều 1 khoản 1 (the commune in both; the district Phòng Tư pháp until 30/6/2025)
    ("chung-thuc-ban-sao-giay-to-do-co-quan-viet-nam-cap", "29431", "2024-06-01",
     "agency/ubnd-29431", "doc/23-2015-nd-cp/dieu-5/khoan-2/diem-a"),
    ("chung-thuc-ban-sao-giay-to-do-co-quan-viet-nam-cap", "29431", "2025-01-08",
     "agency/ubnd-29431", "doc/23-2015-nd-cp/dieu-5/khoan-2/diem-a"),
    ("chung-thuc-ban-sao-giay-to-do-co-quan-viet-nam-cap", "29431", "2025-01-09",
     "agency/ubnd-29431", "doc/23-2015-nd-cp/dieu-5/khoan-2/diem-a-sua-doi-2025"),
    ("chung-thuc-ban-sao-giay-to-do-co-quan-viet-nam-cap", "29431", "2025-03-01",
     "agency/ubnd-29431", "doc/23-2015-nd-cp/dieu-5/khoan-2/diem-a-sua-doi-2025"),
    ("chung-thuc-ban-sao-giay-to-do-co-quan-viet-nam-cap", "29431", "2025-03-01",
     "agency/phong-tu-phap-848", "doc/23-2015-nd-cp/dieu-5/khoan-1/diem-a"),
    ("chung-thuc-ban-sao-giay-to-do-co-quan-viet-nam-cap", "29254-2025", "2025-09-01",
     "agency/ubnd-29254-2025", "doc/23-2015-nd-cp/dieu-5/khoan-2/diem-a-sua-doi-2025"),
    # amending and correcting a certified contract: "tại cơ quan đã chứng thực" (NĐ 23/2015 Điều
    # 38, 39) — the district office and the commune until 30/6/2025; the commune (NĐ 120/2025 Điều 14)
    ("chung-thuc-sua-doi-bo-sung-huy-bo-hop-dong-giao-dich", "29431", "2020-06-01",
     "agency/phong-tu-phap-848", "doc/23-2015-nd-cp/dieu-38/khoan-2"),
    ("chung-thuc-sua-doi-bo-sung-huy-bo-hop-dong-giao-dich", "29431", "2020-06-01",
     "agency/ubnd-29431", "doc/23-2015-nd-cp/dieu-38/khoan-2"),
    ("sua-loi-sai-sot-trong-hop-dong-giao-dich-da-duoc-chung-thuc", "29431", "2025-06-30",
     "agency/ubnd-29431", "doc/23-2015-nd-cp/dieu-39/khoan-1"),
    ("sua-loi-sai-sot-trong-hop-dong-giao-dich-da-duoc-chung-thuc", "29254-2025", "2025-09-01",
     "agency/ubnd-29254-2025", "doc/120-2025-nd-cp/dieu-14"),
    ("chung-thuc-van-ban-phan-chia-khai-nhan-di-san-dong-san", "29431-2025", "2025-12-01",
     "post/chu-tich-ubnd-29431-2025", "doc/280-2025-nd-cp/dieu-1/khoan-2/diem-i"),
    ("chung-thuc-van-ban-phan-chia-khai-nhan-di-san-dat-dai-nha-o", "29431-2025", "2025-11-01",
     "post/chu-tich-ubnd-29431-2025", "doc/280-2025-nd-cp/dieu-1/khoan-2/diem-i"),
    # enterprise registration: the provincial office generated for every province (tools/offices.py)
    ("dang-ky-doanh-nghiep", "84", "2022-06-01",
     "agency/phong-dang-ky-kinh-doanh-84", "doc/01-2021-nd-cp/dieu-15/khoan-1"),
    ("dang-ky-doanh-nghiep", "84", "2025-04-01",
     "agency/phong-dang-ky-kinh-doanh-so-tai-chinh-84", "doc/01-2021-nd-cp/dieu-15/khoan-1"),
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
    ("chung-thuc-sua-doi-bo-sung-huy-bo-hop-dong-giao-dich", "845", "2025-07-01", "level-abolished"),
]


@pytest.mark.parametrize(("power", "unit", "day", "holder", "basis"), HOLDER_CASES)
def test_holder_and_basis(shipped_kb, power: str, unit: str, day: str, holder: str, basis: str) -> None:
    answer = ask(shipped_kb, power, f"unit/{unit}", day)
    assert conferral_bases(answer, holder) == {basis}, answer


@pytest.mark.parametrize(("power", "unit", "day", "code"), EXPLAINED_CASES)
def test_explained_when_no_holder(shipped_kb, power: str, unit: str, day: str, code: str) -> None:
    assert_holds(shipped_kb, power, f"unit/{unit}", day, code)


def test_district_complaint_power_ends_with_the_district_level(shipped_kb) -> None:
    """Khiếu nại lần hai of the district chair: held on 30/06/2025, not on 01/07/2025."""
    before = ask(shipped_kb, "giai-quyet-khieu-nai-lan-hai-cap-huyen", "unit/845", "2025-06-30")
    after = ask(shipped_kb, "giai-quyet-khieu-nai-lan-hai-cap-huyen", "unit/845", "2025-07-01")
    assert [h["authority"] for h in before["holders"]] == [f"{ID}post/chu-tich-ubnd-845"], before
    assert not after["holders"], after


def test_district_fine_cap_of_2012_ends_when_the_2020_amendment_starts(shipped_kb) -> None:
    """The 50-million cap (Điều 38 khoản 2 điểm b, 2012) is not held from 01/01/2022."""
    before = ask(shipped_kb, "phat-tien-den-50-phan-tram-khong-qua-50-trieu", "unit/845", "2021-12-31")
    after = ask(shipped_kb, "phat-tien-den-50-phan-tram-khong-qua-50-trieu", "unit/845", "2022-01-01")
    assert [h["authority"] for h in before["holders"]] == [f"{ID}post/chu-tich-ubnd-845"], before
    assert not after["holders"], after


def _wording(shipped_kb, provision: str) -> tuple[str, str | None, str | None]:
    """The Vietnamese text of a provision and its validity bounds (ISO dates or None)."""
    rows = shipped_kb.store.select(f"""
        PREFIX tq: <https://w3id.org/thamquyen/ontology#>
        SELECT ?text ?from ?until WHERE {{
          <{ID}{provision}> tq:text ?text FILTER(lang(?text) = "vi")
          OPTIONAL {{ <{ID}{provision}> tq:validFrom ?from }}
          OPTIONAL {{ <{ID}{provision}> tq:validUntil ?until }} }}""")
    assert len(rows) == 1, rows
    bound = [rows[0].get(k) for k in ("from", "until")]
    return str(rows[0]["text"]), *(str(b) if b is not None else None for b in bound)


def test_commune_copy_power_cites_the_wording_in_force(shipped_kb) -> None:
    """NĐ 07/2025 Điều 1 khoản 1 rewrote NĐ 23/2015 Điều 5 khoản 2 điểm a from 09/01/2025: each
    wording carries its validity, and the answer on each side of the change cites the one then in
    force — the 2015 wording names only Vietnamese bodies, the amended one foreign bodies too."""
    old = _wording(shipped_kb, "doc/23-2015-nd-cp/dieu-5/khoan-2/diem-a")
    new = _wording(shipped_kb, "doc/23-2015-nd-cp/dieu-5/khoan-2/diem-a-sua-doi-2025")
    assert (old[2], new[1]) == ("2025-01-08", "2025-01-09")
    assert "nước ngoài" not in old[0] and "nước ngoài" in new[0]
    for day, wording in (("2024-06-01", "diem-a"), ("2025-03-01", "diem-a-sua-doi-2025")):
        answer = ask(shipped_kb, "chung-thuc-ban-sao-giay-to-do-co-quan-viet-nam-cap",
                     "unit/29431", day)
        bases = conferral_bases(answer, "agency/ubnd-29431")
        assert bases == {f"doc/23-2015-nd-cp/dieu-5/khoan-2/{wording}"}, answer
