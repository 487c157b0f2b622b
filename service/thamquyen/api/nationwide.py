"""The nationwide who-holds answers, computed once per (power, day) and kept in a bounded cache.

A power held by every commune's people's committee has ~10,000 holders nationwide: the
engine's answer takes up to ~300 ms of CPU and its JSON 3–4 MB. `/api/who-holds` without a
unit and the `/id/power/…` pages ask for it again and again with the same few days, and in a
web process every such computation holds up the quick lookups behind it (one Python thread
runs at a time). So the answer is computed once — with its JSON body and each holder's
provinces for the pages' province filter and counts — and kept, least recently used first
out, within a memory budget; an answer bigger than the budget is not kept. The store is
read-only while the service runs; when its fingerprint changes (a remote store reloaded) every
kept answer is dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass

from ..kb import KB
from .places import province_of_authority

SIZE_FACTOR = 3  # memory of an answer's Python objects and body, as a multiple of its JSON


@dataclass(frozen=True)
class Nationwide:
    """One power's holders nationwide on one day, ready for the API and the pages."""

    body: bytes  # the who-holds JSON document, as /api/who-holds sends it
    holders: list[dict]  # the engine's holders: authority, label, chain
    provinces: list[frozenset[str]]  # the provinces each holder's jurisdictions lie in
    counts: dict[str, int]  # holders per province

    @property
    def size(self) -> int:
        """Estimated bytes of memory this answer holds."""
        return SIZE_FACTOR * len(self.body)


def compute(kb: KB, power: str, day: dt.date) -> Nationwide:
    """The engine's nationwide answer with its JSON body and provinces."""
    answer = kb.with_sources(kb.engine.who_holds(power, None, day))
    body = json.dumps(answer, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    index = kb.engine.index
    shared: dict[frozenset[str], frozenset[str]] = {}  # one set object per distinct province set
    provinces = []
    for holder in answer["holders"]:
        found = frozenset(province_of_authority(index, holder["authority"]))
        provinces.append(shared.setdefault(found, found))
    counts = Counter(p for found in provinces for p in found)
    return Nationwide(body.encode("utf-8"), answer["holders"], provinces, dict(counts))


class AnswerCache:
    """Nationwide answers by (power, day), within `budget` bytes, for one knowledge base at a
    time (the store's fingerprint); a request for an answer being computed waits for it."""

    def __init__(self, budget: int):
        self.budget, self.used = budget, 0
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
            answer = compute(kb, power, day)
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
