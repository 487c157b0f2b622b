"""Run a command and report the peak memory of its whole process tree (Linux only).

`/usr/bin/time -v` gives the peak of one process; `thamquyen validate` forks a child for the
SHACL Core engine, so its real footprint is the parent and the child together. Every 0.1 s
this sums, over the command and all its descendants, the resident set (RSS: pages shared by
parent and child after the fork counted in both) and the proportional set (PSS: shared pages
split between the processes that map them, so the sum is the physical memory used).

    python tools/memtree.py .venv/bin/thamquyen validate --no-cache -q GEN1M
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time

GIB = 1024 * 1024  # kB in a GiB


def descendants(pid: int) -> list[int]:
    """The process and every process below it (from /proc/PID/task/TID/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for tid in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{tid}/children") as listing:
                    todo.extend(int(child) for child in listing.read().split())
        except OSError:
            continue  # the process ended between two reads
    return found


def rss_pss(pid: int) -> tuple[int, int]:
    """RSS and PSS of one process in kB (0, 0 once it has ended)."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def main(command: list[str]) -> int:
    """Run the command, sample its tree, print the figures on stderr, return its exit code."""
    if not command:
        print("usage: memtree.py COMMAND [ARG...]", file=sys.stderr)
        return 2
    started = time.monotonic()
    process = subprocess.Popen(command)
    peak_rss = peak_pss = most = 0
    at_peak: tuple[float, list[int]] = (0.0, [])
    while process.poll() is None:
        tree = descendants(process.pid)
        sizes = [rss_pss(pid) for pid in tree]
        peak_rss = max(peak_rss, sum(r for r, _ in sizes))
        if sum(p for _, p in sizes) > peak_pss:
            peak_pss = sum(p for _, p in sizes)
            at_peak = (time.monotonic() - started, [p for _, p in sizes if p])
        most = max(most, len(tree))
        time.sleep(0.1)
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"wall {time.monotonic() - started:.1f} s, CPU {used.ru_utime:.1f} user + "
          f"{used.ru_stime:.1f} sys s, peak of the tree: RSS {peak_rss / GIB:.2f} GiB, "
          f"PSS {peak_pss / GIB:.2f} GiB; largest process {used.ru_maxrss / GIB:.2f} GiB; "
          f"{most} processes at most; load {os.getloadavg()[0]:.2f}", file=sys.stderr)
    shares = ", ".join(f"{p / GIB:.2f}" for p in at_peak[1])
    print(f"the PSS peak came at {at_peak[0]:.1f} s: {shares} GiB by process (the command "
          f"first, then its descendants)", file=sys.stderr)
    return process.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
