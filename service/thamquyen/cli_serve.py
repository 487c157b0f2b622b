"""`thamquyen serve` (the HTTP service) and `thamquyen load` (fill a remote SPARQL store)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from .api.settings import environment_help, from_env
from .clitext import say
from .rdfio import InputError, display_path, read_turtle
from .store import OutcomeUnknown, RemoteSettings, RemoteStore, StoreError, knowledge_sources

EXIT_OK, EXIT_FAIL = 0, 2
DEFAULT_BATCH_MB = 256.0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the serve and load sub-commands."""
    p = sub.add_parser(
        "serve", help=say("chạy dịch vụ HTTP (trang tra cứu, API, /sparql, /id/…)",
                          "run the HTTP service (lookup pages, API, /sparql, /id/…)"),
        description=say("Chạy dịch vụ HTTP trên kho nhúng (dựng từ ontology/ + data/ + PATH "
                        "trong thư mục làm việc) hoặc trên một kho SPARQL từ xa (--endpoint).",
                        "Run the HTTP service on the embedded store (built from ontology/ + "
                        "data/ + PATHs in the working folder) or on a remote SPARQL store "
                        "(--endpoint)."),
        epilog=say("Biến môi trường (tùy chọn dòng lệnh được ưu tiên hơn biến):\n",
                   "Environment variables (a command-line option wins over its variable):\n")
               + environment_help())
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help=say("tệp hoặc thư mục Turtle thêm vào kho nhúng",
                            "extra Turtle files or folders joined to the embedded store"))
    p.add_argument("--host", help=say("địa chỉ lắng nghe (mặc định 127.0.0.1)",
                                      "address to listen on (default 127.0.0.1)"))
    p.add_argument("--port", type=int, help=say("cổng (mặc định 8000)", "port (default 8000)"))
    add_remote_options(p, required=False)
    p.add_argument("--query-timeout", type=float,
                   help=say("số giây tối đa cho một truy vấn /sparql (mặc định 10)",
                            "seconds a /sparql query may run (default 10)"))
    p.add_argument("--row-limit", type=int,
                   help=say("số dòng tối đa của một câu trả lời /sparql (mặc định 10000)",
                            "most rows a /sparql answer carries (default 10000)"))
    p.add_argument("--max-upload-mb", type=float,
                   help=say("tệp gửi lên lớn nhất, MB (mặc định 10)",
                            "largest body POST /api/validate takes (default 10)"))
    p.add_argument("--validation-timeout", type=float,
                   help=say("số giây tối đa cho POST /api/validate trước khi trả 503 (mặc định 30)",
                            "seconds POST /api/validate may take before a 503 (default 30)"))
    p.add_argument("--max-validate-triples", type=int,
                   help=say("số bộ ba tối đa của một tài liệu gửi tới /api/validate (mặc định 50000)",
                            "most triples a document posted to /api/validate may hold (default 50000)"))
    p.add_argument("--max-blank-depth", type=int,
                   help=say("độ lồng nút trống tối đa /api/validate chấp nhận (mặc định 32)",
                            "deepest blank-node nesting /api/validate accepts (default 32)"))
    p.add_argument("--workdir", type=Path,
                   help=say("thư mục làm việc của kho nhúng (mặc định .thamquyen/)",
                            "working folder of the embedded store (default .thamquyen/)"))
    p.add_argument("--sparql-workers", type=int,
                   help=say("số tiến trình chạy truy vấn /sparql (mặc định 2)",
                            "worker processes for /sparql (default 2)"))
    p.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"))
    p.set_defaults(handler=run_serve)

    p = sub.add_parser(
        "load", help=say("nạp ontology + data (+ tệp thêm) vào kho SPARQL từ xa",
                         "upload ontology + data (+ extra files) to a remote SPARQL store"),
        description="Upload ontology/ + data/ (+ PATHs) to a remote SPARQL 1.1 store, replacing "
                    "its default graph: one SPARQL Update request `CLEAR DEFAULT ; INSERT DATA "
                    "{ … }`, so the store changes all at once. Above --batch-mb the upload is "
                    "split by file into several requests (the first one clears). Every file is "
                    "parsed before anything is sent. Exit 0 loaded, 2 unreadable input or store.")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help=say("tệp hoặc thư mục Turtle nạp cùng dữ liệu có sẵn",
                            "extra Turtle files or folders to load with the shipped data"))
    add_remote_options(p, required=True)
    p.add_argument("--batch-mb", type=float, default=DEFAULT_BATCH_MB,
                   help=f"largest single update request in MB (default {DEFAULT_BATCH_MB:g})")
    p.set_defaults(handler=run_load)


def add_remote_options(p: argparse.ArgumentParser, required: bool) -> None:
    """--endpoint, --update-endpoint, --user, --password, --timeout."""
    p.add_argument("--endpoint", required=required, metavar="QUERY_URL",
                   help=say("địa chỉ truy vấn của kho SPARQL từ xa",
                            "query URL of the remote SPARQL store"))
    p.add_argument("--update-endpoint", required=required, metavar="UPDATE_URL",
                   help=say("địa chỉ cập nhật của kho SPARQL từ xa",
                            "update URL of the remote SPARQL store"))
    p.add_argument("--user", help=say("tên đăng nhập kho từ xa (HTTP basic)",
                                      "user name for the remote store (HTTP basic auth)"))
    p.add_argument("--password", help=say("mật khẩu kho từ xa", "password for the remote store"))
    p.add_argument("--timeout", type=float,
                   help=say("số giây chờ kho từ xa (mặc định 30)",
                            "seconds to wait for the remote store (default 30)"))


def run_serve(args: argparse.Namespace) -> int:
    """Open the store (errors exit 2 before the server starts), then run uvicorn."""
    import uvicorn

    from .api.app import create_app
    from .api.server import server_config
    from .kb import open_kb

    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    settings = from_env().with_options(
        host=args.host, port=args.port, paths=tuple(args.paths) or None, endpoint=args.endpoint,
        update_endpoint=args.update_endpoint, user=args.user, password=args.password,
        timeout=args.timeout, query_timeout=args.query_timeout, row_limit=args.row_limit,
        max_upload_mb=args.max_upload_mb, workdir=args.workdir, sparql_workers=args.sparql_workers,
        validation_timeout=getattr(args, "validation_timeout", None),
        max_validate_triples=getattr(args, "max_validate_triples", None),
        max_blank_depth=getattr(args, "max_blank_depth", None))
    if settings.endpoint and settings.paths:
        raise InputError("với kho từ xa, hãy nạp tệp thêm bằng `thamquyen load`, không phải `serve`.",
                         "with a remote store, load extra files with `thamquyen load`, not `serve`.")
    kb = None
    try:
        kb = open_kb(list(settings.paths), remote=settings.remote, persistent=True,
                     workdir=settings.workdir)
    except StoreError as exc:
        print(f"Cảnh báo: chưa kết nối được kho dữ liệu, sẽ thử lại khi có yêu cầu — "
              f"the store is not reachable yet, retrying on requests: {exc}", file=sys.stderr)
    app = create_app(settings, kb)
    uvicorn.Server(server_config(app, settings, args.log_level)).run()
    return EXIT_OK


def _batches(files: Sequence[tuple[Path, list[ox.Triple]]], limit: int) -> list[list[str]]:
    """N-Triples lines grouped by whole files (blank nodes never cross a request), ≤ limit bytes."""
    batches: list[list[str]] = [[]]
    size = 0
    for _, triples in files:
        lines = [f"{t.subject} {t.predicate} {t.object} ." for t in triples]
        length = sum(len(line.encode("utf-8")) + 1 for line in lines)
        if batches[-1] and size + length > limit:
            batches.append([])
            size = 0
        batches[-1].extend(lines)
        size += length
    return batches


def update_requests(files: Sequence[tuple[Path, list[ox.Triple]]], limit: int) -> list[str]:
    """The SPARQL Update requests: the first clears the default graph and inserts."""
    requests = []
    for number, lines in enumerate(_batches(files, limit)):
        head = "CLEAR DEFAULT ;\n" if number == 0 else ""
        requests.append(head + "INSERT DATA {\n" + "\n".join(lines) + "\n}\n")
    return requests


def outcome_unknown(number: int, total: int, exc: Exception) -> str:
    """The message when the store stopped answering after it got an update request."""
    before = f"{number}/{total} phần trước đã được ghi; " if number else ""
    return (f"Lỗi: kho dữ liệu ngắt kết nối sau khi nhận yêu cầu ghi {number + 1}/{total}: KHÔNG "
            f"BIẾT yêu cầu đó đã được ghi hay chưa ({before}hãy kiểm tra kho, ví dụ đếm bộ ba, rồi "
            f"chạy lại `thamquyen load`) — the store dropped the connection after receiving update "
            f"{number + 1}/{total}: the outcome is unknown; check the store (e.g. count its "
            f"triples) and run `thamquyen load` again: {exc}")


def run_load(args: argparse.Namespace) -> int:
    """Parse everything first (bad Turtle: nothing sent), then replace the remote default graph."""
    env = from_env()
    remote = RemoteSettings(query_url=args.endpoint, update_url=args.update_endpoint,
                            user=args.user or env.user, password=args.password or env.password,
                            timeout=args.timeout or env.timeout)
    files = [(f, read_turtle(f)) for f in knowledge_sources(args.paths)]
    count = sum(len(t) for _, t in files)
    requests = update_requests(files, int(args.batch_mb * 1024 * 1024))
    store = RemoteStore(remote)
    for number, update in enumerate(requests):
        try:
            store.update(update)
        except OutcomeUnknown as exc:
            print(outcome_unknown(number, len(requests), exc), file=sys.stderr)
            return EXIT_FAIL
        except StoreError as exc:
            done = "không có gì được ghi" if number == 0 else f"đã ghi {number}/{len(requests)} phần"
            print(f"Lỗi: kho dữ liệu không nhận dữ liệu ({done}) — the store refused the "
                  f"upload: {exc}", file=sys.stderr)
            return EXIT_FAIL
    note = "" if len(requests) == 1 else f" (chia thành {len(requests)} yêu cầu, không nguyên tử)"
    print(f"Đã nạp {count} bộ ba từ {len(files)} tệp vào {remote.update_url}{note}.")
    for f, triples in files:
        print(f"  {display_path(f)}: {len(triples)}")
    return EXIT_OK
