"""`thamquyen serve` (the HTTP service) and `thamquyen load` (fill a remote SPARQL store)."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import re
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from . import progress
from .api.settings import environment_help, from_env
from .clitext import say
from .loaddelta import added_request, dropped, file_hashes, last_load, part_lines
from .rdfio import InputError, display_path, read_turtle
from .remote import load_mark
from .store import (
    OutcomeUnknown,
    RemoteSettings,
    RemoteStore,
    StoreError,
    content_hash,
    knowledge_sources,
)

EXIT_OK, EXIT_FAIL = 0, 2
DEFAULT_BATCH_MB = 100.0  # below the 128 MiB body limit of `oxigraph serve`
GRAPH_BATCH_MB = 0.1
log = logging.getLogger("thamquyen.load")
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\]+$")


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
    p.add_argument("--web-processes", type=int,
                   help=say("số tiến trình web trên kho nhúng, mỗi tiến trình có tiến trình truy "
                            "vấn và giới hạn riêng (mặc định 1)",
                            "web processes on the embedded store, each with its own workers and "
                            "limits (default 1)"))
    p.add_argument("--refresh-interval", type=float,
                   help=say("số giây giữa hai lần kiểm tra dấu vân tay của kho từ xa; khi đổi, "
                            "chỉ mục mới được thay vào mà không dừng dịch vụ (mặc định 30, 0: không)",
                            "seconds between checks of the remote store's fingerprint; a change "
                            "swaps in a fresh index without stopping (default 30, 0: never)"))
    p.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"))
    p.set_defaults(handler=run_serve)

    p = sub.add_parser(
        "load", help=say("nạp ontology + data (+ tệp thêm) vào kho SPARQL từ xa",
                         "upload ontology + data (+ extra files) to a remote SPARQL store"),
        description="Upload ontology/ + data/ (+ PATHs) to a remote SPARQL 1.1 store, replacing "
                    "its default graph: one SPARQL Update request `CLEAR DEFAULT ; INSERT DATA "
                    "{ … }`, so the store changes all at once. Above --batch-mb (or with "
                    "--graph) the batches go into a staging graph that one last request MOVEs "
                    "onto the target: still all at once. When the store's last load is all still "
                    "there unchanged and files were only added, one request adds the new files' "
                    "triples (--full: replace anyway). Every file is parsed before anything "
                    "is sent. Exit 0 loaded, 2 unreadable input or store.")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help=say("tệp hoặc thư mục Turtle nạp cùng dữ liệu có sẵn",
                            "extra Turtle files or folders to load with the shipped data"))
    add_remote_options(p, required=True)
    p.add_argument("--batch-mb", type=float,
                   help=f"largest single update request in MB (default {DEFAULT_BATCH_MB:g}; "
                        f"with --graph {GRAPH_BATCH_MB:g}: Virtuoso refuses larger updates, and "
                        "the staging graph keeps the load atomic whatever the size)")
    p.add_argument("--full", action="store_true",
                   help=say("luôn thay toàn bộ đồ thị, kể cả khi chỉ có tệp mới được thêm",
                            "replace the whole graph even when files were only added"))
    p.set_defaults(handler=run_load)


def add_remote_options(p: argparse.ArgumentParser, required: bool, update: bool = True) -> None:
    """--endpoint, --update-endpoint, --user, --password, --auth, --graph, --timeout."""
    p.add_argument("--endpoint", required=required, metavar="QUERY_URL",
                   help=say("địa chỉ truy vấn của kho SPARQL từ xa",
                            "query URL of the remote SPARQL store"))
    if update:
        p.add_argument("--update-endpoint", required=required, metavar="UPDATE_URL",
                       help=say("địa chỉ cập nhật của kho SPARQL từ xa",
                                "update URL of the remote SPARQL store"))
    p.add_argument("--user", help=say("tên đăng nhập kho từ xa", "user name for the remote store"))
    p.add_argument("--password", help=say("mật khẩu kho từ xa", "password for the remote store"))
    p.add_argument("--auth", choices=("basic", "digest"),
                   help=say("xác thực HTTP: basic (mặc định) hoặc digest (/sparql-auth của Virtuoso)",
                            "HTTP authentication: basic (default) or digest (Virtuoso /sparql-auth)"))
    p.add_argument("--graph", metavar="IRI",
                   help=say("chế độ đồ thị có tên: dữ liệu nằm trong đồ thị này (đọc như đồ thị "
                            "mặc định của mọi truy vấn; `load` thay nó) — cho kho không ghi được "
                            "đồ thị mặc định, như Virtuoso",
                            "named-graph mode: the data lives in this graph (read as the default "
                            "graph of every query; `load` replaces it) — for stores whose default "
                            "graph is not writable, such as Virtuoso"))
    p.add_argument("--timeout", type=float,
                   help=say("số giây chờ kho từ xa (mặc định 30)",
                            "seconds to wait for the remote store (default 30)"))


def remote_settings(args: argparse.Namespace) -> RemoteSettings | None:
    """The remote store of the command line and THAMQUYEN_* variables (None: embedded)."""
    env = from_env()
    endpoint = args.endpoint or env.endpoint
    if not endpoint:
        return None
    graph = args.graph or env.graph
    if graph is not None and not _ABSOLUTE.match(graph):
        raise InputError(f"--graph phải là một IRI tuyệt đối, không phải “{graph}”.",
                         f"--graph must be an absolute IRI, not “{graph}”.")
    return RemoteSettings(query_url=endpoint,
                          update_url=getattr(args, "update_endpoint", None) or env.update_endpoint,
                          user=args.user or env.user, password=args.password or env.password,
                          timeout=args.timeout or env.timeout, auth=args.auth or env.auth,
                          graph=graph)


def run_serve(args: argparse.Namespace) -> int:
    """Open the store (errors exit 2 before the server starts), then run uvicorn."""
    import uvicorn

    from .api.app import create_app
    from .api.server import serve_in_processes, server_config
    from .kb import open_kb

    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    settings = from_env().with_options(
        host=args.host, port=args.port, paths=tuple(args.paths) or None, endpoint=args.endpoint,
        update_endpoint=args.update_endpoint, user=args.user, password=args.password,
        timeout=args.timeout, query_timeout=args.query_timeout, row_limit=args.row_limit,
        max_upload_mb=args.max_upload_mb, workdir=args.workdir, sparql_workers=args.sparql_workers,
        validation_timeout=getattr(args, "validation_timeout", None),
        max_validate_triples=getattr(args, "max_validate_triples", None),
        max_blank_depth=getattr(args, "max_blank_depth", None),
        auth=args.auth, graph=args.graph, refresh_interval=args.refresh_interval,
        web_processes=getattr(args, "web_processes", None))
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
    if settings.web_processes > 1 and kb is not None and not settings.endpoint:
        serve_in_processes(settings, kb, settings.web_processes, args.log_level)
        return EXIT_OK
    app = create_app(settings, kb)
    uvicorn.Server(server_config(app, settings, args.log_level)).run()
    return EXIT_OK


def _batches(files: Sequence[tuple[Path, list[ox.Triple]]], limit: int) -> list[list[str]]:
    """N-Triples lines in batches of at most `limit` bytes. A file with blank nodes stays whole
    (a blank node never crosses a request); one without them may be split."""
    batches: list[list[str]] = [[]]
    size = 0
    for _, triples in files:
        lines = [f"{t.subject} {t.predicate} {t.object} ." for t in triples]
        whole = any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
                    for t in triples)
        for part in [lines] if whole else _chunks(lines, limit):
            length = sum(len(line.encode("utf-8")) + 1 for line in part)
            if batches[-1] and size + length > limit:
                batches.append([])
                size = 0
            batches[-1].extend(part)
            size += length
    return batches


def _chunks(lines: list[str], limit: int) -> list[list[str]]:
    """Consecutive runs of lines of at most `limit` bytes (at least one line each)."""
    chunks: list[list[str]] = [[]]
    size = 0
    for line in lines:
        length = len(line.encode("utf-8")) + 1
        if chunks[-1] and size + length > limit:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += length
    return chunks


def update_requests(files: Sequence[tuple[Path, list[ox.Triple]]], limit: int,
                    graph: str | None = None, mark: Sequence[str] = (),
                    drop: str = "") -> list[str]:
    """The SPARQL Update requests, each at most about `limit` bytes; the store changes at once.

    Everything in one request into the default graph: `CLEAR DEFAULT ; INSERT DATA { … }`.
    Otherwise (several requests, or a named graph): every batch goes into a fresh staging
    graph, and a last request moves it onto the target (MOVE replaces the target in one
    operation, so readers never see half a load). `drop`: operations done with that change
    (the last add-only load's graph dropped)."""
    batches = _batches(files, limit)
    batches[0] = [*mark, *batches[0]]
    if graph is None and len(batches) == 1:
        return [drop + "CLEAR DEFAULT ;\nINSERT DATA {\n" + "\n".join(batches[0]) + "\n}\n"]
    staging = f"urn:x-thamquyen:loading:{uuid.uuid4().hex}"
    requests = [(f"DROP SILENT GRAPH <{staging}> ;\n" if number == 0 else "")
                + _insert(staging, lines) for number, lines in enumerate(batches)]
    target = f"GRAPH <{graph}>" if graph else "DEFAULT"
    return [*requests, f"{drop}MOVE SILENT GRAPH <{staging}> TO {target}\n"]


def _insert(graph: str, lines: list[str]) -> str:
    """INSERT DATA into the graph (fast on every store), or, when the lines have blank nodes,
    INSERT … WHERE {} (Virtuoso refuses blank nodes in INSERT DATA)."""
    body = "\n".join(lines)
    if "_:" in body:
        return f"INSERT {{ GRAPH <{graph}> {{\n{body}\n}} }} WHERE {{}}\n"
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}\n"


def outcome_unknown(number: int, total: int, exc: Exception) -> str:
    """The message when the store stopped answering after it got an update request."""
    before = f"{number}/{total} phần trước đã được ghi; " if number else ""
    return (f"Lỗi: kho dữ liệu ngắt kết nối sau khi nhận yêu cầu ghi {number + 1}/{total}: KHÔNG "
            f"BIẾT yêu cầu đó đã được ghi hay chưa ({before}hãy kiểm tra kho, ví dụ đếm bộ ba, rồi "
            f"chạy lại `thamquyen load`) — the store dropped the connection after receiving update "
            f"{number + 1}/{total}: the outcome is unknown; check the store (e.g. count its "
            f"triples) and run `thamquyen load` again: {exc}")


def run_load(args: argparse.Namespace) -> int:
    """Parse everything first (bad Turtle: nothing sent), then replace the remote default graph
    (or, with --graph, that named graph)."""
    remote = remote_settings(args)
    assert remote is not None  # --endpoint is required
    sources = knowledge_sources(args.paths)
    progress.step(f"Đọc {len(sources)} tệp Turtle…", f"Reading {len(sources)} Turtle files…")
    files = [(f, read_turtle(f)) for f in sources]
    count = sum(len(t) for _, t in files)
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    hashes = file_hashes(sources)
    content = content_hash(sources)
    mark = [*load_mark(content, when), *part_lines(hashes)]
    batch_mb = args.batch_mb or (GRAPH_BATCH_MB if remote.graph else DEFAULT_BATCH_MB)
    limit = int(batch_mb * 1024 * 1024)
    store = RemoteStore(remote)
    try:
        before = last_load(store)
    except StoreError as exc:
        print(f"Lỗi: không đọc được kho dữ liệu, không có gì được ghi — the store cannot be read, "
              f"nothing was written: {exc}", file=sys.stderr)
        return EXIT_FAIL
    added = None if args.full else added_request(files, hashes, before, mark, limit, remote.graph,
                                                 content)
    requests = [added] if added else update_requests(files, limit, remote.graph, mark,
                                                     dropped(before))
    for number, update in enumerate(requests):
        progress.step(f"Gửi yêu cầu ghi {number + 1}/{len(requests)} ({len(update) / 1e6:.1f} MB)…",
                      f"Sending update {number + 1}/{len(requests)} ({len(update) / 1e6:.1f} MB)…")
        try:
            store.update(update)
        except OutcomeUnknown as exc:
            print(outcome_unknown(number, len(requests), exc), file=sys.stderr)
            return EXIT_FAIL
        except StoreError as exc:
            print(f"Lỗi: kho dữ liệu không nhận dữ liệu ({_written(number, len(requests), remote)})"
                  f" — the store refused the upload: {exc}", file=sys.stderr)
            return EXIT_FAIL
    note = "" if len(requests) == 1 else f" ({len(requests)} yêu cầu qua đồ thị tạm, đổi một lần)"
    if added:
        note = " (chỉ thêm các tệp mới — only the new files were added)"
    target = f"đồ thị <{remote.graph}> của " if remote.graph else ""
    print(f"Đã nạp {count} bộ ba từ {len(files)} tệp vào {target}{remote.update_url}{note}.")
    for f, triples in files:
        print(f"  {display_path(f)}: {len(triples)}")
    return EXIT_OK


def _written(number: int, total: int, remote: RemoteSettings) -> str:
    """What a failed load left in the store, in Vietnamese: nothing, since the data only
    changes with the last request (one request, or the MOVE of the staging graph)."""
    if total > 1 and number > 0:
        return "dữ liệu không thay đổi; phần đã gửi nằm trong một đồ thị tạm urn:x-thamquyen:loading:…"
    return "không có gì được ghi"
