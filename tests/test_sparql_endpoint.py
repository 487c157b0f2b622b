"""/sparql: the SPARQL 1.1 Protocol, read-only, on the embedded store and on Oxigraph server —
formats, datasets, refusals, the row cap, the deadline, and real clients (SPARQLWrapper,
rdflib's SPARQLStore) over a real uvicorn server."""

from __future__ import annotations

import io
import threading
import time

import httpx
import pytest
import rdflib
from conftest import POWER_ONE, assert_error
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper
from thamquyen.namespaces import ID

PREFIXES = """PREFIX tq: <https://w3id.org/thamquyen/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
SELECT = PREFIXES + """SELECT ?power ?label WHERE {
  ?power a tq:Power ; skos:prefLabel ?label .
  FILTER(STRSTARTS(STR(?power), "https://w3id.org/thamquyen/id/power/kiem-thu-api-"))
  FILTER(lang(?label) = "vi")
} ORDER BY ?power"""
ASK = PREFIXES + f"ASK {{ <{POWER_ONE}> a tq:Power }}"
CONSTRUCT = PREFIXES + f"CONSTRUCT {{ <{POWER_ONE}> ?p ?o }} WHERE {{ <{POWER_ONE}> ?p ?o }}"
DESCRIBE = f"DESCRIBE <{POWER_ONE}>"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
INSERT = f'INSERT DATA {{ <{ID}power/chen-vao> <http://www.w3.org/2000/01/rdf-schema#label> "x" }}'
INSERTED = f"ASK {{ <{ID}power/chen-vao> ?p ?o }}"
TWO_POWERS = [f"{ID}power/kiem-thu-api-hai", POWER_ONE]


def rows_of(result: Result) -> list[str]:
    """The ?power column of a parsed SELECT result."""
    return [str(row[0]) for row in result]


# ---------------------------------------------------------------- the three ways to send a query


def test_get_post_form_and_post_body_agree(client):
    got = client.get("/sparql", params={"query": SELECT})
    form = client.post("/sparql", data={"query": SELECT})
    body = client.post("/sparql", content=SELECT.encode(),
                       headers={"Content-Type": "application/sparql-query"})
    for response in (got, form, body):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/sparql-results+json"
    assert got.json() == form.json() == body.json()
    bindings = got.json()["results"]["bindings"]
    assert [b["power"]["value"] for b in bindings] == TWO_POWERS
    assert bindings[1]["label"] == {"type": "literal", "value": "Thẩm quyền kiểm thử API một",
                                    "xml:lang": "vi"}


# ---------------------------------------------------------------- result formats


@pytest.mark.parametrize(("accept", "fmt"), [
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("application/json", "json"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "xml"),
])
def test_select_formats(client, accept, fmt):
    response = client.get("/sparql", params={"query": SELECT}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    result = Result.parse(io.BytesIO(response.content), format=fmt)
    assert rows_of(result) == TWO_POWERS


@pytest.mark.parametrize(("accept", "fmt"), [("application/sparql-results+json", "json"),
                                             ("application/sparql-results+xml", "xml")])
def test_ask_formats(client, accept, fmt):
    response = client.get("/sparql", params={"query": ASK}, headers={"Accept": accept})
    assert Result.parse(io.BytesIO(response.content), format=fmt).askAnswer is True


@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE])
@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", "turtle"),
                                             ("application/n-triples", "nt"),
                                             ("application/ld+json", "json-ld"),
                                             ("application/rdf+xml", "xml"),
                                             ("*/*", "turtle")])
def test_graph_formats(client, query, accept, fmt):
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    graph = rdflib.Graph().parse(data=response.content, format=fmt)
    label = rdflib.Literal("Thẩm quyền kiểm thử API một", lang="vi")
    assert (rdflib.URIRef(POWER_ONE), rdflib.namespace.SKOS.prefLabel, label) in graph


@pytest.mark.parametrize(("query", "accept"), [(SELECT, "text/turtle"), (ASK, "image/png"),
                                               (CONSTRUCT, "application/sparql-results+json"),
                                               (CONSTRUCT, "text/csv")])
def test_not_acceptable(client, query, accept):
    assert_error(client.get("/sparql", params={"query": query}, headers={"Accept": accept}), 406,
                 "not_acceptable")


# ---------------------------------------------------------------- the dataset


def test_default_graph_uri_names_the_dataset(client):
    params = {"query": ASK, "default-graph-uri": "http://example.org/no-such-graph"}
    response = client.get("/sparql", params=params)
    assert response.json()["boolean"] is False
    named = {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1",
             "named-graph-uri": "http://example.org/no-such-graph"}
    assert client.get("/sparql", params=named).json()["results"]["bindings"] == []
    assert client.get("/sparql", params={"query": ASK}).json()["boolean"] is True


def test_bad_graph_iri(client):
    assert_error(client.get("/sparql", params={"query": ASK, "default-graph-uri": "not an iri"}),
                 400)


# ---------------------------------------------------------------- refusals


def test_updates_are_refused_and_change_nothing(client):
    assert_error(client.post("/sparql", data={"update": INSERT}), 403, "read_only")
    assert_error(client.post("/sparql", content=INSERT.encode(),
                             headers={"Content-Type": "application/sparql-update"}), 403, "read_only")
    assert_error(client.get("/sparql", params={"update": INSERT}), 403, "read_only")
    assert_error(client.get("/sparql", params={"query": INSERT}), 400, "update_as_query")
    assert_error(client.post("/sparql", data={"query": "# comment\nPREFIX a: <http://a/>\n" + INSERT}),
                 400, "update_as_query")
    assert client.get("/sparql", params={"query": INSERTED}).json()["boolean"] is False


def test_syntax_error_carries_the_parser_message(client):
    body = assert_error(client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"}), 400,
                        "query_syntax")
    assert body["detail"].startswith("truy vấn SPARQL sai cú pháp")
    assert len(body["detail"]) > 40


def test_other_refusals(client):
    assert_error(client.get("/sparql", params=[("query", ASK), ("query", ASK)]), 400)
    assert_error(client.post("/sparql", content=b"x", headers={"Content-Type": "text/plain"}), 415)
    assert_error(client.post("/sparql", data={}), 400)
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    assert_error(client.get("/sparql", params={"query": service}), 400, "federation_disabled")
    assert client.get("/sparql", params={"query": 'ASK { FILTER("SERVICE <x>" != "") }'}).status_code == 200


def test_browser_gets_yasgui_and_machines_a_service_description(client):
    page = client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Truy vấn SPARQL" in page.text
    description = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=description.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, rdflib.RDF.type, sd.Service) in graph


# ---------------------------------------------------------------- row cap and deadline


def test_row_cap(app_factory, store_kind):
    capped = app_factory.client(store_kind, row_limit=5, sparql_workers=1)
    response = capped.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"},
                          headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert len(response.text.strip().splitlines()) == 1 + 5
    assert response.headers["X-Truncated"] == "true" and response.headers["X-Row-Limit"] == "5"
    graph = capped.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                       headers={"Accept": "application/n-triples"})
    assert len(graph.text.strip().splitlines()) == 5
    small = capped.get("/sparql", params={"query": SELECT})
    assert "X-Truncated" not in small.headers


@pytest.fixture(scope="session")
def small_oxigraph(start_oxigraph, mini_home):
    """A small Oxigraph server (ontology + the API fixture) with a short server timeout, so a
    runaway query there is cut by the server soon after our client gives up."""
    from conftest import load_with_cli

    server = start_oxigraph(persistent=False, timeout_s=5)
    assert load_with_cli(server, home=mini_home) == 0
    return server


def test_runaway_query_is_stopped_and_health_stays_fast(app_factory, store_kind, request):
    if store_kind == "remote":
        server = request.getfixturevalue("small_oxigraph")
        fast = app_factory.client("remote", no_kb=True, endpoint=server.query_url,
                                  update_endpoint=server.update_url, query_timeout=1.5, timeout=30)
    else:
        fast = app_factory.client("embedded", query_timeout=1.5, sparql_workers=1)
    assert fast.get("/health").status_code == 200  # warm: the index and the triple count
    answer: dict = {}

    def runaway() -> None:
        started = time.monotonic()
        answer["response"] = fast.get("/sparql", params={"query": RUNAWAY})
        answer["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    health = fast.get("/health")
    assert health.status_code == 200 and time.monotonic() - started < 2.0
    thread.join(timeout=60)
    # stopped at the deadline or, if it grew faster than it ran, at the memory cap
    code = answer["response"].json()["error"]
    assert code in {"query_timeout", "query_too_large"}, answer["response"].text
    assert_error(answer["response"], 503, code)
    assert answer["seconds"] < 10
    # the killed worker is replaced in the background (seconds on a busy machine)
    deadline = time.monotonic() + 20
    after = fast.get("/sparql", params={"query": ASK})
    while after.status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.5)
        after = fast.get("/sparql", params={"query": ASK})
    assert after.status_code == 200 and after.json()["boolean"] is True, after.text


# ---------------------------------------------------------------- real clients over HTTP


def test_sparqlwrapper_client(live_url, no_proxy):
    wrapper = SPARQLWrapper(f"{live_url}/sparql")
    wrapper.setQuery(SELECT)
    wrapper.setReturnFormat(JSON)
    data = wrapper.query().convert()
    assert [b["power"]["value"] for b in data["results"]["bindings"]] == TWO_POWERS
    wrapper.setReturnFormat(XML)
    wrapper.setQuery(ASK)
    assert wrapper.query().convert().getElementsByTagName("boolean")[0].firstChild.data == "true"
    wrapper.setQuery(CONSTRUCT)
    wrapper.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=wrapper.query().convert(), format="turtle")
    assert (rdflib.URIRef(POWER_ONE), None, None) in graph
    wrapper.setMethod("POST")
    wrapper.setQuery(SELECT)
    wrapper.setReturnFormat(JSON)
    assert len(wrapper.query().convert()["results"]["bindings"]) == 2


def test_rdflib_sparqlstore_client(live_url, no_proxy):
    graph = rdflib.Graph(SPARQLStore(f"{live_url}/sparql"))  # XML results, RDF/XML graphs
    assert rows_of(graph.query(SELECT)) == TWO_POWERS
    assert graph.query(ASK).askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert (rdflib.URIRef(POWER_ONE), rdflib.RDF.type,
            rdflib.URIRef("https://w3id.org/thamquyen/ontology#Power")) in constructed
    as_json = rdflib.Graph(SPARQLStore(f"{live_url}/sparql", returnFormat="json", method="POST"))
    assert rows_of(as_json.query(SELECT)) == TWO_POWERS


def test_real_server_refuses_updates(live_url, no_proxy):
    response = httpx.post(f"{live_url}/sparql", data={"update": INSERT}, timeout=30)
    assert_error(response, 403, "read_only")
    check = httpx.get(f"{live_url}/sparql", params={"query": INSERTED}, timeout=30)
    assert check.json()["boolean"] is False


def test_a_data_home_of_its_own_still_finds_the_installed_browser_assets(tmp_path, monkeypatch):
    """THAMQUYEN_HOME points at the data; `npm ci` put YASGUI and Swagger UI in the install."""
    from thamquyen import paths
    from thamquyen.api.routers.apidocs import asset_dir
    from thamquyen.api.settings import Settings, find_yasgui

    build = paths.install_root() / "node_modules" / "@zazuko" / "yasgui" / "build"
    if not (build / "yasgui.min.js").is_file():
        pytest.skip("npm ci has not been run here (setup.sh runs it)")
    monkeypatch.setenv("THAMQUYEN_HOME", str(tmp_path))
    assert paths.project_root() == tmp_path.resolve()
    assert find_yasgui(Settings()) == build
    assert asset_dir("swagger") is not None and asset_dir("redoc") is not None
