"""The nationwide who-holds answers kept by the service: the same answer as the engine's,
computed once per (power, day), within the memory budget, dropped when the store changes;
a power's page shows one page of holders with counts by province."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import pickle
import signal
import socket
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from conftest import POWER_ONE
from thamquyen.api import answerproc
from thamquyen.api.answerview import build_answer
from thamquyen.api.describe import PER_PAGE, build_page, power_holders
from thamquyen.api.nationwide import AnswerCache, Nationwide, compute, dumps, encode
from thamquyen.bench.abuse import start_server

DAY = dt.date(2024, 5, 1)
UNIT = "https://w3id.org/thamquyen/id/unit/845"
PROVINCE = "https://w3id.org/thamquyen/id/unit/84"


def test_the_kept_answer_is_the_engines(embedded_kb):
    answer = compute(embedded_kb, POWER_ONE, DAY)
    expected = embedded_kb.with_sources(embedded_kb.engine.who_holds(POWER_ONE, None, DAY))
    assert json.loads(answer.body) == expected
    assert answer.body == dumps(expected)  # byte for byte what the API always sent
    assert [answer.holder(i) for i in range(len(answer))] == expected["holders"]
    assert sum(answer.counts.values()) == sum(len(p) for p in answer.provinces)


def test_computed_once_then_kept_and_dropped_when_the_store_changes(embedded_kb, monkeypatch):
    calls = []

    def counted(kb, power, day):
        calls.append(power)
        return compute(kb, power, day)

    monkeypatch.setattr("thamquyen.api.nationwide.compute", counted)
    cache = AnswerCache(budget=64 * 1024 * 1024)
    view = SimpleNamespace(store=SimpleNamespace(fingerprint="one"), engine=embedded_kb.engine,
                           with_sources=embedded_kb.with_sources)
    threads = [threading.Thread(target=cache.get, args=(view, POWER_ONE, DAY)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.get(view, POWER_ONE, DAY) is cache.get(view, POWER_ONE, DAY)
    assert calls == [POWER_ONE]  # four at once and two later: one computation
    view.store.fingerprint = "two"  # the store was reloaded
    cache.get(view, POWER_ONE, DAY)
    assert calls == [POWER_ONE, POWER_ONE] and len(cache.kept) == 1


def test_the_budget_bounds_what_is_kept(embedded_kb):
    one = compute(embedded_kb, POWER_ONE, DAY)
    cache = AnswerCache(budget=one.size)
    cache.get(embedded_kb, POWER_ONE, DAY)
    cache.get(embedded_kb, POWER_ONE, DAY + dt.timedelta(days=1))
    assert len(cache.kept) == 1 and cache.used <= cache.budget  # the older one went out
    assert list(cache.kept) == [(POWER_ONE, (DAY + dt.timedelta(days=1)).isoformat())]
    tiny = AnswerCache(budget=one.size - 1)
    assert tiny.get(embedded_kb, POWER_ONE, DAY).body == one.body and not tiny.kept


def test_a_page_of_holders_with_counts_by_province():
    holders = [{"authority": f"a{i}", "chain": [{"from": None, "to": f"a{i}", "basis": "b"}]}
               for i in range(2 * PER_PAGE + 5)]
    where = [frozenset({"p1"}) if i % 2 else frozenset({"p2"}) for i in range(len(holders))]
    body, spans = encode({"power": "p", "holders": holders, "explanations": []})
    answer = Nationwide(body, spans, where, {"p1": PER_PAGE + 2, "p2": PER_PAGE + 3})
    listing, wanted = power_holders(answer, None, 3)
    assert (listing.total, listing.shown, listing.page, listing.pages) == (105, 105, 3, 3)
    assert [h["authority"] for h in listing.items] == [f"a{i}" for i in range(100, 105)]
    assert wanted == {"a100", "a101", "a102", "a103", "a104", "b", "p1", "p2"}
    listing, _ = power_holders(answer, "p1", 2)
    assert (listing.shown, listing.pages, len(listing.items)) == (PER_PAGE + 2, 2, 2)
    assert [h["authority"] for h in listing.items] == ["a101", "a103"]
    listing, _ = power_holders(answer, "p9", 7)  # nobody there: one empty page
    assert (listing.shown, listing.page, listing.items) == (0, 1, [])


def test_the_answer_process_answers_once_for_every_web_process(embedded_kb):
    where = answerproc.address()
    listener = answerproc.listen(where)
    threading.Thread(target=answerproc.serve, args=(embedded_kb, listener, 64 * 1024 * 1024, 0),
                     daemon=True).start()
    client = answerproc.AnswerClient(where, timeout=30)
    first = client.ask(POWER_ONE, DAY)
    assert first.body == compute(embedded_kb, POWER_ONE, DAY).body
    assert first.holder(0) == json.loads(first.body)["holders"][0]
    assert client.ask(POWER_ONE, DAY).body == first.body  # kept there: the same answer
    page = client.page(embedded_kb, POWER_ONE, UNIT, DAY, "/root", "en")
    assert page == build_answer(embedded_kb, POWER_ONE, UNIT, DAY, "/root", "en")
    for iri, province, number in ((POWER_ONE, None, 1), (UNIT, None, 1), (POWER_ONE, PROVINCE, 2)):
        described = client.describe(embedded_kb, iri, DAY, "/root", province, number, None)
        assert described == build_page(embedded_kb, iri, DAY, "/root", province, number)
    assert client.describe(embedded_kb, POWER_ONE, DAY, "", None, 1, None).holders  # a power's
    with socket.socket(socket.AF_UNIX) as raw:  # a bad request: said, not a dead process
        raw.connect(where)
        answerproc._send(raw, b"{not json")
        assert pickle.loads(answerproc._receive(raw))[0] == "error"
    listener.close()


def test_without_the_answer_process_the_web_process_computes_it(embedded_kb, caplog):
    client = answerproc.AnswerClient(answerproc.address(), timeout=5)  # nobody listens
    assert client.get(embedded_kb, POWER_ONE, DAY).body == compute(embedded_kb, POWER_ONE, DAY).body
    assert client.page(embedded_kb, POWER_ONE, UNIT, DAY, "", "vi") == build_answer(
        embedded_kb, POWER_ONE, UNIT, DAY)
    kept = AnswerCache(64 * 1024 * 1024)
    assert client.describe(embedded_kb, POWER_ONE, DAY, "", None, 1,
                           functools.partial(kept.get, embedded_kb)) == build_page(
        embedded_kb, POWER_ONE, DAY)
    assert list(kept.kept) == [(POWER_ONE, DAY.isoformat())]  # the web process's own answers
    assert "answer process unavailable" in caplog.text


def _answer_processes(server_pid: int) -> set[int]:
    """The server's children at the answer process's priority (the web processes run at 0)."""
    found = set()
    for child in Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split():
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        if int(fields[16]) == answerproc.NICE:  # field 19 of stat: nice
            found.add(int(child))
    return found


@pytest.mark.slow  # starts a two-process server: ~10 s
def test_a_killed_answer_process_is_replaced_and_answers_never_fail(mini_home, tmp_path,
                                                                    monkeypatch):
    monkeypatch.setenv("THAMQUYEN_HOME", str(mini_home))
    process, url = start_server([], tmp_path / "work", ["--web-processes", "2"])
    asked = {"power": POWER_ONE, "at": DAY.isoformat()}
    try:
        with httpx.Client(base_url=url, timeout=30, trust_env=False) as client:
            first = client.get("/api/who-holds", params=asked)
            assert first.status_code == 200
            helpers = _answer_processes(process.pid)
            assert len(helpers) == 2  # one per web process
            for helper in helpers:
                os.kill(helper, signal.SIGKILL)
            again = client.get("/api/who-holds", params=asked | {"at": "2024-05-02"})
            assert again.status_code == 200 and again.json()["holders"] == first.json()["holders"]
            deadline = time.monotonic() + 10
            while len(_answer_processes(process.pid) - helpers) < 2 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert len(_answer_processes(process.pid) - helpers) == 2, "not replaced"
    finally:
        process.terminate()
        process.wait(timeout=60)
