"""`thamquyen who-holds`, `powers-of` and `search`: lookups for legal staff."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .answers import STEP_WORDS, describe_chain, parse_date, vn_date
from .clitext import say
from .kb import KB, open_kb

EXIT_FOUND, EXIT_NONE = 0, 3
# parse_date, vn_date, describe_chain and STEP_WORDS live in answers/ (shared with the API and
# the pages); they are imported here so that older imports from cli_lookup keep working.
__all__ = ["STEP_WORDS", "describe_chain", "parse_date", "register", "vn_date"]


def add_common(p: argparse.ArgumentParser) -> None:
    """Options every lookup shares."""
    p.add_argument("--at", help=say("ngày tra cứu YYYY-MM-DD (mặc định: hôm nay)",
                                    "date YYYY-MM-DD (default: today)"))
    add_output_options(p)


def add_output_options(p: argparse.ArgumentParser) -> None:
    """--format, --lang and the extra Turtle PATHs (lookups and search)."""
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help=say("văn bản dễ đọc hoặc JSON", "readable text or JSON"))
    p.add_argument("--lang", choices=("vi", "en"), default="vi",
                   help=say("ngôn ngữ của câu trả lời", "language of the answer"))
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help=say("tệp hoặc thư mục Turtle thêm vào đồ thị cho lần chạy này",
                            "extra Turtle files or folders joined to the graph for this run"))


def register(sub: argparse._SubParsersAction) -> None:
    """Add who-holds, powers-of and search."""
    p = sub.add_parser("who-holds", help=say("ai giữ thẩm quyền này, ở đâu, ngày nào",
                                             "who holds this power, where, on what date"),
                       description=say("Ai giữ thẩm quyền POWER ở địa bàn UNIT vào một ngày, kèm "
                                       "căn cứ của từng bước. Mã thoát: 0 có chủ thể, 3 không có, "
                                       "2 dữ liệu vào sai.",
                                       "Resolve who holds POWER in UNIT on a date. "
                                       "Exit 0 found, 3 no holder, 2 bad input."))
    p.add_argument("power", metavar="POWER",
                   help=say("thẩm quyền: IRI, tên tiền tố, mã hoặc tên (không dấu cũng được)",
                            "IRI, prefixed name, code or name of the power"))
    p.add_argument("--in", dest="unit", metavar="UNIT",
                   help=say("đơn vị hành chính: IRI, mã hoặc tên",
                            "administrative unit (IRI, code, name)"))
    add_common(p)
    p.set_defaults(handler=run_who_holds)
    p = sub.add_parser("powers-of", help=say("chủ thể này giữ/thực hiện những thẩm quyền nào",
                                             "what an authority holds or exercises"),
                       description=say("Những thẩm quyền một chủ thể giữ hoặc thực hiện vào một "
                                       "ngày.", "What an authority holds or exercises on a date."))
    p.add_argument("authority", metavar="AUTHORITY",
                   help=say("chủ thể: IRI, tên tiền tố hoặc tên", "authority: IRI, prefixed name "
                                                                  "or name"))
    add_common(p)
    p.set_defaults(handler=run_powers_of)
    p = sub.add_parser("search", help=say("tìm theo tên hoặc mã (gõ không dấu cũng được)",
                                          "search names and codes (accents optional)"))
    p.add_argument("text", help=say("tên hoặc mã cần tìm", "name or code to look for"))
    p.add_argument("--type", choices=("power", "unit", "authority", "agency", "document",
                                      "procedure", "task"),
                   help=say("chỉ tìm loại này", "only this kind"))
    add_output_options(p)
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
    answer = kb.with_sources(kb.engine.who_holds(power, unit, at))
    if args.format == "json":
        print(json.dumps(answer, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render_who_holds(kb, answer, args.lang))
    return EXIT_FOUND if answer["holders"] else EXIT_NONE


def render_who_holds(kb: KB, answer: dict, lang: str = "vi") -> str:
    """A Vietnamese answer a legal officer can cite (English words with lang="en")."""
    iris = [answer["power"], answer["in"]]
    for holder in answer["holders"]:
        for s in holder["chain"]:
            iris += [s["from"], s["to"], s["basis"]]
    labels = kb.display_names(iris)

    def name(iri: str | None) -> str:
        return labels.get(iri, iri) if iri else "—"

    en = lang == "en"
    lines = [f"{'Power' if en else 'Thẩm quyền'}: {name(answer['power'])}",
             f"{'Unit' if en else 'Địa bàn'}: "
             f"{name(answer['in']) if answer['in'] else ('(everywhere)' if en else '(mọi địa bàn)')}",
             f"{'Date' if en else 'Ngày'}: {vn_date(answer['at'])}", ""]
    if not answer["holders"]:
        lines.append("No authority holds this power on that date." if en else
                     "Không có chủ thể nào giữ thẩm quyền này vào ngày đó.")
    for number, holder in enumerate(answer["holders"], 1):
        lines.append(f"{number}. {name(holder['authority'])} — "
                     f"{describe_chain(holder['chain'], name, lang)}")
        lines.append(f"   <{holder['authority']}>")
        lines += source_lines(holder["chain"], name, lang)
    explanations = answer.get("explanations") or []
    if explanations:
        lines += ["", "Why:" if en else "Giải thích:"]
    for item in explanations:
        lines.append(f"- {item['en' if en else 'vi']} [{item['code']}]")
    return "\n".join(lines) + "\n"


def source_lines(chain: list[dict], name, lang: str = "vi") -> list[str]:
    """Each basis of a chain once: its Vietnamese wording as the data quotes it (never
    translated), then where it is published, the official publication first, labelled."""
    lines, seen = [], set()
    en = lang == "en"
    for s in chain:
        basis = s.get("basis")
        if not basis or basis in seen:
            continue
        seen.add(basis)
        if s.get("basisText"):
            lines.append(f"   {'Wording (Vietnamese) of' if en else 'Lời văn'} {name(basis)}: "
                         f"“{s['basisText']}”")
        if s.get("sources"):
            lines.append(f"   {'Sources of' if en else 'Nguồn của'} {name(basis)}:")
            lines += [f"     - {src['en' if en else 'vi']}: {src['url']}" for src in s["sources"]]
    return lines


def run_powers_of(args: argparse.Namespace) -> int:
    """powers-of: what the authority holds or exercises on the date."""
    at = parse_date(args.at)
    kb = load(args.paths)
    authority = kb.names.resolve(args.authority, "authority", at)
    answer = kb.engine.powers_of(authority, at)
    if args.format == "json":
        print(json.dumps(answer, ensure_ascii=False, indent=2))
        return EXIT_FOUND if answer["powers"] else EXIT_NONE
    labels = kb.display_names([authority] + [p["power"] for p in answer["powers"]]
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
            print(f"{hit['description'] or hit['iri']}{code}  <{hit['iri']}>")
    return EXIT_FOUND if hits else EXIT_NONE
