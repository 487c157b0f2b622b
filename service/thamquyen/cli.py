"""The `thamquyen` command line: one sub-command per module, errors without tracebacks."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from . import progress
from .clitext import Parser, say
from .progress import Phases
from .rdfio import InputError

# Each module exposes register(subparsers); its parser sets `handler` (args -> exit code).
COMMAND_MODULES = (
    "thamquyen.cli_validate",
    "thamquyen.cli_lookup",
    "thamquyen.cli_query",
    "thamquyen.cli_serve",
    "thamquyen.cli_import",
    "thamquyen.cli_bench",
)

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every sub-command that is installed."""
    parser = Parser(
        prog="thamquyen",
        description=say("Tra cứu thẩm quyền: ai giữ thẩm quyền nào, ở đâu, khi nào, theo căn cứ "
                        "nào. Trợ giúp tiếng Anh: THAMQUYEN_LANG=en.",
                        "Who holds which state power in Viet Nam, where, when, on what legal "
                        "basis."))
    parser.add_argument("--version", action="version", version="%(prog)s 0.1.0",
                        help=say("in số phiên bản rồi thoát", "show the version and exit"))
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                parser_class=Parser, title=say("lệnh", "commands"))
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    logging.getLogger("rdflib").setLevel(logging.CRITICAL)
    parser = build_parser()
    args, leftovers = parser.parse_known_args(argv)
    # argparse cannot place positionals after options (`who-holds P --at D extra.ttl`):
    # plain leftovers are the command's extra PATHs.
    if leftovers:
        if any(item.startswith("-") for item in leftovers) or not hasattr(args, "paths"):
            parser.error("unrecognized arguments: " + " ".join(leftovers))
        args.paths = [*args.paths, *(Path(item) for item in leftovers)]
    lang = getattr(args, "lang", "vi")
    phases = Phases.silent() if getattr(args, "quiet", False) else Phases(lang=lang)
    try:
        with progress.shown(phases):  # long steps (store build, index read) say so on stderr
            return int(args.handler(args) or 0)
    except InputError as exc:
        print(("Lỗi: " if lang == "vi" else "Error: ") + exc.render(lang), file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
