"""The remote store and the commands around it, against real `oxigraph serve` processes:
`thamquyen load` (replace, all or nothing, exit codes), RemoteStore, and `thamquyen serve`."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from conftest import (
    API_FIXTURE,
    POWER_ONE,
    POWER_TWO,
    UBND_84,
    assert_error,
    free_port,
    load_with_cli,
    wait_until,
)
from thamquyen.cli import main
from thamquyen.cli_serve import update_requests
from thamquyen.store import RemoteStore

AT_DATE = dt.date(2024, 5, 1)
FINGERPRINT = "SELECT ?id WHERE { <https://w3id.org/thamquyen/id/store/loaded> " \
    "<http://purl.org/dc/terms/identifier> ?id }"
EXTRA = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/thamquyen/id/power/them-khi-nap> skos:prefLabel "Thêm khi nạp"@vi ;
    skos:note [ skos:prefLabel "nút trống"@vi ] .
"""


@pytest.fixture
def server(start_oxigraph):
    """A fresh in-memory Oxigraph server for each test."""
    return start_oxigraph(persistent=False)


@pytest.mark.remote
def test_load_replaces_what_was_loaded_before(server, mini_home, tmp_path, capsys):
    assert load_with_cli(server, home=mini_home) == 0
    base = server.count()
    assert base > 1000
    assert "Đã nạp" in capsys.readouterr().out
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    assert load_with_cli(server, extra, home=mini_home) == 0
    assert server.count() == base + 3 + 1  # the load mark lists one more file
    assert "only the new files were added" in capsys.readouterr().out
    assert load_with_cli(server, home=mini_home) == 0  # a file gone: the graph is replaced
    assert server.count() == base
    assert "only the new files" not in capsys.readouterr().out


@pytest.mark.remote
def test_an_add_only_load_adds_and_a_changed_file_replaces(server, mini_home, tmp_path, capsys):
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    assert load_with_cli(server, extra, home=mini_home) == 0
    base, before = server.count(), RemoteStore(server.remote()).select(FINGERPRINT)
    power = "<https://w3id.org/thamquyen/id/power/them-khi-nap>"
    extra.write_text(EXTRA.replace("Thêm khi nạp", "Đổi khi nạp"), encoding="utf-8")
    assert load_with_cli(server, extra, home=mini_home) == 0  # changed: replaced, not added to
    assert "only the new files" not in capsys.readouterr().out
    assert server.count() == base
    labels = RemoteStore(server.remote()).select(
        f"SELECT ?l WHERE {{ {power} <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }}")
    assert [str(r["l"]) for r in labels] == ["Đổi khi nạp"]
    assert RemoteStore(server.remote()).select(FINGERPRINT) != before
    more = tmp_path / "more.ttl"
    more.write_text(EXTRA.replace("them-khi-nap", "them-nua"), encoding="utf-8")
    assert load_with_cli(server, extra, more, "--full", home=mini_home) == 0
    assert "only the new files" not in capsys.readouterr().out
    assert server.count() == base + 3 + 1


@pytest.mark.remote
def test_bad_turtle_writes_nothing(server, mini_home, tmp_path, capsys):
    assert load_with_cli(server, home=mini_home) == 0
    before = server.count()
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<a:b> skos:x \n", "utf-8")
    assert load_with_cli(server, bad, home=mini_home) == 2
    err = capsys.readouterr().err
    assert "bad.ttl:" in err and "Turtle" in err
    assert server.count() == before


def test_unreachable_store_exits_2(mini_home, capsys):
    port = free_port()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("THAMQUYEN_HOME", str(mini_home))
        code = main(["load", "--endpoint", f"http://127.0.0.1:{port}/query",
                     "--update-endpoint", f"http://127.0.0.1:{port}/update", "--timeout", "3"])
    assert code == 2
    assert "không có gì được ghi" in capsys.readouterr().err


def test_load_needs_both_endpoints():
    with pytest.raises(SystemExit) as stop:
        main(["load", "--endpoint", "http://127.0.0.1:1/query"])
    assert stop.value.code == 2


def test_update_requests_change_the_store_at_once_and_keep_blank_nodes_together():
    one = [ox.Triple(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://e/p"), ox.Literal("x"))
           for i in range(3)]
    blank = ox.BlankNode("b1")
    two = [ox.Triple(blank, ox.NamedNode("http://e/p"), ox.Literal("y")),
           ox.Triple(ox.NamedNode("http://e/z"), ox.NamedNode("http://e/q"), blank)]
    files = [(Path("one.ttl"), one), (Path("two.ttl"), two)]
    [single] = update_requests(files, 10_000_000)
    assert single.startswith("CLEAR DEFAULT ;\nINSERT DATA {") and single.count("INSERT DATA") == 1
    *batches, move = update_requests(files, 10)  # a file without blank nodes may be split
    staging = batches[0].split("<", 2)[1].split(">")[0]
    assert len(batches) == 4 and batches[0].startswith(f"DROP SILENT GRAPH <{staging}> ;")
    assert all(f"INSERT DATA {{ GRAPH <{staging}> {{" in b for b in batches[:3])
    assert f"INSERT {{ GRAPH <{staging}> {{" in batches[3]  # blank nodes: INSERT … WHERE {}
    assert "CLEAR" not in "".join(batches) and "DROP" not in "".join(batches[1:])
    assert batches[-1].count("_:b1") == 2  # a blank node never crosses a request
    assert move == f"MOVE SILENT GRAPH <{staging}> TO DEFAULT\n"  # the store changes at once


@pytest.mark.remote
def test_remote_store_reads(server, mini_home):
    assert load_with_cli(server, home=mini_home) == 0
    store = RemoteStore(server.remote())
    rows = store.select("SELECT ?label WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> "
                        "?label } ", {"s": rdflib.URIRef(POWER_ONE)})
    labels = {(str(r["label"]), r["label"].language) for r in rows}
    assert ("Thẩm quyền kiểm thử API một", "vi") in labels
    assert store.ask("ASK { ?s ?p ?o }") is True
    graph = store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": rdflib.URIRef(POWER_ONE)})
    assert len(graph) >= 4


def test_a_store_that_refuses_a_pragma_gets_the_query_as_written(server, mini_home):
    """Oxigraph rejects Virtuoso's DEFINE (asked once): who-holds goes to it unchanged, as it
    goes to the embedded store."""
    from thamquyen.catalog import bound_text, get

    store = RemoteStore(server.remote())
    pragma = get("who-holds-simple").pragma
    assert pragma and store.accepts_pragma(pragma) is False
    assert store.has_lateral() is True
    bindings = {"_power": rdflib.URIRef(POWER_ONE),
                "_at": rdflib.Literal("2024-06-01", datatype=rdflib.XSD.date)}
    assert "DEFINE" not in bound_text(store, get("who-holds"), bindings)
    assert not bound_text(None, get("who-holds-simple"), bindings).startswith("DEFINE")


@pytest.mark.remote
def test_export_is_the_graph_store_dump_or_else_a_construct(server, mini_home, tmp_path):
    from thamquyen.remote import DUMP_QUERY
    from thamquyen.store import RemoteSettings

    assert load_with_cli(server, home=mini_home) == 0
    store = RemoteStore(server.remote())
    assert store.graph_store_url() == server.query_url[: -len("query")] + "store"
    dumped, constructed = tmp_path / "gsp.nt", tmp_path / "construct.nt"
    assert store.export_to_file(DUMP_QUERY, dumped) > 0
    store.construct_to_file(DUMP_QUERY, constructed)
    assert sorted(dumped.read_text("utf-8").splitlines()) == sorted(
        constructed.read_text("utf-8").splitlines())
    # no such graph: the dump is refused (404), the CONSTRUCT answers (nothing)
    missing = RemoteStore(RemoteSettings(server.query_url, graph="https://example.org/none"))
    assert missing.export_to_file(DUMP_QUERY, tmp_path / "none.nt") == 0


# ---------------------------------------------------------------- `thamquyen serve`


def serve(args: list[str], home: Path, workdir: Path) -> tuple[subprocess.Popen, str]:
    """Start `thamquyen serve` as a real process on a free port."""
    port = free_port()
    env = {**os.environ, "THAMQUYEN_HOME": str(home), "THAMQUYEN_WORKDIR": str(workdir),
           "NO_PROXY": "127.0.0.1"}
    process = subprocess.Popen([sys.executable, "-m", "thamquyen.cli", "serve", "--port", str(port),
                                "--log-level", "warning", *args],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    return process, url


def stop(process: subprocess.Popen) -> None:
    """Stop a server process (SIGTERM, then kill)."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.mark.parametrize("kind", ["embedded", pytest.param("remote", marks=pytest.mark.remote)])
def test_serve_command(kind, mini_home, tmp_path, request):
    args: list[str] = ["--query-timeout", "5"]
    if kind == "remote":
        server = request.getfixturevalue("server")
        assert load_with_cli(server, home=mini_home) == 0
        args += ["--endpoint", server.query_url, "--update-endpoint", server.update_url]
    process, url = serve(args, mini_home, tmp_path / "work")
    try:
        wait_until(lambda: httpx.get(f"{url}/health", timeout=5).status_code == 200, 120, "serve")
        assert httpx.get(f"{url}/health", timeout=5).json()["store"] == kind
        ask = httpx.get(f"{url}/sparql", params={"query": f"ASK {{ <{POWER_ONE}> ?p ?o }}"}, timeout=30)
        assert ask.json()["boolean"] is True
        assert_error(httpx.post(f"{url}/sparql", data={"update": "CLEAR ALL"}, timeout=30), 403)
    finally:
        stop(process)


def test_serve_refuses_paths_with_a_remote_store(capsys):
    code = main(["serve", "--endpoint", "http://127.0.0.1:1/query", str(API_FIXTURE)])
    assert code == 2
    assert "thamquyen load" in capsys.readouterr().err


def test_serve_help_lists_the_environment(capsys):
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = capsys.readouterr().out
    for name in ("THAMQUYEN_ENDPOINT", "THAMQUYEN_QUERY_TIMEOUT", "THAMQUYEN_ROW_LIMIT",
                 "THAMQUYEN_MAX_UPLOAD_MB", "THAMQUYEN_WORKDIR"):
        assert name in out


# ---------------------------------------------------------------- refresh, replicas, named graph

SECOND_CONFERRAL = """@prefix tq: <https://w3id.org/thamquyen/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/thamquyen/id/conferral/kiem-thu-api-hai> a tq:Conferral ;
    tq:power <https://w3id.org/thamquyen/id/power/kiem-thu-api-hai> ;
    tq:holder <https://w3id.org/thamquyen/id/agency/ubnd-84> ;
    tq:legalBasis <https://w3id.org/thamquyen/id/doc/77-2015-qh13/dieu-13/khoan-1> ;
    tq:validFrom "2020-01-01"^^xsd:date .
"""


def holders_of(url: str, power: str) -> list[str]:
    """The final holders of a who-holds answer over HTTP."""
    answer = httpx.get(f"{url}/api/who-holds", params={"power": power, "at": "2024-05-01"},
                       timeout=30)
    assert answer.status_code == 200, answer.text
    return sorted(h["authority"] for h in answer.json()["holders"])


class Asker(threading.Thread):
    """A client asking who-holds of every replica in turn until stopped: what failed, and the
    holders each replica gave (a request must never fail nor answer from a half-built index)."""

    def __init__(self, urls: list[str]):
        super().__init__(daemon=True)
        self.urls, self.stop, self.failed = urls, threading.Event(), []
        self.answers: set[tuple[str, ...]] = set()

    def run(self) -> None:
        with httpx.Client(timeout=30) as client:
            while not self.stop.is_set():
                for url in self.urls:
                    try:
                        answer = client.get(f"{url}/api/who-holds",
                                            params={"power": POWER_ONE, "at": "2024-05-01"})
                        self.answers.add(tuple(h["authority"] for h in answer.json()["holders"]))
                        if answer.status_code != 200:
                            self.failed.append(f"{url}: {answer.status_code} {answer.text[:200]}")
                    except (httpx.HTTPError, ValueError, KeyError) as exc:
                        self.failed.append(f"{url}: {exc!r}")


@pytest.mark.remote
def test_two_replicas_answer_the_same_after_a_load(server, mini_home, tmp_path):
    """Two replicas sharing a working folder (the first to see a new fingerprint reads the
    index, the other loads its cache); a client asks all along."""
    assert load_with_cli(server, home=mini_home) == 0
    args = ["--endpoint", server.query_url, "--update-endpoint", server.update_url,
            "--refresh-interval", "0.5"]
    replicas = [serve(args, mini_home, tmp_path / "work") for _ in range(2)]
    asker = Asker([url for _, url in replicas])
    try:
        urls = [url for _, url in replicas]
        for url in urls:
            wait_until(lambda u=url: httpx.get(f"{u}/health", timeout=5).status_code == 200,
                       120, "serve")
        before = {httpx.get(f"{u}/health", timeout=5).json()["fingerprint"] for u in urls}
        assert len(before) == 1 and before.pop().startswith("load:")
        assert [holders_of(u, POWER_TWO) for u in urls] == [[], []]
        asker.start()
        extra = tmp_path / "hai.ttl"
        extra.write_text(SECOND_CONFERRAL, encoding="utf-8")
        assert load_with_cli(server, extra, home=mini_home) == 0
        answers: list[list[str]] = []
        deadline = time.monotonic() + 60
        # requests keep flowing while the index is swapped; holders_of fails on any non-200
        while time.monotonic() < deadline:
            answers = [holders_of(u, POWER_TWO) for u in urls]
            if all(answers):
                break
        assert answers == [[UBND_84], [UBND_84]], answers
        health = [httpx.get(f"{u}/health", timeout=5).json() for u in urls]
        assert health[0]["fingerprint"] == health[1]["fingerprint"]
        # the count of the data each new index was read from (no COUNT(*) on the store)
        assert health[0]["triples"] == health[1]["triples"] == stored_triples(server)
        assert all(h["index_age_s"] is not None and h["index_age_s"] < 60 for h in health)
        asker.stop.set()
        asker.join(30)
        assert not asker.failed, asker.failed[:5]
        assert asker.answers == {(UBND_84,)}  # the unchanged power, before and after the swap
    finally:
        asker.stop.set()
        for process, _ in replicas:
            stop(process)


def stored_triples(server) -> int:
    """The store's triple count, counted there."""
    rows = RemoteStore(server.remote()).select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(rows[0]["n"])


@pytest.mark.remote
def test_the_index_knows_how_many_triples_it_was_read_from(server, mini_home, tmp_path):
    """A remote store's /health count comes from its index, cold or from the cache."""
    from thamquyen.kb import open_kb

    assert load_with_cli(server, home=mini_home) == 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("THAMQUYEN_HOME", str(mini_home))
        cold = open_kb(remote=server.remote(), workdir=tmp_path)
        warm = open_kb(remote=server.remote(), workdir=tmp_path)
    assert cold.store.triples == warm.store.triples == stored_triples(server) > 1000


def named_graphs(server) -> list[str]:
    """The names of the store's named graphs."""
    answer = httpx.post(server.query_url,
                        data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                        headers={"Accept": "application/sparql-results+json"}, timeout=30)
    return sorted(b["g"]["value"] for b in answer.json()["results"]["bindings"])


def triples_of(memory: ox.Store) -> tuple[int, set[str]]:
    """How many triples an in-memory store has, and those without a blank node as N-Triples
    lines (each parse names blank nodes afresh)."""
    lines = {str(q.triple) for q in memory}
    return len(lines), {t for t in lines if "_:" not in t}


@pytest.mark.remote
def test_a_refresh_after_an_add_only_load_reads_only_what_it_added(server, mini_home, tmp_path):
    """The first read keeps a copy of the export; after an add-only load the refresh reads the
    load's added graph onto that copy, and gets exactly what a full export gives. A load that
    changes a file drops that graph, and the next refresh reads everything."""
    from thamquyen.remote import copy_file, dump, fingerprint, updated

    assert load_with_cli(server, home=mini_home) == 0
    store = RemoteStore(server.remote())
    first = store.fingerprint = fingerprint(store)
    dump(store, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [copy_file(tmp_path, first).name]
    extra = tmp_path / "hai.ttl"
    extra.write_text(SECOND_CONFERRAL, encoding="utf-8")
    assert load_with_cli(server, extra, home=mini_home) == 0
    assert len(named_graphs(server)) == 1  # what the add-only load added
    second = store.fingerprint = fingerprint(store)
    memory = updated(store, tmp_path, first)
    assert memory is not None
    read = triples_of(memory)
    assert read == triples_of(dump(store))
    assert any("kiem-thu-api-hai" in t for t in read[1])
    assert [p.name for p in tmp_path.glob("copy-*")] == [copy_file(tmp_path, second).name]
    extra.write_text(SECOND_CONFERRAL.replace("2020-01-01", "2021-01-01"), encoding="utf-8")
    assert load_with_cli(server, extra, home=mini_home) == 0  # a file changed: a full load
    assert named_graphs(server) == []
    store.fingerprint = fingerprint(store)
    assert updated(store, tmp_path, second) is None


@pytest.mark.remote
def test_a_copy_that_cannot_be_written_or_read_only_costs_the_shortcut(server, mini_home,
                                                                      tmp_path):
    """A full disk while the export is kept: the read goes on, no copy is left. A damaged
    copy: the refresh reads everything instead of failing."""
    from thamquyen.remote import copy_file, dump, fingerprint, updated

    assert load_with_cli(server, home=mini_home) == 0
    store = RemoteStore(server.remote())
    first = store.fingerprint = fingerprint(store)
    kept = copy_file(tmp_path, first)
    kept.with_name(f"{kept.name}.{os.getpid()}.tmp").symlink_to("/dev/full")
    assert len(dump(store, tmp_path)) == stored_triples(server)
    assert list(tmp_path.iterdir()) == []
    dump(store, tmp_path)
    kept.write_bytes(b"<https://example.org/a> <https://example.org/b> broken\n")
    extra = tmp_path / "hai.ttl"
    extra.write_text(SECOND_CONFERRAL, encoding="utf-8")
    assert load_with_cli(server, extra, home=mini_home) == 0
    store.fingerprint = fingerprint(store)
    assert updated(store, tmp_path, first) is None


@pytest.mark.remote
def test_warm_open_reads_the_index_cache(server, mini_home, tmp_path):
    from thamquyen.kb import open_kb

    assert load_with_cli(server, home=mini_home) == 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("THAMQUYEN_HOME", str(mini_home))
        cold = open_kb(remote=server.remote(), workdir=tmp_path)
        cached = list((tmp_path / "remote").glob("*/kb-index.marshal"))
        assert len(cached) == 1
        warm = open_kb(remote=server.remote(), workdir=tmp_path)
    assert warm.store.fingerprint == cold.store.fingerprint
    assert warm.engine.who_holds(POWER_ONE, None, AT_DATE) == cold.engine.who_holds(
        POWER_ONE, None, AT_DATE)


@pytest.mark.remote
def test_named_graph_mode_load_serve_and_query(server, mini_home, tmp_path, capsys):
    graph = "https://example.org/thamquyen-graph"
    argv = ["load", "--endpoint", server.query_url, "--update-endpoint", server.update_url,
            "--graph", graph]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("THAMQUYEN_HOME", str(mini_home))
        assert main(argv) == 0
        assert f"<{graph}>" in capsys.readouterr().out
        assert server.count() == 0  # the default graph is untouched
        assert main(argv) == 0  # a second load replaces the graph
        capsys.readouterr()
        code = main(["query", "who-holds", "-p", f"power={POWER_ONE}", "-p", "at=2024-05-01",
                     "--format", "json", "--endpoint", server.query_url, "--graph", graph])
    assert code == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [r["holder"] for r in rows] == [UBND_84]
    graphs = httpx.post(server.query_url,
                        data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                        headers={"Accept": "application/sparql-results+json"}, timeout=30).json()
    assert [b["g"]["value"] for b in graphs["results"]["bindings"]] == [graph]  # no staging left


def test_graph_must_be_an_iri(capsys):
    code = main(["load", "--endpoint", "http://127.0.0.1:1/query", "--update-endpoint",
                 "http://127.0.0.1:1/update", "--graph", "not an iri"])
    assert code == 2
    assert "--graph" in capsys.readouterr().err


def test_named_graph_requests_load_a_staging_graph_then_move_it():
    one = [ox.Triple(ox.NamedNode("http://e/1"), ox.NamedNode("http://e/p"), ox.Literal("x"))]
    requests = update_requests([(Path("one.ttl"), one), (Path("two.ttl"), one)], 10,
                               "http://e/g", ['<http://e/m> <http://e/q> "m" .'])
    assert len(requests) == 3
    staging = requests[0].split("<", 2)[1].split(">")[0]
    assert requests[0].startswith(f"DROP SILENT GRAPH <{staging}> ;")
    assert '<http://e/m> <http://e/q> "m" .' in requests[0]
    assert all(f"GRAPH <{staging}>" in r for r in requests[:2])
    assert requests[2] == f"MOVE SILENT GRAPH <{staging}> TO GRAPH <http://e/g>\n"
    assert "CLEAR" not in "".join(requests)


@pytest.mark.remote
def test_load_in_several_requests_replaces_the_default_graph_at_once(server, mini_home, capsys):
    assert load_with_cli(server, home=mini_home) == 0
    whole = server.count()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("THAMQUYEN_HOME", str(mini_home))
        assert main(["load", "--endpoint", server.query_url, "--update-endpoint",
                     server.update_url, "--batch-mb", "0.05", "--full"]) == 0
    assert "đồ thị tạm" in capsys.readouterr().out
    assert server.count() == whole
    graphs = httpx.post(server.query_url, data={"query": "ASK { GRAPH ?g { ?s ?p ?o } }"},
                        headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert graphs.json()["boolean"] is False  # the staging graph was moved, not left behind


def test_a_refresh_read_that_fails_in_its_child_is_a_store_error(tmp_path):
    """The child process that reads a refreshed index fails (store gone): a StoreError saying
    so, which the refresh loop answers by keeping the current index."""
    from thamquyen.remote import BulkRemote, build_in_child
    from thamquyen.store import RemoteSettings, StoreError

    store = RemoteStore(RemoteSettings("http://127.0.0.1:1/query", timeout=2))
    with pytest.raises(StoreError, match="child process failed"):
        build_in_child(BulkRemote(store, tmp_path), tmp_path / "kb-index.marshal", "k")
    assert not (tmp_path / "kb-index.marshal").exists()
