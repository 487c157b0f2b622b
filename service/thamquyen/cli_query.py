"""`thamquyen query`: run a named query of queries/ (the catalog), or list them.

Exit codes: 0 when the query ran — also when it returned no rows (a script tells "no rows"
from the output, e.g. an empty CSV body or `"rows": []`); 2 for bad input (unknown query name,
unknown, missing or malformed parameter, unreadable PATH).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import unicodedata
from pathlib import Path

from .catalog import NamedQuery, column_labels, get, load_catalog, plain, run_named
from .cli_serve import add_remote_options, remote_settings
from .clitext import say
from .kb import open_kb
from .namespaces import PREFIXES
from .rdfio import InputError
from .store import Row, StoreError

EXIT_OK, EXIT_STORE = 0, 2
MAX_CELL = 60


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `query` sub-command."""
    p = sub.add_parser(
        "query", help=say("chạy một truy vấn có tên trong queries/ (--list: danh mục)",
                          "run a named query of queries/ (--list: the catalog)"),
        description=say("Chạy một truy vấn có tên của danh mục (queries/*.rq). Mã thoát 0 khi "
                        "đã chạy, kể cả khi không có dòng nào; 2 khi dữ liệu vào sai.",
                        "Run a named query of the catalog (queries/*.rq). Exit 0 when it ran, "
                        "even with no rows; 2 for bad input."))
    p.add_argument("name", nargs="?", metavar="NAME",
                   help=say("tên truy vấn, ví dụ who-holds", "query name, e.g. who-holds"))
    p.add_argument("--list", action="store_true",
                   help=say("liệt kê các truy vấn và tham số", "list the queries and parameters"))
    p.add_argument("--param", "-p", action="append", default=[], metavar="K=V",
                   help=say("tham số, ví dụ --param at=2024-06-01 (lặp lại cho nhiều tham số)",
                            "a parameter, e.g. --param at=2024-06-01 (repeat for more)"))
    p.add_argument("--format", choices=("table", "csv", "json"), default="table",
                   help=say("bảng có tên cột tiếng Việt, CSV hoặc JSON",
                            "table with readable column names, CSV or JSON"))
    p.add_argument("--lang", choices=("vi", "en"), default="vi",
                   help=say("ngôn ngữ của thông báo và tên cột", "language of messages and "
                                                                 "column names"))
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help=say("tệp hoặc thư mục Turtle thêm vào đồ thị cho lần chạy này",
                            "extra Turtle files or folders joined to the graph for this run"))
    add_remote_options(p, required=False, update=False)
    p.set_defaults(handler=run_query)


def parse_params(items: list[str]) -> dict[str, str]:
    """`k=v` strings into a dict; a malformed one is an InputError."""
    params: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"tham số “{item}” phải có dạng tên=giá-trị, ví dụ at=2024-06-01.",
                             f"parameter “{item}” must look like name=value, e.g. at=2024-06-01.")
        params[key.strip()] = value
    return params


def run_query(args: argparse.Namespace) -> int:
    """Run the named query (or list the catalog) and print the answer."""
    if args.list:
        print_catalog(load_catalog(), args.format, args.lang)
        return EXIT_OK
    if not args.name:
        names = ", ".join(q.name for q in load_catalog())
        raise InputError(f"hãy cho biết tên truy vấn (hoặc --list). Các truy vấn: {names}.",
                         f"give a query name (or --list). Available: {names}.")
    query = get(args.name)
    params = parse_params(args.param)
    remote = remote_settings(args)
    if remote is not None and args.paths:
        raise InputError("với kho từ xa, hãy nạp tệp thêm bằng `thamquyen load`.",
                         "with a remote store, load extra files with `thamquyen load`.")
    try:
        kb = open_kb(args.paths, remote=remote, persistent=not args.paths)
        variables, rows = run_named(kb.store, query, params, kb)
    except StoreError as exc:
        head, _, answer = str(exc).partition("\n\nResponse:")
        detail = " ".join([head.strip(), *answer.strip().splitlines()[:1]])[:500]
        print(f"Lỗi: kho dữ liệu từ chối truy vấn — the store refused the query: {detail}",
              file=sys.stderr)
        return EXIT_STORE
    sys.stdout.write(render(query, params, variables, rows, args.format, args.lang))
    return EXIT_OK


def print_catalog(catalog: list[NamedQuery], fmt: str, lang: str) -> None:
    """The catalog: name, summary and parameters of every query."""
    if fmt == "json":
        print(json.dumps([{"name": q.name, "summary": q.summary, "question": q.question,
                           "params": [{"name": p.name, "type": p.type, "required": p.required,
                                       "default": p.default, "example": p.example,
                                       "description": p.description} for p in q.params],
                           "tags": q.tags} for q in catalog], ensure_ascii=False, indent=2))
        return
    for q in catalog:
        print(f"{q.name}\n  {q.summary.get(lang) or q.summary.get('vi')}")
        for p in q.params:
            need = "bắt buộc" if p.required else (f"mặc định {p.default}" if p.default
                                                 else "tùy chọn")
            if lang == "en":
                need = "required" if p.required else (f"default {p.default}" if p.default
                                                     else "optional")
            print(f"    --param {p.name}=…  ({p.type}, {need}) {p.description}")


def render(query: NamedQuery, params: dict[str, str], variables: list[str], rows: list[Row],
           fmt: str, lang: str) -> str:
    """The answer as an aligned table, CSV, or JSON."""
    if fmt == "json":
        return json.dumps({"query": query.name, "params": params, "variables": variables,
                           "rows": [{v: plain(row.get(v)) for v in variables} for row in rows]},
                          ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(variables)
        writer.writerows([["" if row.get(v) is None else str(row[v]) for v in variables]
                          for row in rows])
        return out.getvalue()
    return table(variables, rows, lang, column_labels(query, variables, lang))


def short(value: str) -> str:
    """An IRI as a prefixed name where one fits (id:…, tq:…), for reading."""
    for prefix, base in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if value.startswith(base) and len(value) > len(base):
            return f"{prefix}:{value[len(base):]}"
    return value


def width(text: str) -> int:
    """Display width of a cell (combining marks take no room)."""
    return sum(0 if unicodedata.combining(c) else 1 for c in text)


def table(variables: list[str], rows: list[Row], lang: str,
          headers: list[str] | None = None) -> str:
    """An aligned plain-text table (headers: the columns' names for a reader), long cells cut,
    and a row count."""
    headers = headers or variables
    cells = [[short(str(row[v])) if v in row else "" for v in variables] for row in rows]
    cells = [[c if width(c) <= MAX_CELL else c[: MAX_CELL - 1] + "…" for c in line]
             for line in cells]
    widths = [max([width(v), *(width(line[i]) for line in cells)])
              for i, v in enumerate(headers)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - width(v)) for v, w in zip(values, widths, strict=True))

    out = [line(headers), line(["-" * w for w in widths]), *(line(c) for c in cells)]
    count = f"({len(rows)} dòng)" if lang == "vi" else f"({len(rows)} rows)"
    return "\n".join(x.rstrip() for x in out) + f"\n{count}\n"
