"""`thamquyen import procedures|delegations FILE -o OUT.ttl [PATH…]`: spreadsheets → Turtle.

Exit 0: OUT.ttl written; 1: rows rejected, nothing written; 2: unreadable file, missing
required column or bad arguments."""

from __future__ import annotations

import argparse
from pathlib import Path

from .clitext import say
from .importers import IMPORTERS, Options, run_import

HELP = {  # kind: (help vi, help en, description vi, description en)
    "procedures": ("nhập danh mục thủ tục hành chính (CSDL quốc gia hoặc phụ lục quyết định "
                   "công bố)", "import a procedure list",
                   "Nhập danh mục thủ tục hành chính: tệp xuất từ CSDL quốc gia về thủ tục hành "
                   "chính hoặc phụ lục của quyết định công bố danh mục TTHC (xlsx hoặc csv).",
                   "Import a procedure list: a national procedure-database export "
                   "or the annex of a \"công bố danh mục TTHC\" decision (xlsx or csv)."),
    "delegations": ("nhập sổ đăng ký phân cấp, ủy quyền", "import a delegation register",
                    "Nhập sổ đăng ký phân cấp, ủy quyền (mỗi quyết định một dòng; xlsx hoặc "
                    "csv).", "Import a delegation register (one row per decision; xlsx or csv)."),
}


def register(sub: argparse._SubParsersAction) -> None:
    """Add the import sub-command and its two kinds."""
    p = sub.add_parser("import", help=say("nhập bảng tính (xlsx/csv) thành Turtle",
                                          "turn a spreadsheet (xlsx/csv) into Turtle"),
                       description=say("Chuyển danh mục thủ tục đã công bố hoặc sổ đăng ký phân "
                                       "cấp, ủy quyền thành Turtle. Mã thoát 0 đã ghi, 1 có dòng "
                                       "bị từ chối (không ghi gì), 2 không đọc được tệp.",
                                       "Turn a published procedure list or a delegation register "
                                       "into Turtle. Exit 0 written, 1 rows rejected (nothing "
                                       "written), 2 unreadable input."))
    kinds = p.add_subparsers(dest="kind", required=True, metavar="KIND",
                             title=say("loại bảng", "kinds"))
    for kind, (help_vi, help_en, text_vi, text_en) in HELP.items():
        k = kinds.add_parser(kind, help=say(help_vi, help_en), description=say(text_vi, text_en))
        k.add_argument("file", type=Path, metavar="FILE",
                       help=say(".xlsx, hoặc .csv UTF-8 phân cách bằng dấu phẩy hoặc chấm phẩy",
                                ".xlsx, or .csv in UTF-8 separated by commas or semicolons"))
        k.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.ttl",
                       help=say("tệp Turtle sẽ ghi (chỉ khi mọi dòng đều đạt)",
                                "Turtle file to write (only when every row passes)"))
        k.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help=say("tệp hoặc thư mục Turtle thêm vào đồ thị để đối chiếu tên và "
                                "kiểm tra", "extra Turtle files or folders joined to the graph "
                                           "for matching and validation"))
        k.add_argument("--lang", choices=("vi", "en"), default="vi",
                       help=say("ngôn ngữ của báo cáo (mặc định vi)",
                                "language of the report (default vi)"))
        k.add_argument("-q", "--quiet", action="store_true",
                       help=say("không hiện thanh tiến độ, tóm tắt ngắn hơn",
                                "no progress bar, shorter summary"))
        k.add_argument("--full-validation", action="store_true",
                       help=say("kiểm tra trên toàn đồ thị thay vì phần các dòng mới chạm tới "
                                "(cùng kết quả, chậm hơn nhiều với dữ liệu toàn quốc)",
                                "validate on the whole graph instead of the part the new rows "
                                "touch (same result, much slower on national data)"))
        k.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run one import and return its exit code."""
    importer = IMPORTERS[args.kind]()
    return run_import(importer, args.file, args.output, args.paths,
                      Options(lang=args.lang, quiet=args.quiet,
                              full_validation=args.full_validation))
