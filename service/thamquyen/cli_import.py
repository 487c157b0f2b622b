"""`thamquyen import procedures|delegations FILE -o OUT.ttl [PATH…]`: spreadsheets → Turtle.

Exit 0: OUT.ttl written; 1: rows rejected, nothing written; 2: unreadable file, missing
required column or bad arguments."""

from __future__ import annotations

import argparse
from pathlib import Path

from .importers import IMPORTERS, Options, run_import

HELP = {
    "procedures": ("nhập danh mục thủ tục hành chính (CSDL quốc gia hoặc phụ lục quyết định "
                   "công bố)", "Import a procedure list: a national procedure-database export "
                   "or the annex of a \"công bố danh mục TTHC\" decision (xlsx or csv)."),
    "delegations": ("nhập sổ đăng ký phân cấp, ủy quyền",
                    "Import a delegation register (one row per decision; xlsx or csv)."),
}


def register(sub: argparse._SubParsersAction) -> None:
    """Add the import sub-command and its two kinds."""
    p = sub.add_parser("import", help="nhập bảng tính (xlsx/csv) thành Turtle",
                       description="Turn a published procedure list or a delegation register "
                                   "into Turtle. Exit 0 written, 1 rows rejected (nothing "
                                   "written), 2 unreadable input.")
    kinds = p.add_subparsers(dest="kind", required=True, metavar="KIND")
    for kind, (help_vi, description) in HELP.items():
        k = kinds.add_parser(kind, help=help_vi, description=description)
        k.add_argument("file", type=Path, metavar="FILE",
                       help=".xlsx, or .csv in UTF-8 separated by commas or semicolons")
        k.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.ttl",
                       help="Turtle file to write (only when every row passes)")
        k.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help="extra Turtle files or folders joined to the graph for matching "
                            "and validation")
        k.add_argument("--lang", choices=("vi", "en"), default="vi",
                       help="language of the report (default vi)")
        k.add_argument("-q", "--quiet", action="store_true",
                       help="no progress bar, shorter summary")
        k.add_argument("--full-validation", action="store_true",
                       help="validate on the whole graph instead of the part the new rows touch "
                            "(same result, much slower on national data)")
        k.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run one import and return its exit code."""
    importer = IMPORTERS[args.kind]()
    return run_import(importer, args.file, args.output, args.paths,
                      Options(lang=args.lang, quiet=args.quiet,
                              full_validation=args.full_validation))
