"""The words of `thamquyen --help`: Vietnamese first, English when THAMQUYEN_LANG=en.

`say(vi, en)` picks a help text; `Parser` is argparse's parser with its own headings ("cách
dùng", "tùy chọn") in the same language, for the main command and every sub-command.
"""

from __future__ import annotations

import argparse
import os


def english() -> bool:
    """True when the user asked for English help (THAMQUYEN_LANG=en)."""
    return os.environ.get("THAMQUYEN_LANG", "").lower().startswith("en")


def say(vi: str, en: str) -> str:
    """The help text in the user's language."""
    return en if english() else vi


class Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter with the usage line in the user's language."""

    def add_usage(self, usage, actions, groups, prefix=None):
        """The usage line, prefixed in Vietnamese unless English was asked for."""
        if prefix is None:  # "" is argparse asking for no prefix (a sub-command's prog)
            prefix = say("cách dùng: ", "usage: ")
        return super().add_usage(usage, actions, groups, prefix)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose headings and -h text follow the user's language."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = say("đối số", "positional arguments")
        self._optionals.title = say("tùy chọn", "options")
        self.add_argument("-h", "--help", action="help",
                          help=say("in hướng dẫn này rồi thoát", "show this help message and exit"))
