"""Fair admission of /sparql: a client whose queries run into the deadline (an attacker's
runaway queries) waits behind the others, one query at a time, never in the last slot, with
a shorter deadline; the gate itself first (no server), then on a real uvicorn server."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from test_hardening_service import JSON, RUNAWAY, serve  # noqa: F401 (the fixture)
from thamquyen.api.admission import HEAVY_DEADLINE, Gate, Refused, nationwide

# Runs on processor time alone (a filtered nested loop, flat memory): the cross product of
# RUNAWAY may reach the worker's memory cap before its fair share on a fast machine.
SPINNING = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . "
            "OPTIONAL { ?d ?e ?f FILTER(?f = ?c && ?a != ?d) } }")


async def hold(gate: Gate, client: str, entered: list[str], release: asyncio.Event) -> None:
    async with gate.admit(client):
        entered.append(client)
        await release.wait()


def test_light_clients_pass_waiting_heavy_ones_and_keep_a_slot():
    async def scenario() -> list[str]:
        gate = Gate(running=2, waiting=8, per_client=4, wait=5, penalty=60)
        for attacker in ("a1", "a2", "a3"):
            gate.strike(attacker)
        entered: list[str] = []
        release = asyncio.Event()
        tasks = [asyncio.create_task(hold(gate, c, entered, release)) for c in ("a1", "a2", "a3")]
        await asyncio.sleep(0.05)
        assert entered == ["a1"]  # heavy clients never take the last slot
        tasks.append(asyncio.create_task(hold(gate, "person", entered, release)))
        await asyncio.sleep(0.05)
        assert entered == ["a1", "person"]  # in at once, past the waiting heavy ones
        release.set()
        await asyncio.gather(*tasks)
        return entered

    assert asyncio.run(scenario())[2:] == ["a2", "a3"]


def test_a_freed_slot_goes_to_a_waiting_light_client_first():
    async def scenario() -> list[str]:
        gate = Gate(running=1, waiting=8, per_client=4, wait=5, penalty=60)
        gate.strike("attacker")
        entered: list[str] = []
        first, later = asyncio.Event(), asyncio.Event()
        tasks = [asyncio.create_task(hold(gate, "other", entered, first))]
        await asyncio.sleep(0.02)
        tasks.append(asyncio.create_task(hold(gate, "attacker", entered, later)))
        await asyncio.sleep(0.02)
        tasks.append(asyncio.create_task(hold(gate, "person", entered, later)))
        await asyncio.sleep(0.02)
        first.set()
        await asyncio.sleep(0.02)
        later.set()
        await asyncio.gather(*tasks)
        return entered

    assert asyncio.run(scenario()) == ["other", "person", "attacker"]


def test_the_longest_wait_counts_clients_in_good_standing_only():
    async def scenario() -> tuple[float, float, float]:
        gate = Gate(running=1, waiting=8, per_client=4, wait=5, penalty=60)
        gate.strike("attacker")
        release = asyncio.Event()
        tasks = [asyncio.create_task(hold(gate, "first", [], release))]
        await asyncio.sleep(0.02)
        tasks.append(asyncio.create_task(hold(gate, "attacker", [], release)))
        await asyncio.sleep(0.1)
        only_heavy = gate.longest_wait()
        tasks.append(asyncio.create_task(hold(gate, "person", [], release)))
        await asyncio.sleep(0.1)
        person_waits = gate.longest_wait()
        release.set()
        await asyncio.gather(*tasks)
        return only_heavy, person_waits, gate.longest_wait()

    only_heavy, person_waits, after = asyncio.run(scenario())
    assert only_heavy == 0.0  # a heavy client waiting stops no one
    assert 0.05 < person_waits < 1.0
    assert after == 0.0


def test_a_heavy_client_has_one_request_in_flight_and_a_shorter_deadline():
    async def scenario() -> None:
        gate = Gate(running=4, waiting=8, per_client=4, wait=5, penalty=60)
        assert gate.deadline("a", 10.0) == 10.0
        gate.strike("a")
        assert gate.deadline("a", 10.0) == 10.0 * HEAVY_DEADLINE
        release = asyncio.Event()
        task = asyncio.create_task(hold(gate, "a", [], release))
        await asyncio.sleep(0.02)
        with pytest.raises(Refused) as refused:
            async with gate.admit("a"):
                pass
        assert refused.value.status == 429
        release.set()
        await task
        assert gate.inside == gate.held == gate.held_heavy == 0 and not gate.clients

    asyncio.run(scenario())


def test_waiting_and_running_both_count_for_a_client_and_a_long_wait_is_busy():
    async def scenario() -> None:
        gate = Gate(running=1, waiting=8, per_client=2, wait=0.2)
        release = asyncio.Event()
        running = asyncio.create_task(hold(gate, "c", [], release))
        await asyncio.sleep(0.02)
        waiting = asyncio.create_task(hold(gate, "c", [], release))
        await asyncio.sleep(0.02)
        with pytest.raises(Refused) as refused:  # one running + one waiting = its two
            async with gate.admit("c"):
                pass
        assert refused.value.code == "too_many_requests"
        with pytest.raises(Refused) as busy:  # another client waits past `wait`
            async with gate.admit("d"):
                pass
        assert busy.value.code == "busy"
        release.set()
        outcome = await asyncio.gather(running, waiting, return_exceptions=True)
        assert outcome[0] is None and isinstance(outcome[1], Refused)  # it waited too long too
        assert gate.inside == gate.held == 0 and not gate.queue and not gate.clients

    asyncio.run(scenario())


def test_strikes_expire_and_old_addresses_are_forgotten():
    gate = Gate(running=2, waiting=2, per_client=2, wait=1, penalty=0.05)
    gate.strike("a")
    assert gate.heavy("a")
    time.sleep(0.06)
    assert not gate.heavy("a")
    assert not Gate(running=2, waiting=2, per_client=2, wait=1).heavy("a")  # no penalty kept


@pytest.mark.parametrize(("path", "query", "heavy"), [
    ("/api/who-holds", b"power=p&at=2024-06-01", True),
    ("/api/who-holds", b"power=p&in=", True),
    ("/api/who-holds", b"power=p&in=845", False),
    ("/api/powers/x/holders", b"", True),
    ("/api/powers/x/holders", b"in=845", False),
    ("/api/search", b"q=a", False),
])
def test_nationwide_questions_go_through_the_page_gate(path, query, heavy):
    assert nationwide({"path": path, "query_string": query}) is heavy


def test_attackers_runaway_queries_leave_a_worker_for_a_legitimate_client(serve):  # noqa: F811
    served = serve(query_timeout=2.0, sparql_workers=2, sparql_queue=8, client_queries=4)
    attackers = [{"X-Forwarded-For": f"10.66.0.{n}", **JSON} for n in (1, 2)]
    person = {"X-Forwarded-For": "10.1.0.1", **JSON}

    async def scenario() -> tuple[list[int], list[httpx.Response], list[float]]:
        async with httpx.AsyncClient(base_url=served.url, timeout=30, trust_env=False) as c:
            def runaway(headers: dict) -> asyncio.Task:
                return asyncio.create_task(c.get("/sparql", params={"query": RUNAWAY}, headers=headers))

            first = await asyncio.gather(*(runaway(h) for h in attackers))  # hit the deadline
            for _ in range(600):  # both killed workers replaced (slow on a loaded machine)
                workers = (await c.get("/health")).json()["sparql_workers"]
                if workers["idle"] == workers["size"]:
                    break
                await asyncio.sleep(0.1)
            whole.append(workers)
            second = [runaway(h) for h in attackers for _ in range(2)]  # now heavy: 1 each
            await asyncio.sleep(0.3)
            seconds, answers = [], []
            for _ in range(3):
                started = time.monotonic()
                answers.append(await c.get("/sparql", params={"query": "ASK { ?s ?p ?o }"},
                                           headers=person))
                seconds.append(time.monotonic() - started)
            statuses = [r.status_code for r in first] + [r.status_code for r in await asyncio.gather(*second)]
            return statuses, answers, seconds

    whole: list[dict] = []
    statuses, answers, seconds = asyncio.run(scenario())
    assert whole[0] == {"live": 3, "idle": 3, "size": 3}  # the two allowed at once and a spare
    assert statuses[:2] == [503, 503]
    assert statuses[2:].count(429) >= 2  # the two heavy attackers may have one query in flight
    assert all(r.status_code == 200 for r in answers), [r.text for r in answers]
    assert max(seconds) < 1.5, seconds  # never behind a runaway query (deadline 2 s, heavy 1 s)


def test_a_runaway_query_gives_way_after_its_fair_share(serve):  # noqa: F811
    served = serve(query_timeout=20.0, sparql_workers=1, sparql_queue=8)

    async def scenario() -> tuple[httpx.Response, float, httpx.Response, float]:
        async with httpx.AsyncClient(base_url=served.url, timeout=30, trust_env=False) as c:
            started = time.monotonic()
            runaway = asyncio.create_task(c.get("/sparql", params={"query": SPINNING}, headers={
                "X-Forwarded-For": "10.66.0.9", **JSON}))
            await asyncio.sleep(0.5)
            person = await c.get("/sparql", params={"query": "ASK {}"},
                                 headers={"X-Forwarded-For": "10.1.0.9", **JSON})
            person_done = time.monotonic() - started
            stopped = await runaway
            return person, person_done, stopped, time.monotonic() - started

    person, person_done, stopped, runaway_done = asyncio.run(scenario())
    assert person.status_code == 200, person.text
    assert person_done < 15.0  # not the 20 s deadline of the query ahead of it (fair share: 5 s)
    body = stopped.json()
    assert stopped.status_code == 503 and body["error"] == "query_timeout"
    assert "while others waited" in body["detail"] and runaway_done < 15.0


def test_once_a_client_has_waited_long_every_query_gives_way_after_a_short_share(serve):  # noqa: F811
    """Runaways not yet known as such (each one's first) ahead of a person: after the first,
    each runs SHORT_SHARE, not a whole fair share, once the person (or another) has waited."""
    served = serve(query_timeout=20.0, sparql_workers=1, sparql_queue=8)

    async def scenario() -> tuple[list[httpx.Response], httpx.Response, float]:
        async with httpx.AsyncClient(base_url=served.url, timeout=30, trust_env=False) as c:
            started = time.monotonic()
            runaways = []
            for n in range(1, 4):  # three addresses in good standing, in this order
                runaways.append(asyncio.create_task(c.get("/sparql", params={"query": SPINNING},
                                headers={"X-Forwarded-For": f"10.66.1.{n}", **JSON})))
                await asyncio.sleep(0.15)
            person = await c.get("/sparql", params={"query": "ASK {}"},
                                 headers={"X-Forwarded-For": "10.1.1.9", **JSON})
            return await asyncio.gather(*runaways), person, time.monotonic() - started

    runaways, person, person_done = asyncio.run(scenario())
    assert person.status_code == 200, person.text
    assert [r.status_code for r in runaways] == [503, 503, 503]
    assert all(r.json()["error"] == "query_timeout" for r in runaways)
    # The first one had its share; the two admitted after it ran one short share each.
    for later in runaways[1:]:
        detail = later.json()["detail"]
        assert "one of them over 2.5 s" in detail and "hơn 2,5 giây" in detail, later.text
    assert person_done < 15.0  # three whole shares (5 s in all each) would be 15 s
