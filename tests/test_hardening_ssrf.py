"""No outbound request, whatever the query: every way to write SERVICE gets 400
federation_disabled on both stores, and a real listener on another port records no connection.

The listener answers like a SPARQL endpoint holding a secret, so a query that reached it would
show the secret in its answer or its error detail.
"""

from __future__ import annotations

import random
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from conftest import assert_error
from thamquyen.api.queryguard import QueryRefused, check, nesting_depth, unescape

SECRET = "bi-mat-noi-bo-7f3a"
ANSWER = ('{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"'
          + SECRET + '"}}]}}').encode()


class Listener:
    """A TCP server on a free loopback port that records every connection it accepts."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.settimeout(1)
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                             b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(ANSWER), ANSWER))
            except OSError:
                pass
            conn.close()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    """The trap endpoint; at the end of the module it must not have seen a single connection."""
    trap = Listener()
    yield trap
    trap.close()
    assert trap.connections == 0, f"{trap.connections} outbound connection(s) reached the listener"


def forms(port: int) -> dict[str, str]:
    """Every way of calling another endpoint we know of (and the issue's own list)."""
    url = f"http://127.0.0.1:{port}/secret"
    pattern = "{ ?s ?p ?o }"
    return {
        "plain": f"SELECT * WHERE {{ SERVICE <{url}> {pattern} }}",
        "no space": f"SELECT * WHERE {{ SERVICE<{url}> {pattern} }}",
        "no space after either": f"SELECT * WHERE{{SERVICE<{url}>{pattern}}}",
        "silent": f"SELECT * WHERE {{ SERVICE SILENT <{url}> {pattern} }}",
        "silent no space": f"SELECT * WHERE {{ SERVICE SILENT<{url}>{pattern} }}",
        "lower case": f"select * where {{ service silent <{url}> {pattern} }}",
        "mixed case": f"SeLeCt * WhErE {{ sErViCe <{url}> {pattern} }}",
        "empty prefix": f"PREFIX : <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE :x {pattern} }}",
        "named prefix": f"PREFIX ex: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE ex:x {pattern} }}",
        "prefix named service": f"PREFIX service: <http://127.0.0.1:{port}/> "
                                f"SELECT * WHERE {{ SERVICE service:x {pattern} }}",
        "non-ASCII prefix": f"PREFIX ữ: <http://127.0.0.1:{port}/> "
                            f"SELECT * WHERE {{ SERVICE ữ:x {pattern} }}",
        "non-ASCII prefix, escaped": f"PREFIX \\u1EEF: <http://127.0.0.1:{port}/> "
                                     f"SELECT * WHERE {{ SERVICE \\u1EEF:x {pattern} }}",
        "base + relative IRI": f"BASE <http://127.0.0.1:{port}/> "
                               f"SELECT * WHERE {{ SERVICE <secret> {pattern} }}",
        "\\u escape in keyword": f"SELECT * WHERE {{ SERVIC\\u0045 <{url}> {pattern} }}",
        "\\u escapes only": "SELECT * WHERE { \\u0053\\u0045\\u0052\\u0056\\u0049\\u0043\\u0045 "
                           f"<{url}> {pattern} }}",
        "\\U escape": f"SELECT * WHERE {{ \\U00000053ERVICE <{url}> {pattern} }}",
        "escape in IRI": f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/\\u0073ecret> {pattern} }}",
        "tab and newline": f"SELECT * WHERE {{\n\tSERVICE\n\t<{url}>\n{pattern} }}",
        "comment in between": f"SELECT * WHERE {{ SERVICE # ignore me\n <{url}> {pattern} }}",
        "variable endpoint": f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {pattern} }}",
        "$variable endpoint": f"SELECT * WHERE {{ VALUES $e {{ <{url}> }} SERVICE $e {pattern} }}",
        "in OPTIONAL": f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <{url}> {pattern} }} }}",
        "in subquery": f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {pattern} }} }} }}",
        "in GRAPH": f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{url}> {pattern} }} }}",
        "in UNION": f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{url}> {pattern} }} }}",
        "in MINUS": f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{url}> {pattern} }} }}",
        "in FILTER EXISTS": f"SELECT * WHERE {{ ?x ?y ?z FILTER EXISTS {{ SERVICE <{url}> {pattern} }} }}",
        "in ASK": f"ASK {{ SERVICE <{url}> {pattern} }}",
        "in CONSTRUCT": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {pattern} }}",
        "in DESCRIBE": f"DESCRIBE ?s WHERE {{ SERVICE <{url}> {pattern} }}",
        "deeply nested": "SELECT * WHERE { " + "{ " * 20 + f"SERVICE <{url}> {pattern}" + " }" * 20 + " }",
        "after a string with a quote": f'SELECT * WHERE {{ BIND("a\\"b" AS ?x) SERVICE <{url}> {pattern} }}',
        "after a long string": f'SELECT * WHERE {{ BIND("""x\n"y"\n""" AS ?x) SERVICE <{url}> {pattern} }}',
        "after < comparison": f"SELECT * WHERE {{ ?s ?p ?o FILTER(1<2) SERVICE <{url}> {pattern} }}",
        "Virtuoso fetching pragma": f'DEFINE get:soft "replace" SELECT * FROM <{url}> WHERE {pattern}',
    }


def fuzzed(port: int, count: int, seed: int) -> list[str]:
    """Random spellings: case, whitespace, comments, escaped letters, wrapping groups."""
    rng = random.Random(seed)
    url = f"http://127.0.0.1:{port}/x"
    wraps = ["{0}", "OPTIONAL {{ {0} }}", "{{ SELECT * WHERE {{ {0} }} }}", "GRAPH ?g {{ {0} }}",
             "MINUS {{ {0} }}", "FILTER NOT EXISTS {{ {0} }}", "{{ ?a ?b ?c }} UNION {{ {0} }}"]
    spaces = [" ", "", "\t", "\n", "  ", " # c\n", "\r\n"]
    out = []
    for _ in range(count):
        word = "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in "service")
        word = "".join(f"\\u{ord(c):04X}" if rng.random() < 0.2 else c for c in word)
        silent = rng.choice(["", "SILENT" + rng.choice(spaces[:1] + spaces[2:]), "silent "])
        endpoint = rng.choice([f"<{url}>", "p:x", "?e", "ữ:y", ":z"])
        call = f"{word}{rng.choice(spaces if endpoint[0] == '<' else spaces[:1] + spaces[2:])}{silent}" \
               f"{endpoint}{rng.choice(spaces)}{{ ?s ?p ?o }}"
        for _ in range(rng.randint(1, 3)):
            call = rng.choice(wraps).format(call)
        out.append(f"PREFIX p: <{url}> PREFIX ữ: <{url}> PREFIX : <{url}>\n"
                   f"SELECT * WHERE {{ BIND(<{url}> AS ?e) {call} }}")
    return out


def refused(response) -> None:
    body = assert_error(response, 400, "federation_disabled")
    assert SECRET not in response.text
    assert "SERVICE" in body["detail"]


@pytest.mark.parametrize("name", list(forms(1)))
def test_every_service_form_is_refused(client, listener, name):
    query = forms(listener.port)[name]
    refused(client.get("/sparql", params={"query": query}))
    refused(client.post("/sparql", content=query.encode(),
                        headers={"Content-Type": "application/sparql-query"}))


def test_fuzzed_service_forms_are_refused(client, listener):
    for query in fuzzed(listener.port, 60, seed=10):
        refused(client.post("/sparql", data={"query": query}))


def test_the_word_service_elsewhere_is_fine(client, listener):
    queries = [
        'ASK { FILTER("SERVICE <http://127.0.0.1:1/>" != "") }',
        f"ASK {{ ?service <http://127.0.0.1:{listener.port}/SERVICE> ?o }}",
        "PREFIX service: <http://example.org/> ASK { ?s service:SERVICE ?o }",
        "ASK { ?s ?p ?o } # SERVICE <http://127.0.0.1:1/> { }",
    ]
    for query in queries:
        assert client.get("/sparql", params={"query": query}).status_code == 200, query


def test_named_query_parameters_cannot_call_out(client, listener):
    listed = client.get("/api/queries").json()
    assert listed
    injection = f"x> }} SERVICE <http://127.0.0.1:{listener.port}/secret> {{ ?s ?p ?o }} #"
    for query in listed:
        params = {p["name"]: injection for p in query.get("params", [])}
        response = client.get(f"/api/queries/{query['name']}", params=params)
        assert response.status_code < 500 or response.status_code == 503, response.text
        assert SECRET not in response.text


def test_checks_agree_on_a_parsed_query():
    for query in forms(5).values():
        with pytest.raises(QueryRefused):
            check(query, 100)
    assert unescape("\\u0053\\U00000045") == "SE"
    assert nesting_depth("SELECT * { { FILTER(((1))) } }") == 5


def test_deep_nesting_is_refused_before_the_engine(client):
    query = "SELECT * WHERE " + "{ " * 2500 + "?s ?p ?o" + " }" * 2500
    body = assert_error(client.post("/sparql", data={"query": query}), 400, "query_too_complex")
    assert "2500" in body["detail"]


def test_workers_have_no_network(listener):
    """The last line of defence: a worker process cannot connect anywhere, even if a query
    reached pyoxigraph's SERVICE client (there is no option to turn that client off)."""
    script = (
        "from thamquyen.api.worker import no_network\n"
        "import pyoxigraph as ox\n"
        "assert no_network(), 'no network namespace'\n"
        f"q = 'SELECT * {{ SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} }}'\n"
        "try:\n    print(list(ox.Store().query(q)))\nexcept OSError as e:\n    print('refused', e)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    if "no network namespace" in result.stderr:
        pytest.skip("this machine allows no network namespace (the query checks still hold)")
    assert result.returncode == 0, result.stderr
    assert "refused" in result.stdout and SECRET not in result.stdout
