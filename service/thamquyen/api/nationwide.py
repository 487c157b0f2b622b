"""The nationwide who-holds answers, computed once per (power, day) and kept in a bounded cache.

A power held by every commune's people's committee has ~10,000 holders nationwide: the
engine's answer takes up to ~500 ms of CPU and its JSON up to 12 MB at 3M triples.
`/api/who-holds` without a unit and the `/id/power/…` pages ask for it again and again with
the same few days, and in a web process every such computation holds up the quick lookups
behind it (one Python thread runs at a time). So the answer is computed once — as its JSON
body, where each holder's object lies in it, and each holder's provinces for the pages'
province filter and counts — and kept, least recently used first out, within a memory budget;
an answer bigger than the budget is not kept. A page parses only the holders it shows. With
several web processes the answers are computed in a process of their own (answerproc.py) and
each web process keeps what it received. The store is read-only while the service runs; when
its fingerprint changes (a remote store reloaded) every kept answer is dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from ..kb import KB
from .places import province_of_authority

PER_HOLDER = 40  # bytes per holder beside its JSON: its two positions, its province set's slot


@dataclass(frozen=True)
class Nationwide:
    """One power's holders nationwide on one day, ready for the API and the pages."""

    body: bytes  # the who-holds JSON document, as /api/who-holds sends it
    spans: array  # holder i's JSON object is body[spans[2i]:spans[2i + 1]]
    provinces: list[frozenset[str]]  # the provinces each holder's jurisdictions lie in
    counts: dict[str, int]  # holders per province

    @property
    def size(self) -> int:
        """Estimated bytes of memory this answer holds."""
        return len(self.body) + PER_HOLDER * len(self.provinces)

    def __len__(self) -> int:
        return len(self.provinces)

    def holder(self, i: int) -> dict:
        """The engine's holder i (authority, label, chain with sources), parsed from the body."""
        return json.loads(self.body[self.spans[2 * i]:self.spans[2 * i + 1]])


def dumps(value: object) -> bytes:
    """Compact JSON as UTF-8, the way /api/who-holds writes it."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False,
                      separators=(",", ":")).encode("utf-8")


def encode(answer: dict) -> tuple[bytes, array]:
    """The answer's JSON (byte for byte `dumps(answer)`) and where each holder lies in it."""
    parts, spans, at = [b"{"], array("Q"), 1
    for n, (key, value) in enumerate(answer.items()):
        head = (b"," if n else b"") + dumps(key) + b":"
        parts.append(head)
        at += len(head)
        if key != "holders":
            parts.append(dumps(value))
            at += len(parts[-1])
            continue
        parts.append(b"[")
        at += 1
        for i, holder in enumerate(value):
            if i:
                parts.append(b",")
                at += 1
            parts.append(dumps(holder))
            spans.extend((at, at + len(parts[-1])))
            at += len(parts[-1])
        parts.append(b"]")
        at += 1
    parts.append(b"}")
    return b"".join(parts), spans


def compute(kb: KB, power: str, day: dt.date) -> Nationwide:
    """The engine's nationwide answer with its JSON body and provinces."""
    answer = kb.with_sources(kb.engine.who_holds(power, None, day))
    body, spans = encode(answer)
    index = kb.engine.index
    shared: dict[frozenset[str], frozenset[str]] = {}  # one set object per distinct province set
    provinces = []
    for holder in answer["holders"]:
        found = frozenset(province_of_authority(index, holder["authority"]))
        provinces.append(shared.setdefault(found, found))
    counts = Counter(p for found in provinces for p in found)
    return Nationwide(body, spans, provinces, dict(counts))


Source = Callable[[KB, str, dt.date], Nationwide]


class AnswerCache:
    """Nationwide answers by (power, day), within `budget` bytes, for one knowledge base at a
    time (the store's fingerprint); a request for an answer being computed waits for it.
    `source` gives an answer not kept (default: `compute` it here)."""

    def __init__(self, budget: int, source: Source | None = None):
        self.budget, self.used = budget, 0
        self.source = source
        self.fingerprint: str | None = None
        self.kept: OrderedDict[tuple[str, str], Nationwide] = OrderedDict()
        self.pending: dict[tuple[str, str], threading.Event] = {}
        self.lock = threading.Lock()

    def get(self, kb: KB, power: str, day: dt.date) -> Nationwide:
        """The answer for the power on the day (computed now if it is not kept)."""
        key = (power, day.isoformat())
        while True:
            with self.lock:
                self._follow_store(kb.store.fingerprint)
                found = self.kept.get(key)
                if found is not None:
                    self.kept.move_to_end(key)
                    return found
                waiting = self.pending.get(key)
                if waiting is None:
                    self.pending[key] = threading.Event()
                    break
            waiting.wait()  # someone else computes it; then look again
        try:
            answer = (self.source or compute)(kb, power, day)
            with self.lock:
                if kb.store.fingerprint == self.fingerprint:
                    self._keep(key, answer)
            return answer
        finally:
            with self.lock:
                self.pending.pop(key).set()

    def _follow_store(self, fingerprint: str) -> None:
        if fingerprint != self.fingerprint:
            self.kept.clear()
            self.used, self.fingerprint = 0, fingerprint

    def _keep(self, key: tuple[str, str], answer: Nationwide) -> None:
        if answer.size > self.budget:
            return
        self.kept[key] = answer
        self.used += answer.size
        while self.used > self.budget:
            _, dropped = self.kept.popitem(last=False)
            self.used -= dropped.size
