"""Phases of a long command, told on stderr: a tqdm bar on a terminal, one line per phase
otherwise (CI logs), never on stdout (which may carry a JSON report)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Phases:
    """Announce the phases of a run as they start; `Phases.silent()` says nothing."""

    def __init__(self, total: int, lang: str = "vi", stream: TextIO | None = sys.stderr):
        self.lang, self.stream, self.started = lang, stream, time.monotonic()
        self.bar, self.begun = None, False
        if stream is not None and stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=stream, leave=False,
                            bar_format="{desc} {n_fmt}/{total_fmt} [{elapsed}]")

    @classmethod
    def silent(cls) -> Phases:
        """Phases that print nothing (library and service use)."""
        return cls(0, stream=None)

    def phase(self, vi: str, en: str) -> None:
        """Announce the next phase (vi or en text, following the language)."""
        text = vi if self.lang == "vi" else en
        if self.bar is not None:
            if self.begun:  # the previous phase is done
                self.bar.update(1)
            self.begun = True
            self.bar.set_description_str(text)
        elif self.stream is not None:
            elapsed = time.monotonic() - self.started
            print(f"[{elapsed:6.1f} s] {text}", file=self.stream, flush=True)

    def close(self) -> None:
        """End the bar (the lines need no end)."""
        if self.bar is not None:
            self.bar.close()
