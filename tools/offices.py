"""Posts and specialised agencies of the generated units (used by ``generate_units.py``).

Generated where the structure is regular, each node citing its source:

* the Chủ tịch post of every People's Committee of both periods (Law 77/2015/QH13 until
  2025-06-30, Law 72/2025/QH15 from 2025-07-01);
* the departments (sở) a conferral or the Trà Vinh plan names, with their specific types and
  the Giám đốc post of each, for every province — except the provinces whose own structure is
  a hand-written file (``HAND_WRITTEN``); the others are generic: the decree's structure;
* before 2025-07-01, the district offices (phòng) the powers need (NĐ 37/2014/NĐ-CP Điều 7):
  Phòng Tài chính – Kế hoạch, the economic office and Phòng Tư pháp (chứng thực, NĐ 23/2015/NĐ-CP
  Điều 5 khoản 1);
* before 2025-07-01, the business registration office (Phòng Đăng ký kinh doanh) of every
  province: of Sở Kế hoạch và Đầu tư until 2025-02-28 (NĐ 78/2015/NĐ-CP Điều 13 khoản 1, NĐ
  01/2021/NĐ-CP Điều 14 khoản 1), of Sở Tài chính from 2025-03-01 (NĐ 45/2025/NĐ-CP Điều 8) —
  also for the hand-written provinces, whose files do not write it;
* from 2025-07-01, the economic office of every commune-level unit (NĐ 150/2025/NĐ-CP: Phòng
  Kinh tế, or Phòng Kinh tế, Hạ tầng và Đô thị in wards and Phú Quốc), and the business
  registration office (Phòng Đăng ký kinh doanh) of each Sở Tài chính (NĐ 168/2025/NĐ-CP Điều 20
  khoản 1 điểm a).

Only what the powers and the plan need: the validation time of the shipped data is a budget, so
the commune's Văn phòng HĐND và UBND and Phòng Văn hóa – Xã hội, which no power in the data names,
are not generated (add a Kind and return it from ``office_kinds`` when one does).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from ttl import block, date, lit

PRE_UNTIL = "2025-06-30"
POST_FROM = "2025-07-01"
MERGERS_FROM = "2025-03-01"  # the departments merged under NĐ 45/2025/NĐ-CP
MERGED_UNTIL = "2025-02-28"

# Provinces whose departments are written by hand from their own sources.
HAND_WRITTEN = {"84": "data/so-tra-vinh.ttl", "86-2025": "data/so-vinh-long-2025.ttl"}

LAW_OLD, LAW_NEW = "doc/77-2015-qh13", "doc/72-2025-qh15"
ND24, ND45, ND150, ND37 = (
    "doc/24-2014-nd-cp",
    "doc/45-2025-nd-cp/dieu-8",
    "doc/150-2025-nd-cp",
    "doc/37-2014-nd-cp/dieu-7",
)
ND168_REG = "doc/168-2025-nd-cp/dieu-20/khoan-1/diem-a"
ND78_REG, ND01_REG = "doc/78-2015-nd-cp/dieu-13/khoan-1", "doc/01-2021-nd-cp/dieu-14/khoan-1"

# NĐ 24/2014/NĐ-CP Điều 8 khoản 2 let a province with the criteria found a Sở Du lịch; its other
# department was then Sở Văn hóa và Thể thao. Which provinces did, and from when, was not read, so
# every province gets the generic department and the node says so.
CULTURE_NOTE = (
    "Sở chung theo Nghị định 24/2014/NĐ-CP. Tỉnh, thành phố đã thành lập Sở Du lịch riêng thì sở "
    "này mang tên Sở Văn hóa và Thể thao; tên riêng của từng địa phương chưa được đối chiếu."
)


class UnitLike(Protocol):
    """What the writers read of a unit (``generate_units.Unit``)."""

    key: str
    label: str
    unit_type: str
    level: str
    post: bool

    @property
    def in_label(self) -> str:
        """The label after a body's name, e.g. ``tỉnh Vĩnh Long``."""


@dataclass(frozen=True)
class Kind:
    """A kind of specialised agency of a unit."""

    slug: str
    vi: str
    atype: str
    sources: tuple[str, ...]
    valid_from: str | None = None
    valid_until: str | None = None
    note: str | None = None


def _dept(slug: str, vi: str, atype: str, *sources: str, **extra: str) -> Kind:
    return Kind(f"so-{slug}", vi, f"tq:{atype}", sources, **extra)


# Departments in force before 2025-07-01: NĐ 24/2014/NĐ-CP; the mergers of 2025-03-01 follow
# the generic structure of NĐ 45/2025/NĐ-CP (each province decided its own by an HĐND resolution).
OLD_DEPARTMENTS = (
    _dept("noi-vu", "Sở Nội vụ", "DepartmentOfHomeAffairs", ND24),
    _dept("tu-phap", "Sở Tư pháp", "DepartmentOfJustice", ND24),
    _dept(
        "ke-hoach-va-dau-tu",
        "Sở Kế hoạch và Đầu tư",
        "DepartmentOfPlanningAndInvestment",
        ND24,
        ND45,
        valid_until=MERGED_UNTIL,
    ),
    _dept("tai-chinh", "Sở Tài chính", "DepartmentOfFinance", ND24),
    _dept("cong-thuong", "Sở Công Thương", "DepartmentOfIndustryAndTrade", ND24),
    _dept("xay-dung", "Sở Xây dựng", "DepartmentOfConstruction", ND24),
    _dept(
        "nong-nghiep-va-phat-trien-nong-thon",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "DepartmentOfAgricultureAndRuralDevelopment",
        ND24,
        ND45,
        valid_until=MERGED_UNTIL,
    ),
    _dept(
        "tai-nguyen-va-moi-truong",
        "Sở Tài nguyên và Môi trường",
        "DepartmentOfNaturalResourcesAndEnvironment",
        ND24,
        ND45,
        valid_until=MERGED_UNTIL,
    ),
    _dept(
        "nong-nghiep-va-moi-truong",
        "Sở Nông nghiệp và Môi trường",
        "DepartmentOfAgricultureAndEnvironment",
        ND45,
        valid_from=MERGERS_FROM,
    ),
    # Karaoke licences until 2024-11-11 (NĐ 54/2019/NĐ-CP Chương III).
    _dept(
        "van-hoa-the-thao-va-du-lich",
        "Sở Văn hóa, Thể thao và Du lịch",
        "DepartmentOfCultureSportsAndTourism",
        ND24,
        note=CULTURE_NOTE,
    ),
)

# Departments from 2025-07-01 (NĐ 150/2025/NĐ-CP).
NEW_DEPARTMENTS = (
    _dept("noi-vu", "Sở Nội vụ", "DepartmentOfHomeAffairs", ND150),
    _dept("tu-phap", "Sở Tư pháp", "DepartmentOfJustice", ND150),
    _dept("tai-chinh", "Sở Tài chính", "DepartmentOfFinance", ND150),
    _dept("cong-thuong", "Sở Công Thương", "DepartmentOfIndustryAndTrade", ND150),
    _dept("xay-dung", "Sở Xây dựng", "DepartmentOfConstruction", ND150),
    _dept(
        "nong-nghiep-va-moi-truong",
        "Sở Nông nghiệp và Môi trường",
        "DepartmentOfAgricultureAndEnvironment",
        ND150,
    ),
)

FINANCE_AND_PLANNING = Kind(
    "phong-tai-chinh-ke-hoach", "Phòng Tài chính – Kế hoạch", "tq:FinanceAndPlanningOffice", (ND37,)
)
ECONOMIC_AND_INFRA = Kind(
    "phong-kinh-te-va-ha-tang", "Phòng Kinh tế và Hạ tầng", "tq:EconomicAndInfrastructureOffice", (ND37,)
)
ECONOMIC_OLD = Kind("phong-kinh-te", "Phòng Kinh tế", "tq:EconomicOffice", (ND37,))
JUSTICE_OLD = Kind("phong-tu-phap", "Phòng Tư pháp", "tq:JusticeOffice", (ND37,))

# The provincial business registration office before 2025-07-01: under Sở Kế hoạch và Đầu tư, then
# (the departments merged on 2025-03-01) under Sở Tài chính.
REGISTRATION_OLD = Kind(
    "phong-dang-ky-kinh-doanh",
    "Phòng Đăng ký kinh doanh",
    "tq:BusinessRegistrationOffice",
    (ND78_REG, ND01_REG),
    valid_until=MERGED_UNTIL,
)
REGISTRATION_MERGED = Kind(
    "phong-dang-ky-kinh-doanh-so-tai-chinh",
    "Phòng Đăng ký kinh doanh",
    "tq:BusinessRegistrationOffice",
    (ND01_REG, ND45),
    valid_from=MERGERS_FROM,
)

ECONOMIC = Kind("phong-kinh-te", "Phòng Kinh tế", "tq:EconomicOffice", (ND150,))
ECONOMIC_URBAN = Kind(
    "phong-kinh-te-ha-tang-va-do-thi",
    "Phòng Kinh tế, Hạ tầng và Đô thị",
    "tq:EconomicInfrastructureAndUrbanOffice",
    (ND150,),
)
# The special zone that has wards' economic office (NĐ 168/2025/NĐ-CP Điều 20 khoản 2).
URBAN_SPECIAL_ZONES = {"Đặc khu Phú Quốc"}  # fmt: skip


def validity(unit: UnitLike, kind: Kind | None = None) -> list[tuple[str, str]]:
    """The validity pairs: the unit's period, narrowed by the kind's own dates."""
    start = (kind.valid_from if kind else None) or (POST_FROM if unit.post else None)
    end = (kind.valid_until if kind else None) or (None if unit.post else PRE_UNTIL)
    pairs = []
    if start:
        pairs.append(("tq:validFrom", date(start)))
    if end:
        pairs.append(("tq:validUntil", date(end)))
    return pairs


def chair_post(unit: UnitLike) -> str:
    """The Chủ tịch post of the unit's People's Committee."""
    return block(
        f"post/chu-tich-ubnd-{unit.key}",
        [
            ("a", "tq:Post"),
            ("skos:prefLabel", lit(f"Chủ tịch Ủy ban nhân dân {unit.in_label}", "vi")),
            ("tq:postOf", f"<agency/ubnd-{unit.key}>"),
            ("tq:postType", "tq:Chairperson"),
            *validity(unit),
            ("dcterms:source", f"<{LAW_NEW if unit.post else LAW_OLD}>"),
        ],
    )


def agency(unit: UnitLike, kind: Kind, parent: str, label: str) -> str:
    """One specialised agency of ``unit``."""
    return block(
        f"agency/{kind.slug}-{unit.key}",
        [
            ("a", "tq:Agency"),
            ("skos:prefLabel", lit(label, "vi")),
            ("tq:agencyType", kind.atype),
            ("tq:level", f"tq:{unit.level}"),
            ("tq:jurisdiction", f"<unit/{unit.key}>"),
            ("tq:parentAgency", f"<agency/{parent}>"),
            *validity(unit, kind),
            *([("skos:editorialNote", lit(kind.note, "vi"))] if kind.note else []),
            *[("dcterms:source", f"<{s}>") for s in kind.sources],
        ],
    )


def head_post(unit: UnitLike, kind: Kind, title: str) -> str:
    """The head (Giám đốc) post of a department."""
    return block(
        f"post/giam-doc-{kind.slug}-{unit.key}",
        [
            ("a", "tq:Post"),
            ("skos:prefLabel", lit(f"{title} {kind.vi} {unit.in_label}", "vi")),
            ("tq:postOf", f"<agency/{kind.slug}-{unit.key}>"),
            ("tq:postType", "tq:Head"),
            *validity(unit, kind),
            *[("dcterms:source", f"<{s}>") for s in kind.sources],
        ],
    )


def department_blocks(unit: UnitLike) -> list[str]:
    """The departments of one province, their Giám đốc posts and the business registration
    office (before 2025-07-01 also of the hand-written provinces, whose files lack it)."""
    if unit.level != "ProvincialLevel":
        return []
    if unit.key in HAND_WRITTEN:
        return [] if unit.post else old_registration_offices(unit)
    out = []
    for kind in NEW_DEPARTMENTS if unit.post else OLD_DEPARTMENTS:
        out.append(agency(unit, kind, f"ubnd-{unit.key}", f"{kind.vi} {unit.in_label}"))
        out.append(head_post(unit, kind, "Giám đốc"))
    out += [registration_office(unit)] if unit.post else old_registration_offices(unit)
    return out


def old_registration_offices(unit: UnitLike) -> list[str]:
    """Phòng Đăng ký kinh doanh of Sở Kế hoạch và Đầu tư (to 2025-02-28), then of Sở Tài chính."""
    return [
        agency(
            unit,
            REGISTRATION_OLD,
            f"so-ke-hoach-va-dau-tu-{unit.key}",
            f"Phòng Đăng ký kinh doanh thuộc Sở Kế hoạch và Đầu tư {unit.in_label}",
        ),
        agency(
            unit,
            REGISTRATION_MERGED,
            f"so-tai-chinh-{unit.key}",
            f"Phòng Đăng ký kinh doanh thuộc Sở Tài chính {unit.in_label}",
        ),
    ]


def registration_office(unit: UnitLike) -> str:
    """Phòng Đăng ký kinh doanh thuộc Sở Tài chính (NĐ 168/2025/NĐ-CP Điều 20 khoản 1)."""
    kind = Kind(
        "phong-dang-ky-kinh-doanh", "Phòng Đăng ký kinh doanh", "tq:BusinessRegistrationOffice", (ND168_REG,)
    )
    label = f"Phòng Đăng ký kinh doanh thuộc Sở Tài chính {unit.in_label}"
    return agency(unit, kind, f"so-tai-chinh-{unit.key}", label)


def office_kinds(unit: UnitLike) -> tuple[Kind, ...]:
    """The offices (phòng) generated for a district (before) or commune (after 2025-07-01)."""
    if not unit.post and unit.level == "DistrictLevel":
        economic = ECONOMIC_AND_INFRA if unit.unit_type == "RuralDistrict" else ECONOMIC_OLD
        return (FINANCE_AND_PLANNING, economic, JUSTICE_OLD)
    if unit.post and unit.level == "CommuneLevel":
        urban = unit.unit_type == "Ward" or unit.label in URBAN_SPECIAL_ZONES
        return (ECONOMIC_URBAN if urban else ECONOMIC,)
    return ()


def office_blocks(unit: UnitLike) -> list[str]:
    """The offices of one district or commune."""
    return [
        agency(unit, kind, f"ubnd-{unit.key}", f"{kind.vi} {unit.in_label}") for kind in office_kinds(unit)
    ]


ND150_LABEL = (
    "Nghị định số 150/2025/NĐ-CP quy định tổ chức các cơ quan chuyên môn thuộc Ủy ban nhân dân "
    "tỉnh, thành phố trực thuộc trung ương và Ủy ban nhân dân xã, phường, đặc khu thuộc tỉnh, "
    "thành phố trực thuộc trung ương"
)
ND150_NOTE = (
    "Cấp xã tổ chức Văn phòng Hội đồng nhân dân và Ủy ban nhân dân, Phòng Kinh tế (xã, đặc khu) "
    "hoặc Phòng Kinh tế, Hạ tầng và Đô thị (phường, đặc khu Phú Quốc), Phòng Văn hóa – Xã hội "
    "(nguồn thứ cấp). Số hiệu điều, khoản chưa được đối chiếu với Công báo nên cơ quan được sinh "
    "ra trích dẫn cả văn bản. Chỉ sinh phòng kinh tế của cấp xã (cơ quan đăng ký hộ kinh doanh); "
    "hai phòng kia chưa được thẩm quyền nào trong dữ liệu nêu tên."
)
ND150_SOURCES = (
    "https://kinhtedothi.vn/quy-dinh-so-luong-cap-pho-tai-cac-phong-chuyen-mon-trung-tam-phuc-vu-"
    "hanh-chinh-cong-cap-xa.878514.html",
    "https://www.vietnam.vn/ja/toan-van-nghi-dinh-150-nd-cp-quy-dinh-to-chuc-cac-co-quan-chuyen-mon-"
    "thuoc-ubnd-cap-tinh-ubnd-cap-xa",
)
ND37_LABEL = (
    "Nghị định số 37/2014/NĐ-CP quy định tổ chức các cơ quan chuyên môn thuộc Ủy ban nhân dân "
    "huyện, quận, thị xã, thành phố thuộc tỉnh"
)
ND37_NOTE = (
    "Khoản 1: mười cơ quan chuyên môn tổ chức thống nhất ở các huyện, quận, thị xã, thành phố "
    "thuộc tỉnh, trong đó Phòng Tư pháp và Phòng Tài chính – Kế hoạch; khoản 2: Phòng Kinh tế và Hạ tầng (ở "
    "huyện), Phòng Kinh tế (ở quận, thị xã, thành phố thuộc tỉnh) (nguồn thứ cấp). Tên các "
    "phòng sau khi sắp xếp từ 01/3/2025 theo Nghị định 45/2025/NĐ-CP và cơ cấu riêng của huyện "
    "đảo chưa được ghi."
)
ND37_SOURCE = (
    "https://thukyluat.vn/news/diem-tin-van-ban/10-co-quan-chuyen-mon-duoc-to-chuc-thong-nhat-o-"
    "cac-huyen-76542.html"
)


def decree(key: str, label: str, number: str, issued: str, *extra: tuple[str, str]) -> str:
    """A decree of the Government."""
    return block(
        key,
        [
            ("a", "tq:LegalDocument"),
            ("skos:prefLabel", lit(label, "vi")),
            ("tq:documentType", "tq:Decree"),
            ("tq:documentNumber", lit(number)),
            ("tq:normative", "true"),
            ("tq:issuedBy", "<agency/chinh-phu>"),
            ("tq:dateIssued", date(issued)),
            *extra,
        ],
    )


def document_blocks(post: bool) -> list[str]:
    """The decrees on specialised agencies cited by the generated offices of one period."""
    if post:
        sources = " , ".join(f"<{url}>" for url in ND150_SOURCES)
        note = ("skos:editorialNote", lit(ND150_NOTE, "vi"))
        return [decree(ND150, ND150_LABEL, "150/2025/NĐ-CP", "2025-06-12", note, ("dcterms:source", sources))]
    source = ("dcterms:source", f"<{ND37_SOURCE}>")
    article = [
        ("a", "tq:Provision"),
        ("skos:prefLabel", lit("Điều 7 Nghị định số 37/2014/NĐ-CP", "vi")),
        ("tq:partOfDocument", "<doc/37-2014-nd-cp>"),
        ("skos:editorialNote", lit(ND37_NOTE, "vi")),
        source,
    ]
    in_force = ("tq:validFrom", date("2014-06-20"))
    return [
        decree("doc/37-2014-nd-cp", ND37_LABEL, "37/2014/NĐ-CP", "2014-05-05", in_force, source),
        block(ND37, article),
    ]


def all_blocks(units: Iterable[UnitLike], post: bool) -> list[str]:
    """Every department, office and head post of one period, in the units' order."""
    out = document_blocks(post)
    for unit in units:
        out += department_blocks(unit)
        out += office_blocks(unit)
    return out
