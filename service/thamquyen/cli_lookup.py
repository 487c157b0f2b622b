"""`thamquyen who-holds`, `powers-of` and `search`: lookups for legal staff."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from .kb import KB, open_kb
from .rdfio import InputError

EXIT_FOUND, EXIT_NONE = 0, 3
STEP_WORDS = {
    "conferral": "thẩm quyền gốc (phân quyền)",
    "reorganization": "kế thừa do sắp xếp tổ chức",
    "decentralization": "được phân cấp",
    "authorization": "được ủy quyền",
}


def parse_date(text: str | None) -> dt.date:
    """YYYY-MM-DD (default: today) or an InputError."""
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"ngày “{text}” không hợp lệ; hãy viết theo dạng YYYY-MM-DD, "
                         "ví dụ 2025-09-01.",
                         f"invalid date “{text}”; write it as YYYY-MM-DD, e.g. 2025-09-01.") from exc


def vn_date(iso: str | None) -> str:
    """2021-01-01 → 01/01/2021; None → …"""
    if not iso:
        return "…"
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def add_common(p: argparse.ArgumentParser) -> None:
    """Options every lookup shares."""
    p.add_argument("--at", help="ngày tra cứu YYYY-MM-DD (mặc định: hôm nay)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--lang", choices=("vi", "en"), default="vi")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="extra Turtle files or folders joined to the graph for this run")


def register(sub: argparse._SubParsersAction) -> None:
    """Add who-holds, powers-of and search."""
    p = sub.add_parser("who-holds", help="ai giữ thẩm quyền này, ở đâu, ngày nào",
                       description="Resolve who holds POWER in UNIT on a date. "
                                   "Exit 0 found, 3 no holder, 2 bad input.")
    p.add_argument("power", metavar="POWER", help="IRI, prefixed name, code or name of the power")
    p.add_argument("--in", dest="unit", metavar="UNIT", help="administrative unit (IRI, code, name)")
    add_common(p)
    p.set_defaults(handler=run_who_holds)
    p = sub.add_parser("powers-of", help="chủ thể này giữ/thực hiện những thẩm quyền nào",
                       description="What an authority holds or exercises on a date.")
    p.add_argument("authority", metavar="AUTHORITY")
    add_common(p)
    p.set_defaults(handler=run_powers_of)
    p = sub.add_parser("search", help="tìm theo tên hoặc mã (gõ không dấu cũng được)")
    p.add_argument("text")
    p.add_argument("--type", choices=("power", "unit", "authority", "agency", "document",
                                      "procedure", "task"))
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--lang", choices=("vi", "en"), default="vi")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    p.set_defaults(handler=run_search)


def load(paths: list[Path]) -> KB:
    """The shipped data on the persistent store; with extra paths, an in-memory store."""
    return open_kb(paths, persistent=not paths)


def run_who_holds(args: argparse.Namespace) -> int:
    """who-holds: JSON (architecture.md) or readable Vietnamese."""
    at = parse_date(args.at)
    kb = load(args.paths)
    power = kb.names.resolve(args.power, "power", at)
    unit = kb.names.resolve(args.unit, "unit", at) if args.unit else None
    answer = kb.engine.who_holds(power, unit, at)
    if args.format == "json":
        print(json.dumps(answer, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render_who_holds(kb, answer))
    return EXIT_FOUND if answer["holders"] else EXIT_NONE


def render_who_holds(kb: KB, answer: dict) -> str:
    """A Vietnamese answer a legal officer can cite."""
    iris = [answer["power"], answer["in"]]
    for holder in answer["holders"]:
        for s in holder["chain"]:
            iris += [s["from"], s["to"], s["basis"]]
    labels = kb.labels(iris)

    def name(iri: str | None) -> str:
        return labels.get(iri, iri) if iri else "—"

    lines = [f"Thẩm quyền: {name(answer['power'])}",
             f"Địa bàn: {name(answer['in']) if answer['in'] else '(mọi địa bàn)'}",
             f"Ngày: {vn_date(answer['at'])}", ""]
    if not answer["holders"]:
        lines.append("Không có chủ thể nào giữ thẩm quyền này vào ngày đó.")
    for number, holder in enumerate(answer["holders"], 1):
        lines.append(f"{number}. {name(holder['authority'])} — {describe_chain(holder['chain'], name)}")
        lines.append(f"   <{holder['authority']}>")
    return "\n".join(lines) + "\n"


def describe_chain(chain: list[dict], name) -> str:
    """The last step first (how the holder got it), then the origin."""
    parts = []
    for s in reversed(chain):
        span = f"({vn_date(s['validFrom'])} – {vn_date(s['validUntil'])})"
        if s["step"] == "conferral":
            parts.append(f"thẩm quyền gốc: {name(s['to'])}, {name(s['basis'])} {span}")
        elif s["step"] == "authorization":
            parts.append(f"được ủy quyền theo {name(s['basis'])} {span}; bên ủy quyền "
                         f"(chịu trách nhiệm về kết quả): {name(s['from'])}")
        elif s["step"] == "decentralization":
            parts.append(f"được phân cấp theo {name(s['basis'])} {span} từ {name(s['from'])}")
        else:
            parts.append(f"kế thừa {name(s['from'])} theo {name(s['basis'])} "
                         f"(từ {vn_date(s['validFrom'])})")
    return "; ".join(parts)


def run_powers_of(args: argparse.Namespace) -> int:
    """powers-of: what the authority holds or exercises on the date."""
    at = parse_date(args.at)
    kb = load(args.paths)
    authority = kb.names.resolve(args.authority, "authority", at)
    answer = kb.engine.powers_of(authority, at)
    if args.format == "json":
        print(json.dumps(answer, ensure_ascii=False, indent=2))
        return EXIT_FOUND if answer["powers"] else EXIT_NONE
    labels = kb.labels([authority] + [p["power"] for p in answer["powers"]]
                       + [s["basis"] for p in answer["powers"] for s in p["chain"]]
                       + [s["from"] for p in answer["powers"] for s in p["chain"]]
                       + [s["to"] for p in answer["powers"] for s in p["chain"]])
    print(f"Chủ thể: {labels.get(authority, authority)}\nNgày: {vn_date(answer['at'])}\n")
    if not answer["powers"]:
        print("Không có thẩm quyền nào vào ngày đó.")
    for number, entry in enumerate(answer["powers"], 1):
        role = "trực tiếp thực hiện" if entry["exercises"] else \
            f"giữ, đã giao cho {labels.get(entry['holder'], entry['holder'])}"
        print(f"{number}. {labels.get(entry['power'], entry['power'])} — {role}; "
              f"{describe_chain(entry['chain'], lambda i: labels.get(i, i) if i else '—')}")
    return EXIT_FOUND if answer["powers"] else EXIT_NONE


def run_search(args: argparse.Namespace) -> int:
    """search: accent-insensitive lookup of names and codes."""
    kb = load(args.paths)
    hits = kb.names.search(args.text, args.type)
    if args.format == "json":
        print(json.dumps(hits, ensure_ascii=False, indent=2))
    else:
        for hit in hits:
            code = f" [{hit['code']}]" if hit["code"] else ""
            print(f"{hit['label'] or hit['iri']}{code}  <{hit['iri']}>")
    return EXIT_FOUND if hits else EXIT_NONE
