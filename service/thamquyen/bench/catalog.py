"""Fixed lists the generator draws from: agencies per level, sectors, words for powers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Body:
    """A kind of specialised body (sở, phòng) with the sectors it handles."""

    slug: str
    label: str
    agency_type: str
    sectors: tuple[str, ...]


OLD_DEPARTMENTS = (
    Body("so-noi-vu", "Sở Nội vụ", "tq:SpecializedAgency",
         ("noi-vu", "cong-chuc-vien-chuc", "thi-dua-khen-thuong", "ton-giao")),
    Body("so-tu-phap", "Sở Tư pháp", "tq:SpecializedAgency", ("tu-phap", "ho-tich")),
    Body("so-ke-hoach-va-dau-tu", "Sở Kế hoạch và Đầu tư", "tq:SpecializedAgency",
         ("ke-hoach-va-dau-tu", "dang-ky-kinh-doanh")),
    Body("so-tai-chinh", "Sở Tài chính", "tq:SpecializedAgency", ("tai-chinh",)),
    Body("so-cong-thuong", "Sở Công Thương", "tq:SpecializedAgency", ("cong-thuong",)),
    Body("so-nong-nghiep-va-phat-trien-nong-thon", "Sở Nông nghiệp và Phát triển nông thôn",
         "tq:SpecializedAgency", ("nong-nghiep",)),
    Body("so-giao-thong-van-tai", "Sở Giao thông vận tải", "tq:SpecializedAgency",
         ("giao-thong-van-tai",)),
    Body("so-xay-dung", "Sở Xây dựng", "tq:SpecializedAgency", ("xay-dung",)),
    Body("so-tai-nguyen-va-moi-truong", "Sở Tài nguyên và Môi trường", "tq:SpecializedAgency",
         ("tai-nguyen-va-moi-truong", "dat-dai")),
    Body("so-thong-tin-va-truyen-thong", "Sở Thông tin và Truyền thông", "tq:SpecializedAgency",
         ("thong-tin-va-truyen-thong",)),
    Body("so-lao-dong-thuong-binh-va-xa-hoi", "Sở Lao động – Thương binh và Xã hội",
         "tq:SpecializedAgency", ("lao-dong-thuong-binh-va-xa-hoi",)),
    Body("so-van-hoa-the-thao-va-du-lich", "Sở Văn hóa, Thể thao và Du lịch",
         "tq:SpecializedAgency", ("van-hoa-the-thao-va-du-lich",)),
    Body("so-khoa-hoc-va-cong-nghe", "Sở Khoa học và Công nghệ", "tq:SpecializedAgency",
         ("khoa-hoc-va-cong-nghe",)),
    Body("so-giao-duc-va-dao-tao", "Sở Giáo dục và Đào tạo", "tq:SpecializedAgency",
         ("giao-duc-va-dao-tao",)),
    Body("so-y-te", "Sở Y tế", "tq:SpecializedAgency", ("y-te",)),
    Body("ban-dan-toc", "Ban Dân tộc", "tq:SpecializedAgency", ("dan-toc",)),
    Body("thanh-tra", "Thanh tra", "tq:Inspectorate", ("thanh-tra",)),
    Body("van-phong-ubnd", "Văn phòng Ủy ban nhân dân", "tq:Office", ("quan-ly-nha-nuoc-chung",)),
)

NEW_DEPARTMENTS = (
    Body("so-noi-vu", "Sở Nội vụ", "tq:SpecializedAgency",
         ("noi-vu", "cong-chuc-vien-chuc", "thi-dua-khen-thuong", "lao-dong-thuong-binh-va-xa-hoi")),
    Body("so-tu-phap", "Sở Tư pháp", "tq:SpecializedAgency", ("tu-phap", "ho-tich")),
    Body("so-tai-chinh", "Sở Tài chính", "tq:SpecializedAgency",
         ("tai-chinh", "ke-hoach-va-dau-tu", "dang-ky-kinh-doanh")),
    Body("so-cong-thuong", "Sở Công Thương", "tq:SpecializedAgency", ("cong-thuong",)),
    Body("so-nong-nghiep-va-moi-truong", "Sở Nông nghiệp và Môi trường", "tq:SpecializedAgency",
         ("nong-nghiep", "tai-nguyen-va-moi-truong", "dat-dai")),
    Body("so-xay-dung", "Sở Xây dựng", "tq:SpecializedAgency", ("xay-dung", "giao-thong-van-tai")),
    Body("so-khoa-hoc-va-cong-nghe", "Sở Khoa học và Công nghệ", "tq:SpecializedAgency",
         ("khoa-hoc-va-cong-nghe", "thong-tin-va-truyen-thong")),
    Body("so-van-hoa-the-thao-va-du-lich", "Sở Văn hóa, Thể thao và Du lịch",
         "tq:SpecializedAgency", ("van-hoa-the-thao-va-du-lich",)),
    Body("so-giao-duc-va-dao-tao", "Sở Giáo dục và Đào tạo", "tq:SpecializedAgency",
         ("giao-duc-va-dao-tao",)),
    Body("so-y-te", "Sở Y tế", "tq:SpecializedAgency", ("y-te",)),
    Body("so-dan-toc-va-ton-giao", "Sở Dân tộc và Tôn giáo", "tq:SpecializedAgency",
         ("dan-toc", "ton-giao")),
    Body("thanh-tra", "Thanh tra", "tq:Inspectorate", ("thanh-tra",)),
    Body("trung-tam-phvhc", "Trung tâm Phục vụ hành chính công", "tq:PublicServiceCentre", ()),
    Body("van-phong-ubnd", "Văn phòng Ủy ban nhân dân", "tq:Office", ("quan-ly-nha-nuoc-chung",)),
)
SERVICE_CENTRE = "trung-tam-phvhc"

DISTRICT_OFFICES = (
    Body("phong-noi-vu", "Phòng Nội vụ", "tq:SpecializedAgency",
         ("noi-vu", "cong-chuc-vien-chuc", "thi-dua-khen-thuong", "ton-giao", "dan-toc")),
    Body("phong-tu-phap", "Phòng Tư pháp", "tq:SpecializedAgency", ("tu-phap", "ho-tich")),
    Body("phong-tai-chinh-ke-hoach", "Phòng Tài chính – Kế hoạch", "tq:SpecializedAgency",
         ("tai-chinh", "ke-hoach-va-dau-tu", "dang-ky-kinh-doanh")),
    Body("phong-tai-nguyen-va-moi-truong", "Phòng Tài nguyên và Môi trường",
         "tq:SpecializedAgency", ("tai-nguyen-va-moi-truong", "dat-dai")),
    Body("phong-kinh-te-va-ha-tang", "Phòng Kinh tế và Hạ tầng", "tq:SpecializedAgency",
         ("xay-dung", "giao-thong-van-tai", "cong-thuong", "khoa-hoc-va-cong-nghe")),
    Body("phong-nong-nghiep", "Phòng Nông nghiệp và Phát triển nông thôn", "tq:SpecializedAgency",
         ("nong-nghiep",)),
    Body("phong-lao-dong-thuong-binh-va-xa-hoi", "Phòng Lao động – Thương binh và Xã hội",
         "tq:SpecializedAgency", ("lao-dong-thuong-binh-va-xa-hoi",)),
    Body("phong-van-hoa-va-thong-tin", "Phòng Văn hóa và Thông tin", "tq:SpecializedAgency",
         ("van-hoa-the-thao-va-du-lich", "thong-tin-va-truyen-thong")),
    Body("phong-giao-duc-va-dao-tao", "Phòng Giáo dục và Đào tạo", "tq:SpecializedAgency",
         ("giao-duc-va-dao-tao",)),
    Body("phong-y-te", "Phòng Y tế", "tq:SpecializedAgency", ("y-te",)),
    Body("thanh-tra", "Thanh tra", "tq:Inspectorate", ("thanh-tra",)),
    Body("van-phong-hdnd-ubnd", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân", "tq:Office",
         ("quan-ly-nha-nuoc-chung",)),
)

# Old department → the new department it became part of (2025-07-01).
DEPARTMENT_SUCCESSOR = {
    "so-ke-hoach-va-dau-tu": "so-tai-chinh",
    "so-nong-nghiep-va-phat-trien-nong-thon": "so-nong-nghiep-va-moi-truong",
    "so-tai-nguyen-va-moi-truong": "so-nong-nghiep-va-moi-truong",
    "so-giao-thong-van-tai": "so-xay-dung",
    "so-thong-tin-va-truyen-thong": "so-khoa-hoc-va-cong-nghe",
    "so-lao-dong-thuong-binh-va-xa-hoi": "so-noi-vu",
    "ban-dan-toc": "so-dan-toc-va-ton-giao",
}

SECTORS = ("noi-vu", "tu-phap", "ho-tich", "dat-dai", "xay-dung", "tai-chinh",
           "ke-hoach-va-dau-tu", "dang-ky-kinh-doanh", "cong-thuong", "nong-nghiep",
           "tai-nguyen-va-moi-truong", "giao-duc-va-dao-tao", "y-te",
           "lao-dong-thuong-binh-va-xa-hoi", "van-hoa-the-thao-va-du-lich",
           "thong-tin-va-truyen-thong", "giao-thong-van-tai", "khoa-hoc-va-cong-nghe", "thanh-tra",
           "dan-toc", "ton-giao", "thi-dua-khen-thuong", "cong-chuc-vien-chuc",
           "quan-ly-nha-nuoc-chung")

SECTOR_OBJECTS = {
    "noi-vu": ("tổ chức hành chính", "vị trí việc làm", "hội, quỹ xã hội"),
    "tu-phap": ("chứng thực bản sao", "đăng ký giao dịch bảo đảm", "trợ giúp pháp lý"),
    "ho-tich": ("đăng ký khai sinh", "đăng ký kết hôn", "trích lục hộ tịch"),
    "dat-dai": ("giao đất", "cho thuê đất", "chuyển mục đích sử dụng đất"),
    "xay-dung": ("giấy phép xây dựng", "quy hoạch chi tiết", "chứng chỉ hành nghề xây dựng"),
    "tai-chinh": ("dự toán ngân sách", "tài sản công", "giá dịch vụ công"),
    "ke-hoach-va-dau-tu": ("chủ trương đầu tư", "dự án đầu tư công", "hỗ trợ doanh nghiệp"),
    "dang-ky-kinh-doanh": ("đăng ký hộ kinh doanh", "đăng ký doanh nghiệp", "hợp tác xã"),
    "cong-thuong": ("giấy phép bán lẻ rượu", "vật liệu nổ công nghiệp", "cửa hàng xăng dầu"),
    "nong-nghiep": ("giống cây trồng", "thú y", "khai thác thủy sản"),
    "tai-nguyen-va-moi-truong": ("giấy phép môi trường", "khai thác khoáng sản", "tài nguyên nước"),
    "giao-duc-va-dao-tao": ("thành lập trường học", "cho phép hoạt động giáo dục", "văn bằng"),
    "y-te": ("giấy phép hoạt động khám bệnh", "an toàn thực phẩm", "hành nghề dược"),
    "lao-dong-thuong-binh-va-xa-hoi": ("trợ cấp xã hội", "giấy phép lao động", "người có công"),
    "van-hoa-the-thao-va-du-lich": ("biểu diễn nghệ thuật", "lễ hội", "cơ sở lưu trú du lịch"),
    "thong-tin-va-truyen-thong": ("trang thông tin điện tử", "xuất bản", "bưu chính"),
    "giao-thong-van-tai": ("giấy phép lái xe", "đăng ký phương tiện", "kinh doanh vận tải"),
    "khoa-hoc-va-cong-nghe": ("chuyển giao công nghệ", "đo lường", "an toàn bức xạ"),
    "thanh-tra": ("thanh tra chuyên ngành", "giải quyết khiếu nại", "tiếp công dân"),
    "dan-toc": ("chính sách dân tộc", "người có uy tín", "vùng đồng bào dân tộc"),
    "ton-giao": ("hoạt động tôn giáo", "tổ chức tôn giáo", "cơ sở tín ngưỡng"),
    "thi-dua-khen-thuong": ("khen thưởng", "danh hiệu thi đua", "kỷ niệm chương"),
    "cong-chuc-vien-chuc": ("tuyển dụng công chức", "nâng ngạch", "bổ nhiệm viên chức"),
    "quan-ly-nha-nuoc-chung": ("quy chế làm việc", "phân công công tác", "cải cách hành chính"),
}
VERBS = ("Cấp", "Cấp lại", "Gia hạn", "Thu hồi", "Phê duyệt", "Quyết định", "Thẩm định",
         "Điều chỉnh", "Cho phép", "Đình chỉ", "Công nhận", "Xử lý")

MINISTRIES = (
    ("a", "Bộ thử nghiệm A (nội vụ, tư pháp)", ("noi-vu", "tu-phap", "ho-tich", "cong-chuc-vien-chuc",
                                               "thi-dua-khen-thuong", "quan-ly-nha-nuoc-chung")),
    ("b", "Bộ thử nghiệm B (tài chính, đầu tư)", ("tai-chinh", "ke-hoach-va-dau-tu",
                                                 "dang-ky-kinh-doanh")),
    ("c", "Bộ thử nghiệm C (xây dựng, giao thông)", ("xay-dung", "giao-thong-van-tai")),
    ("d", "Bộ thử nghiệm D (nông nghiệp, môi trường)", ("nong-nghiep", "tai-nguyen-va-moi-truong",
                                                        "dat-dai")),
    ("e", "Bộ thử nghiệm E (công thương, khoa học)", ("cong-thuong", "khoa-hoc-va-cong-nghe",
                                                      "thong-tin-va-truyen-thong")),
    ("f", "Bộ thử nghiệm F (xã hội)", ("giao-duc-va-dao-tao", "y-te", "lao-dong-thuong-binh-va-xa-hoi",
                                       "van-hoa-the-thao-va-du-lich", "dan-toc", "ton-giao",
                                       "thanh-tra")),
)


def body_for(bodies: tuple[Body, ...], sector: str) -> Body:
    """The body that handles a sector (the office, when none does)."""
    for body in bodies:
        if sector in body.sectors:
            return body
    return bodies[-1]


def successor_body(old_slug: str) -> Body:
    """The new (2025) department that took over an old one."""
    slug = DEPARTMENT_SUCCESSOR.get(old_slug, old_slug)
    return next(b for b in NEW_DEPARTMENTS if b.slug == slug)


def ministry_for(sector: str) -> tuple[str, str]:
    """(key, label) of the synthetic ministry of a sector."""
    for key, label, sectors in MINISTRIES:
        if sector in sectors:
            return key, label
    return MINISTRIES[0][0], MINISTRIES[0][1]
