"""Worker processes run below the web process: SPARQL workers at nice 10, a query that has had
its first fraction of a second of processor time as SCHED_IDLE; validation workers SCHED_IDLE."""

from __future__ import annotations

import contextlib
import os
import threading
import time

import pyoxigraph as ox
import pytest
from thamquyen.api import worker
from thamquyen.api.executor import QueryFailed, QueryJob, WorkerPool

needs_idle = pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="no SCHED_IDLE on this OS")
NUMBERS = " ".join(str(n) for n in range(150))
# 3.4 million rows on an empty store, flat memory: most of a second of processor time
SPINNING = (f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {{{NUMBERS}}} VALUES ?b {{{NUMBERS}}} "
            f"VALUES ?c {{{NUMBERS}}} FILTER(?a + ?b + ?c > -1) }}")
JSON = ("application/sparql-results+json", "json")


def _policies(pool: WorkerPool) -> list[tuple[int, int]]:
    """(scheduling policy, nice) of each live worker."""
    return [(os.sched_getscheduler(w.process.pid), os.getpriority(os.PRIO_PROCESS, w.process.pid))
            for w in pool.live]


def _thread_policies(pid: int) -> set[int]:
    """The scheduling policies of a process's threads."""
    policies = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError):  # the thread ended meanwhile
            policies.add(os.sched_getscheduler(int(task)))
    return policies


def _job(query: str) -> QueryJob:
    return QueryJob(query=query, table=JSON, graph=None, limit=10)


@needs_idle
def test_validation_workers_are_idle_scheduled(tmp_path):
    pool = WorkerPool(tmp_path, 2, timeout=5, module="thamquyen.api.validator")
    try:
        base = os.getpriority(os.PRIO_PROCESS, 0)
        expected = (os.SCHED_IDLE, min(19, base + worker.NICE))
        assert _policies(pool) == [expected, expected]
    finally:
        pool.close()


@needs_idle
def test_a_query_is_idle_scheduled_once_it_has_had_its_first_share(tmp_path):
    ox.Store(str(tmp_path / "store")).flush()  # an empty store on disk, closed again
    pool = WorkerPool(tmp_path / "store", 1, timeout=120, memory_mb=1024)
    try:
        base = os.getpriority(os.PRIO_PROCESS, 0)
        assert _policies(pool) == [(os.SCHED_OTHER, min(19, base + worker.NICE))]
        assert pool.run(_job("ASK {}")).body  # a small query: answered, nothing demoted
        pid = next(iter(pool.live)).process.pid
        assert _thread_policies(pid) == {os.SCHED_OTHER}
        failures: list[Exception] = []

        def spin() -> None:
            try:
                pool.run(_job(SPINNING))
            except QueryFailed as exc:
                failures.append(exc)

        runner = threading.Thread(target=spin, daemon=True)
        runner.start()
        deadline = time.monotonic() + 15
        while os.SCHED_IDLE not in _thread_policies(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert os.SCHED_IDLE in _thread_policies(pid)
        assert os.sched_getscheduler(pid) == os.SCHED_OTHER  # the worker's main thread is not
        runner.join(150)  # idle-scheduled on a busy machine: it may wait long for a processor
        assert not failures, failures
        # the query's thread ends (the OS thread a moment after Python's): the next starts afresh
        deadline = time.monotonic() + 5
        while _thread_policies(pid) != {os.SCHED_OTHER} and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _thread_policies(pid) == {os.SCHED_OTHER}
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


def test_query_results_are_freed_by_the_thread_that_made_them(tmp_path, capfd):
    """pyoxigraph's results may not be dropped by another thread; a truncated answer leaves
    them in a reference cycle, which the query's own thread must collect."""
    ox.Store(str(tmp_path / "store")).flush()
    pool = WorkerPool(tmp_path / "store", 1, timeout=20)
    try:
        for limit in (0, 1, 0, 1):
            job = QueryJob(query="SELECT ?a WHERE { VALUES ?a { 1 2 3 } }", table=JSON, graph=None,
                           limit=limit)
            assert pool.run(job).body
        assert pool.run(_job("ASK {}")).body
        pool.close()  # the worker ends: whatever it still held is dropped now
    finally:
        pool.close()
    assert "unsendable" not in capfd.readouterr().err
