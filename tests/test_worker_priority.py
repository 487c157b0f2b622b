"""Worker processes run below the web process: SPARQL and validation workers as SCHED_IDLE."""

from __future__ import annotations

import os

import pytest
from thamquyen.api import worker
from thamquyen.api.executor import WorkerPool

needs_idle = pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="no SCHED_IDLE on this OS")


def _policies(pool: WorkerPool) -> list[tuple[int, int]]:
    """(scheduling policy, nice) of each live worker."""
    return [(os.sched_getscheduler(w.process.pid), os.getpriority(os.PRIO_PROCESS, w.process.pid))
            for w in pool.live]


@needs_idle
@pytest.mark.parametrize("module", ["thamquyen.api.worker", "thamquyen.api.validator"])
def test_lowest_priority_workers_are_idle_scheduled(tmp_path, module):
    pool = WorkerPool(tmp_path, 2, timeout=5, module=module)
    try:
        base = os.getpriority(os.PRIO_PROCESS, 0)
        expected = (os.SCHED_IDLE, min(19, base + worker.NICE))
        assert _policies(pool) == [expected, expected]
    finally:
        pool.close()


@needs_idle
def test_named_query_workers_keep_the_normal_policy(tmp_path):
    pool = WorkerPool(tmp_path, 1, timeout=5, nice=worker.NAMED_NICE)
    try:
        base = os.getpriority(os.PRIO_PROCESS, 0)
        assert _policies(pool) == [(os.SCHED_OTHER, min(19, base + worker.NAMED_NICE))]
    finally:
        pool.close()
