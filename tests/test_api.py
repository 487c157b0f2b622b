"""The HTTP API on the embedded store and on a real Oxigraph server (the same tests on both):
lookups, search, named queries, validation, linked-data pages, errors, OpenAPI fuzzing."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
import rdflib
import schemathesis
from conftest import AT, BASIS, CONFERRAL, POWER_ONE, POWER_TWO, UBND_84, assert_error
from hypothesis import HealthCheck, Phase, given, settings
from rdflib.namespace import SKOS
from thamquyen.namespaces import ID

# ---------------------------------------------------------------- health and docs


def test_health(client, store_kind):
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["reachable"] is True
    assert body["store"] == store_kind
    assert body["triples"] > 1000
    assert body["fingerprint"]


def test_openapi_lists_the_stable_routes(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/who-holds", "/api/powers/{id}/holders", "/api/authorities/{id}/powers",
                 "/api/search", "/api/queries", "/api/validate", "/sparql", "/id/{path}", "/health"):
        assert path in spec["paths"], path
    assert "text/html" in client.get("/docs").headers["content-type"]


# ---------------------------------------------------------------- who-holds


@pytest.mark.parametrize("power", ["kiem thu api mot", "Thẩm quyền kiểm thử API một", POWER_ONE,
                                   "id:power/kiem-thu-api-mot"])
def test_who_holds_resolves_names(client, power):
    body = client.get("/api/who-holds", params={"power": power, "at": AT}).json()
    assert body["power"] == POWER_ONE and body["at"] == AT and body["in"] is None
    [holder] = body["holders"]
    assert holder["authority"] == UBND_84
    assert holder["label"] == "Ủy ban nhân dân tỉnh Trà Vinh"
    first = holder["chain"][0]
    sources = first.pop("sources")  # where the basis is published (tests/test_sources.py)
    first.pop("basisText")  # the basis's Vietnamese wording (tests/test_sources.py)
    assert first == {"step": "conferral", "from": None, "to": UBND_84, "basis": BASIS,
                     "validFrom": "2020-01-01", "validUntil": None}
    assert sources and {s["kind"] for s in sources} <= {"official", "secondary"}


def test_who_holds_in_a_unit(client):
    body = client.get("/api/who-holds", params={"power": POWER_ONE, "in": "84", "at": AT}).json()
    assert body["in"] == f"{ID}unit/84"
    assert [h["authority"] for h in body["holders"]] == [UBND_84]


def test_who_holds_nobody_is_200_with_no_holders(client):
    response = client.get("/api/who-holds", params={"power": POWER_TWO, "at": AT})
    assert response.status_code == 200
    assert response.json()["holders"] == []
    [why] = response.json()["explanations"]
    assert set(why) == {"code", "vi", "en", "refs"} and POWER_TWO in why["refs"]


def test_who_holds_ambiguous_name_lists_candidates(client):
    body = assert_error(client.get("/api/who-holds", params={"power": "kiem thu api", "at": AT}),
                        400)
    assert POWER_ONE in body["detail"] and POWER_TWO in body["detail"]
    assert body["detail"].index("khớp với nhiều") < body["detail"].index("ambiguous")


def test_who_holds_unknown_name(client):
    assert_error(client.get("/api/who-holds", params={"power": "khong co tham quyen nay xyz"}), 400)


@pytest.mark.parametrize("at", ["2024-13-01", "01/05/2024", "hôm qua"])
def test_who_holds_bad_date(client, at):
    body = assert_error(client.get("/api/who-holds", params={"power": POWER_ONE, "at": at}), 400)
    assert body["detail"].startswith("ngày")


def test_who_holds_needs_a_power(client):
    assert_error(client.get("/api/who-holds"), 400, "bad_request")


def test_power_holders_route_matches_who_holds(client):
    direct = client.get("/api/powers/kiem-thu-api-mot/holders", params={"at": AT}).json()
    assert direct == client.get("/api/who-holds", params={"power": POWER_ONE, "at": AT}).json()


def test_power_holders_unknown_power(client):
    assert_error(client.get("/api/powers/khong-co/holders"), 404, "not_found")


def test_authority_powers(client):
    body = client.get("/api/authorities/agency/ubnd-84/powers", params={"at": AT}).json()
    assert body["authority"] == UBND_84
    [entry] = [p for p in body["powers"] if p["power"] == POWER_ONE]
    assert entry["exercises"] is True and entry["holder"] == UBND_84


def test_authority_powers_unknown(client):
    assert_error(client.get("/api/authorities/agency/khong-co/powers"), 404, "not_found")


# ---------------------------------------------------------------- search


def test_search_is_accent_insensitive(client):
    hits = client.get("/api/search", params={"q": "kiem thu api"}).json()
    assert {POWER_ONE, POWER_TWO} <= {h["iri"] for h in hits}
    assert set(hits[0]) == {"iri", "label", "type", "code", "parents", "level", "validFrom",
                            "validUntil", "sector", "description"}


def test_search_by_kind(client):
    hits = client.get("/api/search", params={"q": "Kiểm thử API hai", "type": "power"}).json()
    assert hits[0]["iri"] == POWER_TWO
    assert client.get("/api/search", params={"q": "kiem thu api", "type": "unit"}).json() == []


def test_search_rejects_unknown_kind(client):
    assert_error(client.get("/api/search", params={"q": "x", "type": "planet"}), 400)


# ---------------------------------------------------------------- named queries


def catalog_of(client) -> list:
    catalog = client.app.state.catalog
    if not catalog:
        pytest.skip("no named queries (queries/*.rq, thamquyen.catalog) available")
    return catalog


def test_catalog_lists_every_query_as_its_own_operation(client):
    catalog = catalog_of(client)
    listed = client.get("/api/queries").json()
    assert [q["name"] for q in listed] == [q.name for q in catalog]
    spec = client.get("/openapi.json").json()
    for query in catalog:
        operation = spec["paths"][f"/api/queries/{query.name}"]["get"]
        names = {p["name"] for p in operation.get("parameters", [])}
        assert names == {p.name for p in query.params}
        for p in operation.get("parameters", []):
            declared = next(q for q in query.params if q.name == p["name"])
            assert p["required"] == bool(declared.required)


def test_every_named_query_runs_with_its_examples(client):
    """Each answers its documented example: rows, or — for a query slower than the deadline at
    national scale — the JSON 503 query_timeout (the service stays responsive either way)."""
    answered = []
    for query in catalog_of(client):
        params = {p.name: str(p.example) for p in query.params if p.example is not None}
        response = client.get(f"/api/queries/{query.name}", params=params)
        if response.status_code == 503:
            assert_error(response, 503, "query_timeout")
            continue
        assert response.status_code == 200, (query.name, response.text)
        body = response.json()
        assert isinstance(body["variables"], list) and isinstance(body["rows"], list)
        answered.append((query.name, params, body["variables"]))
    assert answered
    name, params, variables = answered[0]
    csv = client.get(f"/api/queries/{name}", params=params, headers={"Accept": "text/csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].split(",") == variables


def test_named_query_parameter_errors(client):
    catalog = catalog_of(client)
    with_date = [q for q in catalog if any(p.type == "date" for p in q.params)]
    if with_date:
        query = with_date[0]
        params = {p.name: str(p.example) for p in query.params if p.example is not None}
        params[next(p.name for p in query.params if p.type == "date")] = "2024-02-30"
        assert_error(client.get(f"/api/queries/{query.name}", params=params), 400)
    required = [q for q in catalog if any(p.required for p in q.params)]
    if required:
        assert_error(client.get(f"/api/queries/{required[0].name}"), 400, "bad_request")
    assert_error(client.get("/api/queries/khong-co-truy-van-nay"), 404)


# ---------------------------------------------------------------- validation

DOCUMENT = """@prefix tq: <https://w3id.org/thamquyen/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://w3id.org/thamquyen/id/power/vi-du-kiem-tra> a tq:Power ;
    skos:prefLabel "Thẩm quyền ví dụ để kiểm tra"@vi ;
    dcterms:source <https://w3id.org/thamquyen/id/doc/77-2015-qh13/dieu-13/khoan-1> .
<https://w3id.org/thamquyen/id/conferral/vi-du-kiem-tra> a tq:Conferral ;
    tq:power <https://w3id.org/thamquyen/id/power/vi-du-kiem-tra> ;
    dcterms:source <https://w3id.org/thamquyen/id/doc/77-2015-qh13/dieu-13/khoan-1> .
"""


def test_validate_reports_the_posted_document(client):
    response = client.post("/api/validate", content=DOCUMENT.encode(),
                           headers={"Content-Type": "text/turtle"})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["conforms"] is False
    focus = {r["focus"] for r in report["results"]}
    assert focus == {f"{ID}conferral/vi-du-kiem-tra"}
    holder = [r for r in report["results"] if r["path"] and r["path"].endswith("#holder")]
    assert holder and holder[0]["severity"] == "Violation"
    assert holder[0]["message"]["vi"] and holder[0]["message"]["en"]
    assert holder[0]["source"].startswith(str(ID))


def test_validate_syntax_error_names_the_line(client):
    bad = "@prefix tq: <https://w3id.org/thamquyen/ontology#> .\n\n<a:b> a tq:Power ;\n  oops .\n"
    body = assert_error(client.post("/api/validate", content=bad.encode(),
                                    headers={"Content-Type": "text/turtle"}), 400)
    assert "tài liệu gửi lên:4" in body["detail"]


def test_validate_refuses_large_bodies(client):
    limit = client.app.state.service.settings.max_upload_bytes
    body = b"#" * (limit + 1)
    assert_error(client.post("/api/validate", content=body, headers={"Content-Type": "text/turtle"}),
                 413, "too_large")


def test_validate_wants_turtle(client):
    assert_error(client.post("/api/validate", json={"a": 1}), 415)
    assert_error(client.post("/api/validate", content=b"  ", headers={"Content-Type": "text/turtle"}),
                 400)
    assert_error(client.post("/api/validate", content="<a:b> <a:c> \"\xff\" .".encode("latin-1"),
                             headers={"Content-Type": "text/turtle"}), 400)


# ---------------------------------------------------------------- linked data


def test_id_page_for_a_browser(client):
    response = client.get("/id/power/kiem-thu-api-mot", params={"at": AT},
                          headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<html lang="vi">' in html
    assert '<h1 id="label">Thẩm quyền kiểm thử API một</h1>' in html
    assert "Chủ thể giữ thẩm quyền vào ngày 01/05/2024" in html
    assert 'href="/id/agency/ubnd-84"' in html
    assert "Căn cứ pháp lý" in html and 'href="/id/doc/77-2015-qh13/dieu-13/khoan-1"' in html
    assert 'href="/id/conferral/kiem-thu-api-mot"' in html  # incoming link


def test_id_page_of_a_unit(client):
    response = client.get("/id/unit/84", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "Tỉnh Trà Vinh" in response.text


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", "turtle"),
                                             ("application/ld+json", "json-ld"),
                                             ("application/n-triples", "nt"),
                                             ("application/rdf+xml", "xml"),
                                             (None, "turtle")])
def test_id_as_rdf(client, accept, fmt):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/id/conferral/kiem-thu-api-mot", headers=headers)
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.text, format=fmt)
    node = rdflib.URIRef(CONFERRAL)
    assert (node, rdflib.URIRef("https://w3id.org/thamquyen/ontology#holder"),
            rdflib.URIRef(UBND_84)) in graph
    assert graph.value(rdflib.URIRef(UBND_84), SKOS.prefLabel) is not None  # linked node labelled


def test_id_format_parameter(client):
    response = client.get("/id/power/kiem-thu-api-mot", params={"format": "jsonld"},
                          headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("application/ld+json")
    assert json.loads(response.text)


def test_id_unknown_is_404_json(client):
    assert_error(client.get("/id/power/khong-co-that", headers={"Accept": "text/turtle"}), 404,
                 "not_found")


def test_id_unknown_is_a_404_page_for_browsers(client):
    page = client.get("/id/power/khong-co-that", headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Không tìm thấy" in page.text and "khong-co-that" in page.text


def test_id_not_acceptable(client):
    assert_error(client.get("/id/unit/84", headers={"Accept": "image/png"}), 406, "not_acceptable")


def test_unknown_route_is_json(client):
    assert_error(client.get("/khong-co"), 404, "not_found")
    assert_error(client.delete("/api/search"), 405)


# ---------------------------------------------------------------- a store that is down


def test_store_down_is_503(app_factory):
    from conftest import free_port
    from fastapi.testclient import TestClient
    from thamquyen.api import create_app
    from thamquyen.api.settings import Settings

    port = free_port()
    settings = Settings(endpoint=f"http://127.0.0.1:{port}/query",
                        update_endpoint=f"http://127.0.0.1:{port}/update", timeout=2)
    with TestClient(create_app(settings, catalog=[]), raise_server_exceptions=False) as down:
        body = assert_error(down.get("/health"), 503, "store_unavailable")
        assert body["reachable"] is False
        assert_error(down.get("/api/who-holds", params={"power": "x"}), 503, "store_unavailable")
        assert_error(down.get("/api/search", params={"q": "x"}), 503, "store_unavailable")
        assert_error(down.get("/sparql", params={"query": "ASK {}"}), 503, "store_unavailable")
        assert_error(down.get("/id/unit/84", headers={"Accept": "text/turtle"}), 503)


# ---------------------------------------------------------------- OpenAPI fuzzing

FUZZ = settings(max_examples=25, deadline=dt.timedelta(seconds=180), database=None,
                phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
# the named-query routes are built by one function from the query headers: 4 examples each
# (13 routes) cover their parameter types; 8 each took 25 s of the suite
NAMED_FUZZ = settings(FUZZ, max_examples=4)


def test_openapi_fuzz_no_server_error(live_servers, store_kind, no_proxy, request):
    """Every operation of /openapi.json, fed generated requests (at most 25 each, bounded
    time): no 5xx except the documented 503 of a query stopped at its deadline, and every
    error is the JSON error document. The server has a short query deadline (3 s)."""
    if store_kind == "remote" and "not slow" in (request.config.getoption("-m") or ""):
        pytest.skip("the remote half of the fuzz takes ~50 s: run with -m slow")
    url = live_servers(store_kind, query_timeout=3.0).url
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        strategy = operation.as_strategy()
        if operation.path == "/api/validate":
            # Its documented example is a full SHACL check, covered by
            # test_validate_reports_the_posted_document: fuzz the rest.
            strategy = strategy.filter(lambda case: "@prefix" not in str(case.body))

        @(NAMED_FUZZ if operation.path.startswith("/api/queries/") else FUZZ)
        @given(case=strategy)
        def call(case) -> None:
            response = case.call(timeout=240)
            where = f"{case.method} {case.formatted_path} {case.query}"
            if response.status_code >= 400:
                body = response.json()
                assert set(body) >= {"error", "detail"}, where
                if response.status_code == 503:
                    assert body["error"] in ("query_timeout", "busy"), (where, body)
                    return
            assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:500]}"

        started = time.monotonic()
        call()
        print(f"fuzz {operation.label}: {time.monotonic() - started:.1f} s")


# ---------------------------------------------------------------- route building


ECHO = """SELECT ?power ?in ?at ?limit ?q WHERE {
  BIND(?_power AS ?power) BIND(?_in AS ?in) BIND(?_at AS ?at) BIND(?_limit AS ?limit) BIND(?_q AS ?q)
}"""


def test_named_query_routes_are_typed_and_validated(app_factory, embedded_kb):
    from fastapi.testclient import TestClient
    from thamquyen.api import create_app
    from thamquyen.catalog import NamedQuery, Param

    query = NamedQuery(name="thu-kieu", summary={"vi": "Thử", "en": "Try"},
                       description="A stand-in named query.", question="", text=ECHO, params=[
        Param("power", "iri", "the power", example=POWER_ONE, required=True, kind="power"),
        Param("in", "iri", "a unit", kind="unit"),
        Param("at", "date", "a date", example="2024-05-01", default="2024-01-01"),
        Param("limit", "integer", "how many", example="5", default="10"),
        Param("q", "string", "text"),
    ])
    app = create_app(app_factory.settings("embedded", sparql_workers=1), embedded_kb,
                     catalog=[query])
    with TestClient(app, raise_server_exceptions=False) as c:
        operation = c.get("/openapi.json").json()["paths"]["/api/queries/thu-kieu"]["get"]
        schema = {p["name"]: (p["required"], p["schema"]) for p in operation["parameters"]}
        assert schema["power"][0] is True and schema["at"][0] is False
        assert '"format": "date"' in json.dumps(schema["at"][1])
        assert schema["limit"][1]["anyOf"][0]["type"] == "integer"
        answer = c.get("/api/queries/thu-kieu", params={"power": "kiem thu api mot", "in": "84"})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["variables"] == ["power", "in", "at", "limit", "q"]
        assert body["rows"] == [{"power": POWER_ONE, "in": f"{ID}unit/84", "at": "2024-01-01",
                                 "limit": 10, "q": None}]
        assert_error(c.get("/api/queries/thu-kieu", params={"power": POWER_ONE, "limit": "x"}), 400)
        assert_error(c.get("/api/queries/thu-kieu", params={"power": POWER_ONE, "at": "2024-02-30"}),
                     400)
        assert_error(c.get("/api/queries/thu-kieu"), 400, "bad_request")
        assert_error(c.get("/api/queries/thu-kieu", params={"power": "kiem thu api"}), 400)
        csv = c.get("/api/queries/thu-kieu", params={"power": POWER_ONE, "q": "a,b"},
                    headers={"Accept": "text/csv"})
        assert csv.text.splitlines() == ["power,in,at,limit,q",
                                         f'{POWER_ONE},,2024-01-01,10,"a,b"']
        listed = c.get("/api/queries").json()
        assert listed[0]["path"] == "/api/queries/thu-kieu" and len(listed[0]["params"]) == 5
