"""Memory the process has freed, given back to the system.

glibc keeps freed small blocks in its arenas: after the SPARQL constraints' store is dropped
(hundreds of MB at ~3 M triples, in many small allocations) the process would still hold
those pages while the core engine's child is at work, and the two peaks would add up.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def give_back_freed_memory() -> bool:
    """Return the allocator's free pages to the system (glibc's malloc_trim); False where the
    C library has no such call (musl, macOS), which costs only the memory, not correctness."""
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True
