"""Rebuild the sample spreadsheets of samples/ (deterministic: same bytes on every run).

    .venv/bin/python samples/make_samples.py

* danh-muc-tthc-cap-xa.xlsx — the annex of a "công bố danh mục TTHC" decision: title rows, the
  header, group rows ("A. THỦ TỤC HÀNH CHÍNH CẤP XÃ", "I. Lĩnh vực Hộ tịch") and 15 civil-status
  procedures of the commune People's Committees. Codes and names as published in the national
  procedure database (dichvucong.gov.vn); processing times and fees only where Luật Hộ tịch
  60/2014/QH13 states them (Arts 11(1)(b), 16(2), 18(2), 20(2)).
* tthc-csdl-quoc-gia.csv — the same kind of records with the national database's column names.
* so-dang-ky-phan-cap-uy-quyen.xlsx — a delegation register of the Trà Vinh Department of Home
  Affairs, 12 rows (phân cấp and ủy quyền) of powers in data/powers/ (construction permits,
  civil status) that conform when imported with the shipped data.
* so-dang-ky-loi.xlsx — the same register with faulty rows.

The registers are ILLUSTRATIVE: their decision numbers and dates are invented to show the layout
and are not documents anyone issued. The title rows of every file say so.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
FIXED_TIME = dt.datetime(2025, 1, 1)
ILLUSTRATIVE = ("(Dữ liệu mẫu minh họa bố cục; số hiệu, ngày tháng của các văn bản là giả định, "
                "không phải văn bản đã ban hành)")

LUAT_HO_TICH = "Luật Hộ tịch số 60/2014/QH13"
LUAT_VA_ND = "Luật Hộ tịch số 60/2014/QH13; Nghị định số 123/2015/NĐ-CP"
FREE = "Miễn lệ phí (điểm b khoản 1 Điều 11 Luật Hộ tịch)"
FREE_ON_TIME = "Miễn lệ phí khi đăng ký đúng hạn (điểm b khoản 1 Điều 11 Luật Hộ tịch)"
AT_ONCE = "Ngay sau khi nhận đủ giấy tờ theo quy định"
MARRIAGE_TIME = ("Ngay sau khi nhận đủ giấy tờ; trường hợp cần xác minh thì không quá 05 ngày "
                 "làm việc")
UBND_XA = "Ủy ban nhân dân cấp xã"
PLACE_XA = "Bộ phận tiếp nhận và trả kết quả của Ủy ban nhân dân cấp xã"

# (code, name, processing time, fee, legal basis)
PROCEDURES_XA = [
    ("1.001193", "Thủ tục đăng ký khai sinh", AT_ONCE, FREE, LUAT_HO_TICH),
    ("1.000894", "Thủ tục đăng ký kết hôn", MARRIAGE_TIME, FREE, LUAT_HO_TICH),
    ("1.000656", "Thủ tục đăng ký khai tử", "", FREE_ON_TIME, LUAT_HO_TICH),
    ("1.004837", "Thủ tục đăng ký giám hộ", "03 ngày làm việc", FREE, LUAT_HO_TICH),
    ("1.001022", "Thủ tục đăng ký nhận cha, mẹ, con", "", "", LUAT_HO_TICH),
    ("1.000689", "Thủ tục đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con", "", "",
     LUAT_HO_TICH),
    ("1.004873", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", "", "", LUAT_HO_TICH),
    ("1.004884", "Thủ tục đăng ký lại khai sinh", "", "", LUAT_VA_ND),
    ("1.004746", "Thủ tục đăng ký lại kết hôn", "", "", LUAT_VA_ND),
    ("1.005461", "Đăng ký lại khai tử", "", "", LUAT_VA_ND),
    ("1.004772", "Thủ tục đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân", "", "",
     LUAT_HO_TICH),
    ("2.000635", "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh", "", "", LUAT_HO_TICH),
    ("1.003583", "Thủ tục đăng ký khai sinh lưu động", "", "", LUAT_HO_TICH),
    ("1.000593", "Thủ tục đăng ký kết hôn lưu động", "", "", LUAT_HO_TICH),
    ("1.000419", "Thủ tục đăng ký khai tử lưu động", "", "", LUAT_HO_TICH),
]
ANNEX_HEADER = ["Số TT", "Mã TTHC", "Tên TTHC", "Thời hạn giải quyết", "Địa điểm thực hiện",
                "Phí, lệ phí", "Căn cứ pháp lý", "Cơ quan thực hiện"]

NATIONAL_HEADER = ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện", "Cơ quan thực hiện",
                   "Cơ quan có thẩm quyền", "Cơ quan được ủy quyền", "Cơ quan phối hợp",
                   "Căn cứ pháp lý", "Thời hạn giải quyết", "Phí, lệ phí"]
UBND_HUYEN = "Ủy ban nhân dân cấp huyện"
NATIONAL_EXTRA = [
    ("2.000528", "Thủ tục đăng ký khai sinh có yếu tố nước ngoài", "Cấp Huyện", UBND_HUYEN),
    ("2.000806", "Thủ tục đăng ký kết hôn có yếu tố nước ngoài", "Cấp Huyện", UBND_HUYEN),
]

REGISTER_HEADER = ["STT", "Số hiệu", "Ngày ban hành", "Cơ quan ban hành", "Loại", "Thẩm quyền",
                   "Bên nhận", "Hiệu lực từ", "Hiệu lực đến", "Nguồn lực", "Cơ quan kiểm tra",
                   "Ghi chú"]
TINH = "UBND tỉnh Trà Vinh"
SO_XAY_DUNG = "Sở Xây dựng tỉnh Trà Vinh"
THANH_TRA = "Thanh tra tỉnh Trà Vinh"
# Powers of data/powers/ (Luật Xây dựng 50/2014/QH13 as amended by 62/2020/QH14; Luật Hộ tịch
# 60/2014/QH13; Luật Đất đai 31/2024/QH15), cited by label or by IRI as registers may do.
P_GPXD_TINH = ("Cấp giấy phép xây dựng đối với công trình phải có giấy phép trên địa bàn tỉnh, "
               "trừ công trình cấp III, cấp IV và nhà ở riêng lẻ")
P_CONG_TRINH_TAM = "id:power/chap-thuan-cong-trinh-xay-dung-tam"
P_GPXD_HUYEN = "Cấp giấy phép xây dựng đối với công trình cấp III, cấp IV và nhà ở riêng lẻ"
P_KHAI_SINH_NN = "Đăng ký khai sinh có yếu tố nước ngoài"
P_KET_HON_NN = "Đăng ký kết hôn có yếu tố nước ngoài"
P_CAI_CHINH = ("Đăng ký thay đổi, cải chính hộ tịch cho công dân Việt Nam từ đủ 14 tuổi trở lên "
               "cư trú ở trong nước; xác định lại dân tộc")
P_GIAO_DAT = ("Quyết định giao đất, cho thuê đất, cho phép chuyển mục đích sử dụng đất đối với "
              "cá nhân")
D = dt.datetime

# STT, Số hiệu, Ngày ban hành, Cơ quan ban hành, Loại, Thẩm quyền, Bên nhận, Hiệu lực từ,
# Hiệu lực đến, Nguồn lực, Cơ quan kiểm tra, Ghi chú — dates in the forms registers use
# (date cells, dd/mm/yyyy, d/m/yyyy, yyyy-mm-dd, an Excel serial number).
REGISTER_ROWS = [
    [1, "15/2023/QĐ-UBND", D(2023, 7, 20), TINH, "Phân cấp", P_GPXD_TINH, "UBND cấp huyện",
     D(2023, 8, 1), "30/06/2025", "Kinh phí 300 triệu đồng/năm từ ngân sách tỉnh",
     f"{SO_XAY_DUNG}; {THANH_TRA}", "Cấp huyện kết thúc hoạt động từ 01/7/2025"],
    [2, "1520/QĐ-UBND", "05/09/2023", TINH, "ủy quyền", P_GPXD_TINH, SO_XAY_DUNG, "10/9/2023",
     "31/12/2024", "Bổ sung 02 biên chế công chức cho Sở Xây dựng", THANH_TRA,
     "Giám đốc Sở Xây dựng không được ủy quyền tiếp; báo cáo UBND tỉnh hằng năm"],
    [3, "1520/QĐ-UBND", "2023-09-05", TINH, "Ủy quyền", P_CONG_TRINH_TAM, SO_XAY_DUNG,
     "2023-09-10", "2024-12-31", "Sử dụng kinh phí chi thường xuyên đã giao cho Sở Xây dựng",
     THANH_TRA, ""],
    [4, "2145/QĐ-UBND", D(2024, 12, 12), "Chủ tịch UBND tỉnh Trà Vinh", "Ủy quyền", P_GPXD_TINH,
     SO_XAY_DUNG, D(2025, 1, 1), D(2025, 6, 30), "Kinh phí 200.000.000 đồng", THANH_TRA,
     "Tiếp tục ủy quyền sau khi Quyết định 1520/QĐ-UBND hết thời hạn"],
    [5, "05/2024/QĐ-UBND", D(2024, 3, 15), "UBND huyện Cầu Kè", "Phân cấp", P_GPXD_HUYEN,
     "UBND cấp xã", D(2024, 4, 1), None, "Kinh phí 50.000.000 đồng/năm cho mỗi xã, thị trấn",
     "UBND huyện Cầu Kè", ""],
    [6, "312/QĐ-UBND", D(2024, 5, 2), "UBND huyện Tiểu Cần", "Ủy quyền", P_KHAI_SINH_NN,
     "UBND xã Hiếu Tử", 45422, D(2024, 12, 31), "Hỗ trợ 20 triệu đồng trang bị tủ lưu trữ",
     "UBND huyện Tiểu Cần", ""],
    [7, "08/2024/QĐ-UBND", D(2024, 6, 20), "UBND huyện Càng Long", "Phân cấp", P_KET_HON_NN,
     "UBND cấp xã", D(2024, 7, 1), None, "Kinh phí 40 triệu đồng/năm",
     "UBND huyện Càng Long", "Không được phân cấp tiếp"],
    [8, "11/2024/QĐ-UBND", D(2024, 8, 5), "UBND huyện Cầu Ngang", "Phân cấp", P_CAI_CHINH,
     "UBND cấp xã", D(2024, 8, 15), None, "01 biên chế công chức và kinh phí 30 triệu đồng/năm",
     "UBND huyện Cầu Ngang", ""],
    [9, "1088/QĐ-UBND", D(2025, 3, 3), "UBND huyện Trà Cú", "Ủy quyền", P_GPXD_HUYEN,
     "UBND cấp xã", D(2025, 3, 10), D(2025, 6, 30), "Kinh phí 15 triệu đồng; không bổ sung biên chế",
     "UBND huyện Trà Cú", ""],
    [10, "03/2024/QĐ-UBND", D(2024, 1, 10), "UBND thị xã Duyên Hải", "Phân cấp", P_KHAI_SINH_NN,
     "UBND cấp xã", D(2024, 1, 20), None, "Kinh phí 25 triệu đồng/năm",
     "UBND thị xã Duyên Hải", ""],
    [11, "2290/QĐ-UBND", D(2024, 10, 18), TINH, "Ủy quyền", P_CONG_TRINH_TAM, "id:agency/ubnd-847",
     D(2024, 11, 1), D(2025, 6, 30), "Kinh phí 80 triệu đồng", SO_XAY_DUNG,
     "Bên nhận ghi bằng IRI (Ủy ban nhân dân huyện Châu Thành, tỉnh Trà Vinh)"],
    [12, "21/2024/QĐ-UBND", D(2024, 11, 25), "UBND thành phố Trà Vinh", "Phân cấp", P_CAI_CHINH,
     "UBND cấp xã", D(2024, 12, 1), None, "Kinh phí 35 triệu đồng/năm",
     "UBND thành phố Trà Vinh", ""],
]

# The faulty register: row 1 is fine; each other row breaks one thing.
BAD_ROWS = [
    [1, "1520/QĐ-UBND", D(2023, 9, 5), TINH, "Ủy quyền", P_GPXD_TINH, SO_XAY_DUNG,
     D(2023, 9, 10), D(2024, 12, 31), "Kinh phí chi thường xuyên", THANH_TRA, "Dòng đúng"],
    [2, "1521/QĐ-UBND", D(2023, 9, 5), TINH, "Ủy quyền", P_CONG_TRINH_TAM,
     "Sở Xây dng tỉnh Trà Vinh", D(2023, 9, 10), D(2024, 12, 31), "", THANH_TRA,
     "Lỗi: tên cơ quan nhận gõ sai"],
    [3, "1522/QĐ-UBND", D(2023, 9, 6), TINH, "Ủy quyền", P_CONG_TRINH_TAM, SO_XAY_DUNG,
     D(2023, 9, 10), None, "", THANH_TRA, "Lỗi: ủy quyền không có thời hạn"],
    [4, "420/QĐ-UBND", D(2024, 5, 2), "UBND huyện Cầu Kè", "Ủy quyền", P_GPXD_HUYEN,
     "UBND tỉnh Trà Vinh", D(2024, 5, 10), D(2024, 12, 31), "", "UBND huyện Cầu Kè",
     "Lỗi: ủy quyền cho cấp trên"],
    [5, "1523/QĐ-UBND", D(2023, 9, 6), TINH, "Ủy quyền", P_GPXD_TINH, SO_XAY_DUNG,
     "31/02/2024", D(2024, 12, 31), "", THANH_TRA, "Lỗi: ngày không có thật"],
    [6, "09/2024/QĐ-UBND", D(2024, 9, 9), "UBND huyện Cầu Kè", "Phân cấp", P_GIAO_DAT,
     "UBND cấp xã", D(2024, 9, 20), None, "Kinh phí 10 triệu đồng", "UBND huyện Cầu Kè",
     "Lỗi: thẩm quyền luật cấm phân cấp, ủy quyền"],
]


def _sheet(book: Workbook, title: str, titles: list[str], header: list[str]):
    ws = book.active
    ws.title = title
    for text in titles:
        ws.append([text])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row,
                       end_column=len(header))
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        ws.cell(ws.max_row, 1).alignment = Alignment(horizontal="center", wrap_text=True)
    ws.append([])
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    return ws


def _group(ws, text: str, width: int) -> None:
    ws.append([text])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
    ws.cell(ws.max_row, 1).font = Font(bold=True)


def _save(book: Workbook, path: Path) -> None:
    """Save with fixed timestamps so that the bytes do not change from run to run."""
    book.properties.creator = "thamquyen samples/make_samples.py"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = _fixed_core(data)
            info = zipfile.ZipInfo(item.filename, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)


def _fixed_core(data: bytes) -> bytes:
    import re
    return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                  rb"\g<1>2025-01-01T00:00:00Z\g<2>", data)


def make_annex(path: Path) -> None:
    """The annex of a “công bố danh mục TTHC” decision for the commune level."""
    book = Workbook()
    ws = _sheet(book, "Phụ lục", [
        "PHỤ LỤC",
        "DANH MỤC THỦ TỤC HÀNH CHÍNH LĨNH VỰC HỘ TỊCH THUỘC THẨM QUYỀN GIẢI QUYẾT CỦA ỦY BAN "
        "NHÂN DÂN CẤP XÃ TRÊN ĐỊA BÀN TỈNH TRÀ VINH",
        ILLUSTRATIVE], ANNEX_HEADER)
    _group(ws, "A. THỦ TỤC HÀNH CHÍNH CẤP XÃ", len(ANNEX_HEADER))
    _group(ws, "I. Lĩnh vực Hộ tịch", len(ANNEX_HEADER))
    for i, (code, name, time, fee, basis) in enumerate(PROCEDURES_XA, start=1):
        ws.append([i, code, name, time or None, PLACE_XA, fee or None, basis, UBND_XA])
        if i == 8:
            ws.append([])
    _save(book, path)


def make_national_csv(path: Path) -> None:
    """Records with the national procedure database's column names (comma, UTF-8)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(NATIONAL_HEADER)
    for code, name, time, fee, basis in PROCEDURES_XA[:6]:
        writer.writerow([code, name, "Hộ tịch", "Cấp Xã", UBND_XA, UBND_XA, "", "", basis,
                         time, fee])
    for code, name, level, authority in NATIONAL_EXTRA:
        writer.writerow([code, name, "Hộ tịch", level, authority, authority, "", "",
                         LUAT_HO_TICH, "", ""])
    path.write_text(out.getvalue(), encoding="utf-8")


def make_register(path: Path, rows: list[list], title: str) -> None:
    """A delegation register as a Sở Nội vụ keeps it."""
    book = Workbook()
    ws = _sheet(book, "Sổ đăng ký", [title, "Sở Nội vụ tỉnh Trà Vinh", ILLUSTRATIVE],
                REGISTER_HEADER)
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "DD/MM/YYYY"
    _save(book, path)


def main() -> None:
    """Write the four samples beside this script."""
    make_annex(HERE / "danh-muc-tthc-cap-xa.xlsx")
    make_national_csv(HERE / "tthc-csdl-quoc-gia.csv")
    make_register(HERE / "so-dang-ky-phan-cap-uy-quyen.xlsx", REGISTER_ROWS,
                  "SỔ ĐĂNG KÝ VĂN BẢN PHÂN CẤP, ỦY QUYỀN")
    make_register(HERE / "so-dang-ky-loi.xlsx", BAD_ROWS,
                  "SỔ ĐĂNG KÝ VĂN BẢN PHÂN CẤP, ỦY QUYỀN (BẢN CÓ LỖI ĐỂ KIỂM THỬ)")


if __name__ == "__main__":
    main()
