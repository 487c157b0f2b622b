"""Who-holds answers on the shipped data before the current law (issue 13): questions since 2020
whose holder is a body the earlier text names, generated for every province by
tools/offices.py — Sở Văn hóa, Thể thao và Du lịch (karaoke licences, NĐ 54/2019/NĐ-CP, until
11/11/2024), the district Phòng Tư pháp (chứng thực, NĐ 23/2015/NĐ-CP Điều 5 khoản 1, until
30/6/2025) and the provincial Phòng Đăng ký kinh doanh (NĐ 78/2015/NĐ-CP, NĐ 01/2021/NĐ-CP; under
Sở Kế hoạch và Đầu tư until 28/2/2025, under Sở Tài chính after).
The commune People's Committee approves a change of crop on rice land in January 2020 under NĐ
35/2015/NĐ-CP Điều 4a as amended by NĐ 62/2019/NĐ-CP. Where the earlier text was not read
(góp ý, phê bình before 1/7/2023; Land Law 2013 dispute settlement), the answer says the power
starts later.

Units: Tỉnh Vĩnh Long and its Huyện Long Hồ (the list of 2025-01-04, generic departments), Tỉnh
Trà Vinh (departments written by hand, registration office generated).
"""

from __future__ import annotations

from datetime import date

import pytest
from sectors import ID, assert_holds

VINH_LONG, LONG_HO, TRA_VINH = "unit/86", "unit/857", "unit/84"
KARAOKE = "cap-dieu-chinh-thu-hoi-giay-phep-du-dieu-kien-kinh-doanh-dich-vu-karaoke"
FOREIGN_COPY = "chung-thuc-ban-sao-giay-to-do-co-quan-nuoc-ngoai-cap"
JUSTICE, REGISTRATION_MERGED = "phong-tu-phap-857", "phong-dang-ky-kinh-doanh-so-tai-chinh"
CROP_CHANGE = "chap-thuan-chuyen-doi-co-cau-cay-trong-tren-dat-trong-lua"
COMMUNE = "unit/29578"  # a commune of Huyện Long Hồ before 1/7/2025
CRITICISM = "quyet-dinh-bien-phap-gop-y-phe-binh-nguoi-co-hanh-vi-bao-luc-gia-dinh"
CULTURED_FAMILY = "quyet-dinh-tang-danh-hieu-gia-dinh-van-hoa"
LAND_DISPUTE = "giai-quyet-tranh-chap-dat-dai-giua-ho-gia-dinh-ca-nhan-cong-dong-dan-cu"

# (power slug, unit, day, expected holder IRI tails, or an explanation code when there is none)
CASES = [
    (KARAOKE, VINH_LONG, date(2022, 6, 1), {"agency/so-van-hoa-the-thao-va-du-lich-86"}),
    (KARAOKE, LONG_HO, date(2020, 1, 1), {"agency/so-van-hoa-the-thao-va-du-lich-86"}),
    (FOREIGN_COPY, LONG_HO, date(2023, 1, 1), {f"agency/{JUSTICE}"}),
    ("chung-thuc-chu-ky-nguoi-dich", LONG_HO, date(2025, 6, 30), {f"agency/{JUSTICE}"}),
    ("chung-thuc-chu-ky-nguoi-dich", LONG_HO, date(2025, 7, 1), "level-abolished"),
    ("dang-ky-doanh-nghiep", VINH_LONG, date(2022, 6, 1), {"agency/phong-dang-ky-kinh-doanh-86"}),
    ("dang-ky-doanh-nghiep", VINH_LONG, date(2025, 4, 1), {f"agency/{REGISTRATION_MERGED}-86"}),
    ("dang-ky-doanh-nghiep", TRA_VINH, date(2020, 6, 1), {"agency/phong-dang-ky-kinh-doanh-84"}),
    ("dang-ky-doanh-nghiep", TRA_VINH, date(2025, 2, 28), {"agency/phong-dang-ky-kinh-doanh-84"}),
    ("dang-ky-doanh-nghiep", TRA_VINH, date(2025, 3, 1), {f"agency/{REGISTRATION_MERGED}-84"}),
    # Chuyển đổi cơ cấu cây trồng in January 2020: NĐ 35/2015 Điều 4a as amended by NĐ 62/2019
    # (until 31/01/2020), then NĐ 94/2019 — the commune's People's Committee either way; the
    # district sends the question to its communes.
    (CROP_CHANGE, COMMUNE, date(2020, 1, 1), {"agency/ubnd-29578"}),
    (CROP_CHANGE, COMMUNE, date(2020, 2, 1), {"agency/ubnd-29578"}),
    (CROP_CHANGE, LONG_HO, date(2020, 1, 1), "held-at-lower-level"),
    (CROP_CHANGE, COMMUNE, date(2019, 8, 31), "power-not-yet-in-force"),
    # No conferral before the current law, because the earlier text was not read (see the note in
    # luat-phong-chong-bao-luc-gia-dinh-02-2007-qh12.ttl): the answer must say the power starts
    # later, never that the data has a gap it cannot name.
    (CRITICISM, LONG_HO, date(2022, 6, 1), "power-not-yet-in-force"),
    # "Gia đình văn hóa": the commune Chairperson under NĐ 122/2018 Điều 9 khoản 5 (05/11/2018 –
    # 29/01/2024), then under NĐ 86/2023 Điều 8 khoản 1 điểm b
    (CULTURED_FAMILY, COMMUNE, date(2022, 6, 1), {"post/chu-tich-ubnd-29578"}),
    (CULTURED_FAMILY, COMMUNE, date(2024, 1, 30), {"post/chu-tich-ubnd-29578"}),
    (CULTURED_FAMILY, LONG_HO, date(2022, 6, 1), "held-at-lower-level"),
    # Land disputes before 1/8/2024: Luật Đất đai 2013 Điều 203 khoản 3 điểm a names the district
    # Chairperson (a post).
    (LAND_DISPUTE, LONG_HO, date(2024, 5, 1), {"post/chu-tich-ubnd-857"}),
]


@pytest.mark.parametrize(
    ("power", "unit", "day", "expected"),
    CASES,
    ids=[f"{p[:40]}-{u.rsplit('/', 1)[-1]}-{d}" for p, u, d, _ in CASES],
)
def test_who_holds(shipped_kb, power: str, unit: str, day: date, expected: set[str] | str) -> None:
    assert_holds(shipped_kb, power, unit, day, expected)


def test_the_generated_body_cites_the_decree_that_creates_it(shipped_kb) -> None:
    """The answer's holder is a node of the data with its legal source (no bare name)."""
    rows = shipped_kb.store.select(
        f"""PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?s WHERE {{ <{ID}agency/phong-dang-ky-kinh-doanh-86> dcterms:source ?s }}"""
    )
    sources = {str(r["s"]) for r in rows}
    assert {f"{ID}doc/78-2015-nd-cp/dieu-13/khoan-1", f"{ID}doc/01-2021-nd-cp/dieu-14/khoan-1"} <= sources


def test_the_unread_earlier_law_is_written_down_on_the_power(shipped_kb) -> None:
    """Góp ý, phê bình before 01/7/2023: the data says, in Vietnamese and English, that the earlier
    text was not read (a gap in the data, not a finding about the law) instead of a conferral."""
    rows = shipped_kb.store.select(
        f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?note WHERE {{ <{ID}power/{CRITICISM}> skos:editorialNote ?note }}"""
    )
    notes = {r["note"].language: str(r["note"]) for r in rows}
    assert set(notes) == {"vi", "en"}
    assert "02/2007/QH12" in notes["vi"] and "08/2009/NĐ-CP" in notes["vi"]
    assert "không phải kết luận về pháp luật" in notes["vi"]
