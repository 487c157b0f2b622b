"""Virtuoso Open-Source as a second real store (Debian `virtuoso-opensource-7`, installed by
`setup.sh --test`): `thamquyen load` with Digest authentication into a named graph (Virtuoso has
no writable default graph), `serve --endpoint --graph` on it, and the who-holds engine reading
its index through Virtuoso giving the same answers as on the embedded store.

Each session starts its own `virtuoso-t` on loopback ports with a configuration written into a
temporary folder; without `virtuoso-t` the tests are skipped with the reason.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import rdflib
from conftest import POWER_ONE, UBND_84, free_port, wait_until
from test_remote_store import holders_of, serve, stop
from thamquyen.bench.pure_sparql import virtuoso_ini
from thamquyen.catalog import bound_text, get
from thamquyen.cli import main
from thamquyen.store import RemoteSettings, RemoteStore

pytestmark = pytest.mark.remote
GRAPH = "https://example.org/thamquyen-virtuoso"
FIXTURE = "https://example.org/thamquyen-fixture/"
ENGINE_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "engine"


@dataclass
class Virtuoso:
    """A running virtuoso-t (the default `dba`/`dba` account)."""

    process: subprocess.Popen
    port: int

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    @property
    def update_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql-auth"

    def remote(self) -> RemoteSettings:
        """Read access to the data graph."""
        return RemoteSettings(self.query_url, graph=GRAPH, timeout=120)

    def count(self) -> int:
        """Triples in the data graph."""
        answer = httpx.post(self.query_url, data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ "
                                                           f"GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"},
                            headers={"Accept": "application/sparql-results+json"}, timeout=60)
        return int(answer.json()["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """virtuoso-t on loopback ports, stopped at the end of the session."""
    exe = shutil.which("virtuoso-t")
    if exe is None:
        pytest.skip("virtuoso-t is not installed (Debian: apt-get install virtuoso-opensource-7; "
                    "setup.sh --test does it where apt is available)")
    folder = tmp_path_factory.mktemp("virtuoso")
    port = free_port()
    (folder / "virtuoso.ini").write_text(virtuoso_ini(folder, free_port(), port, size="small",
                                                      threads=10, cost_s=400))
    process = subprocess.Popen([exe, "+foreground", "+configfile", str(folder / "virtuoso.ini")],
                               cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = Virtuoso(process, port)
    wait_until(lambda: httpx.get(server.query_url, params={"query": "ASK {}"}, timeout=2)
               .status_code == 200, 120, "virtuoso-t")
    yield server
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def load(server: Virtuoso, home: Path, *extra: str, auth: str = "digest") -> int:
    """`thamquyen load` into the data graph, as dba."""
    argv = ["load", "--endpoint", server.query_url, "--update-endpoint", server.update_url,
            "--user", "dba", "--password", "dba", "--auth", auth, "--graph", GRAPH, *extra]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("THAMQUYEN_HOME", str(home))
        return main(argv)


def test_load_with_digest_into_a_graph_replaces_it(virtuoso, mini_home, capsys):
    assert load(virtuoso, mini_home) == 0
    assert f"<{GRAPH}>" in capsys.readouterr().out
    first = virtuoso.count()
    assert first > 1000
    assert load(virtuoso, mini_home) == 0
    assert virtuoso.count() == first  # replaced, not added


def test_an_add_only_load_into_a_graph(virtuoso, mini_home, tmp_path, capsys):
    assert load(virtuoso, mini_home) == 0
    first = virtuoso.count()
    extra = tmp_path / "extra.ttl"
    extra.write_text('<https://w3id.org/thamquyen/id/power/them> '
                     '<http://www.w3.org/2004/02/skos/core#note> [ '
                     '<http://www.w3.org/2004/02/skos/core#prefLabel> "nút trống"@vi ] .\n',
                     encoding="utf-8")
    capsys.readouterr()
    assert load(virtuoso, mini_home, str(extra)) == 0  # a blank node: INSERT … WHERE {}
    assert "only the new files were added" in capsys.readouterr().out
    assert virtuoso.count() == first + 2 + 1  # and the load mark lists one more file
    assert load(virtuoso, mini_home) == 0
    assert virtuoso.count() == first


def test_a_refresh_after_an_add_only_load_reads_its_added_graph(virtuoso, mini_home, tmp_path):
    """On Virtuoso (no Graph Store dump: CONSTRUCT) the refresh after an add-only load reads
    the kept copy plus the load's added graph, the same triples as a full read; the next
    load drops that graph."""
    from thamquyen.remote import ADDED, dump, fingerprint, updated

    assert load(virtuoso, mini_home) == 0
    store = RemoteStore(virtuoso.remote())
    first = store.fingerprint = fingerprint(store)
    dump(store, tmp_path)
    extra = tmp_path / "extra.ttl"
    extra.write_text('<https://w3id.org/thamquyen/id/power/them> '
                     '<http://www.w3.org/2004/02/skos/core#prefLabel> "Thêm"@vi .\n',
                     encoding="utf-8")
    assert load(virtuoso, mini_home, str(extra)) == 0
    store.fingerprint = fingerprint(store)
    memory = updated(store, tmp_path, first)
    assert memory is not None
    assert len(memory) == len(dump(store)) == virtuoso.count()
    everywhere = RemoteStore(RemoteSettings(virtuoso.query_url, timeout=60))
    graphs = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER STRSTARTS(STR(?g), '{ADDED}') }}"
    assert len(everywhere.select(graphs)) == 1
    assert load(virtuoso, mini_home) == 0
    assert everywhere.select(graphs) == []


def test_basic_auth_is_refused_and_nothing_changes(virtuoso, mini_home, capsys):
    assert load(virtuoso, mini_home) == 0
    before = virtuoso.count()
    capsys.readouterr()
    assert load(virtuoso, mini_home, auth="basic") == 2
    err = capsys.readouterr().err
    assert "401" in err and "không có gì được ghi" in err
    assert virtuoso.count() == before


@pytest.mark.slow  # three `serve` processes and a Virtuoso load: ~15 s quiet, ~50 s at load 12
def test_held_out_answers_are_the_same_on_three_stores(virtuoso, start_oxigraph, fixture_home,
                                                       tmp_path):
    """Data not in the repository (a small generated set): `GET /api/who-holds` of a sample of
    its questions answers the same holders, steps and bases from `serve` on the embedded store,
    on an Oxigraph server and on Virtuoso (named-graph mode), both through `--endpoint`."""
    from conftest import load_with_cli
    from thamquyen.bench.generate import generate
    from thamquyen.bench.run import make_questions

    data = tmp_path / "held-out"
    pools = generate(data, 2500, 7, "synthetic", 30, True)["pools"]
    questions = make_questions(pools, 24, 3)
    oxigraph = start_oxigraph(persistent=False)
    assert load_with_cli(oxigraph, data, home=fixture_home) == 0
    assert load(virtuoso, fixture_home, str(data)) == 0
    runs = [serve([str(data)], fixture_home, tmp_path / "work-embedded"),
            serve(["--endpoint", oxigraph.query_url], fixture_home, tmp_path / "work-oxigraph"),
            serve(["--endpoint", virtuoso.query_url, "--graph", GRAPH], fixture_home,
                  tmp_path / "work-virtuoso")]
    try:
        answers = []
        for _, url in runs:
            wait_until(lambda u=url: httpx.get(f"{u}/health", timeout=5).status_code == 200,
                       120, "serve")
            answers.append([_holders(url, q) for q in questions])
    finally:
        for process, _ in runs:
            stop(process)
    embedded, on_oxigraph, on_virtuoso = answers
    assert sum(1 for a in embedded if a) >= 6  # the sample has answers to compare
    assert on_oxigraph == embedded
    assert on_virtuoso == embedded


def _holders(url: str, question: dict) -> list[dict]:
    """The holders (authority, label, chain with every step's basis) of one question."""
    answer = httpx.get(f"{url}/api/who-holds", timeout=60, params={
        "power": question["power"], "in": question["unit"], "at": question["at"]})
    assert answer.status_code == 200, answer.text
    return answer.json()["holders"]


def test_engine_reads_the_same_index_through_virtuoso(virtuoso, fixture_home, tmp_path):
    """Every fixture question answers the same with the index read from Virtuoso."""
    from thamquyen.kb import open_kb

    assert load(virtuoso, fixture_home, str(ENGINE_FIXTURES)) == 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("THAMQUYEN_HOME", str(fixture_home))
        remote = open_kb(remote=virtuoso.remote(), workdir=tmp_path)
        local = open_kb([ENGINE_FIXTURES], persistent=False)
    powers = sorted(p for p in local.engine.index.powers if "thamquyen-fixture" in p)
    units = sorted(u for u in local.engine.index.unit_validity if "thamquyen-fixture" in u)
    assert len(powers) >= 10 and len(units) >= 10
    for day in ("2019-12-31", "2024-01-01", "2025-07-01"):
        for power in powers:
            for unit in [*units, None]:
                at = dt.date.fromisoformat(day)
                theirs, ours = (kb.engine.who_holds(power, unit, at) for kb in (remote, local))
                # holders and chains; the explanations' citations are read with a property path
                # Virtuoso answers differently (docs/service.md, Virtuoso)
                assert theirs["holders"] == ours["holders"], (power, unit, day)


def test_serve_on_virtuoso(virtuoso, mini_home, tmp_path):
    """serve --endpoint on Virtuoso: the engine's answer, /sparql; on the named who-holds route a
    malformed date is a 400 before any query; the YASGUI tab of who-holds is the portable query.
    The route's full answer (Virtuoso compiles who-holds-simple for tens of seconds) is the slow
    test below."""
    assert load(virtuoso, mini_home) == 0
    process, url = serve(["--endpoint", virtuoso.query_url, "--graph", GRAPH,
                          "--query-timeout", "2"], mini_home, tmp_path / "work")
    named = f"{url}/api/queries/who-holds"
    try:
        wait_until(lambda: httpx.get(f"{url}/health", timeout=5).status_code == 200, 120, "serve")
        health = httpx.get(f"{url}/health", timeout=5).json()
        assert health["store"] == "remote" and health["fingerprint"].startswith("load:")
        assert holders_of(url, POWER_ONE) == [UBND_84]
        ask = httpx.get(f"{url}/sparql", params={"query": f"ASK {{ <{POWER_ONE}> ?p ?o }}"},
                        timeout=30)
        assert ask.json()["boolean"] is True
        bad = httpx.get(named, params={"power": POWER_ONE, "at": "2024-13-01"}, timeout=30)
        page = httpx.get(f"{url}/sparql", headers={"Accept": "text/html"}, timeout=30).text
    finally:
        stop(process)
    assert bad.status_code == 400 and "2024-13-01" in bad.text
    assert "who-holds" in page and "LATERAL {" not in page


def test_named_who_holds_on_virtuoso_is_the_portable_query(virtuoso, fixture_home, capsys):
    """Virtuoso has no LATERAL: `query who-holds` runs who-holds-simple there and finds the
    holder (one question: Virtuoso compiles it for ~10-30 s; the named examples are compared
    with the engine in the slow test below)."""
    from thamquyen.store import RemoteStore

    assert load(virtuoso, fixture_home, str(ENGINE_FIXTURES)) == 0
    store = RemoteStore(virtuoso.remote())
    assert store.has_lateral() is False
    # the portable query goes with its pragma: Virtuoso then joins in the order written
    pragma = get("who-holds-simple").pragma
    assert pragma and store.accepts_pragma(pragma)
    assert bound_text(store, get("who-holds"), {
        "_power": rdflib.URIRef(FIXTURE + "power/x"),
        "_at": rdflib.Literal("2024-06-01", datatype=rdflib.XSD.date)}).startswith(pragma + "\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("THAMQUYEN_HOME", str(fixture_home))
        capsys.readouterr()
        code = main(["query", "who-holds", "-p", "power=" + FIXTURE + "power/dang-ky-dat-dai",
                     "-p", "at=2024-06-01", "-p", "in=" + FIXTURE + "unit/99101",
                     "--endpoint", virtuoso.query_url, "--graph", GRAPH, "--format", "csv"])
    assert code == 0
    assert FIXTURE + "post/pho-chu-tich-ubnd-99101" in capsys.readouterr().out


@pytest.mark.slow
def test_portable_who_holds_on_virtuoso_is_the_engines_on_the_named_examples(virtuoso, fixture_home):
    """who-holds-simple on Virtuoso: the engine's holders and chains on the 5 named examples."""
    from test_queries import simple_differences
    from thamquyen.kb import open_kb
    from thamquyen.store import RemoteStore

    assert load(virtuoso, fixture_home, str(ENGINE_FIXTURES)) == 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("THAMQUYEN_HOME", str(fixture_home))
        local = open_kb([ENGINE_FIXTURES], persistent=False)
        assert not simple_differences(RemoteStore(virtuoso.remote()), local, "who-holds", size=0)


@pytest.mark.slow
def test_named_route_on_virtuoso_answers_as_the_engine(virtuoso, fixture_home, tmp_path):
    """The same route with a deadline Virtuoso can meet (it compiles who-holds-simple for
    tens of seconds): the engine's holders and chains."""
    from test_engine import engine_chains
    from thamquyen.kb import open_kb

    assert load(virtuoso, fixture_home, str(ENGINE_FIXTURES)) == 0
    power, unit, day = FIXTURE + "power/dang-ky-dat-dai", FIXTURE + "unit/99101", "2024-06-01"
    process, url = serve(["--endpoint", virtuoso.query_url, "--graph", GRAPH,
                          "--query-timeout", "300"], fixture_home, tmp_path / "work")
    try:
        wait_until(lambda: httpx.get(f"{url}/health", timeout=5).status_code == 200, 120, "serve")
        answer = httpx.get(f"{url}/api/queries/who-holds", timeout=330,
                           params={"power": power, "at": day, "in": unit})
    finally:
        stop(process)
    assert answer.status_code == 200, answer.text
    found = {(row["holder"], row["chain"]) for row in answer.json()["rows"]}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("THAMQUYEN_HOME", str(fixture_home))
        local = open_kb([ENGINE_FIXTURES], persistent=False)
    assert found and found == engine_chains(local, power, unit, day)
