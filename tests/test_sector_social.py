"""Who holds the social, education, culture and emulation powers of issue 13 on the shipped data.

For each power a few dates before and after each change of law, in a unit of Trà Vinh before
01/7/2025 (Huyện Cầu Kè, Xã Hòa Ân), of Vĩnh Long after it (Phường Nguyệt Hóa) and of another
province (Hà Nội: Phường Phúc Xá, Quận Ba Đình, Phường Ba Đình). The holder is the post or
agency the engine resolves the conferral's role to.
"""

from __future__ import annotations

from datetime import date

import pytest
from sectors import ID, ask, holder_tails

# (power, unit, date, expected holder IRI tail, legal basis the answer must cite)
CASES = [
    # monthly social allowances: NĐ 136/2013 → NĐ 20/2021 (district Chủ tịch) → NĐ 147/2025 (commune)
    ("quyet-dinh-huong-dieu-chinh-thoi-huong-tro-cap-xa-hoi-hang-thang", "845", date(2020, 1, 1),
     "post/chu-tich-ubnd-845", "doc/136-2013-nd-cp/dieu-8/khoan-1"),
    ("quyet-dinh-huong-dieu-chinh-thoi-huong-tro-cap-xa-hoi-hang-thang", "845", date(2021, 7, 1),
     "post/chu-tich-ubnd-845", "doc/20-2021-nd-cp/dieu-8/khoan-1"),
    ("quyet-dinh-huong-dieu-chinh-thoi-huong-tro-cap-xa-hoi-hang-thang", "001", date(2025, 6, 30),
     "post/chu-tich-ubnd-001", "doc/20-2021-nd-cp/dieu-8/khoan-1"),
    ("quyet-dinh-huong-dieu-chinh-thoi-huong-tro-cap-xa-hoi-hang-thang", "29254-2025", date(2025, 7, 1),
     "post/chu-tich-ubnd-29254-2025", "doc/147-2025-nd-cp/dieu-5/khoan-1"),
    # preschools: NĐ 46/2017 → NĐ 125/2024 (district Chủ tịch) → NĐ 142/2025 (commune Chủ tịch)
    ("thanh-lap-hoac-cho-phep-thanh-lap-truong-mam-non", "845", date(2024, 11, 19),
     "post/chu-tich-ubnd-845", "doc/46-2017-nd-cp/dieu-4/khoan-1"),
    ("thanh-lap-hoac-cho-phep-thanh-lap-truong-mam-non", "845", date(2024, 11, 20),
     "post/chu-tich-ubnd-845", "doc/125-2024-nd-cp/dieu-4/khoan-1"),
    ("thanh-lap-hoac-cho-phep-thanh-lap-truong-mam-non", "29254-2025", date(2025, 7, 1),
     "post/chu-tich-ubnd-29254-2025", "doc/142-2025-nd-cp/dieu-4/khoan-1"),
    # karaoke licences: NĐ 54/2019 (Sở VHTTDL) → NĐ 148/2024 (UBND cấp tỉnh)
    ("cap-dieu-chinh-thu-hoi-giay-phep-du-dieu-kien-kinh-doanh-dich-vu-karaoke", "84", date(2020, 1, 1),
     "agency/so-van-hoa-the-thao-va-du-lich-84", "doc/54-2019-nd-cp/dieu-9/khoan-1"),
    ("cap-dieu-chinh-thu-hoi-giay-phep-du-dieu-kien-kinh-doanh-dich-vu-karaoke", "84", date(2024, 11, 11),
     "agency/so-van-hoa-the-thao-va-du-lich-84", "doc/54-2019-nd-cp/dieu-9/khoan-1"),
    ("cap-dieu-chinh-thu-hoi-giay-phep-du-dieu-kien-kinh-doanh-dich-vu-karaoke", "84", date(2024, 11, 12),
     "agency/ubnd-84", "doc/148-2024-nd-cp/dieu-1"),
    # awards: Luật 2003 → Luật 2022; the district Chủ tịch's power ends with the district level
    ("khen-thuong-chu-tich-ubnd-cap-huyen", "845", date(2022, 6, 15),
     "post/chu-tich-ubnd-845", "doc/15-2003-qh11/dieu-81/khoan-1"),
    ("khen-thuong-chu-tich-ubnd-cap-huyen", "845", date(2024, 5, 1),
     "post/chu-tich-ubnd-845", "doc/06-2022-qh15/dieu-80/khoan-2"),
    ("khen-thuong-thu-truong-co-quan-chuyen-mon-cap-tinh", "84", date(2020, 1, 1),
     None, "doc/15-2003-qh11/dieu-81/khoan-1"),
    ("khen-thuong-thu-truong-co-quan-chuyen-mon-cap-tinh", "84", date(2024, 1, 1),
     None, "doc/06-2022-qh15/dieu-80/khoan-1"),
    ("khen-thuong-chu-tich-ubnd-cap-xa", "29311", date(2022, 6, 15),
     "post/chu-tich-ubnd-29311", "doc/91-2017-nd-cp/dieu-43/khoan-2/diem-a"),
    ("khen-thuong-chu-tich-ubnd-cap-xa", "29254-2025", date(2025, 8, 1),
     "post/chu-tich-ubnd-29254-2025", "doc/06-2022-qh15/dieu-80/khoan-3"),
    # belief establishments: the commune People's Committee recognises the representative
    ("cong-nhan-nguoi-dai-dien-ban-quan-ly-co-so-tin-nguong", "29311", date(2020, 1, 1),
     "agency/ubnd-29311", "doc/02-2016-qh14/dieu-11/khoan-3"),
    ("cong-nhan-nguoi-dai-dien-ban-quan-ly-co-so-tin-nguong", "29254-2025", date(2025, 8, 1),
     "agency/ubnd-29254-2025", "doc/02-2016-qh14/dieu-11/khoan-3"),
    # disability: council and certificate, commune Chủ tịch throughout
    ("thanh-lap-hoi-dong-xac-dinh-muc-do-khuyet-tat", "29311", date(2020, 1, 1),
     "post/chu-tich-ubnd-29311", "doc/51-2010-qh12/dieu-16/khoan-1"),
    ("thanh-lap-hoi-dong-xac-dinh-muc-do-khuyet-tat", "00004-2025", date(2025, 9, 1),
     "post/chu-tich-ubnd-00004-2025", "doc/51-2010-qh12/dieu-16/khoan-1"),
    ("cap-giay-xac-nhan-khuyet-tat", "00001", date(2022, 6, 15),
     "post/chu-tich-ubnd-00001", "doc/01-2019-tt-bldtbxh/dieu-6/khoan-2"),
    ("cap-giay-xac-nhan-khuyet-tat", "29254-2025", date(2025, 8, 1),
     "post/chu-tich-ubnd-29254-2025", "doc/01-2019-tt-bldtbxh/dieu-6/khoan-2"),
    # alternative care of children
    ("quyet-dinh-cham-dut-viec-cham-soc-thay-the-cho-tre-em", "29311", date(2020, 1, 1),
     "post/chu-tich-ubnd-29311", "doc/56-2017-nd-cp/dieu-48/khoan-2"),
    ("quyet-dinh-cham-dut-viec-cham-soc-thay-the-cho-tre-em", "29254-2025", date(2025, 8, 1),
     "post/chu-tich-ubnd-29254-2025", "doc/56-2017-nd-cp/dieu-48/khoan-2"),
    ("quyet-dinh-tam-thoi-cach-ly-tre-em-khoi-cha-me-nguoi-cham-soc", "00001", date(2021, 3, 1),
     "post/chu-tich-ubnd-00001", "doc/56-2017-nd-cp/dieu-32/khoan-2"),
    # domestic violence: community criticism (from the 2022 law)
    ("quyet-dinh-bien-phap-gop-y-phe-binh-nguoi-co-hanh-vi-bao-luc-gia-dinh", "29254-2025", date(2025, 8, 1),
     "post/chu-tich-ubnd-29254-2025", "doc/13-2022-qh15/dieu-32/khoan-4"),
    # no-contact orders: Luật 2007 → Luật 2022
    ("quyet-dinh-ap-dung-bien-phap-cam-tiep-xuc", "29311", date(2023, 6, 30),
     "post/chu-tich-ubnd-29311", "doc/02-2007-qh12/dieu-20/khoan-1"),
    ("quyet-dinh-ap-dung-bien-phap-cam-tiep-xuc", "29311", date(2023, 7, 1),
     "post/chu-tich-ubnd-29311", "doc/13-2022-qh15/dieu-25/khoan-1"),
    ("quyet-dinh-ap-dung-bien-phap-cam-tiep-xuc", "00004-2025", date(2025, 9, 1),
     "post/chu-tich-ubnd-00004-2025", "doc/13-2022-qh15/dieu-25/khoan-1"),
]


@pytest.mark.parametrize(("power", "unit", "day", "holder", "basis"), CASES,
                         ids=[f"{c[0][:30]}-{c[1]}-{c[2]}" for c in CASES])
def test_holder(shipped_kb, power: str, unit: str, day: date, holder: str | None, basis: str) -> None:
    answer = ask(shipped_kb, power, f"unit/{unit}", day)
    assert answer["holders"], answer.get("explanations")
    if holder is not None:
        assert holder_tails(answer) == {holder}, answer["holders"]
    assert f"{ID}{basis}" in str(answer["holders"]), answer["holders"]


def test_district_awards_end_with_the_district_level(shipped_kb) -> None:
    """After 30/6/2025 the district Chủ tịch's award power has no holder in a Vĩnh Long commune."""
    answer = shipped_kb.engine.who_holds(f"{ID}power/khen-thuong-chu-tich-ubnd-cap-huyen",
                                 f"{ID}unit/29254-2025", date(2025, 8, 1))
    assert not answer["holders"]
    refs = {r for e in answer["explanations"] for r in e["refs"]}
    assert f"{ID}conferral/khen-thuong-chu-tich-ubnd-cap-huyen" in refs, answer["explanations"]
