"""`thamquyen validate`: SHACL-validate ontology + data (+ extra files) for people and CI."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .clitext import say
from .progress import Phases
from .reports import render_json, render_junit, render_text, render_turtle
from .validation import ENGINES, FAIL_ON, load_shapes, validate_files
from .validationcache import validate_with_cache

EXIT_OK, EXIT_FAIL = 0, 1


def register(sub: argparse._SubParsersAction) -> None:
    """Add the validate sub-command."""
    p = sub.add_parser("validate", help=say("kiểm tra SHACL ontology + data (+ tệp thêm)",
                                            "SHACL-validate ontology + data (+ extra files)"),
                       description=say("Kiểm tra ontology/ + data/ và các tệp, thư mục Turtle "
                                       "thêm vào theo các quy tắc SHACL (shapes/). Mã thoát 0 "
                                       "đạt, 1 không đạt, 2 dữ liệu vào sai.",
                                       "SHACL-validate ontology/ + data/ and the extra Turtle "
                                       "files or folders given. Exit 0 conforms, 1 fails, 2 bad "
                                       "input."))
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help=say("tệp hoặc thư mục Turtle kiểm tra cùng dữ liệu có sẵn",
                            "extra Turtle files or folders to validate with the shipped data"))
    p.add_argument("--format", choices=("text", "json", "turtle", "junit"), default="text",
                   help=say("dạng báo cáo", "report format"))
    p.add_argument("--lang", choices=("vi", "en"), default="vi",
                   help=say("ngôn ngữ của báo cáo (mặc định vi)",
                            "language of the text report (default vi)"))
    p.add_argument("--fail-on", choices=tuple(FAIL_ON), default="violation",
                   help=say("mức thấp nhất làm mã thoát thành 1 (mặc định violation); "
                            "conforms của báo cáo theo SHACL (sai khi có bất kỳ kết quả nào), "
                            "fails theo tùy chọn này",
                            "lowest severity that makes the exit code 1 (default violation); the "
                            "report's conforms is SHACL's (false with any result), its fails "
                            "follows this option"))
    p.add_argument("--no-data", action="store_true",
                   help=say("chỉ kiểm tra ontology + các tệp đã cho, không kèm data/",
                            "validate only ontology + the given paths, without data/"))
    p.add_argument("--engine", choices=ENGINES, default=None,
                   help=say("bộ kiểm tra SHACL: turbo (mặc định: pyshacl-turbo, ràng buộc SPARQL "
                            "chạy một lần cho mọi đối tượng), turbo-per-node (pyshacl-turbo "
                            "riêng), pyshacl (bản tham chiếu, chậm)",
                            "SHACL engine: turbo (default: pyshacl-turbo, with the SPARQL "
                            "constraints run once over all their targets), turbo-per-node "
                            "(pyshacl-turbo alone), pyshacl (the reference, slow)"))
    p.add_argument("--no-cache", action="store_true",
                   help=say("kiểm tra lại toàn bộ, không dùng báo cáo đã lưu của dữ liệu có sẵn "
                            "(thư mục làm việc, validation/)",
                            "validate everything again, without the stored report of the "
                            "shipped data (working folder, validation/)"))
    p.add_argument("-q", "--quiet", action="store_true",
                   help=say("không báo tiến độ các bước trên stderr",
                            "no progress of the phases on stderr"))
    p.add_argument("-o", "--output", type=Path,
                   help=say("ghi báo cáo vào tệp này", "write the report to this file"))
    p.set_defaults(handler=run)


def _cached(args: argparse.Namespace) -> bool:
    """Whether the stored report of the shipped data may be used (validationcache): the
    default engine, with data/, a report that is not the engine's own graph (Turtle)."""
    engine = args.engine or os.environ.get("THAMQUYEN_SHACL_ENGINE", "turbo")
    return (engine == "turbo" and not args.no_data and not args.no_cache
            and args.format != "turtle")


def run(args: argparse.Namespace) -> int:
    """Validate and print the report; the exit code follows --fail-on."""
    shapes = load_shapes()
    phases = Phases.silent() if args.quiet else Phases(3, args.lang)
    try:
        if _cached(args):
            report = validate_with_cache(args.paths, shapes, phases)
        else:
            report = validate_files(args.paths, include_data=not args.no_data,
                                    engine=args.engine, shapes=shapes, phases=phases)
    finally:
        phases.close()
    report.fail_on = FAIL_ON[args.fail_on]
    if args.format == "json":
        out = render_json(report)
    elif args.format == "turtle":
        out = render_turtle(report)
    elif args.format == "junit":
        out = render_junit(report, shapes, args.lang)
    else:
        out = render_text(report, args.lang)
    if args.output:
        args.output.write_text(out, encoding="utf-8")
    else:
        sys.stdout.write(out)
    return EXIT_FAIL if report.fails else EXIT_OK
