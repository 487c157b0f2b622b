"""Phases of a long command, told on stderr: a tqdm bar on a terminal, one line per phase
otherwise (CI logs), never on stdout (which may carry a JSON report).

A command shows its phases with `shown(Phases(...))`; code deep below it (the store build, the
remote index read, a bulk load) announces a long step with `step(vi, en)`, which goes to the
phases shown now, or to the log when none are (the service's background refresh, library use).
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections.abc import Iterator
from typing import TextIO

log = logging.getLogger("thamquyen.progress")
_shown: list[Phases] = []


class Phases:
    """Announce the phases of a run as they start; `Phases.silent()` says nothing."""

    def __init__(self, total: int | None = None, lang: str = "vi",
                 stream: TextIO | None = sys.stderr):
        self.lang, self.stream, self.started = lang, stream, time.monotonic()
        self.total, self.bar, self.begun = total, None, False
        self.tty = stream is not None and stream.isatty()

    @classmethod
    def silent(cls) -> Phases:
        """Phases that print nothing (library and service use)."""
        return cls(0, stream=None)

    def phase(self, vi: str, en: str) -> None:
        """Announce the next phase (vi or en text, following the language)."""
        text = vi if self.lang == "vi" else en
        if self.tty:
            if self.bar is None:  # made on the first phase: a quick command shows no bar
                from tqdm import tqdm

                self.bar = tqdm(total=self.total or None, file=self.stream, leave=False,
                                bar_format="{desc} {n_fmt}/{total_fmt} [{elapsed}]")
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
            self.bar = None


@contextlib.contextmanager
def shown(phases: Phases) -> Iterator[Phases]:
    """Make `phases` the receiver of `step()` while the block runs; closed at its end."""
    _shown.append(phases)
    try:
        yield phases
    finally:
        _shown.remove(phases)
        phases.close()


def step(vi: str, en: str) -> None:
    """Announce a step a user may wait for (seconds or more): to the phases shown now, else
    to the log (English)."""
    if _shown:
        _shown[-1].phase(vi, en)
    else:
        log.info("%s", en)
