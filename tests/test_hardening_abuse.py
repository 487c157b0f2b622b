"""The load-and-abuse test at CI scale: 10 clients (think time 0.5 s) for 12 s against a real
`thamquyen serve` with two web processes (small data) while every attack of `thamquyen bench
abuse` runs, workers killed included.
The full scale (100 clients, 60 s, national data) is the benchmark; see docs/service.md."""

from __future__ import annotations

import asyncio

from thamquyen.bench.abuse import Plan, report, run_plan, start_server


def test_mixed_traffic_under_attack(mini_home, tmp_path, monkeypatch):
    monkeypatch.setenv("THAMQUYEN_HOME", str(mini_home))
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    process, url = start_server([], tmp_path / "work", ["--web-processes", "2"])
    try:
        result = asyncio.run(run_plan(Plan(url=url, clients=10, seconds=12, slow_headers=100,
                                           server_pid=process.pid, think=0.5)))
    finally:
        process.terminate()
        process.wait(timeout=60)
    print("\n" + report(result))
    assert result["service_listener_connections"] == 0
    # Every 5xx a legitimate client meets fails the test, 503 busy on /sparql included: the
    # attackers' runaway queries make them heavy clients, who never take the last worker slot,
    # and before that (each one's first) they give way once a legitimate client has waited.
    assert not result["undocumented_examples"], result["undocumented_examples"]
    assert result["workers_killed"] >= 1 and result["slow_header_connections"] >= 100
    requests = result["requests"]
    for kind in ("who-holds", "health"):
        assert set(requests[kind]["statuses"]) == {"200"}, requests[kind]
    assert set(requests["attack-service"]["statuses"]) == {"400 federation_disabled"}
    assert set(requests["attack-nesting"]["statuses"]) == {"400 query_too_complex"}
