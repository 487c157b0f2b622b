"""heap: freed memory goes back to the system after a large store is dropped."""

from __future__ import annotations

import sys

import pyoxigraph as ox
import pytest
from thamquyen import heap


def _rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and glibc")
def test_dropped_store_memory_is_given_back() -> None:
    """A store of ~300 k small triples dropped, then trimmed: the resident size falls back
    to within 40 MB of what it was before the store was built."""
    before = _rss_kib()
    store = ox.Store()
    store.bulk_extend(ox.Quad(ox.NamedNode(f"https://example.org/s{i}"),
                              ox.NamedNode("https://example.org/p"), ox.Literal(f"giá trị {i}"))
                      for i in range(300_000))
    built = _rss_kib()
    del store
    assert heap.give_back_freed_memory() is True
    assert built - before > 50_000
    assert _rss_kib() - before < 40_000
